"""Partial cancellations: only a line's live units take stock; a rise in its cancelled units gives back exactly the
new ones (once, however often the news comes); a whole-order cancel gives back only what is still out. The ledger is
read movement by movement, and a property checks on-hand = opening − live units of paid orders for random
sequences of pay / cancel some units / cancel all."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.connectors.lazada import mapping as lazada_mapping
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok import mapping as tiktok_mapping
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.services.accounts import link_practice_accounts
from companion.services.mapping import map_listing
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
RAW = {OrderStatus.UNPAID: "UNPAID", OrderStatus.PAID: "READY_TO_SHIP", OrderStatus.CANCELLED: "CANCELLED"}
LINES = (("1", "KOPI", 3), ("2", "GULA", 2))  # (line id, sku, quantity) of every order here


def _order(pid: str, status: OrderStatus, minutes: int, cancelled: tuple[int, ...] = (0, 0),
           lines: tuple[tuple[str, str, int], ...] = LINES) -> Order:
    return Order("shopee", pid, RAW[status], status, T0, T0 + timedelta(minutes=minutes), None, "budi",
                 tuple(OrderLine(line_id, f"item-{sku}", "0", sku, sku, qty, 10_000, gone)
                       for (line_id, sku, qty), gone in zip(lines, cancelled, strict=True)))


def _shop(db: Database, opening: int = 20) -> tuple[str, dict[str, str]]:
    products = {sku: add_product(db, ProductInput(sku=sku, name=sku, sell_price=10_000), opening)[0]
                for sku in ("KOPI", "GULA")}
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    return ids[0], products


def _ledger(db: Database, product_id: str) -> list[tuple[int, str]]:
    """The product's order movements, oldest first: (units, end of the dedupe key after the platform order id)."""
    rows = db.query("SELECT quantity, dedupe_key FROM stock_movements WHERE product_id = ? AND dedupe_key LIKE"
                    " 'shopee:%' ORDER BY seq", (product_id,))
    return [(int(r["quantity"]), str(r["dedupe_key"]).split(":", 3)[3]) for r in rows]


def test_a_cancelled_line_takes_nothing_and_a_later_cancel_gives_back_just_its_units(db: Database) -> None:
    account, product = _shop(db)
    apply_orders(db, account, [_order("A", OrderStatus.PAID, 0, (0, 2))])  # GULA's line is cancelled already
    assert _ledger(db, product["KOPI"]) == [(-3, "1:order")] and _ledger(db, product["GULA"]) == []
    apply_orders(db, account, [_order("A", OrderStatus.PAID, 1, (1, 2))])  # one KOPI cancelled later
    again = apply_orders(db, account, [_order("A", OrderStatus.PAID, 1, (1, 2))])
    assert again.unchanged == 1
    assert _ledger(db, product["KOPI"]) == [(-3, "1:order"), (1, "1:cancel:1")]
    apply_orders(db, account, [_order("A", OrderStatus.PAID, 2, (3, 2))])  # the rest of the line: the difference
    assert _ledger(db, product["KOPI"]) == [(-3, "1:order"), (1, "1:cancel:1"), (2, "1:cancel:3")]
    assert stock_store.on_hand(db, product["KOPI"]) == 20 and stock_store.on_hand(db, product["GULA"]) == 20
    [a] = order_store.listing(db)
    assert [line.cancelled_quantity for line in order_store.lines(db, a.id)] == [3, 2]
    assert stock_store.verify_levels(db) == []


def test_a_whole_cancel_after_a_partial_one_gives_back_only_the_rest(db: Database) -> None:
    account, product = _shop(db)
    apply_orders(db, account, [_order("B", OrderStatus.PAID, 0, (1, 0))])
    apply_orders(db, account, [_order("B", OrderStatus.CANCELLED, 1, (1, 0))])
    apply_orders(db, account, [_order("B", OrderStatus.CANCELLED, 1, (1, 0))])
    apply_orders(db, account, [_order("B", OrderStatus.CANCELLED, 2, (3, 2))])  # later news after the cancel
    assert _ledger(db, product["KOPI"]) == [(-2, "1:order"), (2, "1:cancel")]
    assert _ledger(db, product["GULA"]) == [(-2, "2:order"), (2, "2:cancel")]
    assert stock_store.on_hand(db, product["KOPI"]) == 20 and stock_store.verify_levels(db) == []


def test_a_rise_and_the_whole_cancel_in_one_copy(db: Database) -> None:
    account, product = _shop(db)
    apply_orders(db, account, [_order("C", OrderStatus.PAID, 0)])
    apply_orders(db, account, [_order("C", OrderStatus.CANCELLED, 1, (1, 2))])
    assert _ledger(db, product["KOPI"]) == [(-3, "1:order"), (1, "1:cancel:1"), (2, "1:cancel")]
    assert _ledger(db, product["GULA"]) == [(-2, "2:order"), (2, "2:cancel:2")]
    assert stock_store.on_hand(db, product["GULA"]) == 20


def test_units_cancelled_before_payment_are_never_taken_nor_held(db: Database) -> None:
    account, product = _shop(db)
    apply_orders(db, account, [_order("D", OrderStatus.UNPAID, 0, (2, 0))])
    assert order_store.reserved_unpaid(db)[product["KOPI"]] == 1
    apply_orders(db, account, [_order("D", OrderStatus.PAID, 1, (0, 0))])  # a copy that forgot: counts never fall
    assert _ledger(db, product["KOPI"]) == [(-1, "1:order")]
    assert stock_store.on_hand(db, product["KOPI"]) == 19


