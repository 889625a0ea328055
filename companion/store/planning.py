"""Planning data: how products are replenished, their recipes, production batches, and sales history per shop day.

Read by the GUI with `ctx.db`; written only through services/planning.py (the insert/update helpers at the end).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from companion.domain.availability import STOCK_TAKING_STATUSES, PlannedBatch
from companion.domain.clock import DEFAULT_ZONE, day_range, local_day, parse_stamp
from companion.store.database import Database

UNSHIPPED_TAKEN = ("paid", "ready_to_ship")  # in the ledger already, still to be handed to the courier
UNSHIPPED_RESERVING = ("unpaid",)  # not in the ledger yet, but the buyer is waiting for these units


@dataclass(frozen=True)
class ReplenishmentRow:
    product_id: str
    kind: str  # "bought" | "made"
    supplier: str
    lead_time_days: int
    capacity_per_day: int | None
    min_batch: int
    made_to_order: bool
    shop_buffer: int
    updated_at: str


@dataclass(frozen=True)
class RecipeLineRow:
    product_id: str
    material_id: str
    material_sku: str
    material_name: str
    material_unit: str
    quantity_per_unit: float
    material_on_hand: int


@dataclass(frozen=True)
class BatchRow:
    id: str
    product_id: str
    product_sku: str
    product_name: str
    unit: str
    quantity: int
    status: str  # "planned" | "done" | "cancelled"
    planned_for: date
    finishes_at: str  # UTC stamp
    done_at: str | None
    cancelled_at: str | None
    created_at: str


def _replenishment(r: sqlite3.Row) -> ReplenishmentRow:
    return ReplenishmentRow(r["product_id"], r["kind"], r["supplier"], r["lead_time_days"], r["capacity_per_day"],
                            r["min_batch"], bool(r["made_to_order"]), r["shop_buffer"], r["updated_at"])


def replenishment(db: Database, product_id: str) -> ReplenishmentRow | None:
    r = db.one("SELECT * FROM replenishment WHERE product_id = ?", (product_id,))
    return _replenishment(r) if r else None


def all_replenishment(db: Database) -> dict[str, ReplenishmentRow]:
    """Every product that has a way of coming back set, by product id (active products only)."""
    rows = db.query("SELECT r.* FROM replenishment r JOIN products p ON p.id = r.product_id WHERE p.active = 1")
    return {r["product_id"]: _replenishment(r) for r in rows}


def recipe(db: Database, product_id: str) -> list[RecipeLineRow]:
    rows = db.query(
        "SELECT r.product_id, r.material_id, p.sku, p.name, p.unit, r.quantity_per_unit,"
        " COALESCE(l.on_hand, 0) AS on_hand FROM recipe_lines r JOIN products p ON p.id = r.material_id"
        " LEFT JOIN stock_levels l ON l.product_id = r.material_id WHERE r.product_id = ? ORDER BY p.name",
        (product_id,))
    return [RecipeLineRow(r["product_id"], r["material_id"], r["sku"], r["name"], r["unit"],
                          float(r["quantity_per_unit"]), int(r["on_hand"])) for r in rows]


_BATCH_SELECT = ("SELECT b.*, p.sku, p.name, p.unit FROM production_batches b"
                 " JOIN products p ON p.id = b.product_id")


def _batch(r: sqlite3.Row) -> BatchRow:
    return BatchRow(r["id"], r["product_id"], r["sku"], r["name"], r["unit"], r["quantity"], r["status"],
                    date.fromisoformat(r["planned_for"]), r["finishes_at"], r["done_at"], r["cancelled_at"],
                    r["created_at"])


def batches(db: Database, status: str | None = None, product_id: str | None = None) -> list[BatchRow]:
    """Batches by planned day (earliest first), optionally of one status and/or one product."""
    where, params = ["1 = 1"], []
    if status is not None:
        where.append("b.status = ?")
        params.append(status)
    if product_id is not None:
        where.append("b.product_id = ?")
        params.append(product_id)
    rows = db.query(_BATCH_SELECT + f" WHERE {' AND '.join(where)} ORDER BY b.planned_for, b.created_at",
                    tuple(params))
    return [_batch(r) for r in rows]


def batch(db: Database, batch_id: str) -> BatchRow | None:
    r = db.one(_BATCH_SELECT + " WHERE b.id = ?", (batch_id,))
    return _batch(r) if r else None


def planned_quantities(db: Database) -> dict[str, int]:
    """Units in planned (not yet done) batches, per product."""
    rows = db.query("SELECT product_id, SUM(quantity) AS q FROM production_batches WHERE status = 'planned'"
                    " GROUP BY product_id")
    return {r["product_id"]: int(r["q"]) for r in rows}


def planned_on_day(db: Database, product_id: str, day: date) -> int:
    """Units already planned for one product on one day (to keep within its capacity)."""
    return int(db.scalar("SELECT COALESCE(SUM(quantity), 0) FROM production_batches WHERE status = 'planned'"
                         " AND product_id = ? AND planned_for = ?", (product_id, day.isoformat())) or 0)


@dataclass(frozen=True)
class PromiseInputs:
    """What available-to-promise needs beyond on hand and reserved, for one product."""

    shop_buffer: int = 0
    made_to_order: bool = False
    planned: tuple[PlannedBatch, ...] = ()


def promise_inputs(db: Database, product_ids: Sequence[str]) -> dict[str, PromiseInputs]:
    """Shop buffer, made-to-order flag and planned batches per product; products without a row are left out."""
    if not product_ids:
        return {}
    marks = ",".join("?" * len(product_ids))
    reps = db.query(f"SELECT product_id, shop_buffer, made_to_order FROM replenishment"
                    f" WHERE product_id IN ({marks})", tuple(product_ids))
    planned: dict[str, list[PlannedBatch]] = {}
    for r in db.query(f"SELECT product_id, quantity, finishes_at FROM production_batches WHERE status = 'planned'"
                      f" AND product_id IN ({marks})", tuple(product_ids)):
        planned.setdefault(r["product_id"], []).append(PlannedBatch(r["quantity"], parse_stamp(r["finishes_at"])))
    return {r["product_id"]: PromiseInputs(r["shop_buffer"], bool(r["made_to_order"]),
                                           tuple(planned.get(r["product_id"], ())))
            for r in reps}


def sales_history(db: Database, product_id: str, since: date, zone: str = DEFAULT_ZONE) -> list[tuple[date, int]]:
    """Units sold per shop day from `since` on: counter sales (less voids and returns) plus online orders."""
    return sales_histories(db, [product_id], since, zone).get(product_id, [])


def sales_histories(db: Database, product_ids: Sequence[str] | None, since: date,
                    zone: str = DEFAULT_ZONE, until: date | None = None) -> dict[str, list[tuple[date, int]]]:
    """`sales_history` for many products at once (all when `product_ids` is None), oldest day first; with
    `until`, only the shop days before it."""
    start, _ = day_range(since, zone)
    only, params = "", [start]
    if until is not None:
        only = " AND {at} < ?"
        params.append(day_range(until, zone)[0])
    if product_ids is not None:
        if not product_ids:
            return {}
        only += f" AND {{col}} IN ({','.join('?' * len(product_ids))})"
        params += list(product_ids)
    statuses = ",".join(f"'{s}'" for s in sorted(STOCK_TAKING_STATUSES))
    sql = (
        "SELECT l.product_id AS pid, s.created_at AS at, l.quantity AS q FROM sale_lines l"
        " JOIN sales s ON s.id = l.sale_id WHERE s.created_at >= ?"
        " AND NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"
        + only.format(at="s.created_at", col="l.product_id")
        + " UNION ALL SELECT l.product_id, r.created_at, -rl.quantity FROM sale_return_lines rl"
        " JOIN sale_returns r ON r.id = rl.return_id JOIN sale_lines l ON l.id = rl.sale_line_id"
        " WHERE r.created_at >= ?" + only.format(at="r.created_at", col="l.product_id")
        + " UNION ALL SELECT l.product_id, o.created_at, l.quantity - l.cancelled_quantity FROM online_order_lines l"
        f" JOIN online_orders o ON o.id = l.order_id WHERE o.status IN ({statuses}) AND o.created_at >= ?"
        " AND l.product_id IS NOT NULL" + only.format(at="o.created_at", col="l.product_id")
    )
    totals: dict[str, dict[date, int]] = {}
    for r in db.conn.execute(sql, tuple(params * 3)):  # streamed: a big shop has 100 000s of lines in 400 days
        day = local_day(datetime.fromisoformat(r["at"]), zone)
        per_day = totals.setdefault(r["pid"], {})
        per_day[day] = per_day.get(day, 0) + int(r["q"])
    return {pid: sorted(days.items()) for pid, days in totals.items()}


LIVE = "(l.quantity - l.cancelled_quantity)"  # a line's units still ordered (a partial cancellation gives some back)


def unshipped_needs(db: Database) -> dict[str, tuple[int, int]]:
    """Per product: (units of paid orders not shipped yet, units of unpaid orders) — what buyers still wait for."""
    taken = ",".join(f"'{s}'" for s in UNSHIPPED_TAKEN)
    reserving = ",".join(f"'{s}'" for s in UNSHIPPED_RESERVING)
    rows = db.query(
        f"SELECT l.product_id, SUM(CASE WHEN o.status IN ({taken}) AND o.stock_taken = 1 THEN {LIVE} ELSE 0"
        f" END) AS taken, SUM(CASE WHEN o.status IN ({reserving}) THEN {LIVE} ELSE 0 END) AS reserving"
        f" FROM online_order_lines l JOIN online_orders o ON o.id = l.order_id"
        f" WHERE l.product_id IS NOT NULL AND o.status IN ({taken}, {reserving}) GROUP BY l.product_id")
    return {r["product_id"]: (int(r["taken"]), int(r["reserving"])) for r in rows}


# Writes: only services/planning.py calls these, inside its transaction.

def put_replenishment(db: Database, values: dict[str, object]) -> None:
    cols = ", ".join(values)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "product_id")
    db.execute(f"INSERT INTO replenishment ({cols}) VALUES ({', '.join(':' + k for k in values)})"
               f" ON CONFLICT(product_id) DO UPDATE SET {updates}", values)


def replace_recipe(db: Database, product_id: str, lines: Sequence[tuple[str, float]]) -> None:
    db.execute("DELETE FROM recipe_lines WHERE product_id = ?", (product_id,))
    for material_id, per_unit in lines:
        db.execute("INSERT INTO recipe_lines (product_id, material_id, quantity_per_unit) VALUES (?, ?, ?)",
                   (product_id, material_id, per_unit))


def insert_batch(db: Database, values: dict[str, object]) -> None:
    cols = ", ".join(values)
    db.execute(f"INSERT INTO production_batches ({cols}) VALUES ({', '.join(':' + k for k in values)})", values)


def set_batch_status(db: Database, batch_id: str, status: str, at: str) -> bool:
    """planned → done/cancelled; False when the batch was no longer planned (someone else got there first)."""
    column = "done_at" if status == "done" else "cancelled_at"
    cur = db.execute(f"UPDATE production_batches SET status = ?, {column} = ? WHERE id = ? AND status = 'planned'",
                     (status, at, batch_id))
    return cur.rowcount == 1

