"""`companion screenshot`: every page of the main window rendered offscreen to PNG, on the sample shop, with
each page's first-use guide, and the welcome wizard's steps.

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
    """One `<nn>-<key>-<lang>.png` per page at `size` (default WINDOW_SIZE); an empty data folder is filled with
    the sample shop first."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from companion.gui.app import application

    app = application()
    i18n.set_language(lang)
    _fill_if_empty(data_dir)
    from companion.gui.context import AppContext
    from companion.gui.main_window import PAGES, MainWindow

    out.mkdir(parents=True, exist_ok=True)
    ctx = AppContext(data_dir)
    window = MainWindow(ctx, PAGES[0][0])
    width, height = size or WINDOW_SIZE
    low = window.minimumSize()  # a screenshot may be asked smaller than the window's own minimum
    window.setMinimumSize(min(width, low.width()), min(height, low.height()))
    window.resize(width, height)
    window.show()
    app.processEvents()
    files: list[Path] = []
    try:
        for n, (key, *_rest) in enumerate(PAGES, start=1):
            page = window.open_page(key)
            if key == "counter":
                _show_a_cart(page)
            _settle(app, ctx)
            file = out / f"{n:02d}-{key}-{lang}.png"
            if not window.grab().save(str(file)):
                raise OSError(f"could not write {file}")
            files.append(file)
        take_welcome_screenshots(ctx, out, lang)
    finally:
        window.close()
        window.deleteLater()
        ctx.close()
        app.processEvents()
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


def _show_a_cart(page: object) -> None:
    """Put two products in the counter's cart (in memory only, nothing is saved) so the image shows a sale."""
    from companion.gui.pages.counter import CounterPage
    from companion.store import products as product_store

    assert isinstance(page, CounterPage)
    for product in product_store.search(page.ctx.db, "", limit=2):
        page.add_product_id(product.id)


def _fill_if_empty(data_dir: Path) -> None:
    from companion.services.sample_shop import fill_sample_shop
    from companion.store import products as product_store
    from companion.store.database import open_database
    from companion.store.location import db_path

    db = open_database(db_path(data_dir))
    try:
        if product_store.count(db) == 0:  # sales need products, so no products means an empty shop
            fill_sample_shop(db)
    finally:
        db.close()


def _settle(app: QApplication, ctx: AppContext) -> None:
    """Let a page paint and finish what it loads in the background (Reports), so the picture shows data, not
    "Loading…"."""
    for _ in range(3):
        app.processEvents()
    ctx.work.wait()
    for _ in range(3):
        app.processEvents()
