"""The hub round against a real PostgreSQL (tests/pg_cluster.py): two or three laptops as separate data folders in
this one process, each with its own shop file, syncing only through sync/hub_round.py. A sale travels both ways; a
cut between the hub's commit and the local mark re-pushes without doubling; a reset hub, a removed laptop and an
older copy of a file each stop syncing with one sentence while every local record stays; a clock days off is said
and the round goes on; only the laptop holding a marketplace shop's lease sends for it; the background runner
carries a sale without anyone asking. (The multi-process convergence tests are tests/test_hub_*convergence*.)"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from pg_cluster import PgCluster
from sync_child import PRODUCTS, account_ids, engine, platform_stock, setup_shop

from companion import cli
from companion.connectors.base import Credentials
from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.hub import connection, exchange, setup
from companion.hub import leases as hub_leases
from companion.hub.errors import HubError
from companion.practice.server import PracticeMarketplace
from companion.services import hub as hub_service
from companion.services.change import Change
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import accounts as account_store
from companion.store import hub_journal, hub_state, stock
from companion.store import products as product_store
from companion.store.accounts import AccountRow
from companion.store.backup import make_backup
from companion.store.database import Database, close_thread_databases, open_database, thread_database
from companion.store.location import db_path
from companion.sync.events import SyncEvent
from companion.sync.hub_outcome import HubRoundResult, clock_sentence
from companion.sync.hub_round import hub_round, lease_key
from companion.sync.hub_runner import HubRunner
from companion.sync.hub_status import hub_status
from companion.sync.runner import SyncRunner

DAY_MS = 86_400_000


@dataclass
class Laptop:
    """One laptop: its own data folder and shop file (the keyring is the test's, shared like one OS user's)."""

    folder: Path

    @property
    def path(self) -> Path:
        return db_path(self.folder)

    @property
    def db(self) -> Database:
        return thread_database(self.path)

    def round(self, **kwargs: object) -> HubRoundResult:
        return hub_round(self.path, **kwargs)  # type: ignore[arg-type]

    def conn(self):  # type: ignore[no-untyped-def]
        me = hub_state.identity(self.db)
        assert me.address is not None
        return connection.connect(me.address, me.role_name or "", hub_service.hub_password(self.db) or "")


def laptop(root: Path, name: str) -> Laptop:
    folder = root / name
    folder.mkdir()
    open_database(db_path(folder)).close()  # the schema, as the app makes it at start
    return Laptop(folder)


def join(first: Laptop, other: Laptop, name: str) -> None:
    with first.conn() as conn:
        code = setup.create_invite(conn, hub_state.identity(first.db).device_id, 1)
    hub_service.enrol_device(other.db, setup.join_with_code(code, name, MAIN_OUTLET))


@pytest.fixture
def hub_url(pg_cluster: PgCluster) -> str:
    return pg_cluster.fresh_database()


@pytest.fixture
def pair(tmp_path: Path, hub_url: str) -> Iterator[tuple[Laptop, Laptop]]:
    """Laptop A made the hub (with a product in stock); laptop B joined; both have synced once."""
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    add_product(a.db, ProductInput(sku="KOPI", name="Kopi Sachet", sell_price=2_500), 20)
    hub_service.enrol_device(a.db, setup.init_hub(hub_url, "Toko Uji", "Kasir depan", MAIN_OUTLET))
    assert a.round().ok
    join(a, b, "Gudang")
    first = b.round()
    assert first.ok, first.problem
    assert first.pulled > 0
    yield a, b


def kopi(lap: Laptop) -> str:
    row = product_store.by_sku(lap.db, "KOPI")
    assert row is not None
    return row.id


def sell(lap: Laptop, qty: int = 1) -> str:
    sale = record_sale(lap.db, [LineInput(kopi(lap), qty, 2_500)], PaymentMethod.CASH)
    return sale.sale_id


def sale_ids(lap: Laptop) -> set[str]:
    return {str(r["id"]) for r in lap.db.query("SELECT id FROM sales")}


# -- round trips ------------------------------------------------------------------------------------------------
def test_a_sale_travels_both_ways_with_stock_and_receipt_prefixes(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    assert stock.on_hand(b.db, kopi(b)) == 20  # the history came down with the join
    from_a = sell(a, 2)
    pushed = a.round()
    assert pushed.ok and pushed.pushed > 0 and pushed.waiting == 0
    got = b.round()
    assert got.ok and got.pulled > 0
    assert from_a in sale_ids(b)
    from_b = sell(b, 3)
    assert b.round().pushed > 0
    assert a.round().pulled > 0
    assert sale_ids(a) == sale_ids(b) == {from_a, from_b}
    assert stock.on_hand(a.db, kopi(a)) == stock.on_hand(b.db, kopi(b)) == 15
    numbers = {str(r["number"])[:2] for r in a.db.query("SELECT number FROM sales")}
    assert numbers == {"A-", "B-"}
    assert a.round().devices == 2


def test_a_cut_between_push_and_mark_pushes_again_without_doubling(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    sale = sell(a)
    waiting = hub_journal.waiting(a.db, 500)
    assert waiting
    with a.conn() as conn:  # the hub commits the batch; the laptop is cut before it marks it pushed
        exchange.push(conn, hub_state.identity(a.db).device_id, waiting)
    assert hub_journal.waiting_count(a.db) == len(waiting)
    again = a.round()
    assert again.ok and again.pushed == len(waiting) and again.waiting == 0
    pulled = b.round()
    assert pulled.pulled == len(waiting)  # the hub kept one copy of each change
    assert sale in sale_ids(b)
    assert b.db.scalar("SELECT COUNT(*) FROM sales WHERE id = ?", (sale,)) == 1
    assert b.round().pulled == 0


def test_a_round_cut_short_resumes_where_it_stopped(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    for _ in range(7):
        sell(a)
    total = hub_journal.waiting_count(a.db)
    first = a.round(batch=3)  # several batches, each committed then marked
    assert first.ok and first.pushed == total
    pulled, rounds = 0, 0
    while True:
        got = b.round(batch=4)
        rounds += 1
        pulled += got.pulled
        if got.pulled == 0:
            break
    assert pulled == total
    assert sale_ids(a) == sale_ids(b)


# -- stopping for good ------------------------------------------------------------------------------------------
def test_a_reset_hub_stops_syncing_and_keeps_every_record(pair: tuple[Laptop, Laptop]) -> None:
    a, _ = pair
    with a.db.write():  # what this laptop remembers no longer matches the hub (it was made again)
        a.db.execute("UPDATE hub_state SET hub_id = 'a-hub-made-again' WHERE id = 1")
    before = sale_ids(a)
    sell(a)
    result = a.round()
    assert result.kind == "reset" and result.problem and result.stopped
    assert result.problem == HubError("reset").message()
    assert len(sale_ids(a)) == len(before) + 1
    later = a.round()  # no connection is tried again: the laptop must join again
    assert later.kind == "stopped" and later.problem == result.problem
    status = hub_status(a.db)
    assert status is not None and status.line.startswith("Berhenti: ") and status.state == "stopped"
    sell(a)  # the counter goes on
    assert len(sale_ids(a)) == len(before) + 2


def test_a_removed_laptop_stops_with_one_sentence(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    with a.conn() as conn:
        setup.revoke_device(conn, hub_state.identity(b.db).device_id)
    sale = sell(b)
    result = b.round()
    assert result.kind == "revoked" and result.stopped
    assert result.problem == HubError("revoked").message()
    assert sale in sale_ids(b) and sale not in sale_ids(a)
    assert b.round().kind == "stopped"
    assert a.round().ok  # the others go on


def test_an_older_copy_of_a_file_becomes_a_new_laptop(pair: tuple[Laptop, Laptop], tmp_path: Path) -> None:
    """B's file is put back from Monday's copy (by hand, not `companion restore`): the hub holds later changes of
    B than the file has, so this file must not push as B again."""
    a, b = pair
    copy = make_backup(b.folder, tmp_path / "b-monday.sqlite3")
    lost = sell(b)
    assert b.round().pushed > 0
    old_id = hub_state.identity(b.db).device_id
    close_thread_databases()
    for leftover in b.folder.glob(b.path.name + "-*"):  # the write-ahead log of the newer file
        leftover.unlink()
    shutil.copyfile(copy, b.path)
    assert hub_state.identity(b.db).device_id == old_id and lost not in sale_ids(b)
    result = b.round()
    assert result.kind == "old_copy" and result.problem == HubError("old_copy").message() and result.stopped
    me = hub_state.identity(b.db)
    assert me.device_id != old_id and not me.enrolled and me.stopped_reason
    status = hub_status(b.db)
    assert status is not None and status.state == "stopped"
    assert b.round().kind == "stopped"
    sell(b)  # the counter goes on
    assert a.round().ok and lost in sale_ids(a)  # the others keep what B sent before


# -- the clock ----------------------------------------------------------------------------------------------------
def test_a_clock_three_days_off_is_said_and_the_round_goes_on(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    sale = sell(a)
    result = a.round(now_ms=lambda: time.time_ns() // 1_000_000 - 3 * DAY_MS)
    assert result.ok and result.pushed > 0
    assert result.clock_note == "Jam laptop ini selisih 3 hari dari server: betulkan jam Windows."
    offset = hub_state.identity(a.db).clock_offset_ms
    assert 3 * DAY_MS - 60_000 < offset < 3 * DAY_MS + 60_000
    status = hub_status(a.db)
    assert status is not None and "3 hari" in status.detail
    assert b.round().ok and sale in sale_ids(b)
    assert a.round().clock_note is None  # a right clock clears it
    assert clock_sentence(4 * 60_000) is None and clock_sentence(-7 * 3_600_000) is not None


# -- the strip's words --------------------------------------------------------------------------------------------
def test_status_lines_in_plain_words(pair: tuple[Laptop, Laptop], tmp_path: Path) -> None:
    a, _ = pair
    alone = laptop(tmp_path, "alone")
    assert hub_status(alone.db) is None
    assert a.round().ok  # A meets B's arrival
    status = hub_status(a.db)
    assert status is not None and status.line == "2 laptop sinkron" and status.state == "ok"
    sell(a)
    with a.db.write():  # the hub's address now leads nowhere
        a.db.execute("UPDATE hub_state SET port = 9 WHERE id = 1")
    result = a.round(timeout=2)
    assert result.kind == "unreachable" and not result.stopped and result.waiting > 0
    offline = hub_status(a.db)
    assert offline is not None and offline.state == "problem"
    assert offline.line == f"Offline — {result.waiting} perubahan menunggu"
    assert offline.detail == result.problem


# -- marketplace leases ------------------------------------------------------------------------------------------

def test_only_the_lease_holder_sends_and_commands_travel_to_it(tmp_path: Path, hub_url: str,
                                                              market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    setup_shop(a.db, url, listed_stock=0)
    hub_service.enrol_device(a.db, setup.init_hub(hub_url, "Toko Uji", "Kasir", MAIN_OUTLET))
    assert a.round().ok
    with a.conn() as conn:
        keys = {lease.account_key for lease in hub_leases.list_leases(conn)}
    assert len(keys) == 3  # the first laptop that synced took every linked shop
    join(a, b, "Gudang")
    assert b.round().ok
    accounts = account_ids(b.db)
    assert accounts == account_ids(a.db)
    # Lazada names no shop in its calls (empty shop_ref): its lease goes by the account id (hub_round.lease_key);
    # store/hub_state.owns_account does not follow that yet, so the checks below name the two shops with an id.
    named = {channel: acc for channel, acc in accounts.items() if channel != "lazada"}
    assert not any(hub_state.owns_account(b.db, acc) for acc in accounts.values())
    assert all(hub_state.owns_account(a.db, acc) for acc in named.values())

    summary = engine(b.path, url).sync_once()  # B sends for none of them
    assert summary.accounts == ()
    assert platform_stock(url)[("tiktok", "SC-TEH")] == 0

    teh = product_store.by_sku(b.db, "SC-TEH")
    assert teh is not None
    record_sale(b.db, [LineInput(teh.id, 1, 5_000)], PaymentMethod.CASH)  # the stock command is written on B
    assert engine(b.path, url).sync_once().accounts == ()
    assert platform_stock(url)[("tiktok", "SC-TEH")] == 0
    assert b.round().pushed > 0 and a.round().pulled > 0
    sent = engine(a.path, url).sync_once()  # A, the holder, sends B's change
    assert set(named.values()) <= {r.account_id for r in sent.accounts}
    assert platform_stock(url)[("tiktok", "SC-TEH")] == PRODUCTS["SC-TEH"][1] - 1
    assert platform_stock(url)[("shopee", "SC-TEH")] == PRODUCTS["SC-TEH"][1] - 1

    tiktok = account_store.get(b.db, named["tiktok"])
    assert tiktok is not None
    with b.conn() as conn, pytest.raises(HubError) as taken:  # A holds it and is alive: no quiet take
        hub_leases.take_lease(conn, hub_state.identity(b.db).device_id, lease_key(tiktok))
    assert taken.value.kind == "lease_taken" and "Kasir" in taken.value.message()
    # taking over by hand (`companion hub take-over`): B sends for TikTok from now on, A stops
    assert cli.main(["hub", "take-over", tiktok.id, "--data-dir", str(b.folder)]) == 0
    assert a.round().ok and b.round().ok
    assert {r.account_id for r in engine(b.path, url).sync_once().accounts} == {named["tiktok"]}
    by_a = {r.account_id for r in engine(a.path, url).sync_once().accounts}
    assert named["shopee"] in by_a and named["tiktok"] not in by_a

    with psycopg.connect(hub_url, autocommit=True) as admin_conn:  # A is gone: its leases run out
        admin_conn.execute("UPDATE companion_hub.leases SET expires_at = now() - interval '1 minute'"
                           " WHERE device_id = %s::uuid", (hub_state.identity(a.db).device_id,))
    assert b.round().ok  # B takes them by itself at its next round
    assert set(named.values()) <= {r.account_id for r in engine(b.path, url).sync_once().accounts}


# -- the background runner --------------------------------------------------------------------------------------------
def test_the_runner_brings_another_laptops_sale_without_being_asked(pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    results: list[HubRoundResult] = []
    runner = HubRunner(a.path, results.append, every=0.2, nudge_delay=0.05, listen=False)
    runner.start()
    try:
        sale = sell(b)
        assert b.round().pushed > 0
        deadline = time.monotonic() + 30
        while sale not in sale_ids(a) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sale in sale_ids(a)
        mine = sell(a)
        runner.nudge()
        deadline = time.monotonic() + 30
        while mine not in sale_ids(b) and time.monotonic() < deadline:
            b.round()
            time.sleep(0.05)
        assert mine in sale_ids(b)
    finally:
        runner.stop()
    assert results and all(r.ok for r in results)


def test_another_laptops_push_wakes_the_listener(pair: tuple[Laptop, Laptop]) -> None:
    """No timer in reach (an hour): only the hub's NOTIFY at B's push can start A's round."""
    a, b = pair
    results: list[HubRoundResult] = []
    runner = HubRunner(a.path, results.append, every=3600)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while not results and time.monotonic() < deadline:  # the round at start
            time.sleep(0.05)
        assert len(results) == 1
        sold: set[str] = set()
        while not (sold & sale_ids(a)) and time.monotonic() < deadline + 30:
            sold.add(sell(b))  # again until the listener is surely listening: each push notifies
            assert b.round().pushed > 0
            time.sleep(0.3)
        assert sold & sale_ids(a)
        assert len(results) >= 2 and results[-1].ok
    finally:
        runner.stop()


def test_the_marketplace_runner_carries_the_hub_and_reports_it(pair: tuple[Laptop, Laptop]) -> None:
    """SyncRunner starts the hub beside the marketplace sync; its "hub" events carry what was pulled."""
    a, b = pair
    events: list[SyncEvent] = []

    def no_keys(account: AccountRow) -> Credentials:
        raise AssertionError("no shop is linked in this test")

    runner = SyncRunner(a.path, no_keys, events.append, poll_seconds=3600, chat_seconds=None)
    runner.start()
    try:
        sale = sell(b)
        assert b.round().pushed > 0
        runner.sync_now()
        deadline = time.monotonic() + 30
        while not any(e.hub is not None and sale in (e.change or Change()).sales for e in list(events)) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        hub_events = [e for e in list(events) if e.kind == "hub"]
        assert any(e.hub is not None and e.hub.pulled and sale in (e.change or Change()).sales for e in hub_events)
        mine = sell(a)
        runner.local_change()
        while mine not in sale_ids(b) and time.monotonic() < deadline + 30:
            b.round()
            time.sleep(0.05)
        assert mine in sale_ids(b)
    finally:
        runner.stop()
    assert not runner.hub.running
