"""The inbox on a busy shop: 5 000 conversations and 100 000 messages in a fresh database, then the three reads
the Kotak Masuk page makes (open, channel + waiting filter, full-text search).

Ours = what opening the list costs the owner: `services.inbox_pages.InboxPager` read into the page's own
`InboxModel` (its first page, `PAGE_ROWS` rows), the count beside the filters, and the model's data for every role
the table asks of each cell on screen (`VISIBLE_ROWS`). Raw = one plain SQL statement returning the same rows in
the same order with the same columns and the same count: the deadlines worked out in SQL for this shop's four rules
(connectors/*/reply_rule.py, WIB), sorted by SQLite. Both lists are compared once before timing: same ids, same
order. Targets (issue 21): each ratio ≤ 3, and each p95 ≤ 50 ms (one more row: the slowest of the three).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end; importing it back here would be circular
    from bench.measures import Setup
    from companion.store.database import Database

CONVERSATIONS = 5_000
MESSAGES = 100_000
TARGET_MS = 50.0
TARGET_RATIO = 3.0
CHANNELS = ("shopee", "tiktok", "lazada", "manual")
SEARCHES = ("ongkir", "pedas", "resi", "original", "kak")  # rare to very common words
BUYER_WORDS = ("Kak, ready stok?", "Bisa kirim hari ini?", "Barangnya original kan kak?", "Varian pedas masih ada?",
               "Ongkir ke Medan berapa?", "Halo kak?", "Pesanan saya kapan dikirim ya kak?", "Bisa COD?")
SELLER_WORDS = ("Ready kak, silakan diorder.", "Sudah dikirim kak, resi menyusul.",
                "Original kak, garansi uang kembali.", "Bisa kak, kurir instan tersedia.", "Terima kasih kak!")

VISIBLE_ROWS = 12  # rows asked for, as painted: 6–7 show at 1366×768 (54-pixel rows), 12 in a taller window
ROLES = ("DisplayRole", "DecorationRole", "FontRole", "TextAlignmentRole", "ForegroundRole", "CheckStateRole",
         "BackgroundRole")  # what QStyledItemDelegate asks of each painted cell
SEARCH_MATCHES = 2000  # services.inbox_pages.SEARCH_MATCHES, spelled out for the raw statement
# each channel's rule in SQL (julianday), WIB = UTC+7: lazada due 19:00 for chats before 18:00, else the next day
DUE = ("CASE c.channel"
       " WHEN 'shopee' THEN julianday(c.waiting_since, '+12 hours')"
       " WHEN 'tiktok' THEN CASE WHEN c.holiday_mode THEN NULL ELSE julianday(c.waiting_since, '+12 hours') END"
       " WHEN 'lazada' THEN julianday(date(c.waiting_since, '+7 hours'),"
       "   CASE WHEN time(c.waiting_since, '+7 hours') < '18:00:00' THEN '+0 days' ELSE '+1 days' END, '+12 hours')"
       " WHEN 'manual' THEN julianday(c.waiting_since, '+' || COALESCE(c.target_minutes, 60) || ' minutes') END")
ORDER = ("s.waiting_since IS NULL, s.due IS NULL, s.due, s.waiting_since,"
         " CASE WHEN s.waiting_since IS NOT NULL THEN s.id END, s.recent DESC, s.id DESC")
RAW = (f"WITH s AS (SELECT c.id, c.waiting_since, {DUE} AS due, COALESCE(c.last_message_at, c.created_at) AS recent"
       " FROM conversations c WHERE {where}),"
       f" screen AS (SELECT s.*, COUNT(*) OVER () AS total FROM s ORDER BY {ORDER} LIMIT ?)"
       " SELECT c.*, a.name AS account_name, COALESCE(a.practice, 0) AS practice,"
       " (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id"
       "  AND m.status IN ('queued', 'sending', 'failed') AND m.status != 'failed') AS queued_replies,"
       " (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id"
       "  AND m.status IN ('queued', 'sending', 'failed') AND m.status = 'failed') AS failed_replies, s.total"
       " FROM screen s JOIN conversations c ON c.id = s.id LEFT JOIN accounts a ON a.id = c.account_id"
       f" ORDER BY {ORDER}")
RAW_OPEN = RAW.replace("{where}", "1")
RAW_FILTER = RAW.replace("{where}", "c.channel = ? AND c.waiting_since IS NOT NULL")
RAW_SEARCH = RAW.replace("{where}", "c.id IN (SELECT m.conversation_id FROM messages_fts f JOIN messages m"
                         " ON m.seq = f.rowid WHERE messages_fts MATCH ? ORDER BY f.rowid DESC"
                         f" LIMIT {SEARCH_MATCHES}) OR c.buyer_name LIKE ?")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_inbox_shop(path: Path, now: datetime, seed: int = 4) -> None:
    """A fresh shop file with the inbox filled in one write transaction, straight into the app's tables."""
    from companion.store.database import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    db = open_database(path)
    per_conversation = MESSAGES // CONVERSATIONS
    with db.write():
        for channel in CHANNELS[:3]:
            db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                       (f"acc-{channel}", channel, f"Toko {channel}", "http://127.0.0.1:1", _stamp(now)))
        seq = 0
        for n in range(CONVERSATIONS):
            channel = CHANNELS[n % len(CHANNELS)]
            start = now - timedelta(days=rng.uniform(0, 60))
            waiting = rng.random() < 0.3  # a third of the chats end with a buyer nobody answered yet
            rows = []
            for k in range(per_conversation):
                from_buyer = 1 if (k % 2 == 0 or (waiting and k == per_conversation - 1)) else 0
                text = rng.choice(BUYER_WORDS if from_buyer else SELLER_WORDS)
                sent = start + timedelta(minutes=7 * k + rng.randint(0, 5))
                seq += 1
                rows.append((seq, f"m{seq:07d}", f"c{n:05d}", f"pm{seq}", from_buyer, text, _stamp(sent),
                             "received" if from_buyer else "sent"))
            last = rows[-1]
            db.execute(
                "INSERT INTO conversations (id, account_id, channel, platform_conversation_id, buyer_id, buyer_name,"
                " source, target_minutes, last_text, last_message_at, waiting_since, unread, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (f"c{n:05d}", None if channel == "manual" else f"acc-{channel}", channel,
                 None if channel == "manual" else f"pc{n}", f"b{n}", f"pembeli_{n}",
                 "whatsapp" if channel == "manual" else None, 60 if channel == "manual" else None,
                 last[5], last[6], rows[-2][6] if waiting else None, 2 if waiting else 0, _stamp(start)))
            db.conn.executemany(
                "INSERT INTO messages (seq, id, conversation_id, platform_message_id, from_buyer, text, sent_at,"
                " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()


def _timed(fn: Callable[[int], object], n: int) -> float:
    start = time.perf_counter()
    fn(n)
    return (time.perf_counter() - start) * 1000


def _ours(db: Database, now: datetime, channel: str | None, state: str, search: str) -> tuple[list[str], int]:
    """The page's read: a pager into the page's model, the count, and every role of every cell on screen."""
    from PySide6.QtCore import Qt

    from companion.gui.pages.inbox import InboxModel
    from companion.services.inbox_pages import InboxPager

    model = InboxModel()
    pager = InboxPager(db, now, channel, state, search)
    model.set_pager(pager)
    total = pager.total()
    roles = [getattr(Qt.ItemDataRole, name) for name in ROLES]
    for row in range(min(VISIBLE_ROWS, model.rowCount())):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            for role in roles:
                model.data(index, role)
    return [r.id for r, _clock in model.entries], total


def _raw(db: Database, sql: str, params: tuple[object, ...]) -> tuple[list[str], int]:
    from companion.gui.pages.inbox import PAGE_ROWS

    rows = db.query(sql, (*params, PAGE_ROWS))
    return [r["id"] for r in rows], int(rows[0]["total"]) if rows else 0


def inbox_reads(setup: Setup) -> list[Result]:
    """Open, filter and search, each ours and raw interleaved so both meet the same machine weather."""
    from PySide6.QtWidgets import QApplication

    from bench.measures import percentile
    from companion.domain.clock import stamp
    from companion.store.database import open_database
    from companion.store.inbox import fts_query

    app = QApplication.instance() or QApplication([])  # the model's fonts and brushes need one
    now = datetime.now(UTC)
    path = setup.work / "inbox-shop.sqlite3"
    build_inbox_shop(path, now)
    db = open_database(path)
    rounds = 10 if setup.quick else 60

    def words(n: int) -> str:
        return SEARCHES[n % len(SEARCHES)]

    cases: list[tuple[str, Callable[[int], tuple[list[str], int]], Callable[[int], tuple[list[str], int]]]] = [
        ("inbox open", lambda _n: _ours(db, now, None, "all", ""), lambda _n: _raw(db, RAW_OPEN, ())),
        ("inbox channel + waiting filter",
         lambda n: _ours(db, now, CHANNELS[n % 4], "waiting", ""),
         lambda n: _raw(db, RAW_FILTER, (CHANNELS[n % 4],))),
        ("inbox search (FTS)",
         lambda n: _ours(db, now, None, "all", words(n)),
         lambda n: _raw(db, RAW_SEARCH, (fts_query(words(n)), f"%{words(n)}%"))),
    ]
    results = []
    slowest = 0.0
    for name, ours_fn, raw_fn in cases:
        for n in range(max(len(SEARCHES), len(CHANNELS))):  # warm both, and check they list the same rows
            if ours_fn(n) != raw_fn(n):
                raise AssertionError(f"{name} #{n}: ours and raw list different rows at {stamp(now)}")
        ours: list[float] = []
        raw: list[float] = []
        for n in range(rounds):
            ours.append(_timed(ours_fn, n))
            raw.append(_timed(raw_fn, n))
        slowest = max(slowest, percentile(ours, 95))
        results.append(Result(f"{name} p95 ({CONVERSATIONS:,} chats, {MESSAGES:,} messages)", percentile(ours, 95),
                              "ms", percentile(raw, 95), target_ratio=TARGET_RATIO))
    results.append(Result("inbox slowest of the three p95 (absolute)", slowest, "ms", target=TARGET_MS))
    db.close()
    del app
    return results
