"""Kill cycles: an app process (kill_child.py) doing one kind of work against the practice marketplace with faults
on is SIGKILLed at a chosen moment, again and again; after every kill, and after a final settle, the promises are
checked.

The marketplace lives in this process, so it survives the kills; between cycles its buyers order, cancel and ask,
and some of their orders lose part of a line. Its shops have items in promotion and SKUs in two warehouses
(platform_conditions.py).
Which cycle does what and when its kill lands: kill_plan.py. The child's output is read as it comes
(child_output.py); what it asked for and committed is tallied apart from the app (quantity_tally.py).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import keyring

from bench.reliability import kill_plan, platform_conditions, quantity_tally, real_shop
from bench.reliability import settle_checks as checks
from bench.reliability.child_output import ChildOutput
from bench.reliability.practice_shop import PLATFORMS, Admin, child_env, python, quick_engine, setup_shop
from bench.reliability.trials import Trial
from companion.practice.server import PracticeMarketplace
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path
from companion.store.migrations import current_version, latest_version
from companion.store.schema_shape import differences, expected_shape, shape_of
from companion.sync.engine import SyncEngine

AREA = "kill cycles"
OPENING_STOCK = 500
KILL_AFTER = (0.1, 1.5)   # seconds after "ready", in the modes that aim at no action
START_TIMEOUT = 30.0
SALES = "no confirmed sale lost (lines, movements, outbox)"
DUPLICATES = "no order duplicated (order rows = distinct channel + platform order id, all shops)"
QUANTITIES = "stock = opening + what the app process asked for (campaign's own tally)"
OPENED = "a file killed while it opens and migrates opens whole (integrity, version, schema, data)"
REFRESH = "real-style shop (keyring) syncs after a kill mid-refresh, else says re-link plainly"
REPLIES = "reply sent at most once (exactly once after settle)"
LEDGER = "ledger = counts + movements"
ORDER = ["app starts again and runs until killed", SALES, QUANTITIES, DUPLICATES,
         "every marketplace order in the database (after settle)", REPLIES, LEDGER,
         "marketplace stock = available − buffers (after settle)",
         "outbox pending entries explained (state, attempts, error)",
         "outbox empty after settle (refused entries keep their error)", OPENED, REFRESH, "companion doctor clean"]


@dataclass
class Tally:
    """Counts per promise while the cycles run; rows at the end."""

    rows: dict[str, Trial] = field(default_factory=dict)
    replies: list[str] = field(default_factory=list)
    bad_sales: set[str] = field(default_factory=set)
    bad_replies: set[str] = field(default_factory=set)
    kills: Counter[str] = field(default_factory=Counter)
    done: Counter[str] = field(default_factory=Counter)
    refused_replies: int = 0
    partial_cancels: int = 0
    quantities: quantity_tally.QuantityTally = field(
        default_factory=lambda: quantity_tally.QuantityTally(OPENING_STOCK))
    refresh: real_shop.RefreshTally = field(default_factory=real_shop.RefreshTally)
    timing: kill_plan.Timing = field(default_factory=kill_plan.Timing)

    def add(self, what: str, tried: int, failures: list[str], detail: str = "") -> None:
        row = self.rows.setdefault(what, Trial(AREA, what, 0, 0))
        row.tried += tried
        row.held += max(0, tried - len(failures))
        row.failures += failures
        if detail:
            row.detail = detail


@dataclass
class Shop:
    """What every cycle works with: the shop's folder, the marketplace, the environment of app processes."""

    folder: Path
    old: Path
    template: Path
    market: PracticeMarketplace
    admin: Admin
    env: dict[str, str]
    locks: dict[tuple[str, str], int] = field(default_factory=dict)  # (platform, seller SKU) → units in promotion


def _aim(out: ChildOutput, target: str | None, rng: random.Random, timing: kill_plan.Timing) -> str:
    """Wait for the moment to kill; returns why there was none ("" when there was)."""
    if target is None:
        if out.wait_for(lambda line: line == "ready", START_TIMEOUT) is None:
            return f"no 'ready' within {START_TIMEOUT:.0f} s"
        time.sleep(rng.uniform(*KILL_AFTER))
        return ""
    after = 0
    for _ in range(1 if target == "open" else rng.randint(1, 3)):
        found = out.wait_for(lambda line: line == f"> {target}" or line.startswith(f"> {target} "),
                             START_TIMEOUT, after)
        if found is None:
            return f"no '> {target}' within {START_TIMEOUT:.0f} s"
        after = found + 1
    time.sleep(timing.kill_delay(target, rng))
    return ""


