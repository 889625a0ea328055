"""Practice Shopee over real HTTP: signing, tokens, limits and cursors in Shopee's own shapes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_practice_calls import admin, shopee, start_market

from companion.practice.server import PracticeMarketplace

ORDERS = "/api/v2/order/get_order_list"


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def _window() -> dict[str, int]:
    now = int(time.time())
    return {"time_range_field": "create_time", "time_from": now - 86400, "time_to": now + 60}


def test_wrong_sign_stale_timestamp_and_bad_token(market: PracticeMarketplace) -> None:
    params = {**_window(), "page_size": 10}
    r = shopee(market, "GET", ORDERS, params, sign="0" * 64)
    assert r.json()["error"] == "error_sign" and r.json()["message"] == "Wrong sign" and r.json()["request_id"]
    r = shopee(market, "GET", ORDERS, params, ts=int(time.time()) - 400)
    assert r.json()["error"] == "error_param" and "timestamp" in r.json()["message"]
    r = shopee(market, "GET", ORDERS, params, token="not-a-token")
    assert r.json()["error"] == "error_auth"
    assert shopee(market, "GET", ORDERS, params).json()["error"] == ""


def test_access_token_expires_after_four_hours(market: PracticeMarketplace) -> None:
    params = {**_window(), "page_size": 10}
    market.advance_clock(4 * 3600 + 5)
    r = shopee(market, "GET", ORDERS, {**params, "time_from": int(market.state.now()) - 60,
                                       "time_to": int(market.state.now())}, ts=int(market.state.now()))
    assert r.json()["error"] == "error_auth" and "expired" in r.json()["message"]


def test_refresh_token_is_single_use(market: PracticeMarketplace) -> None:
    c = market.credentials()["shopee"]
    body = {"refresh_token": c["refresh_token"], "partner_id": c["partner_id"], "shop_id": c["shop_id"]}
    first = shopee(market, "POST", "/api/v2/auth/access_token/get", body=body, public=True).json()
    assert first["error"] == "" and first["expire_in"] == 14400 and first["refresh_token"] != c["refresh_token"]
    again = shopee(market, "POST", "/api/v2/auth/access_token/get", body=body, public=True).json()
    assert again["error"] == "error_auth" and again["message"] == "Invalid refresh_token."
    ok = shopee(market, "GET", "/api/v2/shop/get_shop_info", token=first["access_token"]).json()
    assert ok["error"] == ""


def test_code_gives_tokens_once(market: PracticeMarketplace) -> None:
    c = market.credentials()["shopee"]
    code = admin(market, "/auth_code", {"platform": "shopee"})["code"]
    body = {"code": code, "partner_id": c["partner_id"], "shop_id": c["shop_id"]}
    assert shopee(market, "POST", "/api/v2/auth/token/get", body=body, public=True).json()["access_token"]
    # issue 14: the reference's code for a used code is invalid_code (it was error_auth here)
    assert shopee(market, "POST", "/api/v2/auth/token/get", body=body, public=True).json()["error"] == "invalid_code"


def test_order_list_window_and_page_size_limits(market: PracticeMarketplace) -> None:
    now = int(time.time())
    wide = {"time_range_field": "update_time", "time_from": now - 16 * 86400, "time_to": now, "page_size": 10}
    assert shopee(market, "GET", ORDERS, wide).json()["error"] == "order.order_list_invalid_time"
    assert shopee(market, "GET", ORDERS, {**_window(), "page_size": 101}).json()["error"] == "error_param"


def test_cursor_pages_cover_every_order_once(market: PracticeMarketplace) -> None:
    made = [admin(market, "/orders", {"platform": "shopee", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1}]})
            for _ in range(7)]
    seen, cursor = [], ""
    for _ in range(10):
        r = shopee(market, "GET", ORDERS, {**_window(), "page_size": 3, "cursor": cursor}).json()["response"]
        seen += [o["order_sn"] for o in r["order_list"]]
        if not r["more"]:
            break
        cursor = r["next_cursor"]
    assert sorted(seen) == sorted(o["ref"] for o in made)


def test_detail_limit_and_item_list(market: PracticeMarketplace) -> None:
    order = admin(market, "/orders", {"platform": "shopee", "lines": [{"seller_sku": "KOPI-ROB-250", "quantity": 2}]})
    too_many = ",".join([order["ref"]] * 51)
    assert shopee(market, "GET", "/api/v2/order/get_order_detail",
                  {"order_sn_list": too_many}).json()["error"] == "error_param"
    r = shopee(market, "GET", "/api/v2/order/get_order_detail",
               {"order_sn_list": order["ref"], "response_optional_fields": "item_list"}).json()
    detail = r["response"]["order_list"][0]
    line = detail["item_list"][0]
    assert detail["order_status"] == "READY_TO_SHIP" and detail["ship_by_date"] > detail["create_time"]
    assert line["model_sku"] == "KOPI-ROB-250" and line["model_quantity_purchased"] == 2


def test_update_stock_limit_and_lists(market: PracticeMarketplace) -> None:
    listing = market.state.listing_by_sku("shopee", "KOPI-ROB-250")
    item_id, model_id = int(listing["item_id"]), int(listing["model_id"])
    big = [{"model_id": model_id, "seller_stock": [{"stock": 1}]}] * 51
    path = "/api/v2/product/update_stock"
    assert shopee(market, "POST", path, body={"item_id": item_id, "stock_list": big}).json()["error"] == "error_param"
    # issue 14: the item's seller stock has a location_id, so an update without one is refused (it was accepted)
    bare = {"item_id": item_id, "stock_list": [{"model_id": model_id, "seller_stock": [{"stock": 4}]}]}
    refused = shopee(market, "POST", path, body=bare).json()
    assert refused["error"] == "error_param" and "different stock structure" in refused["message"]
    body = {"item_id": item_id, "stock_list": [
        {"model_id": model_id, "seller_stock": [{"location_id": "IDZ", "stock": 4}]},
        {"model_id": 1, "seller_stock": [{"location_id": "IDZ", "stock": 4}]}]}
    r = shopee(market, "POST", path, body=body).json()
    assert r["response"]["success_list"] == [{"model_id": model_id, "location_id": "IDZ", "stock": 4}]
    assert r["response"]["failure_list"][0]["model_id"] == 1
    assert market.state.listing_by_sku("shopee", "KOPI-ROB-250")["stock"] == 4
    models = shopee(market, "GET", "/api/v2/product/get_model_list", {"item_id": item_id}).json()["response"]
    stocks = {m["model_sku"]: m["stock_info_v2"]["seller_stock"][0]["stock"] for m in models["model"]}
    assert stocks["KOPI-ROB-250"] == 4


def test_chat_is_off_until_switched_on(market: PracticeMarketplace) -> None:
    path = "/api/v2/sellerchat/get_conversation_list"
    params = {"direction": "latest", "type": "all", "page_size": 10}
    assert shopee(market, "GET", path, params).json()["error"] == "error_api_call_restricted"
    admin(market, "/chat", {"enabled": True})
    admin(market, "/messages", {"platform": "shopee", "text": "Kak, ready stok?", "buyer": 2})
    conv = shopee(market, "GET", path, params).json()["response"]["conversations"][0]
    assert conv["latest_message_content"]["text"] == "Kak, ready stok?"
    sent = shopee(market, "POST", "/api/v2/sellerchat/send_message",
                  body={"to_id": conv["to_id"], "message_type": "text", "content": {"text": "Ready kak"}}).json()
    assert sent["error"] == ""
    msgs = shopee(market, "GET", "/api/v2/sellerchat/get_message",
                  {"conversation_id": conv["conversation_id"], "page_size": 10}).json()["response"]["messages"]
    assert [m["content"]["text"] for m in msgs] == ["Ready kak", "Kak, ready stok?"]
