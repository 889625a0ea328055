"""Reading seller-centre order exports from disk: XLSX (openpyxl read-only, lazily) and CSV (sniffed encoding
and delimiter, reusing store.tabular_files). Nothing here knows what the columns mean; domain.order_files does.

Every way a file can be unreadable ends in a UserError with one plain sentence, never a crash.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.store.spreadsheet_guard import MAX_COLUMNS, check_xlsx, guarded_rows, too_wide
from companion.store.tabular_files import SAMPLE_BYTES, detect_delimiter, detect_encoding

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
PREFERRED_SHEETS = ("orders", "orderskulist", "sheet1")  # the sheet names the seller centres use


@dataclass
class SheetRows:
    """The rows of one sheet (or a CSV file), lazily, and how many there probably are (0 = unknown)."""

    name: str
    rows: Iterator[list[Any]]
    expected: int


def _unreadable(path: Path) -> UserError:
    return UserError(N_("\"{name}\" is not an Excel (.xlsx) or CSV file: choose the orders export downloaded "
                        "from the seller centre."), name=path.name)


def open_sheets(path: Path) -> Iterator[SheetRows]:
    """The file's sheets, the usual export sheet names first; a CSV file is one sheet."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UserError(N_("The file \"{name}\" could not be opened: check it still exists and is not open in "
                           "another program."), name=path.name) from exc
    if not head.strip():
        raise UserError(N_("The file \"{name}\" is empty: download the orders export from the seller centre "
                           "again."), name=path.name)
    if head.startswith(ZIP_MAGIC):
        return _xlsx_sheets(path)
    if head.startswith(OLE_MAGIC):
        raise UserError(N_("\"{name}\" is an old Excel file (.xls): open it in Excel, save it as .xlsx and choose "
                           "it again."), name=path.name)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise _unreadable(path)
    return iter([_csv_sheet(path, head)])


def _xlsx_sheets(path: Path) -> Iterator[SheetRows]:
    from openpyxl import load_workbook

    check_xlsx(path)  # zip bombs, millions of shared strings, 16,384 declared columns: refused before the work
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise _unreadable(path) from exc
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise UserError(N_("\"{name}\" could not be read as an Excel file: open it in Excel, save it again as "
                           ".xlsx and retry."), name=path.name) from exc
    return _each_sheet(path, book)


def _each_sheet(path: Path, book: Any) -> Iterator[SheetRows]:
    try:
        sheets = sorted(book.worksheets, key=lambda s: (s.title.strip().lower() not in PREFERRED_SHEETS))
        for sheet in sheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            declared = int(sheet.max_row or 0)  # for progress only: the rows are read whatever it says
            yield SheetRows(sheet.title, _sheet_rows(path, sheet), declared)
    finally:
        book.close()


def _sheet_rows(path: Path, sheet: Any) -> Iterator[list[Any]]:
    try:
        yield from guarded_rows(path, sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise UserError(N_("\"{name}\" is damaged part-way through: download the export again and choose the "
                           "new file."), name=path.name) from exc


def _encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    return detect_encoding(head)


def _csv_sheet(path: Path, head: bytes) -> SheetRows:
    encoding = _encoding(head)
    sample = head.decode(encoding, errors="ignore")
    if "\x00" in sample:
        raise _unreadable(path)
    delimiter = detect_delimiter(sample)
    return SheetRows(path.name, _csv_rows(path, encoding, delimiter), _line_count(path))


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[Any]]:
    try:
        with path.open("r", encoding=encoding, newline="") as f:
            for row in csv.reader(f, delimiter=delimiter):
                if len(row) > MAX_COLUMNS:
                    raise too_wide(path)
                if any("\x00" in cell for cell in row):
                    raise csv.Error("NUL")  # a binary file that decoded: never data
                yield row
    except UnicodeError as exc:
        raise UserError(N_("\"{name}\" uses a text encoding that cannot be read: save it again as \"CSV UTF-8\" "
                           "and choose it again."), name=path.name) from exc
    except csv.Error as exc:
        raise UserError(N_("\"{name}\" is not a well-formed CSV file: download the export again, or open it in a "
                           "spreadsheet and save it as CSV."), name=path.name) from exc
