"""Planning actions: how a product comes back, its recipe, production batches, channel allocation; the make list
and stock alerts.

Finishing a batch writes its ledger movements with dedupe keys `batch:<id>:…`, so finished goods are added and
materials consumed exactly once, even if two windows press "Selesai" at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from math import ceil, isfinite

from companion.domain.availability import available_to_promise
from companion.domain.clock import local_day, now_utc, shop_zone, stamp
from companion.domain.demand import (
    KINDS,
    PlanLine,
    Replenishment,
    make_list,
    season_history_days,
    season_warnings,
)
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import MAX_QUANTITY, check_quantity
from companion.domain.settings_keys import LOW_STOCK_THRESHOLD, TIME_ZONE
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import planning as planning_store
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store import stock as stock_store
from companion.store.database import Database

HISTORY_DAYS = 60  # the make list looks back this far (velocity itself uses the last 28 days)
MAX_LEAD_DAYS = 365
MAX_SHIP_WINDOW_DAYS = 30
DEFAULT_SHIP_WINDOW_DAYS = 2
PRODUCTION_REASON = "production"

GONE = N_("This product no longer exists: close the window and search again.")
BATCH_GONE = N_("This production batch no longer exists: open the plan again.")
ALREADY_DONE = N_("This batch is already finished and its stock was added once: there is nothing more to do.")
CANCELLED = N_("This batch was cancelled, so it cannot be finished: plan a new batch instead.")

LOW_STOCK = N_("Only {on_hand} {unit} of {name} left: make or buy more soon.")
CANNOT_FULFIL = N_("Buyers are waiting for {need} {unit} of {name} but only {can} {unit} can be handed over in "
                   "time: make more or contact the buyers.")


@dataclass(frozen=True)
class StockAlert:
    """One line for the Beranda checklist; the GUI shows tr(msgid, **params) with dates formatted for people."""

    kind: str  # "cannot_fulfil" | "low_stock" | "season"
    product_id: str
    product_name: str
    msgid: str
    params: dict[str, object]


def _zone(db: Database) -> str:
    return settings_store.get(db, TIME_ZONE)


def _product(db: Database, product_id: str) -> product_store.ProductRow:
    product = product_store.get(db, product_id)
    if product is None:
        raise NotFound(GONE)
    return product


def set_replenishment(db: Database, product_id: str, kind: str, lead_time_days: int,
                      capacity_per_day: int | None = None, min_batch: int = 1, made_to_order: bool = False,
                      shop_buffer: int = 0, supplier: str = "") -> Change:
    """How a product comes back; its online stock follows (the shop buffer and made-to-order change it)."""
    _check_replenishment(kind, lead_time_days, capacity_per_day, min_batch, made_to_order, shop_buffer)
    values: dict[str, object] = {
        "product_id": product_id, "kind": kind, "supplier": supplier.strip()[:200], "lead_time_days": lead_time_days,
        "capacity_per_day": capacity_per_day if kind == "made" else None, "min_batch": min_batch,
        "made_to_order": int(made_to_order), "shop_buffer": shop_buffer, "updated_at": stamp()}
    with db.write():
        _product(db, product_id)
        planning_store.put_replenishment(db, values)
        queue_stock_push(db, [product_id], f"replenishment:{new_id()}")
    return Change(products=frozenset({product_id}))


def _check_replenishment(kind: str, lead_time_days: int, capacity_per_day: int | None, min_batch: int,
                         made_to_order: bool, shop_buffer: int) -> None:
    if kind not in KINDS:
        raise UserError(N_("Choose whether this product is bought or made."))
    if not 0 <= lead_time_days <= MAX_LEAD_DAYS:
        raise UserError(N_("The lead time must be between 0 and 365 days."))
    if not 1 <= min_batch <= MAX_QUANTITY:
        raise UserError(N_("The smallest batch must be at least 1 unit."))
    if kind == "made" and (capacity_per_day is None or capacity_per_day <= 0):
        raise UserError(N_("Type how many units you can make in one day: it must be more than zero."))
    if kind == "made" and capacity_per_day is not None and capacity_per_day > MAX_QUANTITY:
        raise UserError(N_("{field} is too large: the most allowed is 100.000."), field=N_("Capacity per day"))
    if kind == "made" and capacity_per_day is not None and capacity_per_day < min_batch:
        raise UserError(N_("The capacity per day is smaller than the smallest batch: raise the capacity or "
                           "lower the batch."))
    if made_to_order and kind != "made":
        raise UserError(N_("Only products you make can be made to order: choose \"made\" first."))
    check_quantity(shop_buffer, N_("Shop buffer"), allow_zero=True)


def set_recipe(db: Database, product_id: str, lines: list[tuple[str, float]]) -> Change:
    """The materials one unit uses (replacing the old recipe); an empty list removes the recipe."""
    seen: set[str] = set()
    for material_id, per_unit in lines:
        if material_id == product_id:
            raise UserError(N_("A product cannot be a material of itself: choose another material."))
        if material_id in seen:
            raise UserError(N_("A material is listed twice: put its whole amount on one line."))
        if not isfinite(per_unit) or not 0 < per_unit <= MAX_QUANTITY:
            raise UserError(N_("The amount of each material per unit must be more than zero."))
        seen.add(material_id)
    with db.write():
        _product(db, product_id)
        for material_id, _ in lines:
            material = product_store.get(db, material_id)
            if material is None:
                raise NotFound(N_("A material no longer exists: choose the materials again."))
            if any(line.material_id == product_id for line in planning_store.recipe(db, material_id)):
                raise UserError(N_("{material} is made from this product, so it cannot also be one of its "
                                   "materials: choose another material."), material=material.display_name)
        planning_store.replace_recipe(db, product_id, [(m, float(q)) for m, q in lines])
    return Change(products=frozenset({product_id}))


def finishes_at(planned_for: date, lead_time_days: int, zone: str) -> datetime:
    """A batch made on `planned_for` is ready at the end of that shop day plus its lead time."""
    end_day = planned_for + timedelta(days=lead_time_days + 1)
    return datetime.combine(end_day, time.min, tzinfo=shop_zone(zone))


def plan_batch(db: Database, product_id: str, quantity: int, planned_for: date,
               finishes: datetime | None = None) -> tuple[str, Change]:
    """Plan making `quantity` on `planned_for`, within the product's capacity that day."""
    check_quantity(quantity)
    if finishes is not None and (finishes.tzinfo is None or finishes.utcoffset() is None):
        raise ValueError(f"finishes must be timezone-aware, got {finishes!r}")
    batch_id = new_id()
    with db.write():
        product, zone = _product(db, product_id), _zone(db)
        if planned_for < local_day(now_utc(), zone):
            raise UserError(N_("That day is already over: plan the batch for today or a later day."))
        rep = planning_store.replenishment(db, product_id)
        if rep is not None and rep.kind != "made":
            raise UserError(N_("{name} is bought, not made: set it to \"made\" before planning a batch."),
                            name=product.display_name)
        if rep is not None and rep.capacity_per_day is not None:
            already = planning_store.planned_on_day(db, product_id, planned_for)
            if already + quantity > rep.capacity_per_day:
                raise UserError(N_("You can make {capacity} {unit} a day and {planned} are already planned for that "
                                   "day: plan fewer or spread them over more days."),
                                capacity=rep.capacity_per_day, unit=product.unit, planned=already)
        ready = finishes or finishes_at(planned_for, rep.lead_time_days if rep else 0, zone)
        planning_store.insert_batch(db, {
            "id": batch_id, "product_id": product_id, "quantity": quantity, "status": "planned",
            "planned_for": planned_for.isoformat(), "finishes_at": stamp(ready), "created_at": stamp()})
        queue_stock_push(db, [product_id], f"batch:{batch_id}:planned")
    return batch_id, Change(products=frozenset({product_id}))


