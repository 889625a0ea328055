"""Pengaturan → "Beberapa laptop" and the hub's line in the sync strip: each state on screen (in no hub, joined with
its laptops, stopped), the join and create forms' own checks, and — against a real PostgreSQL (tests/pg_cluster.py)
— a hub made and joined from the window, an invitation, a laptop removed and a marketplace shop taken over, every
hub call on a pool thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.clock import stamp
from companion.domain.hub_records import DeviceRow, Enrolment, HubAddress
from companion.domain.hub_tables import account_key
from companion.gui.context import AppContext
from companion.gui.hub_create_dialog import EMPTY_URL, NOT_URL, CreateHubDialog
from companion.gui.hub_invite_dialog import InviteDialog
from companion.gui.hub_join_dialog import EMPTY_CODE, EMPTY_NAME, JoinHubDialog
from companion.gui.hub_settings import WHAT_FOR, HubCard
from companion.gui.main_window import MainWindow
from companion.gui.pages.settings import SettingsPage
from companion.gui.sync_status import SyncStatusStrip
from companion.hub.errors import MESSAGES
from companion.i18n import tr
from companion.services import hub_rounds
from companion.services.accounts import link_account
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import hub_journal, hub_state
from companion.store.database import Database
from companion.sync import hub_actions
from companion.sync.hub_actions import HubFacts
from tests.layout_check import check_layout


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _card(qtbot: QtBot, ctx: AppContext) -> HubCard:
    card = HubCard(ctx)
    qtbot.addWidget(card)
    card.resize(1100, 700)
    card.show()
    return card


def _strip(qtbot: QtBot, ctx: AppContext) -> SyncStatusStrip:
    strip = SyncStatusStrip(ctx)
    qtbot.addWidget(strip)
    strip.show()
    return strip


def _settle(ctx: AppContext) -> None:
    """Let the pool's jobs finish and their signals arrive."""
    for _ in range(3):
        ctx.work.wait()
        QApplication.processEvents()


def _enrol_here(db: Database, devices: int = 3) -> None:
    """This laptop's record as after joining a hub (the stored state only; no hub behind it)."""
    me = hub_state.identity(db)
    hub_state.enrol(db, Enrolment(HubAddress("hub.tokoberkah.id", 5432, "toko"), "hub-1", "shop-1", me.device_id,
                                  "device_b", "", "B", "Kasir depan", "outlet-main"))
    hub_state.record_round(db, pushed=True, pulled=True, error=None, devices=devices)


# --- each state on screen -------------------------------------------------------------------------------------


def test_in_no_hub_the_card_explains_and_offers_joining_and_making_one(qtbot: QtBot, ctx: AppContext) -> None:
    card = _card(qtbot, ctx)
    assert card.alone.isVisible() and not card.joined.isVisible()
    texts = [w.text() for w in card.alone.findChildren(type(card.was_in)) if w.isVisible()]
    assert tr(WHAT_FOR) in texts
    assert "Pakai satu catatan toko di beberapa laptop dan outlet" in tr(WHAT_FOR)
    assert card.join_button.text() == "Gabung dengan kode undangan"
    assert card.create_button.text() == "Buat hub baru"
    assert not card.was_in.isVisible()
    strip = _strip(qtbot, ctx)
    assert not strip.hub_line.isVisible()  # no hub: the strip is as it always was


def test_joined_the_card_shows_this_laptop_the_hub_and_its_laptops(qtbot: QtBot, ctx: AppContext) -> None:
    _enrol_here(ctx.db)
    card = _card(qtbot, ctx)
    _settle(ctx)  # the laptop list is asked for in the background: no password here, so one sentence says so
    assert card.joined.isVisible() and not card.alone.isVisible()
    assert card.me_label.text().startswith("Kasir depan · struk B-… · ")
    assert card.hub_label.text() == "hub.tokoberkah.id"
    assert card.status_label.text().startswith("3 laptop")
    assert not card.stop_box.isVisible()
    assert card.note.text() == tr(hub_actions.NO_PASSWORD)
    me = hub_state.identity(ctx.db).device_id
    now = stamp()
    devices = [DeviceRow(me, "Kasir depan", "B", "outlet-main", now, now, None, 10),
               DeviceRow("d-a", "Laptop pemilik", "A", "outlet-main", now, now, None, 40),
               DeviceRow("d-c", "Gudang", "C", "outlet-main", now, None, now, 0)]
    card.show_facts(HubFacts(devices, []))
    assert set(card.devices.buttons) == {"d-a"}  # not this laptop, not one already removed
    shown = [w.text() for w in card.devices.findChildren(type(card.note))]
    assert "Kasir depan (laptop ini)" in shown and "Dicabut" in shown and "belum pernah" in shown


