"""Cancellations and returns end to end on the practice marketplace, per platform, with the stock ledger checked:
a buyer's requests to cancel (one accepted, one refused), the seller's cancellations (a whole order, and units of a
line where the platform allows), and returns answered, received back into stock and written off."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ship_child import (
    PARCEL_SKU,
    PARCEL_STOCK,
    PICKUP,
    PLATFORMS,
    account_ids,
    add_parcels,
    admin,
    engine,
    our_orders,
    setup_shop,
)

from companion.domain.fulfilment import ReturnAction, ReturnAnswer
from companion.domain.ledger import MovementKind
from companion.domain.marketplace import OrderStatus
from companion.practice import fulfilment as practice
from companion.practice.server import PracticeMarketplace
from companion.services import cancellations, returns
from companion.services.fulfilment_rules import rules_for
from companion.services.shipping import queue_shipments
from companion.store import accounts as account_store
from companion.store import cancel_requests as request_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store import returns as return_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine


class Shop:
    """One practice shop of `platform` with the parcel product, and a sync engine over it."""

    def __init__(self, db: Database, data_dir: Path, market: PracticeMarketplace, platform: str) -> None:
        self.db, self.market, self.platform = db, market, platform
        self.url = market.base_urls["admin"]
        setup_shop(db, self.url)
        self.product = add_parcels(db, self.url)
        self.sync: SyncEngine = engine(db_path(data_dir), self.url)
        self.account = account_ids(db)[platform]
        rules = rules_for(account_store.get(db, self.account))
        assert rules is not None, f"{platform} declares no fulfilment"
        self.rules = rules

    def order(self, *quantities: int) -> tuple[str, str]:
        """A paid order with one line of the parcel product per quantity; (platform ref, our id) once pulled."""
        lines = [{"seller_sku": PARCEL_SKU, "quantity": q} for q in quantities]
        ref = str(admin(self.url, "/orders", {"platform": self.platform, "lines": lines})["ref"])
        self.round()
        return ref, our_orders(self.db, self.platform, [ref])[0]

    def round(self) -> None:
        time.sleep(1.05)   # Lazada's update_before is exclusive whole seconds: what changed is in the next window
        summary = self.sync.sync_once()
        assert summary.ok, summary

    def on_hand(self) -> int:
        return stock_store.on_hand(self.db, self.product)

    def moves(self, kind: MovementKind) -> list[int]:
        return [m.quantity for m in stock_store.history(self.db, self.product) if m.kind is kind]

    def status(self, order_id: str) -> str:
        row = order_store.get(self.db, order_id)
        assert row is not None
        return row.status

    def commands_sent(self) -> None:
        open_ = self.db.query("SELECT kind, state, last_error FROM outbox WHERE kind != 'stock_changed'"
                              " AND state != 'sent' AND state != 'cancelled'")
        assert not open_, [tuple(r) for r in open_]
        assert stock_store.verify_levels(self.db) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_buyer_cancel_requests_accepted_and_refused(platform: str, data_dir: Path, db: Database,
                                                    market: PracticeMarketplace) -> None:
    shop = Shop(db, data_dir, market, platform)
    (ref1, id1), (ref2, id2) = shop.order(1), shop.order(1)
    assert shop.on_hand() == PARCEL_STOCK - 2
    for ref in (ref1, ref2):
        practice.request_cancel(market.state, platform, ref, "Ingin mengubah alamat")
    shop.round()
    assert {request_store.get(db, i).state for i in (id1, id2)} == {request_store.OPEN}  # type: ignore[union-attr]

    refuse = shop.rules.refuse_reasons[0].code if shop.rules.refuse_reasons else ""
    cancellations.queue_cancel_answer(db, id1, True)
    cancellations.queue_cancel_answer(db, id2, False, refuse)
    shop.round()
    shop.commands_sent()
    answered = {ref: (practice.cancel_request(market.state, platform, ref) or {}).get("state") for ref in (ref1, ref2)}
    assert answered == {ref1: "accepted", ref2: "refused"}
    assert request_store.get(db, id1).state == request_store.ACCEPTED  # type: ignore[union-attr]
    assert request_store.get(db, id2).state == request_store.REFUSED  # type: ignore[union-attr]
    assert shop.status(id1) == OrderStatus.CANCELLED.value and shop.status(id2) == OrderStatus.PAID.value
    assert shop.on_hand() == PARCEL_STOCK - 1                 # the accepted one's unit is back, once
    assert shop.moves(MovementKind.ONLINE_CANCEL) == [1]
    shop.round()
    assert shop.on_hand() == PARCEL_STOCK - 1 and shop.moves(MovementKind.ONLINE_CANCEL) == [1]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_seller_cancels_a_whole_order_and_units_of_a_line(platform: str, data_dir: Path, db: Database,
                                                          market: PracticeMarketplace) -> None:
    shop = Shop(db, data_dir, market, platform)
    reason = shop.rules.cancel_reasons[0].code          # the platform's "out of stock" reason comes first
    _ref1, whole = shop.order(2)
    ref2, partly = shop.order(3, 1)
    assert shop.on_hand() == PARCEL_STOCK - 6
    cancellations.queue_cancel(db, whole, reason)
    if shop.rules.cancels_lines:   # 2 units: of one line, or two lines of one unit (a platform with a line a unit)
        lines = order_store.lines(db, partly)
        wide = [li for li in lines if li.quantity >= 2]
        cut = [(wide[0].id, 2)] if wide else [(li.id, 1) for li in lines[:2]]
        cancellations.queue_cancel(db, partly, reason, cut)
    shop.round()
    shop.commands_sent()
    assert shop.status(whole) == OrderStatus.CANCELLED.value
    if shop.rules.cancels_lines:
        assert shop.status(partly) == OrderStatus.PAID.value
        assert sum(li.cancelled_quantity for li in order_store.lines(db, partly)) == 2
        assert sum(li["cancelled"] for li in market.state.order(platform, ref2)["lines"]) == 2
        assert shop.on_hand() == PARCEL_STOCK - 2            # 2 of the whole order and 2 units of the line back
    else:
        assert shop.on_hand() == PARCEL_STOCK - 4
    shop.round()   # the same news again changes nothing: every unit back exactly once
    assert sum(shop.moves(MovementKind.ONLINE_CANCEL)) == (4 if shop.rules.cancels_lines else 2)
    assert stock_store.verify_levels(db) == []


def _delivered(shop: Shop, ref: str, order_id: str) -> None:
    assert queue_shipments(shop.db, [order_id], {shop.account: PICKUP}).queued
    shop.round()
    for _ in range(4):
        found = practice.package_of_order(shop.market.state, shop.platform, ref)
        if found is not None and found["status"] in ("delivered", "completed"):
            return
        practice.advance_shipments(shop.market.state, shop.platform, everything=True)
    pytest.fail(f"order {ref} not delivered")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_returns_accepted_then_restocked_and_written_off(platform: str, data_dir: Path, db: Database,
                                                         market: PracticeMarketplace) -> None:
    shop = Shop(db, data_dir, market, platform)
    ref, order_id = shop.order(3)
    _delivered(shop, ref, order_id)
    line_ref = str(market.state.order(platform, ref)["lines"][0]["id"])
    first = practice.request_return(market.state, platform, ref, "Barang rusak", [(line_ref, 2)],
                                    photos=("https://example.com/rusak.jpg",), note="Kardus penyok")
    second = practice.request_return(market.state, platform, ref, "Salah kirim", [(line_ref, 1)])
    shop.round()
    stored = {r: return_store.by_platform_id(db, shop.account, r) for r in (first["ref"], second["ref"])}
    assert all(row is not None and row.state == "requested" for row in stored.values()), stored
    assert shop.on_hand() == PARCEL_STOCK - 3

    for row in stored.values():
        assert row is not None
        returns.queue_return_answer(db, row.id, ReturnAnswer(ReturnAction.ACCEPT))
    shop.round()
    shop.commands_sent()
    assert {practice.return_(market.state, platform, r)["state"] for r in stored} <= {"accepted", "refunded"}
    shop.round()   # the pull brings the platform's own state
    for row in stored.values():
        assert row is not None
        assert (return_store.get(db, row.id) or row).state in ("accepted", "refunded")

    first_row, second_row = stored[first["ref"]], stored[second["ref"]]
    assert first_row is not None and second_row is not None
    returns.receive_return(db, first_row.id, "restock")
    assert shop.on_hand() == PARCEL_STOCK - 1
    returns.receive_return(db, second_row.id, "write_off")
    assert shop.on_hand() == PARCEL_STOCK - 1              # came back and went out again: a movement either way
    assert sum(shop.moves(MovementKind.ONLINE_RETURN)) == 3   # per returned line (a platform may list units)
    assert sum(shop.moves(MovementKind.RETURN_WRITE_OFF)) == -1
    assert stock_store.verify_levels(db) == []
    assert db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'answer_return' AND state = ?", (outbox.SENT,)) == 2
