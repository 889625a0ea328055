"""Fonts for the offscreen paths: Qt's offscreen platform on Windows looks for fonts only in QT_QPA_FONTDIR (its
default, PySide6\\lib\\fonts, is not shipped), finds none, and then paints every letter as a box — self-test
windows, PDF receipts and screenshots came out blank. The app bundles DejaVu Sans (resources/fonts/) and points Qt
at it; a real window on Windows keeps the system's Segoe UI (Qt's own default there)."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from companion.resources import resource_path


def point_offscreen_at_bundled_fonts() -> None:
    """Before the QApplication exists: the offscreen platform on Windows reads its fonts from QT_QPA_FONTDIR."""
    offscreen = os.environ.get("QT_QPA_PLATFORM", "") == "offscreen"
    if offscreen and sys.platform == "win32" and "QT_QPA_FONTDIR" not in os.environ:
        os.environ["QT_QPA_FONTDIR"] = str(resource_path("fonts"))


# fontconfig's generic names: Qt lists them even when no font file exists behind them (and then crashes drawing)
GENERIC_NAMES = frozenset({"Monospace", "Sans Serif", "Serif", "Sans", "Mono", "monospace", "sans-serif", "serif"})


def real_families() -> list[str]:
    """The font families Qt knows that are real fonts, not fontconfig's generic names."""
    return [family for family in QFontDatabase.families() if family not in GENERIC_NAMES]


WINDOWS_FONT = "Segoe UI"  # Windows' own interface font (Vista and later), Qt's default there
BUNDLED_FAMILY = "DejaVu Sans"


def ensure_a_font() -> int:
    """After the QApplication exists: when Qt found no real font, load the bundled ones; returns how many real
    families Qt knows now (0 means nothing can be drawn: the self-test fails on it). On a Windows without Segoe UI
    (Wine: Qt then falls back to a serif face) the window uses the bundled DejaVu Sans, a little wider than Segoe
    UI, so a layout that fits there fits on a real Windows too."""
    if not real_families():
        _load_bundled()
    if sys.platform == "win32" and WINDOWS_FONT not in QFontDatabase.families():
        _load_bundled()
        font = QFont(BUNDLED_FAMILY)
        font.setPointSizeF(QGuiApplication.font().pointSizeF())
        QGuiApplication.setFont(font)
    return len(real_families())


def _load_bundled() -> None:
    if BUNDLED_FAMILY in QFontDatabase.families():
        return
    for ttf in sorted(resource_path("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(ttf))


def style_font_rule() -> str:
    """A style-sheet rule naming the bundled family when the window must not use Qt's fallback (Windows without
    Segoe UI): item views, headers and lists take their font from the platform per class, which a style sheet
    overrides and QApplication.setFont does not (seen under Wine); "" everywhere else."""
    if sys.platform == "win32" and WINDOWS_FONT not in QFontDatabase.families():
        return f'QWidget {{ font-family: "{BUNDLED_FAMILY}"; }}\n'
    return ""
