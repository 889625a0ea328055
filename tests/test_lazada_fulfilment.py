"""Lazada fulfilment (issue 15) against the running practice marketplace: pack → ready to ship, the label PDF,
seller cancels per order item, buyers' cancel requests and returns, every refusal of the issue's "Bad input and
faults" in Lazada's own words, and every call on the wire checked against contracts_fulfilment / contracts_reverse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import requests
from test_contracts_lazada import connector, problems, record
from test_practice_calls import admin, start_market

from companion.connectors.contract import Endpoint, Exchange, find
from companion.connectors.errors import AlreadyDone, NotPermitted, NotReady, Permanent
from companion.connectors.lazada import practice_shop
from companion.connectors.lazada.connector import LazadaConnector
from companion.connectors.lazada.contracts import ENDPOINTS
from companion.connectors.lazada.contracts_fulfilment import FULFILMENT
from companion.connectors.lazada.spec import SPEC
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAction,
    ReturnAnswer,
    ReturnState,
    ShipChoice,
    ShipMethod,
)
from companion.domain.marketplace import Capability, Order, OrderStatus
from companion.practice import fulfilment as core
from companion.practice.server import PracticeMarketplace

PICKUP = ShipChoice(ShipMethod.PICKUP)


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def _order(market: PracticeMarketplace, lines: list[tuple[str, int]], paid: bool = True) -> str:
    made = admin(market, "/orders", {"platform": "lazada", "paid": paid,
                                     "lines": [{"seller_sku": s, "quantity": q} for s, q in lines]})
    return str(made["ref"])


def _get(link: LazadaConnector, ref: str) -> Order:
    return link.get_orders([ref])[0]


def _stock(market: PracticeMarketplace, sku: str) -> int:
    return int(market.state.listing_by_sku("lazada", sku)["stock"])


def _now(market: PracticeMarketplace) -> datetime:
    return datetime.fromtimestamp(market.state.now(), UTC)


def _api_wire(wire: list[Exchange]) -> list[Exchange]:
    """The API calls (the label file downloads are not API calls)."""
    return [x for x in wire if not x.path.startswith("/awb/")]


def _result_problems(ex: Exchange) -> list[str]:
    """A `result` refusal or an item's refusal carries a code its contract documents."""
    endpoint = find(ENDPOINTS, ex.method, ex.path)
    assert isinstance(endpoint, Endpoint)
    result = ex.answer.get("result") if isinstance(ex.answer, dict) else None
    if not isinstance(result, dict):
        return []
    codes = [] if result.get("success") is not False else [str(result.get("error_code"))]
    found = result.get("data")
    data: dict[str, Any] = found if isinstance(found, dict) else {}
    rows = [*data.get("packages", []), *(r for o in data.get("pack_order_list", []) for r in o["order_item_list"])]
    codes += [str(r["item_err_code"]) for r in rows if str(r.get("item_err_code")) != "0"]
    return [f"{ex.path}: {c} not documented" for c in codes if endpoint.error(c) is None]


def _checked(wire: list[Exchange]) -> set[str]:
    """Every exchange keeps its contract; the names of the contracts exercised."""
    calls = _api_wire(wire)
    assert [p for ex in calls for p in problems(ex) + _result_problems(ex)] == []
    return {e.name for e in (find(ENDPOINTS, x.method, x.path) for x in calls) if e is not None}


def test_spec_declares_lazada_fulfilment() -> None:
    rules = SPEC.fulfilment
    assert rules is not None and SPEC.has(Capability.FULFILMENT)
    assert Capability.FULFILMENT in LazadaConnector.capabilities
    assert rules.methods == (ShipMethod.PICKUP, ShipMethod.DROPOFF)  # no own courier for ordinary sellers
    assert rules.cancel_reasons[0].label == "Out of stock" and rules.cancels_lines and not rules.partial_refund
    assert rules.late_note and rules.seller_centre_url.startswith("https://sellercenter.lazada.co.id")


