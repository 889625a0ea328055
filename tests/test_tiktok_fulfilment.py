"""TikTok Shop shipping, labels, cancellations and returns: the connector against the running practice marketplace
over real HTTP, each exchange checked on the wire against the contracts (fulfilment_contracts.py, from the published
Partner API 202309 reference) and every refusal the issue names (slot expired, drop-off unavailable, label not
ready, cancelled meanwhile, already shipped) ending in the platform's own code and words, nothing shipped twice and
no stock moved on a refusal."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdfium2
import pytest
from sync_child import admin, market_credentials

from companion.connectors.contract import Endpoint, check_fields, check_request, find
from companion.connectors.errors import AlreadyDone, NotReady, Permanent, Temporary
from companion.connectors.http import Http
from companion.connectors.tiktok import fulfilment_mapping as fm
from companion.connectors.tiktok import practice_shop
from companion.connectors.tiktok.connector import TikTokConnector
from companion.connectors.tiktok.contracts import ALL_ENDPOINTS, meaning_of
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.connectors.tiktok.fulfilment_contracts import FULFILMENT_ENDPOINTS
from companion.connectors.tiktok.fulfilment_rules import RULES
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAction,
    ReturnAnswer,
    ReturnState,
    ShipChoice,
    ShipMethod,
)
from companion.domain.marketplace import OrderStatus
from companion.practice import fulfilment as core
from companion.practice.exchange import Reply, Request
from companion.practice.server import PracticeMarketplace

SKU = "TEH-MLT-25"


@dataclass
class Seen:
    endpoint: Endpoint
    query: dict[str, str]
    body: Any
    answer: Any


class Wire:
    """Every TikTok exchange with the contract it falls under; label downloads (doc_url) are counted apart."""

    def __init__(self, market: PracticeMarketplace) -> None:
        self.seen: list[Seen] = []
        self.unknown: list[str] = []
        self.downloads = 0
        market.recorders.append(self.record)

    def record(self, channel: str, request: Request, reply: Reply) -> None:
        if not channel.startswith("tiktok"):
            return
        if "/wsos_v2/" in request.path:
            self.downloads += 1
            return
        endpoint = find(ALL_ENDPOINTS, request.method, request.path)
        if reply.drop:  # the answer never left: only the request is checked
            if endpoint is not None:
                self.seen.append(Seen(endpoint, request.params(), request.json() if request.body else None, {}))
            return
        if endpoint is None:
            self.unknown.append(f"{request.method} {request.path}")
            return
        body = request.json() if request.body else None
        self.seen.append(Seen(endpoint, request.params(), body, copy.deepcopy(reply.payload)))

    def codes(self, name: str) -> list[int]:
        return [s.answer["code"] for s in self.seen if s.endpoint.name == name and s.answer.get("code")]

    def problems(self) -> list[str]:
        found = list(self.unknown)
        for s in self.seen:
            found += [f"{s.endpoint.name}: {p}" for p in check_request(s.endpoint, s.query, s.body)]
            code = s.answer.get("code")
            if code is None:
                continue
            if code == 0:
                found += [f"{s.endpoint.name}: {p}" for p in check_fields(s.endpoint.answer, s.answer, "answer",
                                                                          allow_unknown=True)]
            elif meaning_of(s.endpoint, str(code), str(s.answer.get("message"))) is None:
                found.append(f"{s.endpoint.name}: code {code} is not documented ({s.answer.get('message')})")
        return found


@pytest.fixture
def wire(market: PracticeMarketplace) -> Iterator[Wire]:
    w = Wire(market)
    yield w
    assert w.problems() == []  # every request and answer of the test kept to its contract


def _connector(market: PracticeMarketplace) -> TikTokConnector:
    """A connector signing with the practice clock (tests move it forward past slots and label delays)."""
    creds = market_credentials(market.base_urls["admin"])["tiktok"]
    assert isinstance(creds, TikTokCredentials)
    return TikTokConnector(creds, Http(), lambda: datetime.fromtimestamp(market.state.now(), UTC))


def _order(market: PracticeMarketplace, quantity: int = 2) -> str:
    made = admin(market.base_urls["admin"], "/orders", {"platform": "tiktok",
                                                         "lines": [{"seller_sku": SKU, "quantity": quantity}]})
    return str(made["ref"])


def _stock(market: PracticeMarketplace) -> int:
    return int(market.state.listing_by_sku("tiktok", SKU)["stock"])


def _status(market: PracticeMarketplace, ref: str) -> str:
    return str(market.state.order("tiktok", ref)["status"])


def _refused(error: pytest.ExceptionInfo[Permanent], code: str) -> str:
    assert error.value.platform_code == code
    return error.value.platform_message


def _window(market: PracticeMarketplace) -> tuple[datetime, datetime]:
    now = datetime.fromtimestamp(market.state.now(), UTC)
    return now - timedelta(days=1), now + timedelta(minutes=1)


def test_pickup_at_the_earliest_slot_then_label_then_in_transit(market: PracticeMarketplace, wire: Wire) -> None:
    ref = _order(market)
    connector = _connector(market)
    [order] = connector.get_orders([ref])
    assert order.package_id == practice_shop.package_id(ref) and order.buyer_city and order.courier == "J&T Express"
    options = connector.shipping_options(ref)
    assert options.methods == (ShipMethod.PICKUP, ShipMethod.DROPOFF) and options.package_id == order.package_id
    earliest = options.addresses[0].slots[0]
    shipped = connector.ship(ref, ShipChoice(ShipMethod.PICKUP))  # slot "": the earliest offered now
    assert shipped.package_id == order.package_id
    package = core.package_of_order(market.state, "tiktok", ref)
    assert package is not None and package["slot_id"] == earliest.slot_id.split("-")[0]
    [arranged] = connector.get_orders([ref])
    assert (arranged.status_raw, arranged.status) == ("AWAITING_COLLECTION", OrderStatus.READY_TO_SHIP)
    assert arranged.tracking_number.startswith("JX")
    with pytest.raises(NotReady):
        connector.shipping_document(ref, order.package_id)  # 11034037: still being generated
    market.advance_clock(core.LABEL_DELAY + 1)
    label = connector.shipping_document(ref, order.package_id)
    assert label.pdf.startswith(b"%PDF") and len(pypdfium2.PdfDocument(label.pdf)) == 1
    assert wire.downloads == 1
    with pytest.raises(AlreadyDone) as again:
        connector.ship(ref, ShipChoice(ShipMethod.PICKUP))
    assert _refused(again, "21011040") == "Package has already been shipped."  # nothing shipped twice
    core.advance_shipments(market.state, "tiktok", everything=True)
    [moving] = connector.pull_orders(*_window(market)).orders
    assert (moving.status_raw, moving.status) == ("IN_TRANSIT", OrderStatus.SHIPPED)
    assert wire.codes("shipping_document") == [11034037] and wire.codes("ship_package") == [21011040]


def test_a_chosen_slot_that_expired_is_refused_in_tiktok_words(market: PracticeMarketplace, wire: Wire) -> None:
    ref, stock = _order(market), _stock(market)
    connector = _connector(market)
    slot = connector.shipping_options(ref).addresses[0].slots[0]
    assert slot.starts is not None
    market.advance_clock(slot.starts.timestamp() - market.state.now() + 60)  # the slot has started
    with pytest.raises(Permanent) as late:
        connector.ship(ref, ShipChoice(ShipMethod.PICKUP, slot_id=slot.slot_id))
    assert not isinstance(late.value, AlreadyDone)
    assert "outside of the pick-up time slot" in _refused(late, "21011053")
    assert _status(market, ref) == "AWAITING_SHIPMENT" and _stock(market) == stock  # nothing changed
    later = connector.shipping_options(ref).addresses[0].slots[0]
    connector.ship(ref, ShipChoice(ShipMethod.PICKUP, slot_id=later.slot_id))
    assert _status(market, ref) == "AWAITING_COLLECTION"


def test_drop_off_and_no_drop_off_place_open(market: PracticeMarketplace, wire: Wire) -> None:
    first, second = _order(market), _order(market, 1)
    connector = _connector(market)
    for branch_id, _, _ in core.BRANCHES:
        core.close_branch(market.state, "tiktok", branch_id)
    assert ShipMethod.DROPOFF not in connector.shipping_options(first).methods
    with pytest.raises(Permanent) as closed:
        connector.ship(first, ShipChoice(ShipMethod.DROPOFF))
    assert "No available shipping services" in _refused(closed, "11021009")
    core.close_branch(market.state, "tiktok", core.BRANCHES[0][0], closed=False)
    connector.ship(first, ShipChoice(ShipMethod.DROPOFF))
    assert core.package_of_order(market.state, "tiktok", first)["method"] == "dropoff"  # type: ignore[index]
    assert _status(market, second) == "AWAITING_SHIPMENT"


def test_own_courier_needs_a_tracking_number_and_a_known_provider(market: PracticeMarketplace, wire: Wire) -> None:
    ref = _order(market)
    practice_shop.set_seller_shipping(market.state, ref)
    connector = _connector(market)
    options = connector.shipping_options(ref)
    assert options.methods == (ShipMethod.OWN_COURIER,) and "JNE" in options.providers
    with pytest.raises(Permanent) as no_tracking:
        connector.ship(ref, ShipChoice(ShipMethod.OWN_COURIER, courier="JNE"))
    assert no_tracking.value.platform_code == "tracking_required"
    with pytest.raises(Permanent) as unknown:
        connector.ship(ref, ShipChoice(ShipMethod.OWN_COURIER, tracking_number="X1", courier="Kurir Tetangga"))
    assert "Kurir Tetangga" in unknown.value.platform_message
    shipped = connector.ship(ref, ShipChoice(ShipMethod.OWN_COURIER, tracking_number="JNE0012345", courier="jne"))
    assert (shipped.tracking_number, shipped.courier) == ("JNE0012345", "JNE")
    [order] = connector.get_orders([ref])
    assert (order.tracking_number, order.courier, order.status) == ("JNE0012345", "JNE", OrderStatus.READY_TO_SHIP)
    with pytest.raises(Permanent) as label:
        connector.shipping_document(ref, order.package_id)  # seller shipping: the seller makes its own label
    assert "only applicable to TikTok Shipping orders" in _refused(label, "11034002")


def test_cancelled_meanwhile_and_label_before_arranging(market: PracticeMarketplace, wire: Wire) -> None:
    gone, waiting = _order(market), _order(market, 1)
    connector = _connector(market)
    with pytest.raises(Permanent) as early:
        connector.shipping_document(waiting, "")
    assert "arrange shipment before" in _refused(early, "21023035")
    admin(market.base_urls["admin"], "/orders/cancel", {"platform": "tiktok", "order": gone})
    stock = _stock(market)
    with pytest.raises(Permanent) as cancelled:
        connector.ship(gone, ShipChoice(ShipMethod.PICKUP))
    assert not isinstance(cancelled.value, AlreadyDone)
    assert _refused(cancelled, "21011041") == "Cannot complete the operation when order is cancelled."
    assert _stock(market) == stock and core.package_of_order(market.state, "tiktok", gone) is None


def test_seller_cancels_whole_orders_only(market: PracticeMarketplace, wire: Wire) -> None:
    ref, stock = _order(market, 3), _stock(market)
    connector = _connector(market)
    [order] = connector.get_orders([ref])
    line = order.lines[0]
    with pytest.raises(Permanent) as lines:
        connector.cancel_order(ref, RULES.cancel_reasons[0].code, [CancelLine(line.line_id, line.item_id,
                                                                              line.sku_id, 1)])
    assert "individual line items" in _refused(lines, "25005010")  # partial cancellation: US and UK only
    with pytest.raises(Permanent) as reason:
        connector.cancel_order(ref, "seller_cancel_paid_reason_address_not_deliver")  # removed for ID
    assert reason.value.platform_code == "25001014"
    assert _stock(market) == stock
    connector.cancel_order(ref, RULES.cancel_reasons[0].code)  # out of stock first
    assert _status(market, ref) == "CANCELLED" and _stock(market) == stock + 3
    with pytest.raises(AlreadyDone) as twice:
        connector.cancel_order(ref, RULES.cancel_reasons[0].code)
    assert twice.value.platform_code == "25001011" and _stock(market) == stock + 3
    shipped = _order(market, 1)
    connector.ship(shipped, ShipChoice(ShipMethod.DROPOFF))
    core.advance_shipments(market.state, "tiktok", everything=True)
    with pytest.raises(Permanent) as too_late:
        connector.cancel_order(shipped, RULES.cancel_reasons[0].code)
    assert "already been shipped" in _refused(too_late, "25001045")


def test_buyer_cancel_requests_accepted_and_refused(market: PracticeMarketplace, wire: Wire) -> None:
    yes, no = _order(market, 2), _order(market, 1)
    stock = _stock(market)
    for ref in (yes, no):
        core.request_cancel(market.state, "tiktok", ref, "Salah pilih varian")
    connector = _connector(market)
    orders = {o.order_id: o for o in connector.pull_orders(*_window(market)).orders}
    asked = orders[yes].cancel_request
    assert asked is not None and asked.reason == "Salah pilih varian" and asked.request_id
    assert asked.answer_by is not None and asked.answer_by > asked.requested_at
    with pytest.raises(Permanent) as meanwhile:
        connector.ship(yes, ShipChoice(ShipMethod.DROPOFF))  # a request waits for the seller: no shipping
    assert meanwhile.value.platform_code == "21011041"
    connector.answer_cancel_request(yes, asked.request_id, True)
    assert _status(market, yes) == "CANCELLED" and _stock(market) == stock + 2
    refused = orders[no].cancel_request
    assert refused is not None
    connector.answer_cancel_request(no, refused.request_id, False, RULES.refuse_reasons[0].code)
    assert _status(market, no) == "AWAITING_SHIPMENT" and _stock(market) == stock + 2
    [after] = connector.get_orders([no])
    assert after.cancel_request is None
    with pytest.raises(AlreadyDone):
        connector.answer_cancel_request(yes, asked.request_id, False, RULES.refuse_reasons[0].code)
    sent = [s.body for s in wire.seen if s.endpoint.name == "reject_cancellation"]
    assert sent[0]["reject_reason"] == \
        "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason"  # the cancel table's own


def _delivered(market: PracticeMarketplace, connector: TikTokConnector, quantity: int = 2) -> str:
    ref = _order(market, quantity)
    connector.ship(ref, ShipChoice(ShipMethod.DROPOFF))
    core.advance_shipments(market.state, "tiktok", everything=True)
    core.advance_shipments(market.state, "tiktok", everything=True)
    return ref


def test_returns_listed_then_accepted_refused_and_partly_refunded(market: PracticeMarketplace, wire: Wire) -> None:
    connector = _connector(market)
    refs = [_delivered(market, connector) for _ in range(3)]
    lines = {ref: str(market.state.order("tiktok", ref)["lines"][0]["id"]) for ref in refs}
    made = [core.request_return(market.state, "tiktok", ref, "Kemasan penyok", [(lines[ref], 2)],
                                photos=("https://p16-oec-va.ibyteimg.com/retur.jpeg",), note="Dus sobek",
                                needs_item_back=n != 2)
            for n, ref in enumerate(refs)]
    page = connector.pull_returns(*_window(market))
    assert page.done and [r.return_id for r in page.returns] == [r["ref"] for r in made]
    first = page.returns[0]
    assert (first.state, first.reason, first.buyer_note) == (ReturnState.REQUESTED, "Kemasan penyok", "Dus sobek")
    assert first.photos == ("https://p16-oec-va.ibyteimg.com/retur.jpeg",) and first.answer_by is not None
    assert [(li.seller_sku, li.quantity) for li in first.lines] == [(SKU, 1), (SKU, 1)]  # one line item a unit
    [bought] = connector.get_orders([refs[0]])  # return lines name the order's own line items and product
    assert [(li.line_id, li.item_id, li.sku_id) for li in first.lines] == \
        [(li.line_id, li.item_id, li.sku_id) for li in bought.lines]
    assert first.refund_amount == made[0]["amount"] and first.needs_item_back
    assert ReturnAction.PARTIAL_REFUND in first.actions and not page.returns[2].needs_item_back
    connector.answer_return(first.return_id, ReturnAnswer(ReturnAction.ACCEPT))
    connector.answer_return(page.returns[1].return_id, ReturnAnswer(ReturnAction.REFUSE, RULES.refuse_reasons[2].code,
                                                                    "Segel sudah dibuka"))
    connector.answer_return(page.returns[2].return_id, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=5_000))
    states = {r.return_id: r.state for r in connector.pull_returns(*_window(market)).returns}
    assert list(states.values()) == [ReturnState.ACCEPTED, ReturnState.REFUSED, ReturnState.REFUNDED]
    assert core.return_(market.state, "tiktok", made[2]["ref"])["refund"] == 5_000
    with pytest.raises(AlreadyDone):
        connector.answer_return(first.return_id, ReturnAnswer(ReturnAction.REFUSE, RULES.refuse_reasons[0].code))
    decisions = [s.body["decision"] for s in wire.seen if s.endpoint.name in ("approve_return", "reject_return")]
    assert decisions == ["APPROVE_RETURN", "REJECT_RETURN", "OFFER_PARTIAL_REFUND"]


def test_the_practice_refuses_what_the_reference_refuses(market: PracticeMarketplace, wire: Wire) -> None:
    """Wrong decisions and reasons straight on the wire: each answered with its documented code."""
    connector = _connector(market)
    ref = _delivered(market, connector, 1)
    line = str(market.state.order("tiktok", ref)["lines"][0]["id"])
    back = core.request_return(market.state, "tiktok", ref, "Rusak", [(line, 1)])
    call = connector.client.call
    for path, body, code in (
            (f"/return_refund/202309/returns/{back['ref']}/approve", {"decision": "APPROVE_REFUND"}, "25020004"),
            (f"/return_refund/202309/returns/{back['ref']}/reject",
             {"decision": "REJECT_RETURN", "reject_reason": "seller_reject_apply_product_has_been_packed"}, "25001057"),
            (f"/return_refund/202309/returns/{back['ref']}/reject",
             {"decision": "REJECT_RETURN", "reject_reason": "made_up"}, "25001014")):
        with pytest.raises(Permanent) as refused:
            call("POST", path, None, body)
        assert refused.value.platform_code == code
    with pytest.raises(Permanent) as slotless:
        call("POST", f"/fulfillment/202309/packages/{practice_shop.package_id(_order(market))}/ship", None,
             {"handover_method": "PICKUP"})
    assert slotless.value.platform_code == "21011054"


def test_every_fulfilment_contract_is_exercised(market: PracticeMarketplace, wire: Wire) -> None:
    connector = _connector(market)
    seller = _order(market)
    practice_shop.set_seller_shipping(market.state, seller)
    connector.shipping_options(seller)
    ref = _order(market)
    connector.ship(ref, ShipChoice(ShipMethod.PICKUP))
    with pytest.raises(NotReady):
        connector.shipping_document(ref, "")  # the first ask starts the label
    market.advance_clock(core.LABEL_DELAY + 1)
    connector.shipping_document(ref, "")
    asking, refusing = _order(market, 1), _order(market, 1)
    for one in (asking, refusing):
        core.request_cancel(market.state, "tiktok", one, "Berubah pikiran")
    connector.answer_cancel_request(asking, "", True)
    connector.answer_cancel_request(refusing, "", False)
    connector.cancel_order(_order(market, 1), RULES.cancel_reasons[0].code)
    returned = _delivered(market, connector, 1)
    line = str(market.state.order("tiktok", returned)["lines"][0]["id"])
    r1 = core.request_return(market.state, "tiktok", returned, "Rusak", [(line, 1)])
    connector.pull_returns(*_window(market))
    connector.answer_return(r1["ref"], ReturnAnswer(ReturnAction.REFUSE))
    other = _delivered(market, connector, 1)
    r2 = core.request_return(market.state, "tiktok", other, "Rusak",
                             [(str(market.state.order("tiktok", other)["lines"][0]["id"]), 1)])
    connector.answer_return(r2["ref"], ReturnAnswer(ReturnAction.ACCEPT))
    assert {s.endpoint.name for s in wire.seen} >= {e.name for e in FULFILMENT_ENDPOINTS}


def test_the_wire_check_catches_drift(market: PracticeMarketplace, wire: Wire) -> None:
    connector = _connector(market)
    ref = _order(market)
    connector.shipping_options(ref)
    slots = next(s for s in wire.seen if s.endpoint.name == "handover_time_slots")
    drifted = replace(slots, answer=copy.deepcopy(slots.answer))
    drifted.answer["data"]["pickup_slots"][0]["start_time"] = "1623812664"  # a time as text
    assert any("start_time: expected int" in p for p in check_fields(drifted.endpoint.answer, drifted.answer, "a",
                                                                      allow_unknown=True))
    ship = next(e for e in FULFILMENT_ENDPOINTS if e.name == "ship_package")
    assert check_request(ship, {}, {"handover_method": "VAN"}) == \
        ["body.handover_method: 'VAN' is not one of ['PICKUP', 'DROP_OFF']"]


def test_returns_are_walked_page_by_page(market: PracticeMarketplace, wire: Wire) -> None:
    connector = _connector(market)
    connector.return_page_size = 10  # the reference's smallest page
    refs = [_delivered(market, connector, 1) for _ in range(12)]
    for ref in refs:
        core.request_return(market.state, "tiktok", ref, "Rusak",
                            [(str(market.state.order("tiktok", ref)["lines"][0]["id"]), 1)])
    seen, cursor, pages = [], None, 0
    while True:
        page = connector.pull_returns(*_window(market), cursor)
        seen += [r.order_id for r in page.returns]
        pages, cursor = pages + 1, page.next_cursor
        if page.done:
            break
    assert pages == 2 and seen == refs


def test_a_lost_answer_is_never_acted_on_twice(market: PracticeMarketplace, wire: Wire) -> None:
    """The ship went through but its answer was lost: the repeat is AlreadyDone. An approve whose answer was lost
    is repeated with the same idempotency key and answered with success, the order cancelled once."""
    ref, asking = _order(market), _order(market, 2)
    connector = _connector(market)
    request = core.request_cancel(market.state, "tiktok", asking, "Salah alamat")
    stock = _stock(market)

    def lose(channel: str, req: Request, reply: Reply) -> None:  # the work is done, the answer dropped
        if req.method == "POST" and req.path.endswith(("/ship", "/approve")):
            reply.drop = True

    market.recorders.append(lose)
    with pytest.raises(Temporary) as lost:
        connector.ship(ref, ShipChoice(ShipMethod.DROPOFF))
    assert lost.value.outcome_unknown
    with pytest.raises(Temporary):
        connector.answer_cancel_request(asking, request["ref"], True)
    market.recorders.remove(lose)
    with pytest.raises(AlreadyDone):
        connector.ship(ref, ShipChoice(ShipMethod.DROPOFF))
    connector.answer_cancel_request(asking, request["ref"], True)  # same key: success again, nothing more done
    assert _status(market, asking) == "CANCELLED" and _stock(market) == stock + 2
    assert len(market.state.records("packages", platform="tiktok", order_ref=ref)) == 1


def test_a_returned_parcel_waiting_for_inspection_maps_to_its_own_decisions() -> None:
    """A row shaped as the reference's Search Returns sample: BUYER_SHIPPED_ITEM with the seller's next action
    SELLER_RESPOND_RECEIVE_PACKAGE is waiting for the seller; its refusal takes a parcel reason."""
    row = {"order_id": "577686530908261117", "return_id": "4035318504086604100", "return_type": "RETURN_AND_REFUND",
           "return_status": "BUYER_SHIPPED_ITEM", "return_reason_text": "Package or product is damaged",
           "create_time": 1690451136, "update_time": 1690453136,
           "seller_next_action_response": [{"action": "SELLER_RESPOND_RECEIVE_PACKAGE", "deadline": 1690554680}],
           "return_line_items": [{"return_line_item_id": "1", "order_line_item_id": "576473917261451851",
                                  "sku_id": "2729382476852921560", "seller_sku": "PUTIH 1 TALI",
                                  "product_name": "Tissue", "sku_name": "1#, Standard"}],
           "refund_amount": {"currency": "IDR", "refund_total": "15000"}}
    mapped = fm.return_request(row, (), {"576473917261451851": "1729386416015578024"})
    assert (mapped.state, mapped.refund_amount, mapped.lines[0].item_id) == \
        (ReturnState.REQUESTED, 15_000, "1729386416015578024")
    assert mapped.actions == (ReturnAction.ACCEPT, ReturnAction.REFUSE)  # no partial refund for a parcel back
    assert TikTokConnector._decision("SELLER_RESPOND_RECEIVE_PACKAGE", ReturnAnswer(
        ReturnAction.REFUSE, "reverse_reject_request_reason_3")) == \
        ("reject", {"decision": "REJECT_RECEIVED_PACKAGE", "reject_reason": "reverse_reject_return_parcel_reason_2"})
    assert TikTokConnector._decision("SELLER_RESPOND_RECEIVE_PACKAGE", ReturnAnswer(ReturnAction.ACCEPT)) == \
        ("approve", {"decision": "APPROVE_RECEIVED_PACKAGE"})
    done = fm.return_request({**row, "return_status": "RETURN_OR_REFUND_REQUEST_COMPLETE",
                              "seller_next_action_response": []})
    assert (done.state, done.actions) == (ReturnState.REFUNDED, ())
