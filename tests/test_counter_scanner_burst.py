"""The counter protects the sale: a code scanned into the cash or discount field goes to the product search (never
finishing a sale), the cash field takes only money, and a sale needs its total covered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.pages.counter import CounterPage
from companion.services.products import add_product
from companion.store import sales as sale_store


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> CounterPage:
    add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000,
                                     barcode="8991001"), 10)
    add_product(ctx.db, ProductInput(sku="GULA-1", name="Gula Pasir 1 kg", sell_price=18_000,
                                     barcode="8991002"), 5)
    counter = CounterPage(ctx)
    qtbot.addWidget(counter)
    counter.show()
    counter.on_shown()
    return counter


def _key(edit: QLineEdit, key: Qt.Key, text: str, at_ms: int) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
    event.setTimestamp(at_ms)
    QApplication.sendEvent(edit, event)


def _type(edit: QLineEdit, text: str, start_ms: int, gap_ms: int) -> int:
    """Keys as a scanner (gap 5 ms) or a person (gap 150 ms) sends them, then Enter; returns the last time."""
    at = start_ms
    for char in text:
        key = Qt.Key(ord(char.upper())) if char.isalnum() else Qt.Key.Key_Period
        _key(edit, key, char, at)
        at += gap_ms
    _key(edit, Qt.Key.Key_Return, "\r", at)
    return at


def _sales(ctx: AppContext) -> int:
    return len(sale_store.recent(ctx.db, "0000", "9999"))


def _add_by_code(page: CounterPage, code: str) -> None:
    page.code.setText(code)
    page.enter_code()


def test_a_code_scanned_into_the_cash_field_adds_the_product_and_saves_nothing(page: CounterPage,
                                                                               ctx: AppContext) -> None:
    _add_by_code(page, "8991001")
    page.cash.setFocus()
    page.cash.setText("50.000")
    _type(page.cash, "8991002", 10_000, 5)
    assert page.model.rowCount() == 2  # the scanned sugar joined the cart
    assert page.cash.text() == "50.000"  # the cash typed before the scan is back as it was
    assert _sales(ctx) == 0


def test_a_code_scanned_into_the_discount_field_goes_to_the_search(page: CounterPage, ctx: AppContext) -> None:
    _add_by_code(page, "8991001")
    page.discount.setFocus()
    _type(page.discount, "8991001", 20_000, 3)
    assert page.discount.text() == ""
    assert page.model.cart.lines[0].quantity == 2
    assert _sales(ctx) == 0


def test_a_person_typing_the_cash_and_enter_still_finishes(page: CounterPage, ctx: AppContext) -> None:
    _add_by_code(page, "8991001")
    page.cash.setFocus()
    _type(page.cash, "50000", 30_000, 150)
    assert _sales(ctx) == 1
    assert page.model.rowCount() == 0


def test_the_cash_field_takes_only_money(page: CounterPage) -> None:
    validator = page.cash.validator()
    assert validator is not None
    for typed in ("20.000", "Rp20.000", "rp 15000", "1.250.000", ""):
        assert validator.validate(typed, 0)[0] != validator.State.Invalid, typed
    for typed in ("dua puluh", "20rb!", "abc", "12a"):
        assert validator.validate(typed, 0)[0] == validator.State.Invalid, typed


def test_cash_short_of_the_total_does_not_finish(page: CounterPage, ctx: AppContext) -> None:
    _add_by_code(page, "8991001")
    page.cash.setText("20.000")
    page.finish()
    assert _sales(ctx) == 0
    assert page.model.rowCount() == 1
