"""Contract: every connector against the practice marketplace, over real HTTP on 127.0.0.1.

The connectors and the practice server were written separately from the platform reference; this suite is where
they have to agree. Each test gets its own marketplace in tmp_path (buyers off) and builds its connector through
`companion.connectors.factory`, exactly as the app does.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from companion.connectors import AuthExpired, NotPermitted, Permanent, Temporary, Throttled
from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector, practice_credentials
from companion.connectors.http import Http, HttpResponse, Params
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.marketplace import Conversation, Order, OrderStatus, StockUpdate
from companion.practice.server import PracticeMarketplace

PLATFORMS = ["shopee", "tiktok", "lazada"]
ADMIN_TIMEOUT = 5
DAY = 86400


class RecordingHttp(Http):
    """The real transport, noting each request's path and body so tests can check the batch sizes sent."""

    def __init__(self, read_timeout: float = 5.0) -> None:
        super().__init__(connect_timeout=2.0, read_timeout=read_timeout)
        self.sent: list[tuple[str, str, str]] = []

    def send(self, method: str, url: str, *, params: Params | None = None, body: str | None = None,
             form: Any = None, headers: Any = None, write: bool | None = None) -> HttpResponse:
        payload = body if body is not None else json.dumps(form or {})
        self.sent.append((method, url, payload))
        return super().send(method, url, params=params, body=body, form=form, headers=headers, write=write)

    def bodies(self, path_end: str) -> list[str]:
        return [payload for _, url, payload in self.sent if url.endswith(path_end)]


class Shop:
    """One practice marketplace plus helpers to drive its admin API and build connectors against it."""

    def __init__(self, market: PracticeMarketplace, platform: str) -> None:
        self.market, self.platform = market, platform

    def admin(self, call: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
        url = self.market.base_urls["admin"] + call
        if body is None:
            reply = requests.get(url, params={"platform": self.platform, **query}, timeout=ADMIN_TIMEOUT)
        else:
            reply = requests.post(url, json={"platform": self.platform, **body}, timeout=ADMIN_TIMEOUT)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.market.state.now(), UTC)

    def credentials(self) -> Credentials:
        return practice_credentials(self.market.credentials(), self.market.base_urls)[self.platform]

    def connector(self, credentials: Credentials | None = None, *, read_timeout: float = 5.0,
                  skew: timedelta = timedelta(0)) -> tuple[Connector, RecordingHttp]:
        """A connector whose clock follows the marketplace's (which tests move forward), plus its transport."""
        http = RecordingHttp(read_timeout)
        clock: Callable[[], datetime] = lambda: self.now() + skew  # noqa: E731
        return build_connector(credentials or self.credentials(), http=http, clock=clock), http

    def faults(self, **rates: float) -> None:
        self.admin("/faults", {"rates": {self.platform: rates}, "seed": 7, "timeout_seconds": 1.0})

    def listings(self) -> list[dict[str, Any]]:
        return list(self.admin("/listings")["listings"])

    def order(self, lines: list[tuple[str, int]], *, paid: bool = True, buyer: int = 0) -> dict[str, Any]:
        body = {"lines": [{"seller_sku": sku, "quantity": qty} for sku, qty in lines], "paid": paid, "buyer": buyer}
        return dict(self.admin("/orders", body))


