"""`companion screenshot`: every page of the main window rendered offscreen to PNG, on the sample shop, with
the practice banner, each page's first-use guide and the sync strip, and the welcome wizard's steps.

Used to look at the interface without a screen (support, reviews, the docs) in either language.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from companion import i18n

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from companion.gui.context import AppContext

WINDOW_SIZE = (1200, 760)
log = logging.getLogger(__name__)


def take_screenshots(data_dir: Path, out: Path, lang: str, size: tuple[int, int] | None = None) -> list[Path]:
    """One `<nn>-<key>-<lang>.png` per page at `size` (default WINDOW_SIZE), with the practice banner, each page's
    guide and the sync strip showing (gui/showcase.py); an empty data folder is filled with the sample shop, practice
    shops, online orders and buyers' questions first."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from companion.gui.main_window import PAGES, MainWindow
    from companion.gui.showcase import show_page, showcase_window

    i18n.set_language(lang)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    with showcase_window(data_dir, size or WINDOW_SIZE) as window:
        assert isinstance(window, MainWindow)
        for n, (key, *_rest) in enumerate(PAGES, start=1):
            show_page(window, key)
            file = out / f"{n:02d}-{key}-{lang}.png"
            if not window.grab().save(str(file)):
                raise OSError(f"could not write {file}")
            files.append(file)
        take_welcome_screenshots(window.ctx, out, lang)
    return files


def take_welcome_screenshots(ctx: AppContext, out: Path, lang: str) -> list[Path]:
    """The welcome wizard's steps as `welcome-<n>-<lang>.png` (the name step also once refusing an empty name).

    Written next to the pages by `take_screenshots`, which returns only the pages' files (one per page)."""
    from companion.gui.app import application
    from companion.gui.welcome_wizard import WelcomeWizard

    app = application()
    wizard = WelcomeWizard(ctx)
    wizard.show()
    files: list[Path] = []
    try:
        for name, step, typed in (("1", 0, None), ("2-refused", 1, ""), ("2", 1, "Toko Berkah Jaya"), ("3", 2, None)):
            wizard.show_step(step)
            wizard.error.clear()
            if typed is not None:
                wizard.name_step.name.setText(typed)
            if typed == "":
                wizard.next()  # refused: the step stays, with its one-sentence message
            _settle(app, ctx)
            file = out / f"welcome-{name}-{lang}.png"
            if not wizard.grab().save(str(file)):
                raise OSError(f"could not write {file}")
            files.append(file)
            log.info("wrote %s", file)
    finally:
        wizard.reject()  # closed without finishing: nothing is saved
        wizard.deleteLater()
    return files


def _settle(app: QApplication, ctx: AppContext) -> None:
    """Let a page paint and finish what it loads in the background (Reports), so the picture shows data, not
    "Loading…"."""
    for _ in range(3):
        app.processEvents()
    ctx.work.wait()
    for _ in range(3):
        app.processEvents()
