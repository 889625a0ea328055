"""A counter sale taken by phone or WhatsApp can be marked sent with a courier (required) and a tracking number
(optional), never a voided one; with the online orders handed to their courier it makes one list of what left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from shipping_shop import T0, order, products, register_channels, shop

from companion.domain.clock import stamp
from companion.domain.errors import UserError
from companion.domain.marketplace import OrderStatus
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.counter_shipping import mark_sale_shipped
from companion.services.online_orders import apply_orders
from companion.services.sales import record_sale, void_sale
from companion.store import counter_shipments as shipment_store
from companion.store import stock as stock_store
from companion.store.database import Database


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def test_a_sale_is_marked_sent_with_its_courier_and_corrected_later(db: Database) -> None:
    stock = products(db)
    sale = record_sale(db, [LineInput(stock["KOPI"], 2, 10_000)], PaymentMethod.TRANSFER, 20_000)
    before = stock_store.on_hand(db, stock["KOPI"])
    for courier, tracking in (("", "JP1234"), ("   ", ""), ("JNE", "no!"), ("X" * 81, "")):
        with pytest.raises(UserError):
            mark_sale_shipped(db, sale.sale_id, courier, tracking)
    assert shipment_store.get(db, sale.sale_id) is None
    change = mark_sale_shipped(db, sale.sale_id, " J&T  Express ", "", recipient="Bu Sri")
    assert change.sales == {sale.sale_id}
    first = shipment_store.get(db, sale.sale_id)
    assert first is not None and (first.courier, first.tracking_number, first.recipient) == \
        ("J&T Express", "", "Bu Sri")
    mark_sale_shipped(db, sale.sale_id, "J&T Express", "jp 9988 7766", recipient="Bu Sri")  # the receipt came
    again = shipment_store.get(db, sale.sale_id)
    assert again is not None and again.tracking_number == "JP99887766" and again.shipped_at == first.shipped_at
    assert stock_store.on_hand(db, stock["KOPI"]) == before  # sending moves no stock
    voided = record_sale(db, [LineInput(stock["GULA"], 1, 10_000)], PaymentMethod.CASH, 10_000)
    void_sale(db, voided.sale_id, "batal")
    with pytest.raises(UserError, match="dibatalkan"):
        mark_sale_shipped(db, voided.sale_id, "JNE", "")
    with pytest.raises(UserError):
        mark_sale_shipped(db, "no-such-sale", "JNE", "")


def test_one_list_of_what_left_the_building(db: Database) -> None:
    stock = products(db)
    account = shop(db)
    apply_orders(db, account, [order("A", OrderStatus.PAID), order("B", OrderStatus.PAID)])
    apply_orders(db, account, [order("A", OrderStatus.SHIPPED, 30, tracking_number="JN01", courier="JNE")])
    sale = record_sale(db, [LineInput(stock["KOPI"], 1, 10_000)], PaymentMethod.CASH, 10_000)
    mark_sale_shipped(db, sale.sale_id, "SiCepat", "SC0001", recipient="Pak Joko")
    everything = shipment_store.departures(db, stamp(T0 - timedelta(days=1)), stamp(T0 + timedelta(days=3650)))
    assert [(d.source, d.number, d.courier, d.tracking_number) for d in everything] == [
        ("counter", sale_number(db, sale.sale_id), "SiCepat", "SC0001"), ("kirimku", "A", "JNE", "JN01")]
    assert everything[1].left_at == stamp(T0 + timedelta(minutes=30)) and everything[1].recipient == "Budi"
    assert shipment_store.departures(db, stamp(T0), stamp(T0 + timedelta(minutes=30))) == []


def sale_number(db: Database, sale_id: str) -> str:
    from companion.store import sales as sale_store

    found = sale_store.get(db, sale_id)
    assert found is not None
    return found.number
