"""Planning data and actions on a real SQLite file: replenishment, recipes, batches finished exactly once,
allocation, the make list from stored sales, stock alerts, and bad input on purpose."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from companion.domain.clock import local_day, now_utc, stamp
from companion.domain.demand import MAKE, MAKE_LATE
from companion.domain.errors import NotFound, UserError
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import planning
from companion.services.online_stock import plan_pushes
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.services.stock_push import STOCK_CHANGED
from companion.store import accounts as account_store
from companion.store import outbox
from companion.store import planning as planning_store
from companion.store import stock as stock_store
from companion.store.database import Database


def _product(db: Database, sku: str, stock: int, unit: str = "pcs") -> str:
    pid, _ = add_product(db, ProductInput(sku=sku, name=f"Produk {sku}", sell_price=10_000, unit=unit), stock)
    return pid


def _raw(db: Database, sql: str, params: tuple[object, ...] = ()) -> None:
    """Rows the sync engine would have written (accounts, listings, orders), set up directly."""
    with db.write():
        db.execute(sql, params)


def _account(db: Database) -> None:
    _raw(db, "INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('a1', 'shopee', 'Toko',"
             " 'http://x', ?)", (stamp(),))


def _today() -> date:
    return local_day(now_utc(), "WIB")


@pytest.fixture
def bakery(db: Database) -> dict[str, str]:
    ids = {"cake": _product(db, "KUE", 5), "flour": _product(db, "TEPUNG", 20, "kg"), "egg": _product(db, "TELUR", 30)}
    planning.set_replenishment(db, ids["cake"], "made", 1, capacity_per_day=10, made_to_order=True, shop_buffer=1)
    planning.set_recipe(db, ids["cake"], [(ids["flour"], 0.25), (ids["egg"], 2)])
    return ids


def test_replenishment_and_recipe_are_stored_and_read_back(db: Database, bakery: dict[str, str]) -> None:
    rep = planning_store.replenishment(db, bakery["cake"])
    assert rep is not None and (rep.kind, rep.lead_time_days, rep.capacity_per_day, rep.made_to_order,
                                rep.shop_buffer, rep.min_batch) == ("made", 1, 10, True, 1, 1)
    assert {(x.material_sku, x.quantity_per_unit, x.material_on_hand) for x in planning_store.recipe(
        db, bakery["cake"])} == {("TEPUNG", 0.25, 20), ("TELUR", 2.0, 30)}
    planning.set_replenishment(db, bakery["flour"], "bought", 3, capacity_per_day=99, supplier="  Toko Maju ")
    flour = planning_store.replenishment(db, bakery["flour"])
    assert flour is not None and (flour.kind, flour.capacity_per_day, flour.supplier) == ("bought", None, "Toko Maju")
    planning.set_recipe(db, bakery["cake"], [(bakery["egg"], 3)])  # replaces the whole recipe
    assert [(x.material_sku, x.quantity_per_unit) for x in planning_store.recipe(db, bakery["cake"])] == [
        ("TELUR", 3.0)]
    assert planning_store.replenishment(db, bakery["egg"]) is None


@pytest.mark.parametrize("kwargs", [
    {"kind": "grown", "lead_time_days": 1},
    {"kind": "made", "lead_time_days": 1, "capacity_per_day": -5},
    {"kind": "made", "lead_time_days": 1, "capacity_per_day": 0},
    {"kind": "made", "lead_time_days": 1},
    {"kind": "made", "lead_time_days": -1, "capacity_per_day": 5},
    {"kind": "made", "lead_time_days": 1, "capacity_per_day": 5, "min_batch": 6},
    {"kind": "made", "lead_time_days": 1, "capacity_per_day": 5, "min_batch": 0},
    {"kind": "bought", "lead_time_days": 1, "made_to_order": True},
    {"kind": "bought", "lead_time_days": 1, "shop_buffer": -1},
])
def test_bad_replenishment_is_refused_in_one_sentence(db: Database, bakery: dict[str, str],
                                                      kwargs: dict[str, object]) -> None:
    before = planning_store.replenishment(db, bakery["cake"])
    with pytest.raises(UserError) as err:
        planning.set_replenishment(db, bakery["cake"], **kwargs)  # type: ignore[arg-type]
    assert err.value.message().count(".") <= 2 and err.value.message().endswith(".")
    assert planning_store.replenishment(db, bakery["cake"]) == before


def test_bad_recipes_are_refused_and_change_nothing(db: Database, bakery: dict[str, str]) -> None:
    cake, flour = bakery["cake"], bakery["flour"]
    before = planning_store.recipe(db, cake)
    for lines in ([(cake, 1.0)], [(flour, 1.0), (flour, 2.0)], [(flour, 0.0)], [(flour, -1.0)],
                  [(flour, float("nan"))]):
        with pytest.raises(UserError):
            planning.set_recipe(db, cake, lines)
    with pytest.raises(NotFound):
        planning.set_recipe(db, cake, [("no-such-product", 1.0)])
    with pytest.raises(UserError):  # flour made from cake while cake is made from flour
        planning.set_recipe(db, flour, [(cake, 1.0)])
    with pytest.raises(NotFound):
        planning.set_recipe(db, "no-such-product", [(flour, 1.0)])
    assert planning_store.recipe(db, cake) == before
    planning.set_recipe(db, cake, [])
    assert planning_store.recipe(db, cake) == []


def test_finishing_adds_goods_and_consumes_materials_exactly_once(db: Database, bakery: dict[str, str]) -> None:
    cake, flour, egg = bakery["cake"], bakery["flour"], bakery["egg"]
    batch_id, change = planning.plan_batch(db, cake, 10, _today())
    assert change.products == {cake}
    assert [b.id for b in planning_store.batches(db, "planned")] == [batch_id]
    assert stock_store.on_hand(db, cake) == 5  # planned production is not stock yet

    done = planning.finish_batch(db, batch_id)
    assert done.products == {cake, flour, egg}
    # 10 × 0.25 kg = 2.5 → 3 kg (whole units, rounded up); 10 × 2 eggs = 20
    assert [stock_store.on_hand(db, x) for x in (cake, flour, egg)] == [15, 17, 10]
    movements = db.query("SELECT product_id, kind, quantity, reason, dedupe_key FROM stock_movements"
                         " WHERE reference = ? ORDER BY seq", (f"batch:{batch_id}",))
    assert {(r["product_id"], r["kind"], r["quantity"], r["reason"]) for r in movements} == {
        (cake, MovementKind.PRODUCTION.value, 10, "production"), (flour, "adjustment", -3, "production"),
        (egg, "adjustment", -20, "production")}
    assert len(movements) == 3
    assert all(str(r["dedupe_key"]).startswith(f"batch:{batch_id}:") for r in movements)
    finished = planning_store.batch(db, batch_id)
    assert finished is not None and finished.status == "done" and finished.done_at

    with pytest.raises(UserError) as twice:
        planning.finish_batch(db, batch_id)
    assert twice.value.message().endswith(".")
    assert [stock_store.on_hand(db, x) for x in (cake, flour, egg)] == [15, 17, 10]
    with pytest.raises(UserError):
        planning.cancel_batch(db, batch_id)  # a done batch cannot be cancelled
    assert stock_store.verify_levels(db) == []
    queued = [p["product_ids"] for _, p in outbox.pending(db, STOCK_CHANGED)]
    assert sorted([cake, egg, flour]) in queued


def test_cancelled_batches_are_never_finished(db: Database, bakery: dict[str, str]) -> None:
    batch_id, _ = planning.plan_batch(db, bakery["cake"], 4, _today())
    assert planning.cancel_batch(db, batch_id).products == {bakery["cake"]}
    for action in (planning.finish_batch, planning.cancel_batch):
        with pytest.raises(UserError):
            action(db, batch_id)
    assert stock_store.on_hand(db, bakery["cake"]) == 5 and stock_store.on_hand(db, bakery["flour"]) == 20
    with pytest.raises(NotFound):
        planning.finish_batch(db, "no-such-batch")


def test_planning_respects_capacity_and_refuses_bad_batches(db: Database, bakery: dict[str, str]) -> None:
    cake, today = bakery["cake"], _today()
    planning.plan_batch(db, cake, 6, today)
    with pytest.raises(UserError):
        planning.plan_batch(db, cake, 5, today)  # 6 + 5 > 10 a day
    planning.plan_batch(db, cake, 4, today)
    planning.plan_batch(db, cake, 10, today + timedelta(days=1))
    for quantity in (0, -3, 100_001):
        with pytest.raises(UserError):
            planning.plan_batch(db, cake, quantity, today + timedelta(days=2))
    with pytest.raises(UserError):
        planning.plan_batch(db, cake, 1, today - timedelta(days=1))
    with pytest.raises(UserError):  # eggs are bought
        planning.set_replenishment(db, bakery["egg"], "bought", 2)
        planning.plan_batch(db, bakery["egg"], 1, today)
    with pytest.raises(NotFound):
        planning.plan_batch(db, "no-such-product", 1, today)
    assert planning_store.planned_quantities(db) == {cake: 20}
    # Made on `today` with one day of lead time: ready at the end of tomorrow, shop time.
    first = planning_store.batches(db, "planned", cake)[0]
    assert first.finishes_at == stamp(datetime.combine(today + timedelta(days=2), datetime.min.time(),
                                                       tzinfo=UTC) - timedelta(hours=7))


def test_allocation_is_stored_and_refuses_bad_values(db: Database) -> None:
    _account(db)
    account = account_store.get(db, "a1")
    assert account is not None and (account.keep_last_units, account.ship_window_days) == (0, 2)
    assert planning.set_allocation(db, "a1", 3, 5).sync
    account = account_store.get(db, "a1")
    assert account is not None and (account.keep_last_units, account.ship_window_days) == (3, 5)
    for keep, window in ((-1, 2), (0, -1), (0, 31), (100_001, 2)):
        with pytest.raises(UserError):
            planning.set_allocation(db, "a1", keep, window)
    with pytest.raises(NotFound):
        planning.set_allocation(db, "nope", 0, 2)


def test_push_numbers_follow_promise_and_allocation(db: Database, bakery: dict[str, str]) -> None:
    cake = bakery["cake"]
    _account(db)
    _raw(db, "INSERT INTO listings (id, account_id, item_id, sku_id, product_id, platform_stock, seen_at) VALUES"
               " ('l1', 'a1', 'i1', 's1', ?, 0, ?)", (cake, stamp()))  # listed by the platform (stock read)
    assert [p.quantity for p in plan_pushes(db, "a1", only_different=False)] == [4]  # 5 − shop buffer 1
    planning.plan_batch(db, cake, 10, _today())  # ready end of tomorrow: inside the 2-day window
    assert [p.quantity for p in plan_pushes(db, "a1", only_different=False)] == [14]
    planning.set_allocation(db, "a1", 14, 0)  # no window: only what is on hand; 4 ≤ 14 stays for the shop
    assert [p.quantity for p in plan_pushes(db, "a1", only_different=False)] == [0]
    planning.set_allocation(db, "a1", 3, 0)
    assert [p.quantity for p in plan_pushes(db, "a1", only_different=False)] == [4]
    planning.set_replenishment(db, cake, "made", 1, capacity_per_day=10, made_to_order=False)
    planning.set_allocation(db, "a1", 0, 30)  # not made to order: planned batches never count
    assert [p.quantity for p in plan_pushes(db, "a1", only_different=False)] == [5]


def _sell_on(db: Database, product_id: str, quantity: int, day: date) -> None:
    record_sale(db, [LineInput(product_id, quantity, 1_000)], PaymentMethod.CASH)
    moment = stamp(datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5))  # 12:00 WIB
    _raw(db, "UPDATE sales SET created_at = ? WHERE id = (SELECT id FROM sales ORDER BY rowid DESC LIMIT 1)",
               (moment,))


def test_sales_history_per_shop_day_and_make_plan(db: Database, bakery: dict[str, str]) -> None:
    cake, today = bakery["cake"], date(2025, 6, 2)  # a Monday
    for back in range(1, 29):
        _sell_on(db, cake, 1, today - timedelta(days=back))
    hist = planning_store.sales_history(db, cake, today - timedelta(days=60), "WIB")
    assert len(hist) == 28 and all(units == 1 for _, units in hist)
    assert hist[0][0] == today - timedelta(days=28)
    # An online order at 23:30 WIB on the day before yesterday (16:30 UTC) counts on that shop day; an unpaid one
    # does not count as sold.
    _account(db)
    at = stamp(datetime.combine(today - timedelta(days=2), datetime.min.time(), tzinfo=UTC) + timedelta(hours=16.5))
    for order_id, status in (("o1", "paid"), ("o2", "unpaid")):
        _raw(db, "INSERT INTO online_orders (id, account_id, channel, platform_order_id, status, status_raw,"
                 " created_at, updated_at, imported_at) VALUES (?, 'a1', 'shopee', ?, ?, ?, ?, ?, ?)",
             (order_id, order_id, status, status, at, at, at))
        _raw(db, "INSERT INTO online_order_lines (id, order_id, line_id, item_id, sku_id, quantity, unit_price,"
                 " product_id) VALUES (?, ?, '1', 'i', 's', 4, 1000, ?)", (order_id + "l", order_id, cake))
    online = dict(planning_store.sales_history(db, cake, today - timedelta(days=60), "WIB"))
    assert online[today - timedelta(days=2)] == 5 and online[today - timedelta(days=3)] == 1
    with db.write():
        db.execute("DELETE FROM online_order_lines")
        db.execute("DELETE FROM online_orders")
    # On hand 5 − 28 sold = −23, counted as 0, nothing planned; flat 1 a day; lead 1 day, then 14 days of cover:
    # demand on days 1..14 is 1 each, made as late as possible (one a day, well within 10 a day), and today's
    # line says it is late (the stock is out today, before a batch can be ready). Flour and eggs have no
    # replenishment row, so they are skipped.
    lines = planning.make_plan(db, today)
    assert [(line.product_id, line.action, line.quantity, line.by) for line in lines] == [
        (cake, "make", 1, today + timedelta(days=day)) for day in range(14)]
    assert lines[0].reason_msgid == MAKE_LATE and {line.reason_msgid for line in lines[1:]} == {MAKE}
    assert lines[0].params["unit"] == "pcs" and lines[0].params["runs_out"] == today


def test_stock_alerts_low_stock_and_cannot_fulfil(db: Database, bakery: dict[str, str]) -> None:
    _account(db)
    _raw(db, "INSERT INTO online_orders (id, account_id, channel, platform_order_id, status, status_raw,"
               " created_at, updated_at, imported_at) VALUES ('o1', 'a1', 'shopee', 'P1', 'unpaid', 'UNPAID', ?, ?, ?)",
               (stamp(), stamp(), stamp()))
    _raw(db, "INSERT INTO online_order_lines (id, order_id, line_id, item_id, sku_id, quantity, unit_price,"
               " product_id) VALUES ('ol1', 'o1', '1', 'i', 's', 8, 1000, ?)", (bakery["cake"],))
    alerts = planning.stock_alerts(db, _today())
    kinds = {(a.kind, a.product_id) for a in alerts}
    assert ("cannot_fulfil", bakery["cake"]) in kinds  # 8 wanted, 5 on hand, nothing planned
    assert ("low_stock", bakery["cake"]) in kinds  # 5 ≤ the default threshold of 5
    assert ("low_stock", bakery["flour"]) not in kinds
    cannot = next(a for a in alerts if a.kind == "cannot_fulfil")
    assert (cannot.params["need"], cannot.params["can"]) == (8, 5)
    assert alerts[0].kind == "cannot_fulfil"
    planning.plan_batch(db, bakery["cake"], 5, _today())  # made to order, ready inside the window
    assert ("cannot_fulfil", bakery["cake"]) not in {(a.kind, a.product_id) for a in planning.stock_alerts(
        db, _today())}
