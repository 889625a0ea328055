"""Shipping exactly once when things go wrong, per platform: the connection drops halfway through a batch of 20
(answers lost after the platform arranged, requests that never arrived, timeouts), and the app is killed in the
middle of a round while an arrange call is on the wire. Every order ends arranged once, its command sent, and no
arrange call is ever repeated for an order the platform already had."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ship_child import (
    PICKUP,
    PLATFORMS,
    Wire,
    account_ids,
    add_parcels,
    engine,
    is_ship_call,
    our_orders,
    place_paid,
    setup_shop,
)

from companion.domain.marketplace import OrderStatus
from companion.practice import fulfilment as practice_fulfilment
from companion.practice.exchange import Reply
from companion.practice.faults import FaultPlan
from companion.practice.server import PracticeMarketplace
from companion.services.shipping import queue_shipments
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine

ORDERS = 20
TESTS_DIR = Path(__file__).resolve().parent


def refused(platform: str, reply: Any) -> bool:
    """A ship call the platform answered with a refusal (a second arrange would be refused 'already arranged')."""
    if reply.drop or reply.status != 200:
        return False
    body = reply.payload if isinstance(reply.payload, dict) else json.loads(reply.payload or b"{}")
    if platform == "shopee":
        return bool(body.get("error"))
    return str(body.get("code", "0")) != "0"


def _ready(db: Database, url: str, platform: str, sync: SyncEngine) -> tuple[list[str], list[str]]:
    """A shop with 20 paid orders pulled and queued for pickup: (platform refs, our ids)."""
    setup_shop(db, url)
    add_parcels(db, url)
    placed = place_paid(url, platform, ORDERS)
    sync.sync_once()
    ids = our_orders(db, platform, placed)
    assert len(queue_shipments(db, ids, {account_ids(db)[platform]: PICKUP}).queued) == ORDERS
    return placed, ids


def _until_sent(sync: SyncEngine, db: Database, rounds: int = 30) -> None:
    for _ in range(rounds):
        sync.sync_once()
        if not db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'ship_order' AND state != 'sent'"):
            return
        time.sleep(0.05)   # short backoffs fall due
    pytest.fail("ship commands still open: " + repr(db.query("SELECT state, last_error FROM outbox"
                                                           " WHERE kind = 'ship_order' AND state != 'sent'")))


def _shipped_once(db: Database, market: PracticeMarketplace, platform: str, placed: list[str], ids: list[str],
                  wire: Wire) -> None:
    assert db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'ship_order'") == ORDERS   # one command each
    for ref in placed:   # arranged, not left half way (a package packed but never handed over)
        package = practice_fulfilment.package_of_order(market.state, platform, ref)
        assert package is not None and package["status"] != "packed", package
    rows = [order_store.get(db, i) for i in ids]
    assert all(r is not None and r.status == OrderStatus.READY_TO_SHIP.value and r.ship_state == "" for r in rows)
    assert not [c for c in wire.ship_calls if refused(platform, c[2])], "an arrange call was repeated"


def drop_halfway(market: PracticeMarketplace, platform: str) -> list[str]:
    """From the 11th arrange call on, the connection drops: four calls reach the platform and their answers are lost,
    the next two never arrive, a few of the rounds' other calls get server errors; then it is calm again. Returns
    what happened to each arrange call ("lost", "unsent", "ok"), as the connection saw it."""
    inner = market.handle
    seen: list[str] = []

    def handle(method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Any:
        if not is_ship_call(platform, raw_path.split("?", 1)[0]):
            return inner(method, raw_path, body, headers)
        n = len(seen)
        if ORDERS // 2 <= n < ORDERS // 2 + 4:
            seen.append("lost")
            inner(method, raw_path, body, headers)   # arranged on the platform ...
            market.faults.configure(FaultPlan({platform: {"server_error": 0.3}}, seed=n))
            return Reply(drop=True)                  # ... the answer never comes
        if ORDERS // 2 + 4 <= n < ORDERS // 2 + 6:
            seen.append("unsent")
            return Reply(drop=True)                  # the request never reached the platform
        market.faults.clear()
        seen.append("ok")
        return inner(method, raw_path, body, headers)

    market.handle = handle  # type: ignore[method-assign]
    return seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_connection_dropped_halfway_ships_each_order_once(platform: str, data_dir: Path, db: Database,
                                                          market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    sync = engine(db_path(data_dir), url)
    placed, ids = _ready(db, url, platform, sync)
    wire = Wire(platform)
    market.recorders.append(wire)
    seen = drop_halfway(market, platform)
    first = sync.sync_once()
    assert not first.ok                                   # the trouble was real
    _until_sent(sync, db)
    assert seen.count("lost") == 4 and seen.count("unsent") == 2
    _shipped_once(db, market, platform, placed, ids, wire)
    handled = [c for c in wire.ship_calls if c[2].status < 500]   # a server error comes before the platform's work
    assert len(handled) == ORDERS                         # each order's arrange reached the platform once


@pytest.mark.parametrize("platform", PLATFORMS)
def test_app_killed_mid_round_ships_each_order_once(platform: str, data_dir: Path, db: Database,
                                                    market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    placed, ids = _ready(db, url, platform, engine(db_path(data_dir), url))
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "crash_child.MemoryKeyring", "PYTHONPATH": str(TESTS_DIR)}
    child = subprocess.Popen([sys.executable, str(TESTS_DIR / "ship_child.py"), str(data_dir), url],
                             stdout=subprocess.PIPE, text=True, env=env)
    wire = Wire(platform)

    def kill_on_the_wire(channel: str, request: Any, reply: Any) -> None:
        # the 7th arrange call has landed on the platform and its answer is not back yet: the app dies now
        if channel == platform and len(wire.ship_calls) == 7 and child.poll() is None:
            child.send_signal(signal.SIGKILL)

    market.recorders += [wire, kill_on_the_wire]
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL and len(wire.ship_calls) == 7
    states = {r["state"] for r in db.query("SELECT state FROM outbox WHERE kind = 'ship_order'")}
    assert outbox.SENDING in states              # killed with an arrange on the wire
    calm = engine(db_path(data_dir), url)        # a fresh start, as after the laptop came back
    _until_sent(calm, db)
    _shipped_once(db, market, platform, placed, ids, wire)
    assert len(wire.ship_calls) == ORDERS        # the landed one was found by looking back, never sent again
