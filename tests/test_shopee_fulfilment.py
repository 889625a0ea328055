"""Shipping, labels, cancellations and returns on Shopee: the connector against the running practice marketplace,
every refusal of the issue's "Bad input and faults" in Shopee's own words, and every call on the wire checked
against its contract (fulfilment_contracts.py, returns_contracts.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from test_contracts_shopee import Wire, endpoint_of
from test_practice_calls import admin, shopee

from companion.connectors.contract import Exchange, check_fields, check_request
from companion.connectors.errors import AlreadyDone, NotReady, Permanent, Temporary
from companion.connectors.factory import practice_credentials
from companion.connectors.http import Http
from companion.connectors.registry import get as spec
from companion.connectors.shopee import ShopeeConnector
from companion.connectors.shopee.client import failed
from companion.connectors.shopee.contracts import meaning_of
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.fulfilment_contracts import (
    ALLOCATING,
    FULFILMENT_ENDPOINTS,
    GET_SHIPPING_PARAMETER,
    SHIP_ORDER,
)
from companion.connectors.shopee.refusals import as_typed
from companion.connectors.shopee.returns_contracts import RETURN_ENDPOINTS
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAction,
    ReturnAnswer,
    ReturnState,
    ShipChoice,
    ShipMethod,
)
from companion.domain.marketplace import Capability, OrderStatus
from companion.practice import fulfilment as core
from companion.practice.server import PracticeMarketplace

PDF_PATH = "/api/v2/logistics/download_shipping_document"


@pytest.fixture
def wire(market: PracticeMarketplace) -> Wire:
    return Wire(market)


def connector(market: PracticeMarketplace) -> ShopeeConnector:
    """Signed with the practice clock, so moving it (slots expire, labels get made) keeps requests in time."""
    creds = practice_credentials(market.credentials(), market.base_urls)["shopee"]
    assert isinstance(creds, ShopeeCredentials) and creds.email
    return ShopeeConnector(creds, Http(connect_timeout=2.0, read_timeout=5.0),
                           clock=lambda: datetime.fromtimestamp(market.state.now(), UTC))


def order(market: PracticeMarketplace, *lines: tuple[str, int]) -> str:
    made = admin(market, "/orders", {"platform": "shopee", "lines": [{"seller_sku": s, "quantity": q}
                                                                     for s, q in lines]})
    return str(made["ref"])


def stock(market: PracticeMarketplace, sku: str) -> int:
    return int(market.state.listing_by_sku("shopee", sku)["stock"])


def problems(x: Exchange) -> list[str]:
    """The exchange against its contract: the request always; a success's answer (the label is a file); a
    refusal's envelope and a documented code."""
    endpoint = endpoint_of(x)
    found = [f"request {p}" for p in check_request(endpoint, x.query, x.body)]
    if isinstance(x.answer, bytes):
        return found + ([] if x.path == PDF_PATH and x.answer.startswith(b"%PDF") else ["answer: not a PDF"])
    code = str(x.answer.get("error") or "").strip()
    if not code:
        return found + [f"answer {p}" for p in check_fields(endpoint.answer, x.answer, "answer", allow_unknown=True)]
    found += check_fields(endpoint.answer[:3], x.answer, "error", allow_unknown=True)
    if meaning_of(endpoint, code, str(x.answer.get("message") or "")) is None:
        found.append(f"error {code!r} is not documented for {endpoint.name}")
    return found


def assert_keeps_contract(wire: Wire) -> None:
    bad = {f"{x.method} {x.path} {x.answer.get('error') if isinstance(x.answer, dict) else 'file'}": problems(x)
           for x in wire.exchanges if problems(x)}
    assert not bad, bad


