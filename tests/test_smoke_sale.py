from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.database import Database


def test_sale_takes_stock_and_void_returns_it(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000), 10)
    result = record_sale(db, [LineInput(pid, 3, 35_000)], PaymentMethod.CASH, amount_paid=110_000)
    assert result.totals.total == 105_000
    assert result.change_given == 5_000
    assert stock_store.on_hand(db, pid) == 7
    again = record_sale(db, [LineInput(pid, 3, 35_000)], PaymentMethod.CASH, 110_000, sale_id=result.sale_id)
    assert again.already_saved and stock_store.on_hand(db, pid) == 7
    refund, _ = return_items(db, result.sale_id, {sale_store.get(db, result.sale_id).lines[0].id: 1}, "rusak")  # type: ignore[union-attr]
    assert refund == 35_000 and stock_store.on_hand(db, pid) == 8
    kinds = [m.kind for m in stock_store.history(db, pid)]
    assert kinds == [MovementKind.COUNTER_RETURN, MovementKind.COUNTER_SALE, MovementKind.OPENING]
    assert stock_store.verify_levels(db) == []
    sale2 = record_sale(db, [LineInput(pid, 2, 35_000)], PaymentMethod.QRIS)
    void_sale(db, sale2.sale_id, "salah scan")
    assert stock_store.on_hand(db, pid) == 8
    assert db.scalar("SELECT COUNT(*) FROM outbox") == 5


def test_receipt_numbers_keep_counting_past_9999(db: Database) -> None:
    """Text order puts 20261128-10000 before 20261128-9999: the next number must still be 10001."""
    from companion.store import sales as sale_store

    with db.write():
        for n in (9998, 9999, 10000):
            db.execute("INSERT INTO products (id, sku, name, sell_price, created_at, updated_at) VALUES"
                       " (?, ?, 'x', 1, 't', 't') ON CONFLICT DO NOTHING", ("p", "P"))
            sale_store.insert_sale(db, {"id": f"s{n}", "number": f"20261128-{n:04d}", "created_at": "t",
                                        "subtotal": 1, "sale_discount": 0, "total": 1, "payment_method": "tunai",
                                        "amount_paid": 1, "change_given": 0, "line_count": 1})
        assert sale_store.next_number(db, "20261128") == "20261128-10001"
        assert sale_store.next_number(db, "20261129") == "20261129-0001"
