"""Practice Lazada over real HTTP: uppercase signatures, ms timestamps, XML stock payload and limits."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from test_practice_calls import admin, lazada, start_market

from companion.practice.server import PracticeMarketplace


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def _since() -> str:
    return (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_rejections_in_lazada_shape(market: PracticeMarketplace) -> None:
    params = {"update_after": _since()}
    good = lazada(market, "/orders/get", params)
    assert good.json()["code"] == "0"
    sign = good.request.url.split("sign=")[1][:64]
    lower = good.request.url.replace(sign, sign.lower())
    assert requests.get(lower, timeout=5).json()["code"] == "IncompleteSignature"
    stale = lazada(market, "/orders/get", params, ts_ms=int((time.time() - 7300) * 1000)).json()
    assert stale["code"] != "0" and stale["type"] == "ISV"
    bad = lazada(market, "/orders/get", params, token="nope").json()
    assert bad["code"] == "IllegalAccessToken" and bad["message"] and bad["request_id"]


def test_token_refresh_and_expiry(market: PracticeMarketplace) -> None:
    c = market.credentials()["lazada"]
    market.advance_clock(7 * 86400 + 10)
    ts = int(market.state.now() * 1000)
    assert lazada(market, "/orders/get", {"update_after": _since()}, ts_ms=ts).json()["code"] == "IllegalAccessToken"
    r = lazada(market, "/auth/token/refresh", {"refresh_token": c["refresh_token"]}, auth=True, ts_ms=ts).json()
    assert r["code"] == "0" and r["expires_in"] > 0 and r["refresh_expires_in"] > 0
    assert lazada(market, "/orders/get", {"update_after": _since()}, ts_ms=ts,
                  token=r["access_token"]).json()["code"] == "0"
    code = admin(market, "/auth_code", {"platform": "lazada"})["code"]
    made = lazada(market, "/auth/token/create", {"code": code}, auth=True, ts_ms=ts).json()
    assert made["code"] == "0" and made["access_token"]


def test_orders_paging_and_items(market: PracticeMarketplace) -> None:
    made = {str(admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": "GULA-AREN-500",
                                                                              "quantity": 1}]})["ref"])
            for _ in range(5)}
    seen: list[str] = []
    for offset in range(0, 10, 2):
        data = lazada(market, "/orders/get", {"update_after": _since(), "offset": offset, "limit": 2}).json()["data"]
        seen += [str(o["order_id"]) for o in data["orders"]]
        assert data["countTotal"] == 5
    assert sorted(seen) == sorted(made)
    assert lazada(market, "/orders/get", {"update_after": _since(), "limit": 101}).json()["code"] != "0"
    items = lazada(market, "/orders/items/get", {"order_ids": "[" + ",".join(made) + "]"}).json()["data"]
    assert {str(o["order_id"]) for o in items} == made and items[0]["order_items"][0]["sku"] == "GULA-AREN-500"
    fifty_one = "[" + ",".join([next(iter(made))] * 51) + "]"
    assert lazada(market, "/orders/items/get", {"order_ids": fifty_one}).json()["code"] != "0"


def _payload(skus: list[tuple[str, int]]) -> str:
    rows = "".join(f"<Sku><SellerSku>{s}</SellerSku><Quantity>{q}</Quantity></Sku>" for s, q in skus)
    return f"<Request><Product><Skus>{rows}</Skus></Product></Request>"


def test_price_quantity_update_limit(market: PracticeMarketplace) -> None:
    path = "/product/price_quantity/update"
    too_many = lazada(market, path, {"payload": _payload([("TEH-MLT-25", 1)] * 51)}, method="POST").json()
    assert too_many["code"] == "4171"
    ok = lazada(market, path, {"payload": _payload([("TEH-MLT-25", 7)])}, method="POST").json()
    assert ok["code"] == "0" and market.state.listing_by_sku("lazada", "TEH-MLT-25")["stock"] == 7


def test_im_sessions_and_messages(market: PracticeMarketplace) -> None:
    admin(market, "/messages", {"platform": "lazada", "text": "Kak, ini masih ada?"})
    now_ms = int(time.time() * 1000) + 1000
    sessions = lazada(market, "/im/session/list", {"start_time": now_ms, "page_size": 10}).json()["data"]
    session = sessions["session_list"][0]["session_id"]
    sent = lazada(market, "/im/message/send", {"session_id": session, "template_id": 1, "txt": "Masih kak"},
                  method="POST").json()
    assert sent["code"] == "0" and sent["data"]["message_id"]
    assert lazada(market, "/im/message/list", {"session_id": session, "start_time": now_ms + 1000,
                                               "page_size": 21}).json()["code"] != "0"
    msgs = lazada(market, "/im/message/list", {"session_id": session, "start_time": now_ms + 1000,
                                               "page_size": 20}).json()["data"]["message_list"]
    assert [json.loads(m["content"])["txt"] for m in msgs] == ["Masih kak", "Kak, ini masih ada?"]
