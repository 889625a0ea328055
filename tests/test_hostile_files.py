"""The hostile corpus (tests/hostile_files.py, generated): 0 tracebacks, 0 wrongly accepted, 0 bytes written when
refused, and each row refusal's sentence names the row and the column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hostile_files import CASES, Case

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.services import order_import, product_import
from companion.services.products import add_product
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database


def fingerprint(db: Database) -> str:
    """Every row of every table: refused means not one byte of shop data differs."""
    digest = hashlib.sha256()
    for table in db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        for row in sorted(repr(tuple(r)) for r in db.query(f"SELECT * FROM \"{table['name']}\"")):
            digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture
def kopi(db: Database) -> str:
    return add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)[0]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 150
    assert len({c.name for c in CASES}) == len(CASES)


def _sentence(row: int, error: UserError) -> str:
    return order_import.row_problem(row, error.msgid, error.params)


def _orders(db: Database, case: Case, path: Path, kopi: str) -> None:
    before = fingerprint(db)
    if case.expect == "file":
        for action in (order_import.preview_file, order_import.import_file):
            with pytest.raises(UserError) as caught:
                action(db, path)
            assert caught.value.message().endswith(".") and "\n" not in caught.value.message()
        assert fingerprint(db) == before
        return
    preview = order_import.preview_file(db, path)
    if case.expect == "row":
        assert preview.errors and preview.orders_new == 0, case.name
        row, msgid, params = preview.errors[0]
        sentence = order_import.row_problem(row, msgid, params)
        assert str(row) in sentence and sentence.endswith("."), sentence
        if case.column:
            assert case.column in sentence, sentence
        with pytest.raises(UserError):
            order_import.import_file(db, path)
        assert fingerprint(db) == before
        return
    assert not preview.errors, (case.name, preview.errors)
    order_import.import_file(db, path)
    value = {
        "price": lambda: db.scalar("SELECT unit_price FROM online_order_lines"),
        "quantity": lambda: db.scalar("SELECT quantity FROM online_order_lines"),
        "lines": lambda: db.scalar("SELECT COUNT(*) FROM online_order_lines"),
        "orders": lambda: db.scalar("SELECT COUNT(*) FROM online_orders"),
        "on_hand": lambda: stock_store.on_hand(db, kopi),
    }[case.field]()
    assert value == case.value, case.name


def _products(db: Database, case: Case, path: Path) -> None:
    before = fingerprint(db)
    try:
        preview = product_import.read_import(db, path)
    except UserError as exc:
        assert case.expect == "file", (case.name, exc.message())
        assert exc.message().endswith(".")
        assert fingerprint(db) == before
        return
    assert case.expect != "file", case.name
    if case.expect == "row":
        bad = preview.errors[0]
        assert bad.error is not None
        sentence = _sentence(bad.row_no, bad.error)
        assert str(bad.row_no) in sentence and sentence.endswith("."), sentence
        if case.column:
            assert case.column in sentence, sentence
        with pytest.raises(UserError):
            product_import.apply_import(db, preview)
        assert fingerprint(db) == before
        return
    assert not preview.errors, (case.name, [r.error.message() for r in preview.errors if r.error])
    product_import.apply_import(db, preview)
    found = product_store.by_sku(db, "A-1")
    value = {
        "sell": lambda: found.sell_price if found else None,
        "stock": lambda: found.on_hand if found else None,
        "products": lambda: len(product_store.all_products(db)) - 1,
    }[case.field]()
    assert value == case.value, case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(db: Database, kopi: str, tmp_path: Path, case: Case) -> None:
    path = case.build(tmp_path)
    if case.kind == "orders":
        _orders(db, case, path, kopi)
    else:
        _products(db, case, path)
