"""Ship from the app, end to end on the practice marketplace, per platform: 20 paid orders → "Kirim semua yang
dipilih" with pickup → one sync round arranges every order exactly once (counted on the wire) → labels fetched the
round after the platform was still making them → one PDF with a page per label → the courier collects → the next
round shows every order "Dalam pengiriman" (shipped)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from ship_child import PICKUP, PLATFORMS, Wire, account_ids, add_parcels, engine, our_orders, place_paid, setup_shop

from companion.domain.marketplace import OrderStatus
from companion.practice import fulfilment as practice_fulfilment
from companion.practice.server import PracticeMarketplace
from companion.services.label_sheets import SheetLayout, label_sheet
from companion.services.shipping import queue_shipments
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store.database import Database
from companion.store.location import db_path

ORDERS = 20


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = PracticeMarketplace(tmp_path / "practice").start()
    yield m
    m.stop()


def _statuses(db: Database, ids: list[str]) -> set[str]:
    return {(order_store.get(db, i) or pytest.fail(i)).status for i in ids}


def _commands(db: Database) -> dict[str, int]:
    rows = db.query("SELECT state, COUNT(*) AS n FROM outbox WHERE kind = 'ship_order' GROUP BY state")
    return {r["state"]: int(r["n"]) for r in rows}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_twenty_orders_ship_with_pickup_exactly_once(platform: str, data_dir: Path, db: Database,
                                                     market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    add_parcels(db, url)
    sync = engine(db_path(data_dir), url)
    placed = place_paid(url, platform, ORDERS)
    sync.sync_once()
    ids = our_orders(db, platform, placed)
    assert _statuses(db, ids) == {OrderStatus.PAID.value}

    queued = queue_shipments(db, ids, {account_ids(db)[platform]: PICKUP})
    assert len(queued.queued) == ORDERS and not queued.skipped
    assert _commands(db) == {outbox.WAITING: ORDERS}

    wire = Wire(platform)
    market.recorders.append(wire)
    first = sync.sync_once()
    assert first.ok, first
    assert _commands(db) == {outbox.SENT: ORDERS}
    assert len(wire.ship_calls) == ORDERS          # one arrange call per order on the wire, none repeated
    for ref in placed:                              # the platform has one parcel per order
        assert practice_fulfilment.package_of_order(market.state, platform, ref) is not None
    rows = [order_store.get(db, i) for i in ids]
    assert all(r is not None and r.status == OrderStatus.READY_TO_SHIP.value and r.ship_state == "" for r in rows)
    assert all(r is not None and (r.package_id or r.tracking_number) for r in rows)

    # the platform makes labels a little later: none yet, or only some; the next round after that has them all
    time.sleep(practice_fulfilment.LABEL_DELAY + 0.2)
    sync.sync_once()
    sheet = label_sheet(db, ids, SheetLayout.THERMAL)
    assert not sheet.unprinted, sheet.unprinted
    assert sheet.pages == ORDERS
    with pdfium.PdfDocument(sheet.pdf) as doc:
        assert len(doc) == ORDERS
    for label in (data_dir / "labels").iterdir():
        with pdfium.PdfDocument(label.read_bytes()) as doc:
            assert len(doc) >= 1

    practice_fulfilment.advance_shipments(market.state, platform, everything=True)   # the courier collects
    time.sleep(1.05)   # Lazada's update_before is exclusive whole seconds
    sync.sync_once()
    assert _statuses(db, ids) == {OrderStatus.SHIPPED.value}
    assert len(wire.ship_calls) == ORDERS           # still one each: nothing sent again by later rounds
