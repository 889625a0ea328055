"""Shipping from the app, store and services: queueing a batch (each refusal one sentence, never two open ship
commands for one order), what the platform answered (arranged, refused: stock never moves), the shop's usual
choice, labels as files kept with their orders, the parcel facts apply_orders keeps, and schema v9's upgrade."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from shipping_shop import CHANNEL, PLAIN, RULES, file_shop, ledger, order, products, register_channels, shop

from companion.connectors import registry
from companion.domain.errors import UserError
from companion.domain.fulfilment import ShipChoice, ShipMethod, Shipped, ShippingDocument
from companion.domain.ledger import MovementKind
from companion.domain.marketplace import OrderStatus
from companion.services import commands
from companion.services import shipping as ship
from companion.services.online_orders import apply_orders
from companion.services.shipping_labels import label_file, mark_printed, save_label
from companion.store import migrations, outbox
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.schema_shape import differences, shape_of

PICKUP = ShipChoice(ShipMethod.PICKUP, address_id="addr-1", slot_id="")
PDF = b"%PDF-1.4\n% a label\n%%EOF\n"


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def _orders(db: Database, account: str, *pids: str, status: OrderStatus = OrderStatus.PAID) -> list[str]:
    apply_orders(db, account, [order(pid, status) for pid in pids])
    return [order_store.by_platform_id(db, account, pid).id for pid in pids]  # type: ignore[union-attr]


def _ship_commands(db: Database) -> list[outbox.CommandRow]:
    return [c for c in outbox.listed(db, outbox.STATES) if c.kind == ship.SHIP_ORDER]


def test_a_batch_queues_what_may_go_and_says_why_for_each_other(db: Database) -> None:
    products(db)
    account, plain, files = shop(db), shop(db, PLAIN), file_shop(db)
    a, b, unpaid = _orders(db, account, "A", "B") + _orders(db, account, "U", status=OrderStatus.UNPAID)
    [other] = _orders(db, plain, "P")
    [imported] = _orders(db, files, "F")
    result = ship.queue_shipments(db, [a, b, unpaid, other, imported, "no-such", a],
                                  {account: PICKUP, plain: PICKUP, files: PICKUP})
    assert result.queued == (a, b)
    assert dict(result.skipped) == {unpaid: ship.NOT_READY, other: ship.NO_FULFILMENT, imported: ship.NO_FULFILMENT,
                                    "no-such": ship.NOT_FOUND}
    assert result.change.orders == {a, b} and result.change.sync
    commands_now = _ship_commands(db)
    assert sorted(c.idempotency_key for c in commands_now) == sorted([f"ship:{a}:1", f"ship:{b}:1"])
    assert {c.account_id for c in commands_now} == {account}
    assert commands_now[0].payload["choice"] == PICKUP.to_json()
    assert order_store.get(db, a).ship_state == "waiting"  # type: ignore[union-attr]
    again = ship.queue_shipments(db, [a], {account: PICKUP})  # a double click queues nothing twice
    assert again.queued == () and again.skipped == ((a, ship.ALREADY_WAITING),)
    assert len(_ship_commands(db)) == 2


def test_the_choice_must_be_offered_and_an_own_courier_needs_its_tracking_number(db: Database) -> None:
    products(db)
    account = shop(db)
    a, b, c = _orders(db, account, "A", "B", "C")
    assert ship.queue_shipments(db, [a], {}).skipped == ((a, ship.NO_CHOICE),)
    own = ShipChoice(ShipMethod.OWN_COURIER, courier=" J&T   Express ")
    for typed in ("", "ab", "resi nomor!", "X" * 41):
        assert ship.queue_shipments(db, [a], {account: replace_tracking(own, typed)}).skipped == \
            ((a, ship.TRACKING_NEEDED),)
    done = ship.queue_shipments(db, [a, b], {account: replace_tracking(own, " jp 1234 5678 ")})
    assert done.queued == (a, b)
    assert _ship_commands(db)[0].payload["choice"]["tracking_number"] == "JP12345678"
    assert _ship_commands(db)[0].payload["choice"]["courier"] == "J&T Express"
    assert ship.queue_shipments(db, [c], {account: PICKUP}).queued == (c,)
    assert db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'ship_order'") == 3


def replace_tracking(choice: ShipChoice, tracking: str) -> ShipChoice:
    return ShipChoice(choice.method, tracking_number=tracking, courier=choice.courier)


def test_a_method_the_channel_does_not_offer_is_refused(db: Database) -> None:


    products(db)
    account = shop(db)
    [a] = _orders(db, account, "A")
    spec = registry.get(CHANNEL)
    registry.register(replace(spec, fulfilment=replace(RULES, methods=(ShipMethod.PICKUP,))))
    assert ship.queue_shipments(db, [a], {account: ShipChoice(ShipMethod.DROPOFF, branch_id="b1")}).skipped == \
        ((a, ship.METHOD_NOT_OFFERED),)
    assert _ship_commands(db) == []


def test_arranged_keeps_the_parcel_and_a_refusal_keeps_the_platforms_words_and_the_stock(db: Database) -> None:
    stock = products(db)
    account = shop(db)
    a, b = _orders(db, account, "A", "B")
    before = {p: ledger(db, p) for p in stock.values()}
    ship.queue_shipments(db, [a, b], {account: PICKUP})
    change = ship.record_shipped(db, a, Shipped("A", package_id="PKG-A", tracking_number="TRK-A", courier="JNE"))
    assert change.orders == {a}
    row = order_store.get(db, a)
    assert row is not None and (row.status, row.package_id, row.tracking_number, row.courier, row.ship_state) == \
        ("ready_to_ship", "PKG-A", "TRK-A", "JNE", "")
    words = "The pickup time slot has expired."
    ship.record_ship_refused(db, b, words)
    refused = order_store.get(db, b)
    assert refused is not None and (refused.status, refused.ship_state, refused.ship_problem) == \
        ("paid", "failed", words)
    states = {c.idempotency_key: (c.state, c.last_error) for c in _ship_commands(db)}
    assert states == {f"ship:{a}:1": ("sent", None), f"ship:{b}:1": ("failed", words)}
    assert {p: ledger(db, p) for p in stock.values()} == before  # nothing about stock changes on either
    # refused before: shipped again with another choice; the refused attempt is replaced, never sent beside it
    again = ship.queue_shipments(db, [b], {account: ShipChoice(ShipMethod.DROPOFF, branch_id="b-2")})
    assert again.queued == (b,)
    now = {c.idempotency_key: c.state for c in _ship_commands(db)}
    assert now == {f"ship:{a}:1": "sent", f"ship:{b}:1": "cancelled", f"ship:{b}:2": "waiting"}
    assert ship.queue_shipments(db, [a], {account: PICKUP}).skipped == ((a, ship.NOT_READY),)  # arranged already
    # an order the platform says is further keeps its status
    ship.record_shipped(db, b, Shipped("B"))
    apply_orders(db, account, [order("B", OrderStatus.SHIPPED, 5, tracking_number="TRK-B")])
    ship.record_shipped(db, b, Shipped("B", tracking_number=""))
    assert order_store.get(db, b).status == "shipped"  # type: ignore[union-attr]
    assert order_store.get(db, b).tracking_number == "TRK-B"  # type: ignore[union-attr]
    assert stock_store.verify_levels(db) == []


def test_a_waiting_shipment_may_be_cancelled_and_a_refused_one_sent_again(db: Database) -> None:
    products(db)
    account = shop(db)
    a, b = _orders(db, account, "A", "B")
    ship.queue_shipments(db, [a, b], {account: PICKUP})
    [cmd_a] = [c for c in _ship_commands(db) if c.payload["order_id"] == a]
    assert commands.can_cancel(cmd_a)
    commands.cancel_command(db, cmd_a.id)
    assert order_store.get(db, a).ship_state == ""  # type: ignore[union-attr]
    assert outbox.get(db, cmd_a.id).state == "cancelled"  # type: ignore[union-attr]
    [cmd_b] = [c for c in _ship_commands(db) if c.payload["order_id"] == b]
    commands.begin_sending(db, cmd_b.id)
    with pytest.raises(UserError):  # on its way: it may already be on the platform
        commands.cancel_command(db, cmd_b.id)
    ship.record_ship_refused(db, b, "Branch closed.")
    commands.retry_command(db, cmd_b.id)
    assert outbox.get(db, cmd_b.id).state == "waiting"  # type: ignore[union-attr]
    assert order_store.get(db, b).ship_state == "waiting"  # type: ignore[union-attr]
    assert commands.kind_label(ship.SHIP_ORDER) == "Arrange shipment"


def test_the_usual_choice_is_remembered_per_shop_without_a_tracking_number(db: Database) -> None:
    account, other = shop(db), shop(db, shop_ref="shop-2")
    assert ship.usual_choice(db, account) is None
    ship.remember_choice(db, account, PICKUP)
    ship.remember_choice(db, other, ShipChoice(ShipMethod.OWN_COURIER, tracking_number="JP1234", courier="JNE"))
    assert ship.usual_choice(db, account) == PICKUP
    assert ship.usual_choice(db, other) == ShipChoice(ShipMethod.OWN_COURIER, courier="JNE")


def test_labels_are_files_kept_with_their_orders_and_fetched_again_when_missing(db: Database,
                                                                               data_dir: Path) -> None:
    products(db)
    account = shop(db)
    a, b, c = _orders(db, account, "A", "B", "C")
    assert ship.orders_needing_labels(db, account) == []  # nothing arranged yet
    ship.record_shipped(db, a, Shipped("A", package_id="PKG-A"))
    ship.record_shipped(db, b, Shipped("B", tracking_number="TRK-B"))
    assert [n.order_id for n in ship.orders_needing_labels(db, account)] == [a, b]
    assert ship.orders_needing_labels(db, account)[0].package_id == "PKG-A"
    save_label(db, a, ShippingDocument("A", "PKG-A", PDF))
    path = label_file(db, a)
    assert path == data_dir / "labels" / f"{a}.pdf" and path.read_bytes() == PDF
    assert [n.order_id for n in ship.orders_needing_labels(db, account)] == [b]
    save_label(db, a, ShippingDocument("A", "PKG-A", PDF + b"% newer\n"))  # replaces, whole
    assert path.read_bytes().endswith(b"% newer\n")
    assert [p.name for p in (data_dir / "labels").iterdir()] == [f"{a}.pdf"]  # no temporary file left
    mark_printed(db, [a])
    path.unlink()  # lost (a restored backup, a cleaned folder): fetched again
    assert label_file(db, a) is None
    assert [n.order_id for n in ship.orders_needing_labels(db, account)] == [a, b]
    save_label(db, a, ShippingDocument("A", "PKG-A", PDF))
    path.write_bytes(b"garbage")  # unreadable as a PDF
    assert label_file(db, a) is None and label_file(db, c) is None
    save_label(db, a, ShippingDocument("A", "PKG-A", PDF))
    apply_orders(db, account, [order("A", OrderStatus.READY_TO_SHIP, 9, package_id="PKG-A2")])  # arranged anew
    assert [n.order_id for n in ship.orders_needing_labels(db, account)] == [a, b]
    with pytest.raises(UserError):
        save_label(db, b, ShippingDocument("B", "", b"<html>error</html>"))


def test_apply_orders_keeps_the_latest_parcel_facts_and_news_without_a_new_status(db: Database) -> None:
    products(db)
    account = shop(db)
    apply_orders(db, account, [order("A", buyer_city="Bandung", courier="JNE - Reguler")])
    row = order_store.by_platform_id(db, account, "A")
    assert row is not None and (row.buyer_city, row.courier, row.tracking_number) == ("Bandung", "JNE - Reguler", "")
    news = apply_orders(db, account, [order("A", tracking_number="JN0001", package_id="PK1")])  # same time
    assert news.updated == 1
    assert apply_orders(db, account, [order("A", tracking_number="JN0001")]).unchanged == 1
    apply_orders(db, account, [order("A", OrderStatus.SHIPPED, 3)])  # a later copy that leaves them out
    row = order_store.by_platform_id(db, account, "A")
    assert row is not None and (row.status, row.buyer_city, row.courier, row.tracking_number, row.package_id) == \
        ("shipped", "Bandung", "JNE - Reguler", "JN0001", "PK1")


def test_a_refusal_stays_until_the_parcel_is_with_the_courier(db: Database) -> None:
    products(db)
    account = shop(db)
    [a] = _orders(db, account, "A")
    ship.queue_shipments(db, [a], {account: PICKUP})
    ship.record_ship_refused(db, a, "Already arranged elsewhere.")
    apply_orders(db, account, [order("A", OrderStatus.READY_TO_SHIP, 4, tracking_number="T-1")])
    row = order_store.get(db, a)  # packed but refused at the next step: may be shipped again
    assert row is not None and (row.ship_state, row.status) == ("failed", "ready_to_ship")
    assert ship.queue_shipments(db, [a], {account: PICKUP}).queued == (a,)
    ship.record_ship_refused(db, a, "Already arranged elsewhere.")
    apply_orders(db, account, [order("A", OrderStatus.SHIPPED, 8)])
    row = order_store.get(db, a)
    assert row is not None and (row.ship_state, row.ship_problem) == ("", "")


def _v8_with_a_ledger(path: Path) -> Database:
    old = Database(path)
    migrations.migrate(old, target=8)
    with old.write():
        old.execute("INSERT INTO products (id, sku, name, sell_price, created_at, updated_at) VALUES"
                    " ('p', 'P', 'Produk', 1, 't', 't')")
        # Real stamps, a second apart: since issue 20 the level follows (created_at, id), and 't' sorted after
        # every movement added later, so the old opening count came last.
        for n, (kind, qty) in enumerate((("opening", 10), ("counter_sale", -2), ("online_order", -1)), start=1):
            old.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, dedupe_key, created_at)"
                        " VALUES (?, 'p', ?, ?, ?, ?)", (f"m{n}", kind, qty, f"k{n}", f"2026-01-01T00:00:0{n}.000000Z"))
        old.execute("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES ('p', 7, 3)")
    return old


def test_v9_keeps_the_ledger_accepts_the_return_kinds_and_ends_with_the_fresh_schema(tmp_path: Path) -> None:
    fresh = Database(tmp_path / "fresh.db")
    migrations.migrate(fresh)
    old = _v8_with_a_ledger(tmp_path / "old.db")
    assert migrations.migrate(old)[0] == 9  # then any later version (10: reviews)
    assert differences(shape_of(old), shape_of(fresh)) == []
    assert old.query("PRAGMA foreign_key_check") == []
    rows = [(r["seq"], r["kind"], r["quantity"]) for r in old.query("SELECT * FROM stock_movements ORDER BY seq")]
    assert rows == [(1, "opening", 10), (2, "counter_sale", -2), (3, "online_order", -1)]
    with old.write():
        stock_store.add_movement(old, "p", MovementKind.ONLINE_RETURN, 2, dedupe_key="k1")  # a known key: nothing
        stock_store.add_movement(old, "p", MovementKind.ONLINE_RETURN, 2, dedupe_key="r1")
        stock_store.add_movement(old, "p", MovementKind.RETURN_WRITE_OFF, -1, dedupe_key="r2")
    assert stock_store.on_hand(old, "p") == 8 and stock_store.verify_levels(old) == []
    for sql in ("UPDATE stock_movements SET quantity = 0", "DELETE FROM stock_movements",
                "INSERT INTO stock_movements (id, product_id, kind, quantity, created_at) VALUES ('x', 'p',"
                " 'gift', 1, 't')"):
        with pytest.raises(sqlite3.Error), old.write():  # append-only, and only the known kinds
            old.execute(sql)
    kinds = json.loads(json.dumps([k.value for k in MovementKind]))  # v12 added the transfer kinds after these
    assert kinds[kinds.index("online_return"):][:2] == ["online_return", "return_write_off"]
    assert MovementKind.ONLINE_RETURN.label() == "Dikembalikan pembeli online"
    fresh.close()
    old.close()
