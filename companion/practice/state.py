"""The practice marketplace's own record: one SQLite file (WAL) in its data folder, shared by all server threads.

One connection guarded by a lock keeps it simple and safe; the server is small and local.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from companion.practice.catalogue import CATALOGUE
from companion.practice.shapes import ChannelShapes

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, platform TEXT NOT NULL, kind TEXT NOT NULL,
    issued_at REAL NOT NULL, expires_at REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS listings (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, item_id TEXT NOT NULL,
    model_id TEXT NOT NULL, name TEXT NOT NULL, model_name TEXT NOT NULL, item_sku TEXT NOT NULL,
    seller_sku TEXT NOT NULL, price INTEGER NOT NULL, stock INTEGER NOT NULL, update_time INTEGER NOT NULL,
    UNIQUE (platform, item_id, model_id));
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    status TEXT NOT NULL, buyer_id TEXT NOT NULL, buyer_name TEXT NOT NULL, create_time INTEGER NOT NULL,
    update_time INTEGER NOT NULL, ship_by INTEGER NOT NULL, cancel_by TEXT NOT NULL DEFAULT '',
    UNIQUE (platform, ref));
CREATE TABLE IF NOT EXISTS order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    listing_id INTEGER NOT NULL, item_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL,
    model_name TEXT NOT NULL, item_sku TEXT NOT NULL, seller_sku TEXT NOT NULL, quantity INTEGER NOT NULL,
    price INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS order_lines_order ON order_lines(order_id);
CREATE INDEX IF NOT EXISTS orders_update ON orders(platform, update_time);
CREATE INDEX IF NOT EXISTS orders_create ON orders(platform, create_time);
CREATE TABLE IF NOT EXISTS conversations (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    buyer_id TEXT NOT NULL, buyer_name TEXT NOT NULL, unread INTEGER NOT NULL DEFAULT 0,
    update_time REAL NOT NULL, UNIQUE (platform, ref));
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id), ref TEXT NOT NULL, sender TEXT NOT NULL,
    text TEXT NOT NULL, created REAL NOT NULL, kind TEXT NOT NULL DEFAULT 'text',
    attached TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS packages (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    order_ref TEXT NOT NULL, method TEXT NOT NULL DEFAULT '', provider TEXT NOT NULL DEFAULT '',
    courier TEXT NOT NULL DEFAULT '', tracking TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
    address_id TEXT NOT NULL DEFAULT '', slot_id TEXT NOT NULL DEFAULT '', slot_start INTEGER NOT NULL DEFAULT 0,
    slot_end INTEGER NOT NULL DEFAULT 0, branch_id TEXT NOT NULL DEFAULT '', created REAL NOT NULL,
    updated REAL NOT NULL, document_requested REAL, UNIQUE (platform, ref), UNIQUE (platform, order_ref));
CREATE TABLE IF NOT EXISTS cancel_requests (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    order_ref TEXT NOT NULL, reason TEXT NOT NULL, state TEXT NOT NULL, prev_status TEXT NOT NULL,
    created REAL NOT NULL, answer_by REAL NOT NULL, updated REAL NOT NULL, UNIQUE (platform, ref));
CREATE INDEX IF NOT EXISTS cancel_requests_order ON cancel_requests(platform, order_ref);
CREATE TABLE IF NOT EXISTS returns (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    order_ref TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '[]', amount INTEGER NOT NULL, refund INTEGER NOT NULL DEFAULT 0,
    needs_item_back INTEGER NOT NULL DEFAULT 1, answer_reason TEXT NOT NULL DEFAULT '', created REAL NOT NULL,
    updated REAL NOT NULL, answer_by REAL NOT NULL, UNIQUE (platform, ref));
CREATE INDEX IF NOT EXISTS returns_update ON returns(platform, updated);
CREATE TABLE IF NOT EXISTS return_lines (id INTEGER PRIMARY KEY, return_id INTEGER NOT NULL REFERENCES returns(id),
    line_id INTEGER NOT NULL, quantity INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,
    order_ref TEXT NOT NULL, line_id INTEGER NOT NULL, item_id TEXT NOT NULL, model_id TEXT NOT NULL,
    seller_sku TEXT NOT NULL DEFAULT '', product_name TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), text TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '[]', buyer_id TEXT NOT NULL DEFAULT '',
    buyer_name TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, reply TEXT NOT NULL DEFAULT '',
    replied_at REAL, hidden INTEGER NOT NULL DEFAULT 0, UNIQUE (platform, ref), UNIQUE (platform, order_ref, line_id));
CREATE INDEX IF NOT EXISTS reviews_update ON reviews(platform, updated);
"""
# Added after the first release: a practice folder from before gets them on opening.
MESSAGE_COLUMNS = {"kind": "TEXT NOT NULL DEFAULT 'text'", "attached": "TEXT NOT NULL DEFAULT ''"}
ORDER_COLUMNS = {"cancel_reason": "TEXT NOT NULL DEFAULT ''"}
LINE_COLUMNS = {"cancelled": "INTEGER NOT NULL DEFAULT 0"}  # units of the line cancelled (stock given back)
MESSAGE_KINDS = ("text", "image", "product", "order")  # attached: image path or URL, item id, order number

