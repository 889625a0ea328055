"""Seller-centre order exports in: the three platforms and their CSV forms, preview before writing, idempotent,
merged with API-imported orders by platform order id, and the `companion import` command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from order_files import (
    LAZADA_HEADERS,
    SHOPEE_CANCEL_HEADERS,
    SHOPEE_HEADERS,
    lazada_file,
    lazada_line,
    rows_for,
    shopee_file,
    shopee_line,
    tiktok_file,
    tiktok_line,
    write_csv,
    write_xlsx,
)

from companion import cli
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.order_files import ImportCancelled, moment
from companion.domain.product import ProductInput
from companion.services.online_orders import apply_orders
from companion.services.order_import import import_file, preview_file
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store.database import Database

TABLES = ("accounts", "listings", "online_orders", "online_order_lines", "online_order_events", "stock_movements",
          "outbox", "oversell_incidents")


def counts(db: Database) -> dict[str, int]:
    return {t: db.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


@pytest.fixture
def shop(db: Database) -> dict[str, str]:
    return {sku: add_product(db, ProductInput(sku=sku, name=sku, sell_price=35_000), 50)[0]
            for sku in ("KOPI-250", "GULA-1KG", "TEH-100")}


def shopee_lines() -> list[dict[str, object]]:
    return [
        shopee_line("2611280001", "KOPI-250", 2, "Rp 35.000"),
        shopee_line("2611280001", "GULA-1KG", 1, "15.000", **{"Waktu Pesanan Selesai": "30/11/2026 10:00"}),
        shopee_line("2611280002", "KOPI-250", 3, 35000, status="Perlu Dikirim", created="28-11-2026"),
        shopee_line("2611280003", "TEH-100", 4, "Rp12.500", status="Batal"),
        shopee_line("2611280004", "BELUM-ADA", 1, "10.000", status="Perlu Dikirim"),
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_shopee_export_preview_then_import_then_again(db: Database, shop: dict[str, str], tmp_path: Path,
                                                      suffix: str) -> None:
    path = shopee_file(tmp_path / f"Order.all.20261128{suffix}", shopee_lines())
    before = counts(db)
    preview = preview_file(db, path)
    assert counts(db) == before  # a preview writes nothing
    assert (preview.channel, preview.rows, preview.orders_new, preview.orders_updated) == ("shopee", 5, 4, 0)
    assert preview.unmapped_skus == ["BELUM-ADA"]
    assert preview.errors == []
    assert preview.account_name == "Impor file Shopee"
    result, change = import_file(db, path)
    assert result.orders_new == 4 and change.orders
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 45  # 2 + 3
    assert stock_store.on_hand(db, shop["GULA-1KG"]) == 49
    assert stock_store.on_hand(db, shop["TEH-100"]) == 50  # cancelled: never taken
    [account] = account_store.all_accounts(db)
    assert (account.active, account.practice) == (False, False)
    first = order_store.by_platform_id(db, account.id, "2611280001")
    assert first is not None and first.status == OrderStatus.COMPLETED.value and first.total == 85_000
    assert len(order_store.lines(db, first.id)) == 2
    after = counts(db)
    again, _ = import_file(db, path)
    assert (again.orders_new, again.orders_updated, again.orders_unchanged) == (0, 0, 4)
    assert counts(db) == after
    assert stock_store.verify_levels(db) == []


def test_cancelled_export_later_returns_stock(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    import_file(db, shopee_file(tmp_path / "a.xlsx", [shopee_line("2611280002", "KOPI-250", 3, 35000,
                                                                   status="Perlu Dikirim")]))
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 47
    cancel = [shopee_line("2611280002", "KOPI-250", 3, 35000, status="Batal",
                          **{"Waktu Pesanan Selesai": "29/11/2026 08:00"})]
    preview, _ = import_file(db, shopee_file(tmp_path / "b.xlsx", cancel, SHOPEE_CANCEL_HEADERS))
    assert preview.orders_updated == 1
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 50


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_tiktok_export_with_description_row(db: Database, shop: dict[str, str], tmp_path: Path, suffix: str) -> None:
    lines = [tiktok_line("577012345678901234", "KOPI-250", 2, "35.000"),
             tiktok_line("577012345678901234", "KOPI-250", 1, "35.000"),  # same SKU twice: two lines
             tiktok_line("577012345678909999", "TEH-100", 1, "Rp 12.500", status="Cancelled"),
             tiktok_line("577012345678908888", "GULA-1KG", 2, 15000, status="Awaiting Shipment",
                         **{"SKU Subtotal After Discount": "27.000"})]
    preview, _ = import_file(db, tiktok_file(tmp_path / f"tiktok{suffix}", lines))
    assert (preview.channel, preview.rows, preview.orders_new, preview.errors) == ("tiktok", 4, 3, [])
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 47
    assert stock_store.on_hand(db, shop["TEH-100"]) == 50
    [account] = account_store.all_accounts(db)
    gula = order_store.by_platform_id(db, account.id, "577012345678908888")
    assert gula is not None and gula.total == 27_000 and gula.status == OrderStatus.PAID.value


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_lazada_export_one_row_per_item(db: Database, shop: dict[str, str], tmp_path: Path, suffix: str) -> None:
    lines = [lazada_line("300000001", "9001", "KOPI-250", "35000.00"),
             lazada_line("300000001", "9002", "KOPI-250", "35,000.00"),
             lazada_line("300000002", "9003", "TEH-100", 12500, status="canceled"),
             lazada_line("300000003", "9004", "GULA-1KG", "15.000", status="ready_to_ship",
                         created="2026-11-28T14:05:00+07:00")]
    preview, _ = import_file(db, lazada_file(tmp_path / f"lazada{suffix}", lines))
    assert (preview.channel, preview.orders_new, preview.errors) == ("lazada", 3, [])
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48
    assert stock_store.on_hand(db, shop["GULA-1KG"]) == 49
    [account] = account_store.all_accounts(db)
    first = order_store.by_platform_id(db, account.id, "300000001")
    assert first is not None and first.total == 70_000
    assert sorted(line.line_id for line in order_store.lines(db, first.id)) == ["9001", "9002"]


def test_title_rows_reordered_extra_and_missing_optional_columns(db: Database, shop: dict[str, str],
                                                                tmp_path: Path) -> None:
    headers = ["Catatan", "Jumlah", "Nomor Referensi SKU", "Kolom Tambahan", "No. Pesanan", "Waktu Pesanan Dibuat",
               "Status Pesanan", "Harga Setelah Diskon"]
    rows = [["Laporan Pesanan Toko Berkah"], ["Periode 1-30 November 2026"], [], headers,
            *rows_for(headers, [shopee_line("2611280001", "KOPI-250", 2, "Rp 35.000")])]
    path = write_xlsx(tmp_path / "laporan.xlsx", rows, "Laporan", extra_sheets={"Ringkasan": [["Total", 1]]})
    preview, _ = import_file(db, path)
    assert (preview.rows, preview.orders_new, preview.errors) == (1, 1, [])
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48


def test_semicolon_cp1252_csv(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    rows = [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [shopee_line("2611280001", "KOPI-250", 1, "35.000",
                                                                   **{"Nama Penerima": "José"})])]
    preview = preview_file(db, write_csv(tmp_path / "excel.csv", rows, ";", "cp1252"))
    assert (preview.orders_new, preview.errors) == (1, [])


@pytest.mark.parametrize(("text", "expected"), [
    ("28/11/2026 14:05", datetime(2026, 11, 28, 7, 5, tzinfo=UTC)),
    ("28-11-2026", datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),
    ("2026-11-28 14:05:33", datetime(2026, 11, 28, 7, 5, 33, tzinfo=UTC)),
    ("2026-11-28T14:05:00Z", datetime(2026, 11, 28, 14, 5, tzinfo=UTC)),
    ("28 Agu 2026 14:05", datetime(2026, 8, 28, 7, 5, tzinfo=UTC)),
    (datetime(2026, 11, 28, 14, 5), datetime(2026, 11, 28, 7, 5, tzinfo=UTC)),
])
def test_dates_indonesian_and_iso(text: object, expected: datetime) -> None:
    assert moment(text) == expected


def _real_account(db: Database, channel: str = "shopee") -> str:
    with db.write():
        account_store.insert(db, {"id": "acc-real", "channel": channel, "name": "Toko Berkah", "practice": 0,
                                  "shop_ref": "123", "base_url": "http://127.0.0.1:1", "active": 1,
                                  "created_at": "2026-11-01T00:00:00.000000Z"})
    return "acc-real"


def _api_order(status: OrderStatus, raw: str, minutes: int) -> Order:
    created = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)
    return Order("shopee", "2611280001", raw, status, created, created + timedelta(minutes=minutes), None,
                 "budi_s", (OrderLine("1:0", "100", "0", "KOPI-250", "Kopi", 2, 35_000),))


def test_api_then_file_gives_one_order(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    account = _real_account(db)
    apply_orders(db, account, [_api_order(OrderStatus.PAID, "READY_TO_SHIP", 1)])
    path = shopee_file(tmp_path / "a.xlsx", [shopee_line("2611280001", "KOPI-250", 2, "Rp 35.000",
                                                         **{"Waktu Pesanan Selesai": "30/11/2026 10:00"})])
    preview, _ = import_file(db, path)
    assert (preview.orders_new, preview.orders_updated, preview.account_name) == (0, 1, "Toko Berkah")
    assert db.scalar("SELECT COUNT(*) FROM online_orders") == 1
    assert db.scalar("SELECT COUNT(*) FROM accounts") == 1  # no file account made
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48
    order = order_store.by_platform_id(db, account, "2611280001")
    assert order is not None and order.status == OrderStatus.COMPLETED.value


def test_file_then_api_gives_one_order(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    account = _real_account(db)
    with db.write():  # the shop's listing as the sync engine stored it
        db.execute("INSERT INTO listings (id, account_id, item_id, sku_id, seller_sku, name, variant, product_id,"
                   " mapped_by, seen_at) VALUES ('l1', ?, '100', '0', 'KOPI-250', 'Kopi', '', ?, 'auto', 'x')",
                   (account, shop["KOPI-250"]))
    path = shopee_file(tmp_path / "a.xlsx", [shopee_line("2611280001", "KOPI-250", 2, "Rp 35.000",
                                                         status="Perlu Dikirim")])
    import_file(db, path)
    result = apply_orders(db, account, [_api_order(OrderStatus.COMPLETED, "COMPLETED", 60 * 24)])
    assert (result.new, result.updated) == (0, 1)
    assert db.scalar("SELECT COUNT(*) FROM online_orders") == 1
    assert db.scalar("SELECT COUNT(*) FROM listings") == 1  # the file reused the shop's listing
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48
    again, _ = import_file(db, path)  # the older file state does not undo the newer API state
    assert again.orders_unchanged == 1 and stock_store.on_hand(db, shop["KOPI-250"]) == 48


def test_cancel_during_import_writes_nothing(db: Database, shop: dict[str, str], tmp_path: Path) -> None:
    lines = [shopee_line(f"26112{n:05d}", "KOPI-250", 1, "35.000") for n in range(1200)]
    path = shopee_file(tmp_path / "big.xlsx", lines)
    before = counts(db)
    seen: list[tuple[int, int]] = []

    def stop_when_writing(done: int, total: int) -> bool:
        seen.append((done, total))
        return total != 1200  # reading goes on; the first batch of orders cancels
    with pytest.raises(ImportCancelled):
        import_file(db, path, stop_when_writing)
    assert counts(db) == before and seen


def test_command_line_dry_run_and_import(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shopee_file(tmp_path / "Order.all.xlsx", shopee_lines())
    assert cli.main(["import", str(path), "--dry-run", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Pesanan baru: 4." in out and "Uji coba: tidak ada yang disimpan." in out and "BELUM-ADA" in out
    assert cli.main(["--lang", "en", "import", str(path), "--data-dir", str(data_dir)]) == 0
    assert "Saved: 4 new and 0 changed orders." in capsys.readouterr().out
    bad = tmp_path / "notes.xlsx"
    bad.write_text("just text")
    assert cli.main(["import", str(bad), "--data-dir", str(data_dir)]) == 1
    assert "notes.xlsx" in capsys.readouterr().err


def test_lazada_header_list_is_complete() -> None:
    assert len(LAZADA_HEADERS) == len(set(LAZADA_HEADERS)) == 76


def test_dialog_preview_then_import(data_dir: Path, qtbot: Any, tmp_path: Path) -> None:
    from companion.gui.context import AppContext
    from companion.gui.order_import_dialog import OrderImportDialog
    from companion.gui.pages.online_orders import OnlineOrdersPage

    ctx = AppContext(data_dir)
    try:
        add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)
        page = OnlineOrdersPage(ctx)
        qtbot.addWidget(page)
        assert page.import_button.text() == "Impor file pesanan"
        lines = [*shopee_lines(), shopee_line("2611280009", "KOPI-250", "dua", "35.000")]
        dialog = OrderImportDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.load_file(shopee_file(tmp_path / "Order.all.xlsx", lines))
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
        assert [label.text() for label in dialog.counts] == ["4", "0", "0", "1"]
        assert dialog.errors.rowCount() == 1 and dialog.errors.item(0, 0).text() == "7"
        assert not dialog.import_button.isEnabled() and dialog.import_valid_button.isEnabled()
        assert ctx.db.scalar("SELECT COUNT(*) FROM online_orders") == 0
        dialog.resize(900, 640)
        dialog.grab().save(str(tmp_path / "order_import.png"))
        with qtbot.waitSignal(ctx.changed, timeout=20_000):
            dialog.import_valid_button.click()
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
        assert ctx.db.scalar("SELECT COUNT(*) FROM online_orders") == 4
        assert "4" in dialog.message.text()
    finally:
        ctx.close()


def test_file_imported_before_the_shop_was_linked_then_api_gives_one_order(db: Database, shop: dict[str, str],
                                                                         tmp_path: Path) -> None:
    """No shop linked yet: the file's orders go to "Impor file Shopee"; the shop is linked later and its API
    sync brings the same order: it is updated where it is, not stored again, and stock moves once."""
    path = shopee_file(tmp_path / "a.xlsx", [shopee_line("2611280001", "KOPI-250", 2, "Rp 35.000",
                                                         status="Perlu Dikirim")])
    import_file(db, path)
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48
    account = _real_account(db)
    result = apply_orders(db, account, [_api_order(OrderStatus.COMPLETED, "COMPLETED", 60 * 24)])
    assert (result.new, result.updated) == (0, 1)
    assert db.scalar("SELECT COUNT(*) FROM online_orders") == 1
    assert db.scalar("SELECT status FROM online_orders") == "completed"
    assert stock_store.on_hand(db, shop["KOPI-250"]) == 48
