"""Practice TikTok Shop over real HTTP: signing, tokens on the auth host, limits and page tokens."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from test_practice_calls import admin, start_market, tiktok

from companion.practice.server import PracticeMarketplace

SEARCH = "/order/202309/orders/search"


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    m.state.set_chat_approved("tiktok", True)  # Customer Service approved (off until then: issue 14)
    yield m
    m.stop()


def test_rejections_in_tiktok_shape(market: PracticeMarketplace) -> None:
    bad = tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, sign="0" * 64)
    assert bad.status_code == 401 and bad.json()["code"] != 0 and {"code", "message", "request_id"} <= set(bad.json())
    late = tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, ts=int(time.time()) + 60)
    stale = tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, ts=int(time.time()) - 301)
    assert late.json()["code"] == stale.json()["code"] != 0
    assert tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, token="nope").json()["code"] != 0
    assert tiktok(market, "POST", SEARCH, {"page_size": 10}, {}).json()["code"] == 0


def test_body_is_part_of_the_signature(market: PracticeMarketplace) -> None:
    c = market.credentials()["tiktok"]
    good = tiktok(market, "POST", SEARCH, {"page_size": 10}, {"order_status": "CANCELLED"})
    assert good.json()["code"] == 0
    tampered = requests.post(good.request.url, data=b'{"order_status":"UNPAID"}', timeout=5,
                             headers={"x-tts-access-token": c["access_token"], "Content-Type": "application/json"})
    assert tampered.json()["code"] == 106001


def test_token_refresh_and_expiry(market: PracticeMarketplace) -> None:
    c = market.credentials()["tiktok"]
    market.advance_clock(7 * 86400 + 10)
    now = int(market.state.now())
    expired = tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, ts=now).json()
    assert expired["code"] == 105002
    r = requests.get(c["auth_base_url"] + "/api/v2/token/refresh", timeout=5, params={
        "app_key": c["app_key"], "app_secret": c["app_secret"], "refresh_token": c["refresh_token"],
        "grant_type": "refresh_token"}).json()
    assert r["code"] == 0 and r["data"]["access_token_expire_in"] > now + 6 * 86400
    fresh = tiktok(market, "POST", SEARCH, {"page_size": 10}, {}, ts=now, token=r["data"]["access_token"]).json()
    assert fresh["code"] == 0


def test_auth_code_flow(market: PracticeMarketplace) -> None:
    c = market.credentials()["tiktok"]
    code = admin(market, "/auth_code", {"platform": "tiktok"})["code"]
    params = {"app_key": c["app_key"], "app_secret": c["app_secret"], "auth_code": code,
              "grant_type": "authorized_code"}
    first = requests.get(c["auth_base_url"] + "/api/v2/token/get", params=params, timeout=5).json()
    assert first["code"] == 0 and first["data"]["access_token"]
    assert requests.get(c["auth_base_url"] + "/api/v2/token/get", params=params, timeout=5).json()["code"] != 0


def test_search_pages_and_detail_limit(market: PracticeMarketplace) -> None:
    made = {admin(market, "/orders", {"platform": "tiktok", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 2}]})[
        "ref"] for _ in range(5)}
    seen: list[str] = []
    token = ""
    for _ in range(10):
        data = tiktok(market, "POST", SEARCH, {"page_size": 2, "page_token": token, "sort_order": "ASC",
                                               "sort_field": "update_time"}, {}).json()["data"]
        seen += [o["id"] for o in data["orders"]]
        token = data["next_page_token"]
        if not token:
            break
    assert sorted(seen) == sorted(made)
    assert tiktok(market, "POST", SEARCH, {"page_size": 101}, {}).json()["code"] != 0
    ids = ",".join(list(made) * 11)
    assert tiktok(market, "GET", "/order/202309/orders", {"ids": ids}).json()["code"] != 0
    one = tiktok(market, "GET", "/order/202309/orders", {"ids": seen[0]}).json()["data"]["orders"][0]
    assert [li["seller_sku"] for li in one["line_items"]] == ["TEH-MLT-25", "TEH-MLT-25"]  # one line per unit


def test_inventory_update_and_search(market: PracticeMarketplace) -> None:
    listing = market.state.listing_by_sku("tiktok", "SABUN-800")
    path = f"/product/202309/products/{listing['item_id']}/inventory/update"
    r = tiktok(market, "POST", path, body={"skus": [{"id": listing["model_id"], "inventory": [{"quantity": 3}]}]})
    assert r.json()["code"] == 0
    wrong = tiktok(market, "POST", path, body={"skus": [{"id": "123", "inventory": [{"quantity": 3}]}]})
    assert wrong.json()["code"] != 0
    found = tiktok(market, "POST", "/product/202309/inventory/search",
                   body={"sku_ids": [listing["model_id"]]}).json()["data"]["inventory"]
    assert found[0]["skus"][0]["total_available_quantity"] == 3


def test_search_has_no_sales_attributes_get_product_has_them(market: PracticeMarketplace) -> None:
    listing = market.state.listing_by_sku("tiktok", "KOPI-ROB-250")
    searched = tiktok(market, "POST", "/product/202309/products/search", {"page_size": "100"},
                      body={"status": "ACTIVATE"}).json()["data"]["products"]
    assert all("sales_attributes" not in sku for p in searched for sku in p["skus"])
    detail = tiktok(market, "GET", f"/product/202309/products/{listing['item_id']}").json()["data"]
    sku = next(s for s in detail["skus"] if s["id"] == listing["model_id"])
    assert [(a["name"], a["value_name"]) for a in sku["sales_attributes"]] == [("Variasi", "250 g")]
    assert detail["update_time"] == next(p for p in searched if p["id"] == listing["item_id"])["update_time"]
    missing = tiktok(market, "GET", "/product/202309/products/1729999999999999999").json()
    assert missing["code"] == 12052032 and missing["data"] is None


def test_chat_limits_and_send(market: PracticeMarketplace) -> None:
    admin(market, "/messages", {"platform": "tiktok", "text": "Bisa kirim hari ini?"})
    path = "/customer_service/202309/conversations"
    assert tiktok(market, "GET", path, {"page_size": 21}).json()["code"] != 0
    conv = tiktok(market, "GET", path, {"page_size": 20}).json()["data"]["conversations"][0]
    msgs_path = f"{path}/{conv['id']}/messages"
    assert tiktok(market, "GET", msgs_path, {"page_size": 11}).json()["code"] != 0
    not_json = tiktok(market, "POST", msgs_path, body={"type": "TEXT", "content": {"content": "halo"}})
    assert not_json.json()["code"] != 0
    sent = tiktok(market, "POST", msgs_path, body={"type": "TEXT", "content": json.dumps({"content": "Bisa kak"})})
    assert sent.json()["code"] == 0
    msgs = tiktok(market, "GET", msgs_path, {"page_size": 10}).json()["data"]["messages"]
    assert [json.loads(m["content"])["content"] for m in msgs] == ["Bisa kak", "Bisa kirim hari ini?"]
