"""Ship from the app, end to end on the practice marketplace, per platform: 20 paid orders → "Kirim semua yang
dipilih" with pickup → one sync round arranges every order exactly once (counted on the wire) → labels fetched the
round after the platform was still making them → one PDF with a page per label → the courier collects → the next
round shows every order "Dalam pengiriman" (shipped)."""

from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from ship_child import (
    PICKUP,
    PLATFORMS,
    Wire,
    account_ids,
    add_parcels,
    admin,
    engine,
    our_orders,
    place_paid,
    setup_shop,
)
from sync_child import credentials_source

from companion.domain.fulfilment import ShipChoice, ShipMethod
from companion.domain.marketplace import OrderStatus
from companion.practice import fulfilment as practice_fulfilment
from companion.practice.server import PracticeMarketplace
from companion.services.fulfilment_rules import rules_for
from companion.services.label_sheets import SheetLayout, label_sheet
from companion.services.shipping import queue_shipments
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.shipping_options import ORDER_GONE, shipping_options

ORDERS = 20


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


def _row(db: Database, order_id: str) -> order_store.OnlineOrderRow:
    row = order_store.get(db, order_id)
    assert row is not None
    return row


@pytest.mark.parametrize("platform", PLATFORMS)
def test_refusals_in_the_platforms_words_and_an_order_shipped_from_the_seller_centre(
        platform: str, data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    """An order the buyer cancelled meanwhile and a drop-off at a branch that closed are refused in the platform's
    own words on the order (the command failed, no stock moved by the refusal); an order already arranged in the
    seller centre is recorded as arranged, not arranged twice."""
    url = market.base_urls["admin"]
    setup_shop(db, url)
    product = add_parcels(db, url)
    sync = engine(db_path(data_dir), url)
    placed = place_paid(url, platform, 3)
    sync.sync_once()
    cancelled, elsewhere, closed = our_orders(db, platform, placed)
    account = account_ids(db)[platform]
    rules = rules_for(account_store.get(db, account))
    assert rules is not None
    assert queue_shipments(db, [cancelled, elsewhere], {account: PICKUP}).queued
    branch = practice_fulfilment.BRANCHES[0][0]
    drop_off = ShipMethod.DROPOFF in rules.methods
    if drop_off:
        assert queue_shipments(db, [closed], {account: ShipChoice(ShipMethod.DROPOFF, branch_id=branch)}).queued
        practice_fulfilment.close_branch(market.state, platform, branch)
    admin(url, "/orders/cancel", {"platform": platform, "order": placed[0]})      # the buyer cancels meanwhile
    practice_fulfilment.arrange(market.state, platform, placed[1], "pickup")    # the seller centre arranges it
    before = stock_store.on_hand(db, product)
    time.sleep(1.05)   # Lazada's update_before is exclusive whole seconds
    sync.sync_once()

    gone = _row(db, cancelled)
    assert gone.status == OrderStatus.CANCELLED.value and gone.ship_state == "failed" and gone.ship_problem
    assert stock_store.on_hand(db, product) == before + 1             # the cancellation's unit, once; no more
    done = _row(db, elsewhere)
    assert done.status == OrderStatus.READY_TO_SHIP.value and done.ship_state == "" and not done.ship_problem
    if drop_off:   # where the seller names the branch the platform refuses it; elsewhere it picks an open one
        shut = _row(db, closed)
        package = practice_fulfilment.package_of_order(market.state, platform, placed[2])
        if shut.ship_state == "failed":
            assert shut.ship_problem and shut.status == OrderStatus.PAID.value and package is None
        else:
            assert package is not None and package.get("branch_id") != branch
    states = {r["key"]: (r["state"], r["last_error"]) for r in db.query(
        "SELECT idempotency_key AS key, state, last_error FROM outbox WHERE kind = 'ship_order'")}
    assert states[f"ship:{cancelled}:1"][0] == outbox.FAILED and states[f"ship:{cancelled}:1"][1]
    assert states[f"ship:{elsewhere}:1"] == (outbox.SENT, None)
    sync.sync_once()
    assert stock_store.on_hand(db, product) == before + 1
    assert stock_store.verify_levels(db) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_ship_dialog_gets_the_options_of_one_order(platform: str, data_dir: Path, db: Database,
                                                       market: PracticeMarketplace) -> None:
    """What the GUI's ship dialog asks for on its background thread: the platform's options now, or one sentence."""
    url = market.base_urls["admin"]
    setup_shop(db, url)
    add_parcels(db, url)
    sync = engine(db_path(data_dir), url)
    placed = place_paid(url, platform, 1)
    sync.sync_once()
    (order_id,) = our_orders(db, platform, placed)
    answer = shipping_options(db_path(data_dir), credentials_source(url), order_id)
    assert answer.options is not None and not answer.problem, answer
    options = answer.options   # a platform that assigns the courier itself may offer nothing to choose but the way
    assert options.methods and options.order_id == placed[0]
    if options.addresses:
        assert any(a.slots for a in options.addresses)   # slots not yet started
    gone = shipping_options(db_path(data_dir), credentials_source(url), "no-such-order")
    assert gone.options is None and gone.problem == ORDER_GONE
