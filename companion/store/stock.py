"""The stock ledger and its cached levels, per outlet and in total.

Movements are only ever inserted (triggers refuse updates and deletes); each belongs to one outlet of the shop.
An outlet's level = its last count (opening, stocktake) + every later movement of that outlet, "later" meaning
ordered by (created_at, id): the same on every laptop, whatever order the rows arrived in (each laptop's own
`seq` is not: ordering by it gave three laptops three levels after a merge). The shop's level = Σ outlets.

Two caches, updated in the same transaction as every insert and never synced: `stock_outlet_levels` (product,
outlet) and `stock_levels` (product, the total). A movement that lands before an outlet's latest movement (a
laptop whose clock was ahead, a back-dated fact) makes that outlet's level be computed again from the ledger;
`rebuild_levels` recomputes both caches (after a hub apply, a repair) and `verify_levels` lists any product
where a cache and the ledger disagree.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from companion.domain.clock import stamp
from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.ids import fact_id, new_id, new_ids
from companion.domain.ledger import Movement, MovementKind, apply
from companion.store.database import Database

COUNT_KINDS = "('opening', 'stocktake')"
# This laptop's outlet inside a statement (the one-row hub_state): a sale line needs no query of its own for it.
HERE = f"COALESCE((SELECT outlet_id FROM hub_state WHERE id = 1), '{MAIN_OUTLET}')"
# Does the outlet hold a movement after the row just inserted? Asked with bound values, the covering index answers
# it in microseconds; as a correlated subquery inside the INSERT's RETURNING SQLite scanned the whole ledger instead
# (63 ms a sale on the bench's 320,000-movement shop).
_LATER = ("SELECT EXISTS (SELECT 1 FROM stock_movements WHERE product_id = ? AND outlet_id = ?"
          " AND (created_at, id) > (?, ?))")


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
    level_after: int  # the shop's total after it (or the outlet's, when the history is of one outlet)
    outlet_id: str = MAIN_OUTLET


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
    outlet_id: str | None = None,
) -> int | None:
    """Append one movement and update both caches; returns the shop's new on-hand of the product.

    `outlet_id` None: this laptop's outlet (hub_state). `actor_id`: the cashier who did it. With a `dedupe_key`
    the movement's id is made from the key (`fact_id`), so the same outside fact recorded on two laptops is one
    row everywhere; a key already recorded writes nothing and returns None.
    """
    if dedupe_key is not None and has_dedupe_key(db, dedupe_key):
        return None
    values: dict[str, object] = {
        "id": fact_id(dedupe_key) if dedupe_key is not None else new_id(), "product_id": product_id,
        "kind": kind.value, "quantity": quantity, "reason": reason, "reference": reference,
        "dedupe_key": dedupe_key, "created_at": created_at or stamp()}
    if actor_id is not None:  # named only when given
        values["actor_id"] = actor_id
    if outlet_id is not None:
        values["outlet_id"] = outlet_id
    marks = ", ".join("?" * len(values)) + ("" if outlet_id is not None else f", {HERE}")
    names = ", ".join(values) + ("" if outlet_id is not None else ", outlet_id")
    row = db.execute(f"INSERT INTO stock_movements ({names}) VALUES ({marks}) RETURNING seq, outlet_id",
                     tuple(values.values())).fetchone()
    seq, outlet = int(row[0]), str(row[1])
    later = bool(db.scalar(_LATER, (product_id, outlet, values["created_at"], values["id"])))
    if later:  # it lands before the outlet's newest movement: count that outlet again
        _set_outlet(db, product_id, outlet, _ledger_level(db, product_id, outlet))
        return _total_from_outlets(db, product_id, seq)
    if kind.is_count:  # a count sets the outlet's level
        _set_outlet(db, product_id, outlet, apply(0, Movement(kind, quantity)))
        return _total_from_outlets(db, product_id, seq)
    # Any other movement adds to both: one statement each (no read first) on the counter's every sale line.
    db.execute(_ADD_OUTLET, (product_id, outlet, quantity))
    total = db.execute(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,"
        " last_seq = excluded.last_seq RETURNING on_hand",
        (product_id, quantity, seq),
    ).fetchone()
    return int(total[0])


# Before a sale's movements go in: the seq SQLite gives the next row, and which of the cart's products already
# hold a movement at or after the sale's moment at the outlet (a laptop whose clock was ahead): those are counted
# again from the ledger. ">=" where add_movement asks "(created_at, id) >": an equal moment also recounts, which
# is always right, only slower. One statement for any cart (json_each); each product an index seek.
_BEFORE_SALE = ("SELECT (SELECT COALESCE(MAX(seq), 0) FROM stock_movements),"
                " (SELECT json_group_array(j.value) FROM json_each(?) j WHERE EXISTS (SELECT 1 FROM stock_movements m"
                " WHERE m.product_id = j.value AND m.outlet_id = ? AND m.created_at >= ?))")
_ADD_OUTLET = ("INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand) VALUES (?, ?, ?)"
               " ON CONFLICT(product_id, outlet_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand")
_ADD_TOTAL = ("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
              " ON CONFLICT(product_id) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,"
              " last_seq = excluded.last_seq")


def add_counter_movements(db: Database, moves: Sequence[tuple[str, int]], kind: MovementKind, *, reference: str,
                          created_at: str, actor_id: str | None, outlet_id: str) -> None:
    """A counter sale's movements ((product, quantity) in line order, all of one outlet and moment) and both
    caches, as `add_movement` line by line would leave them, in a fixed number of statements (one prepared
    statement each, whatever the cart's size): one read, the movements, the outlet and total caches."""
    if kind.is_count:
        raise ValueError("a count sets a level: use add_movement")
    if not moves:
        return
    row = db.one(_BEFORE_SALE, (json.dumps(sorted({p for p, _q in moves})), outlet_id, created_at))
    assert row is not None
    seq, recount = int(row[0]), set(json.loads(row[1]))
    rows: list[tuple[object, ...]] = []
    added: dict[str, int] = {}
    last_seq: dict[str, int] = {}
    for (product_id, quantity), movement_id in zip(moves, new_ids(len(moves)), strict=True):
        seq += 1
        rows.append((seq, movement_id, product_id, kind.value, quantity, reference, created_at, actor_id, outlet_id))
        added[product_id] = added.get(product_id, 0) + quantity
        last_seq[product_id] = seq
    db.executemany("INSERT INTO stock_movements (seq, id, product_id, kind, quantity, reference, created_at,"
                   " actor_id, outlet_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for product_id in sorted(recount):
        _set_outlet(db, product_id, outlet_id, _ledger_level(db, product_id, outlet_id))
        _total_from_outlets(db, product_id, last_seq[product_id])
    db.executemany(_ADD_OUTLET, [(p, outlet_id, q) for p, q in added.items() if p not in recount])
    db.executemany(_ADD_TOTAL, [(p, q, last_seq[p]) for p, q in added.items() if p not in recount])


def _set_outlet(db: Database, product_id: str, outlet_id: str, level: int) -> None:
    db.execute("INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand) VALUES (?, ?, ?)"
               " ON CONFLICT(product_id, outlet_id) DO UPDATE SET on_hand = excluded.on_hand",
               (product_id, outlet_id, level))


def _total_from_outlets(db: Database, product_id: str, seq: int) -> int:
    """The product's total cache set to the sum of its outlets' (after one of them was set, not added to)."""
    row = db.execute(
        "INSERT INTO stock_levels (product_id, on_hand, last_seq) SELECT ?, COALESCE(SUM(on_hand), 0), ?"
        " FROM stock_outlet_levels WHERE product_id = ?"
        " ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, last_seq = excluded.last_seq"
        " RETURNING on_hand", (product_id, seq, product_id)).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class NewMovement:
    """One movement for `add_movements`; `outlet_id` None: this laptop's outlet."""

    product_id: str
    kind: MovementKind
    quantity: int
    reference: str | None = None
    dedupe_key: str | None = None
    outlet_id: str | None = None


CHUNK = 500  # bound parameters per IN (...) list: far below any SQLite build's limit


def chunks(values: Collection[str]) -> list[list[str]]:
    items = list(values)
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


def in_marks(values: Sequence[str]) -> str:
    return f"({','.join('?' * len(values))})"


def recorded_dedupe_keys(db: Database, keys: Collection[str]) -> set[str]:
    """Which of `keys` the ledger already holds: a page of orders asks once, not once per line."""
    found: set[str] = set()
    for part in chunks(keys):
        rows = db.query(f"SELECT dedupe_key FROM stock_movements WHERE dedupe_key IN {in_marks(part)}", tuple(part))
        found.update(str(r[0]) for r in rows)
    return found


def this_outlet(db: Database) -> str:
    """The outlet this laptop sells and counts in (hub_state); read once per action, not once per line."""
    return str(db.scalar(f"SELECT {HERE}"))


def add_movements(db: Database, movements: Sequence[NewMovement], created_at: str) -> list[int]:
    """Append movements in the given order (one statement) and set each cache row once; returns the shop's level
    of the product after each movement, as `add_movement` would have returned it one by one.

    Dedupe keys are not looked up here: the caller has checked them (`recorded_dedupe_keys`), and a key
    recorded twice still fails the unique index, rolling back the caller's whole transaction. A (product, outlet)
    that already holds a movement at or after `created_at`, or gets a count here, is counted again from the
    ledger afterwards (its levels returned here are then what the movements added, not that recount).
    """
    if not movements:
        return []
    here = this_outlet(db) if any(m.outlet_id is None for m in movements) else MAIN_OUTLET
    placed = [(m, m.outlet_id or here) for m in movements]
    pairs = {(m.product_id, outlet) for m, outlet in placed}
    recount = _reached(db, pairs, created_at) | {(m.product_id, o) for m, o in placed if m.kind.is_count}
    totals = cached_levels(db, {m.product_id for m in movements})
    outlets = _cached_outlet_levels(db, pairs)
    seq = int(db.scalar("SELECT COALESCE(MAX(seq), 0) FROM stock_movements"))  # what SQLite gives the next row
    fresh = iter(new_ids(sum(1 for m in movements if m.dedupe_key is None)))
    rows, after, last_seq = [], [], {}
    for m, outlet in placed:
        seq += 1
        before = outlets.get((m.product_id, outlet), 0)
        outlets[(m.product_id, outlet)] = apply(before, Movement(m.kind, m.quantity))
        totals[m.product_id] = totals.get(m.product_id, 0) + outlets[(m.product_id, outlet)] - before
        last_seq[m.product_id] = seq
        after.append(totals[m.product_id])
        movement_id = fact_id(m.dedupe_key) if m.dedupe_key is not None else next(fresh)
        rows.append((seq, movement_id, m.product_id, m.kind.value, m.quantity, None, m.reference, m.dedupe_key,
                     created_at, outlet))
    db.executemany(
        "INSERT INTO stock_movements (seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at,"
        " outlet_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for product_id, outlet in recount:
        outlets[(product_id, outlet)] = _ledger_level(db, product_id, outlet)
    db.executemany("INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand) VALUES (?, ?, ?)"
                   " ON CONFLICT(product_id, outlet_id) DO UPDATE SET on_hand = excluded.on_hand",
                   [(p, o, level) for (p, o), level in outlets.items()])
    recounted = {p for p, _o in recount}
    for product_id in recounted:
        _total_from_outlets(db, product_id, last_seq[product_id])
    db.executemany("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)"
                   " ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, last_seq = excluded.last_seq",
                   [(p, totals[p], seq_of) for p, seq_of in last_seq.items() if p not in recounted])
    return after


def _reached(db: Database, pairs: Collection[tuple[str, str]], created_at: str) -> set[tuple[str, str]]:
    """The (product, outlet) pairs already holding a movement at or after `created_at`."""
    found: set[tuple[str, str]] = set()
    for part in chunks({p for p, _o in pairs}):
        rows = db.query("SELECT DISTINCT product_id, outlet_id FROM stock_movements"
                        f" WHERE product_id IN {in_marks(part)} AND created_at >= ?", (*part, created_at))
        found.update((str(r[0]), str(r[1])) for r in rows)
    return found & set(pairs)


def _cached_outlet_levels(db: Database, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
    levels: dict[tuple[str, str], int] = {}
    for part in chunks({p for p, _o in pairs}):
        rows = db.query(f"SELECT product_id, outlet_id, on_hand FROM stock_outlet_levels WHERE product_id IN"
                        f" {in_marks(part)}", tuple(part))
        levels.update(((str(r[0]), str(r[1])), int(r[2])) for r in rows)
    return {pair: level for pair, level in levels.items() if pair in pairs}


def cached_levels(db: Database, product_ids: Collection[str]) -> dict[str, int]:
    """The cached on-hand of the products that have one (a product never moved has no row: 0)."""
    levels: dict[str, int] = {}
    for part in chunks(product_ids):
        rows = db.query(f"SELECT product_id, on_hand FROM stock_levels WHERE product_id IN {in_marks(part)}",
                        tuple(part))
        levels.update((str(r[0]), int(r[1])) for r in rows)
    return levels


def on_hand(db: Database, product_id: str) -> int:
    """The shop's whole stock of a product (every outlet)."""
    return int(db.scalar("SELECT on_hand FROM stock_levels WHERE product_id = ?", (product_id,)) or 0)


def outlet_levels(db: Database, product_id: str) -> dict[str, int]:
    """The product's cached level at each outlet that ever held a movement of it."""
    rows = db.query("SELECT outlet_id, on_hand FROM stock_outlet_levels WHERE product_id = ? ORDER BY outlet_id",
                    (product_id,))
    return {str(r[0]): int(r[1]) for r in rows}


# Per (product, outlet): walking from the newest movement back, `counts_from_here` counts the counts met so far;
# the level is the newest count (the row where it becomes 1) plus everything newer (where it is still 0).
_LEDGER = f"""
SELECT product_id, outlet_id, MAX(seq) AS last_seq,
       SUM(CASE WHEN counts_from_here = 0 OR (counts_from_here = 1 AND kind IN {COUNT_KINDS})
                THEN quantity ELSE 0 END) AS level
FROM (SELECT product_id, outlet_id, kind, quantity, seq,
             SUM(kind IN {COUNT_KINDS}) OVER (PARTITION BY product_id, outlet_id ORDER BY created_at DESC, id DESC
                                              ROWS UNBOUNDED PRECEDING) AS counts_from_here
      FROM stock_movements {{where}})
GROUP BY product_id, outlet_id
"""


def ledger_levels(db: Database, product_ids: Collection[str] | None = None) -> dict[tuple[str, str], tuple[int, int]]:
    """(product, outlet) → (level, last seq) straight from the ledger, for some products or all."""
    if product_ids is None:
        rows = db.query(_LEDGER.format(where=""))
    else:
        rows = []
        for part in chunks(product_ids):
            rows += db.query(_LEDGER.format(where=f"WHERE product_id IN {in_marks(part)}"), tuple(part))
    return {(str(r["product_id"]), str(r["outlet_id"])): (int(r["level"]), int(r["last_seq"])) for r in rows}


_PAIR_LEDGER = f"""
SELECT SUM(CASE WHEN counts_from_here = 0 OR (counts_from_here = 1 AND kind IN {COUNT_KINDS})
                THEN quantity ELSE 0 END)
FROM (SELECT kind, quantity,
             SUM(kind IN {COUNT_KINDS}) OVER (ORDER BY created_at DESC, id DESC ROWS UNBOUNDED PRECEDING)
             AS counts_from_here
      FROM stock_movements WHERE product_id = ? AND outlet_id = ?)
"""


def _ledger_level(db: Database, product_id: str, outlet_id: str) -> int:
    """One outlet's level of one product straight from the ledger."""
    return int(db.scalar(_PAIR_LEDGER, (product_id, outlet_id)) or 0)


def ledger_on_hand(db: Database, product_id: str) -> int:
    """The shop's on-hand straight from the ledger: per outlet the last count plus every later movement, summed."""
    return sum(level for level, _seq in ledger_levels(db, [product_id]).values())


def verify_levels(db: Database) -> list[tuple[str, int, int]]:
    """(product id, cached total, ledger total) for every product whose total or outlet cache disagrees with
    its ledger."""
    ledger = ledger_levels(db)
    cached_outlets = {(str(r[0]), str(r[1])): int(r[2])
                      for r in db.query("SELECT product_id, outlet_id, on_hand FROM stock_outlet_levels")}
    cached_totals = {str(r[0]): int(r[1]) for r in db.query("SELECT product_id, on_hand FROM stock_levels")}
    totals: dict[str, int] = {}
    for (product_id, _outlet), (level, _seq) in ledger.items():
        totals[product_id] = totals.get(product_id, 0) + level
    wrong = {p for p in totals.keys() | cached_totals.keys() if totals.get(p, 0) != cached_totals.get(p, 0)}
    wrong |= {p for p, o in ledger.keys() | cached_outlets.keys()
              if ledger.get((p, o), (0, 0))[0] != cached_outlets.get((p, o), 0)}
    return [(p, cached_totals.get(p, 0), totals.get(p, 0)) for p in sorted(wrong)]


def rebuild_levels(db: Database, product_ids: Collection[str] | None = None) -> int:
    """Recompute both caches from the ledger (of some products, or all) in one transaction (the caller's, when
    inside one: a hub apply rebuilds the products it touched); returns the products covered."""
    with db.write():
        ledger = ledger_levels(db, product_ids)
        if product_ids is None:
            db.execute("DELETE FROM stock_levels")
            db.execute("DELETE FROM stock_outlet_levels")
        else:
            for part in chunks(product_ids):
                db.execute(f"DELETE FROM stock_levels WHERE product_id IN {in_marks(part)}", tuple(part))
                db.execute(f"DELETE FROM stock_outlet_levels WHERE product_id IN {in_marks(part)}", tuple(part))
        totals: dict[str, tuple[int, int]] = {}
        for (product_id, _outlet), (level, seq) in ledger.items():
            total, last = totals.get(product_id, (0, 0))
            totals[product_id] = (total + level, max(last, seq))
        db.executemany("INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand) VALUES (?, ?, ?)",
                       [(p, o, level) for (p, o), (level, _seq) in ledger.items()])
        db.executemany("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)",
                       [(p, total, last) for p, (total, last) in totals.items()])
        return len(totals)


def history(db: Database, product_id: str, limit: int = 500, outlet_id: str | None = None) -> list[MovementRow]:
    """The newest movements of one product (of one outlet, when given), each with the level it left behind:
    the shop's total, or that outlet's. In (created_at, id) order, as the levels are counted."""
    where, params = ("product_id = ? AND outlet_id = ?", (product_id, outlet_id)) if outlet_id is not None \
        else ("product_id = ?", (product_id,))
    rows = db.query("SELECT seq, id, product_id, kind, quantity, reason, reference, created_at, outlet_id"
                    f" FROM stock_movements WHERE {where} ORDER BY created_at, id", params)
    levels: dict[str, int] = {}
    out: list[MovementRow] = []
    for r in rows:
        kind = MovementKind(r["kind"])
        levels[r["outlet_id"]] = apply(levels.get(r["outlet_id"], 0), Movement(kind, r["quantity"]))
        out.append(MovementRow(r["seq"], r["id"], r["product_id"], kind, r["quantity"], r["reason"],
                               r["reference"], r["created_at"], sum(levels.values()), r["outlet_id"]))
    return list(reversed(out))[:limit]


def has_dedupe_key(db: Database, dedupe_key: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM stock_movements WHERE dedupe_key = ?", (dedupe_key,)))
