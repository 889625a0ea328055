"""A shop on a test channel that offers fulfilment ("kirimku", the fourth channel's spec with shipping rules), for
the store and service tests of issue 15: products with opening stock, a linked shop, orders and ledger reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fourth_channel.spec import SPEC as WARUNGKU

from companion.connectors import registry
from companion.domain.clock import stamp
from companion.domain.fulfilment import CancelReason, CancelRequest, FulfilmentRules, ShipMethod
from companion.domain.ids import new_id
from companion.domain.marketplace import Capability, Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store.accounts import FILE_SHOP_REF
from companion.store.database import Database

CHANNEL = "kirimku"
PLAIN = "kirimku_polos"   # the same channel without fulfilment
RULES = FulfilmentRules(
    methods=(ShipMethod.PICKUP, ShipMethod.DROPOFF, ShipMethod.OWN_COURIER),
    cancel_reasons=(CancelReason("OUT_OF_STOCK", "Out of stock"), CancelReason("BUYER_ASKED", "Buyer asked")),
    cancels_lines=True,
    refuse_reasons=(CancelReason("USED", "Used item"),),
    partial_refund=True)
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
SKUS = ("KOPI", "GULA")


def register_channels(cancels_lines: bool = True) -> Iterator[None]:
    """Register the test channels for one test (a fixture body)."""
    rules = replace(RULES, cancels_lines=cancels_lines)
    registry.register(replace(WARUNGKU, name=CHANNEL, fulfilment=rules, order=91,
                              capabilities=WARUNGKU.capabilities | {Capability.FULFILMENT}))
    registry.register(replace(WARUNGKU, name=PLAIN, order=92))
    yield
    registry.unregister(CHANNEL)
    registry.unregister(PLAIN)


def products(db: Database, opening: int = 20) -> dict[str, str]:
    return {sku: add_product(db, ProductInput(sku=sku, name=f"{sku} 1 kg", sell_price=10_000), opening)[0]
            for sku in SKUS}


def shop(db: Database, channel: str = CHANNEL, shop_ref: str = "shop-1") -> str:
    account_id = new_id()
    with db.write():
        account_store.insert(db, {"id": account_id, "channel": channel, "name": f"Toko {channel} {shop_ref}",
                                  "practice": 1, "shop_ref": shop_ref, "base_url": "http://127.0.0.1:9",
                                  "created_at": stamp()})
    return account_id


def file_shop(db: Database, channel: str = CHANNEL) -> str:
    return shop(db, channel, FILE_SHOP_REF)


def order(pid: str, status: OrderStatus = OrderStatus.PAID, minutes: int = 0, cancelled: tuple[int, int] = (0, 0),
          channel: str = CHANNEL, **shipping: object) -> Order:
    """An order of 3 KOPI and 2 GULA (line ids "1" and "2"), updated `minutes` after T0."""
    lines = tuple(OrderLine(str(n), f"item-{sku}", "0", sku, f"{sku} 1 kg", qty, 10_000, gone)
                  for n, (sku, qty, gone) in enumerate(zip(SKUS, (3, 2), cancelled, strict=True), start=1))
    return Order(channel, pid, status.value.upper(), status, T0, T0 + timedelta(minutes=minutes),
                 T0 + timedelta(days=2), "Budi", lines, **shipping)  # type: ignore[arg-type]


def request(request_id: str = "rq-1", minutes: int = 0) -> CancelRequest:
    return CancelRequest(request_id, "Ganti alamat", T0 + timedelta(minutes=minutes), T0 + timedelta(days=1))


def ledger(db: Database, product_id: str) -> list[tuple[str, int]]:
    """The product's movements after its opening count, oldest first: (kind, units)."""
    rows = db.query("SELECT kind, quantity FROM stock_movements WHERE product_id = ? AND kind != 'opening'"
                    " ORDER BY seq", (product_id,))
    return [(str(r["kind"]), int(r["quantity"])) for r in rows]
