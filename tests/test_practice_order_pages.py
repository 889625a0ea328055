"""The practice order lists page through SQL (LIMIT/OFFSET over an index); paging every list to its end with
every filter and sort must give exactly the orders, order, totals and cursors a plain filter of all orders
gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from test_practice_calls import lazada, shopee, start_market, tiktok

from companion.practice.server import PracticeMarketplace
from companion.practice.state import PracticeState

SHOPEE_LIST = "/api/v2/order/get_order_list"
TIKTOK_SEARCH = "/order/202309/orders/search"
LAZADA_LIST = "/orders/get"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path_factory.mktemp("pages") / "practice")
    _orders(m.state)
    yield m
    m.stop()


def _orders(state: PracticeState) -> None:
    """Per platform 17 orders over a few minutes of the server's clock, several sharing a second (ties
    are broken by id), and every third one cancelled later (its update time moves past others)."""
    for platform in ("shopee", "tiktok", "lazada"):
        listing = state.listings(platform)[0]
        state.set_stock(listing["id"], 10_000)
        refs = []
        for n in range(17):
            if n % 4 == 0:
                state.advance_clock(7)
            refs.append(state.create_order(platform, [(listing["id"], 1 + n % 3)], f"b{n}", f"Buyer {n}",
                                           state.channel(platform).statuses.open)["ref"])
        state.advance_clock(5)
        for ref in refs[::3]:
            state.cancel_order(platform, ref, state.channel(platform).statuses.cancelled, "buyer")


def _expected(state: PracticeState, platform: str, field: str, bounds: list[tuple[str, str, float]],
              status: str | None, descending: bool) -> list[str]:
    """The reference: every order of the platform, filtered and sorted here in Python."""
    ops = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}
    rows = [o for o in state.orders(platform) if all(ops[op](o[f], v) for f, op, v in bounds)
            and (not status or o["status"] == status)]
    rows.sort(key=lambda o: (o[field], o["id"]), reverse=descending)
    return [o["ref"] for o in rows]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


@pytest.mark.parametrize("field", ["create_time", "update_time"])
@pytest.mark.parametrize("status", [None, "CANCELLED", "READY_TO_SHIP", "NO_SUCH_STATUS"])
@pytest.mark.parametrize("page_size", [1, 4, 100])
def test_shopee_pages(market: PracticeMarketplace, field: str, status: str | None, page_size: int) -> None:
    now = int(market.state.now())
    orders = market.state.orders("shopee")
    time_from, time_to = sorted(o[field] for o in orders)[3], now  # a window that leaves some out
    want = _expected(market.state, "shopee", field, [(field, ">=", time_from), (field, "<=", time_to)], status, False)
    seen: list[str] = []
    cursor = ""
    for _ in range(40):
        params: dict[str, Any] = {"time_range_field": field, "time_from": time_from, "time_to": time_to,
                                  "page_size": page_size, "cursor": cursor, "response_optional_fields": "order_status"}
        if status:
            params["order_status"] = status
        body = shopee(market, "GET", SHOPEE_LIST, params, ts=now).json()
        assert body["error"] == "", body
        page = body["response"]
        seen += [row["order_sn"] for row in page["order_list"]]
        assert all(set(row) == {"order_sn", "order_status"} for row in page["order_list"])
        assert page["more"] == (len(seen) < len(want))
        assert page["next_cursor"] == (str(len(seen)) if page["more"] else "")
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == want
    assert status in ("NO_SUCH_STATUS", "CANCELLED") or len(want) > 4


@pytest.mark.parametrize("sort_field", ["create_time", "update_time"])
@pytest.mark.parametrize("sort_order", ["ASC", "DESC"])
@pytest.mark.parametrize("filters", ["none", "created", "updated", "both", "status"])
def test_tiktok_pages(market: PracticeMarketplace, sort_field: str, sort_order: str, filters: str) -> None:
    orders = market.state.orders("tiktok")
    creates = sorted(o["create_time"] for o in orders)
    updates = sorted(o["update_time"] for o in orders)
    body: dict[str, Any] = {}
    bounds: list[tuple[str, str, float]] = []
    if filters in ("created", "both"):
        body.update(create_time_ge=creates[2], create_time_lt=creates[-3])
        bounds += [("create_time", ">=", creates[2]), ("create_time", "<", creates[-3])]
    if filters in ("updated", "both"):
        body["update_time_ge"] = updates[5]
        bounds.append(("update_time", ">=", updates[5]))
    status = "CANCELLED" if filters == "status" else None
    if status:
        body["order_status"] = status
    want = _expected(market.state, "tiktok", sort_field, bounds, status, sort_order == "DESC")
    seen: list[str] = []
    token = ""
    for _ in range(20):
        reply = tiktok(market, "POST", TIKTOK_SEARCH, {"page_size": 3, "page_token": token, "sort_order": sort_order,
                                                       "sort_field": sort_field}, body,
                       ts=int(market.state.now())).json()
        assert reply["code"] == 0, reply
        data = reply["data"]
        assert data["total_count"] == len(want)
        seen += [o["id"] for o in data["orders"]]
        token = data["next_page_token"]
        if not token:
            break
    assert seen == want and want


def test_tiktok_bad_filters(market: PracticeMarketplace) -> None:
    ts = int(market.state.now())
    bad_bound = tiktok(market, "POST", TIKTOK_SEARCH, {"page_size": 3}, {"create_time_ge": "yesterday"}, ts=ts).json()
    assert bad_bound["code"] != 0 and "create_time_ge" in bad_bound["message"]
    odd_status = tiktok(market, "POST", TIKTOK_SEARCH, {"page_size": 3}, {"order_status": 7}, ts=ts).json()
    assert odd_status["code"] == 0 and odd_status["data"] == {"orders": [], "next_page_token": "", "total_count": 0}
    past_end = tiktok(market, "POST", TIKTOK_SEARCH, {"page_size": 3, "page_token": "eyJvIjogOTk5fQ=="}, {},
                      ts=ts).json()["data"]  # {"o": 999}
    assert past_end["orders"] == [] and past_end["total_count"] == 17 and past_end["next_page_token"] == ""


@pytest.mark.parametrize("sort_by", ["created_at", "updated_at"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("filters", ["updated", "created_range", "status"])
def test_lazada_pages(market: PracticeMarketplace, sort_by: str, direction: str, filters: str) -> None:
    orders = market.state.orders("lazada")
    creates = sorted(o["create_time"] for o in orders)
    updates = sorted(o["update_time"] for o in orders)
    field = {"created_at": "create_time", "updated_at": "update_time"}[sort_by]
    params: dict[str, Any] = {"sort_by": sort_by, "sort_direction": direction, "limit": 4}
    bounds: list[tuple[str, str, float]]
    status = None
    if filters == "updated":
        params["update_after"] = _iso(updates[4])
        bounds = [("update_time", ">=", updates[4])]
    elif filters == "created_range":
        params.update(created_after=_iso(creates[1]), created_before=_iso(creates[-2]))
        bounds = [("create_time", ">=", creates[1]), ("create_time", "<", creates[-2])]
    else:
        status = "canceled"
        params.update(update_after=_iso(updates[0]), status=status)
        bounds = [("update_time", ">=", updates[0])]
    # /orders/get types order_id as a string (issue 14: ids as the reference types them)
    want = [str(r) for r in _expected(market.state, "lazada", field, bounds, status, direction == "DESC")]
    seen: list[str] = []
    for offset in range(0, len(want) + 8, 4):
        reply = lazada(market, LAZADA_LIST, {**params, "offset": offset},
                       ts_ms=int(market.state.now() * 1000)).json()
        assert reply["code"] == "0", reply
        data = reply["data"]
        assert data["countTotal"] == len(want) and data["count"] == len(data["orders"])
        seen += [o["order_id"] for o in data["orders"]]
    assert seen == want and want
