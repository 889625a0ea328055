"""Fonts for the offscreen paths: Qt's offscreen platform on Windows looks for fonts only in QT_QPA_FONTDIR (its
default, PySide6\\lib\\fonts, is not shipped), finds none, and then paints every letter as a box — self-test
windows, PDF receipts and screenshots came out blank. The app bundles DejaVu Sans (resources/fonts/) and points Qt
at it; a real window on Windows keeps the system's Segoe UI (Qt's own default there)."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFontDatabase

from companion.resources import resource_path


def point_offscreen_at_bundled_fonts() -> None:
    """Before the QApplication exists: the offscreen platform on Windows reads its fonts from QT_QPA_FONTDIR."""
    offscreen = os.environ.get("QT_QPA_PLATFORM", "") == "offscreen"
    if offscreen and sys.platform == "win32" and "QT_QPA_FONTDIR" not in os.environ:
        os.environ["QT_QPA_FONTDIR"] = str(resource_path("fonts"))


def ensure_a_font() -> int:
    """After the QApplication exists: when Qt found no font at all, load the bundled ones; returns how many
    families Qt knows now (0 means nothing can be drawn: the self-test fails on it)."""
    families = QFontDatabase.families()
    if not families:
        for ttf in sorted(resource_path("fonts").glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(ttf))
        families = QFontDatabase.families()
    return len(families)