@pytest.fixture(params=PLATFORMS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    market = PracticeMarketplace(tmp_path / "market").start()
    try:
        yield Shop(market, request.param)
    finally:
        market.stop()


def pull_all(connector: Connector, start: datetime, end: datetime) -> list[Order]:
    """Walk every page; a runaway cursor fails the test instead of hanging it."""
    found: list[Order] = []
    cursor: str | None = None
    for _ in range(200):
        page = connector.pull_orders(start, end, cursor)
        found += page.orders
        if page.done:
            return found
        assert page.next_cursor, "a page that is not done must give a cursor"
        cursor = page.next_cursor
    raise AssertionError("pull_orders never finished")


def latest_by_id(orders: list[Order]) -> dict[str, Order]:
    latest: dict[str, Order] = {}
    for o in orders:
        if o.order_id not in latest or o.updated_at >= latest[o.order_id].updated_at:
            latest[o.order_id] = o
    return latest


# -- tokens -----------------------------------------------------------------------------------------------------
def test_refresh_gives_working_tokens(shop: Shop) -> None:
    connector, _ = shop.connector()
    first = connector.refresh_tokens()
    connector.use_tokens(first)
    assert connector.list_listings()
    second = connector.refresh_tokens()  # the refresh token we were handed works again
    connector.use_tokens(second)
    assert connector.list_listings()
    if shop.platform == "shopee":
        stale, _ = shop.connector(replace(shop.credentials(), refresh_token=first.refresh_token))
        with pytest.raises(AuthExpired) as refused:
            stale.refresh_tokens()  # single use (§1.4): already spent on `second`
        assert refused.value.reauthorize


def test_shopee_original_refresh_token_dies_after_use(shop: Shop) -> None:
    if shop.platform != "shopee":
        pytest.skip("single-use refresh tokens are Shopee's rule")
    original = shop.credentials()
    connector, _ = shop.connector(original)
    tokens = connector.refresh_tokens()
    assert tokens.refresh_token != original.refresh_token
    again, _ = shop.connector(original)
    with pytest.raises(AuthExpired) as refused:
        again.refresh_tokens()
    assert refused.value.reauthorize
    assert original.refresh_token not in refused.value.message


def test_expired_access_token_then_refresh(shop: Shop) -> None:
    connector, _ = shop.connector()
    shop.market.advance_clock(8 * DAY)  # past every access lifetime (4 h / 7 d), inside the 30-day refresh one
    with pytest.raises(AuthExpired) as expired:
        connector.list_listings()
    assert not expired.value.reauthorize
    connector.use_tokens(connector.refresh_tokens())
    assert connector.list_listings()


# -- listings and stock -----------------------------------------------------------------------------------------
def test_list_listings_returns_every_listing_with_sku_and_stock(shop: Shop) -> None:
    shop.admin("/listings", {"name": "Kacang Mete 250 g", "seller_sku": "MT-250", "stock": 7, "price": 42000})
    connector, _ = shop.connector()
    got = {(x.item_id, x.sku_id): (x.seller_sku, x.stock, x.name) for x in connector.list_listings()}
    want = {(x["item_id"], x["model_id"]): (x["seller_sku"], x["stock"], x["name"]) for x in shop.listings()}
    assert got == want


def test_push_stock_sets_absolute_stock_for_120_listings_in_batches(shop: Shop) -> None:
    item = shop.admin("/listings", {"name": "Stiker Lucu", "seller_sku": "STK-000", "stock": 1, "variant": "V000"})
    for n in range(1, 60):
        shop.admin("/listings", {"name": "Stiker Lucu", "seller_sku": f"STK-{n:03d}", "stock": 1,
                                 "variant": f"V{n:03d}", "item_id": item["item_id"]})
    for n in range(60):
        shop.admin("/listings", {"name": f"Pensil {n}", "seller_sku": f"PNS-{n:03d}", "stock": 1})
    connector, http = shop.connector()
    ours = [x for x in connector.list_listings() if x.seller_sku[:4] in ("STK-", "PNS-")]
    assert len(ours) == 120
    updates = [StockUpdate(x.ref, 5 + i) for i, x in enumerate(ours)]
    results = connector.push_stock(updates)
    assert [(r.listing, r.ok, r.reason) for r in results] == [(u.listing, True, "") for u in updates]
    stock = {x["seller_sku"]: x["stock"] for x in shop.listings()}
    assert {u.listing.seller_sku: stock[u.listing.seller_sku] for u in updates} == {
        u.listing.seller_sku: u.quantity for u in updates}
    limit = {"shopee": 50, "tiktok": 100, "lazada": 50}[shop.platform]  # §1.8, §3.5; TikTok: one product a call
    assert max(_batch_size(shop.platform, body) for body in _stock_bodies(shop.platform, http)) <= limit


def _stock_bodies(platform: str, http: RecordingHttp) -> list[str]:
    end = {"shopee": "/update_stock", "tiktok": "/inventory/update", "lazada": "/stock/sellable/update"}[platform]
    bodies = http.bodies(end)
    assert bodies
    return bodies


def _batch_size(platform: str, body: str) -> int:
    if platform == "shopee":
        return len(json.loads(body)["stock_list"])
    if platform == "tiktok":
        return len(json.loads(body)["skus"])
    return str(json.loads(body)["payload"]).count("<Sku>")


# -- orders -----------------------------------------------------------------------------------------------------
SKUS = ["KOPI-ROB-250", "GULA-AREN-500", "KRP-BLD-PDS", "TEH-MLT-25"]


def _stock_up(shop: Shop) -> dict[str, int]:
    prices = {}
    for sku in SKUS:
        prices[sku] = int(shop.admin("/stock", {"seller_sku": sku, "stock": 500})["price"])
    return prices


def test_pull_orders_pages_to_exactly_the_orders_in_the_window(shop: Shop) -> None:
    prices = _stock_up(shop)
    old = shop.order([("TEH-MLT-25", 1)])
    shop.market.advance_clock(2 * 3600)  # inside Shopee's 4-hour token, outside the window below
    start = shop.now() - timedelta(minutes=1)
    made = [shop.order([(SKUS[n % 4], 1 + n % 3)], buyer=n) for n in range(8)]
    made.append(shop.order([("KOPI-ROB-250", 2), ("GULA-AREN-500", 3), ("KRP-BLD-PDS", 1)], buyer=3))
    made.append(shop.order([("TEH-MLT-25", 4), ("KOPI-ROB-250", 1)], buyer=4))
    unpaid = shop.order([("KRP-BLD-PDS", 2)], paid=False, buyer=5)
    cancelled = shop.order([("GULA-AREN-500", 1), ("TEH-MLT-25", 2)], buyer=6)
    cancelled = dict(shop.admin("/orders/cancel", {"order": cancelled["ref"]}))
    made += [unpaid, cancelled]
    connector, _ = shop.connector()
    connector.order_page_size = 3  # type: ignore[attr-defined]
    pulled = pull_all(connector, start, shop.now() + timedelta(minutes=1))
    got = latest_by_id(pulled)
    assert set(got) == {o["ref"] for o in made}
    assert old["ref"] not in got
    for want in made:
        order = got[want["ref"]]
        _check_order(order, want, prices)
    assert got[unpaid["ref"]].status is OrderStatus.UNPAID
    assert got[cancelled["ref"]].status is OrderStatus.CANCELLED
    assert {got[o["ref"]].status for o in made[:10]} == {OrderStatus.PAID}


def _check_order(order: Order, want: dict[str, Any], prices: dict[str, int]) -> None:
    """Lines may come one per unit (TikTok, Lazada) or one per SKU (Shopee): per-SKU sums must match."""
    quantities: Counter[str] = Counter()
    for line in order.lines:
        quantities[line.seller_sku] += line.quantity
        assert line.unit_price == prices[line.seller_sku]
        assert isinstance(line.unit_price, int)
    assert dict(quantities) == {li["seller_sku"]: li["quantity"] for li in want["lines"]}
    assert order.ship_by == datetime.fromtimestamp(want["ship_by"], UTC)
    assert order.created_at == datetime.fromtimestamp(want["create_time"], UTC)
    assert len({line.line_id for line in order.lines}) == len(order.lines)


def test_pull_orders_window_includes_both_ends(shop: Shop) -> None:
    """[updated_from, updated_to] is inclusive, whatever each platform's own bounds are (ge/lt, after/before)."""
    _stock_up(shop)
    edge = shop.order([("TEH-MLT-25", 1)])
    at = datetime.fromtimestamp(edge["update_time"], UTC)
    connector, _ = shop.connector()
    assert edge["ref"] in latest_by_id(pull_all(connector, at - timedelta(minutes=1), at))
    assert edge["ref"] in latest_by_id(pull_all(connector, at, at + timedelta(minutes=1)))
    assert edge["ref"] not in latest_by_id(pull_all(connector, at + timedelta(seconds=1), at + timedelta(minutes=1)))


def test_pull_orders_survives_overlapping_pages(shop: Shop) -> None:
    _stock_up(shop)
    start = shop.now() - timedelta(minutes=1)
    made = {shop.order([(SKUS[n % 4], 1)], buyer=n)["ref"] for n in range(10)}
    shop.faults(repeat_page=1.0)
    connector, _ = shop.connector()
    connector.order_page_size = 4  # type: ignore[attr-defined]
    assert set(latest_by_id(pull_all(connector, start, shop.now() + timedelta(minutes=1)))) == made


def test_get_orders_by_ids_batches_past_50(shop: Shop) -> None:
    prices = _stock_up(shop)
    made = [shop.order([(SKUS[n % 4], 1 + n % 2), (SKUS[(n + 1) % 4], 1)], buyer=n) for n in range(55)]
    connector, _ = shop.connector()
    got = connector.get_orders([o["ref"] for o in made])
    assert sorted(o.order_id for o in got) == sorted(o["ref"] for o in made)
    by_id = {o.order_id: o for o in got}
    for want in made:
        _check_order(by_id[want["ref"]], want, prices)


# -- chat -------------------------------------------------------------------------------------------------------
def _buyer_conversation(connector: Connector, buyer_name: str) -> Conversation:
    page = connector.list_conversations()
    return next(c for c in page.conversations if c.buyer_name == buyer_name)


def test_chat_read_and_reply(shop: Shop) -> None:
    if shop.platform in ("shopee", "tiktok"):  # whitelisted chat; TikTok's Customer Service approved (issue 14)
        shop.admin("/chat", {"enabled": True})
    shop.admin("/messages", {"text": "Kak, ready stok?", "buyer": 2})
    shop.admin("/messages", {"text": "Halo kak", "buyer": 4})
    connector, _ = shop.connector()
    conversation = _buyer_conversation(connector, "dewi88")
    assert conversation.last_text == "Kak, ready stok?" and conversation.unread_count == 1
    before = connector.list_messages(conversation.conversation_id).messages
    assert [(m.text, m.from_buyer) for m in before] == [("Kak, ready stok?", True)]
    reply = "Ready kak, bisa kirim hari ini 🙏"
    message_id = connector.send_text(conversation, reply)
    assert message_id
    buyer_side = shop.admin("/messages")["conversations"]
    sent = [m for c in buyer_side for m in c["messages"] if m["sender"] == "seller"]
    assert [(m["text"], m["ref"]) for m in sent] == [(reply, message_id)]
    after = connector.list_messages(conversation.conversation_id).messages
    assert (after[0].message_id, after[0].text, after[0].from_buyer) == (message_id, reply, False)


def test_shopee_chat_switched_off_is_not_permitted(shop: Shop) -> None:
    if shop.platform == "lazada":  # Shopee's chat is whitelisted; TikTok's Customer Service waits for approval
        pytest.skip("Lazada chat needs no approval")
    shop.admin("/messages", {"text": "Kak, ready stok?", "buyer": 2})
    connector, _ = shop.connector()
    with pytest.raises(NotPermitted):
        connector.list_conversations()
    buyer = Conversation("1", str(shop.admin("/messages")["conversations"][0]["buyer_id"]), "dewi88", "", None, 0)
    with pytest.raises(NotPermitted):
        connector.send_text(buyer, "halo")
    assert [m["sender"] for c in shop.admin("/messages")["conversations"] for m in c["messages"]] == ["buyer"]


# -- faults -----------------------------------------------------------------------------------------------------
def test_throttled_with_retry_after(shop: Shop) -> None:
    connector, _ = shop.connector()
    shop.faults(throttle=1.0)
    with pytest.raises(Throttled) as throttled:
        connector.list_listings()
    assert throttled.value.retry_after_seconds is not None and throttled.value.retry_after_seconds > 0


def test_server_error_is_temporary(shop: Shop) -> None:
    connector, _ = shop.connector()
    shop.faults(server_error=1.0)
    with pytest.raises(Temporary) as failed:
        connector.list_listings()
    assert not failed.value.outcome_unknown  # a read: safe to repeat


def test_lost_answer_to_stock_push_is_outcome_unknown(shop: Shop) -> None:
    connector, _ = shop.connector()
    listing = next(x for x in connector.list_listings() if x.seller_sku == "SABUN-800")
    shop.faults(lost_response=1.0)
    with pytest.raises(Temporary) as lost:
        connector.push_stock([StockUpdate(listing.ref, 3)])
    assert lost.value.outcome_unknown
    assert next(x["stock"] for x in shop.listings() if x["seller_sku"] == "SABUN-800") == 3  # it did land


def test_lost_answer_to_send_is_outcome_unknown(shop: Shop) -> None:
    if shop.platform in ("shopee", "tiktok"):  # whitelisted chat; TikTok's Customer Service approved (issue 14)
        shop.admin("/chat", {"enabled": True})
    shop.admin("/messages", {"text": "Kak, ready stok?", "buyer": 2})
    connector, _ = shop.connector()
    conversation = _buyer_conversation(connector, "dewi88")
    shop.faults(lost_response=1.0)
    with pytest.raises(Temporary) as lost:
        connector.send_text(conversation, "Ready kak")
    assert lost.value.outcome_unknown


def test_no_answer_in_time_is_temporary(shop: Shop) -> None:
    connector, _ = shop.connector(read_timeout=0.3)
    shop.faults(timeout=1.0)  # the server holds the call for 1 s (set in Shop.faults)
    with pytest.raises(Temporary) as slow:
        connector.list_listings()
    assert not slow.value.outcome_unknown


@pytest.mark.parametrize("how", ["fault", "skewed_clock"])
def test_rejected_timestamp_is_permanent(shop: Shop, how: str) -> None:
    """Permanent, not Temporary: the platform refuses every call signed with this clock, so retrying or refreshing
    tokens cannot help; the seller has to correct the computer's clock (the platform code says why)."""
    if how == "fault":
        connector, _ = shop.connector()
        shop.faults(bad_timestamp=1.0)
    else:
        connector, _ = shop.connector(skew=timedelta(hours=3))  # beyond all windows (5 min, −5 min/+30 s, 2 h)
    with pytest.raises(Permanent) as refused:
        connector.list_listings()
    assert not isinstance(refused.value, AuthExpired | NotPermitted)
    assert "timestamp" in refused.value.message.lower()


def test_wrong_secret_is_a_signature_error_without_the_secret(shop: Shop) -> None:
    good = shop.credentials()
    wrong = "wrong-" + "s3cr3t" * 6
    bad: Credentials = (replace(good, partner_key=wrong) if isinstance(good, ShopeeCredentials)
                        else replace(good, app_secret=wrong))
    connector, _ = shop.connector(bad)
    with pytest.raises(Permanent) as refused:
        connector.list_listings()
    assert not isinstance(refused.value, AuthExpired | NotPermitted)
    assert "sign" in refused.value.message.lower()
    with pytest.raises(Permanent) as refresh_refused:
        connector.refresh_tokens()  # not AuthExpired: authorizing the shop again would not fix the app's secret
    assert not isinstance(refresh_refused.value, AuthExpired)
    for secret in (wrong, *good.secrets()):
        for error in (refused.value, refresh_refused.value):
            assert secret not in str(error) and secret not in repr(error)