def test_stopped_the_card_and_the_strip_say_why_and_offer_joining_again(qtbot: QtBot, ctx: AppContext) -> None:
    _enrol_here(ctx.db)
    hub_rounds.stop_syncing(ctx.db, MESSAGES["revoked"])
    card = _card(qtbot, ctx)
    assert card.joined.isVisible() and card.stop_box.isVisible()
    assert card.stop_text.text() == tr(MESSAGES["revoked"])
    assert card.stop_button.text() == "Gabung lagi"
    assert not card.invite_button.isVisible() and not card.lists.isVisible()  # nothing to ask a hub that refuses
    assert card.status_label.text().startswith("Berhenti · terakhir sinkron ")
    assert card.leave_button.isVisible()
    assert ctx.work._running == 0  # a stopped laptop does not ask the hub for its list
    strip = _strip(qtbot, ctx)
    assert strip.hub_line.isVisible() and strip.hub_line.tone == "problem"
    assert strip.hub_line.text() == "Hub berhenti: " + tr(MESSAGES["revoked"])


def test_the_strip_shows_the_hub_like_a_shop_in_both_languages(qtbot: QtBot, ctx: AppContext) -> None:
    _enrol_here(ctx.db)
    strip = _strip(qtbot, ctx)
    assert strip.hub_line.text().startswith("Hub: 3 laptop") and strip.hub_line.tone == ""
    waiting = hub_journal.waiting_count(ctx.db)  # the shop's whole record waits for its first upload
    assert waiting > 0
    hub_state.record_round(ctx.db, pushed=False, pulled=False, error=MESSAGES["unreachable"], devices=None)
    strip.refresh()
    assert strip.hub_line.text() == f"Hub: Offline — {waiting} perubahan menunggu" and strip.hub_line.tone == "calm"
    assert strip.hub_line.toolTip().startswith("Hub tidak bisa dihubungi")
    i18n.set_language("en")
    strip.refresh()
    assert strip.hub_line.text() == f"Hub: Offline — {waiting} changes waiting"
    with qtbot.waitSignal(strip.open_hub):
        qtbot.mouseClick(strip.hub_line, Qt.MouseButton.LeftButton)


def test_the_settings_page_holds_the_card_and_scrolls_to_it(qtbot: QtBot, ctx: AppContext) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.show_hub()
    assert page.hub.visibleRegion().boundingRect().height() > 100


# --- the forms' own checks, before any hub is asked --------------------------------------------------------------


