"""Shopee's contracts (connectors/shopee/contracts.py) against both sides, on the wire of the practice marketplace:
every request the connector builds, every answer the practice Shopee gives (success and each documented error it
implements), and a mutated exchange to show the checks catch drift."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from test_practice_calls import admin, shopee

from companion.connectors.contract import Endpoint, Exchange, check_fields, check_request, find
from companion.connectors.errors import (
    CHAT_NOT_APPROVED,
    IP_NOT_ALLOWED,
    AuthExpired,
    NotPermitted,
    Permanent,
    Throttled,
)
from companion.connectors.factory import practice_credentials
from companion.connectors.http import Http
from companion.connectors.shopee import ShopeeConnector
from companion.connectors.shopee import practice_shop as practice
from companion.connectors.shopee.auth import exchange_code
from companion.connectors.shopee.contracts import ENDPOINTS, meaning_of
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.fulfilment_contracts import FULFILMENT_ENDPOINTS
from companion.connectors.shopee.returns_contracts import RETURN_ENDPOINTS
from companion.connectors.shopee.review_contracts import REVIEW_ENDPOINTS
from companion.domain.clock import now_utc
from companion.domain.marketplace import StockUpdate
from companion.practice.exchange import Reply, Request
from companion.practice.faults import FaultPlan
from companion.practice.server import PracticeMarketplace

STOCK = "/api/v2/product/update_stock"


class Wire:
    """The practice marketplace's Shopee exchanges, as recorded."""

    def __init__(self, market: PracticeMarketplace) -> None:
        self.exchanges: list[Exchange] = []
        market.recorders.append(self.record)

    def record(self, channel: str, request: Request, reply: Reply) -> None:
        if channel == "shopee":
            self.exchanges.append(Exchange(channel, request.method, request.path, request.params(), request.json(),
                                           reply.status, reply.payload))

    def last(self, path: str) -> Exchange:
        return [x for x in self.exchanges if x.path == path][-1]


def endpoint_of(x: Exchange) -> Endpoint:
    found = find(ENDPOINTS, x.method, x.path)
    assert found is not None, f"{x.method} {x.path} has no contract"
    return found


def problems(x: Exchange) -> list[str]:
    """Everything that differs from the contract in one exchange (request always; answer for a success; the
    envelope and a documented code for an error)."""
    endpoint = endpoint_of(x)
    found = [f"request {p}" for p in check_request(endpoint, x.query, x.body)]
    answer = x.answer if isinstance(x.answer, dict) else {}
    if not answer.get("error"):
        found += [f"answer {p}" for p in check_fields(endpoint.answer, x.answer, "answer", allow_unknown=True)]
    else:
        found += check_fields(endpoint.answer[:3], answer, "error", allow_unknown=True)
        if meaning_of(endpoint, str(answer["error"]), str(answer.get("message") or "")) is None:
            found.append(f"error {answer['error']!r} is not documented for {endpoint.name}")
    return found


def meaning(x: Exchange) -> str:
    found = meaning_of(endpoint_of(x), str(x.answer["error"]), str(x.answer.get("message") or ""))
    assert found is not None, x.answer
    return found.meaning


def assert_keeps_contract(exchanges: list[Exchange]) -> None:
    bad = {f"{x.method} {x.path}": problems(x) for x in exchanges if problems(x)}
    assert not bad, bad


def connector(market: PracticeMarketplace, **change: Any) -> ShopeeConnector:
    creds = practice_credentials(market.credentials(), market.base_urls)["shopee"]
    assert isinstance(creds, ShopeeCredentials)
    if change:
        from dataclasses import replace
        creds = replace(creds, **change)
    return ShopeeConnector(creds, Http(connect_timeout=2.0, read_timeout=5.0))


@pytest.fixture
def wire(market: PracticeMarketplace) -> Wire:
    return Wire(market)


def _listing(market: PracticeMarketplace, sku: str) -> dict[str, Any]:
    return market.state.listing_by_sku("shopee", sku)


