"""The promises the kill cycles and the concurrency run check, each as a function returning what broke.

Each check reads the shop's database (and the practice marketplace through its admin API) as a restarted app
would find it; an empty list means the promise held. The SQL here only reads, like the tests' checks do.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.reliability.practice_shop import ROOT, Admin, child_env, python
from companion.connectors import registry
from companion.services import online_stock
from companion.services.stock_push import STOCK_CHANGED
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import outbox
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.sync.engine import SyncEngine
from companion.sync.events import STOCK_REFUSED, RoundSummary


def lost_sales(db: Database, sale_ids: list[str]) -> list[str]:
    """Reported sales missing, or without every line, its stock movements and its outbox entry.

    Movements are counted in one pass (the app keeps no index on their reference, and needs none)."""
    if not sale_ids:
        return []
    moved = {str(r["reference"])[5:]: int(r["n"]) for r in db.query(
        "SELECT reference, COUNT(*) AS n FROM stock_movements WHERE kind = 'counter_sale' GROUP BY reference")}
    whole = set()
    for start in range(0, len(sale_ids), 500):
        chunk = sale_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        whole |= {r["id"] for r in db.query(
            f"SELECT s.id, s.line_count FROM sales s WHERE s.id IN ({marks})"
            " AND s.line_count = (SELECT COUNT(*) FROM sale_lines l WHERE l.sale_id = s.id)"
            " AND EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'sale:' || s.id)", tuple(chunk))
            if moved.get(r["id"]) == r["line_count"]}
    return [f"sale {sid} missing or incomplete" for sid in sale_ids if sid not in whole]


def duplicated_orders(db: Database) -> list[str]:
    """One local order per platform order, across ALL accounts: the order rows are counted against the distinct
    (channel, platform order id) pairs. The UNIQUE key is per account, so it cannot catch a shop linked twice (or a
    file import and a sync into different accounts) storing one platform order twice; this can."""
    rows = db.query("SELECT a.channel, o.platform_order_id, COUNT(*) AS n FROM online_orders o"
                    " JOIN accounts a ON a.id = o.account_id GROUP BY a.channel, o.platform_order_id HAVING n > 1")
    return [f"{r['channel']} order {r['platform_order_id']} stored {r['n']} times" for r in rows]


def order_rows(db: Database) -> tuple[int, int]:
    """(order rows, distinct (channel, platform order id) pairs): equal when no order is duplicated."""
    rows = int(db.scalar("SELECT COUNT(*) FROM online_orders"))
    distinct = int(db.scalar("SELECT COUNT(*) FROM (SELECT DISTINCT a.channel, o.platform_order_id"
                             " FROM online_orders o JOIN accounts a ON a.id = o.account_id)"))
    return rows, distinct


def missing_orders(db: Database, admin: Admin) -> tuple[int, list[str]]:
    """Every order the marketplace holds, in the database once: (orders on the marketplace, what is missing)."""
    channels = {a.id: a.channel for a in account_store.all_accounts(db)}
    local = {(channels[r["account_id"]], r["platform_order_id"])
             for r in db.query("SELECT account_id, platform_order_id FROM online_orders")}
    market = admin.orders()
    return len(market), [f"{p} order {ref} not in the database" for p, ref in sorted(market - local)]


def reply_texts(db: Database, message_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """message id → (text, status, error) of the reported replies found in the database."""
    found: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in db.query(f"SELECT id, text, status, error FROM messages WHERE id IN ({marks})", tuple(chunk)):
            found[r["id"]] = (r["text"], r["status"], r["error"] or "")
    return found


def duplicated_replies(db: Database, admin: Admin, message_ids: list[str], settled: bool) -> tuple[int, list[str]]:
    """Each queued reply is in the database and on the marketplace at most once. After a settle: recorded 'sent'
    and there exactly once, or honestly 'failed' (the platform's refusal kept for the owner) and not there.
    Returns (replies the platform refused, problems)."""
    found = reply_texts(db, message_ids)
    sent = Counter(admin.seller_texts())
    problems = [f"reply {mid} reported queued but not in the database" for mid in message_ids if mid not in found]
    refused = 0
    for mid, (text, status, error) in found.items():
        copies = sent[text]
        refused += status == "failed"
        if copies > 1:
            problems.append(f"reply {mid} is on the marketplace {copies} times")
        elif settled and not ((status == "sent" and copies == 1) or (status == "failed" and error and not copies)):
            problems.append(f"reply {mid} after settle: {copies} on the marketplace, status {status}")
    return refused, problems


def ledger_mismatches(db: Database) -> list[str]:
    """The cached stock against the last count plus the movements after it (the check `companion doctor` runs)."""
    return [f"product {pid}: cached {cached}, ledger {ledger}" for pid, cached, ledger in stock_store.verify_levels(db)]


SETTLED = "('sent', 'cancelled')"  # a command in these states has left, or was withdrawn by the owner


def unexplained_outbox(db: Database) -> tuple[int, list[str]]:
    """(entries not done, the ones with no honest account of themselves): an entry waits either untried, or
    after attempts with the last error kept; a failed one keeps its error."""
    rows = db.query(f"SELECT id, kind, state, attempts, last_error FROM outbox WHERE state NOT IN {SETTLED}")
    bad = []
    for r in rows:
        untried = r["state"] in ("waiting", "sending") and r["attempts"] == 0 and not r["last_error"]
        tried = r["attempts"] > 0 and bool(r["last_error"])
        if not (untried or tried or (r["state"] == "failed" and r["last_error"])):
            bad.append(f"outbox {r['kind']} {r['id']}: {r['state']}, {r['attempts']} attempts, "
                       f"error {r['last_error']!r}")
    return len(rows), bad


def refused_listings(db: Database) -> int:
    """Listings whose last stock number the platform refused, its words kept on the listing (a promotion's lock)."""
    return int(db.scalar("SELECT COUNT(*) FROM listings WHERE push_problem IS NOT NULL AND push_problem != ''"))


def held_by_refusals(db: Database) -> int:
    """Stock changes still waiting only because some listing refused its number: tried, the reason kept, and a
    refusal recorded on a listing (the other listings have their numbers; the platform will not take that one)."""
    return len(held_entries(db))


def held_entries(db: Database) -> list[list[str]]:
    """The product ids of each stock change `held_by_refusals` counts."""
    if not refused_listings(db):
        return []
    rows = db.query("SELECT payload FROM outbox WHERE kind = ? AND state = 'waiting' AND attempts > 0"
                    " AND last_error IS NOT NULL AND last_error != ''", (STOCK_CHANGED,))
    found = []
    for r in rows:
        ids = json.loads(r["payload"] or "{}").get("product_ids", [])
        found.append([str(x) for x in ids] if isinstance(ids, list) else [])
    return found


def refused_products(db: Database) -> set[str]:
    """Products with a listing whose last number the platform refused."""
    return {str(r["product_id"]) for r in db.query(
        "SELECT DISTINCT product_id FROM listings WHERE push_problem IS NOT NULL AND push_problem != ''"
        " AND product_id IS NOT NULL")}


def settled_outbox(db: Database) -> tuple[int, list[str]]:
    """After a settle: (entries refused for good, with the platform's words kept; anything else left over). Stock
    changes held back by a refused listing (`held_by_refusals`) are not left over: the stock row checks those."""
    rows = db.query(f"SELECT id, kind, state, attempts, last_error FROM outbox WHERE state NOT IN {SETTLED}")
    refused = [r for r in rows if r["state"] == "failed" and r["last_error"]]
    held = bool(held_by_refusals(db))
    return len(refused), [f"outbox {r['kind']} {r['id']}: still {r['state']} ({r['last_error']!r})" for r in rows
                          if r not in refused and not (held and r["kind"] == STOCK_CHANGED and r["state"] == "waiting"
                                                       and r["attempts"] > 0 and r["last_error"])]


# (channel, seller SKU, the number it should show, what it shows) → whether the platform was right to refuse it
RefusalRule = Callable[[str, str, int, "int | None"], bool]


def stock_differences(db: Database, admin: Admin, refusal_due: RefusalRule | None = None
                      ) -> tuple[int, list[str], list[str]]:
    """(mapped listings without a recorded refusal, "channel SKU" of those refused with the platform's words, what
    is wrong).

    A listing without a refusal must show what online_stock says it should. A listing whose last push the platform
    refused keeps the platform's words (`push_problem`) and its own number; it is not a wrong number when
    `refusal_due` says the platform was right to refuse (a promotion's lock), and is named otherwise."""
    shown = admin.stock()
    checked, refused, wrong = 0, [], []
    for account in account_store.active(db):
        should = {p.listing_id: p.quantity for p in online_stock.plan_pushes(db, account.id, None, False)}
        for listing in listing_store.for_account(db, account.id):
            if listing.id not in should:
                continue
            have = shown.get((account.channel, listing.seller_sku))
            where = f"{account.channel} {listing.seller_sku}"
            if listing.push_problem:
                refused.append(where)
                if refusal_due is None or not refusal_due(account.channel, listing.seller_sku, should[listing.id],
                                                          have):
                    wrong.append(f"{where}: refused ({listing.push_problem!r}) with no promotion to refuse "
                                 f"{should[listing.id]} (shows {have})")
                continue
            checked += 1
            if have != should[listing.id]:
                wrong.append(f"{where}: shows {have}, should show {should[listing.id]}")
    return checked, refused, wrong


def doctor(data_dir: Path, env: dict[str, str] | None = None) -> list[str]:
    """`companion doctor` as a separate process: exit 0 and no failed line."""
    run = subprocess.run([python(), "-m", "companion", "doctor", "--data-dir", str(data_dir)], capture_output=True,
                         text=True, env=env or child_env(), cwd=ROOT, timeout=120)
    failed = [line for line in run.stdout.splitlines() if line.startswith("[X")]
    if run.returncode != 0 or failed:
        return [f"doctor exit {run.returncode}: " + "; ".join(failed or run.stderr.splitlines()[-3:])]
    return []


def settle(db: Database, admin: Admin, engine: SyncEngine, bound: int = 60) -> tuple[int, RoundSummary | None]:
    """Faults off, buyers still: rounds until one is clean with nothing waiting, every marketplace order is here
    and no reply is left queued. Returns (rounds run, last summary); a stuck sync shows in the checks after."""
    admin.faults_off()
    admin.post("/buyers", {"pace_seconds": 0})
    time.sleep(1.05)  # Lazada's update_before is exclusive whole seconds: orders of this second need the next one
    for spec in registry.channels():  # chats a platform forbids polling: read once, as the owner's click does
        if spec.chat_pull == "on_demand":
            engine.check_chats(spec.name)
    summary = None
    for n in range(1, bound + 1):
        summary = engine.sync_once()
        waiting = db.scalar("SELECT COUNT(*) FROM messages WHERE from_buyer = 0 AND status IN ('queued', 'sending')")
        if (calm(db, summary) and outbox.pending_count(db) == held_by_refusals(db) and not waiting
                and not missing_orders(db, admin)[1]):
            return n, summary
        time.sleep(0.1)  # let short backoffs fall due
    return bound, summary


def calm(db: Database, summary: RoundSummary) -> bool:
    """Every shop synced without a problem, or its only problem is stock numbers the platform refused (its words
    kept on those listings, `refused_listings`)."""
    return all(a.ok or (a.problem is not None and a.problem.sentence_msgid == STOCK_REFUSED and refused_listings(db))
               for a in summary.accounts)