def test_join_refuses_an_empty_or_mistyped_code_and_an_empty_name(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = JoinHubDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("")
    dialog.ok.click()
    assert dialog.errors.text("code") == tr(EMPTY_CODE)
    assert dialog.errors.text("name") == tr(EMPTY_NAME)
    dialog.code.setText("SC1-ini-bukan-kode")
    dialog.name.setText("Kasir depan")
    dialog.ok.click()
    assert dialog.errors.shown() == ["code"]
    with pytest.raises(Exception) as refused:
        hub_actions.check_code("SC1-ini-bukan-kode")
    assert dialog.errors.text("code") == str(refused.value)
    assert ctx.work._running == 0 and dialog.result() == 0  # nothing was sent anywhere


def test_create_refuses_what_is_not_a_postgresql_address(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = CreateHubDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.ok.click()
    assert dialog.errors.text("url") == tr(EMPTY_URL)
    dialog.url.setText("https://supabase.com/dashboard/project/abc")
    dialog.ok.click()
    assert dialog.errors.text("url") == tr(NOT_URL)
    assert ctx.work._running == 0


# --- against a real PostgreSQL ----------------------------------------------------------------------------------


class Answers:
    """Presses the named button of each message box that opens (confirmations), keeping their texts."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.texts.append(box.text())
            next(b for b in box.buttons() if b.text() == self.label).click()


def _run_dialog(qtbot: QtBot, ctx: AppContext, dialog: JoinHubDialog | CreateHubDialog) -> None:
    """Press OK and wait for the hub's answer. The click returns at once with the job still running on the pool
    (its answer can only arrive through this thread's event loop): the window never waited for the network."""
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        dialog.ok.click()
        assert ctx.work._running == 1 and not dialog.progress.isHidden() and not dialog.ok.isEnabled()


def test_a_hub_made_and_joined_from_the_window(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                               pg_cluster: object) -> None:
    admin_url = pg_cluster.fresh_database()  # type: ignore[attr-defined]
    create = CreateHubDialog(ctx)
    qtbot.addWidget(create)
    create.url.setText(admin_url)
    create.shop.setText("Toko Berkah")
    create.name.setText("Laptop pemilik")
    _run_dialog(qtbot, ctx, create)
    assert create.result() == 1, create.summary.text()
    first = _card(qtbot, ctx)
    qtbot.waitUntil(lambda: first.facts is not None, timeout=30_000)
    assert first.me_label.text().startswith("Laptop pemilik · struk A-…")
    assert [d.name for d in first.facts.devices] == ["Laptop pemilik"]  # type: ignore[union-attr]

    invite = InviteDialog(ctx)
    qtbot.addWidget(invite)
    qtbot.waitUntil(lambda: invite.invite is not None, timeout=30_000)
    assert invite.copy.isEnabled() and invite.code.text() == invite.invite.code  # type: ignore[union-attr]
    assert invite.until.text().startswith("Berlaku sampai ")

    other_dir = tmp_path / "second"
    other_dir.mkdir()
    other = AppContext(other_dir)
    try:
        join = JoinHubDialog(other)
        qtbot.addWidget(join)
        join.code.setText(invite.invite.code)  # type: ignore[union-attr]
        join.name.setText("Kasir depan")
        _run_dialog(qtbot, other, join)
        assert join.result() == 1, join.summary.text()
        second = _card(qtbot, other)
        qtbot.waitUntil(lambda: second.facts is not None and len(second.facts.devices) == 2, timeout=30_000)
        assert second.me_label.text().startswith("Kasir depan · struk B-…")
        # the same code a second time, on a third laptop (a joined one is refused before any hub is asked):
        # refused under the code box
        third_dir = tmp_path / "third"
        third_dir.mkdir()
        third = AppContext(third_dir)
        try:
            again = JoinHubDialog(third)
            qtbot.addWidget(again)
            again.code.setText(invite.invite.code)  # type: ignore[union-attr]
            again.name.setText("Kasir belakang")
            again.ok.click()
            assert third.work._running == 1
            qtbot.waitUntil(lambda: again.ok.isEnabled(), timeout=30_000)  # refused: the dialog stays, typing kept
            assert again.result() == 0 and again.errors.shown() == ["code"]
            assert again.errors.text("code").startswith("Kode gabung ini sudah dipakai")
        finally:
            third.close()
        second_id = hub_state.identity(other.db).device_id
    finally:
        other.close()

    first.load_facts()
    qtbot.waitUntil(lambda: second_id in first.devices.buttons, timeout=30_000)
    answers = Answers("Cabut")
    first.devices.buttons[second_id].click()
    qtbot.waitUntil(lambda: first.note.text() == "Kasir depan sudah dicabut.", timeout=30_000)
    answers.timer.stop()
    assert "keeps" not in answers.texts[0] and "tetap menyimpan datanya" in answers.texts[0]
    revoked = next(d for d in first.facts.devices if d.device_id == second_id)  # type: ignore[union-attr]
    assert revoked.revoked_at is not None and second_id not in first.devices.buttons


def test_a_marketplace_shop_taken_over_from_the_window(qtbot: QtBot, ctx: AppContext, pg_cluster: object) -> None:
    admin_url = pg_cluster.fresh_database()  # type: ignore[attr-defined]
    ctx.work.run(lambda db, _p: hub_actions.create_hub(db, admin_url, "Toko Berkah", "Laptop pemilik",
                                                       "outlet-main"))
    _settle(ctx)
    me = hub_state.identity(ctx.db)
    assert me.enrolled and me.prefix == "A"
    link_account(ctx.db, "Toko Berkah Shopee", ShopeeCredentials(1, "k", 777, base_url="http://127.0.0.1:1"))
    card = _card(qtbot, ctx)
    qtbot.waitUntil(lambda: card.facts is not None, timeout=30_000)
    key = account_key("shopee", "777")
    assert card.senders.buttons.keys() == {key}  # nobody sends for it yet: "Ambil alih" offered
    answers = Answers("Ambil alih")
    card.senders.buttons[key].click()
    qtbot.waitUntil(lambda: card.note.text().startswith("Sekarang laptop ini yang mengirim"), timeout=30_000)
    answers.timer.stop()
    assert "hilang atau rusak" in answers.texts[0]
    assert [(lease.account_key, lease.device_id) for lease in card.facts.leases] == [(key, me.device_id)]  # type: ignore[union-attr]
    assert not card.senders.buttons  # this laptop sends now
    assert hub_state.owns_account(ctx.db, account_store.active(ctx.db)[0].id)


# --- what fits, and the practice book ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_every_state_fits_a_small_laptop_screen(qtbot: QtBot, ctx: AppContext, lang: str,
                                                size: tuple[int, int]) -> None:
    """The Settings page at the window sizes people have (its page area is the window less the menu and strip)."""
    i18n.set_language(lang)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(size[0] - 210, size[1] - 150)
    page.show()
    page.show_hub()
    assert check_layout(page.hub) == [], "in no hub"
    _enrol_here(ctx.db)
    ctx.announce(Change(sync=True))
    _settle(ctx)
    me = hub_state.identity(ctx.db).device_id
    now = stamp()
    page.hub.show_facts(HubFacts([DeviceRow(me, "Kasir depan", "B", "outlet-main", now, now, None, 1),
                                  DeviceRow("d-a", "Laptop pemilik di rumah", "A", "outlet-main", now, now, None, 9)],
                                 []))
    QApplication.processEvents()
    assert check_layout(page.hub) == [], "joined"
    hub_rounds.stop_syncing(ctx.db, MESSAGES["old_copy"])
    ctx.announce(Change(sync=True))
    QApplication.processEvents()
    assert page.hub.stop_box.isVisible()
    assert check_layout(page.hub) == [], "stopped"
    for dialog in (JoinHubDialog(ctx), CreateHubDialog(ctx)):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.ok.click()  # every box's sentence shown
        QApplication.processEvents()
        assert check_layout(dialog) == [], type(dialog).__name__


def test_the_practice_book_never_joins_a_hub(qtbot: QtBot, ctx: AppContext, data_dir: Path) -> None:
    card = _card(qtbot, ctx)
    ctx.use_book(data_dir / "practice-book.sqlite3")
    card.reload()
    assert card.practising.isVisible() and not card.alone.isVisible() and not card.joined.isVisible()
    strip = _strip(qtbot, ctx)
    assert not strip.hub_line.isVisible()


def test_a_click_on_the_hub_line_opens_its_settings(qtbot: QtBot, ctx: AppContext) -> None:
    _enrol_here(ctx.db)
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    _settle(ctx)
    strip = window.sync_strip
    assert strip is not None and strip.hub_line.isVisible()
    qtbot.mouseClick(strip.hub_line, Qt.MouseButton.LeftButton)
    assert window.current_key() == "settings"
    page = window.page("settings")
    assert isinstance(page, SettingsPage) and page.hub.visibleRegion().boundingRect().height() > 100
