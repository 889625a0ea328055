"""Importing a product list from CSV or XLSX: read and check every row first, then write in pieces.

`read_import` never writes; it returns a preview saying which rows add, update, change nothing or have an
error (with the file's row number). `apply_import` writes the chosen rows PIECE rows per transaction (short,
so a counter sale in another process never waits long) through the same functions as the product page
(`add_product`, `edit_product`, `count_stock`), so the rules live in one place; a failure or Stop rolls back
its own piece, and importing the same file again finishes the rest (rows already the same are skipped).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from companion.domain.categories import clean_name
from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import parse_quantity, parse_rupiah
from companion.domain.product import ProductInput, clean
from companion.domain.typed_numbers import NumberRefused, shown
from companion.i18n import N_
from companion.services.categories import category_named, set_category
from companion.services.change import Change
from companion.services.products import add_product, edit_product
from companion.services.stock import count_stock
from companion.services.stock_push import queue_stock_push
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.products import ProductRow
from companion.store.tabular_files import Cell, read_sheets
from companion.store.write_turns import pause_for_other_processes

MAX_ROWS = 50_000
PIECE = 500  # rows per transaction
HEADER_SEARCH_ROWS = 10
IMPORT_REASON = N_("Imported from a file")

# Accepted column names (compared lower-case, with spaces collapsed and "*", ":" and "(rp)" removed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "kode", "kode produk", "kode barang", "code", "product code"),
    "name": ("nama", "name", "nama produk", "nama barang", "product name", "produk"),
    "sell_price": ("harga jual", "harga", "price", "sell price", "selling price", "harga satuan"),
    "cost_price": ("harga modal", "modal", "cost", "cost price", "harga beli", "hpp"),
    "unit": ("satuan", "unit"),
    "barcode": ("barcode", "kode batang"),
    "stock": ("stok", "stock", "jumlah stok", "qty", "jumlah"),
    "parent_name": ("induk", "parent", "produk induk", "parent product"),
    "variant_name": ("variasi", "variant", "varian", "variation"),
    "category": ("kategori", "category", "kategori produk", "product category"),
}
_NAME_TO_FIELD = {name: key for key, names in COLUMNS.items() for name in names}


class RowStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class ImportRow:
    row_no: int  # as the spreadsheet numbers it (the header is usually row 1)
    sku: str
    status: RowStatus
    product: ProductInput | None = None
    stock: int | None = None  # a count to record (opening for new, stocktake for existing), None = leave
    existing_id: str | None = None
    product_changed: bool = False
    error: UserError | None = None
    category: str | None = None  # the category to put the product in (made when new); None = leave as it is


@dataclass
class ImportPreview:
    file_name: str
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status is RowStatus.ERROR]

    @property
    def to_write(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status in (RowStatus.NEW, RowStatus.UPDATED)]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    change: Change


class ImportCancelled(UserError):
    """The person pressed Cancel; nothing was written."""


class SeveralSheets(UserError):
    """More than one sheet carries a product header: the dialog asks which one (`sheets`, in file order)."""

    def __init__(self, file_name: str, sheets: list[str]) -> None:
        super().__init__(N_("\"{name}\" has products on several sheets ({sheets}): keep one sheet of products, or "
                            "save each sheet as its own file."), name=file_name, sheets=", ".join(sheets))
        self.sheets = sheets


ProgressFn = Callable[[int, int], bool]  # (done, total; total 0 = unknown) -> keep going?


def _norm(text: object) -> str:
    cleaned = str(text or "").lower().replace("*", "").replace(":", "").replace("(rp)", "").replace("_", " ")
    return " ".join(cleaned.split())


def find_header(rows: list[list[Cell]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, field -> column) for the first row naming a SKU column and one more known one."""
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = _NAME_TO_FIELD.get(_norm(cell))
            if key and key not in columns:
                columns[key] = col
        if "sku" in columns and len(columns) >= 2:
            return index, columns
    return None


