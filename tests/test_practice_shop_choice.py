"""Practice teaches with the shop's own things (issue 17, item 1): "pakai contoh toko" fills the practice book with a
sample grocery catalogue (photos, stock, barcodes), "pakai produk saya" copies the shop's own products there; the
practice marketplace then lists only those, so every pretend order arrives mapped, and the first buyer question
names a product the shop has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.practice_mode import PracticeMode
from companion.gui.practice_start_dialog import PracticeStartDialog, start_practice
from companion.practice.buyers import BuyerSimulator, listed_name
from companion.practice.catalogue import PRODUCT_QUESTIONS, is_buyer_question, product_question
from companion.practice.channels import registered_channels
from companion.practice.photos import PREFIX, photo_for
from companion.practice.state import PracticeState
from companion.services.practice_book import make_book
from companion.services.products import add_product
from companion.services.sample_shop import (
    CATALOG,
    PracticeProducts,
    add_sample_catalogue,
    default_fill,
    default_products,
    practice_fill,
    sample_photos,
)
from companion.store import inbox as inbox_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.sync.composition import sync_engine
from companion.sync.practice_session import PracticeSession

PNG = b"\x89PNG\r\n\x1a\n"


def _ean13_ok(code: str) -> bool:
    digits = [int(d) for d in code]
    return len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


@pytest.fixture
def practice_book(tmp_path: Path) -> Iterator[Database]:
    book = open_database(tmp_path / "practice-book.sqlite3")
    yield book
    book.close()


def test_the_sample_catalogue_is_a_small_shop_with_barcodes_stock_and_photos(db: Database) -> None:
    change = add_sample_catalogue(db)
    products = product_store.all_products(db)
    assert 20 <= len(products) <= 30 and len(change.products) == len(products)
    barcodes = [p.barcode or "" for p in products]
    assert all(_ean13_ok(b) for b in barcodes) and len(set(barcodes)) == len(barcodes)
    assert all(p.on_hand > 0 and p.sell_price > 0 for p in products)
    assert stock_store.verify_levels(db) == []
    assert product_store.by_code(db, barcodes[0]) is not None  # a scanner finds them
    photos = sample_photos()
    assert len(photos) == len({item.name for item in CATALOG})
    assert all(png.startswith(PNG) for _name, png in photos)
    assert sample_photos() == photos  # drawn the same every time
    assert add_sample_catalogue(db).products == frozenset()  # chosen again: nothing twice
    assert product_store.count(db) == len(products)


def test_my_products_make_the_practice_book_and_the_shop_is_only_read(db: Database, tmp_path: Path) -> None:
    add_product(db, ProductInput(sku="KOPI-1", name="Kopi Susu", sell_price=15_000, barcode="8990000000017"), 12)
    add_product(db, ProductInput(sku="TEH-1", name="Teh Manis", sell_price=5_000), 3)
    movements = db.scalar("SELECT COUNT(*) FROM stock_movements")
    assert default_products(db) is PracticeProducts.OWN
    make_book(db, tmp_path / "own.sqlite3", practice_fill(PracticeProducts.OWN))
    book = open_database(tmp_path / "own.sqlite3")
    try:
        copied = {p.sku: (p.on_hand, p.barcode) for p in product_store.all_products(book)}
        assert copied == {"KOPI-1": (12, "8990000000017"), "TEH-1": (3, None)}
    finally:
        book.close()
    make_book(db, tmp_path / "sample.sqlite3", practice_fill(PracticeProducts.SAMPLE))
    book = open_database(tmp_path / "sample.sqlite3")
    try:  # the sample instead of the shop's products
        assert {p.sku for p in product_store.all_products(book)} == {item.sku for item in CATALOG}
    finally:
        book.close()
    assert db.scalar("SELECT COUNT(*) FROM stock_movements") == movements and product_store.count(db) == 2


def test_a_shop_without_products_practises_with_the_sample_by_itself(db: Database, tmp_path: Path) -> None:
    assert default_products(db) is PracticeProducts.SAMPLE
    make_book(db, tmp_path / "book.sqlite3", default_fill)
    book = open_database(tmp_path / "book.sqlite3")
    try:
        assert product_store.count(book) == len(CATALOG)
    finally:
        book.close()
    assert product_store.count(db) == 0


def _admin(session: PracticeSession, path: str, body: dict[str, Any]) -> Any:
    assert session.market is not None
    reply = requests.post(session.market.base_urls["admin"] + path, json=body, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _listed(session: PracticeSession, platform: str) -> set[str]:
    assert session.market is not None
    return {x["seller_sku"] for x in session.market.state.listings(platform)}


def test_sample_practice_lists_only_the_sample_and_every_order_arrives_mapped(data_dir: Path, db: Database) -> None:
    session = PracticeSession(data_dir, pace_seconds=0, fill=practice_fill(PracticeProducts.SAMPLE))
    book = None
    try:
        session.enter(db)
        book = open_database(session.book_path)
        skus = {item.sku for item in CATALOG}
        assert session.market is not None
        for platform in session.market.state.channel_names:
            assert _listed(session, platform) == skus  # the marketplace's own catalogue is gone
        actions = _admin(session, "/buyers", {"seed": 7, "steps": 40})["steps"]
        assert any(a["action"] == "order" for a in actions)
        sync_engine(session.book_path, session).sync_once()
        orders = order_store.listing(book)
        assert orders
        for order in orders:  # none "belum dipetakan", none for a product the shop never had
            for line in order_store.lines(book, order.id):
                assert line.product_id is not None, line
                product = product_store.get(book, line.product_id)
                assert product is not None and line.name.startswith(product.name), (line, product)
        assert order_store.listing(db) == [] and product_store.count(db) == 0  # the shop's book untouched
        session.restart(db)  # "Mulai ulang latihan": a clean book with the same choice, still only it listed
        for platform in session.market.state.channel_names:
            assert _listed(session, platform) == skus
    finally:
        if book is not None:
            book.close()
        session.close()


def test_the_first_question_names_a_product_the_shop_has(data_dir: Path, db: Database) -> None:
    add_product(db, ProductInput(sku="KOPI-1", name="Kopi Susu Gula Aren", sell_price=15_000), 12)
    add_product(db, ProductInput(sku="TEH-1", name="Teh Manis Dingin", sell_price=5_000), 30)
    session = PracticeSession(data_dir, pace_seconds=0, fill=practice_fill(PracticeProducts.OWN))
    book = None
    try:
        session.enter(db)
        book = open_database(session.book_path)
        names = {p.display_name for p in product_store.all_products(db)}
        for seed in (1, 2, 3):
            actions = _admin(session, "/buyers", {"seed": seed, "steps": 60})["steps"]
            first = next(a for a in actions if a["action"] == "message")
            assert product_store.by_sku(db, first["seller_sku"]) is not None
            assert any(name in first["text"] for name in names), first
        sync_engine(session.book_path, session).sync_once()
        texts = [m.text for c in inbox_store.conversations(book) for m in inbox_store.thread(book, c.id)]
        assert any(any(name in t for name in names) for t in texts)
    finally:
        if book is not None:
            book.close()
        session.close()


def test_product_questions_stay_deterministic_and_are_known_questions(tmp_path: Path) -> None:
    def run(folder: Path) -> list[str]:
        state = PracticeState(folder, registered_channels())
        sim = BuyerSimulator(state, seed=4)
        out = [f"{a['action']}:{a.get('text', a.get('seller_sku', ''))}" for a in (sim.step() for _ in range(80))]
        state.close()
        return out

    first = run(tmp_path / "a")
    assert first == run(tmp_path / "b")
    asked = [line.split(":", 1)[1] for line in first if line.startswith("message:")]
    assert asked and all(is_buyer_question(text) for text in asked)
    listing = {"name": "Kaos Polos Hitam", "model_name": "M"}
    assert listed_name(listing) == "Kaos Polos Hitam M"
    assert is_buyer_question(product_question(PRODUCT_QUESTIONS[0], "Kaos Polos Hitam M"))
    assert not is_buyer_question("Kak, masih ready?x")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_choice_dialog_in_both_languages(data_dir: Path, qtbot: QtBot, lang: str) -> None:
    i18n.set_language(lang)
    ctx = AppContext(data_dir)
    try:
        dialog = PracticeStartDialog(ctx)
        qtbot.addWidget(dialog)
        assert not dialog.own.isEnabled() and dialog.sample.isDefault()  # nothing of its own yet: the sample
        heading = {"id": "Pakai contoh toko", "en": "Use the sample shop"}[lang]
        assert dialog.sample.heading.text() == heading
        dialog.sample.click()
        assert dialog.result() == QDialog.DialogCode.Accepted and dialog.chosen is PracticeProducts.SAMPLE
        add_product(ctx.db, ProductInput(sku="KOPI-1", name="Kopi Susu", sell_price=15_000), 12)
        dialog = PracticeStartDialog(ctx)
        qtbot.addWidget(dialog)
        assert dialog.own.isEnabled() and dialog.own.isDefault()
        assert "(1)" in dialog.own.sentence.text()
        dialog.own.click()
        assert dialog.chosen is PracticeProducts.OWN
    finally:
        ctx.close()


def test_a_new_practice_starts_with_a_question_about_one_of_its_products(data_dir: Path, db: Database) -> None:
    session = PracticeSession(data_dir, pace_seconds=0, fill=practice_fill(PracticeProducts.SAMPLE))
    book = None
    try:
        session.enter(db)
        book = open_database(session.book_path)
        sync_engine(session.book_path, session).sync_once()
        [conv] = inbox_store.conversations(book)
        [question] = inbox_store.thread(book, conv.id)
        assert is_buyer_question(question.text) and conv.waiting_since is not None
        assert any(p.name in question.text for p in product_store.all_products(book)), question.text
        session.close()
        session.enter(db)  # practice carried on: nobody asks the same again
        assert session.market is not None
        assert sum(len(session.market.state.conversations(p)) for p in session.market.state.channel_names) == 1
    finally:
        if book is not None:
            book.close()
        session.close()


def test_starting_from_settings_asks_then_practises_with_the_sample(data_dir: Path, qtbot: QtBot) -> None:
    ctx = AppContext(data_dir)
    practice = PracticeMode(ctx, pace_seconds=3600)
    try:
        def pick_sample() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, PracticeStartDialog):
                dialog.sample.click()
            else:
                QTimer.singleShot(20, pick_sample)

        QTimer.singleShot(20, pick_sample)
        with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=30_000):
            assert start_practice(practice)
        assert practice.running and ctx.in_practice_book
        assert product_store.count(ctx.db) == len(CATALOG)  # the practice book holds the sample
        shop = open_database(ctx.shop_path)
        try:
            assert product_store.count(shop) == 0  # the shop's own book does not
        finally:
            shop.close()
        practice.leave()
        with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=30_000):
            assert start_practice(practice)  # a practice book from before: carried on without asking
        assert product_store.count(ctx.db) == len(CATALOG)
    finally:
        practice.shutdown()
        ctx.close()


def test_a_buyers_picture_shows_a_product_listed_there(tmp_path: Path) -> None:
    state = PracticeState(tmp_path / "p", registered_channels())
    try:
        sim = BuyerSimulator(state, seed=2)
        shown = [a for a in (sim.step() for _ in range(300)) if a["action"] == "show" and a["kind"] == "image"]
        assert shown
        for action in shown:
            name = action["ref"].removeprefix(PREFIX)
            sku = name.removeprefix("product-").removesuffix(".png")
            assert sku in {x["seller_sku"] for x in state.listings(action["platform"])}
            picture = photo_for(name)
            assert picture is not None and picture.startswith(PNG)
        assert photo_for("product-../../etc.png") is None
    finally:
        state.close()


def test_starting_again_after_the_app_restarted_keeps_the_sample_choice(data_dir: Path, db: Database) -> None:
    """A shop with products of its own that chose the sample: after the app restarts (no choice in memory),
    "Mulai ulang latihan" makes the clean book with the sample again, not the shop's products."""
    add_product(db, ProductInput(sku="MY-1", name="Produk Saya", sell_price=10_000), 5)
    first = PracticeSession(data_dir, pace_seconds=0, fill=practice_fill(PracticeProducts.SAMPLE))
    try:
        first.enter(db)
    finally:
        first.close()
    again = PracticeSession(data_dir, pace_seconds=0)  # the app started again: the default fill
    try:
        again.enter(db)
        again.restart(db)
        fresh = open_database(again.new_book_path)
        try:
            assert product_store.by_sku(fresh, "MY-1") is None
            assert all(product_store.by_sku(fresh, item.sku) is not None for item in CATALOG)
        finally:
            fresh.close()
    finally:
        again.close()
