"""Helpers for the shipping tests, and the child process of the kill test (`python tests/ship_child.py DATA ADMIN_URL`).

The child runs sync rounds in a loop against the practice marketplace until it is killed, printing "round" after
each one, so the parent knows a round (with its ship commands) is under way when it sends SIGKILL.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_child import PLATFORMS, account_ids, admin, engine, setup_shop
from sync_child import main as run_rounds

from companion.domain.fulfilment import ShipChoice, ShipMethod
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import online_orders as order_store
from companion.store.database import Database

__all__ = ["PLATFORMS", "account_ids", "admin", "engine", "setup_shop"]

PARCEL_SKU = "SC-KARDUS"   # a product with room for many orders on every platform
PARCEL_STOCK = 500

# The platform call that arranges a shipment, by channel (what "shipped exactly once" is counted on, on the wire).
SHIP_CALLS = {
    "shopee": ("/api/v2/logistics/ship_order", "/api/v2/logistics/batch_ship_order",
               "/api/v2/logistics/mass_ship_order"),
    "tiktok": ("/ship",),              # /fulfillment/202309/packages/{package_id}/ship and …/packages/ship
    "lazada": ("/order/package/rts", "/order/rts"),
}


def add_parcels(db: Database, admin_url: str) -> str:
    """One more local product listed on every practice platform with room for a big batch; its product id."""
    product_id, _ = add_product(db, ProductInput(sku=PARCEL_SKU, name="Kardus Kopi 1 dus", sell_price=30_000),
                                PARCEL_STOCK)
    for platform in PLATFORMS:
        admin(admin_url, "/listings", {"platform": platform, "name": "Kardus Kopi 1 dus", "seller_sku": PARCEL_SKU,
                                       "price": 30_000, "stock": PARCEL_STOCK})
    return product_id


def place_paid(admin_url: str, platform: str, count: int, quantity: int = 1) -> list[str]:
    """`count` paid orders of the parcel product on one platform; their platform order numbers."""
    return [str(admin(admin_url, "/orders", {"platform": platform, "buyer": n % 7,
                                            "lines": [{"seller_sku": PARCEL_SKU, "quantity": quantity}]})["ref"])
            for n in range(count)]


def our_orders(db: Database, platform: str, platform_ids: list[str]) -> list[str]:
    """Our online order ids of these platform orders (every one must have been pulled)."""
    account = account_ids(db)[platform]
    found = order_store.by_platform_ids(db, account, platform_ids)
    assert len(found) == len(platform_ids), (len(found), len(platform_ids))
    return [found[p].id for p in platform_ids]


PICKUP = ShipChoice(ShipMethod.PICKUP)


def is_ship_call(platform: str, path: str) -> bool:
    return any(path.endswith(end) for end in SHIP_CALLS[platform])


@dataclass
class Wire:
    """The platform calls on the wire (a practice recorder): every ship call, and every answer."""

    platform: str
    ship_calls: list[tuple[str, bytes, Any]] = field(default_factory=list)
    paths: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, channel: str, request: Any, reply: Any) -> None:
        if channel != self.platform:
            return
        with self.lock:
            self.paths[request.path] += 1
            if is_ship_call(channel, request.path) and not throttle_answer(reply):
                self.ship_calls.append((request.path, request.body, reply))


def throttle_answer(reply: Any) -> bool:
    """The shop's enforced call limit answered, not the platform's order work (docs/RATE_LIMITS.md): this test
    process's calls and the child's share one limit, which neither side's pacing can see whole."""
    if reply.drop:
        return False
    if reply.status == 429:
        return True
    body = reply.payload if isinstance(reply.payload, dict) else json.loads(reply.payload or b"{}")
    return body.get("error") == "error_rate_limit" or str(body.get("code")) in ("901", "ApiCallLimit")


if __name__ == "__main__":
    sys.exit(run_rounds(sys.argv[1:]))  # the same child as the sync's: rounds until killed
