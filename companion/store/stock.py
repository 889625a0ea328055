"""The stock ledger and its cached levels.

Movements are only ever inserted (triggers refuse updates and deletes). `stock_levels` caches
each product's on-hand and is updated in the same transaction as every insert; `rebuild_levels`
recomputes it from the ledger and `verify_levels` lists any product where the two disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from companion.domain.clock import stamp
from companion.domain.ids import new_id, new_ids
from companion.domain.ledger import Movement, MovementKind, apply
from companion.store.database import Database


@dataclass(frozen=True)
class MovementRow:
    seq: int
    id: str
    product_id: str
    kind: MovementKind
    quantity: int
    reason: str | None
    reference: str | None
    created_at: str
    level_after: int


def add_movement(
    db: Database,
    product_id: str,
    kind: MovementKind,
    quantity: int,
    *,
    reason: str | None = None,
    reference: str | None = None,
    dedupe_key: str | None = None,
    created_at: str | None = None,
    actor_id: str | None = None,
) -> int | None:
    """Append one movement and update the cache; returns the new on-hand. `actor_id`: the cashier who did it.

    With a `dedupe_key` already recorded, nothing is written and None is returned: applying the
    same outside fact twice changes nothing.
    """
    if dedupe_key is not None and db.scalar("SELECT 1 FROM stock_movements WHERE dedupe_key = ?", (dedupe_key,)):
        return None
    values = {"id": new_id(), "product_id": product_id, "kind": kind.value, "quantity": quantity, "reason": reason,
              "reference": reference, "dedupe_key": dedupe_key, "created_at": created_at or stamp()}
    if actor_id is not None:  # named only when given, so files older than v11 (migration tests) still take rows
        values["actor_id"] = actor_id
    cur = db.execute(f"INSERT INTO stock_movements ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                     tuple(values.values()))
    seq = cur.lastrowid
    if kind.is_count:  # a count sets the level
        level = apply(0, Movement(kind, quantity))
        db.execute(
            "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
            " ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, last_seq = excluded.last_seq",
            (product_id, level, seq),
        )
        return level
    # Any other movement adds to it: one statement (no read first) on the counter's every sale line.
    row = db.execute(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,"
        " last_seq = excluded.last_seq RETURNING on_hand",
        (product_id, quantity, seq),
    ).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class NewMovement:
    """One movement for `add_movements`."""

    product_id: str
    kind: MovementKind
    quantity: int
    reference: str | None = None
    dedupe_key: str | None = None


CHUNK = 500  # bound parameters per IN (...) list: far below any SQLite build's limit


def _chunks(values: Collection[str]) -> list[list[str]]:
    items = list(values)
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


def recorded_dedupe_keys(db: Database, keys: Collection[str]) -> set[str]:
    """Which of `keys` the ledger already holds: a page of orders asks once, not once per line."""
    found: set[str] = set()
    for part in _chunks(keys):
        rows = db.query(f"SELECT dedupe_key FROM stock_movements WHERE dedupe_key IN ({','.join('?' * len(part))})",
                        tuple(part))
        found.update(str(r[0]) for r in rows)
    return found


def add_movements(db: Database, movements: Sequence[NewMovement], created_at: str) -> list[int]:
    """Append movements in the given order (one statement) and set each product's cache once; returns the
    level after each movement, as `add_movement` would have returned it one by one.

    Dedupe keys are not looked up here: the caller has checked them (`recorded_dedupe_keys`), and a key
    recorded twice still fails the unique index, rolling back the caller's whole transaction.
    """
    if not movements:
        return []
    levels = cached_levels(db, {m.product_id for m in movements})
    seq = int(db.scalar("SELECT COALESCE(MAX(seq), 0) FROM stock_movements"))  # what SQLite gives the next row
    rows, after, last_seq = [], [], {}
    for m, movement_id in zip(movements, new_ids(len(movements)), strict=True):
        seq += 1
        level = apply(levels.get(m.product_id, 0), Movement(m.kind, m.quantity))
        levels[m.product_id], last_seq[m.product_id] = level, seq
        after.append(level)
        rows.append((seq, movement_id, m.product_id, m.kind.value, m.quantity, None, m.reference, m.dedupe_key,
                     created_at))
    db.executemany(
        "INSERT INTO stock_movements (seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, last_seq = excluded.last_seq",
        [(product_id, levels[product_id], seq) for product_id, seq in last_seq.items()])
    return after


def cached_levels(db: Database, product_ids: Collection[str]) -> dict[str, int]:
    """The cached on-hand of the products that have one (a product never moved has no row: 0)."""
    levels: dict[str, int] = {}
    for part in _chunks(product_ids):
        rows = db.query(f"SELECT product_id, on_hand FROM stock_levels WHERE product_id IN"
                        f" ({','.join('?' * len(part))})", tuple(part))
        levels.update((str(r[0]), int(r[1])) for r in rows)
    return levels


def on_hand(db: Database, product_id: str) -> int:
    return int(db.scalar("SELECT on_hand FROM stock_levels WHERE product_id = ?", (product_id,)) or 0)


def ledger_on_hand(db: Database, product_id: str) -> int:
    """On hand straight from the ledger: the last count plus every movement after it."""
    value = db.scalar(_LEDGER_LEVEL + " WHERE p.id = ?", (product_id,))
    return int(value or 0)


_LEDGER_LEVEL = """
SELECT COALESCE((SELECT quantity FROM stock_movements c WHERE c.product_id = p.id
                   AND c.kind IN ('opening', 'stocktake') ORDER BY c.seq DESC LIMIT 1), 0)
     + COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.product_id = p.id
                   AND m.kind NOT IN ('opening', 'stocktake')
                   AND m.seq > COALESCE((SELECT MAX(c.seq) FROM stock_movements c WHERE c.product_id = p.id
                                          AND c.kind IN ('opening', 'stocktake')), 0)), 0) AS level,
       p.id AS product_id,
       (SELECT MAX(seq) FROM stock_movements m WHERE m.product_id = p.id) AS last_seq
