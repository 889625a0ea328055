"""A generated corpus of hostile order and product files: what people type, what spreadsheets do, what attackers
craft. Each case says what must happen: refused whole ("file"), refused by a row ("row", naming the column when
there is one), or accepted with the exact values a person meant ("ok")."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from order_files import (
    LAZADA_HEADERS,
    SHOPEE_HEADERS,
    lazada_line,
    rows_for,
    shopee_line,
    write_csv,
    write_xlsx,
)

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str            # "orders" or "products"
    build: Builder
    expect: str          # "file", "row" or "ok"
    column: str = ""     # a row refusal names this column
    value: int | None = None  # ok: the unit price / quantity / stock saved
    field: str = ""      # ok: which value is checked ("price", "quantity", "stock", "lines", "on_hand")


PRICE = "Harga Setelah Diskon"
QTY = "Jumlah"
CREATED = "Waktu Pesanan Dibuat"


def _line(**cells: Any) -> dict[str, Any]:
    line = shopee_line("2611280001", "KOPI-250", 1, "35.000")
    if PRICE in cells:
        line["Harga Awal"] = cells[PRICE]
    return {**line, **cells}


def shopee(lines: list[dict[str, Any]], suffix: str, headers: list[str] | None = None) -> Builder:
    chosen = headers or SHOPEE_HEADERS

    def build(folder: Path) -> Path:
        rows = [chosen, *rows_for(chosen, lines)]
        path = folder / f"Order.all{suffix}"
        return write_csv(path, rows) if suffix == ".csv" else write_xlsx(path, rows, "orders")
    return build


def products(rows: list[list[Any]], suffix: str = ".csv") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / f"produk{suffix}"
        return write_csv(path, rows) if suffix == ".csv" else write_xlsx(path, rows, "Produk")
    return build


def raw(name: str, data: bytes) -> Builder:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return build


def rezipped(build: Builder, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None
             ) -> Builder:
    """The built xlsx with its parts changed (None drops a part) and extra parts added."""
    def wrap(folder: Path) -> Path:
        path = build(folder)
        with zipfile.ZipFile(path) as old:
            parts = [(i.filename, old.read(i.filename)) for i in old.infolist()]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            for name, data in parts:
                changed = change(name, data)
                if changed is not None:
                    new.writestr(name, changed)
            for name, data in (extra or {}).items():
                new.writestr(name, data)
        path.write_bytes(out.getvalue())
        return path
    return wrap


def dimension(ref: str | None) -> Callable[[str, bytes], bytes]:
    """Every sheet's `<dimension>` replaced by `ref` (or removed)."""
    def change(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return data
        data = re.sub(rb"<dimension[^>]*/>", b"", data)
        if ref is None:
            return data
        return re.sub(rb"(<sheetViews|<sheetFormatPr|<cols|<sheetData)", f'<dimension ref="{ref}"/>'.encode() + rb"\1",
                      data, count=1)
    return change


def shared_strings(count: int, declared: int) -> Callable[[str, bytes], bytes]:
    """A shared-strings part of `count` items whose count attributes say `declared`, linked into the workbook."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in data:
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")
        if name == "[Content_Types].xml" and b"sharedStrings" not in data:
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/sharedStrings.xml":
            return sst(count, declared)
        return data
    return change


def sst(count: int, declared: int) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (declared, declared)
            + b"<si><t>x</t></si>" * count + b"</sst>")


def wide(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(SHOPEE_HEADERS)
    ws.append(rows_for(SHOPEE_HEADERS, [_line()])[0])
    ws.cell(row=2, column=16_384, value="x")
    book.save(folder / "wide.xlsx")
    return folder / "wide.xlsx"


def two_sheets(kind: str) -> Builder:
    def build(folder: Path) -> Path:
        if kind == "orders":
            rows = [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [_line()])]
            more = [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [shopee_line("2611280002", "KOPI-250", 1, 35000)])]
            return write_xlsx(folder / "two.xlsx", rows, "orders", {"orders (2)": more})
        rows = [["SKU", "Nama", "Harga"], ["A-1", "Satu", 1000]]
        more = [["SKU", "Nama", "Harga"], ["B-1", "Dua", 2]]
        return write_xlsx(folder / "two.xlsx", rows, "Produk", {"Produk 2": more})
    return build


def nul_late(kind: str) -> Builder:
    def build(folder: Path) -> Path:
        if kind == "orders":
            path = shopee([_line()] * 400, ".csv")(folder)
        else:
            path = products([["SKU", "Nama", "Harga"], *[[f"P-{n}", "Produk panjang sekali " * 4, 1000]
                                                        for n in range(1000)]])(folder)
        path.write_bytes(path.read_bytes() + b"P-\x00,Nul,1000\n")
        return path
    return build


def truncated(build: Builder) -> Builder:
    def cut(folder: Path) -> Path:
        path = build(folder)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
        return path
    return cut


def bomb(folder: Path) -> Path:
    base = shopee([_line()], ".xlsx")(folder)
    with zipfile.ZipFile(base, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * 64_000_000)
    return base


def many_parts(folder: Path) -> Path:
    base = shopee([_line()], ".xlsx")(folder)
    with zipfile.ZipFile(base, "a", zipfile.ZIP_STORED) as z:
        for n in range(6_000):
            z.writestr(f"xl/media/p{n}.bin", b"")
    return base


def _today(days: int = 0) -> str:
    return (date.today() + timedelta(days=days)).strftime("%d/%m/%Y 10:00")


PRICES: list[tuple[object, str, int | None]] = [
    ("15,000", "ok", 15_000), ("15.000", "ok", 15_000), ("Rp 15.000,00", "ok", 15_000), ("Rp15.000,-", "ok", 15_000),
    ("35000.00", "ok", 35_000), ("35,000.00", "ok", 35_000), ("999999999", "ok", 999_999_999), ("15 000", "ok", 15_000),
    ("1.5", "row", None), ("1,5", "row", None), ("-3", "row", None), ("1e9", "row", None), ("٣", "row", None),
    ("", "row", None), ("   ", "row", None), ("15,50", "row", None), ("1.234,5", "row", None),
    ("12,34,567", "row", None), ("Rp 2.000.000.000", "row", None), ("gratis", "row", None), ("=1+1", "row", None),
    ("0x10", "row", None), ("1_000", "row", None),
]
QUANTITIES: list[tuple[object, str, int | None]] = [
    ("2", "ok", 2), ("1.000", "ok", 1_000), ("15,000", "ok", 15_000), (" 3 ", "ok", 3),
    ("1.5", "row", None), ("1,5", "row", None), ("-3", "row", None), ("1e9", "row", None), ("999999999", "row", None),
    ("٣", "row", None), ("", "row", None), ("0", "row", None), ("dua", "row", None), ("2.50", "row", None),
]
CELL_NUMBERS: list[tuple[str, object, str, object, str, int | None]] = [  # xlsx numeric cells
    ("price float whole", 15000.0, PRICE, "ok", "price", 15_000),
    ("price float cents", 15000.5, PRICE, "row", "", None),
    ("price boolean", True, PRICE, "row", "", None),
    ("quantity float half", 1.5, QTY, "row", "", None),
    ("quantity float whole", 3.0, QTY, "ok", "quantity", 3),
    ("quantity huge int", 999_999_999, QTY, "row", "", None),
    ("price huge int", 10**12, PRICE, "row", "", None),
    ("quantity negative int", -3, QTY, "row", "", None),
]
DATES: list[tuple[object, str]] = [
    ("1800-01-01", "row"), ("2099-01-01 10:00", "row"), ("31/02/2026", "row"), ("2014-12-31 23:00", "row"),
    ("kemarin", "row"), ("1", "row"), (_today(), "ok"), (_today(1), "ok"), (_today(3), "row"),
    ("2015-01-02 08:00", "ok"),
]


def _order_cases() -> list[Case]:
    cases: list[Case] = []
    for suffix in (".csv", ".xlsx"):
        for text, expect, value in PRICES:
            cases.append(Case(f"order price {text!r} {suffix}", "orders", shopee([_line(**{PRICE: text})], suffix),
                              expect, PRICE if expect == "row" else "", value, "price"))
        for text, expect, value in QUANTITIES:
            cases.append(Case(f"order quantity {text!r} {suffix}", "orders", shopee([_line(**{QTY: text})], suffix),
                              expect, QTY if expect == "row" else "", value, "quantity"))
        for text, expect in DATES:
            cases.append(Case(f"order date {text!r} {suffix}", "orders", shopee([_line(**{CREATED: text})], suffix),
                              expect, CREATED if expect == "row" else "", 1 if expect == "ok" else None, "lines"))
        dup = [_line(), _line()]
        cases.append(Case(f"identical duplicate rows {suffix}", "orders", shopee(dup, suffix), "ok", value=49,
                          field="on_hand"))
        for missing in (PRICE, QTY, CREATED):
            headers = [h for h in SHOPEE_HEADERS if h not in (missing, "Harga Awal" if missing == PRICE else "")]
            cases.append(Case(f"no {missing} column {suffix}", "orders", shopee([_line()], suffix, headers), "file"))
    for name, cell, column, expect, checked, value in CELL_NUMBERS:
        cases.append(Case(f"order {name} xlsx", "orders", shopee([_line(**{column: cell})], ".xlsx"), str(expect),
                          column if expect == "row" else "", value, checked))
    cases.append(Case("order excel serial date", "orders",
                      shopee([_line(**{CREATED: (date.today() - date(1899, 12, 30)).days})], ".xlsx"), "ok", value=1,
                      field="lines"))
    cases.append(Case("order excel serial 1900", "orders", shopee([_line(**{CREATED: 36_000})], ".xlsx"), "row",
                      CREATED))
    lazada = [LAZADA_HEADERS, *rows_for(LAZADA_HEADERS, [lazada_line("300001", "9001", "KOPI-250", "35000"),
                                                         lazada_line("300001", "9001", "KOPI-250", "30000")])]
    cases.append(Case("conflicting rows of one order line", "orders",
                      lambda f: write_xlsx(f / "l.xlsx", lazada, "sheet1"), "row"))
    return cases


def _structure_cases() -> list[Case]:
    fifty = shopee([shopee_line(f"26112{n:05d}", "KOPI-250", 1, 35000) for n in range(50)], ".xlsx")
    three = shopee([shopee_line(f"26112{n:05d}", "KOPI-250", 1, 35000) for n in range(3)], ".xlsx")
    product_rows = [["SKU", "Nama", "Harga", "Stok"], *[[f"P-{n}", f"Produk {n}", 1000, 2] for n in range(30)]]
    cases = [
        Case("dimension too small", "orders", rezipped(fifty, dimension("A1:B2")), "ok", value=50, field="orders"),
        Case("dimension too large", "orders", rezipped(three, dimension("A1:Z1000000")), "ok", value=3, field="orders"),
        Case("dimension missing", "orders", rezipped(three, dimension(None)), "ok", value=3, field="orders"),
        Case("dimension 16384 columns", "orders", rezipped(three, dimension("A1:XFD1048576")), "file"),
        Case("product dimension too small", "products", rezipped(products(product_rows, ".xlsx"), dimension("A1:A1")),
             "ok", value=30, field="products"),
        Case("product dimension too large", "products",
             rezipped(products(product_rows, ".xlsx"), dimension("A1:D900000")), "ok", value=30, field="products"),
        Case("product 16384 columns", "products", rezipped(products(product_rows, ".xlsx"), dimension("A1:XFD3")),
             "file"),
        Case("a real cell in column XFD", "orders", wide, "file"),
        Case("a real cell in column XFD, no dimension", "orders", rezipped(wide, dimension(None)), "file"),
        Case("several sheets of orders", "orders", two_sheets("orders"), "file"),
        Case("several sheets of products", "products", two_sheets("products"), "file"),
        Case("3 million shared strings declared", "orders", rezipped(three, shared_strings(5, 3_000_000),
                                                                {"xl/sharedStrings.xml": sst(5, 3_000_000)}), "file"),
        Case("1.6 million shared strings, count lying", "orders",
             rezipped(three, shared_strings(1_600_000, 10), {"xl/sharedStrings.xml": sst(1_600_000, 10)}), "file"),
        Case("product 3 million shared strings", "products",
             rezipped(products(product_rows, ".xlsx"), shared_strings(5, 3_000_000),
                      {"xl/sharedStrings.xml": sst(5, 3_000_000)}), "file"),
        Case("zip bomb part", "orders", bomb, "file"),
        Case("zip with 6000 parts", "orders", many_parts, "file"),
        Case("csv with NULs at the start (orders)", "orders", raw("o.csv", b"No. Pesanan,Jumlah\x00\n1,2\n"), "file"),
        Case("csv with NULs at the start (products)", "products", raw("p.csv", b"SKU,Harga\x00\nA,1\n"), "file"),
        Case("csv with a NUL late (orders)", "orders", nul_late("orders"), "file"),
        Case("csv with a NUL late (products)", "products", nul_late("products"), "file"),
        Case("truncated xlsx (orders)", "orders", truncated(fifty), "file"),
        Case("truncated xlsx (products)", "products", truncated(products(product_rows, ".xlsx")), "file"),
        Case("xls renamed xlsx (orders)", "orders", raw("o.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(900)),
             "file"),
        Case("xls renamed xlsx (products)", "products",
             raw("p.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(900)), "file"),
        Case("html saved as xlsx (orders)", "orders", raw("o.xlsx", b"<html><table><tr><td>No. Pesanan</td></tr>"),
             "file"),
        Case("html saved as xlsx (products)", "products", raw("p.xlsx", b"<html><table><tr><td>SKU</td></tr>"),
             "file"),
        Case("utf-16 without BOM", "orders", raw("o.csv", ",".join(SHOPEE_HEADERS).encode("utf-16-le")), "file"),
        Case("utf-16 with BOM", "orders",
             lambda f: write_csv(f / "o.csv", [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [_line()])],
                                 encoding="utf-16"), "ok", value=1, field="orders"),
        Case("cp1252 names", "orders",
             lambda f: write_csv(f / "o.csv", [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, [_line(**{
                 "Nama Produk": "Café Gula Aren"})])], encoding="cp1252"), "ok", value=1, field="orders"),
        Case("product csv cp1252", "products",
             lambda f: write_csv(f / "p.csv", [["SKU", "Nama", "Harga"], ["A-1", "Café", "15.000"]], encoding="cp1252"),
             "ok", value=15_000, field="sell"),
        Case("product without price column", "products", products([["SKU", "Nama", "Stok"], ["A-1", "Satu", 3]]),
             "file"),
        Case("product duplicate SKU rows", "products",
             products([["SKU", "Nama", "Harga"], ["A-1", "Satu", 1000], ["A-1", "Satu", 1000]]), "row"),
    ]
    return cases


PRODUCT_STOCKS: list[tuple[object, str, int | None]] = [
    ("0", "ok", 0), ("3", "ok", 3), ("1.000", "ok", 1_000), ("1.5", "row", None), ("1,5", "row", None),
    ("-3", "row", None), ("1e9", "row", None), ("999999999", "row", None), ("٣", "row", None), ("tiga", "row", None),
]


def _product_cases() -> list[Case]:
    cases = []
    for suffix in (".csv", ".xlsx"):
        for text, expect, value in PRICES:
            rows = [["SKU", "Nama", "Harga jual"], ["A-1", "Satu", text]]
            cases.append(Case(f"product price {text!r} {suffix}", "products", products(rows, suffix), expect,
                              "Harga jual" if expect == "row" else "", value, "sell"))
        for text, expect, value in PRODUCT_STOCKS:
            rows = [["SKU", "Nama", "Harga jual", "Stok"], ["A-1", "Satu", 1000, text]]
            cases.append(Case(f"product stock {text!r} {suffix}", "products", products(rows, suffix), expect,
                              "Stok" if expect == "row" else "", value, "stock"))
    return cases


CASES: list[Case] = _order_cases() + _structure_cases() + _product_cases()
