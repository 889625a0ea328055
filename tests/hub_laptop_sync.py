"""The hub commands of tests/hub_laptop.py: create, invite, join, take over a lease, run rounds, digest.

Each takes the laptop's Database first and returns a dict (the JSON answer). Rounds are the app's own
(`companion.sync.hub_round.hub_round`, the function the runner and `companion hub sync --once` call); the
hub's side of setup goes through `companion.sync.hub_actions` as Pengaturan → "Beberapa laptop" does.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from companion.hub import connection
from companion.hub import leases as hub_leases
from companion.services import hub as hub_service
from companion.store import hub_digest, hub_journal, hub_state
from companion.store import sales as sale_store
from companion.store.database import Database
from companion.sync import hub_actions
from companion.sync.hub_outcome import HubRoundResult
from companion.sync.hub_round import hub_round
from companion.sync.hub_runner import HubRunner

QUIET_ROUNDS = 50  # sync_until_quiet gives up after this many rounds that still moved something


def init(db: Database, url: str, shop: str, name: str, outlet: str = "outlet-main") -> dict[str, Any]:
    hub_actions.create_hub(db, url, shop, name, outlet)
    return _identity(db)


def invite(db: Database, hours: int = 24) -> dict[str, Any]:
    made = hub_actions.make_invite(db, hours)
    return {"code": made.code, "valid_until": made.valid_until}


def join(db: Database, code: str, name: str, outlet: str = "outlet-main") -> dict[str, Any]:
    hub_actions.join_hub(db, code, name, outlet)
    return _identity(db)


def take_over(db: Database, key: str) -> dict[str, Any]:
    facts = hub_actions.take_over(db, key)
    return {"leases": [lease.__dict__ for lease in facts.leases]}


def leases(db: Database) -> dict[str, Any]:
    facts = hub_actions.hub_facts(db)
    return {"leases": [lease.__dict__ for lease in facts.leases],
            "devices": [device.__dict__ for device in facts.devices]}


def take_lease(db: Database, key: str, force: bool = False, minutes: int = 15) -> dict[str, Any]:
    """The hub's own lease call, unforced by default: refused with lease_taken while another live laptop holds it.
    `minutes=0` makes a lease that has already run out (a laptop gone longer than a lease lasts)."""
    me = hub_state.identity(db)
    password = hub_service.hub_password(db)
    assert me.address is not None and password
    with connection.connect(me.address, me.role_name or "", password) as conn:
        lease = hub_leases.take_lease(conn, me.device_id, key, force=force, minutes=minutes)
        conn.commit()
    return {"lease": lease.__dict__}


def owns(db: Database, account_id: str) -> dict[str, Any]:
    return {"owns": hub_state.owns_account(db, account_id)}


def _round(db: Database, timeout: float = 10.0) -> dict[str, Any]:
    started = time.perf_counter()
    result: HubRoundResult = hub_round(db.path, timeout=timeout)
    return {"pushed": result.pushed, "pulled": result.pulled, "waiting": result.waiting, "ok": result.ok,
            "problem": result.problem, "kind": result.kind, "devices": result.devices,
            "seconds": time.perf_counter() - started}


def sync(db: Database, rounds: int = 1, round_timeout: float = 10.0) -> dict[str, Any]:
    return {"rounds": [_round(db, round_timeout) for _ in range(rounds)]}


def sync_until_quiet(db: Database, round_timeout: float = 10.0, tries: int = QUIET_ROUNDS) -> dict[str, Any]:
    """Rounds until one finishes having pushed and pulled nothing (a failed round is tried again, up to
    `tries` rounds in all: a flapping link fails some)."""
    done: list[dict[str, Any]] = []
    for _ in range(tries):
        outcome = _round(db, round_timeout)
        done.append(outcome)
        if outcome["ok"] and outcome["pushed"] == 0 and outcome["pulled"] == 0 and outcome["waiting"] == 0:
            return {"rounds": len(done), "failed": sum(not r["ok"] for r in done), "quiet": True,
                    "seconds": sum(r["seconds"] for r in done), "last": outcome}
    return {"rounds": len(done), "failed": sum(not r["ok"] for r in done), "quiet": False,
            "seconds": sum(r["seconds"] for r in done), "last": done[-1]}


def digest(db: Database) -> dict[str, Any]:
    """What the convergence checks compare: the digest per table (and stock, numbers), the problems, counts."""
    counts = {table: int(db.scalar(f"SELECT count(*) FROM {table}"))
              for table in ("products", "sales", "sale_lines", "stock_movements", "online_orders", "settings")}
    return {"digest": hub_digest.digest(db), "problems": hub_digest.problems(db), "counts": counts,
            "waiting": hub_journal.waiting_count(db)}


def state(db: Database) -> dict[str, Any]:
    return {**_identity(db), "waiting": hub_journal.waiting_count(db), "last_seq": hub_journal.last_seq(db)}


def _identity(db: Database) -> dict[str, Any]:
    me = hub_state.identity(db)
    return {"device_id": me.device_id, "prefix": me.prefix, "enrolled": me.enrolled, "hub_id": me.hub_id,
            "stopped_reason": me.stopped_reason, "pull_cursor": me.pull_cursor, "last_error": me.last_error}


_RUNNERS: dict[str, HubRunner] = {}


def runner_start(db: Database) -> dict[str, Any]:
    """The app's own hub thread (sync/hub_runner.py, its real cadence), as the GUI starts it."""
    if str(db.path) not in _RUNNERS:
        runner = HubRunner(db.path, lambda _result: None)
        runner.start()
        _RUNNERS[str(db.path)] = runner
    return {}


def runner_stop(db: Database) -> dict[str, Any]:
    runner = _RUNNERS.pop(str(db.path), None)
    if runner is not None:
        runner.stop()
    return {}


def nudge(db: Database) -> dict[str, Any]:
    """What the GUI does after announcing a change: a round soon (nothing when no runner is on)."""
    runner = _RUNNERS.get(str(db.path))
    if runner is not None:
        runner.nudge()
    return {}


def wait_for_sale(db: Database, sale_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Look for a sale every 10 ms until it is here; the wall time it was first seen (time.time())."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sale_store.get(db, sale_id) is not None:
            return {"seen": time.time()}
        time.sleep(0.01)
    return {"seen": None}


def loop(db: Database, out: TextIO, pause_ms: int = 0) -> None:
    """Rounds for ever, one JSON line each (the kill tests SIGKILL this process somewhere inside)."""
    while True:
        out.write(json.dumps(_round(db)) + "\n")
        out.flush()
        if pause_ms:
            time.sleep(pause_ms / 1000)
