"""Malformed order exports: each gives one clear sentence, nothing is written, nothing crashes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from order_files import (
    LAZADA_HEADERS,
    SHOPEE_HEADERS,
    TIKTOK_DESCRIPTIONS,
    TIKTOK_HEADERS,
    lazada_line,
    rows_for,
    shopee_file,
    shopee_line,
    tiktok_file,
    tiktok_line,
    write_csv,
    write_xlsx,
)

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.services.order_import import import_file, preview_file, row_problem
from companion.services.products import add_product
from companion.store.database import Database

TABLES = ("accounts", "listings", "online_orders", "online_order_lines", "stock_movements", "outbox")
Builder = Callable[[Path], Path]


def shopee(*lines: dict[str, Any], suffix: str = ".xlsx") -> Builder:
    return lambda folder: shopee_file(folder / f"Order.all{suffix}", list(lines))


def ok(**extra: Any) -> dict[str, Any]:
    return shopee_line("2611280001", "KOPI-250", 1, "35.000", **extra)


def raw(name: str, data: bytes) -> Builder:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return build


def xlsx(rows: list[list[Any]], sheet: str = "orders") -> Builder:
    return lambda folder: write_xlsx(folder / "export.xlsx", rows, sheet)


def csv_rows(rows: list[list[Any]], encoding: str = "utf-8") -> Builder:
    return lambda folder: write_csv(folder / "export.csv", rows, encoding=encoding)


def merged(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "orders"
    ws.append(SHOPEE_HEADERS)
    for line in (ok(), shopee_line("2611280001", "GULA-1KG", 1, "15.000")):
        ws.append(rows_for(SHOPEE_HEADERS, [line])[0])
    ws.merge_cells("A2:A3")  # the order number merged over its two lines: row 3 has none
    book.save(folder / "merged.xlsx")
    return folder / "merged.xlsx"


def formula(*columns: str) -> Builder:
    """openpyxl writes formulas without a cached value, as a file saved by a script would be."""
    return lambda folder: shopee_file(folder / "formula.xlsx", [ok(**{c: "=1+1" for c in columns})])


def truncated(folder: Path) -> Path:
    good = shopee_file(folder / "good.xlsx", [ok()] * 50)
    data = good.read_bytes()
    (folder / "half.xlsx").write_bytes(data[: len(data) // 2])
    return folder / "half.xlsx"


def other_zip(folder: Path) -> Path:
    with zipfile.ZipFile(folder / "photos.xlsx", "w") as z:
        z.writestr("photo.txt", "not a workbook")
    return folder / "photos.xlsx"


def bad_late_encoding(folder: Path) -> Path:
    rows = [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [ok()] * 1500)]
    path = write_csv(folder / "late.csv", rows)
    path.write_bytes(path.read_bytes() + b"2611289999,Selesai,\xff\xfe\xfa broken\n")
    return path


def too_many_rows(folder: Path) -> Path:
    headers = ["No. Pesanan", "Nomor Referensi SKU", "Jumlah", "Harga Setelah Diskon", "Waktu Pesanan Dibuat"]
    path = folder / "huge.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(headers) + "\n")
        f.writelines(f"26{n:08d},KOPI-250,1,35000,2026-11-28 14:05\n" for n in range(200_000))
    return path


def huge_field(folder: Path) -> Path:
    path = folder / "field.csv"
    path.write_text(",".join(SHOPEE_HEADERS) + "\n" + '"' + "x" * 300_000 + '"\n', encoding="utf-8")
    return path


def directory(folder: Path) -> Path:
    (folder / "folder.xlsx").mkdir()
    return folder / "folder.xlsx"


INCOME_HEADERS = ["No.", "No. Pesanan", "No. Pengajuan", "Username (Pembeli)", "Waktu Pesanan Dibuat",
                  "Metode pembayaran pembeli", "Tanggal Dana Dilepaskan", "Harga Asli Produk", "Total Penghasilan"]

FILE_PROBLEMS: list[tuple[str, Builder, str]] = [
    ("wrong sheet: the income report", xlsx([INCOME_HEADERS, ["1", "2611280001", "", "budi", "2026-11-28", "", "",
                                                                 35000, 30000]], "income"), "No order columns"),
    ("no header row", xlsx([["2611280001", "Selesai", "KOPI-250", 1, 35000]] * 5), "No order columns"),
    ("header below row 15", xlsx([["Laporan"]] * 20 + [SHOPEE_HEADERS]), "No order columns"),
    ("order number without quantity column", xlsx([["No. Pesanan", "Nama Produk"], ["1", "Kopi"]]),
     "No order columns"),
    ("duplicated header names", xlsx([[*SHOPEE_HEADERS, "Jumlah"], rows_for(SHOPEE_HEADERS, [ok()])[0] + [1]]),
     "appears twice"),
    ("text file renamed to .xlsx", raw("orders.xlsx", b"No. Pesanan;Jumlah\n1;2\n"), "not an Excel"),
    ("picture renamed to .xlsx", raw("orders.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200)), "not an Excel"),
    ("zip that is not a workbook", other_zip, "not an Excel"),
    ("truncated xlsx", truncated, "not an Excel"),
    ("old .xls", raw("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "old Excel"),
    ("empty file", raw("orders.xlsx", b""), "empty"),
    ("empty csv", raw("orders.csv", b""), "empty"),
    ("only blank lines", raw("orders.csv", b"\r\n\r\n ,,\r\n"), "empty"),
    ("xlsx with no rows", xlsx([]), "empty"),
    ("binary csv", raw("orders.csv", bytes(range(256)) * 4), "not an Excel"),
    ("encoding breaks after the first block", bad_late_encoding, "encoding"),
    ("csv with only headers", csv_rows([SHOPEE_HEADERS]), "no orders under them"),
    ("xlsx with only headers", xlsx([SHOPEE_HEADERS]), "no orders under them"),
    ("tiktok with only the description row", xlsx([TIKTOK_HEADERS, TIKTOK_DESCRIPTIONS], "OrderSKUList"),
     "no orders under them"),
    ("lazada with only headers", csv_rows([LAZADA_HEADERS]), "no orders under them"),
    ("200k rows", too_many_rows, "150.000"),
    ("csv field too large", huge_field, "well-formed CSV"),
    ("a folder", directory, "could not be opened"),
    ("a file that is gone", lambda folder: folder / "gone.xlsx", "could not be opened"),
]

ROW_PROBLEMS: list[tuple[str, Builder, str]] = [
    ("merged order-number cells", merged, "order number is empty"),
    ("formula in quantity", formula("Jumlah"), "quantity"),
    ("formula in price", formula("Harga Setelah Diskon", "Harga Awal"), "price is empty"),
    ("formula text in a csv price", shopee(ok(**{"Harga Setelah Diskon": "=SUM(A1:A9)"}), suffix=".csv"), "formula"),
    ("text in quantity", shopee(ok(Jumlah="dua")), "whole number"),
    ("text in price", shopee(ok(**{"Harga Setelah Diskon": "gratis"})), "amount"),
    ("negative quantity", shopee(ok(Jumlah=-1)), "not more than zero"),
    ("zero quantity", shopee(ok(Jumlah=0)), "not more than zero"),
    ("decimal quantity", shopee(ok(Jumlah=1.5)), "whole number"),
    ("boolean quantity", shopee(ok(Jumlah=True)), "whole number"),
    ("negative price", shopee(ok(**{"Harga Setelah Diskon": "-5.000", "Harga Awal": "-5.000"})), "negative"),
    ("price too large", shopee(ok(**{"Harga Setelah Diskon": "Rp 2.000.000.000"})), "too large"),
    ("date far in the future", shopee(ok(**{"Waktu Pesanan Dibuat": "28/11/2099 14:05"})), "future"),
    ("unreadable date", shopee(ok(**{"Waktu Pesanan Dibuat": "kemarin sore"})), "could not be read"),
    ("impossible date", shopee(ok(**{"Waktu Pesanan Dibuat": "31/02/2026"})), "could not be read"),
    ("missing order date", shopee(ok(**{"Waktu Pesanan Dibuat": ""})), "order date is empty"),
    ("missing order id", shopee(ok(**{"No. Pesanan": ""})), "order number is empty"),
    ("order id in scientific notation", shopee(ok(**{"No. Pesanan": "2.61128E+14"}), suffix=".csv"), "shortened"),
    ("order id with decimals", shopee(ok(**{"No. Pesanan": 2611.5})), "not a valid order number"),
    ("neither SKU nor name", shopee(ok(**{"Nomor Referensi SKU": "", "Nama Produk": ""})), "neither a SKU"),
    ("future completion time", shopee(ok(**{"Waktu Pesanan Selesai": "01/01/2199 10:00"})), "future"),
    ("tiktok negative quantity", lambda f: tiktok_file(f / "t.xlsx", [tiktok_line("577001", "KOPI-250", -2, 1)]),
     "not more than zero"),
    ("tiktok text subtotal", lambda f: tiktok_file(f / "t.csv", [tiktok_line(
        "577001", "KOPI-250", 1, 1, **{"SKU Subtotal After Discount": "tiga puluh ribu"})]), "amount"),
    ("tiktok future date", lambda f: tiktok_file(f / "t.csv", [tiktok_line(
        "577001", "KOPI-250", 1, 1, created="01/01/2199 10:00:00")]), "future"),
    ("lazada missing order number", lambda f: write_xlsx(f / "l.xlsx", [LAZADA_HEADERS, *rows_for(
        LAZADA_HEADERS, [lazada_line("", "9001", "KOPI-250", 35000)])], "sheet1"), "order number is empty"),
    ("lazada text price", lambda f: write_xlsx(f / "l.xlsx", [LAZADA_HEADERS, *rows_for(
        LAZADA_HEADERS, [lazada_line("300001", "9001", "KOPI-250", "mahal")])], "sheet1"), "amount"),
    ("one bad row among good ones", shopee(ok(), shopee_line("2611280002", "GULA-1KG", "x", "15.000")),
     "whole number"),
]


@pytest.fixture
def product(db: Database) -> str:
    return add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)[0]


def counts(db: Database) -> dict[str, int]:
    return {t: db.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


def one_sentence(text: str) -> None:
    assert text and text.endswith(".") and "Traceback" not in text and "\n" not in text, text
    assert "{" not in text, text


@pytest.mark.parametrize(("case", "build", "says"), FILE_PROBLEMS, ids=[c[0] for c in FILE_PROBLEMS])
def test_unreadable_file(db: Database, product: str, tmp_path: Path, case: str, build: Builder, says: str) -> None:
    path = build(tmp_path)
    before = counts(db)
    for action in (preview_file, import_file):
        with pytest.raises(UserError) as caught:
            action(db, path)
        message = caught.value.message()
        one_sentence(message)
        assert says.lower() in UserError(caught.value.msgid, **caught.value.params).msgid.lower() + message.lower()
    assert counts(db) == before


@pytest.mark.parametrize(("case", "build", "says"), ROW_PROBLEMS, ids=[c[0] for c in ROW_PROBLEMS])
def test_row_problem(db: Database, product: str, tmp_path: Path, case: str, build: Builder, says: str) -> None:
    path = build(tmp_path)
    before = counts(db)
    preview = preview_file(db, path)
    assert preview.errors, case
    row, msgid, params = preview.errors[0]
    assert row >= 2 and says.lower() in msgid.lower()
    one_sentence(row_problem(row, msgid, params))
    with pytest.raises(UserError) as caught:
        import_file(db, path)
    one_sentence(caught.value.message())
    assert counts(db) == before


def test_bad_rows_can_be_skipped(db: Database, product: str, tmp_path: Path) -> None:
    path = shopee(ok(), shopee_line("2611280002", "KOPI-250", "x", "15.000"))(tmp_path)
    preview, _ = import_file(db, path, skip_errors=True)
    assert (preview.orders_new, [e[0] for e in preview.errors]) == (1, [3])
    assert db.scalar("SELECT COUNT(*) FROM online_orders") == 1


def test_row_numbers_follow_the_spreadsheet(db: Database, tmp_path: Path) -> None:
    """Header on row 1, TikTok's description on row 2: the first order is row 3, as Excel shows it."""
    path = tiktok_file(tmp_path / "t.xlsx", [tiktok_line("577001", "A", 1, 1), tiktok_line("577002", "B", 0, 1)])
    assert [e[0] for e in preview_file(db, path).errors] == [4]