FROM products p
"""


def verify_levels(db: Database) -> list[tuple[str, int, int]]:
    """(product id, cached, ledger) for every product whose cache disagrees with its ledger."""
    rows = db.query(
        f"SELECT x.product_id, COALESCE(l.on_hand, 0) AS cached, x.level FROM ({_LEDGER_LEVEL}) x"
        " LEFT JOIN stock_levels l ON l.product_id = x.product_id WHERE COALESCE(l.on_hand, 0) != x.level"
    )
    return [(r["product_id"], r["cached"], r["level"]) for r in rows]


def rebuild_levels(db: Database) -> int:
    """Recompute the whole cache from the ledger in one transaction; returns the products covered."""
    with db.write():
        db.execute("DELETE FROM stock_levels")
        cur = db.execute(
            f"INSERT INTO stock_levels (product_id, on_hand, last_seq) SELECT product_id, level, last_seq"
            f" FROM ({_LEDGER_LEVEL}) WHERE last_seq IS NOT NULL"
        )
        return cur.rowcount


def history(db: Database, product_id: str, limit: int = 500) -> list[MovementRow]:
    """The newest movements of one product, each with the level it left behind."""
    rows = db.query(
        "SELECT seq, id, product_id, kind, quantity, reason, reference, created_at FROM stock_movements"
        " WHERE product_id = ? ORDER BY seq", (product_id,)
    )
    level = 0
    out: list[MovementRow] = []
    for r in rows:
        kind = MovementKind(r["kind"])
        level = apply(level, Movement(kind, r["quantity"]))
        out.append(MovementRow(r["seq"], r["id"], r["product_id"], kind, r["quantity"], r["reason"],
                               r["reference"], r["created_at"], level))
    return list(reversed(out))[:limit]


def has_dedupe_key(db: Database, dedupe_key: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM stock_movements WHERE dedupe_key = ?", (dedupe_key,)))
