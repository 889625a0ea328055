"""The words on every page and main dialog in Indonesian: no raw placeholders, no English msgid shown as it is, no
English plurals, big numbers with thousands separators, no technical references where a person expects a name."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from test_translations import source_msgids

from companion import i18n
from companion.gui.main_window import MainWindow
from companion.gui.page_table import PAGES
from companion.gui.pages.inbox import InboxPage
from companion.gui.pages.plan import PlanPage
from companion.gui.showcase import settle, show_page, showcase_window

ONE_PLURAL = re.compile(r"(?<![\d.,])1 (conversations|orders|products|reviews|items|messages|buyers|shops|parcels|"
                        r"labels|sales)\b")
RULES = [
    (re.compile(r"\{[a-z_]+\}"), "a raw {placeholder}"),
    (re.compile(r"\[(product|produk|name|nama)\]", re.I), "a raw [placeholder]"),
    (re.compile(r"\b\d+ (conversations|orders|products|reviews|items|messages|buyers|shops)\b"), "an English plural"),
    (re.compile(r"(?<![\d.,])\d{4,}(?![\d.,:])\s+(produk|pesanan|barang|buah|percakapan|ulasan|pembeli)\b"),
     "a number without thousands separator"),
    (re.compile(r"\bPractice (Shopee|TikTok|Lazada)"), "an English practice shop name"),
    (re.compile(r"\bsale:[0-9a-f]{6,}"), "a technical sale reference"),
    (re.compile(r"Open Platform"), "a technical platform warning"),
]


def texts_of(root: QWidget) -> list[str]:
    """What a person can read under `root`: labels, buttons, fields, combo boxes and the rows of tables."""
    out: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            out.append(widget.text())
        elif isinstance(widget, QLineEdit):
            out += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            out += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            out += _model_texts(widget.model())
        out.append(widget.toolTip())
    return [t for t in out if t]


def _model_texts(model: QAbstractItemModel) -> list[str]:
    top = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(top)
    out = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(columns)]
    for row in range(min(model.rowCount(top), 50)):
        for col in range(columns):
            value = model.data(model.index(row, col))
            if isinstance(value, str):
                out.append(value)
    return out


def wrong_words(texts: list[str]) -> list[str]:
    """Each text breaking a rule, with the rule's name; English msgids shown as they are."""
    english = {m for m in source_msgids() if m in i18n.catalog("id") and i18n.catalog("id")[m] != m}
    found = [f"{name}: {text!r}" for text in texts for rule, name in RULES if rule.search(text)]
    found += [f"an untranslated msgid: {text!r}" for text in texts if text in english]
    return sorted(set(found))


def test_the_indonesian_screens_speak_indonesian(data_dir: Path, qtbot: QtBot) -> None:
    i18n.set_language("id")
    with showcase_window(data_dir, (1366, 728)) as window:
        assert isinstance(window, MainWindow)
        found: dict[str, list[str]] = {}
        for key, *_rest in PAGES:
            show_page(window, key)
            wrong = wrong_words(texts_of(window))
            if wrong:
                found[key] = wrong
        for name, dialog in _dialogs(window).items():
            dialog.show()
            settle(window)
            wrong = wrong_words(texts_of(dialog))
            if wrong:
                found[name] = wrong
            dialog.close()
        assert found == {}


def test_english_screens_count_in_the_singular(data_dir: Path, qtbot: QtBot) -> None:
    """"1 conversation", never "1 conversations" (the counts that can be one are worded for one)."""
    i18n.set_language("en")
    with showcase_window(data_dir, (1366, 728)) as window:
        assert isinstance(window, MainWindow)
        found = []
        for key, *_rest in PAGES:
            show_page(window, key)
            found += [f"{key}: {t!r}" for t in texts_of(window) if ONE_PLURAL.search(t)]
        inbox = show_page(window, "inbox")
        assert isinstance(inbox, InboxPage)
        inbox.search.setText("Ukuran M")  # one conversation holds it
        qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)
        assert inbox.count_label.text() == "1 conversation"
        assert found == []


def test_run_out_dates_carry_their_year(data_dir: Path, qtbot: QtBot) -> None:
    i18n.set_language("id")
    with showcase_window(data_dir, (1366, 728)) as window:
        assert isinstance(window, MainWindow)
        page = show_page(window, "plan")
        assert isinstance(page, PlanPage)
        table = page.cover_table
        cells = [table.item(r, table.columnCount() - 1) for r in range(table.rowCount())]
        days = [cell.text() for cell in cells if cell is not None]
        assert days and all(re.search(r"\b20\d\d\b", day) or day == "–" for day in days)


def _dialogs(window: MainWindow) -> dict[str, QWidget]:
    from companion.gui.movement_history import MovementHistoryDialog
    from companion.gui.product_dialog import ProductDialog
    from companion.gui.receipt import ReceiptDialog
    from companion.gui.ship_dialog import ShipDialog
    from companion.gui.ship_flow import shop_groups
    from companion.store import order_desk
    from companion.store import products as product_store

    ctx = window.ctx
    product = product_store.search(ctx.db, "", limit=1)[0]
    sale_id = str(ctx.db.scalar("SELECT id FROM sales ORDER BY created_at DESC LIMIT 1"))
    rows = order_desk.desk_rows(ctx.db, "all")[:3]
    return {"product": ProductDialog(ctx, product, window),
            "receipt": ReceiptDialog(ctx, sale_id, window, after_sale=True),
            "ship": ShipDialog(ctx, shop_groups(ctx.db, rows), None, window),
            "stock history": MovementHistoryDialog(ctx, product, window)}
