"""The inbox on a busy shop: 5 000 conversations and 100 000 messages in a fresh database, then the three reads
the Kotak Masuk page makes (open, channel + state filter, full-text search) through `services.inbox.inbox_view`,
each against the raw SQL selecting the same conversations. Absolute target: p95 ≤ 50 ms."""

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

CONVERSATIONS = 5_000
MESSAGES = 100_000
TARGET_MS = 50.0
CHANNELS = ("shopee", "tiktok", "lazada", "manual")
SEARCHES = ("ongkir", "pedas", "resi", "original", "kak")  # rare to very common words
BUYER_WORDS = ("Kak, ready stok?", "Bisa kirim hari ini?", "Barangnya original kan kak?", "Varian pedas masih ada?",
               "Ongkir ke Medan berapa?", "Halo kak?", "Pesanan saya kapan dikirim ya kak?", "Bisa COD?")
SELLER_WORDS = ("Ready kak, silakan diorder.", "Sudah dikirim kak, resi menyusul.",
                "Original kak, garansi uang kembali.", "Bisa kak, kurir instan tersedia.", "Terima kasih kak!")

RAW_OPEN = ("SELECT c.*, a.name AS account_name FROM conversations c LEFT JOIN accounts a ON a.id = c.account_id"
            " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 500")
RAW_FILTER = ("SELECT c.*, a.name AS account_name FROM conversations c LEFT JOIN accounts a ON a.id = c.account_id"
              " WHERE c.channel = ? AND c.waiting_since IS NOT NULL"
              " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 500")
RAW_SEARCH = ("SELECT c.*, a.name AS account_name FROM conversations c LEFT JOIN accounts a ON a.id = c.account_id"
              " WHERE c.id IN (SELECT m.conversation_id FROM messages m JOIN messages_fts f ON f.rowid = m.seq"
              " WHERE messages_fts MATCH ?) ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 500")


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


def inbox_reads(setup: Setup) -> list[Result]:
    """Open, filter and search, each ours and raw interleaved so both meet the same machine weather."""
    from bench.measures import percentile
    from companion.services.inbox import inbox_view
    from companion.store.database import open_database

    now = datetime.now(UTC)
    path = setup.work / "inbox-shop.sqlite3"
    build_inbox_shop(path, now)
    db = open_database(path)
    rounds = 10 if setup.quick else 60
    cases: list[tuple[str, Callable[[int], object], Callable[[int], object]]] = [
        ("inbox open", lambda _n: inbox_view(db, now), lambda _n: db.query(RAW_OPEN)),
        ("inbox channel + waiting filter",
         lambda n: inbox_view(db, now, CHANNELS[n % 4], "waiting"),
         lambda n: db.query(RAW_FILTER, (CHANNELS[n % 4],))),
        ("inbox search (FTS)",
         lambda n: inbox_view(db, now, search=SEARCHES[n % len(SEARCHES)]),
         lambda n: db.query(RAW_SEARCH, (f'"{SEARCHES[n % len(SEARCHES)]}"*',))),
    ]
    results = []
    for name, ours_fn, raw_fn in cases:
        ours_fn(0), raw_fn(0)  # warm the page cache for both
        ours: list[float] = []
        raw: list[float] = []
        for n in range(rounds):
            ours.append(_timed(ours_fn, n))
            raw.append(_timed(raw_fn, n))
        results.append(Result(f"{name} p95 ({CONVERSATIONS:,} chats, {MESSAGES:,} messages)", percentile(ours, 95),
                              "ms", percentile(raw, 95), target=TARGET_MS))
    db.close()
    return results