def test_every_call_the_connector_makes_keeps_its_contract(market: PracticeMarketplace, wire: Wire) -> None:
    admin(market, "/chat", {"enabled": True})
    admin(market, "/messages", {"platform": "shopee", "text": "Kak, ready stok?", "buyer": 2})
    order = admin(market, "/orders", {"platform": "shopee", "lines": [{"seller_sku": "KOPI-ROB-250", "quantity": 3}]})
    practice.cancel_line(market.state, order["ref"], int(market.state.order("shopee", order["ref"])["lines"][0]["id"]),
                         1)
    shop = connector(market)

    listings = shop.list_listings()
    single = next(x for x in listings if x.sku_id == "0")
    variant = next(x for x in listings if x.sku_id != "0")
    results = shop.push_stock([StockUpdate(single.ref, 7), StockUpdate(variant.ref, 6)])
    assert all(r.ok for r in results), results
    page = shop.pull_orders(now_utc() - timedelta(days=1), now_utc() + timedelta(minutes=1))
    line = next(o for o in page.orders if o.order_id == order["ref"]).lines[0]
    assert (line.quantity, line.cancelled_quantity, line.live_quantity) == (3, 1, 2)
    conversation = shop.list_conversations().conversations[0]
    assert shop.list_messages(conversation.conversation_id).messages
    assert shop.send_text(conversation, "Ready kak")
    shop.use_tokens(shop.refresh_tokens())
    code = admin(market, "/auth_code", {"platform": "shopee"})["code"]
    c = shop.credentials
    assert exchange_code(c.partner_id, c.partner_key, code, c.shop_id, base_url=c.base_url).access_token

    assert_keeps_contract(wire.exchanges)
    # every contract exercised (the shipping and return ones in test_shopee_fulfilment.py, the review ones in
    # test_shopee_reviews.py)
    elsewhere = {e.name for e in (*FULFILMENT_ENDPOINTS, *RETURN_ENDPOINTS, *REVIEW_ENDPOINTS)}
    assert {endpoint_of(x).name for x in wire.exchanges} == {e.name for e in ENDPOINTS} - elsewhere


