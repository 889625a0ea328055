"""The stock ledger and its cached levels.

Movements are only ever inserted (triggers refuse updates and deletes). `stock_levels` caches
each product's on-hand and is updated in the same transaction as every insert; `rebuild_levels`
recomputes it from the ledger and `verify_levels` lists any product where the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.clock import stamp
from companion.domain.ids import new_id
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
) -> int | None:
    """Append one movement and update the cache; returns the new on-hand.

    With a `dedupe_key` already recorded, nothing is written and None is returned: applying the
    same outside fact twice changes nothing.
    """
    if dedupe_key is not None and db.scalar("SELECT 1 FROM stock_movements WHERE dedupe_key = ?", (dedupe_key,)):
        return None
    cur = db.execute(
        "INSERT INTO stock_movements (id, product_id, kind, quantity, reason, reference, dedupe_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), product_id, kind.value, quantity, reason, reference, dedupe_key,
         created_at or stamp()),
    )
    seq = cur.lastrowid
    before = db.scalar("SELECT on_hand FROM stock_levels WHERE product_id = ?", (product_id,))
    level = apply(int(before or 0), Movement(kind, quantity))
    db.execute(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, last_seq = excluded.last_seq",
        (product_id, level, seq),
    )
    return level


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
