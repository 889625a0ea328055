"""TikTok Shop against its contracts (connectors/tiktok/contracts.py, from the published reference): the connector
runs against the practice marketplace over real HTTP, every exchange is recorded on the wire and checked both ways —
the request the connector built, the answer the practice server gave, and each documented error forced on purpose
(bad sign, expired and invalid token, throttle, IP allow-list, scope, per-SKU refusals) carries a code the endpoint
documents with the meaning we act on. A mutated answer or request shows the check catches drift."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sync_child import admin, market_credentials, quick_connector
from test_practice_calls import tiktok as tiktok_call

from companion.connectors.contract import Endpoint, check_fields, check_request, find
from companion.connectors.errors import AuthExpired, NotPermitted, Permanent, Throttled
from companion.connectors.tiktok import auth, practice_shop
from companion.connectors.tiktok.connector import TikTokConnector
from companion.connectors.tiktok.contracts import ENDPOINTS, meaning_of
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.marketplace import StockUpdate
from companion.practice.exchange import Reply, Request
from companion.practice.server import PracticeMarketplace


@dataclass
class Seen:
    endpoint: Endpoint
    query: dict[str, str]
    body: Any
    status: int
    answer: Any


class Wire:
    """Every TikTok exchange the practice marketplace answered, with the contract it falls under."""

    def __init__(self, market: PracticeMarketplace) -> None:
        self.seen: list[Seen] = []
        self.unknown: list[str] = []
        market.recorders.append(self.record)

    def record(self, channel: str, request: Request, reply: Reply) -> None:
        if not channel.startswith("tiktok"):
            return
        endpoint = find(ENDPOINTS, request.method, request.path)
        if endpoint is None:
            self.unknown.append(f"{request.method} {request.path}")
            return
        body = request.json() if request.body else None
        self.seen.append(Seen(endpoint, request.params(), body, reply.status, copy.deepcopy(reply.payload)))

    def names(self) -> set[str]:
        return {s.endpoint.name for s in self.seen}

    def errors(self) -> list[Seen]:
        return [s for s in self.seen if isinstance(s.answer, dict) and s.answer.get("code") not in (0, None)]


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = PracticeMarketplace(tmp_path / "practice").start()
    m.state.set_chat_approved("tiktok", True)  # the shop's Customer Service API approved (tests switch it off)
    yield m
    m.stop()


def _connector(market: PracticeMarketplace, **changes: str) -> TikTokConnector:
    creds = market_credentials(market.base_urls["admin"])["tiktok"]
    assert isinstance(creds, TikTokCredentials)
    made = quick_connector(replace(creds, **changes))
    assert isinstance(made, TikTokConnector)
    return made


def _problems(seen: Seen) -> list[str]:
    """The request against its contract, then the answer: fields when it succeeded, its code when it did not."""
    problems = check_request(seen.endpoint, seen.query, seen.body)
    code = seen.answer.get("code") if isinstance(seen.answer, dict) else None
    if code == 0:
        problems += check_fields(seen.endpoint.answer, seen.answer, "answer", allow_unknown=True)
        for e in (seen.answer.get("data") or {}).get("errors") or []:  # per-SKU failures: documented codes only
            if meaning_of(seen.endpoint, str(e.get("code")), str(e.get("message"))) is None:
                problems.append(f"{seen.endpoint.name}: per-SKU code {e.get('code')} is not documented")
    elif meaning_of(seen.endpoint, str(code), str(seen.answer.get("message"))) is None:
        problems.append(f"{seen.endpoint.name}: code {code} is not documented ({seen.answer.get('message')})")
    else:
        problems += check_fields(seen.endpoint.answer[:3], seen.answer, "error", allow_unknown=True)
    return problems


def _meaning(wire: Wire, name: str) -> list[str]:
    return [str(meaning_of(s.endpoint, str(s.answer["code"]), str(s.answer.get("message"))))
            for s in wire.errors() if s.endpoint.name == name]


def test_every_exchange_of_a_whole_session_keeps_to_its_contract(market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    wire = Wire(market)
    admin(url, "/orders", {"platform": "tiktok", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 2}]})
    admin(url, "/messages", {"platform": "tiktok", "text": "Kak, ready stok?", "buyer": 1})
    connector = _connector(market)
    listings = connector.list_listings()
    connector.push_stock([StockUpdate(listings[0].ref, 7)])
    fresh = _connector(market)
    fresh.push_stock([StockUpdate(listings[1].ref, 4)])  # a connector that has not listed asks inventory/search
    page = connector.pull_orders(*_window(market))
    connector.get_orders([o.order_id for o in page.orders])
    conversations = connector.list_conversations()
    conversation = conversations.conversations[0]
    connector.list_messages(conversation.conversation_id)
    connector.send_text(conversation, "Ready kak")
    connector.use_tokens(connector.refresh_tokens())
    code = admin(url, "/auth_code", {"platform": "tiktok"})["code"]
    auth.exchange_code(connector.credentials, code)
    auth.authorized_shops(connector.credentials)
    assert wire.unknown == []
    assert wire.names() == {e.name for e in ENDPOINTS}, "every contract must be exercised"
    for seen in wire.seen:
        assert _problems(seen) == [], seen.endpoint.name


def _window(market: PracticeMarketplace) -> tuple[Any, Any]:
    from datetime import UTC, datetime, timedelta
    now = datetime.fromtimestamp(market.state.now(), UTC)
    return now - timedelta(days=1), now + timedelta(minutes=1)


def test_documented_errors_each_with_its_meaning(market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    wire = Wire(market)
    good = _connector(market)
    with pytest.raises(Permanent) as bad_sign:
        _connector(market, app_secret="wrong-" + "x" * 30).list_conversations()
    assert not isinstance(bad_sign.value, AuthExpired)
    with pytest.raises(AuthExpired):
        _connector(market, access_token="not-a-token").list_listings()      # 36009004 "x-tts-access-token"
    admin(url, "/faults", {"rates": {"tiktok": {"expired_token": 1.0}}})
    with pytest.raises(AuthExpired):
        good.list_listings()                                               # 105002
    admin(url, "/faults", {"rates": {"tiktok": {"throttle": 1.0}}})
    with pytest.raises(Throttled):
        good.list_listings()                                               # 36009002, HTTP 429
    admin(url, "/faults", {"rates": {}})
    admin(url, "/faults", {"rates": {"tiktok": {"bad_timestamp": 1.0}}})
    with pytest.raises(Permanent) as clock:
        good.list_listings()                                               # 36009004 "timestamp"
    assert not isinstance(clock.value, AuthExpired | NotPermitted)
    admin(url, "/faults", {"rates": {}})
    practice_shop.set_ip_allow_list(market.state, True)
    with pytest.raises(NotPermitted) as ip:
        good.list_listings()                                               # 36009033
    assert ip.value.reason == "ip_not_allowed"
    practice_shop.set_ip_allow_list(market.state, False)
    practice_shop.set_customer_service(market.state, approved=False)
    with pytest.raises(NotPermitted) as cs:
        good.list_conversations()                                          # 105005 on Customer Service
    assert cs.value.reason == "chat_not_approved"
    with pytest.raises(AuthExpired):
        _connector(market, refresh_token="gone").refresh_tokens()           # token call refused: re-link
    assert _meaning(wire, "conversations") == ["refused", "not_permitted"]
    assert _meaning(wire, "products_search") == ["auth_expired", "auth_expired", "throttled", "clock",
                                                 "ip_not_allowed"]
    assert _meaning(wire, "token_refresh") == ["relink"]
    for seen in wire.seen:
        assert _problems(seen) == [], seen.endpoint.name


def test_per_sku_refusals_are_documented_codes(market: PracticeMarketplace) -> None:
    wire = Wire(market)
    connector = _connector(market)
    [one, *_] = [x for x in connector.list_listings()]
    listing = next(x for x in market.state.listings("tiktok") if x["model_id"] == one.sku_id)
    path = f"/product/202309/products/{one.item_id}/inventory/update"
    sku = one.sku_id
    for inventory in ([{"quantity": 0}], [{"quantity": 100_000}], [{"warehouse_id": "123", "quantity": 3}], []):
        answer = tiktok_call(market, "POST", path, {}, {"skus": [{"id": sku, "inventory": inventory}]}).json()
        assert answer["code"] == 0 and answer["data"]["errors"][0]["detail"]["sku_id"] == sku
    practice_shop.set_warehouses(market.state, sku, {practice_shop.WAREHOUSE_ID: 4, "7068517275539719943": 6})
    answer = tiktok_call(market, "POST", path, {}, {"skus": [{"id": sku, "inventory": [{"quantity": 3}]}]}).json()
    assert answer["data"]["errors"][0]["code"] == 12019028
    practice_shop.lock_for_promotion(market.state, sku, 5)
    both = [{"warehouse_id": practice_shop.WAREHOUSE_ID, "quantity": 1},
            {"warehouse_id": "7068517275539719943", "quantity": 1}]
    answer = tiktok_call(market, "POST", path, {}, {"skus": [{"id": sku, "inventory": both}]}).json()
    assert answer["data"]["errors"][0]["code"] == 12052393
    assert market.state.listing(listing["id"])["stock"] == 10  # nothing refused was applied
    codes = [e["code"] for s in wire.seen if s.endpoint.name == "inventory_update"
             for e in (s.answer.get("data") or {}).get("errors") or []]
    assert codes == [12052055, 12052055, 12052530, 12019022, 12019028, 12052393]
    meanings = {meaning_of(wire.seen[-1].endpoint, str(c), "") for c in codes}
    assert meanings == {"item_refused"}
    sent = [p for seen in wire.seen for p in _problems(seen) if p.startswith("body.")]
    assert sent == ["body.skus[0].inventory[0].quantity: 0 is below 1",
                    "body.skus[0].inventory[0].quantity: 100000 is above 99999",
                    "body.skus[0].inventory: 0 is below 1"]  # the contract names each bad request we built
    for seen in wire.seen:
        assert [p for p in _problems(seen) if not p.startswith("body.")] == [], seen.endpoint.name


def test_the_check_fails_when_either_side_drifts(market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    wire = Wire(market)
    admin(url, "/orders", {"platform": "tiktok", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1}]})
    connector = _connector(market)
    connector.list_listings()
    connector.pull_orders(*_window(market))
    search = next(s for s in wire.seen if s.endpoint.name == "orders_search")
    assert _problems(search) == []
    drifted = copy.deepcopy(search)
    drifted.answer["data"]["orders"][0]["line_items"][0]["sku_id"] = 1729500000000000001  # an id as a number
    assert any("sku_id: expected str" in p for p in _problems(drifted))
    del drifted.answer["data"]["orders"][0]["line_items"][0]["display_status"]
    assert any("display_status: missing" in p for p in _problems(drifted))
    asked = copy.deepcopy(search)
    asked.query["page_size"] = "101"
    assert any("page_size: 101 is above 100" in p for p in _problems(asked))
    products = next(s for s in wire.seen if s.endpoint.name == "products_search")
    made_up = copy.deepcopy(products)
    made_up.answer = {"code": 36004004, "message": "made up", "request_id": "x", "data": None}
    assert any("not documented" in p for p in _problems(made_up))


def test_variant_names_come_from_get_product_read_once_per_product_version(market: PracticeMarketplace) -> None:
    """products/search SKUs carry no sales attributes: the names come from Get Product, asked again only for a
    product whose update_time changed."""
    wire = Wire(market)
    connector = _connector(market)
    listings = connector.list_listings()
    searched = [s for s in wire.seen if s.endpoint.name == "products_search"]
    assert all("sales_attributes" not in sku for s in searched for p in s.answer["data"]["products"]
               for sku in p["skus"])
    expected = {x["model_id"]: x["model_name"] for x in market.state.listings("tiktok")}
    assert {x.sku_id: x.variant for x in listings} == expected
    assert any(x.variant for x in listings)
    products = {x.item_id for x in listings}
    assert sorted(s.endpoint.name for s in wire.seen if s.endpoint.name == "product_detail") == \
        ["product_detail"] * len(products)
    before = len(wire.seen)
    assert connector.list_listings() == listings
    assert [s.endpoint.name for s in wire.seen[before:]] == ["products_search"]  # unchanged: no Get Product
    assert wire.unknown == []
    for seen in wire.seen:
        assert _problems(seen) == [], seen.endpoint.name


def test_get_product_for_a_product_the_shop_lacks(market: PracticeMarketplace) -> None:
    wire = Wire(market)
    with pytest.raises(Permanent) as missing:
        _connector(market).client.call("GET", "/product/202309/products/1729999999999999999")
    assert missing.value.platform_code == "12052032"
    assert _meaning(wire, "product_detail") == ["refused"]
    for seen in wire.seen:
        assert _problems(seen) == [], seen.endpoint.name