def _one_cycle(shop: Shop, folder: Path, seed: int, mode: str, rng: random.Random,
               timing: kill_plan.Timing) -> tuple[bool, str, list[str]]:
    """Start the app, aim, SIGKILL it. (ran until the kill, why not, the whole lines it printed)."""
    child = subprocess.Popen([python(), "-m", "bench.reliability.kill_child", str(folder), shop.admin.url,
                              str(seed), "open" if mode.startswith("open") else mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=shop.env,
                             cwd=checks.ROOT)
    assert child.stdout is not None and child.stderr is not None
    out, err = ChildOutput(child.stdout), ChildOutput(child.stderr)
    why = _aim(out, kill_plan.TARGET[mode], rng, timing)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    lines, errors = out.finish(), err.finish()
    timing.learn(out.lines)
    last_error = (errors or ["?"])[-1]
    if child.returncode != -signal.SIGKILL:
        return False, f"exited by itself ({child.returncode}): {last_error}", lines
    return not why, f"{why}: {last_error}" if why else "", lines


def _check(db: Database, shop: Shop, tally: Tally, replies: list[str], settled: bool) -> None:
    """The promises as a restarted app finds them (and, after the settle, the stricter end state)."""
    lost = checks.lost_sales(db, tally.quantities.confirmed_sales())
    tally.bad_sales |= {x.split()[1] for x in lost}
    rows, distinct = checks.order_rows(db)
    tally.add(DUPLICATES, 1, checks.duplicated_orders(db), f"{rows} order rows, {distinct} distinct at the end")
    refused, dup = checks.duplicated_replies(db, shop.admin, replies, settled)
    tally.refused_replies = refused
    tally.bad_replies |= {x.split()[1] for x in dup}
    tally.rows.setdefault(REPLIES, Trial(AREA, "", 0, 0)).failures += dup
    tally.add(LEDGER, 1, checks.ledger_mismatches(db))
    checked, wrong = quantity_tally.check(db, tally.quantities, _market_lines(db, shop), settled)
    tally.add(QUANTITIES, checked, wrong)
    waiting, unexplained = checks.unexplained_outbox(db)
    tally.add("outbox pending entries explained (state, attempts, error)", waiting, unexplained,
              "entries waiting, summed over the checks after each kill")


def _market_lines(db: Database, shop: Shop) -> quantity_tally.Market:
    """(platform, order ref) → product id → units ordered and live, from the marketplace's own orders."""
    return platform_conditions.market_lines(shop.market.state,
                                            {p.sku.lower(): p.id for p in product_store.all_products(db)})


def _refusal_due(shop: Shop) -> checks.RefusalRule:
    def due(channel: str, sku: str, should: int, shown: int | None) -> bool:
        return platform_conditions.refusal_due(channel, shop.locks.get((channel, sku), 0), should, shown)

    return due


def _old_file_whole(folder: Path) -> list[str]:
    """The old-version copy, opened as the restarted app opens it: migrated, whole, its data all there."""
    db = open_database(db_path(folder))
    try:
        problems = []
        if db.scalar("PRAGMA integrity_check") != "ok":
            problems.append("integrity check failed")
        if current_version(db) != latest_version():
            problems.append(f"version {current_version(db)} after opening, not {latest_version()}")
        problems += [f"schema: {d}" for d in differences(shape_of(db), expected_shape())]
        products = product_store.all_products(db)
        if len(products) != kill_plan.OLD_PRODUCTS:
            problems.append(f"{len(products)} products, the old file had {kill_plan.OLD_PRODUCTS}")
        problems += [f"product {p.id}: stock {stock_store.on_hand(db, p.id)}, opening {OPENING_STOCK}"
                     for p in products if stock_store.on_hand(db, p.id) != OPENING_STOCK]
        return problems + checks.ledger_mismatches(db)
    finally:
        db.close()


def _finish_rows(tally: Tally, cycles: int) -> None:
    """Per-item rows (sales, replies) from the sets of items that ever failed; the details."""
    q = tally.quantities
    sale = tally.rows.setdefault(SALES, Trial(AREA, "", 0, 0))
    sale.what, sale.tried = SALES, len(q.sales.done)
    sale.held = len(q.sales.done) - len(tally.bad_sales & set(q.sales.done))
    sale.failures = [f"sale {s} missing or incomplete" for s in sorted(tally.bad_sales & set(q.sales.done))]
    sale.detail = (f"checked after each kill and after settle; {tally.done['count']} stocktakes, "
                   f"{tally.done['import']} imports, {q.restores} restores done")
    reply = tally.rows.setdefault(REPLIES, Trial(AREA, "", 0, 0))
    reply.what, reply.tried = REPLIES, len(tally.replies)
    reply.held = len(tally.replies) - len(tally.bad_replies)
    reply.failures = list(dict.fromkeys(reply.failures))
    reply.detail = (f"counted by text among the seller's messages on the marketplace; {tally.refused_replies} "
                    "refused by the platform (kept 'failed' with its words, none sent)")
    on_shop = cycles - tally.kills["open (old version)"] - tally.kills["between actions (old version)"]
    tally.rows[LEDGER].detail = f"checked after each of {on_shop} kills on the shop's file and after settle"
    tally.rows[QUANTITIES].detail = (
        f"per product, after each kill and after settle: {len(q.sales.done)} sales, {len(q.counts.done)} "
        f"stocktakes, {len(q.imports.done)} imported orders committed, {tally.partial_cancels} marketplace orders "
        f"partly cancelled ({q.partly_given_back} lines given back in part at the end, the rest still out); "
        f"cut off by kills (there whole or not at all): {len(q.loose_sales)} sales, "
        f"{len(q.counts.maybe)} stocktakes, {len(q.imports.maybe)} orders; "
        f"{q.restores_cut} restores cut off")
    r = tally.refresh
    tally.add(REFRESH, 0, r.failures, f"{r.checked} kills mid-refresh: {r.synced} synced on, {r.lost_in_kill} "
                                      f"answers lost with the kill (re-link sentence, re-linked); "
                                      f"{r.lost_elsewhere} spent tokens after other cycles")
    tally.rows[REFRESH].tried = tally.rows[REFRESH].held = r.checked
    tally.rows[REFRESH].held -= len(r.failures)
    kills = ", ".join(f"{k} {n}" for k, n in tally.kills.most_common())
    restart = tally.rows["app starts again and runs until killed"]
    restart.detail = f"{cycles} SIGKILLs during: {kills}"


def run(quick: bool, work: Path, seed: int | None = None) -> list[Trial]:
    """30 cycles (quick) or 300, then a settle; one Trial per promise."""
    cycles = 30 if quick else 300
    doctor_every = 10 if quick else 25
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    print(f"kill cycles: {cycles} cycles, seed {seed} (repeat with --seed {seed})", flush=True)
    rng = random.Random(seed)
    base = work / "kill"
    (base / "shop").mkdir(parents=True, exist_ok=True)
    market = PracticeMarketplace(base / "practice").start()
    before = real_shop.use_file_keyring(base / "keyring.json")
    tally = Tally()
    started = time.monotonic()
    try:
        admin = Admin(market.base_urls["admin"])
        shop = Shop(base / "shop", base / "old", base / "old-version.sqlite3", market, admin,
                    child_env(base / "keyring.json"))
        setup_shop(shop.folder, admin, OPENING_STOCK, real_style=real_shop.CHANNEL)
        shop.locks = platform_conditions.set_up(market.state)
        kill_plan.make_old_file(shop.template, OPENING_STOCK)
        engine = quick_engine(db_path(shop.folder), admin)
        _calm(shop, engine)
        admin.faults_on(seed)
        _cycles(shop, tally, rng, kill_plan.schedule(cycles, rng), doctor_every)
        _final(shop, engine, tally)
    finally:
        close_thread_databases()
        market.stop()
        keyring.set_keyring(before)
    _finish_rows(tally, cycles)
    print(f"kill cycles: done in {time.monotonic() - started:.0f} s", flush=True)
    return sorted(tally.rows.values(), key=lambda t: ORDER.index(t.what) if t.what in ORDER else len(ORDER))


def _calm(shop: Shop, engine: SyncEngine) -> tuple[int, object]:
    """Listings mapped and pushed once, calmly; every connection closed after (a restore wants the folder)."""
    for platform in PLATFORMS:  # a conversation on every shop from the start, for the replies
        shop.admin.post("/messages", {"platform": platform, "buyer": 0, "text": "Kak, barangnya ready?"})
    db = open_database(db_path(shop.folder))
    try:
        return checks.settle(db, shop.admin, engine)
    finally:
        db.close()
        close_thread_databases()


def _cycles(shop: Shop, tally: Tally, rng: random.Random, modes: list[str], doctor_every: int) -> None:
    for n, mode in enumerate(modes, 1):
        shop.admin.post("/buyers", {"steps": rng.randint(1, 4)})
        tally.partial_cancels += platform_conditions.cancel_parts(shop.market.state, rng, rng.randint(1, 2))
        shop.admin.post("/messages", {"platform": rng.choice(PLATFORMS), "buyer": rng.randrange(6),
                                      "text": f"Kak, stoknya masih ada? ({n})"})
        folder = shop.folder
        if mode == "open-old":
            shutil.rmtree(shop.old, ignore_errors=True)
            shop.old.mkdir(parents=True)
            shutil.copyfile(shop.template, db_path(shop.old))
            folder = shop.old
        ok, why, lines = _one_cycle(shop, folder, rng.randrange(1 << 30), mode, rng, tally.timing)
        tally.add("app starts again and runs until killed", 1, [] if ok else [f"cycle {n} ({mode}): {why}"])
        if mode == "open-old":
            busy = "open" if lines and lines[-1] == "> open" else "between actions"
            tally.kills[f"{busy} (old version)"] += 1
            tally.add(OPENED, 1, [f"cycle {n}: {p}" for p in _old_file_whole(folder)],
                      "old-version copies (schema v1, migrations due) opened again after the kill")
            continue
        busy = tally.quantities.read(lines)
        tally.kills[busy] += 1
        tally.done.update(line.split(" ", 1)[0] for line in lines if not line.startswith("> "))
        tally.replies += [line.split()[1] for line in lines if line.startswith("reply ") and line != "reply none"]
        db = open_database(db_path(shop.folder))  # the restarted app
        try:
            _check(db, shop, tally, tally.replies, settled=False)
            spent_before = "refresh refused AuthExpired" in lines
            real_shop.check(db, shop.market, shop.admin, busy == "refresh" and not spent_before, tally.refresh, n)
        finally:
            db.close()
        if n % doctor_every == 0:
            tally.add("companion doctor clean", 1, checks.doctor(shop.folder, shop.env))
        if os.environ.get("RELIABILITY_VERBOSE"):
            print(f"  cycle {n} {mode}: killed during {busy}, {lines[-1] if lines else '-'}", flush=True)


def _final(shop: Shop, engine: SyncEngine, tally: Tally) -> None:
    """Faults off, sync until calm, then the end state."""
    db = open_database(db_path(shop.folder))
    try:
        rounds, summary = checks.settle(db, shop.admin, engine)
        _check(db, shop, tally, tally.replies, settled=True)
        orders, missing = checks.missing_orders(db, shop.admin)
        tally.add("every marketplace order in the database (after settle)", orders, missing,
                  f"{orders} orders on the marketplace")
        listings, refused, wrong = checks.stock_differences(db, shop.admin, _refusal_due(shop))
        tally.add("marketplace stock = available − buffers (after settle)", listings + len(refused), wrong,
                  f"mapped listings vs services.online_stock.plan_pushes: {listings} compared; {len(refused)} "
                  f"refused by a promotion's lock ({', '.join(refused) or 'none'}: the platform's words kept on the "
                  f"listing, its number left as it was); {len(shop.locks)} listings in promotion, 2 SKUs in two "
                  "warehouses")
        failed, left = checks.settled_outbox(db)
        held, mine = checks.held_entries(db), checks.refused_products(db)
        others = sum(1 for ids in held if not mine & set(ids))
        tally.add("outbox empty after settle (refused entries keep their error)", 1, left[:1],
                  f"settled in {rounds} rounds, last round ok={bool(summary and summary.ok)}, calm="
                  f"{bool(summary and checks.calm(db, summary))}; {failed} entries refused for good; {len(held)} "
                  f"stock changes held back by refused listings ({others} of them name no refused product: a "
                  "change leaves the outbox only when every shop took every number)")
    finally:
        db.close()
        close_thread_databases()
    tally.add("companion doctor clean", 1, checks.doctor(shop.folder, shop.env))
