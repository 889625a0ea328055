"""Writing reports and the catalogue as XLSX (openpyxl write-only, so a big sheet never sits in memory) and CSV.

Formula-safe: a text cell that begins with = + - @ (or a tab or carriage return) could run as a formula when a
bookkeeper opens the file (CSV/formula injection; a product named "=HYPERLINK(...)" is enough).
- XLSX: such a cell is written as a string cell with the "quote prefix" flag, exactly what Excel stores when a
  person types an apostrophe first: it shows and stays text, even after editing, and reads back as the same
  text, so the catalogue round trip keeps the name unchanged.
- CSV has no cell types, so such a cell gets a leading apostrophe (') and spreadsheet programs show it as text.
Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from companion.domain.errors import UserError
from companion.i18n import N_

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31  # Excel's limit
_BAD_TITLE_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})

Row = Sequence[object]


def is_risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def csv_safe(value: object) -> object:
    """A cell as CSV should hold it: risky text behind an apostrophe, dates as ISO text, the rest unchanged."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_risky(value):
        return "'" + str(value)
    return "" if value is None else value


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, never empty."""
    cleaned = " ".join(name.translate(_BAD_TITLE_CHARS).split())[:MAX_SHEET_TITLE].strip("'")
    return cleaned or "Sheet"


def write_xlsx(path: Path, sheets: Mapping[str, Iterable[Row]],
               widths: Mapping[str, Sequence[int]] | None = None) -> Path:
    """One sheet per entry, rows in order (the first row is the header and is written bold)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    _check_folder(path)  # before any sheet is begun: an unfinished write-only sheet cannot be cleaned up
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for name, rows in sheets.items():
        title = _unique(sheet_title(name), used)
        sheet = book.create_sheet(title)
        for col, width in enumerate((widths or {}).get(name, ()), start=1):
            sheet.column_dimensions[_column_letter(col)].width = width
        for n, row in enumerate(rows):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value)
                if is_risky(value):
                    cell.data_type = "s"  # openpyxl made it a formula ("f"); a string cell never runs
                    cell.quotePrefix = True
                if n == 0:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    if not used:
        book.create_sheet("Sheet")
    return _save(path, book.save)


def write_csv(path: Path, rows: Iterable[Row]) -> Path:
    """UTF-8 with a byte-order mark, so Excel on Windows reads rupiah names with accents right; comma separated."""
    _check_folder(path)

    def save(target: str) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            for row in rows:
                writer.writerow([csv_safe(v) for v in row])
    return _save(path, save)


def _check_folder(path: Path) -> None:
    if not Path(path).parent.is_dir():
        raise UserError(N_("\"{name}\" could not be saved: choose another folder, then try again."),
                        name=Path(path).name)


def _save(path: Path, save: object) -> Path:
    path = Path(path)
    try:
        save(str(path))  # type: ignore[operator]
    except PermissionError as exc:
        raise UserError(N_("\"{name}\" could not be saved: close it in Excel or choose another name, then "
                           "try again."), name=path.name) from exc
    except OSError as exc:
        raise UserError(N_("\"{name}\" could not be saved: choose another folder, then try again."),
                        name=path.name) from exc
    return path


def _unique(title: str, used: set[str]) -> str:
    candidate, n = title, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate, n = title[:MAX_SHEET_TITLE - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
