"""Sync engine pieces: backoff, problem sentences, one shop's trouble not stopping the others, the runner thread,
and `companion sync --once`."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_child import account_ids, admin, credentials_source, engine, platform_stock, quick_connector, setup_shop

from companion import cli
from companion.connectors.base import Credentials
from companion.connectors.errors import AuthExpired, NotPermitted, Permanent, Temporary, Throttled
from companion.domain.errors import UserError
from companion.domain.marketplace import TokenSet
from companion.domain.sale import LineInput, PaymentMethod
from companion.i18n import catalog
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import save_tokens
from companion.services.sales import record_sale
from companion.store import accounts as account_store
from companion.store import sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync import problems
from companion.sync.backoff import Backoff
from companion.sync.engine import SyncEngine
from companion.sync.events import SyncEvent
from companion.sync.runner import SyncRunner


# -- backoff --------------------------------------------------------------------------------------------------
def test_backoff_grows_with_jitter_inside_its_bounds() -> None:
    b = Backoff(base_seconds=2.0, cap_seconds=60.0, rng=random.Random(3))
    for attempt in range(12):
        top = min(60.0, 2.0 * 2 ** attempt)
        delays = [b.delay(attempt) for _ in range(200)]
        assert all(top / 2 <= d <= top for d in delays)
        assert len(set(delays)) > 100  # jittered, not one fixed number
    assert b.ceiling(-5) == 2.0 and b.ceiling(10_000) == 60.0


def test_backoff_honours_retry_after_even_beyond_the_cap() -> None:
    b = Backoff(base_seconds=1.0, cap_seconds=4.0, rng=random.Random(1))
    assert b.delay(0, retry_after=30.0) == 30.0
    assert 2.0 <= b.delay(2, retry_after=0.5) <= 4.0  # a shorter Retry-After never shortens the backoff
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert b.next_attempt_at(0, 90.0, now) == "2026-01-01T00:01:30.000000Z"


# -- problems -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("error", "kind"), [
    (AuthExpired("invalid_access_token"), "auth_expired"),
    (AuthExpired("refresh token expired", reauthorize=True), "auth_expired"),
    (Throttled("too many requests", 2.0), "throttled"),
    (Temporary("could not connect (ConnectionError)"), "offline"),
    (Temporary("no answer in time", outcome_unknown=True), "temporary"),
    (Temporary("server error (HTTP 503)"), "temporary"),
    (NotPermitted("error_permission", "chat not whitelisted"), "not_permitted"),
    (Permanent("error_param", "item_id is wrong"), "permanent"),
    (UserError("Practice mode is not running: start it again from Home."), "auth_expired"),
    (RuntimeError("boom"), "temporary"),
])
def test_errors_become_problems_with_translated_sentences(error: Exception, kind: str) -> None:
    problem = problems.problem_for(error)
    assert problem.kind == kind
    for lang in ("id", "en"):
        assert catalog(lang).get(problem.sentence_msgid, "").strip(), (lang, problem.sentence_msgid)


def test_problem_detail_keeps_platform_words_but_never_a_secret() -> None:
    problem = problems.problem_for(Permanent("error_param", "bad token abcd1234secret"), ["abcd1234secret"])
    assert problem.detail == "error_param: bad token ***"
    relink = problems.problem_for(AuthExpired("expired", reauthorize=True))
    assert relink.sentence_msgid == problems.RELINK


# -- the engine with one shop in trouble ----------------------------------------------------------------------
def test_one_shop_offline_and_one_to_relink_do_not_stop_the_third(db: Database, data_dir: Path,
                                                                   market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url, listed_stock=0)
    accounts = account_ids(db)
    shopee = account_store.get(db, accounts["shopee"])
    assert shopee is not None
    soon = datetime.now(UTC) + timedelta(minutes=2)  # inside the 10-minute margin: refresh first
    save_tokens(db, shopee, credentials_source(url)(shopee),
                TokenSet("x-access", "x-refresh", soon, soon + timedelta(days=1)))
    fresh = credentials_source(url)

    def source(account: AccountRow) -> Credentials:
        creds = fresh(account)
        if account.channel == "lazada":
            return replace(creds, base_url="http://127.0.0.1:9/lazada/rest")  # type: ignore[arg-type]
        if account.channel == "shopee":
            return replace(creds, refresh_token="revoked-by-the-seller")  # type: ignore[arg-type]
        return creds

    sync = SyncEngine(db_path(data_dir), source, quick_connector,
                      backoff=Backoff(base_seconds=30.0, cap_seconds=60.0))
    record_sale(db, [LineInput(ids["SC-TEH"], 1, 5_000)], PaymentMethod.CASH)
    summary = sync.sync_once()
    by_channel = {a.account_id: a for a in summary.accounts}
    assert by_channel[accounts["tiktok"]].ok
    assert platform_stock(url)[("tiktok", "SC-TEH")] == 9
    lazada, shopee_result = by_channel[accounts["lazada"]], by_channel[accounts["shopee"]]
    assert lazada.problem is not None and lazada.problem.kind == "offline"
    assert shopee_result.problem is not None and shopee_result.problem.sentence_msgid == problems.RELINK
    assert "revoked" not in shopee_result.problem.detail
    assert sync_state.status(db, accounts["lazada"]).problem_kind == "offline"
    assert sync_state.status(db, accounts["tiktok"]).last_success_at is not None
    assert summary.pending_changes > 0 and not summary.ok  # kept for the shops that did not get them
    due = db.scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'waiting'")
    assert due > sync_state.status(db, accounts["tiktok"]).last_success_at  # retried later, surviving restarts


def test_throttled_shop_is_deferred_then_catches_up(db: Database, data_dir: Path,
                                                    market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url, listed_stock=0)
    admin(url, "/faults", {"rates": {"shopee": {"throttle": 1.0}}, "seed": 1})
    sync = SyncEngine(db_path(data_dir), credentials_source(url), quick_connector,
                      backoff=Backoff(base_seconds=0.01, cap_seconds=0.02), max_throttle_wait=0.1)
    first = sync.sync_once()
    [throttled] = [a for a in first.accounts if not a.ok]
    assert throttled.problem is not None and throttled.problem.kind == "throttled"
    assert sum(a.ok for a in first.accounts) == 2
    admin(url, "/faults", {"rates": {}})
    second = sync.sync_once()
    assert second.ok
    online = platform_stock(url)
    assert online[("shopee", "SC-KOPI")] == 20  # the first full push covered everything


def test_expired_access_token_is_refreshed_and_persisted_first(db: Database, data_dir: Path,
                                                               market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url, listed_stock=0)
    accounts = account_ids(db)
    before = admin(url, "/credentials")["tiktok"]["access_token"]
    admin(url, "/faults", {"rates": {"tiktok": {"expired_token": 1.0}}, "seed": 1})
    sync = engine(db_path(data_dir), url)
    summary = sync.sync_once()
    tiktok = next(a for a in summary.accounts if a.account_id == accounts["tiktok"])
    assert tiktok.problem is not None and tiktok.problem.kind == "auth_expired"  # refreshing cannot help here
    admin(url, "/faults", {"rates": {}})
    assert sync.sync_once().ok
    row = account_store.get(db, accounts["tiktok"])
    assert row is not None and row.access_expires_at is not None  # saved from the refresh
    assert admin(url, "/credentials")["tiktok"]["access_token"] != before  # refreshed, and the app uses it


# -- runner ---------------------------------------------------------------------------------------------------
def test_runner_rounds_at_start_on_demand_and_after_stock_changes(db: Database, data_dir: Path,
                                                                  market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url, listed_stock=0)
    events: list[SyncEvent] = []
    finished = threading.Semaphore(0)

    def on_event(event: SyncEvent) -> None:
        events.append(event)
        if event.kind == "round_finished":
            finished.release()

    runner = SyncRunner(db_path(data_dir), credentials_source(url), on_event, poll_seconds=3600,
                        connector_factory=quick_connector, push_delay=0.05)
    runner.start()
    try:
        assert finished.acquire(timeout=20)
        kinds = [e.kind for e in events if e.kind != "progress"]  # progress: each recorded order page
        assert kinds == ["round_started"] + ["account_finished"] * 3 + ["round_finished"]
        summary = events[-1].summary
        assert summary is not None and summary.ok
        record_sale(db, [LineInput(ids["SC-KOPI"], 4, 2_500)], PaymentMethod.CASH)
        runner.stock_changed()
        runner.stock_changed()
        assert finished.acquire(timeout=20)
        assert platform_stock(url)[("lazada", "SC-KOPI")] == 16
        runner.sync_now()
        assert finished.acquire(timeout=20)
        assert sum(e.kind == "round_finished" for e in events) == 3
    finally:
        runner.stop()
    assert not runner.running


# -- command line ---------------------------------------------------------------------------------------------
def test_sync_once_command_starts_practice_and_reports_each_shop(db: Database, data_dir: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    assert "Belum ada toko online" in capsys.readouterr().out
    with PracticeMarketplace(data_dir / "practice") as m:  # practice mode was used once, then the app closed
        setup_shop(db, m.base_urls["admin"])
    assert cli.main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Shopee Latihan" in out or "Practice Shopee" in out
    assert "pesanan baru" in out