def test_the_spec_declares_fulfilment_from_the_reference() -> None:
    shopee = spec("shopee")
    assert shopee.has(Capability.FULFILMENT) and Capability.FULFILMENT in ShopeeConnector.capabilities
    rules = shopee.fulfilment
    assert rules is not None and rules.cancels_lines and rules.partial_refund and rules.late_note
    assert rules.cancel_reasons[0].code == "OUT_OF_STOCK"
    assert set(rules.methods) == {ShipMethod.PICKUP, ShipMethod.DROPOFF, ShipMethod.OWN_COURIER}


def test_ship_with_pickup_then_the_label_and_the_order_pull(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    ref = order(market, ("KOPI-ROB-250", 2))
    options = shop.shipping_options(ref)
    assert set(options.methods) == {ShipMethod.PICKUP, ShipMethod.DROPOFF, ShipMethod.OWN_COURIER}
    assert options.addresses and options.addresses[0].slots and options.branches
    earliest = options.addresses[0].slots[0]
    assert all(earliest.starts <= s.starts for s in options.addresses[0].slots if s.starts and earliest.starts)

    shipped = shop.ship(ref, ShipChoice(ShipMethod.PICKUP))  # "" address and slot: the first, the earliest
    assert shipped.tracking_number.startswith("SPXID0")
    package = core.package_of_order(market.state, "shopee", ref)
    assert package is not None and package["slot_id"] == earliest.slot_id
    with pytest.raises(AlreadyDone):  # never twice
        shop.ship(ref, ShipChoice(ShipMethod.PICKUP))

    [pulled] = shop.get_orders([ref])
    assert (pulled.status, pulled.status_raw) == (OrderStatus.READY_TO_SHIP, "PROCESSED")
    assert pulled.courier == "SPX Express" and pulled.tracking_number == shipped.tracking_number
    assert pulled.package_id == package["ref"] and pulled.buyer_city

    with pytest.raises(NotReady):  # Shopee makes labels asynchronously
        shop.shipping_document(ref, pulled.package_id)
    market.advance_clock(core.LABEL_DELAY + 1)
    document = shop.shipping_document(ref, pulled.package_id)
    assert document.pdf.startswith(b"%PDF") and document.package_id == pulled.package_id

    admin(market, "/shipments/advance", {"platform": "shopee", "everything": True})
    [moving] = shop.get_orders([ref])
    assert (moving.status, moving.status_raw) == (OrderStatus.SHIPPED, "SHIPPED")
    assert_keeps_contract(wire)


def test_dropoff_and_own_courier(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    first, second = order(market, ("TEH-MLT-25", 1)), order(market, ("TEH-MLT-25", 1))
    shop.ship(first, ShipChoice(ShipMethod.DROPOFF))
    package = core.package_of_order(market.state, "shopee", first)
    assert package is not None and package["branch_id"] == core.BRANCHES[0][0]
    shipped = shop.ship(second, ShipChoice(ShipMethod.OWN_COURIER, tracking_number="JNE12345678", courier="JNE"))
    assert (shipped.tracking_number, shipped.courier) == ("JNE12345678", "JNE")
    third = order(market, ("TEH-MLT-25", 1))
    with pytest.raises(Permanent) as nowhere:  # a remembered address Shopee no longer has
        shop.ship(third, ShipChoice(ShipMethod.PICKUP, address_id="gone"))
    assert nowhere.value.platform_message == "Address is not found."
    body = [x for x in wire.exchanges if x.path == "/api/v2/logistics/ship_order"][1].body
    assert body == {"order_sn": second, "non_integrated": {"tracking_number": "JNE12345678"}}
    assert_keeps_contract(wire)


def test_each_refusal_is_one_sentence_in_shopees_words(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    expired, closed, cancelled, elsewhere = (order(market, ("KOPI-ROB-250", 1)) for _ in range(4))

    # a slot that expired between choosing and sending
    slot = shop.shipping_options(expired).addresses[0].slots[0]
    assert slot.starts is not None
    market.advance_clock(slot.starts.timestamp() - market.state.now() + 60)
    shop.use_tokens(shop.refresh_tokens())  # hours went by: the 4-hour access token with them
    with pytest.raises(Permanent) as late:
        shop.ship(expired, ShipChoice(ShipMethod.PICKUP, slot_id=slot.slot_id))
    assert not isinstance(late.value, AlreadyDone)
    assert late.value.platform_message == "Selected pickup timeslot is unavailable. Please reselect."

    # a branch that closed
    branch = shop.shipping_options(closed).branches[0].branch_id
    admin(market, "/branches/close", {"platform": "shopee", "branch_id": branch})
    with pytest.raises(Permanent) as shut:
        shop.ship(closed, ShipChoice(ShipMethod.DROPOFF, branch_id=branch))
    assert shut.value.platform_message == "Store is not found."

    # the buyer cancelled meanwhile: nothing ships, stock is back once
    before = stock(market, "KOPI-ROB-250")
    admin(market, "/orders/cancel", {"platform": "shopee", "order": cancelled})
    with pytest.raises(Permanent) as gone:
        shop.ship(cancelled, ShipChoice(ShipMethod.PICKUP))
    assert not isinstance(gone.value, AlreadyDone)
    assert gone.value.platform_message == "The order has been cancelled."
    assert stock(market, "KOPI-ROB-250") == before + 1

    # arranged from the seller centre: already done, never shipped twice
    core.arrange(market.state, "shopee", elsewhere, "dropoff")
    with pytest.raises(AlreadyDone):
        shop.ship(elsewhere, ShipChoice(ShipMethod.PICKUP))
    assert len(core.packages(market.state, "shopee")) == 1

    # a label asked for before the order is arranged: no tracking number yet
    with pytest.raises(NotReady):
        shop.shipping_document(expired, "")
    assert_keeps_contract(wire)
    assert {"error_status", "logistics.error_param", "logistics.error_store_not_found", "error_param"} <= {
        x.answer.get("error") for x in wire.exchanges if isinstance(x.answer, dict)}


def test_seller_cancels_whole_orders_and_lines(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    whole = order(market, ("KOPI-ROB-250", 2))
    part = order(market, ("KOPI-ROB-250", 3), ("TEH-MLT-25", 1))
    kopi, teh = stock(market, "KOPI-ROB-250"), stock(market, "TEH-MLT-25")

    shop.cancel_order(whole, "OUT_OF_STOCK")
    assert wire.last("/api/v2/order/cancel_order").body["item_list"]  # required with OUT_OF_STOCK
    assert shop.get_orders([whole])[0].status is OrderStatus.CANCELLED
    assert stock(market, "KOPI-ROB-250") == kopi + 2
    with pytest.raises(AlreadyDone):
        shop.cancel_order(whole, "OUT_OF_STOCK")

    line = next(li for li in shop.get_orders([part])[0].lines if li.quantity == 3)
    shop.cancel_order(part, "OUT_OF_STOCK", [CancelLine(line.line_id, line.item_id, line.sku_id, 2)])
    [after] = shop.get_orders([part])
    assert after.status is OrderStatus.PAID
    assert {li.line_id: li.cancelled_quantity for li in after.lines}[line.line_id] == 2
    assert (stock(market, "KOPI-ROB-250"), stock(market, "TEH-MLT-25")) == (kopi + 4, teh)
    with pytest.raises(Permanent) as too_many:
        shop.cancel_order(part, "OUT_OF_STOCK", [CancelLine(line.line_id, line.item_id, line.sku_id, 5)])
    assert too_many.value.platform_code == "error_param" and stock(market, "KOPI-ROB-250") == kopi + 4
    assert_keeps_contract(wire)


def test_buyer_cancel_requests_accepted_and_refused(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    yes, no = order(market, ("TEH-MLT-25", 1)), order(market, ("TEH-MLT-25", 1))
    before = stock(market, "TEH-MLT-25")
    for ref in (yes, no):
        admin(market, "/orders/cancel_request", {"platform": "shopee", "order": ref, "reason": "Berubah pikiran"})
    pulled = {o.order_id: o for o in shop.get_orders([yes, no])}
    request = pulled[yes].cancel_request
    assert pulled[yes].status_raw == "IN_CANCEL" and request is not None and request.reason == "Berubah pikiran"
    with pytest.raises(Permanent):  # an order the buyer wants cancelled does not ship
        shop.ship(yes, ShipChoice(ShipMethod.PICKUP))

    shop.answer_cancel_request(yes, "", True)
    shop.answer_cancel_request(no, "", False)
    pulled = {o.order_id: o for o in shop.get_orders([yes, no])}
    assert pulled[yes].status is OrderStatus.CANCELLED and pulled[no].status_raw == "READY_TO_SHIP"
    assert pulled[no].cancel_request is None and stock(market, "TEH-MLT-25") == before + 1
    with pytest.raises(AlreadyDone):
        shop.answer_cancel_request(yes, "", True)
    with pytest.raises(Permanent) as wrong_way:
        shop.answer_cancel_request(no, "", True)
    assert not isinstance(wrong_way.value, AlreadyDone)
    assert wrong_way.value.platform_message == "Invalid order_status.The order status should be IN_CANCEL."
    assert_keeps_contract(wire)


def _delivered(market: PracticeMarketplace, shop: ShopeeConnector, ref: str) -> None:
    shop.ship(ref, ShipChoice(ShipMethod.DROPOFF))
    for _ in range(2):
        admin(market, "/shipments/advance", {"platform": "shopee", "everything": True})


def test_returns_pulled_and_answered(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    refs = [order(market, ("KOPI-ROB-250", 2)) for _ in range(4)]
    for ref in refs:
        _delivered(market, shop, ref)
    made = [admin(market, "/orders/return", {"platform": "shopee", "order": ref, "photos": 1, "note": "Pecah"})
            for ref in refs]
    page = shop.pull_returns(datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=2))
    assert page.done and {r.return_id for r in page.returns} == {m["ref"] for m in made}
    first = next(r for r in page.returns if r.return_id == made[0]["ref"])
    assert (first.state, first.state_raw, first.order_id) == (ReturnState.REQUESTED, "REQUESTED", refs[0])
    assert first.lines[0].quantity == 2 and first.photos and first.buyer_note == "Pecah"
    assert first.refund_amount > 0 and first.answer_by is not None and first.needs_item_back
    assert ReturnAction.PARTIAL_REFUND in first.actions

    accept, refuse, partial, photos = (m["ref"] for m in made)
    shop.answer_return(accept, ReturnAnswer(ReturnAction.ACCEPT))
    with pytest.raises(AlreadyDone):
        shop.answer_return(accept, ReturnAnswer(ReturnAction.ACCEPT))
    shop.answer_return(refuse, ReturnAnswer(ReturnAction.REFUSE, note="Paket retur belum sampai"))
    assert wire.last("/api/v2/returns/dispute").body["dispute_reason_id"] == 101  # the reason needing no photos
    shop.answer_return(partial, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=5000))
    assert wire.last("/api/v2/returns/offer").body["proposed_adjusted_refund_amount"] == 5000.0
    with pytest.raises(Permanent) as evidence:
        shop.answer_return(photos, ReturnAnswer(ReturnAction.REFUSE, reason="102"))
    assert evidence.value.platform_message == "can't raise dispute because mandatory evidence is missing"
    with pytest.raises(Permanent) as too_much:
        shop.answer_return(photos, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=10_000_000))
    assert "can not exceed max refund amount" in too_much.value.platform_message

    states = {r.return_id: r.state for r in shop.pull_returns(
        datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=2)).returns}
    assert (states[accept], states[refuse], states[partial], states[photos]) == (
        ReturnState.ACCEPTED, ReturnState.REFUSED, ReturnState.REFUNDED, ReturnState.REQUESTED)
    assert_keeps_contract(wire)


def test_return_pages_and_windows(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    refs = [order(market, ("TEH-MLT-25", 1)) for _ in range(3)]
    for ref in refs:
        _delivered(market, shop, ref)
        admin(market, "/orders/return", {"platform": "shopee", "order": ref})
    shop.return_page_size = 2  # smaller pages, to walk several
    seen: list[str] = []
    cursor = None
    start = datetime.now(UTC) - timedelta(days=40)
    end = datetime.now(UTC) + timedelta(days=2)  # once: a walk keeps its window (a later second is a new window)
    for _ in range(10):
        page = shop.pull_returns(start, end, cursor)
        seen += [r.order_id for r in page.returns]
        cursor = page.next_cursor
        if page.done:
            break
    assert sorted(seen) == sorted(refs)
    windows = {(x.query["update_time_from"], x.query["update_time_to"]) for x in wire.exchanges
               if x.path == "/api/v2/returns/get_return_list"}
    assert len(windows) == 3 and all(int(b) - int(a) <= 15 * 86400 for a, b in windows)
    assert_keeps_contract(wire)


def test_every_fulfilment_contract_is_exercised(market: PracticeMarketplace, wire: Wire) -> None:
    test_ship_with_pickup_then_the_label_and_the_order_pull(market, wire)
    test_seller_cancels_whole_orders_and_lines(market, wire)
    test_buyer_cancel_requests_accepted_and_refused(market, wire)
    test_returns_pulled_and_answered(market, wire)
    used = {endpoint_of(x).name for x in wire.exchanges}
    assert {e.name for e in (*FULFILMENT_ENDPOINTS, *RETURN_ENDPOINTS)} <= used


def test_the_practice_refuses_what_the_reference_refuses(market: PracticeMarketplace, wire: Wire) -> None:
    ref = order(market, ("KOPI-ROB-250", 1))
    answer = shopee(market, "POST", "/api/v2/logistics/ship_order", body={
        "order_sn": ref, "pickup": {"address_id": 4001}, "dropoff": {"branch_id": 5001}}).json()
    assert answer["error"] == "logistics.ship_order_only_support_one_type"
    answer = shopee(market, "POST", "/api/v2/logistics/ship_order", body={"order_sn": ref, "pickup": {}}).json()
    assert answer["error"] == "error_param" and "address_id" in answer["message"]
    answer = shopee(market, "POST", "/api/v2/order/cancel_order", body={"order_sn": ref,
                                                                        "cancel_reason": "OUT_OF_STOCK"}).json()
    assert answer["error"] == "error_param" and "item_list" in answer["message"]
    answer = shopee(market, "POST", "/api/v2/logistics/create_shipping_document", body={
        "order_list": [{"order_sn": ref}]}).json()
    assert answer["error"] == "common.batch_api_all_failed"
    assert answer["response"]["result_list"][0]["fail_error"] == "logistics.order_status_error"
    now = int(market.state.now())
    answer = shopee(market, "GET", "/api/v2/returns/get_return_list", {
        "page_no": 0, "page_size": 10, "update_time_from": now - 16 * 86400, "update_time_to": now}).json()
    assert answer["error"] == "error_param" and "15 days" in answer["message"]
    # these requests break the contract on purpose: the answers keep theirs
    answers = {x.path: [p for p in problems(x) if not p.startswith("request ")] for x in wire.exchanges}
    assert not any(answers.values()), answers


def test_passing_trouble_and_blank_errors_read_as_the_reference_means_them() -> None:
    """"The order is being allocated, please wait" is Temporary (asked again later), not a refusal; the reference's
    own success samples answer error " " and "-", which are no error."""
    allocating = as_typed(GET_SHIPPING_PARAMETER, Permanent("logistics.error_param", ALLOCATING))
    assert isinstance(allocating, Temporary)
    refused = as_typed(SHIP_ORDER, Permanent("logistics.error_param", "Order has been shipped."))
    assert type(refused) is Permanent
    assert not failed({"error": " "}) and not failed({"error": "-"}) and not failed({"error": ""})
    assert failed({"error": "error_param"})