def test_an_order_line_mapped_later_takes_only_its_live_units(db: Database) -> None:
    account, product = _shop(db)
    lines = (("1", "LAIN", 3),)
    apply_orders(db, account, [_order("E", OrderStatus.PAID, 0, (1,), lines)])
    apply_orders(db, account, [_order("E", OrderStatus.PAID, 1, (2,), lines)])  # unmapped: stored, no stock
    listing = listing_store.by_ref(db, account, "item-LAIN", "0")
    assert listing is not None
    map_listing(db, listing.id, product["KOPI"])
    assert _ledger(db, product["KOPI"]) == [(-1, "1:order")]


def test_the_platforms_per_line_states_reach_the_line() -> None:
    """Lazada: each item's own status; TikTok: a line's display_status (both sent by the practice marketplace)."""
    item = {"order_item_id": 7, "product_id": 1, "sku_id": 2, "sku": "KOPI", "name": "Kopi", "item_price": "35000"}
    assert lazada_mapping.line({**item, "status": "canceled"}).cancelled_quantity == 1
    assert lazada_mapping.line({**item, "status": "shipped_back"}).live_quantity == 0
    assert lazada_mapping.line({**item, "status": "ready_to_ship"}).cancelled_quantity == 0
    assert lazada_mapping.line(item).cancelled_quantity == 0
    li = {"id": "9", "product_id": "1", "sku_id": "2", "seller_sku": "KOPI", "sale_price": "35000"}
    assert tiktok_mapping.line({**li, "display_status": "CANCELLED"}).cancelled_quantity == 1
    assert tiktok_mapping.line({**li, "display_status": "AWAITING_SHIPMENT"}).cancelled_quantity == 0
    assert tiktok_mapping.line(li).cancelled_quantity == 0


# --- the property ----------------------------------------------------------------------------------------------------

PIDS = ("P1", "P2", "P3")
_steps = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.sampled_from(PIDS)),
    st.tuples(st.just("cancel_units"), st.sampled_from(PIDS), st.sampled_from((0, 1)), st.integers(1, 3)),
    st.tuples(st.just("cancel_all"), st.sampled_from(PIDS)),
    st.tuples(st.just("repeat"), st.sampled_from(PIDS)),
), min_size=1, max_size=14)
_runs = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_steps, batched=st.booleans())
def test_on_hand_is_opening_minus_live_units_of_paid_orders(tmp_path: Path, steps: list[tuple[object, ...]],
                                                            batched: bool) -> None:
    """Each step sends the order's whole copy as a platform would (its status and every line's cancelled count so
    far), one page per step or all steps in one page; then everything once more, which changes nothing."""
    db = open_database(tmp_path / f"p{next(_runs)}.sqlite3")
    try:
        account, product = _shop(db, opening=10)
        status: dict[str, OrderStatus] = {}
        cancelled = {pid: [0, 0] for pid in PIDS}
        sent: list[Order] = []
        for minute, (kind, pid, *more) in enumerate(steps):
            assert isinstance(pid, str)
            if kind == "pay" and status.get(pid) in (None, OrderStatus.UNPAID):
                status[pid] = OrderStatus.PAID
            elif kind == "cancel_all":
                status[pid] = OrderStatus.CANCELLED
            elif kind == "cancel_units":
                line, units = int(str(more[0])), int(str(more[1]))
                cancelled[pid][line] = min(cancelled[pid][line] + units, LINES[line][2])
                status.setdefault(pid, OrderStatus.UNPAID)
            elif pid not in status:
                continue
            sent.append(_order(pid, status[pid], minute, tuple(cancelled[pid])))
            if not batched:
                apply_orders(db, account, [sent[-1]])
        if batched:
            apply_orders(db, account, sent)
        for sku, qty_index in (("KOPI", 0), ("GULA", 1)):
            live = sum(LINES[qty_index][2] - cancelled[pid][qty_index] for pid in PIDS
                       if status.get(pid) is OrderStatus.PAID)
            assert stock_store.on_hand(db, product[sku]) == 10 - live
        before = _ledger(db, product["KOPI"]) + _ledger(db, product["GULA"])
        apply_orders(db, account, sent)
        assert _ledger(db, product["KOPI"]) + _ledger(db, product["GULA"]) == before
        assert stock_store.verify_levels(db) == []
    finally:
        db.close()


def test_cancelled_units_leave_the_order_total_the_reports_and_the_plan(db: Database) -> None:
    """What the shop sold is what was not cancelled: the order's total, the report by product and the units
    still to ship count live units only."""
    from companion.store import planning as planning_store
    from companion.store import reports as report_store

    account, product = _shop(db)
    apply_orders(db, account, [_order("C", OrderStatus.PAID, 0, (0, 0))])
    [c] = order_store.listing(db)
    assert c.total == 50_000  # 3 + 2 units of Rp10.000
    apply_orders(db, account, [_order("C", OrderStatus.PAID, 1, (2, 0))])  # two KOPI cancelled
    [c] = order_store.listing(db)
    assert c.total == 30_000
    rows = {r.sku: r for r in report_store.online_products(db, "2026-11-01", "2026-12-01")}
    assert (rows["KOPI"].units, rows["KOPI"].paid) == (1, 10_000) and rows["GULA"].units == 2
    needs = planning_store.unshipped_needs(db)
    assert needs[product["KOPI"]] == (1, 0) and needs[product["GULA"]] == (2, 0)