def _blank(row: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


Titles = dict[str, str]  # field -> the header as the file words it, to name the column in a refusal


def _read_limited(path: Path, keep_going: ProgressFn | None, sheet: str | None = None
                  ) -> tuple[dict[str, int], Titles, list[tuple[int, list[Cell]]]]:
    """Columns and the non-blank data rows of the one sheet with a header (or the sheet named); refuses a file
    past MAX_ROWS, or with products on several sheets (SeveralSheets, naming them), before checking any row."""
    sheets = read_sheets(path)
    opened: list[Iterator[list[Cell]]] = []
    try:
        found: list[tuple[str, list[list[Cell]], Iterator[list[Cell]]]] = []
        anything = False
        for name, rows in sheets:
            opened.append(rows)
            head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
            anything = anything or not all(_blank(r) for r in head)
            if (sheet is None or name == sheet) and find_header(head) is not None:
                found.append((name, head, rows))
        if len(found) > 1:
            raise SeveralSheets(path.name, [name for name, _, _ in found])
        if not found:
            if not anything:
                raise UserError(N_("The file is empty: choose a file with a header row and one product per row."))
            raise UserError(N_("No header row with a SKU column was found: the first row must name the "
                               "columns, such as SKU, Nama, Harga jual."))
        return _collect(found[0][1], found[0][2], keep_going)
    finally:
        for rows in opened:
            _close(rows)  # an unfinished XLSX reader holds the file open
        _close(sheets)


def _close(it: object) -> None:
    close = getattr(it, "close", None)
    if close:
        close()


def _collect(head: list[list[Cell]], rows: Iterator[list[Cell]], keep_going: ProgressFn | None
             ) -> tuple[dict[str, int], Titles, list[tuple[int, list[Cell]]]]:
    found = find_header(head)
    assert found is not None
    header_index, columns = found
    if "sell_price" not in columns:
        raise UserError(N_("The file has no price column (such as \"Harga jual\"): add the selling price of "
                           "every product and choose the file again."))
    titles = {key: str(head[header_index][col]).strip() for key, col in columns.items()}
    data: list[tuple[int, list[Cell]]] = []
    numbered = [(header_index + 2 + i, r) for i, r in enumerate(head[header_index + 1:])]
    start = len(head) + 1
    for row_no, row in _chain(numbered, rows, start):
        if _blank(row):
            continue
        data.append((row_no, row))
        if len(data) > MAX_ROWS:
            raise UserError(N_("The file has more than 50.000 product rows: split it into smaller files and "
                               "import them one by one. Nothing was imported."))
        if keep_going and len(data) % 2000 == 0 and not keep_going(len(data), 0):
            raise ImportCancelled(N_("The import was cancelled: nothing was saved."))
    if not data:
        raise UserError(N_("The file has a header row but no products under it: add one product per row."))
    return columns, titles, data


def _chain(first: list[tuple[int, list[Cell]]], rest: Iterator[list[Cell]], start: int
           ) -> Iterator[tuple[int, list[Cell]]]:
    yield from first
    yield from enumerate(rest, start=start)


def _get(row: list[Cell], columns: dict[str, int], key: str) -> Cell:
    col = columns.get(key)
    if col is None or col >= len(row):
        return None
    value = row[col]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _text(value: Cell) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _parse_row(row_no: int, row: list[Cell], columns: dict[str, int], existing: ProductRow | None,
               titles: Titles | None = None) -> ImportRow:
    """One data row checked with the product rules; an empty cell keeps what an existing product has. A number
    refused names its column as the file's header words it."""
    titles = titles or {}
    sku = _text(_get(row, columns, "sku")) or ""
    old = existing
    price_cell = _get(row, columns, "sell_price")
    cost_cell = _get(row, columns, "cost_price")
    stock_cell = _get(row, columns, "stock")
    sell = (parse_rupiah(price_cell, titles.get("sell_price", N_("Sell price")))
            if price_cell is not None or old is None else old.sell_price)
    cost = (parse_rupiah(cost_cell, titles.get("cost_price", N_("Cost price")))
            if cost_cell is not None else (old.cost_price if old else None))
    stock = _stock(stock_cell, titles.get("stock", N_("Stock"))) if stock_cell is not None else None

    def pick(key: str, current: str | None) -> str | None:
        value = _text(_get(row, columns, key))
        return value if value is not None else current

    product = clean(ProductInput(
        sku=sku, name=pick("name", old.name if old else None) or "", sell_price=sell, cost_price=cost,
        unit=pick("unit", old.unit if old else None) or "pcs",
        parent_name=pick("parent_name", old.parent_name if old else None),
        variant_name=pick("variant_name", old.variant_name if old else None),
        barcode=pick("barcode", old.barcode if old else None),
        active=old.active if old else True,
    ))
    category = _category(row, columns)
    if old is None:
        return ImportRow(row_no, product.sku, RowStatus.NEW, product, stock, category=category)
    changed = _differs(product, old)
    if stock is not None and stock == old.outlet_on_hand:  # the count lands at this laptop's outlet
        stock = None
    if category is not None and category.casefold() == old.category_name.casefold():
        category = None
    status = RowStatus.UPDATED if changed or stock is not None or category is not None else RowStatus.UNCHANGED
    return ImportRow(row_no, old.sku, status, replace(product, sku=old.sku), stock, old.id, changed,
                     category=category)


def _category(row: list[Cell], columns: dict[str, int]) -> str | None:
    """The "Kategori" cell tidied (a name too long is the row's error); empty or no column: None."""
    text = _text(_get(row, columns, "category"))
    return clean_name(text) if text is not None else None


def _stock(cell: Cell, column: str) -> int:
    """A stock count from 0 to 100.000; a refusal quotes what the cell holds."""
    try:
        return parse_quantity(cell, column, allow_zero=True)
    except NumberRefused:
        raise UserError(N_("{field} must be a whole number from 0 to 100.000, not \"{text}\"."), field=column,
                        text=shown(cell)) from None


def _differs(p: ProductInput, old: ProductRow) -> bool:
    """A SKU typed in other letter case is the same product and keeps its spelling."""
    return (p.name, p.sell_price, p.cost_price, p.unit, p.parent_name, p.variant_name, p.barcode) != (
        old.name, old.sell_price, old.cost_price, old.unit, old.parent_name, old.variant_name, old.barcode)


def read_import(db: Database, path: Path, keep_going: ProgressFn | None = None,
                sheet: str | None = None) -> ImportPreview:
    """Check a whole file (or the one sheet named) against the shop's products without writing anything."""
    path = Path(path)
    columns, titles, data = _read_limited(path, keep_going, sheet)
    existing = {p.sku.lower(): p for p in product_store.all_products(db)}
    preview = ImportPreview(path.name)
    seen: dict[str, int] = {}
    for n, (row_no, row) in enumerate(data, start=1):
        sku = _text(_get(row, columns, "sku")) or ""
        first = seen.get(sku.lower())
        try:
            if sku and first is not None:
                raise UserError(N_("The SKU \"{sku}\" is also in row {row}: each SKU may appear only once."),
                                sku=sku, row=first)
            parsed = _parse_row(row_no, row, columns, existing.get(sku.lower()), titles)
        except UserError as exc:
            parsed = ImportRow(row_no, sku, RowStatus.ERROR, error=exc)
        if sku and first is None:
            seen[sku.lower()] = row_no
        preview.rows.append(parsed)
        if keep_going and n % 1000 == 0 and not keep_going(n, len(data)):
            raise ImportCancelled(N_("The import was cancelled: nothing was saved."))
    return preview


def apply_import(db: Database, preview: ImportPreview, only_valid: bool = False,
                 keep_going: ProgressFn | None = None) -> ImportResult:
    """Write every new and changed row, PIECE rows per transaction; a failure (or Stop) rolls back its own piece,
    earlier pieces stay (whole products) and the same file imported again finishes the rest."""
    if preview.errors and not only_valid:
        raise UserError(N_("Some rows have errors: fix them in the file, or import only the valid rows."))
    rows = preview.to_write
    if not rows:
        raise UserError(N_("There is nothing to import: every row is already the same as in the shop."))
    key = new_id()
    touched: set[str] = set()
    added = updated = 0
    for start in range(0, len(rows), PIECE):
        if start:
            pause_for_other_processes()  # the counter in the app gets its turn between pieces
        piece = rows[start:start + PIECE]
        openings: list[str] = []
        with db.write():
            for n, row in enumerate(piece, start=start + 1):
                product_id, new = _write_row(db, row, key)
                touched.add(product_id)
                added, updated = added + new, updated + (not new)
                if new and row.stock is not None:
                    openings.append(product_id)
                if keep_going and n % PIECE == 0 and not keep_going(n, len(rows)):
                    raise _stopped(start)
            counts = {r.existing_id or "": r.stock for r in piece
                      if r.status is RowStatus.UPDATED and r.stock is not None}
            if counts:
                count_stock(db, counts, IMPORT_REASON)
            queue_stock_push(db, openings, f"import:{key}:opening:{start}")
    return ImportResult(added, updated, Change(products=frozenset(touched),
                                               people=any(r.category is not None for r in rows)))


def _stopped(saved: int) -> ImportCancelled:
    if saved == 0:
        return ImportCancelled(N_("The import was cancelled: nothing was saved."))
    return ImportCancelled(N_("The import was stopped after {count} products were saved: import the same file "
                              "again to add the rest."), count=saved)


def _write_row(db: Database, row: ImportRow, key: str) -> tuple[str, bool]:
    """One product added (with its opening stock) or edited; its stocktake is counted with its piece."""
    assert row.product is not None
    if row.status is RowStatus.NEW:
        product_id, _ = add_product(db, row.product)
        _put_in_category(db, product_id, row.category)
        if row.stock is not None:
            stock_store.add_movement(db, product_id, MovementKind.OPENING, row.stock,
                                     reason=IMPORT_REASON, reference=f"import:{key}")
        return product_id, True
    product_id = row.existing_id or ""
    if row.product_changed:
        edit_product(db, product_id, row.product)
    _put_in_category(db, product_id, row.category)
    return product_id, False


def _put_in_category(db: Database, product_id: str, category: str | None) -> None:
    if category is not None:
        category_id, _ = category_named(db, category)
        set_category(db, [product_id], category_id)
