"""The Settings page: saving settings, backing up, restoring, and the start-up check of a damaged file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.settings_keys import LOW_STOCK_THRESHOLD, SHOP_NAME, TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.pages.settings import SettingsPage
from companion.gui.startup import check_database_or_recover
from companion.services.products import add_product
from companion.services.settings import save_settings
from companion.store import backup
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.location import db_path


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> SettingsPage:
    widget = SettingsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


class Answers:
    """Answers each message box that opens by pressing the button with the next given label; keeps the texts."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not self.labels:
            return
        self.texts.append(box.text())
        wanted = self.labels.pop(0)
        button = next(b for b in box.buttons() if b.text() == wanted)
        button.click()


def test_save_settings_stores_the_values_and_rebuilds_for_a_new_language(page: SettingsPage, ctx: AppContext,
                                                                          qtbot: QtBot) -> None:
    page.shop_name.setText("  Toko   Berkah Jaya ")
    page.zone.setCurrentIndex(page.zone.findData("WITA"))
    page.threshold.setValue(12)
    page.language.setCurrentIndex(page.language.findData("en"))
    with qtbot.waitSignal(ctx.language_changed) as signal:
        page.save_button.click()
    assert signal.args == ["en"] and i18n.language() == "en"
    assert settings_store.get(ctx.db, SHOP_NAME) == "Toko Berkah Jaya"
    assert settings_store.get(ctx.db, TIME_ZONE) == "WITA"
    assert settings_store.get(ctx.db, LOW_STOCK_THRESHOLD) == 12


def test_save_settings_refuses_bad_values(db: Database) -> None:
    for values in ({"shop_name": "x" * 81}, {"language": "fr"}, {"time_zone": "UTC"},
                   {"low_stock_threshold": "-1"}, {"low_stock_threshold": "lima"},
                   {"low_stock_threshold": "100001"}):
        with pytest.raises(UserError):
            save_settings(db, values)
    assert settings_store.get_all(db)["language"] == "id"
    change = save_settings(db, {"low_stock_threshold": "1.000", "shop_name": "Warung"})
    assert change.settings and settings_store.get(db, LOW_STOCK_THRESHOLD) == 1000


def test_back_up_now_adds_a_backup_to_the_list(page: SettingsPage, ctx: AppContext, qtbot: QtBot) -> None:
    add_product(ctx.db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    page.reload_backups()
    assert not page.restore_button.isEnabled()
    page.backup_button.click()
    assert not page.backup_button.isEnabled()
    qtbot.waitUntil(lambda: page.backup_button.isEnabled(), timeout=10_000)
    assert "Cadangan sudah dibuat" in page.backup_note.text()
    assert page.backups.count() == 1 and page.restore_button.isEnabled()
    page.grab().save("/tmp/settings.png")


def test_restore_from_the_list_brings_the_data_back(page: SettingsPage, ctx: AppContext, qtbot: QtBot) -> None:
    add_product(ctx.db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    backup.make_backup(ctx.data_dir)
    add_product(ctx.db, ProductInput(sku="A-2", name="Sampo", sell_price=9_000), 5)
    page.reload_backups()
    answers = Answers(["Pulihkan", "OK"])
    with qtbot.waitSignal(ctx.language_changed):
        page.restore_button.click()
    assert ctx.db.scalar("SELECT COUNT(*) FROM products") == 1
    assert "Data sudah dipulihkan" in answers.texts[-1]
    assert any(i.path.name.startswith("before-restore-") for i in backup.list_backups(ctx.data_dir))


def test_a_restore_stops_the_sync_threads_first_and_starts_them_again(page: SettingsPage, ctx: AppContext,
                                                                      qtbot: QtBot) -> None:
    """The marketplace and hub threads hold their own connections to the file a restore replaces: a hub round still
    reading the old file would push its changes as the old device. They are stopped before, started after."""
    from companion.gui.sync_bridge import SyncBridge

    add_product(ctx.db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    backup.make_backup(ctx.data_dir)
    bridge = SyncBridge(ctx, lambda _account: None, poll_seconds=3600)  # type: ignore[arg-type,return-value]
    ctx.sync = bridge
    bridge.start()
    seen: list[bool] = []
    bridge.state_changed.connect(lambda: seen.append(bridge.running))
    page.reload_backups()
    answers = Answers(["Pulihkan", "OK"])  # kept: it answers the dialogs only while it lives
    try:
        with qtbot.waitSignal(ctx.language_changed):
            page.restore_button.click()
        stopped_at = seen.index(False)  # stopped before the file changed …
        assert True in seen[stopped_at:] and bridge.running  # … and running again after
        assert "Data sudah dipulihkan" in answers.texts[-1]
    finally:
        bridge.stop()
        ctx.sync = None


def test_restore_of_a_bad_file_says_why_and_keeps_the_data(page: SettingsPage, ctx: AppContext,
                                                           tmp_path: Path) -> None:
    add_product(ctx.db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    bad = tmp_path / "foto.jpg"
    bad.write_bytes(b"\xff\xd8\xff not a database")
    answers = Answers(["Pulihkan", "OK"])
    page.restore(bad, bad.name)
    assert "bukan cadangan Seller Companion" in answers.texts[-1]
    assert ctx.db.scalar("SELECT COUNT(*) FROM products") == 1


def _damaged_shop(data_dir: Path, with_backup: bool) -> None:
    db = Database(db_path(data_dir))
    from companion.store.migrations import migrate

    migrate(db)
    for n in range(30):
        add_product(db, ProductInput(sku=f"A-{n}", name=f"Barang {n}", sell_price=1_000), 10)
    db.close()
    if with_backup:
        backup.make_backup(data_dir)
    path = db_path(data_dir)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(4096)
        f.write(b"\x00\xff" * ((size - 8192) // 2))


def test_startup_offers_the_newest_good_backup(qtbot: QtBot, data_dir: Path) -> None:
    _damaged_shop(data_dir, with_backup=True)
    answers = Answers(["Pulihkan", "OK"])
    assert check_database_or_recover(data_dir) is True
    assert "File data rusak" in answers.texts[0]
    assert backup.quick_check(db_path(data_dir))


def test_startup_can_quit_and_leaves_the_file(qtbot: QtBot, data_dir: Path) -> None:
    _damaged_shop(data_dir, with_backup=True)
    before = db_path(data_dir).read_bytes()
    answers = Answers(["Keluar"])
    assert check_database_or_recover(data_dir) is False
    assert db_path(data_dir).read_bytes() == before and answers.texts


def test_startup_without_a_good_backup_says_what_to_do(qtbot: QtBot, data_dir: Path) -> None:
    _damaged_shop(data_dir, with_backup=False)
    answers = Answers(["OK"])
    assert check_database_or_recover(data_dir) is False
    assert "hubungi bantuan" in answers.texts[0]
