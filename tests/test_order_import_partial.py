"""Partial cancellations in seller-centre exports, with the ledger read movement by movement: a Lazada item row's own
status, TikTok's cancellation type and count per SKU row; Shopee's "Returned quantity" is a return, not a cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from order_files import lazada_file, lazada_line, shopee_file, shopee_line, tiktok_file, tiktok_line

from companion.domain.marketplace import OrderStatus
from companion.domain.product import ProductInput
from companion.services.order_import import import_file, preview_file
from companion.services.products import add_product
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store.database import Database


@pytest.fixture
def shop(db: Database) -> dict[str, str]:
    return {sku: add_product(db, ProductInput(sku=sku, name=sku, sell_price=35_000), 50)[0]
            for sku in ("KOPI-250", "GULA-1KG", "TEH-100")}


def ledger(db: Database, product_id: str) -> list[tuple[int, str]]:
    """A product's order movements, oldest first: (units, the dedupe key's end after the platform order id)."""
    rows = db.query("SELECT quantity, dedupe_key FROM stock_movements WHERE product_id = ? AND dedupe_key IS NOT NULL"
                    " AND dedupe_key NOT LIKE 'product:%' ORDER BY seq", (product_id,))
    return [(int(r["quantity"]), str(r["dedupe_key"]).split(":", 3)[3]) for r in rows]


def _order_status(db: Database, platform_id: str) -> str:
    [row] = [o for o in order_store.listing(db) if o.platform_order_id == platform_id]
    return row.status


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_lazada_one_item_cancelled_one_live_then_the_other_cancelled(db: Database, shop: dict[str, str],
                                                                   tmp_path: Path, suffix: str) -> None:
    first = [lazada_line("300000010", "9101", "KOPI-250", "35000.00", status="ready_to_ship"),
             lazada_line("300000010", "9102", "GULA-1KG", "15000.00", status="canceled")]
    import_file(db, lazada_file(tmp_path / f"a{suffix}", first))
    assert ledger(db, shop["KOPI-250"]) == [(-1, "9101:order")]
    assert ledger(db, shop["GULA-1KG"]) == []  # the cancelled item takes nothing
    assert _order_status(db, "300000010") == OrderStatus.READY_TO_SHIP.value
    again, _ = import_file(db, lazada_file(tmp_path / f"a2{suffix}", first))
    assert again.orders_unchanged == 1 and ledger(db, shop["KOPI-250"]) == [(-1, "9101:order")]
    later = [lazada_line("300000010", "9101", "KOPI-250", "35000.00", status="canceled",
                         updateTime="29 Nov 2026 09:00"),
             lazada_line("300000010", "9102", "GULA-1KG", "15000.00", status="canceled",
                         updateTime="29 Nov 2026 09:00")]
    preview = preview_file(db, lazada_file(tmp_path / f"b{suffix}", later))
    assert preview.orders_updated == 1
    import_file(db, lazada_file(tmp_path / f"b{suffix}", later))
    import_file(db, lazada_file(tmp_path / f"b3{suffix}", later))
    assert ledger(db, shop["KOPI-250"]) == [(-1, "9101:order"), (1, "9101:cancel:1")]  # exactly that line, once
    assert ledger(db, shop["GULA-1KG"]) == []
    assert _order_status(db, "300000010") == OrderStatus.CANCELLED.value
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 50 and stock_store.verify_levels(db) == []


def test_lazada_a_later_file_cancels_one_item_then_the_whole_order(db: Database, shop: dict[str, str],
                                                                  tmp_path: Path) -> None:
    def rows(kopi: str, gula: str, at: str) -> list[dict[str, object]]:
        return [lazada_line("300000011", "9201", "KOPI-250", 35000, status=kopi, updateTime=at),
                lazada_line("300000011", "9202", "GULA-1KG", 15000, status=gula, updateTime=at)]

    import_file(db, lazada_file(tmp_path / "a.xlsx", rows("pending", "pending", "28 Nov 2026 15:00")))
    import_file(db, lazada_file(tmp_path / "b.xlsx", rows("pending", "canceled", "28 Nov 2026 16:00")))
    assert ledger(db, shop["GULA-1KG"]) == [(-1, "9202:order"), (1, "9202:cancel:1")]
    assert ledger(db, shop["KOPI-250"]) == [(-1, "9201:order")]  # the live item stays out
    import_file(db, lazada_file(tmp_path / "c.xlsx", rows("canceled", "canceled", "28 Nov 2026 17:00")))
    assert ledger(db, shop["KOPI-250"]) == [(-1, "9201:order"), (1, "9201:cancel:1")]
    assert ledger(db, shop["GULA-1KG"]) == [(-1, "9202:order"), (1, "9202:cancel:1")]  # nothing twice
    import_file(db, lazada_file(tmp_path / "a.xlsx", rows("pending", "pending", "28 Nov 2026 15:00")))  # old file
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 50 and stock_store.on_hand(db, shop["GULA-1KG"]) == 50


def test_tiktok_a_cancelled_count_on_a_sku_row(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    """"Cancel" with a count cancels that many units of the row; "Return/Refund" is a return (stock stays out)."""
    lines = [tiktok_line("577012345678900001", "KOPI-250", 3, 35000, status="To ship",
                         **{"Cancelation/Return Type": "Cancel", "Sku Quantity of return": 1}),
             tiktok_line("577012345678900001", "GULA-1KG", 2, 15000, status="To ship",
                         **{"Cancelation/Return Type": "Return/Refund", "Sku Quantity of return": 2}),
             tiktok_line("577012345678900001", "TEH-100", 1, 12000, status="To ship")]
    import_file(db, tiktok_file(tmp_path / "t.csv", lines))
    assert ledger(db, shop["KOPI-250"]) == [(-2, f"{_line_id(db, 'KOPI-250')}:order")]
    assert stock_store.on_hand(db, shop["GULA-1KG"]) == 48 and stock_store.on_hand(db, shop["TEH-100"]) == 49
    later = [{**lines[0], "Sku Quantity of return": 3, "Cancelled Time": "29/11/2026 08:00:00"}, *lines[1:]]
    import_file(db, tiktok_file(tmp_path / "t2.csv", later))
    import_file(db, tiktok_file(tmp_path / "t3.csv", later))
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 50
    assert [q for q, _ in ledger(db, shop["KOPI-250"])] == [-2, 2]


def test_shopee_returned_quantity_is_not_a_cancellation(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    """The reference names no per-line cancelled count in Shopee's export: a line goes back only with its order."""
    lines = [shopee_line("2611280100", "KOPI-250", 3, 35000, status="Perlu Dikirim", **{"Returned quantity": 1})]
    import_file(db, shopee_file(tmp_path / "s.xlsx", lines))
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 47


def _line_id(db: Database, sku: str) -> str:
    return str(db.scalar("SELECT line_id FROM online_order_lines WHERE seller_sku = ?", (sku,)))