def test_each_documented_refusal_has_its_meaning_on_both_sides(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    listings = {x.seller_sku: x for x in shop.list_listings()}

    # a wrong partner key: error_sign, refused (the connector does not take it for a token problem)
    with pytest.raises(Permanent) as caught:
        connector(market, partner_key="shpk" + "0" * 60).list_listings()
    assert caught.value.platform_code == "error_sign" and meaning(wire.exchanges[-1]) == "refused"

    # an expired access token: error_auth with the token's words
    market.faults.configure(FaultPlan({"shopee": {"expired_token": 1.0}}))
    with pytest.raises(AuthExpired) as expired:
        shop.list_listings()
    assert not expired.value.reauthorize and meaning(wire.exchanges[-1]) == "auth_expired"

    # a timestamp out of the 5-minute window
    market.faults.configure(FaultPlan({"shopee": {"bad_timestamp": 1.0}}))
    with pytest.raises(Permanent) as stale:
        shop.list_listings()
    assert stale.value.platform_code == "error_param" and meaning(wire.exchanges[-1]) == "clock"

    # throttled: the reference's error_rate_limit, with a wait
    market.faults.configure(FaultPlan({"shopee": {"throttle": 1.0}}))
    with pytest.raises(Throttled) as throttled:
        shop.list_listings()
    assert throttled.value.retry_after_seconds and meaning(wire.exchanges[-1]) == "throttled"
    assert wire.exchanges[-1].answer["error"] == "error_rate_limit"
    market.faults.clear()

    # the daily limit and an IP allow-list on the app key
    practice.set_flag(market.state, "daily_limit")
    with pytest.raises(Throttled):
        shop.list_listings()
    assert wire.exchanges[-1].answer["error"] == "error_limit" and meaning(wire.exchanges[-1]) == "throttled"
    practice.set_flag(market.state, "daily_limit", False)
    practice.set_flag(market.state, "ip_allow_list")
    with pytest.raises(NotPermitted) as ip:
        shop.list_listings()
    assert ip.value.reason == IP_NOT_ALLOWED and meaning(wire.exchanges[-1]) == "ip_not_allowed"
    practice.set_flag(market.state, "ip_allow_list", False)

    # chat before Shopee approved the app's chat access
    with pytest.raises(NotPermitted) as chat:
        shop.list_conversations()
    assert chat.value.reason == CHAT_NOT_APPROVED and meaning(wire.exchanges[-1]) == "not_permitted"

    # stock refusals are the item's (never the token's): promotion, holiday mode
    kopi = listings["KOPI-ROB-250"]
    practice.reserve_for_promotion(market.state, int(_listing(market, "KOPI-ROB-250")["id"]), 5)
    [refused] = shop.push_stock([StockUpdate(kopi.ref, 2)])
    assert not refused.ok and refused.reason == "Total stock must be more than reserved stock."
    assert wire.last(STOCK).answer["error"] == "error_auth" and meaning(wire.last(STOCK)) == "item_refused"
    practice.set_flag(market.state, "holiday")
    [holiday] = shop.push_stock([StockUpdate(kopi.ref, 9)])
    assert not holiday.ok and "holiday mode" in holiday.reason and meaning(wire.last(STOCK)) == "item_refused"
    practice.set_flag(market.state, "holiday", False)

    # what only a hand-built request can show: location rules, repeats, a foreign item, the 15-day window
    item, model = int(kopi.item_id), int(kopi.sku_id)
    shopee(market, "POST", STOCK, body={"item_id": item, "stock_list": [{"model_id": model,
                                                                         "seller_stock": [{"stock": 9}]}]})
    assert "different stock structure" in wire.last(STOCK).answer["message"]
    shopee(market, "POST", STOCK, body={"item_id": item, "stock_list": [
        {"model_id": model, "seller_stock": [{"location_id": "IDX9", "stock": 9}]}]})
    assert wire.last(STOCK).answer["error"] == "error_auth" and meaning(wire.last(STOCK)) == "item_refused"
    practice.add_warehouse(market.state, int(_listing(market, "TEH-MLT-25")["id"]), "IDW2", 4)
    teh = listings["TEH-MLT-25"]
    shopee(market, "POST", STOCK, body={"item_id": int(teh.item_id), "stock_list": [
        {"model_id": int(teh.sku_id), "seller_stock": [{"stock": 9}]}]})
    assert wire.last(STOCK).answer["error"] == "error_busi" and meaning(wire.last(STOCK)) == "item_refused"
    shopee(market, "POST", STOCK, body={"item_id": item, "stock_list": [
        {"model_id": model, "seller_stock": [{"location_id": "IDZ", "stock": 9}]}] * 2})
    assert wire.last(STOCK).answer["message"] == "Repeat model_id."
    shopee(market, "POST", STOCK, body={"item_id": 1, "stock_list": [
        {"model_id": 0, "seller_stock": [{"location_id": "IDZ", "stock": 9}]}]})
    assert wire.last(STOCK).answer["error"] == "error_item_not_belong_shop"
    shopee(market, "POST", STOCK, body={"item_id": item, "stock_list": [
        {"model_id": model, "seller_stock": [{"location_id": "IDZ", "stock": 9}]},
        {"model_id": 12345, "seller_stock": [{"location_id": "IDZ", "stock": 9}]}]})
    assert wire.last(STOCK).answer["error"] == "error_busi_update_stock_failed"
    now = int(market.state.now())
    shopee(market, "GET", "/api/v2/order/get_order_list", {"time_range_field": "update_time", "page_size": 10,
                                                            "time_from": now - 16 * 86400, "time_to": now})
    assert wire.exchanges[-1].answer["error"] == "order.order_list_invalid_time"

    # tokens: a used refresh token and a used code need the shop linked again
    c = shop.credentials
    shop.use_tokens(shop.refresh_tokens())
    with pytest.raises(AuthExpired) as used:
        connector(market, refresh_token=c.refresh_token).refresh_tokens()
    assert used.value.reauthorize and meaning(wire.exchanges[-1]) == "relink"
    code = admin(market, "/auth_code", {"platform": "shopee"})["code"]
    exchange_code(c.partner_id, c.partner_key, code, c.shop_id, base_url=c.base_url)
    with pytest.raises(Permanent):  # linking starts again (never a refresh)
        exchange_code(c.partner_id, c.partner_key, code, c.shop_id, base_url=c.base_url)
    assert wire.exchanges[-1].answer["error"] == "invalid_code" and meaning(wire.exchanges[-1]) == "relink"

    errors = [x for x in wire.exchanges if x.answer.get("error")]
    assert len(errors) >= 18
    assert_keeps_contract(wire.exchanges)


def test_the_checks_fail_when_either_side_drifts(market: PracticeMarketplace, wire: Wire) -> None:
    shop = connector(market)
    kopi = next(x for x in shop.list_listings() if x.seller_sku == "KOPI-ROB-250")
    shop.push_stock([StockUpdate(kopi.ref, 4)])
    assert_keeps_contract(wire.exchanges)

    models = copy.deepcopy(wire.last("/api/v2/product/get_model_list"))
    models.answer["response"]["model"][0]["model_id"] = str(models.answer["response"]["model"][0]["model_id"])
    del models.answer["response"]["tier_variation"]
    found = problems(models)
    assert any("model_id: expected int, got str" in p for p in found)
    assert any("tier_variation: missing" in p for p in found)

    push = copy.deepcopy(wire.last(STOCK))
    push.body["stock_list"][0]["seller_stock"][0]["stock"] = -1
    push.body["items"] = push.body.pop("item_id")
    push.query["page_size"] = "5"
    found = problems(push)
    assert any("stock: -1 is below 0" in p for p in found)
    assert any("body.item_id: missing" in p for p in found) and any("body.items: not in the contract" in p
                                                                     for p in found)
    assert any("query.page_size: not in the contract" in p for p in found)

    refusal = copy.deepcopy(push)
    refusal.answer = {"error": "error_too_many_request", "message": "Too many requests", "request_id": "r"}
    assert any("is not documented" in p for p in problems(refusal))
