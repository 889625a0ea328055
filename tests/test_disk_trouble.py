"""A full, read-only or failing disk under a write: one sentence, nothing half-written, the same handle recovers.

The full disk is SQLite's own limit (`PRAGMA max_page_count` after VACUUM, with enough rows that new pages are
needed), which raises the same SQLITE_FULL a full disk does; the campaign (bench/reliability) uses a real tmpfs.
"""

from __future__ import annotations

import resource
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.pages.counter import CounterPage
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import backup, storage_errors
from companion.store.database import Database
from companion.store.stock import verify_levels
from companion.store.storage_errors import StorageUnavailable

LINES = 40  # enough sale lines and movements that the sale needs new pages


def make_full(db: Database) -> None:
    """No free pages and no room to grow: the next write that needs a page fails with SQLITE_FULL."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("VACUUM")
    db.conn.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count')}")


def make_room(db: Database) -> None:
    db.conn.execute("PRAGMA max_page_count = 1073741823")


def stock_up(db: Database) -> list[str]:
    return [add_product(db, ProductInput(sku=f"P-{i}", name=f"Barang nomor {i}", sell_price=1_000 + i,
                                         barcode=f"899{i:05d}"), 50)[0] for i in range(LINES)]


def sale_lines(products: list[str]) -> list[LineInput]:
    return [LineInput(p, 1, 1_000) for p in products]


def test_a_full_disk_refuses_the_sale_in_one_sentence_and_the_same_handle_saves_it_later(db: Database) -> None:
    products = stock_up(db)
    first = record_sale(db, sale_lines(products[:3]), PaymentMethod.QRIS)
    make_full(db)
    with pytest.raises(StorageUnavailable) as caught:
        record_sale(db, sale_lines(products), PaymentMethod.QRIS, sale_id="refused-sale")
    assert caught.value.msgid == storage_errors.FULL and caught.value.name == "SQLITE_FULL"
    assert caught.value.message() == ("Disk penuh dan data tidak tersimpan: kosongkan ruang disk, lalu coba lagi.")
    i18n.set_language("en")
    assert str(caught.value) == "The disk is full and nothing was saved: free some disk space, then try again."
    assert not db.conn.in_transaction
    assert db.scalar("SELECT COUNT(*) FROM sales WHERE id = 'refused-sale'") == 0
    assert db.scalar("SELECT COUNT(*) FROM sale_lines WHERE sale_id = 'refused-sale'") == 0
    assert db.scalar("SELECT COUNT(*) FROM stock_movements WHERE reference = 'sale:refused-sale'") == 0
    assert db.scalar("SELECT COUNT(*) FROM sales WHERE id = ?", (first.sale_id,)) == 1
    assert verify_levels(db) == []
    make_room(db)
    again = record_sale(db, sale_lines(products), PaymentMethod.QRIS, sale_id="refused-sale")
    assert not again.already_saved
    assert db.scalar("SELECT COUNT(*) FROM sale_lines WHERE sale_id = 'refused-sale'") == LINES
    assert db.scalar("PRAGMA integrity_check") == "ok" and verify_levels(db) == []


def test_a_read_only_handle_is_refused_in_one_sentence_and_reopened_for_the_next_write(db: Database) -> None:
    products = stock_up(db)[:2]
    db.conn.execute("PRAGMA query_only = 1")  # SQLite answers SQLITE_READONLY, as on a write-protected disk
    with pytest.raises(StorageUnavailable) as caught:
        record_sale(db, sale_lines(products), PaymentMethod.QRIS, sale_id="ro-sale")
    assert caught.value.msgid == storage_errors.READ_ONLY and caught.value.reopen
    assert db.scalar("SELECT COUNT(*) FROM sales") == 0
    record_sale(db, sale_lines(products), PaymentMethod.QRIS, sale_id="ro-sale")  # a fresh handle, same Database
    assert db.scalar("SELECT COUNT(*) FROM sales") == 1 and verify_levels(db) == []


def test_a_locked_database_is_not_called_a_disk_problem(db: Database, data_dir: Path) -> None:
    other = sqlite3.connect(str(db.path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"), db.write():
            pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.write():  # and the handle still works
        pass


def test_errors_that_are_not_about_the_disk_pass_through_unchanged(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"), db.write():
        db.execute("INSERT INTO no_such_table VALUES (1)")
    with pytest.raises(ValueError), db.write():
        raise ValueError("a bug stays a bug")
    assert not db.conn.in_transaction


@pytest.fixture
def small_file_limit() -> Iterator[None]:
    """Files this process writes cannot grow past 64 KB (EFBIG), as when the disk has no room for a new file."""
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65_536, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, handler)


def test_a_backup_without_room_fails_in_one_sentence_and_leaves_no_file(db: Database, data_dir: Path,
                                                                     request: pytest.FixtureRequest) -> None:
    stock_up(db)
    with db.write():
        db.execute("CREATE TABLE ballast (b BLOB)")
        db.execute("INSERT INTO ballast VALUES (zeroblob(300000))")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    request.getfixturevalue("small_file_limit")
    with pytest.raises(StorageUnavailable) as caught:
        backup.make_backup(data_dir)
    # SQLite reports a short write other than ENOSPC as SQLITE_IOERR_WRITE (the tmpfs in the campaign gives FULL)
    assert caught.value.msgid == storage_errors.WRITE_FAILED and caught.value.name == "SQLITE_IOERR_WRITE"
    assert list(backup.backup_dir(data_dir).iterdir()) == []


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_the_counter_shows_the_sentence_and_keeps_the_cart_for_a_retry(qtbot: QtBot, ctx: AppContext) -> None:
    products = stock_up(ctx.db)
    page = CounterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    for product_id in products:
        page.add_product_id(product_id)
    page.choose_method(PaymentMethod.QRIS)
    make_full(ctx.db)
    page.finish()
    assert page.message.text() == "Disk penuh dan data tidak tersimpan: kosongkan ruang disk, lalu coba lagi."
    assert page.model.rowCount() == LINES
    assert ctx.db.scalar("SELECT COUNT(*) FROM sales") == 0
    make_room(ctx.db)
    page.finish()
    assert page.model.rowCount() == 0
    assert ctx.db.scalar("SELECT COUNT(*) FROM sales") == 1
    assert ctx.db.scalar("SELECT COUNT(*) FROM sale_lines") == LINES
