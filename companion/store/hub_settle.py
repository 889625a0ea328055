"""The stock caches after a pulled batch, settled by what the batch added instead of by reading every touched
product's whole ledger again (which grew with the ledger: 14 % of a pull on a week of three laptops' sales).

An outlet's level is its newest count plus every movement after it, ordered by (created_at, id) (store/stock.py).
A movement new in this batch that is not a count therefore changes its outlet's level by its quantity exactly when
no count of that outlet lies after it, wherever it lands among the older rows: the caches (correct before the batch,
which is one transaction) get the sum of those quantities. The one question asked of the ledger per (product,
outlet) is the newest count after the batch's earliest new movement there, walking back from the newest row (the
index on (product, outlet, created_at, id)): an in-order batch walks only its own new rows; a batch landing
inside the older rows walks from there to the newest (an index on the counts alone would make that a lookup).

Counted again from the ledger instead (`stock.rebuild_levels`, per product): a product with a new count in the
batch, or with a movement that was not a plain new row — one replaced as "the same fact with other details", one
changed or deleted by a merge rule, one whose outlet the row did not say (an older laptop: the column's default).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from companion.domain.ledger import MovementKind
from companion.store import stock
from companion.store.database import Database

_NEWEST_COUNT = f"""
SELECT created_at, id FROM stock_movements
WHERE product_id = ? AND outlet_id = ? AND (created_at, id) > (?, ?) AND kind IN {stock.COUNT_KINDS}
ORDER BY created_at DESC, id DESC LIMIT 1
"""


@dataclass(frozen=True)
class NewMovement:
    """A movement row this batch inserted (it was not here before)."""

    product_id: str
    outlet_id: str
    created_at: str
    id: str
    quantity: int


def new_movement(row: dict[str, object]) -> NewMovement | None:
    """The row as a plain addition to its outlet, or None when it must be counted again (a count, no outlet named,
    a kind this version does not know)."""
    try:
        kind = MovementKind(str(row.get("kind")))
    except ValueError:
        return None
    if kind.is_count or row.get("outlet_id") is None or row.get("created_at") is None:
        return None
    quantity = row.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        return None
    return NewMovement(str(row["product_id"]), str(row["outlet_id"]), str(row["created_at"]), str(row["id"]),
                       quantity)


def settle(db: Database, added: Sequence[NewMovement], recount: Collection[str]) -> None:
    """Both caches brought level with the ledger after a batch: `recount` products from the ledger, the rest by
    adding what `added` changed (inside the caller's transaction, after every row of the batch is written)."""
    again = set(recount)
    if again:
        stock.rebuild_levels(db, sorted(again))
    pairs: dict[tuple[str, str], list[NewMovement]] = {}
    for m in added:
        if m.product_id not in again:
            pairs.setdefault((m.product_id, m.outlet_id), []).append(m)
    if not pairs:
        return
    outlet_delta = {pair: _delta(db, pair, moves) for pair, moves in pairs.items()}
    totals: dict[str, int] = {}
    for (product_id, _outlet), delta in outlet_delta.items():
        totals[product_id] = totals.get(product_id, 0) + delta
    db.executemany("INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand) VALUES (?, ?, ?)"
                   " ON CONFLICT(product_id, outlet_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
                   [(p, o, delta) for (p, o), delta in outlet_delta.items()])
    last = _last_seqs(db, [m.id for moves in pairs.values() for m in moves])
    db.executemany(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,"
        " last_seq = excluded.last_seq",
        [(p, delta, last[p]) for p, delta in totals.items()])


def _last_seqs(db: Database, ids: list[str]) -> dict[str, int]:
    """Each product's newest ledger seq: its newest row of this batch (rows are numbered as they are inserted), found
    by id (asking by product walks all its rows: v13 dropped the (product, seq) index)."""
    last: dict[str, int] = {}
    for part in stock.chunks(ids):
        for r in db.query("SELECT product_id, MAX(seq) FROM stock_movements"
                          f" WHERE id IN {stock.in_marks(part)} GROUP BY product_id", tuple(part)):
            last[str(r[0])] = max(int(r[1]), last.get(str(r[0]), 0))
    return last


def _delta(db: Database, pair: tuple[str, str], moves: list[NewMovement]) -> int:
    """What the new movements change the outlet's level by: those after the outlet's newest count."""
    first = min((m.created_at, m.id) for m in moves)
    count = db.one(_NEWEST_COUNT, (*pair, *first))
    if count is None:
        return sum(m.quantity for m in moves)
    after = (str(count[0]), str(count[1]))
    return sum(m.quantity for m in moves if (m.created_at, m.id) > after)
