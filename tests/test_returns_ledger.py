"""Returns: stored once per platform id (the same request twice changes nothing, a newer one updates it), answered
within what the request allows, and received line by line — restock is one ONLINE_RETURN movement in, write-off
that movement and a RETURN_WRITE_OFF out — each line exactly once, unmapped lines listed back. The ledger is read
movement by movement."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from shipping_shop import T0, file_shop, ledger, order, products, register_channels, shop

from companion.domain.errors import UserError
from companion.domain.fulfilment import ReturnAction, ReturnAnswer, ReturnLine, ReturnRequest, ReturnState
from companion.domain.marketplace import OrderStatus
from companion.services import commands
from companion.services import returns as return_service
from companion.services.online_orders import apply_orders
from companion.store import online_orders as order_store
from companion.store import outbox, sync_state
from companion.store import returns as return_store
from companion.store import stock as stock_store
from companion.store.database import Database


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def _request(rid: str = "R1", state: ReturnState = ReturnState.REQUESTED, minutes: int = 0,
             lines: tuple[ReturnLine, ...] | None = None, order_id: str = "A", **more: object) -> ReturnRequest:
    lines = lines if lines is not None else (ReturnLine("1", "item-KOPI", "0", "KOPI", "KOPI 1 kg", 2),)
    values: dict[str, object] = {
        "return_id": rid, "order_id": order_id, "state": state, "state_raw": state.value.upper(),
        "reason": "Barang rusak", "buyer_note": "Kemasan sobek", "photos": ("https://img.example/1.jpg",),
        "lines": lines, "refund_amount": 20_000, "created_at": T0, "updated_at": T0 + timedelta(minutes=minutes),
        "answer_by": T0 + timedelta(days=2),
        "actions": (ReturnAction.ACCEPT, ReturnAction.REFUSE, ReturnAction.PARTIAL_REFUND)}
    values.update(more)
    return ReturnRequest(**values)  # type: ignore[arg-type]


def _shop_with_order(db: Database) -> tuple[str, dict[str, str], str]:
    stock = products(db)
    account = shop(db)
    apply_orders(db, account, [order("A", OrderStatus.COMPLETED)])
    return account, stock, order_store.by_platform_id(db, account, "A").id  # type: ignore[union-attr]


def test_the_same_request_twice_changes_nothing_and_a_newer_one_updates_it(db: Database) -> None:
    account, stock, order_id = _shop_with_order(db)
    first = return_service.apply_returns(db, account, [_request()], cursor=("returns", '{"since": 1}'))
    assert first.orders == {order_id} and first.sync
    [row] = return_store.listing(db)
    assert (row.order_id, row.state, row.photos, row.refund_amount, row.actions) == \
        (order_id, "requested", ("https://img.example/1.jpg",), 20_000, ("accept", "refuse", "partial_refund"))
    assert sync_state.cursor(db, account, "returns") == '{"since": 1}'
    again = return_service.apply_returns(db, account, [_request(), _request(state=ReturnState.CLOSED, minutes=-5)])
    assert not again.sync and again.orders == frozenset()
    assert return_store.get(db, row.id).state == "requested"  # type: ignore[union-attr]
    return_service.apply_returns(db, account, [_request(state=ReturnState.ACCEPTED, minutes=10)])
    assert return_store.get(db, row.id).state == "accepted"  # type: ignore[union-attr]
    assert len(return_store.listing(db)) == 1 and len(return_store.lines(db, row.id)) == 1
    assert return_store.lines(db, row.id)[0].product_id == stock["KOPI"]  # through the listing mapping
    assert ledger(db, stock["KOPI"]) == [("online_order", -3)]  # storing a return moves no stock


def test_an_answer_must_be_one_the_request_allows(db: Database) -> None:
    account, _, order_id = _shop_with_order(db)
    return_service.apply_returns(db, account, [_request(), _request("R2", actions=(ReturnAction.ACCEPT,))])
    r1 = return_store.by_platform_id(db, account, "R1")
    r2 = return_store.by_platform_id(db, account, "R2")
    assert r1 is not None and r2 is not None
    for answer in (ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=0),
                   ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=20_001),
                   ReturnAnswer(ReturnAction.REFUSE, reason="NOT_A_CODE")):
        with pytest.raises(UserError):
            return_service.queue_return_answer(db, r1.id, answer)
    with pytest.raises(UserError, match=r"Rp20\.000"):
        return_service.queue_return_answer(db, r1.id, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=25_000))
    with pytest.raises(UserError):
        return_service.queue_return_answer(db, r2.id, ReturnAnswer(ReturnAction.REFUSE, reason="USED"))
    change = return_service.queue_return_answer(db, r1.id, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=5_000,
                                                                        note="  separuh   saja "))
    assert change.orders == {order_id}
    [command] = [c for c in outbox.listed(db) if c.kind == return_service.ANSWER_RETURN]
    assert command.payload["answer"] == {"action": "partial_refund", "reason": "", "note": "separuh saja",
                                         "amount": 5_000}
    assert command.payload["platform_return_id"] == "R1" and command.account_id == account
    assert return_service.answer_of(command) == ReturnAnswer(ReturnAction.PARTIAL_REFUND, "", "separuh saja", 5_000)
    assert return_store.get(db, r1.id).answer_state == "waiting"  # type: ignore[union-attr]
    with pytest.raises(UserError):  # one answer at a time
        return_service.queue_return_answer(db, r1.id, ReturnAnswer(ReturnAction.ACCEPT))
    commands.cancel_command(db, command.id)  # "Batalkan": waits for an answer again
    assert return_store.get(db, r1.id).answer_state == ""  # type: ignore[union-attr]
    return_service.queue_return_answer(db, r1.id, ReturnAnswer(ReturnAction.REFUSE, reason="USED"))
    return_service.record_return_answer_refused(db, r1.id, "Deadline passed.")
    refused = return_store.get(db, r1.id)
    assert refused is not None and (refused.answer_state, refused.answer_problem) == ("failed", "Deadline passed.")
    return_service.queue_return_answer(db, r1.id, ReturnAnswer(ReturnAction.ACCEPT))
    return_service.record_return_answered(db, r1.id)
    answered = return_store.get(db, r1.id)
    assert answered is not None and (answered.state, answered.answer_state) == ("accepted", "")
    keys = {c.idempotency_key: c.state for c in outbox.listed(db, outbox.STATES) if c.kind == "answer_return"}
    assert sorted(keys.values()) == ["cancelled", "cancelled", "sent"]


def test_restock_and_write_off_are_ledger_movements_once_per_line(db: Database) -> None:
    account, stock, _ = _shop_with_order(db)
    lines = (ReturnLine("1", "item-KOPI", "0", "KOPI", "KOPI 1 kg", 2), ReturnLine("2", "item-GULA", "0", "GULA",
                                                                                  "GULA 1 kg", 1))
    return_service.apply_returns(db, account, [_request(lines=lines), _request("R2", lines=lines[:1])])
    r1 = return_store.by_platform_id(db, account, "R1")
    r2 = return_store.by_platform_id(db, account, "R2")
    assert r1 is not None and r2 is not None
    got = return_service.receive_return(db, r1.id, "restock", line_ids={"1"})
    assert got.received == ("1",) and got.needs_product == () and got.change.products == {stock["KOPI"]}
    assert ledger(db, stock["KOPI"]) == [("online_order", -3), ("online_return", 2)]
    assert return_store.get(db, r1.id).received_at is None  # type: ignore[union-attr]
    got = return_service.receive_return(db, r1.id, "write_off")  # the rest: GULA, damaged
    assert got.received == ("2",)
    assert ledger(db, stock["GULA"]) == [("online_order", -2), ("online_return", 1), ("return_write_off", -1)]
    assert return_store.get(db, r1.id).received_at is not None  # type: ignore[union-attr]
    with pytest.raises(UserError, match="sudah diterima"):
        return_service.receive_return(db, r1.id, "restock")
    return_service.receive_return(db, r2.id, "write_off")
    assert ledger(db, stock["KOPI"]) == [("online_order", -3), ("online_return", 2), ("online_return", 2),
                                         ("return_write_off", -2)]
    assert stock_store.on_hand(db, stock["KOPI"]) == 20 - 3 + 2 and stock_store.on_hand(db, stock["GULA"]) == 18
    assert [r.disposition for r in return_store.lines(db, r1.id)] == ["restocked", "written_off"]
    assert stock_store.verify_levels(db) == []
    with pytest.raises(ValueError):
        return_service.receive_return(db, r2.id, "keep")


def test_a_line_with_no_product_is_listed_back_and_received_once_it_has_one(db: Database) -> None:
    account, stock, _ = _shop_with_order(db)
    odd = ReturnLine("9", "item-TEH", "0", "TEH", "Teh Celup", 1)
    return_service.apply_returns(db, account, [_request(lines=(odd, ReturnLine("1", "item-KOPI", "0", "KOPI",
                                                                               "KOPI 1 kg", 1)))])
    r1 = return_store.by_platform_id(db, account, "R1")
    assert r1 is not None
    got = return_service.receive_return(db, r1.id, "restock")
    assert got.received == ("1",) and got.needs_product == ("Teh Celup",)
    assert return_store.get(db, r1.id).received_at is None  # type: ignore[union-attr]
    return_service.set_line_product(db, r1.id, "9", stock["GULA"])
    got = return_service.receive_return(db, r1.id, "restock")
    assert got.received == ("9",) and got.needs_product == ()
    assert ledger(db, stock["GULA"])[-1] == ("online_return", 1)
    assert stock_store.verify_levels(db) == []


def test_a_return_of_an_order_we_never_pulled_and_a_file_imported_one(db: Database) -> None:
    stock = products(db)
    account, files = shop(db), file_shop(db)
    apply_orders(db, files, [order("OLD", OrderStatus.COMPLETED)])
    return_service.apply_returns(db, account, [_request("R1", order_id="NEVER"), _request("R2", order_id="OLD")])
    r1 = return_store.by_platform_id(db, account, "R1")
    r2 = return_store.by_platform_id(db, account, "R2")
    assert r1 is not None and r1.order_id is None and r1.platform_order_id == "NEVER"
    assert r2 is not None and r2.order_id == order_store.by_platform_id(db, files, "OLD").id  # type: ignore[union-attr]
    assert return_store.lines(db, r2.id)[0].product_id == stock["KOPI"]
    assert replace(r1, id="") != replace(r2, id="")
