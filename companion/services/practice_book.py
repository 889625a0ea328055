"""Mode Latihan's own book (a shop file of its own, `<data dir>/practice/book.sqlite3`): made new so that it looks
like the shop (its products at their stock, settings, quick replies), started again clean ("Mulai ulang latihan"), and
the one-time move of a shop from before the practice book, whose practice rows were kept in the shop's own book.

The move runs as a service at start-up, not as a schema migration: it writes a second file (the practice book), its
ledger correction goes through the stock ledger's own code, and it must also run on a mixed backup restored later
(a schema migration runs once per file and would not see the rows a restore brings back).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from companion.domain.ledger import MovementKind
from companion.i18n import N_
from companion.services.categories import copy_for_rows
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import practice_book as book_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

Fill = Callable[[Database, Database], Change]  # (the shop's book, a new practice book) → what was put in it

SHOP_STOCK_REASON = N_("The shop's stock when practice began")
MOVED_REASON = N_("Practice orders moved to the practice book")
MOVED_REFERENCE = "practice-book"


def fill_from_shop(shop: Database, book: Database) -> Change:
    """A new practice book with the shop's own products (same ids, current stock), settings and quick replies."""
    return _fill(shop, book, {})


def fill_likeness(shop: Database, book: Database) -> Change:
    """A new practice book with the shop's settings and quick replies only (practice with the sample catalogue)."""
    with book.write():
        _copy_likeness(shop, book)
    return Change(settings=True)


def copy_products(shop: Database, book: Database, taken: Mapping[str, int]) -> dict[str, str]:
    """The shop's products the book lacks (same id; a product whose SKU the book has is that one), each at the shop's
    level less the units in `taken`; returns shop product id → book product id. Inside the caller's `write()`."""
    rows = book_store.product_rows(shop)
    levels = stock_store.cached_levels(shop, [str(r["id"]) for r in rows])
    by_sku = book_store.product_ids_by_sku(book)
    have = set(by_sku.values())
    ids: dict[str, str] = {}
    missing: list[dict[str, Any]] = []
    for row in rows:
        pid, sku = str(row["id"]), str(row["sku"]).casefold()
        ids[pid] = pid if pid in have else by_sku.get(sku, pid)
        if pid not in have and sku not in by_sku:
            missing.append(row)
    copy_for_rows(shop, book, missing)  # their categories first (a product points at its category)
    book_store.insert_rows(book, "products", missing)
    for row in missing:
        pid = str(row["id"])
        if pid in levels:
            stock_store.add_movement(book, pid, MovementKind.OPENING, levels[pid] - taken.get(pid, 0),
                                     reason=SHOP_STOCK_REASON)
    return ids


def make_book(shop: Database, path: Path, fill: Fill = fill_from_shop) -> Change:
    """The practice book at `path`, made and filled if there is none: built beside it and put in place when whole,
    so a failed fill never leaves a half-made book that later starts would take as made."""
    if path.exists():
        return Change()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    book_store.remove_book(partial)
    book = open_database(partial)
    try:
        change = fill(shop, book)
        book.checkpoint()
    finally:
        book.close()
    os.replace(partial, path)
    return change


def forget_book(path: Path) -> None:
    """"Mulai ulang latihan": the practice book goes; the next start makes a clean one."""
    book_store.remove_book(path)


def move_practice_rows(shop: Database, book_path: Path) -> Change:
    """A shop from before the practice book: its practice shops and everything of theirs go to the practice book, and
    the shop's append-only ledger gets one counter-movement per product for the stock those practice orders still
    take from its level (and a stock push, so real listings show it). Stock pushes that practice orders queued
    name no shop and stay: sending one sends today's levels. The practice book is written first (idempotent), the
    shop's book second, each in one transaction: stopped between the two, the next start moves the same rows again
    without doubling them."""
    if not book_store.has_practice_rows(shop):
        return Change()
    still = book_store.practice_stock_still_counted(shop)
    taken = {pid: units for pid, units, _seq in still}
    moved = {table: book_store.practice_rows(shop, table, where) for table, where in book_store.PRACTICE_TABLES}
    make_book(shop, book_path, lambda s, b: _fill(s, b, taken))
    book = open_database(book_path)
    try:
        with book.write():
            ids = copy_products(shop, book, taken)
            for table, rows in moved.items():
                book_store.insert_rows(book, table, [_remapped(row, ids) for row in rows])
    finally:
        book.close()
    with shop.write():
        for pid, units, last_seq in still:
            stock_store.add_movement(shop, pid, MovementKind.ADJUSTMENT, -units, reason=MOVED_REASON,
                                     reference=MOVED_REFERENCE, dedupe_key=f"{MOVED_REFERENCE}:{pid}:{last_seq}")
        book_store.delete_practice_rows(shop)
        if still:  # the real shops' listings follow the stock given back
            queue_stock_push(shop, taken, f"{MOVED_REFERENCE}:{max(seq for _pid, _units, seq in still)}")
    orders = frozenset(str(r["id"]) for r in moved["online_orders"])
    return Change(products=frozenset(taken), orders=orders, sync=True,
                  conversations=frozenset(str(r["id"]) for r in moved["conversations"]),
                  reviews=frozenset(str(r["id"]) for r in moved["reviews"]))


def _fill(shop: Database, book: Database, taken: Mapping[str, int]) -> Change:
    """The book made like the shop; each level less the units in `taken` (the practice orders' stock given back)."""
    with book.write():
        _copy_likeness(shop, book)
        products = copy_products(shop, book, taken)
    return Change(products=frozenset(products.values()), settings=True)


def _copy_likeness(shop: Database, book: Database) -> None:
    for table in book_store.SHOP_LIKENESS:
        book_store.insert_rows(book, table, book_store.all_rows(shop, table), replace=True)


def _remapped(row: dict[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    product = row.get("product_id")
    if product is None or product not in ids:
        return row
    return {**row, "product_id": ids[product]}
