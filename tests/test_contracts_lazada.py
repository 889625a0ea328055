"""Lazada's contracts (connectors/lazada/contracts.py) hold on both sides: the connector's requests and the practice
marketplace's answers, success and each documented error, as recorded on the wire. A mutated exchange shows the
check catches drift; every contract is exercised."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from test_practice_calls import admin, start_market

from companion.connectors import AuthExpired, NotPermitted, Permanent, Temporary, Throttled
from companion.connectors.contract import Endpoint, Exchange, check_fields, check_request, find
from companion.connectors.factory import build_connector, practice_credentials
from companion.connectors.lazada import auth, contracts, practice_shop
from companion.connectors.lazada.connector import LazadaConnector
from companion.connectors.lazada.contracts_fulfilment import FULFILMENT
from companion.connectors.lazada.contracts_reviews import REVIEW_CONTRACTS
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.lazada.practice_routes import params_of
from companion.domain.marketplace import Order, StockUpdate
from companion.practice.exchange import Reply, Request
from companion.practice.server import PracticeMarketplace

COMMON = Endpoint("common parameters", "GET", "/", source="contracts.COMMON", query=contracts.COMMON)
COMMON_NAMES = {f.name for f in contracts.COMMON}
AUTH_PATHS = {"/auth/token/create", "/auth/token/refresh"}
RAISES: dict[str, type[Exception]] = {"auth_expired": AuthExpired, "relink": AuthExpired, "throttled": Throttled,
                                      "temporary": Temporary, "refused": Permanent, "not_permitted": NotPermitted}


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def record(market: PracticeMarketplace) -> list[Exchange]:
    seen: list[Exchange] = []

    def note(channel: str, request: Request, reply: Reply) -> None:
        if channel == "lazada":
            seen.append(Exchange(channel, request.method, request.path, params_of(request), None, reply.status,
                                 reply.payload))
    market.recorders.append(note)
    return seen


def connector(market: PracticeMarketplace, credentials: LazadaCredentials | None = None) -> LazadaConnector:
    creds = credentials or practice_credentials(market.credentials(), market.base_urls)["lazada"]
    clock: Callable[[], datetime] = lambda: datetime.fromtimestamp(market.state.now(), UTC)  # noqa: E731
    made = build_connector(creds, clock=clock)
    assert isinstance(made, LazadaConnector)
    return made


def problems(ex: Exchange) -> list[str]:
    """Every way one exchange differs from its contract."""
    return request_problems(ex) + answer_problems(ex)


def _endpoint(ex: Exchange) -> Endpoint:
    endpoint = find(contracts.ENDPOINTS, ex.method, ex.path)
    assert endpoint is not None, f"{ex.method} {ex.path}: no contract"
    return endpoint


def request_problems(ex: Exchange) -> list[str]:
    endpoint = _endpoint(ex)
    common = {k: v for k, v in ex.query.items() if k in COMMON_NAMES}
    found = check_request(COMMON, common, None)
    if ex.path not in AUTH_PATHS and "access_token" not in common:
        found.append("query.access_token: missing on a seller API")
    found += check_request(endpoint, {k: v for k, v in ex.query.items() if k not in COMMON_NAMES}, None)
    return [f"{ex.method} {ex.path}: {p}" for p in found]


def answer_problems(ex: Exchange) -> list[str]:
    endpoint, answer = _endpoint(ex), ex.answer
    if not isinstance(answer, dict) or ex.status != 200:
        return [f"{ex.method} {ex.path}: answer: HTTP {ex.status} {str(answer)[:80]}"]
    if answer.get("code") == "0":
        found = check_fields(contracts.ENVELOPE, answer, "answer", allow_unknown=True)
        found += check_fields(endpoint.answer, answer, "answer", allow_unknown=True)
    else:
        found = check_fields(contracts.ERROR_ENVELOPE, answer, "error", allow_unknown=True)
        if endpoint.error(str(answer.get("code"))) is None:
            found.append(f"error {answer.get('code')!r} is not documented for {endpoint.name}")
    return [f"{ex.method} {ex.path}: {p}" for p in found]


def _payload(tag: str, skus: list[tuple[str, int]]) -> str:
    rows = "".join(f"<Sku><SellerSku>{escape(s)}</SellerSku><{tag}>{q}</{tag}></Sku>" for s, q in skus)
    return f"<Request><Product><Skus>{rows}</Skus></Product></Request>"


def _shop(market: PracticeMarketplace) -> None:
    """Orders paid, unpaid and partly cancelled; a buyer asking; an item in a campaign."""
    for sku, paid in (("GULA-AREN-500", True), ("TEH-MLT-25", False), ("GULA-AREN-500", True)):
        admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": sku, "quantity": 2}], "paid": paid})
    two = admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1},
                                                                   {"seller_sku": "GULA-AREN-500", "quantity": 2}]})
    practice_shop.cancel_items(market.state, str(two["ref"]), "GULA-AREN-500", 1)
    admin(market, "/messages", {"platform": "lazada", "text": "Kak, ini masih ada?"})
    admin(market, "/messages", {"platform": "lazada", "kind": "product", "ref": "TEH-MLT-25", "buyer": 1})


def test_every_call_of_a_full_run_keeps_its_contract(market: PracticeMarketplace) -> None:
    wire = record(market)
    _shop(market)
    link = connector(market)
    link.order_page_size = 2  # walk several pages
    listings = link.list_listings()
    assert all(r.ok for r in link.push_stock([StockUpdate(x.ref, 3) for x in listings[:3]]))
    now = datetime.fromtimestamp(market.state.now(), UTC)
    cursor: str | None = None
    orders: list[Order] = []
    while True:
        page = link.pull_orders(now - timedelta(days=1), now, cursor)
        orders += page.orders
        if page.done:
            break
        cursor = page.next_cursor
    assert len(orders) >= 4 and link.get_orders([orders[0].order_id])
    conversations = link.list_conversations().conversations
    for conv in conversations:
        assert link.list_messages(conv.conversation_id).messages
    link.send_text(conversations[0], "Masih ada kak")
    # the total-stock call the connector no longer uses is served and checked too
    link.client.call("POST", "/product/price_quantity/update",
                     {"payload": _payload("Quantity", [("KOPI-ROB-250", 30)])})
    link.use_tokens(link.refresh_tokens())
    code = admin(market, "/auth_code", {"platform": "lazada"})["code"]
    auth.exchange_code(link.credentials, code)

    assert wire and [p for ex in wire for p in problems(ex)] == []
    exercised = {find(contracts.ENDPOINTS, ex.method, ex.path) for ex in wire}
    # the fulfilment contracts (issue 15) are exercised, each of them, by test_lazada_fulfilment.py, the review
    # contracts (issue 16) by test_lazada_reviews.py
    assert {e.name for e in contracts.ENDPOINTS if e not in FULFILMENT and e not in REVIEW_CONTRACTS} == {
        e.name for e in exercised if e is not None}
    assert not practice_shop.polling_flagged(market.state)


def _last_error(wire: list[Exchange], path: str) -> tuple[Endpoint, str]:
    """The latest refusal on `path`: its answer keeps the contract (a documented code in Lazada's error shape)."""
    ex = next(x for x in reversed(wire) if x.path == path and isinstance(x.answer, dict)
              and x.answer.get("code") != "0")
    assert answer_problems(ex) == []
    return _endpoint(ex), str(ex.answer["code"])


def _raises_as_documented(wire: list[Exchange], path: str, call: Callable[[], object], code: str) -> None:
    """The call fails as the documented meaning of the code the marketplace answered says it should."""
    with pytest.raises(Exception) as caught:
        call()
    endpoint, answered = _last_error(wire, path)
    assert answered == code
    error = endpoint.error(code)
    assert error is not None and isinstance(caught.value, RAISES[error.meaning])
    if error.meaning == "relink":
        assert isinstance(caught.value, AuthExpired) and caught.value.reauthorize
    if error.meaning == "refused":
        assert not isinstance(caught.value, NotPermitted)


def test_each_refusal_is_a_documented_code_with_its_meaning(market: PracticeMarketplace) -> None:
    wire = record(market)
    link = connector(market)
    now = datetime.fromtimestamp(market.state.now(), UTC)
    call = link.client.call

    wrong_secret = connector(market, replace(link.credentials, app_secret="not-the-secret"))
    _raises_as_documented(wire, "/orders/get", lambda: wrong_secret.pull_orders(now - timedelta(hours=1), now),
                          "IncompleteSignature")
    admin(market, "/faults", {"rates": {"lazada": {"expired_token": 1.0}}})
    _raises_as_documented(wire, "/orders/get", lambda: link.pull_orders(now - timedelta(hours=1), now),
                          "IllegalAccessToken")
    admin(market, "/faults", {"rates": {"lazada": {"throttle": 1.0}}})
    _raises_as_documented(wire, "/products/get", link.list_listings, "901")
    admin(market, "/faults", {"rates": {}})

    since = (now - timedelta(days=1)).isoformat(timespec="seconds")
    _raises_as_documented(wire, "/orders/get", lambda: call("GET", "/orders/get", {"update_after": since,
                                                                                   "limit": "101"}), "19")
    _raises_as_documented(wire, "/orders/get", lambda: call("GET", "/orders/get", {"update_after": since,
                                                                                   "status": "paid"}), "36")
    _raises_as_documented(wire, "/orders/items/get",
                          lambda: call("GET", "/orders/items/get", {"order_ids": "[" + ",".join(["1"] * 51) + "]"}),
                          "38")
    _raises_as_documented(wire, "/order/get", lambda: call("GET", "/order/get", {"order_id": "1"}), "16")
    _raises_as_documented(wire, "/products/get", lambda: call("GET", "/products/get", {"limit": "51"}), "19")
    many = [("TEH-MLT-25", 1)] * 51
    _raises_as_documented(wire, "/product/price_quantity/update", lambda: call(
        "POST", "/product/price_quantity/update", {"payload": _payload("Quantity", many)}), "4171")
    _raises_as_documented(wire, "/product/stock/sellable/update", lambda: call(
        "POST", "/product/stock/sellable/update", {"payload": _payload("SellableQuantity", many)}), "204")
    _raises_as_documented(wire, "/product/stock/sellable/update", lambda: call(
        "POST", "/product/stock/sellable/update", {"payload": "<Request>"}), "5")
    _raises_as_documented(wire, "/auth/token/refresh", lambda: auth.refresh(
        replace(link.credentials, refresh_token="used-or-made-up")), "IllegalRefreshToken")
    _raises_as_documented(wire, "/auth/token/create", lambda: auth.exchange_code(link.credentials, "no-such-code"),
                          "InvalidCode")

    # 501 refuses one SKU with its words (item_refused): the connector keeps them on that item only
    practice_shop.put_in_campaign(market.state, "TEH-MLT-25", 4)
    listings = {x.ref.seller_sku: x.ref for x in link.list_listings()}
    results = link.push_stock([StockUpdate(listings["TEH-MLT-25"], 2), StockUpdate(listings["GULA-AREN-500"], 6)])
    endpoint, code = _last_error(wire, "/product/stock/sellable/update")
    documented = endpoint.error(code)
    assert code == "501" and documented is not None and documented.meaning == "item_refused"
    assert [(r.listing.seller_sku, r.ok) for r in results] == [("TEH-MLT-25", False), ("GULA-AREN-500", True)]
    assert "campaign" in results[0].reason
    assert [p for ex in wire for p in answer_problems(ex)] == []
    # the requests the connector built itself keep the contract; the deliberately wrong ones are caught by it
    assert [p for ex in wire if ex.answer.get("code") in ("0", "501") for p in request_problems(ex)] == []
    assert any("query.limit: 101 is above 100" in p for ex in wire for p in request_problems(ex))
    assert any("query.status: 'paid' is not one of" in p for ex in wire for p in request_problems(ex))


def test_the_checks_catch_drift_on_either_side(market: PracticeMarketplace) -> None:
    wire = record(market)
    admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1}]})
    admin(market, "/messages", {"platform": "lazada", "text": "Halo"})
    link = connector(market)
    now = datetime.fromtimestamp(market.state.now(), UTC)
    link.pull_orders(now - timedelta(days=1), now)
    link.list_messages(link.list_conversations().conversations[0].conversation_id)
    orders = next(ex for ex in wire if ex.path == "/orders/get")
    messages = next(ex for ex in wire if ex.path == "/im/message/list")
    assert problems(orders) == [] and problems(messages) == []

    as_number = copy.deepcopy(orders)
    as_number.answer["data"]["orders"][0]["order_id"] = 123  # the reference types it as a string
    assert any("order_id: expected str" in p for p in problems(as_number))
    missing = copy.deepcopy(orders)
    del missing.answer["data"]["orders"][0]["statuses"]
    assert any("statuses: missing" in p for p in problems(missing))
    too_big = copy.deepcopy(orders)
    too_big.query["limit"] = "500"
    assert any("query.limit: 500 is above 100" in p for p in problems(too_big))
    unknown = copy.deepcopy(orders)
    unknown.query["page"] = "2"
    assert any("query.page: not in the contract" in p for p in problems(unknown))
    unsigned = copy.deepcopy(orders)
    del unsigned.query["sign"]
    assert any("query.sign: missing" in p for p in problems(unsigned))
    account = copy.deepcopy(messages)
    account.answer["data"]["message_list"][0]["from_account_id"] = 5
    assert any("from_account_id: expected str" in p for p in problems(account))
    invented = copy.deepcopy(orders)
    invented.answer = {"code": "InvalidParameter", "type": "ISV", "message": "x", "request_id": "r"}
    assert any("not documented" in p for p in problems(invented))
