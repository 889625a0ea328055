"""Reading rows from the spreadsheets shops already have: CSV (any common encoding and delimiter) and XLSX.

Rows are yielded lazily so a huge file can be refused after reading only as many rows as the limit.
Anything that is not a readable CSV or XLSX file ends in a UserError, never in a crash.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.store.spreadsheet_guard import MAX_COLUMNS, check_xlsx, guarded_rows, too_wide

Cell = str | int | float | None
SAMPLE_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\xd0\xcf\x11\xe0", b"BM")


def read_rows(path: Path) -> Iterator[list[Cell]]:
    """Every row of the file's first sheet as a list of cells, in file order (blank rows included)."""
    return _first_sheet(read_sheets(path))


def _first_sheet(sheets: Iterator[tuple[str, Iterator[list[Cell]]]]) -> Iterator[list[Cell]]:
    try:
        for _name, rows in sheets:
            yield from rows
            return
    finally:
        close = getattr(sheets, "close", None)
        if close:
            close()


def read_sheets(path: Path) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    """Each sheet's name and rows (a CSV file is one sheet); every row whatever the sheet's `<dimension>` says."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UserError(N_("The file \"{name}\" could not be opened: check it still exists and is not open "
                           "in another program."), name=path.name) from exc
    if head.startswith(_ZIP_MAGIC):
        return _xlsx_sheets(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(N_("\"{name}\" is an old Excel file (.xls): save it as .xlsx or CSV and choose it again."),
                        name=path.name)
    if path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise UserError(N_("\"{name}\" is not a CSV or Excel (.xlsx) file: choose a product list saved as "
                           "CSV or .xlsx."), name=path.name)
    return iter([(path.name, _csv_rows(path, head))])


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    from openpyxl import load_workbook

    check_xlsx(path)  # zip bombs, millions of shared strings, 16,384 declared columns: refused before the work
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(N_("\"{name}\" is not a CSV or Excel (.xlsx) file: choose a product list saved as "
                           "CSV or .xlsx."), name=path.name) from exc
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise UserError(N_("\"{name}\" could not be read as an Excel file: open it in Excel, save it again "
                           "as .xlsx and retry."), name=path.name) from exc
    return _each_sheet(path, book)


def _each_sheet(path: Path, book: object) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    try:
        for sheet in book.worksheets:  # type: ignore[attr-defined]
            if hasattr(sheet, "iter_rows"):  # not a chart sheet
                yield sheet.title, _sheet_rows(path, sheet)
    finally:
        book.close()  # type: ignore[attr-defined]


def _sheet_rows(path: Path, sheet: object) -> Iterator[list[Cell]]:
    try:
        for values in guarded_rows(path, sheet):
            yield [_cell(v) for v in values]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise UserError(N_("\"{name}\" is damaged part-way through: save it again as .xlsx and choose the new "
                           "file."), name=path.name) from exc


def _cell(value: object) -> Cell:
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return value
    return str(value)


def detect_encoding(head: bytes) -> str:
    """utf-8-sig when a BOM is there, utf-8 when the sample decodes as such, else Windows' cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """';' (Excel with Indonesian settings), ',' or tab, judged from the first lines."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        first = lines[0]
        return max(";,\t", key=first.count)


def _csv_rows(path: Path, head: bytes) -> Iterator[list[Cell]]:
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(sample)
    return _csv_iter(path, encoding, delimiter)


def _csv_iter(path: Path, encoding: str, delimiter: str) -> Iterator[list[Cell]]:
    try:
        with path.open("r", encoding=encoding, newline="") as f:
            for row in csv.reader(f, delimiter=delimiter):
                if len(row) > MAX_COLUMNS:
                    raise too_wide(path)
                if any("\x00" in cell for cell in row):
                    raise csv.Error("NUL")  # a binary file that decoded: never data
                yield list(row)
    except UnicodeDecodeError as exc:
        raise UserError(N_("\"{name}\" uses a text encoding that cannot be read: save it again as "
                           "\"CSV UTF-8\" and choose it again."), name=path.name) from exc
    except csv.Error as exc:
        raise UserError(N_("\"{name}\" is not a well-formed CSV file: open it in a spreadsheet, save it as "
                           "CSV again and retry."), name=path.name) from exc
