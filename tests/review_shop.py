"""A shop on test channels with reviews, for the store, service and cause tests of issue 16: "ulasku" (the fourth
channel's spec offering reviews: replies of at most 50 characters, one per review, a one-hour chat rule),
"ulasku_tutup" (a platform that gives apps no reviews) and "ulasku_polos" (a channel without reviews); products,
a linked shop, orders and reviews built around the real clock (the ledger stamps its movements with it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fourth_channel.spec import SPEC as WARUNGKU

from companion.connectors import registry
from companion.domain.clock import stamp
from companion.domain.deadlines import FixedWindow
from companion.domain.ids import new_id
from companion.domain.marketplace import Capability, Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.reviews import Review, ReviewRules
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store.database import Database

CHANNEL, CLOSED, PLAIN = "ulasku", "ulasku_tutup", "ulasku_polos"
RULES = ReviewRules(available=True, max_reply_length=50, one_reply=True, replies_per_call=10)
SKUS = ("KOPI", "GULA")


def register_channels() -> Iterator[None]:
    """Register the test channels for one test (a fixture body)."""
    registry.register(replace(WARUNGKU, name=CHANNEL, order=93, reviews=RULES,
                              reply_rule=FixedWindow(timedelta(hours=1)),
                              capabilities=WARUNGKU.capabilities | {Capability.REVIEWS}))
    registry.register(replace(WARUNGKU, name=CLOSED, order=94,
                              reviews=ReviewRules(available=False, seller_centre_url="https://seller.invalid")))
    registry.register(replace(WARUNGKU, name=PLAIN, order=95))
    yield
    for name in (CHANNEL, CLOSED, PLAIN):
        registry.unregister(name)


def base_time() -> datetime:
    """A moment just after now, whole seconds: what the shop's ledger holds so far is before it."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def products(db: Database, opening: dict[str, int] | None = None) -> dict[str, str]:
    counts = opening or {}
    return {sku: add_product(db, ProductInput(sku=sku, name=f"{sku} 1 kg", sell_price=10_000),
                             counts.get(sku, 20))[0] for sku in SKUS}


def shop(db: Database, channel: str = CHANNEL, shop_ref: str = "shop-1") -> str:
    account_id = new_id()
    with db.write():
        account_store.insert(db, {"id": account_id, "channel": channel, "name": f"Toko {channel} {shop_ref}",
                                  "practice": 1, "shop_ref": shop_ref, "base_url": "http://127.0.0.1:9",
                                  "created_at": stamp()})
    return account_id


def order(pid: str, at: datetime, status: OrderStatus = OrderStatus.PAID, updated: timedelta = timedelta(0),
          buyer: str = "Budi", channel: str = CHANNEL, ship_within: timedelta = timedelta(days=2)) -> Order:
    """An order of 3 KOPI and 2 GULA (line ids "1" and "2", items "item-KOPI"/"item-GULA", sku "0"), created at
    `at`, this copy updated `updated` later, to be shipped within `ship_within`."""
    lines = tuple(OrderLine(str(n), f"item-{sku}", "0", sku, f"{sku} 1 kg", qty, 10_000)
                  for n, (sku, qty) in enumerate(zip(SKUS, (3, 2), strict=True), start=1))
    return Order(channel, pid, status.value.upper(), status, at, at + updated, at + ship_within, buyer, lines)


def review(ref: str, at: datetime, rating: int = 1, order_id: str = "", sku: str = "KOPI", text: str = "Lama sekali",
           buyer: str = "Budi", **more: object) -> Review:
    """A review of item-<sku> (variant not named, as Shopee's comments often leave it)."""
    values: dict[str, object] = {"review_id": ref, "order_id": order_id, "item_id": f"item-{sku}", "sku_id": "",
                                 "product_name": f"{sku} 1 kg (toko)", "rating": rating, "text": text,
                                 "photos": (), "buyer_name": buyer, "created_at": at, "updated_at": at}
    values.update(more)
    return Review(**values)  # type: ignore[arg-type]