def material_use(quantity: int, per_unit: float) -> int:
    """Whole units of a material a batch uses: rounded up, computed exactly (0.1 × 30 is 3, not 4)."""
    return ceil(Fraction(repr(float(per_unit))) * quantity)


def finish_batch(db: Database, batch_id: str) -> Change:
    """Add the finished goods and consume the materials through the ledger, exactly once."""
    touched: set[str] = set()
    with db.write():
        batch = planning_store.batch(db, batch_id)
        if batch is None:
            raise NotFound(BATCH_GONE)
        if batch.status == "cancelled":
            raise UserError(CANCELLED)
        if batch.status == "done" or not planning_store.set_batch_status(db, batch_id, "done", stamp()):
            raise UserError(ALREADY_DONE)
        reference = f"batch:{batch_id}"
        added = stock_store.add_movement(db, batch.product_id, MovementKind.PRODUCTION, batch.quantity,
                                         reason=PRODUCTION_REASON, reference=reference,
                                         dedupe_key=f"{reference}:product")
        if added is None:  # the ledger already has this batch: refuse rather than consume materials again
            raise UserError(ALREADY_DONE)
        touched.add(batch.product_id)
        for line in planning_store.recipe(db, batch.product_id):
            stock_store.add_movement(db, line.material_id, MovementKind.ADJUSTMENT,
                                     -material_use(batch.quantity, line.quantity_per_unit),
                                     reason=PRODUCTION_REASON, reference=reference,
                                     dedupe_key=f"{reference}:material:{line.material_id}")
            touched.add(line.material_id)
        queue_stock_push(db, touched, f"{reference}:done")
    return Change(products=frozenset(touched))


