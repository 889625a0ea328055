"""Cancellations: the seller's (whole or per line, with the platform's reasons, never after shipping) move no stock
when queued — the stock comes back, exactly once, when the platform reports the cancelled lines; a buyer's request
to cancel is stored from the order pull (the same news twice changes nothing), answered through the outbox, and
ends accepted or refused. The ledger is read movement by movement."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from shipping_shop import PLAIN, ledger, order, products, register_channels, request, shop

from companion.domain.errors import UserError
from companion.domain.fulfilment import ShipChoice, ShipMethod, Shipped
from companion.domain.marketplace import OrderStatus
from companion.services import cancellations as cancel
from companion.services import commands
from companion.services import shipping as ship
from companion.services.online_orders import apply_orders
from companion.store import cancel_requests as request_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store import stock as stock_store
from companion.store.database import Database


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def _paid(db: Database, account: str, pid: str = "A") -> str:
    apply_orders(db, account, [order(pid)])
    return order_store.by_platform_id(db, account, pid).id  # type: ignore[union-attr]


def _cancel_commands(db: Database) -> list[outbox.CommandRow]:
    return [c for c in outbox.listed(db, outbox.STATES) if c.kind == cancel.CANCEL_ORDER]


def test_a_whole_cancel_is_queued_with_a_platform_reason_and_stock_follows_the_platform_once(db: Database) -> None:
    stock = products(db)
    account = shop(db)
    order_id = _paid(db, account)
    with pytest.raises(UserError):
        cancel.queue_cancel(db, order_id, "I_CHANGED_MY_MIND")
    change = cancel.queue_cancel(db, order_id, "OUT_OF_STOCK")
    assert change.orders == {order_id} and change.sync
    [command] = _cancel_commands(db)
    assert command.payload == {"order_id": order_id, "reason": "OUT_OF_STOCK", "lines": []}
    assert command.idempotency_key == f"cancel:{order_id}:1" and command.account_id == account
    assert ledger(db, stock["KOPI"]) == [("online_order", -3)]  # queued: nothing moves yet
    with pytest.raises(UserError):  # one at a time
        cancel.queue_cancel(db, order_id, "OUT_OF_STOCK")
    cancel.record_cancel_sent(db, command.id)
    apply_orders(db, account, [order("A", OrderStatus.CANCELLED, 5)])  # the platform reports it
    apply_orders(db, account, [order("A", OrderStatus.CANCELLED, 5)])
    assert ledger(db, stock["KOPI"]) == [("online_order", -3), ("online_cancel", 3)]
    assert ledger(db, stock["GULA"]) == [("online_order", -2), ("online_cancel", 2)]
    assert stock_store.on_hand(db, stock["KOPI"]) == 20 and stock_store.verify_levels(db) == []
    with pytest.raises(UserError):
        cancel.queue_cancel(db, order_id, "OUT_OF_STOCK")  # cancelled already


def test_lines_are_cancelled_within_what_is_left_where_the_platform_allows(db: Database) -> None:
    stock = products(db)
    account = shop(db)
    order_id = _paid(db, account)
    kopi, gula = order_store.lines(db, order_id)
    for bad in ([(kopi.id, 0)], [(kopi.id, 4)], [("no-such-line", 1)]):
        with pytest.raises(UserError):
            cancel.queue_cancel(db, order_id, "OUT_OF_STOCK", bad)
    cancel.queue_cancel(db, order_id, "OUT_OF_STOCK", [(kopi.id, 2)])
    [command] = _cancel_commands(db)
    assert command.payload["lines"] == [{"line_row_id": kopi.id, "line_id": "1", "item_id": "item-KOPI",
                                         "sku_id": "0", "quantity": 2}]
    cancel.record_cancel_refused(db, command.id, "Order is being packed.")
    assert outbox.get(db, command.id).last_error == "Order is being packed."  # type: ignore[union-attr]
    assert ledger(db, stock["KOPI"]) == [("online_order", -3)]  # refused: nothing about stock changes
    cancel.queue_cancel(db, order_id, "OUT_OF_STOCK", [(kopi.id, 2)])  # the refused one is replaced
    assert sorted(c.state for c in _cancel_commands(db)) == ["cancelled", "waiting"]
    [sent] = [c for c in _cancel_commands(db) if c.state == "waiting"]
    cancel.record_cancel_sent(db, sent.id)
    apply_orders(db, account, [order("A", OrderStatus.PAID, 5, cancelled=(2, 0))])  # the platform reports it
    assert ledger(db, stock["KOPI"]) == [("online_order", -3), ("online_cancel", 2)]
    with pytest.raises(UserError, match="1"):  # one unit of that line is left
        cancel.queue_cancel(db, order_id, "OUT_OF_STOCK", [(kopi.id, 2)])
    assert gula.quantity == 2 and stock_store.verify_levels(db) == []


def test_what_cannot_be_cancelled_from_the_app(db: Database) -> None:
    products(db)
    account, plain = shop(db), shop(db, PLAIN)
    order_id = _paid(db, account)
    plain_order = _paid(db, plain, "P")
    with pytest.raises(UserError):
        cancel.queue_cancel(db, plain_order, "OUT_OF_STOCK")
    ship.queue_shipments(db, [order_id], {account: ShipChoice(ShipMethod.PICKUP)})
    with pytest.raises(UserError, match="Pengaturan"):  # waiting to be shipped: withdraw that first
        cancel.queue_cancel(db, order_id, "OUT_OF_STOCK")
    apply_orders(db, account, [order("A", OrderStatus.SHIPPED, 9)])
    ship.record_shipped(db, order_id, Shipped("A", tracking_number="T1"))
    with pytest.raises(UserError, match="dikirim"):
        cancel.queue_cancel(db, order_id, "OUT_OF_STOCK")
    assert _cancel_commands(db) == []


def test_lines_only_where_the_platform_cancels_lines(db: Database) -> None:
    products(db)
    account = shop(db)
    order_id = _paid(db, account)
    for _ in register_channels(cancels_lines=False):
        kopi = order_store.lines(db, order_id)[0]
        with pytest.raises(UserError):
            cancel.queue_cancel(db, order_id, "OUT_OF_STOCK", [(kopi.id, 1)])
        cancel.queue_cancel(db, order_id, "BUYER_ASKED")
        break


def test_a_buyers_request_is_stored_from_the_pull_answered_and_ends(db: Database) -> None:
    stock = products(db)
    account = shop(db)
    apply_orders(db, account, [order("A", cancel_request=request())])
    order_id = order_store.by_platform_id(db, account, "A").id  # type: ignore[union-attr]
    stored = request_store.get(db, order_id)
    assert stored is not None and (stored.request_id, stored.state, stored.reason) == ("rq-1", "open", "Ganti alamat")
    assert stored.answer_by is not None and [r.order_id for r in request_store.waiting_for_answer(db)] == [order_id]
    assert apply_orders(db, account, [order("A", cancel_request=request())]).unchanged == 1
    with pytest.raises(UserError):  # a refusal needs one of the platform's reasons
        cancel.queue_cancel_answer(db, order_id, accept=False, reason="")
    cancel.queue_cancel_answer(db, order_id, accept=True)
    assert request_store.get(db, order_id).state == "accepting"  # type: ignore[union-attr]
    [command] = [c for c in outbox.listed(db) if c.kind == cancel.ANSWER_CANCEL_REQUEST]
    assert command.payload == {"order_id": order_id, "request_id": "rq-1", "accept": True, "reason": ""}
    with pytest.raises(UserError):
        cancel.queue_cancel_answer(db, order_id, accept=True)
    apply_orders(db, account, [order("A", minutes=1, cancel_request=request())])  # still open there: ours stays
    assert request_store.get(db, order_id).state == "accepting"  # type: ignore[union-attr]
    commands.cancel_command(db, command.id)  # "Batalkan": the request waits for an answer again
    assert request_store.get(db, order_id).state == "open"  # type: ignore[union-attr]
    cancel.queue_cancel_answer(db, order_id, accept=False, reason="USED")
    cancel.record_cancel_answer_refused(db, order_id, "The request has expired.")
    failed = request_store.get(db, order_id)
    assert failed is not None and (failed.state, failed.problem) == ("failed", "The request has expired.")
    cancel.queue_cancel_answer(db, order_id, accept=True)
    cancel.record_cancel_answered(db, order_id)
    assert request_store.get(db, order_id).state == "accepted"  # type: ignore[union-attr]
    apply_orders(db, account, [order("A", OrderStatus.CANCELLED, 3)])  # accepted: the order comes cancelled
    assert request_store.get(db, order_id).state == "accepted"  # type: ignore[union-attr]
    assert ledger(db, stock["KOPI"]) == [("online_order", -3), ("online_cancel", 3)]
    states = sorted(c.state for c in outbox.listed(db, outbox.STATES) if c.kind == cancel.ANSWER_CANCEL_REQUEST)
    assert states == ["cancelled", "cancelled", "sent"]
    assert stock_store.verify_levels(db) == []


def test_a_request_that_ends_on_the_platform_ends_here_and_a_new_one_opens(db: Database) -> None:
    products(db)
    account = shop(db)
    apply_orders(db, account, [order("A", cancel_request=request()), order("B", cancel_request=request("rq-b"))])
    a = order_store.by_platform_id(db, account, "A").id  # type: ignore[union-attr]
    b = order_store.by_platform_id(db, account, "B").id  # type: ignore[union-attr]
    apply_orders(db, account, [order("A", minutes=2), order("B", OrderStatus.CANCELLED, 2)])  # answered elsewhere
    assert request_store.get(db, a).state == "refused"  # type: ignore[union-attr]
    assert request_store.get(db, b).state == "accepted"  # type: ignore[union-attr]
    apply_orders(db, account, [order("A", minutes=4, cancel_request=request("rq-2", minutes=3))])  # asks again
    again = request_store.get(db, a)
    assert again is not None and (again.request_id, again.state) == ("rq-2", "open")
    assert cancel.apply_cancel_request(db, a, request("rq-2", minutes=3)).orders == frozenset()
