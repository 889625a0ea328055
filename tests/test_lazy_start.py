"""The start paints the counter first and does the rest after (gui/startup_first.py, gui/startup_later.py): only
the first page is built, no Babel, HTTP, sync or other page before the paint; the rest of the start still runs; a
damaged file found after the paint is still offered a restore; rupiah written without Babel equal Babel's."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency, format_decimal
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion.domain.money import format_quantity, format_rupiah
from companion.domain.number_text import rupiah_text, whole_number_text
from companion.domain.product import ProductInput
from companion.domain.settings_keys import WELCOME_DONE
from companion.gui.context import AppContext
from companion.gui.main_window import MainWindow
from companion.gui.pages.products import ProductsPage
from companion.gui.startup_first import opens_cleanly
from companion.gui.startup_later import check_file_in_background
from companion.i18n import babel_locale
from companion.services.products import add_product
from companion.store import backup, settings
from companion.store import products as product_store
from companion.store.database import Database, open_database
from companion.store.location import db_path
from companion.store.migrations import migrate

ROOT = Path(__file__).resolve().parent.parent

# The real start in a child process, stopped at its first paint: what is loaded and built by then.
FIRST_PAINT_PROBE = """
import builtins, json, os, sys
from companion.cli import main

def probe(*args, **kwargs):
    if args and args[0] == "ready":
        from PySide6.QtWidgets import QApplication
        from companion.gui.main_window import MainWindow
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        facts = {"pages": sorted(window.pages), "strip_built": window._strip is not None,
                 "shown": window.current_key(), "modules": sorted(sys.modules)}
        sys.__stdout__.write(json.dumps(facts) + "\\n")
        sys.__stdout__.flush()
        os._exit(0)

builtins.print = probe
main(["--data-dir", sys.argv[1], "--exit-when-ready"])
"""

NOT_BEFORE_THE_PAINT = (
    "babel", "requests", "urllib3", "sqlite_utils", "psycopg", "keyring", "segno", "PIL", "openpyxl",
    "companion.connectors.registry", "companion.sync.runner", "companion.gui.sync_status",
    "companion.gui.practice_mode", "companion.gui.welcome_wizard", "companion.gui.alerts",
    "companion.services.sales", "companion.gui.receipt_printing",
    # loaded when first needed: the migration scripts (an up-to-date file), the owner's PIN dialogs, WhatsApp's
    # hand-off, the outlet picker, the error dialog (set up after the paint, errors before it are held)
    "companion.store.migrations", "companion.gui.owner_pin", "companion.gui.pin_field", "companion.gui.whatsapp_open",
    "companion.gui.outlet_picker", "companion.gui.error_dialog",
    # the inbox's unread count in the navigation (a query over every chat) is added once the window is up
    "companion.store.inbox",
    "hashlib",  # PIN hashing (OpenSSL) loads when a PIN is first set or checked
)


def _shop_in_use(data_dir: Path, products: int = 3) -> None:
    db = open_database(db_path(data_dir))
    with db.write():
        settings.put(db, WELCOME_DONE, True)  # a new shop's welcome would wait for a person
    for n in range(products):
        add_product(db, ProductInput(sku=f"A-{n}", name=f"Barang nomor {n} " + "x" * 150, sell_price=15_000), 10)
    db.close()


def test_only_the_counter_is_built_and_nothing_heavy_is_loaded_before_the_first_paint(data_dir: Path) -> None:
    _shop_in_use(data_dir)
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT_PROBE, str(data_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout.splitlines()[-1])
    assert facts["pages"] == ["counter"] and facts["shown"] == "counter"
    assert not facts["strip_built"]
    loaded = set(facts["modules"])
    assert "companion.gui.pages.counter" in loaded
    assert [m for m in NOT_BEFORE_THE_PAINT if m in loaded] == []
    others = {f"companion.gui.pages.{p}" for p in ("home", "inbox", "customers", "online_orders", "products", "plan",
                                                    "reports", "settings")}
    assert sorted(others & loaded) == []


def test_the_whole_start_still_runs_after_the_paint(qtbot: QtBot, data_dir: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The start-up backup, practice mode (a shop with no real online shop) and the sync strip, all after "ready"."""
    from companion.gui.app import run

    _shop_in_use(data_dir)
    assert run(data_dir, exit_when_ready=True) == 0
    assert capsys.readouterr().out.splitlines() == ["ready"]
    assert backup.list_backups(data_dir)  # "start": one backup a start, once the window was up
    assert (data_dir / "practice").is_dir()  # practice mode started
    QApplication.sendPostedEvents()  # what pytest-qt does after each test
    loop, fired = QEventLoop(), []
    QTimer.singleShot(10, lambda: (fired.append(1), loop.quit()))
    QTimer.singleShot(2_000, loop.quit)
    assert loop.exec() == 0 and fired  # nothing left queued that would end the next event loop (a posted Quit)


def test_a_page_is_built_on_its_first_visit(qtbot: QtBot, data_dir: Path) -> None:
    _shop_in_use(data_dir)
    ctx = AppContext(data_dir)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        assert list(window.pages) == ["counter"]
        holder = window.stack.widget(5)
        assert holder is not None and holder.objectName() == "holder-products"  # a placeholder until it is opened
        page = window.open_page("products")
        assert isinstance(page, ProductsPage) and window.stack.currentWidget() is page
        assert sorted(window.pages) == ["counter", "products"]
        assert page.model.rowCount() == 3
        assert window.sync_strip.parent() is not None  # other windows than the start's have it from the start
    finally:
        window.close()
        ctx.close()