def cancel_batch(db: Database, batch_id: str) -> Change:
    """A planned batch that will not be made; it no longer counts as coming stock."""
    with db.write():
        batch = planning_store.batch(db, batch_id)
        if batch is None:
            raise NotFound(BATCH_GONE)
        if batch.status == "done":
            raise UserError(N_("This batch is already finished, so it cannot be cancelled: correct the stock with "
                               "an adjustment instead."))
        if batch.status == "cancelled" or not planning_store.set_batch_status(db, batch_id, "cancelled", stamp()):
            raise UserError(N_("This batch is already cancelled: there is nothing more to do."))
        queue_stock_push(db, [batch.product_id], f"batch:{batch_id}:cancelled")
    return Change(products=frozenset({batch.product_id}))


def set_allocation(db: Database, account_id: str, keep_last_units: int, ship_window_days: int) -> Change:
    """Per online shop: the last units kept for the counter, and how far ahead planned production may be sold."""
    check_quantity(keep_last_units, N_("Units kept for the shop"), allow_zero=True)
    if not 0 <= ship_window_days <= MAX_SHIP_WINDOW_DAYS:
        raise UserError(N_("The ship window must be between 0 and 30 days."))
    with db.write():
        if account_store.get(db, account_id) is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        account_store.update(db, account_id, {"keep_last_units": keep_last_units,
                                              "ship_window_days": ship_window_days})
        products = {x.product_id for x in listing_store.mapped_for_products(db, account_id, None) if x.product_id}
        queue_stock_push(db, products, f"allocation:{new_id()}")
    return Change(sync=True)


def make_plan(db: Database, today: date, cover_days: int = 14) -> list[PlanLine]:
    """What to make or buy, how much and by when, for every product whose way of coming back is set."""
    reps = planning_store.all_replenishment(db)
    if not reps:
        return []
    histories = planning_store.sales_histories(db, sorted(reps), today - timedelta(days=HISTORY_DAYS), _zone(db))
    planned = planning_store.planned_quantities(db)
    units = {p.id: p.unit for p in product_store.all_products(db)}
    items = [(pid, stock_store.on_hand(db, pid), histories.get(pid, []),
              Replenishment(rep.kind, rep.lead_time_days, rep.capacity_per_day if rep.kind == "made" else None,
                            rep.min_batch), planned.get(pid, 0))
             for pid, rep in sorted(reps.items())]
    return [PlanLine(line.product_id, line.action, line.quantity, line.by, line.reason_msgid,
                     {**line.params, "unit": units.get(line.product_id, "pcs")})
            for line in make_list(items, today, cover_days)]


def stock_alerts(db: Database, today: date) -> list[StockAlert]:
    """Cannot fulfil first (buyers are already waiting), then low stock, then season warnings."""
    products = {p.id: p for p in product_store.all_products(db, active_only=True)}
    return (_cannot_fulfil(db, products) + _low_stock(db, products)
            + _season(db, products, today))


def _low_stock(db: Database, products: dict[str, product_store.ProductRow]) -> list[StockAlert]:
    threshold = settings_store.get(db, LOW_STOCK_THRESHOLD)
    return [StockAlert("low_stock", p.id, p.display_name, LOW_STOCK,
                       {"on_hand": p.on_hand, "unit": p.unit, "name": p.display_name})
            for p in product_store.low_stock(db, threshold, limit=len(products) + 1) if p.id in products]


def _cannot_fulfil(db: Database, products: dict[str, product_store.ProductRow]) -> list[StockAlert]:
    needs = planning_store.unshipped_needs(db)
    inputs = planning_store.promise_inputs(db, sorted(needs))
    windows = [a.ship_window_days for a in account_store.active(db)] or [DEFAULT_SHIP_WINDOW_DAYS]
    ship_by = now_utc() + timedelta(days=max(windows))
    alerts: list[StockAlert] = []
    for pid, (taken, reserving) in sorted(needs.items()):
        product = products.get(pid)
        if product is None:
            continue
        extra = inputs.get(pid, planning_store.PromiseInputs())
        # Paid orders already left the ledger but are still on the shelf: add them back, then hand them over.
        can = available_to_promise(product.on_hand + taken, 0, 0, extra.made_to_order, extra.planned, ship_by)
        need = taken + reserving
        if can < need:
            alerts.append(StockAlert("cannot_fulfil", pid, product.display_name, CANNOT_FULFIL,
                                     {"need": need, "can": can, "unit": product.unit, "name": product.display_name}))
    return alerts


def _season(db: Database, products: dict[str, product_store.ProductRow], today: date) -> list[StockAlert]:
    days = season_history_days(today)
    if days is None:  # no season near: nothing to read
        return []
    # Exactly last year's days: a fixed 400 days back cut off the start of 12.12's baseline after mid-November.
    histories = planning_store.sales_histories(db, None, days[0], _zone(db), until=days[1])
    alerts: list[StockAlert] = []
    for pid, history in sorted(histories.items()):
        product = products.get(pid)
        if product is None:
            continue
        for msgid, params in season_warnings(history, today):
            alerts.append(StockAlert("season", pid, product.display_name, msgid,
                                     {**params, "unit": product.unit, "name": product.display_name}))
    return alerts
