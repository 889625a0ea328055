"""Kill cycles for the hub: three laptops of one shop (each its own process, tests/hub_laptop.py) sync through a
private PostgreSQL (tests/pg_cluster.py) behind the byte-counting proxy (tests/tcp_proxy.py), and one of them is
SIGKILLed again and again in the middle of a push or of applying what it pulled. After every kill the laptop is
started again as the app starts, and at the end everyone syncs until quiet. The promises, against the campaign's
own tally of every sale the laptops said they committed:

- the killed laptop opens again and syncs on (a kill never leaves it stuck or stopped);
- no sale lost or doubled on it: every sale it committed itself is there once, and nothing it pulled is twice
  (the `sales` ids are unique by the schema; the tally checks the set);
- its file stays sound: cache = ledger, no receipt number twice (store/hub_digest.problems);
- the hub holds no duplicate: change ids and (device, sequence) unique, one insert per row of an append table;
- at the end every laptop holds exactly the tally's sales, and all digests are equal (store/hub_digest.digest).

When it lands (push and apply cycles in turn, the laptop drawn at random): a *push* cycle has the laptop sell
40–150 sales offline (a few hundred changes), then run rounds over and over (`--loop-sync`), killed once a random
2 KB to 3 KB × the sales more has gone up the proxy (a sale's changes take ~3.2 KB); an *apply* cycle has another
laptop push its sales first, then the target pulls, killed once a random 5 KB to 3 KB × the sales has come down,
plus a random 0–150 ms (to land inside the apply of a batch as well as inside a pull). A laptop that went quiet
before the bytes came is killed anyway and counted apart ("after the work"). Its rows are the area "kill cycles:
hub" (bench/reliability/__main__.py).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.reliability.trials import Trial

AREA = "kill cycles: hub"
CYCLES, QUICK_CYCLES = 40, 6
WIRE_PER_SALE = 3_000  # bytes a sale's changes take on the wire one way (measured ~3.2-3.5 KB: bench/hub_measure.py)
RESTART = "the laptop starts again after a SIGKILL during push or apply, and syncs on"
NO_LOSS = "no sale lost or doubled on the killed laptop (campaign's tally)"
SOUND = "cache = ledger, no receipt number twice (hub_digest.problems)"
HUB = "the hub holds no duplicate (change ids, device sequences, one insert per row)"
CONVERGED = "every laptop converged: the tally's sales exactly, digests equal (after settle)"


@dataclass
class Tally:
    committed: dict[str, set[str]] = field(default_factory=dict)  # laptop name → sale ids it said it committed
    landed: dict[str, int] = field(default_factory=dict)  # push / apply / after the work
    rows: dict[str, Trial] = field(default_factory=dict)

    def add(self, what: str, tried: int, failures: list[str], detail: str = "") -> None:
        row = self.rows.setdefault(what, Trial(AREA, what, 0, 0))
        row.tried += tried
        row.held += max(0, tried - len(failures))
        row.failures += failures
        if detail:
            row.detail = detail

    def all_sales(self) -> set[str]:
        return set().union(*self.committed.values()) if self.committed else set()


def run(quick: bool, work: Path, seed: int | None = None) -> list[Trial]:
    from tests.hub_checks import hub_duplicates
    from tests.hub_fleet import Fleet
    from tests.pg_cluster import PgCluster

    rng = random.Random(seed if seed is not None else random.randrange(1 << 30))
    cluster = PgCluster().start()  # its own temporary folder (the work folder is private to root)
    dbname = f"hub_{uuid.uuid4().hex[:12]}"
    cluster.fresh_database(dbname)
    fleet = Fleet(work / "laptops", cluster.port,
                  lambda port: cluster.url(cluster.admin_user, cluster.admin_password, dbname, port=port))
    tally = Tally()
    try:
        fleet.start()
        for cycle in range(QUICK_CYCLES if quick else CYCLES):
            _cycle(fleet, tally, rng, cycle)
            with _hub(cluster, dbname) as conn:
                tally.add(HUB, 1, [f"cycle {cycle}: {p}" for p in hub_duplicates(conn)])
        _settle(fleet, tally)
    finally:
        fleet.stop()
        cluster.stop()
    landed = ", ".join(f"{k} {v}" for k, v in sorted(tally.landed.items(), key=lambda kv: -kv[1]))
    tally.rows[RESTART].detail = f"SIGKILLs landed during: {landed}"
    return list(tally.rows.values())


def _hub(cluster: Any, dbname: str) -> Any:
    import psycopg

    return psycopg.connect(cluster.admin_url(dbname), autocommit=True)


def _sell(laptop: Any, tally: Tally, rng: random.Random, count: int) -> int:
    from tests.hub_fleet import SKUS

    start = (datetime.now(UTC) - timedelta(days=rng.randint(1, 7))).isoformat()
    sold = laptop.call("sell", count=count, skus=SKUS, start=start, days=1, seed=rng.randrange(1 << 30))
    tally.committed.setdefault(laptop.name, set()).update(sold["sales"])
    return count


def _cycle(fleet: Any, tally: Tally, rng: random.Random, cycle: int) -> None:
    from tests.tcp_proxy import DOWN, UP

    target = rng.choice(fleet.laptops)
    if cycle % 2 == 0:  # push and apply in turn
        sold = _sell(target, tally, rng, rng.randint(40, 150))
        fired = fleet.kill_while_looping(target, UP, rng.randint(2_000, sold * WIRE_PER_SALE))
        kind = "push"
    else:
        other = rng.choice([lp for lp in fleet.laptops if lp is not target])
        sold = _sell(other, tally, rng, rng.randint(40, 150))
        other.call("sync_until_quiet")
        fired = fleet.kill_while_looping(target, DOWN, rng.randint(5_000, sold * WIRE_PER_SALE),
                                         rng.uniform(0, 0.15))
        kind = "apply"
    tally.landed[kind if fired else "after the work"] = tally.landed.get(kind if fired else "after the work", 0) + 1
    failures: list[str] = []
    try:
        target.start()
        synced = target.call("sync_until_quiet")
        if not synced["quiet"] or synced["last"]["kind"] is not None:
            failures.append(f"cycle {cycle}: {target.name} did not sync on after the kill: {synced['last']}")
    except AssertionError as exc:
        failures.append(f"cycle {cycle}: {target.name} did not start again: {str(exc)[:300]}")
        target.start()
    tally.add(RESTART, 1, failures)
    ids = target.call("sale_ids")["ids"]
    own = tally.committed.get(target.name, set())
    lost = own - set(ids)
    loss = [f"cycle {cycle}: {target.name} lost {len(lost)} of its own sales"] if lost else []
    if len(ids) != len(set(ids)):
        loss.append(f"cycle {cycle}: {target.name} holds a sale twice")
    unknown = set(ids) - tally.all_sales()
    if unknown:
        loss.append(f"cycle {cycle}: {target.name} holds {len(unknown)} sales nobody committed")
    tally.add(NO_LOSS, 1, loss, f"{len(tally.all_sales())} sales committed on 3 laptops, checked after each kill")
    problems = target.call("digest")["problems"]
    tally.add(SOUND, 1, [f"cycle {cycle}: {target.name}: {p}" for p in problems[:3]])


def _settle(fleet: Any, tally: Tally) -> None:
    from tests.hub_checks import divergence

    fleet.sync_all()
    answers = fleet.digests()
    failures = divergence(answers, [lp.name for lp in fleet.laptops])
    expected = tally.all_sales()
    for laptop in fleet.laptops:
        ids = laptop.call("sale_ids")["ids"]
        if set(ids) != expected or len(ids) != len(expected):
            failures.append(f"{laptop.name} holds {len(ids)} sales, the tally {len(expected)}")
    tally.add(CONVERGED, len(fleet.laptops), failures,
              f"{len(expected)} sales on 3 laptops; {answers[0]['counts']['stock_movements']} movements")
    tally.add(SOUND, len(answers), [f"after settle: {p}" for a in answers for p in a["problems"]])