def test_ship_label_and_tracking_keep_their_contracts(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    ref = _order(market, [("GULA-AREN-500", 2), ("TEH-MLT-25", 1)])
    options = link.shipping_options(ref)
    assert options.methods == (ShipMethod.PICKUP, ShipMethod.DROPOFF) and options.providers == ()
    assert not options.addresses and not options.branches  # Lazada has no slots and no branches

    shipped = link.ship(ref, PICKUP)
    assert shipped.package_id.startswith("FP") and shipped.tracking_number.startswith("LXAD")
    assert shipped.courier == "LEX ID"
    order = _get(link, ref)
    assert order.status is OrderStatus.READY_TO_SHIP and order.status_raw == "ready_to_ship"
    assert (order.package_id, order.tracking_number, order.courier) == (shipped.package_id,
                                                                        shipped.tracking_number, "LEX ID")
    assert order.buyer_city and order.cancel_request is None
    with pytest.raises(AlreadyDone):
        link.ship(ref, PICKUP)  # nothing ships twice

    market.advance_clock(core.LABEL_DELAY + 1)
    label = link.shipping_document(ref, shipped.package_id)
    assert label.pdf.startswith(b"%PDF") and len(pypdfium2.PdfDocument(label.pdf)) == 1

    admin(market, "/shipments/advance", {"platform": "lazada", "everything": True})
    assert _get(link, ref).status is OrderStatus.SHIPPED
    admin(market, "/shipments/advance", {"platform": "lazada"})
    assert _get(link, ref).status is OrderStatus.COMPLETED  # delivered
    assert _checked(wire) >= {"GetShipmentProvider", "Pack", "ReadyToShip", "PrintAWB"}


def test_a_pack_whose_answer_was_lost_is_readied_not_packed_again(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    ref = _order(market, [("TEH-MLT-25", 1)])
    package = core.pack(market.state, "lazada", ref)  # Pack went through; its answer never came
    shipped = link.ship(ref, PICKUP)
    assert (shipped.package_id, shipped.tracking_number) == (package["ref"], package["tracking"])
    assert [x.path for x in _api_wire(wire)].count("/order/fulfill/pack") == 0
    assert len(core.packages(market.state, "lazada", None)) == 1
    _checked(wire)


def test_label_not_ready_then_ready_and_the_link_expires(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    ref = _order(market, [("TEH-MLT-25", 1)])
    package = core.pack(market.state, "lazada", ref)["ref"]  # packed in Seller Center: no label asked for yet
    with pytest.raises(NotReady):
        link.shipping_document(ref, package)
    market.advance_clock(core.LABEL_DELAY + 1)
    assert link.shipping_document(ref, "").pdf.startswith(b"%PDF")  # the package id read from the order
    answer = next(x for x in reversed(wire) if x.path == "/order/package/document/get").answer
    url = answer["result"]["data"]["pdf_url"]
    assert requests.get(url, timeout=5).content.startswith(b"%PDF")
    market.advance_clock(601)  # "The PDF link is valid for ten minutes"
    assert requests.get(url, timeout=5).status_code == 403
    _checked(wire)


def test_a_seller_that_chooses_its_provider_and_a_bad_provider(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    practice_shop.let_seller_choose_provider(market.state)
    first, second = _order(market, [("TEH-MLT-25", 1)]), _order(market, [("GULA-AREN-500", 1)])
    offered = link.shipping_options(first).providers
    assert offered[0] == "LEX ID" and "JNE" in offered
    assert link.ship(first, ShipChoice(ShipMethod.PICKUP, provider="JNE")).courier == "JNE"

    stock = _stock(market, "GULA-AREN-500")
    with pytest.raises(Permanent) as bad:
        link.ship(second, ShipChoice(ShipMethod.DROPOFF, provider="Kurir Antah"))
    assert (bad.value.platform_code, bad.value.platform_message) == ("700033",
                                                                     "transferringWarehouseCode cannot found")
    assert _get(link, second).status is OrderStatus.PAID and _stock(market, "GULA-AREN-500") == stock
    _checked(wire)


def test_refusals_cancelled_meanwhile_unpaid_own_courier_and_shipped_elsewhere(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    gone = _order(market, [("TEH-MLT-25", 1)])
    admin(market, "/orders/cancel", {"platform": "lazada", "order": gone})
    with pytest.raises(Permanent) as cancelled:
        link.ship(gone, PICKUP)
    assert cancelled.value.platform_code == "canceled" and not isinstance(cancelled.value, AlreadyDone)

    unpaid = _order(market, [("TEH-MLT-25", 1)], paid=False)
    with pytest.raises(Permanent) as not_paid:
        link.ship(unpaid, PICKUP)
    assert (not_paid.value.platform_code, not_paid.value.platform_message) == ("700031", "item not ready to fulfill")

    with pytest.raises(NotPermitted):
        link.ship(_order(market, [("TEH-MLT-25", 1)]), ShipChoice(ShipMethod.OWN_COURIER, tracking_number="X1"))

    elsewhere = _order(market, [("GULA-AREN-500", 1)])
    core.pack(market.state, "lazada", elsewhere)
    core.arrange(market.state, "lazada", elsewhere, "pickup", require_packed=True)
    with pytest.raises(AlreadyDone):
        link.ship(elsewhere, PICKUP)

    # packed, then cancelled before ReadyToShip: Lazada's own words for the package
    late = _order(market, [("TEH-MLT-25", 1)])
    package = core.pack(market.state, "lazada", late)["ref"]
    core.seller_cancel(market.state, "lazada", late, "Out of Stock")
    answer = link.client.call("POST", "/order/package/rts",
                              {"readyToShipReq": json.dumps({"packages": [{"package_id": package}]})})
    row = answer["result"]["data"]["packages"][0]
    assert (row["item_err_code"], row["msg"]) == ("600002", "package already cancelled")
    with pytest.raises(Permanent) as no_label:
        link.shipping_document(late, package)
    assert no_label.value.platform_message == "There are no packages that support printing!"
    _checked(wire)


def _units(order: Order, sku: str) -> list[str]:
    return [li.line_id for li in order.lines if li.seller_sku == sku]


def test_seller_cancels_items_then_the_order(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    gula, teh = _stock(market, "GULA-AREN-500"), _stock(market, "TEH-MLT-25")
    ref = _order(market, [("GULA-AREN-500", 2), ("TEH-MLT-25", 1)])
    first = _get(link, ref)
    second_gula = _units(first, "GULA-AREN-500")[1]
    link.cancel_order(ref, "10000021", [CancelLine(second_gula, "", "", 1)])
    after = _get(link, ref)
    assert [li.cancelled_quantity for li in after.lines if li.line_id == second_gula] == [1]
    assert after.status is OrderStatus.PAID and _stock(market, "GULA-AREN-500") == gula - 1
    with pytest.raises(AlreadyDone):
        link.cancel_order(ref, "10000021", [CancelLine(second_gula, "", "", 1)])

    with pytest.raises(Permanent) as unknown:
        link.cancel_order(ref, "99999")  # a reason Lazada does not offer: its own refusal
    assert (unknown.value.platform_code, unknown.value.platform_message) == ("104", "E0104: reason is empty or invalid")
    link.cancel_order(ref, "10000019")  # the rest of the order
    assert _get(link, ref).status is OrderStatus.CANCELLED
    assert (_stock(market, "GULA-AREN-500"), _stock(market, "TEH-MLT-25")) == (gula, teh)  # each unit back once
    with pytest.raises(AlreadyDone):
        link.cancel_order(ref, "10000021")

    packed = _order(market, [("GULA-AREN-500", 2)])
    core.pack(market.state, "lazada", packed)
    link.cancel_order(packed, "10000021", [CancelLine(_units(_get(link, packed), "GULA-AREN-500")[0], "", "", 1)])
    assert _get(link, packed).status is OrderStatus.CANCELLED  # "other order items in the same package" go too
    assert _stock(market, "GULA-AREN-500") == gula

    shipped = _order(market, [("TEH-MLT-25", 1)])
    link.ship(shipped, PICKUP)
    admin(market, "/shipments/advance", {"platform": "lazada", "everything": True})
    with pytest.raises(Permanent) as late:
        link.cancel_order(shipped, "10000021")
    assert late.value.platform_code == "tip_error" and "shipped" in late.value.platform_message
    assert {"OrderCancelValidate", "InitReverseOrderCancel"} <= _checked(wire)


def test_buyer_cancel_requests(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    teh = _stock(market, "TEH-MLT-25")
    ref = _order(market, [("TEH-MLT-25", 2)])
    admin(market, "/orders/cancel_request", {"platform": "lazada", "order": ref, "reason": "Berubah pikiran"})
    asked = _get(link, ref).cancel_request
    assert asked is not None and asked.request_id and asked.reason == "Berubah pikiran"
    assert asked.answer_by is not None and asked.answer_by > _now(market)
    with pytest.raises(Permanent):
        link.ship(ref, PICKUP)  # waiting for the seller's answer

    link.answer_cancel_request(ref, asked.request_id, accept=False)
    assert _get(link, ref).cancel_request is None and _get(link, ref).status is OrderStatus.PAID
    with pytest.raises(AlreadyDone):
        link.answer_cancel_request(ref, asked.request_id, accept=True)

    admin(market, "/orders/cancel_request", {"platform": "lazada", "order": ref})
    again = _get(link, ref).cancel_request
    assert again is not None and again.request_id != asked.request_id
    link.answer_cancel_request(ref, again.request_id, accept=True)
    assert _get(link, ref).status is OrderStatus.CANCELLED and _stock(market, "TEH-MLT-25") == teh
    assert "InitReverseOrderCancelDecide" in _checked(wire)


def _delivered(market: PracticeMarketplace, link: LazadaConnector, lines: list[tuple[str, int]]) -> str:
    ref = _order(market, lines)
    link.ship(ref, PICKUP)
    admin(market, "/shipments/advance", {"platform": "lazada", "everything": True})
    admin(market, "/shipments/advance", {"platform": "lazada"})
    return ref


def _returns(market: PracticeMarketplace, link: LazadaConnector) -> dict[str, Any]:
    now = _now(market)
    page = link.pull_returns(now - timedelta(days=1), now + timedelta(minutes=1))
    assert page.done and page.next_cursor is None
    return {r.order_id: r for r in page.returns}


def test_returns_are_pulled_and_answered(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    kept = _delivered(market, link, [("GULA-AREN-500", 2)])
    refused = _delivered(market, link, [("TEH-MLT-25", 2)])
    fresh = _delivered(market, link, [("TEH-MLT-25", 1)])
    admin(market, "/orders/return", {"platform": "lazada", "order": kept, "photos": 2, "reason": "Kemasan rusak"})
    admin(market, "/orders/return", {"platform": "lazada", "order": refused})
    admin(market, "/orders/return", {"platform": "lazada", "order": fresh, "needs_item_back": False})

    found = _returns(market, link)
    asked = found[kept]
    price = int(market.state.listing_by_sku("lazada", "GULA-AREN-500")["price"])
    assert asked.state is ReturnState.REQUESTED and asked.state_raw == "REQUEST_INITIATE"
    assert asked.reason == "Kemasan rusak" and len(asked.photos) == 2 and asked.refund_amount == 2 * price
    assert [li.seller_sku for li in asked.lines] == ["GULA-AREN-500"] * 2 and asked.answer_by is not None
    assert asked.actions == (ReturnAction.ACCEPT, ReturnAction.REFUSE) and asked.needs_item_back
    assert found[fresh].actions == (ReturnAction.ACCEPT,) and not found[fresh].needs_item_back

    link.answer_return(asked.return_id, ReturnAnswer(ReturnAction.ACCEPT))
    link.answer_return(found[refused].return_id, ReturnAnswer(ReturnAction.REFUSE, note="Segel masih utuh"))
    with pytest.raises(NotPermitted):
        link.answer_return(found[fresh].return_id, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=1000))
    with pytest.raises(NotPermitted):
        link.answer_return(found[fresh].return_id, ReturnAnswer(ReturnAction.REFUSE))
    link.answer_return(found[fresh].return_id, ReturnAnswer(ReturnAction.ACCEPT))

    now_found = _returns(market, link)
    assert now_found[kept].state is ReturnState.ACCEPTED and not now_found[kept].actions
    assert now_found[refused].state is ReturnState.REFUSED
    assert now_found[fresh].state is ReturnState.REFUNDED
    with pytest.raises(AlreadyDone):
        link.answer_return(asked.return_id, ReturnAnswer(ReturnAction.REFUSE))
    assert {"GetReverseOrdersForSeller", "GetReverseOrderHistoryList", "GetReverseOrderReasonList",
            "ReverseOrderReturnUpdate", "ReverseOrderOnlyRefundDecide"} <= _checked(wire)


def test_returns_come_a_page_at_a_time(market: PracticeMarketplace) -> None:
    link = connector(market)
    link.return_page_size = 2
    refs = {_delivered(market, link, [("TEH-MLT-25", 1)]) for _ in range(5)}
    for ref in refs:
        admin(market, "/orders/return", {"platform": "lazada", "order": ref})
    now, cursor, seen, pages = _now(market), None, [], 0
    while True:
        page = link.pull_returns(now - timedelta(days=1), now + timedelta(minutes=1), cursor)
        seen += [r.order_id for r in page.returns]
        pages += 1
        if page.done:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(refs) and pages == 3
    assert link.pull_returns(now + timedelta(minutes=2), now + timedelta(minutes=3)).returns == ()


def test_every_fulfilment_contract_is_exercised_by_this_file() -> None:
    """The contract names each test above checks on the wire (kept in step by hand: a new contract fails here)."""
    checked = {"GetShipmentProvider", "Pack", "ReadyToShip", "PrintAWB", "OrderCancelValidate",
               "InitReverseOrderCancel", "InitReverseOrderCancelDecide", "GetReverseOrdersForSeller",
               "GetReverseOrderHistoryList", "GetReverseOrderReasonList", "ReverseOrderReturnUpdate",
               "ReverseOrderOnlyRefundDecide"}
    assert {e.name for e in FULFILMENT} == checked