def test_the_start_builds_the_sync_strip_after_the_paint(qtbot: QtBot, data_dir: Path) -> None:
    _shop_in_use(data_dir)
    ctx = AppContext(data_dir)
    window = MainWindow(ctx, strip_after_paint=True)
    qtbot.addWidget(window)
    try:
        window.show()
        assert window._strip is None
        window.finish_start()
        strip = window.sync_strip
        assert strip.isVisible() and window.sync_strip is strip  # built once
        assert "Belum ada toko online" in strip.state_label.text()
    finally:
        window.close()
        ctx.close()


def test_a_file_that_opens_skips_the_full_check_before_the_window(data_dir: Path, tmp_path: Path) -> None:
    assert opens_cleanly(data_dir)  # a new shop: no file yet
    _shop_in_use(data_dir)
    assert opens_cleanly(data_dir)
    not_a_database = tmp_path / "other"
    not_a_database.mkdir()
    db_path(not_a_database).write_bytes(b"this is a note, not a shop" * 200)
    assert not opens_cleanly(not_a_database)
    older = tmp_path / "older"
    older.mkdir()
    db = Database(db_path(older))
    migrate(db, target=5)
    db.close()
    assert not opens_cleanly(older)  # a migration is due: the full check first, as before


def _damaged_after_the_schema(data_dir: Path) -> None:
    """Products fill the file's last pages; a backup is kept; then the last pages are overwritten: the file opens
    and reads its version, but PRAGMA quick_check fails."""
    _shop_in_use(data_dir, products=300)
    backup.make_backup(data_dir)
    path = db_path(data_dir)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size - 16 * 4096)
        f.write(b"\x00\xff" * (8 * 4096))


def test_a_damage_found_after_the_paint_is_offered_the_newest_backup(qtbot: QtBot, data_dir: Path) -> None:
    _damaged_after_the_schema(data_dir)
    assert opens_cleanly(data_dir) and not backup.quick_check(db_path(data_dir))
    ctx = AppContext(data_dir)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    texts: list[str] = []
    wanted = ["Pulihkan", "OK"]

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and wanted:
            texts.append(box.text())
            label = wanted.pop(0)
            next(b for b in box.buttons() if b.text() == label).click()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    try:
        check_file_in_background(ctx, window)
        qtbot.waitUntil(lambda: not wanted, timeout=20_000)
        assert "File data rusak" in texts[0]
        assert backup.quick_check(db_path(data_dir))
        assert product_store.count(ctx.db) == 300  # the window reads the restored file
    finally:
        timer.stop()
        window.close()
        ctx.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rupiah_and_counts_without_babel_equal_babel(lang: str) -> None:
    locale = babel_locale(lang)
    rng = random.Random(21)
    values = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 999_999, 1_000_000, 10**9, -(10**9), 10**15, -(10**18)]
    values += list(range(-2_000, 2_001))
    values += [rng.randint(-(10**12), 10**12) for _ in range(5_000)]
    values += [rng.choice([1, -1]) * 10 ** rng.randint(0, 20) + rng.randint(-5, 5) for _ in range(500)]
    for value in values:
        babel_money = format_currency(value, "IDR", format="¤#,##0", locale=locale, currency_digits=False)
        assert format_rupiah(value, lang) == babel_money == rupiah_text(value, locale)
        assert format_quantity(value, lang) == format_decimal(value, locale=locale) == whole_number_text(value, locale)
    assert format_rupiah(15_000, lang) == "Rp15.000" and format_rupiah(-15_000, lang) == "-Rp15.000"


def test_what_the_short_way_does_not_know_goes_to_babel() -> None:
    assert rupiah_text(1.5, "id_ID") is None and rupiah_text(True, "id_ID") is None
    assert rupiah_text(15_000, "en_US") is None and whole_number_text(Decimal("2.5"), "id_ID") is None
    assert format_rupiah(1_500.5, "id") == format_currency(1_500.5, "IDR", format="¤#,##0", locale="id_ID",  # type: ignore[arg-type]
                                                          currency_digits=False)


def test_a_window_that_never_paints_still_gets_the_rest_of_the_start(qtbot: QtBot, data_dir: Path) -> None:
    """Started minimised, the window does not paint: the sync, practice mode and the backup come all the same."""
    from companion.gui.startup_later import LaterStart

    _shop_in_use(data_dir)
    ctx = AppContext(data_dir)
    window = MainWindow(ctx, strip_after_paint=True)  # never shown
    qtbot.addWidget(window)
    later = LaterStart(ctx, window, None, exit_when_ready=False)
    try:
        qtbot.waitUntil(lambda: later.practice is not None, timeout=20_000)
        # The backup is queued for a later turn of the event loop (after the alerts): wait for it, not the pool.
        qtbot.waitUntil(lambda: bool(backup.list_backups(data_dir)), timeout=20_000)
        ctx.work.wait()
        assert window._strip is not None and ctx.sync is not None
    finally:
        later.stop()
        window.close()
        ctx.close()
