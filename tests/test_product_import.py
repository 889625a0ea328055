"""Importing products from CSV and XLSX: reading, per-row errors, one transaction, nothing half-written."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook

from companion.domain.clock import stamp
from companion.domain.errors import UserError
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.services.product_import import ImportCancelled, RowStatus, apply_import, read_import
from companion.services.products import add_product
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.tabular_files import read_rows


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.write_bytes(("\r\n".join(line.replace(",", delimiter) if delimiter != "," else line for line in lines)
                      + "\r\n").encode(encoding))
    return path


def snapshot(db: Database) -> tuple[int, int, int]:
    return (int(db.scalar("SELECT COUNT(*) FROM products") or 0),
            int(db.scalar("SELECT COUNT(*) FROM stock_movements") or 0),
            int(db.scalar("SELECT COUNT(*) FROM outbox") or 0))


BASIC = ["SKU,Nama,Harga jual,Stok", "KOPI-1,Kopi Susu Gula Aren,15000,10", "TEH-1,Es Teh Manis,5000,20"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_and_rupiah_prices(db: Database, tmp_path: Path, encoding: str) -> None:
    lines = ["kode;nama produk;harga;modal;stok",
             "KOPI-1;Kopi Susu Gula Aren – Café;Rp 15.000;Rp 9.000;12",
             "ROTI-2;Roti Bakar Keju;\"Rp 12.500\";;0"]
    path = write_csv(tmp_path / "produk.csv", lines, encoding=encoding)
    preview = read_import(db, path)
    assert [r.status for r in preview.rows] == [RowStatus.NEW, RowStatus.NEW]
    result = apply_import(db, preview)
    assert result.added == 2
    kopi = product_store.by_sku(db, "kopi-1")
    assert kopi is not None
    assert kopi.name == "Kopi Susu Gula Aren – Café"
    assert (kopi.sell_price, kopi.cost_price, kopi.on_hand) == (15_000, 9_000, 12)
    roti = product_store.by_sku(db, "ROTI-2")
    assert roti is not None and roti.sell_price == 12_500 and roti.cost_price is None
    assert [m.kind for m in stock_store.history(db, kopi.id)] == [MovementKind.OPENING]
    assert db.scalar("SELECT COUNT(*) FROM outbox") == 1


def test_comma_delimiter_reordered_and_extra_columns(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [
        "Catatan,Price,Unit,Name,SKU,Variant,Parent,Barcode",
        "x,\"7.500\",botol,Air Mineral,AIR-600,600 ml,Air Mineral,8991234567890",
    ])
    preview = read_import(db, path)
    apply_import(db, preview)
    air = product_store.by_sku(db, "AIR-600")
    assert air is not None
    assert (air.sell_price, air.unit, air.variant_name, air.parent_name, air.barcode) == (
        7_500, "botol", "600 ml", "Air Mineral", "8991234567890")
    assert air.on_hand == 0


def test_xlsx_with_title_rows_above_the_header(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Daftar produk Toko Maju"])
    sheet.append([])
    sheet.append(["Nama", "SKU", "Harga Jual", "Harga Modal", "Satuan", "Stok"])
    sheet.append(["Kopi Susu Gula Aren", "KOPI-1", 15000, 9000, "porsi", 5])
    sheet.append(["Gula Pasir 1 kg", "GULA-1", "Rp 16.000", None, "kg", None])
    path = tmp_path / "produk.xlsx"
    book.save(path)
    preview = read_import(db, path)
    assert [r.row_no for r in preview.rows] == [4, 5]
    apply_import(db, preview)
    gula = product_store.by_sku(db, "GULA-1")
    assert gula is not None and gula.sell_price == 16_000 and gula.unit == "kg" and gula.on_hand == 0
    kopi = product_store.by_sku(db, "KOPI-1")
    assert kopi is not None and kopi.on_hand == 5


def test_per_row_errors_with_row_numbers_and_only_valid_rows(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [
        "SKU,Nama,Harga,Stok",
        "OK-1,Baik Satu,1000,1",
        ",Tanpa SKU,1000,1",
        "OK-2,Baik Dua,2000,",
        "ok-1,Kembar,1000,1",
        "NEG-1,Minus,-5,1",
        "BIG-1,Mahal,2000000000,1",
        "TXT-1,Teks,abc,1",
        "QTY-1,Banyak,1000,999999",
        "QTY-2,Stok teks,1000,sepuluh",
    ])
    preview = read_import(db, path)
    errors = {r.row_no: r.error.message() for r in preview.errors if r.error}
    assert sorted(errors) == [3, 5, 6, 7, 8, 9, 10]
    assert "2" in errors[5]  # names the row it duplicates
    assert "abc" in errors[8]
    assert preview.count(RowStatus.NEW) == 2
    before = snapshot(db)
    with pytest.raises(UserError):
        apply_import(db, preview)
    assert snapshot(db) == before
    result = apply_import(db, preview, only_valid=True)
    assert result.added == 2
    assert sorted(p.sku for p in product_store.all_products(db)) == ["OK-1", "OK-2"]


def test_same_file_twice_changes_nothing_and_updates_by_sku_ignoring_case(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", BASIC)
    apply_import(db, read_import(db, path))
    before = snapshot(db)
    again = read_import(db, path)
    assert again.count(RowStatus.UNCHANGED) == 2 and not again.to_write
    with pytest.raises(UserError):
        apply_import(db, again)
    assert snapshot(db) == before
    update = write_csv(tmp_path / "u.csv", ["sku,harga jual,stok", "kopi-1,17.000,8", "teh-1,,20"])
    preview = read_import(db, update)
    assert [r.status for r in preview.rows] == [RowStatus.UPDATED, RowStatus.UNCHANGED]
    apply_import(db, preview)
    kopi = product_store.by_sku(db, "KOPI-1")
    assert kopi is not None
    assert (kopi.name, kopi.sell_price, kopi.on_hand) == ("Kopi Susu Gula Aren", 17_000, 8)
    assert [m.kind for m in stock_store.history(db, kopi.id)] == [MovementKind.STOCKTAKE, MovementKind.OPENING]


def test_sku_taken_by_concurrent_insert_rolls_back_everything(db: Database, tmp_path: Path,
                                                               data_dir: Path) -> None:
    add_product(db, ProductInput(sku="TEH-1", name="Teh Lama", sell_price=4000), 3)
    path = write_csv(tmp_path / "p.csv", ["SKU,Nama,Harga,Stok", "A-1,Satu,1000,1", "TEH-1,Es Teh Manis,5000,9",
                                          "Z-9,Terakhir,3000,2"])
    preview = read_import(db, path)
    other = sqlite3.connect(str(db.path))
    now = stamp()
    other.execute("INSERT INTO products (id, sku, name, sell_price, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                  (str(uuid.uuid4()), "z-9", "Diambil kasir lain", 1, now, now))
    other.commit()
    other.close()
    before = snapshot(db)
    with pytest.raises(UserError) as err:
        apply_import(db, preview)
    assert "Z-9" in err.value.message()
    assert snapshot(db) == before
    teh = product_store.by_sku(db, "TEH-1")
    assert teh is not None and teh.name == "Teh Lama" and teh.on_hand == 3
    assert product_store.by_sku(db, "A-1") is None


def test_wrong_files_give_one_clear_message(db: Database, tmp_path: Path) -> None:
    png = tmp_path / "foto.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    txt = tmp_path / "catatan.xlsx"
    txt.write_text("ini bukan excel", encoding="utf-8")
    fake_zip = tmp_path / "arsip.xlsx"
    fake_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    blank = tmp_path / "spasi.csv"
    blank.write_text("\n\n ,, \n", encoding="utf-8")
    no_header = write_csv(tmp_path / "tanpa.csv", ["KOPI-1,Kopi,15000", "TEH-1,Teh,5000"])
    header_only = write_csv(tmp_path / "judul.csv", ["SKU,Nama,Harga"])
    for path in (png, txt, fake_zip, empty, blank, no_header, header_only):
        with pytest.raises(UserError) as err:
            read_import(db, path)
        text = err.value.message()
        assert text.endswith(".") and ":" in text, text
    assert snapshot(db) == (0, 0, 0)


def test_bad_encoding_bytes_give_a_message(tmp_path: Path) -> None:
    path = tmp_path / "aneh.csv"
    path.write_bytes(b"SKU,Nama\r\nA-1,Caf\x81\x8d\r\n")
    with pytest.raises(UserError):
        list(read_rows(path))


def test_hundred_thousand_rows_are_refused_before_writing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("SKU;Nama;Harga\n")
        for n in range(100_000):
            f.write(f"P-{n};Produk {n};1000\n")
    with pytest.raises(UserError) as err:
        read_import(db, path)
    assert "50.000" in err.value.message()
    assert snapshot(db) == (0, 0, 0)


def test_cancel_half_way_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("SKU,Nama,Harga,Stok\n" + "".join(f"P-{n},Produk {n},1000,3\n" for n in range(1200)),
                    encoding="utf-8")
    preview = read_import(db, path)
    seen: list[int] = []

    def stop_after_first_report(done: int, total: int) -> bool:
        seen.append(done)
        return False

    with pytest.raises(ImportCancelled):
        apply_import(db, preview, keep_going=stop_after_first_report)
    assert seen == [500]
    assert snapshot(db) == (0, 0, 0)