FULFILMENT_TABLES = ("packages", "cancel_requests", "returns", "return_lines")  # kept by practice/fulfilment.py
REVIEW_TABLES = ("reviews",)  # kept by practice/reviews.py (a folder from before gets it on opening: IF NOT EXISTS)
NAME = re.compile(r"^[a-z_]+$")
ORDER_TIMES = ("create_time", "update_time")
BOUND_OPERATORS = (">=", "<", "<=")
OrderBound = tuple[str, str, float]  # (create_time|update_time, >= | < | <=, unix seconds)


class OutOfStock(ValueError):
    """A buyer tried to order more than the listing shows."""


class NotFound(LookupError):
    """No such listing, order or conversation."""


class PracticeState:
    """Everything the practice platforms know, with a movable clock for expiry tests. Its tables are keyed by
    platform (the channel's name); `channels` says which platforms there are and how their ids look."""

    def __init__(self, data_dir: Path, channels: Sequence[ChannelShapes]) -> None:
        self.channels: dict[str, ChannelShapes] = {c.name: c for c in channels}
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "practice.sqlite3"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        for table, columns in (("messages", MESSAGE_COLUMNS), ("orders", ORDER_COLUMNS),
                               ("order_lines", LINE_COLUMNS)):
            have = {r["name"] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            for column, definition in columns.items():
                if column not in have:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        self._offset = float(self.get_meta("clock_offset", 0.0))
        for name in self.channels:
            if not self._catalogue_listed(name):
                self.seed_catalogue(name)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def channel(self, platform: str) -> ChannelShapes:
        """The facts of a platform this record serves; KeyError for another name."""
        return self.channels[platform]

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(self.channels)

    def chat_approved(self, platform: str) -> bool:
        """Whether the platform's chat answers: always, unless the channel needs the admin's approval first."""
        if not self.channel(platform).chat_needs_approval:
            return True
        return bool(self.get_meta(_chat_key(platform), False))

    def set_chat_approved(self, platform: str, approved: bool) -> None:
        self.set_meta(_chat_key(platform), bool(approved))

    # -- plumbing -------------------------------------------------------------------------------------------
    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE), serialised with every other thread."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._conn.execute(sql, params).fetchall()]

    def get_meta(self, key: str, default: Any = None) -> Any:
        found = self.rows("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(found[0]["value"]) if found else default

    def set_meta(self, key: str, value: Any, conn: sqlite3.Connection | None = None) -> None:
        sql, params = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        if conn is not None:
            conn.execute(sql, params)
        else:
            with self.tx() as c:
                c.execute(sql, params)

    def next_number(self, conn: sqlite3.Connection, platform: str, kind: str) -> int:
        """Platform-shaped ids from a persisted counter, so ids never repeat across restarts."""
        return self.channel(platform).ids.base(kind) + self.next_count(conn, platform, kind)

    def next_count(self, conn: sqlite3.Connection, platform: str, kind: str) -> int:
        """The next value (1, 2, …) of a persisted counter of any kind (packages, tracking numbers, returns)."""
        key = f"counter:{platform}:{kind}"
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        n = int(json.loads(row["value"]) if row else 0) + 1
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(n)))
        return n

    # -- clock ----------------------------------------------------------------------------------------------
    def now(self) -> float:
        """The practice platforms' clock: real time plus whatever tests moved it by."""
        return time.time() + self._offset

    def advance_clock(self, seconds: float) -> float:
        self._offset += seconds
        self.set_meta("clock_offset", self._offset)
        return self.now()

    # -- tokens ---------------------------------------------------------------------------------------------
    def issue_token(self, platform: str, kind: str, lifetime: float, prefix: str = "") -> tuple[str, float]:
        token = prefix + secrets.token_hex(16)
        now = self.now()
        with self.tx() as c:
            c.execute("INSERT INTO tokens (token, platform, kind, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                      (token, platform, kind, now, now + lifetime))
        return token, now + lifetime

    def token(self, platform: str, kind: str, token: str) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM tokens WHERE platform = ? AND kind = ? AND token = ?", (platform, kind, token))
        return found[0] if found else None

    def token_state(self, platform: str, kind: str, token: str) -> str:
        """'ok', 'expired', 'used' or 'invalid'."""
        row = self.token(platform, kind, token)
        if row is None:
            return "invalid"
        if row["used"]:
            return "used"
        return "expired" if row["expires_at"] <= self.now() else "ok"

    def consume_token(self, platform: str, kind: str, token: str) -> bool:
        """Mark a single-use token used; False if someone else used it first."""
        with self.tx() as c:
            cur = c.execute("UPDATE tokens SET used = 1 WHERE platform = ? AND kind = ? AND token = ? AND used = 0",
                            (platform, kind, token))
            return cur.rowcount == 1

    def shorten_tokens(self, platform: str, kind: str, until: float, except_token: str) -> None:
        """After a refresh the previous access tokens keep working only a short while."""
        with self.tx() as c:
            c.execute("UPDATE tokens SET expires_at = MIN(expires_at, ?)"
                      " WHERE platform = ? AND kind = ? AND token != ?",
                      (until, platform, kind, except_token))

    def latest_token(self, platform: str, kind: str) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM tokens WHERE platform = ? AND kind = ? AND used = 0 "
                          "ORDER BY issued_at DESC, rowid DESC LIMIT 1", (platform, kind))
        return found[0] if found else None

    # -- listings -------------------------------------------------------------------------------------------
    def _catalogue_listed(self, platform: str) -> bool:
        """Whether the platform got its starting catalogue. A folder from before per-platform flags has one
        "seeded" flag; a platform listed then has an item counter."""
        if self.get_meta(f"seeded:{platform}", False):
            return True
        return bool(self.get_meta("seeded", False)) and self.get_meta(f"counter:{platform}:item") is not None

    def seed_catalogue(self, only: str | None = None) -> None:
        """List the starting catalogue on every platform (or on `only`)."""
        for platform in self.channels if only is None else (only,):
            for name, parent_sku, variants in CATALOGUE:
                item_id = ""
                for variant, sku, price, stock in variants:
                    listing = self.add_listing(platform, name, sku, stock, price, variant, item_id or None, parent_sku)
                    item_id = listing["item_id"]
            self.set_meta(f"seeded:{platform}", True)

    def add_listing(self, platform: str, name: str, seller_sku: str, stock: int, price: int,
                    variant: str = "", item_id: str | None = None, item_sku: str = "") -> dict[str, Any]:
        """List a product (or a new variant of an existing item). Some platforms give an item without variants
        one fixed model id (IdShapes.single_model_id)."""
        single = self.channel(platform).ids.single_model_id
        with self.tx() as c:
            new_item = item_id is None
            if new_item:
                item_id = str(self.next_number(c, platform, "item"))
            model_id = single if single is not None and not variant else str(self.next_number(c, platform, "model"))
            cur = c.execute(
                "INSERT INTO listings (platform, item_id, model_id, name, model_name, item_sku, seller_sku, price,"
                " stock, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (platform, item_id, model_id, name, variant, item_sku or seller_sku, seller_sku, price, stock,
                 int(self.now())))
            listing_id = cur.lastrowid
        return self.listing(int(listing_id or 0))

    def listing(self, listing_id: int) -> dict[str, Any]:
        found = self.rows("SELECT * FROM listings WHERE id = ?", (listing_id,))
        if not found:
            raise NotFound(f"listing {listing_id}")
        return found[0]

    def listings(self, platform: str | None = None) -> list[dict[str, Any]]:
        if platform:
            return self.rows("SELECT * FROM listings WHERE platform = ? ORDER BY id", (platform,))
        return self.rows("SELECT * FROM listings ORDER BY id")

    def find_listing(self, platform: str, item_id: str, model_id: str) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM listings WHERE platform = ? AND item_id = ? AND model_id = ?",
                          (platform, item_id, model_id))
        return found[0] if found else None

    def listing_by_sku(self, platform: str, seller_sku: str) -> dict[str, Any]:
        found = self.rows("SELECT * FROM listings WHERE platform = ? AND seller_sku = ? ORDER BY id",
                          (platform, seller_sku))
        if not found:
            raise NotFound(f"{platform} {seller_sku}")
        return found[0]

    def set_stock(self, listing_id: int, stock: int) -> None:
        with self.tx() as c:
            c.execute("UPDATE listings SET stock = ?, update_time = ? WHERE id = ?",
                      (stock, int(self.now()), listing_id))

    def remove_listing(self, listing_id: int) -> None:
        with self.tx() as c:
            c.execute("DELETE FROM listings WHERE id = ?", (listing_id,))

    # -- orders ---------------------------------------------------------------------------------------------
    def create_order(self, platform: str, lines: list[tuple[int, int]], buyer_id: str, buyer_name: str,
                     status: str) -> dict[str, Any]:
        """Place an order; each line takes stock off the platform's listing (never below zero)."""
        now = int(self.now())
        with self.tx() as c:
            ref = self._order_ref(c, platform, now)
            cur = c.execute(
                "INSERT INTO orders (platform, ref, status, buyer_id, buyer_name, create_time, update_time, ship_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (platform, ref, status, buyer_id, buyer_name, now, now,
                                                     now + 2 * 86400))
            order_id = cur.lastrowid
            for listing_id, qty in lines:
                row = c.execute("SELECT * FROM listings WHERE id = ? AND platform = ?",
                                (listing_id, platform)).fetchone()
                if row is None:
                    raise NotFound(f"listing {listing_id}")
                if qty < 1 or row["stock"] < qty:
                    raise OutOfStock(f"{row['seller_sku']}: {qty} > {row['stock']}")
                c.execute("UPDATE listings SET stock = stock - ?, update_time = ? WHERE id = ?", (qty, now, listing_id))
                c.execute("INSERT INTO order_lines (order_id, listing_id, item_id, model_id, name, model_name,"
                          " item_sku, seller_sku, quantity, price) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (order_id, listing_id, row["item_id"], row["model_id"], row["name"], row["model_name"],
                           row["item_sku"], row["seller_sku"], qty, row["price"]))
        return self.order(platform, ref)

    def _order_ref(self, c: sqlite3.Connection, platform: str, now: int) -> str:
        return self.channel(platform).ids.order_ref(self.next_number(c, platform, "order"), now)

    def cancel_order(self, platform: str, ref: str, status: str, by: str, reason: str = "") -> dict[str, Any]:
        """Cancel an open order and give back to the listings the units not given back yet: a line partly
        cancelled before (`cancel_units`) returns only the rest, so each unit comes back exactly once."""
        now = int(self.now())
        with self.tx() as c:
            row = c.execute("SELECT * FROM orders WHERE platform = ? AND ref = ?", (platform, ref)).fetchone()
            if row is None:
                raise NotFound(ref)
            if row["status"] != status:
                c.execute("UPDATE orders SET status = ?, update_time = ?, cancel_by = ?, cancel_reason = ?"
                          " WHERE id = ?", (status, now, by, reason, row["id"]))
                for line in c.execute("SELECT * FROM order_lines WHERE order_id = ?", (row["id"],)).fetchall():
                    c.execute("UPDATE listings SET stock = stock + ?, update_time = ? WHERE id = ?",
                              (line["quantity"] - line["cancelled"], now, line["listing_id"]))
                c.execute("UPDATE order_lines SET cancelled = quantity WHERE order_id = ?", (row["id"],))
        return self.order(platform, ref)

    def cancel_units(self, platform: str, ref: str, line_id: int, units: int) -> int:
        """Cancel up to `units` more units of one line of a live order: they go back to the listing once (the
        line's `cancelled` count remembers them) and the order's update_time moves on. Returns how many were
        cancelled now (0 when the line had none left)."""
        now = int(self.now())
        with self.tx() as c:
            line = c.execute("SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id"
                             " WHERE o.platform = ? AND o.ref = ? AND l.id = ?", (platform, ref, line_id)).fetchone()
            if line is None:
                raise NotFound(f"{ref} line {line_id}")
            taken = max(0, min(int(units), line["quantity"] - line["cancelled"]))
            if taken:
                c.execute("UPDATE order_lines SET cancelled = cancelled + ? WHERE id = ?", (taken, line_id))
                c.execute("UPDATE listings SET stock = stock + ?, update_time = ? WHERE id = ?",
                          (taken, now, line["listing_id"]))
                c.execute("UPDATE orders SET update_time = ? WHERE id = ?", (now, line["order_id"]))
        return taken

    def touch_order(self, platform: str, ref: str) -> None:
        """The order changed without a new status (a line partly cancelled): its update_time moves on, so a sync
        that lists orders by update_time sees it again."""
        with self.tx() as c:
            c.execute("UPDATE orders SET update_time = ? WHERE platform = ? AND ref = ?",
                      (int(self.now()), platform, ref))

    def order(self, platform: str, ref: str) -> dict[str, Any]:
        found = self.orders_by_refs(platform, [ref])
        if not found:
            raise NotFound(ref)
        return found[0]

    def orders_by_refs(self, platform: str, refs: list[str]) -> list[dict[str, Any]]:
        if not refs:
            return []
        marks = ",".join("?" * len(refs))
        rows = self.rows(f"SELECT * FROM orders WHERE platform = ? AND ref IN ({marks})", [platform, *refs])
        return self._with_lines(rows)

    def orders(self, platform: str, field: str = "update_time", start: float | None = None,
               end: float | None = None, status: str | None = None, descending: bool = False,
               end_inclusive: bool = True) -> list[dict[str, Any]]:
        """Orders of one platform filtered on create_time/update_time, in a stable order (time, id)."""
        bounds: list[OrderBound] = []
        if start is not None:
            bounds.append((field, ">=", start))
        if end is not None:
            bounds.append((field, "<=" if end_inclusive else "<", end))
        return self.order_page(platform, field, bounds, status, descending, limit=-1)

    def order_page(self, platform: str, sort: str, bounds: list[OrderBound] | tuple[()] = (),
                   status: str | None = None, descending: bool = False, offset: int = 0, limit: int = 100,
                   lines: bool = True) -> list[dict[str, Any]]:
        """One page of a platform's orders in (sort time, id) order, read through the (platform, time) index
        with LIMIT/OFFSET: a list page costs its own size, not the whole window's (a first sync asks for a
        hundred pages in a row). A negative limit means every order. Lines are read for the page only."""
        where, params = _order_filter(platform, bounds, status)
        if sort not in ORDER_TIMES:
            raise ValueError(f"orders sort on {', '.join(ORDER_TIMES)}, not {sort}")
        way = "DESC" if descending else "ASC"
        rows = self.rows(f"SELECT * FROM orders WHERE {where} ORDER BY {sort} {way}, id {way} LIMIT ? OFFSET ?",
                         [*params, limit, max(0, offset)])
        return self._with_lines(rows) if lines else rows

    def order_count(self, platform: str, bounds: list[OrderBound] | tuple[()] = (),
                    status: str | None = None) -> int:
        """How many orders the same filter finds (the total some order lists report)."""
        where, params = _order_filter(platform, bounds, status)
        return int(self.rows(f"SELECT COUNT(*) AS n FROM orders WHERE {where}", params)[0]["n"])

    def _with_lines(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each order's lines in id order, read with one query per 500 orders."""
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["lines"] = []
        ids = list(by_id)
        for at in range(0, len(ids), 500):
            chunk = ids[at:at + 500]
            marks = ",".join("?" * len(chunk))
            for line in self.rows(f"SELECT * FROM order_lines WHERE order_id IN ({marks}) ORDER BY order_id, id",
                                  chunk):
                by_id[line["order_id"]]["lines"].append(line)
        return rows

    def set_order_status(self, platform: str, ref: str, status: str | None = None) -> None:
        """The order moved on (a shipping step, a cancel request): a new status when given, and its update_time
        moves on either way so an order pull by update_time sees it."""
        with self.tx() as c:
            if status:
                c.execute("UPDATE orders SET status = ?, update_time = ? WHERE platform = ? AND ref = ?",
                          (status, int(self.now()), platform, ref))
            else:
                c.execute("UPDATE orders SET update_time = ? WHERE platform = ? AND ref = ?",
                          (int(self.now()), platform, ref))

    # -- fulfilment records: packages, cancel requests, returns (their rules are in practice/fulfilment.py) ---
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Several reads and writes that no other server thread may come between (check, then change)."""
        with self._lock:
            yield

    def count_up(self, platform: str, kind: str) -> int:
        """The next value of a persisted counter, in its own transaction."""
        with self.tx() as c:
            return self.next_count(c, platform, kind)

    def records(self, table: str, newest_first: bool = False, **equals: Any) -> list[dict[str, Any]]:
        """Rows of a fulfilment table whose columns equal the given values, in id order."""
        where, params = _equals(table, equals)
        return self.rows(f"SELECT * FROM {table} WHERE {where} ORDER BY id {'DESC' if newest_first else 'ASC'}",
                         params)

    def add_record(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row into a fulfilment table; its id."""
        _equals(table, values)
        names = list(values)
        with self.tx() as c:
            cur = c.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                            [values[n] for n in names])
            return int(cur.lastrowid or 0)

    def change_records(self, table: str, values: dict[str, Any], **equals: Any) -> int:
        """Set columns of the fulfilment rows matching `equals`; how many rows changed."""
        _equals(table, values)
        where, params = _equals(table, equals)
        sets = ", ".join(f"{n} = ?" for n in values)
        with self.tx() as c:
            return int(c.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*values.values(), *params]).rowcount)

    def updated_page(self, table: str, platform: str, start: float | None, end: float | None, offset: int,
                     limit: int, newest_first: bool = False, **equals: Any) -> tuple[list[dict[str, Any]], int]:
        """One page of a platform's records (of a table with an `updated` column) updated within [start, end]
        and matching `equals`, in (updated, id) order (or newest first), and their total. limit -1: all."""
        where, params = _equals(table, {"platform": platform, **equals})
        for op, bound in ((">=", start), ("<=", end)):
            if bound is not None:
                where, params = f"{where} AND updated {op} ?", [*params, bound]
        way = "DESC" if newest_first else "ASC"
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)[0]["n"])
        rows = self.rows(f"SELECT * FROM {table} WHERE {where} ORDER BY updated {way}, id {way} LIMIT ? OFFSET ?",
                         [*params, limit, max(0, offset)])
        return rows, total

    def returns_between(self, platform: str, start: float | None, end: float | None, offset: int,
                        limit: int) -> tuple[list[dict[str, Any]], int]:
        """One page of a platform's returns updated within [start, end] in (updated, id) order, and their total."""
        where: str = "platform = ?"
        params: list[Any] = [platform]
        if start is not None:
            where, params = where + " AND updated >= ?", [*params, start]
        if end is not None:
            where, params = where + " AND updated <= ?", [*params, end]
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM returns WHERE {where}", params)[0]["n"])
        rows = self.rows(f"SELECT * FROM returns WHERE {where} ORDER BY updated, id LIMIT ? OFFSET ?",
                         [*params, limit, max(0, offset)])
        return rows, total

    # -- chat -----------------------------------------------------------------------------------------------
    def conversation_for(self, platform: str, buyer_id: str, buyer_name: str) -> dict[str, Any]:
        found = self.rows("SELECT * FROM conversations WHERE platform = ? AND buyer_id = ?", (platform, buyer_id))
        if found:
            return found[0]
        with self.tx() as c:
            ref = str(self.next_number(c, platform, "conv"))
            c.execute("INSERT INTO conversations (platform, ref, buyer_id, buyer_name, update_time)"
                      " VALUES (?, ?, ?, ?, ?)",
                      (platform, ref, buyer_id, buyer_name, self.now()))
        return self.conversation(platform, ref)

    def conversation(self, platform: str, ref: str) -> dict[str, Any]:
        found = self.rows("SELECT * FROM conversations WHERE platform = ? AND ref = ?", (platform, ref))
        if not found:
            raise NotFound(ref)
        return found[0]

    def conversations(self, platform: str) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM conversations WHERE platform = ? ORDER BY update_time DESC, id DESC",
                         (platform,))

    def add_message(self, platform: str, conversation_ref: str, sender: str, text: str, kind: str = "text",
                    attached: str = "") -> dict[str, Any]:
        """Store a buyer or seller message (a picture, product card or order card names what in `attached`);
        buyer messages count as unread for the seller."""
        if kind not in MESSAGE_KINDS:
            raise ValueError(f"message kind must be one of {', '.join(MESSAGE_KINDS)}")
        conv = self.conversation(platform, conversation_ref)
        now = self.now()
        with self.tx() as c:
            ref = str(self.next_number(c, platform, "msg"))
            c.execute("INSERT INTO messages (conversation_id, ref, sender, text, created, kind, attached)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)", (conv["id"], ref, sender, text, now, kind, attached))
            unread = "unread + 1" if sender == "buyer" else "0"
            c.execute(f"UPDATE conversations SET update_time = ?, unread = {unread} WHERE id = ?", (now, conv["id"]))
        return self.rows("SELECT * FROM messages WHERE ref = ? AND conversation_id = ?", (ref, conv["id"]))[0]

    def messages(self, platform: str, conversation_ref: str) -> list[dict[str, Any]]:
        """Newest first, as the chat APIs page them."""
        conv = self.conversation(platform, conversation_ref)
        return self.rows("SELECT * FROM messages WHERE conversation_id = ? ORDER BY created DESC, id DESC",
                         (conv["id"],))

    def latest_message(self, conversation_id: int) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM messages WHERE conversation_id = ? ORDER BY created DESC, id DESC LIMIT 1",
                          (conversation_id,))
        return found[0] if found else None

    def reset(self) -> None:
        """Forget orders, chats and listings (credentials and tokens stay), then list the starting catalogue again."""
        with self.tx() as c:
            for table in ("reviews", "return_lines", "returns", "cancel_requests", "packages", "messages",
                          "conversations", "order_lines", "orders", "listings"):
                c.execute(f"DELETE FROM {table}")
        self.seed_catalogue()


def _order_filter(platform: str, bounds: list[OrderBound] | tuple[()],
                  status: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause for one platform's orders; field names and operators are checked, values bound."""
    where: list[str] = ["platform = ?"]
    params: list[Any] = [platform]
    for field, op, value in bounds:
        if field not in ORDER_TIMES or op not in BOUND_OPERATORS:
            raise ValueError(f"bad order bound {field} {op}")
        where.append(f"{field} {op} ?")
        params.append(value)
    if status:
        where.append("status = ?")
        params.append(status)
    return " AND ".join(where), params



def _equals(table: str, equals: dict[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause of column = value for a fulfilment or review table; table and column names are checked."""
    if table not in FULFILMENT_TABLES + REVIEW_TABLES or not all(NAME.match(n) for n in equals):
        raise ValueError(f"bad fulfilment table or column: {table} {sorted(equals)}")
    return " AND ".join([f"{n} = ?" for n in equals] or ["1 = 1"]), list(equals.values())


def _chat_key(platform: str) -> str:
    """The meta key of a platform's chat approval ("<name>_chat", as folders from before have it)."""
    return f"{platform}_chat"
