"""Limits an .xlsx must pass BEFORE openpyxl reads it, and while its rows are read.

openpyxl loads every shared string at open (3 million took 773 MB) and pads each row to the declared width
(16,384 declared columns took 121 s), and a zip can declare gigabytes in a few kilobytes. So the zip's own
directory (declared sizes, which Python's zipfile then enforces through the CRC), the shared-strings count and
every sheet's `<dimension>` width are checked first, cheaply; rows are then read without trusting `<dimension>`
(`reset_dimensions()`), each row's width and the time spent checked as they come. defusedxml, when installed,
makes openpyxl's XML parsing refuse entity tricks.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.domain.errors import UserError
from companion.i18n import N_

MAX_COLUMNS = 200                 # the widest real export has 76 columns
MAX_SHEET_ROWS = 1_100_000        # rows including blank ones: beyond Excel's own 1,048,576
MAX_ENTRIES = 5_000               # files inside the zip
MAX_TOTAL_BYTES = 1_500_000_000   # all entries unpacked (a 150,000-row export is a few hundred MB)
MAX_SHARED_STRINGS = 1_500_000    # distinct texts (every cell of 150,000 rows × 10 text columns)
MAX_SHARED_BYTES = 300_000_000
MAX_RATIO = 1_000                 # unpacked / packed for a big entry: beyond it is a zip bomb
READ_SECONDS = 600.0
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?\d*(?::([A-Z]{1,3})\d*)?\"")
_SST_COUNT = re.compile(rb"uniqueCount=\"(\d+)\"")


@dataclass(frozen=True)
class Limits:
    """What one read may cost; tests pass smaller ones."""

    columns: int = MAX_COLUMNS
    sheet_rows: int = MAX_SHEET_ROWS
    entries: int = MAX_ENTRIES
    total_bytes: int = MAX_TOTAL_BYTES
    shared_strings: int = MAX_SHARED_STRINGS
    shared_bytes: int = MAX_SHARED_BYTES
    seconds: float = READ_SECONDS


LIMITS = Limits()


def _too_big(path: Path) -> UserError:
    return UserError(N_("\"{name}\" unpacks to far more data than a spreadsheet of orders or products holds: "
                        "open it in Excel, save it again as .xlsx and retry."), name=path.name)


def check_xlsx(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse a workbook whose zip directory, shared strings or declared widths are past the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > limits.entries:
                raise _too_big(path)
            if sum(e.file_size for e in entries) > limits.total_bytes:
                raise _too_big(path)
            for entry in entries:
                if entry.file_size > 16_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    raise _too_big(path)
            _check_shared_strings(path, archive, entries, limits)
            _check_widths(path, archive, entries, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return  # openpyxl then refuses the file in its own words (not an Excel file / damaged)


def _check_shared_strings(path: Path, archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo],
                          limits: Limits) -> None:
    for entry in entries:
        if not entry.filename.lower().endswith("sharedstrings.xml"):
            continue
        if entry.file_size > limits.shared_bytes:
            raise _many_texts(path, limits)
        with archive.open(entry) as f:
            head = f.read(4096)
            declared = _SST_COUNT.search(head)
            if declared and int(declared.group(1)) > limits.shared_strings:
                raise _many_texts(path, limits)
            count = head.count(b"<si>") + head.count(b"<si ")
            tail = head[-4:]
            for block in iter(lambda: f.read(1 << 20), b""):  # the count attribute may lie: count the items
                joined = tail + block
                count += joined.count(b"<si>") + joined.count(b"<si ") - tail.count(b"<si>") - tail.count(b"<si ")
                tail = joined[-4:]
                if count > limits.shared_strings:
                    raise _many_texts(path, limits)


def _many_texts(path: Path, limits: Limits) -> UserError:
    return UserError(N_("\"{name}\" holds more than {count} different texts, more than an export holds: export a "
                        "shorter period, or save it again as CSV and choose that file."),
                     name=path.name, count=f"{limits.shared_strings:,}".replace(",", "."))


def _check_widths(path: Path, archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    for entry in entries:
        if not (entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")):
            continue
        with archive.open(entry) as f:
            match = _DIMENSION.search(f.read(2048))
        if match and column_number(match.group(2) or match.group(1) or b"A") > limits.columns:
            raise too_wide(path, limits)


def column_number(letters: bytes) -> int:
    """b"A" → 1, b"XFD" → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def too_wide(path: Path, limits: Limits = LIMITS) -> UserError:
    return UserError(N_("\"{name}\" has more than {count} columns, more than an export has: delete the extra "
                        "columns, save the file again and retry."), name=path.name, count=limits.columns)


def guarded_rows(path: Path, sheet: Any, limits: Limits = LIMITS) -> Iterator[list[Any]]:
    """A read-only sheet's rows, every one of them whatever `<dimension>` claims, each width and the time checked."""
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()  # `<dimension>` may understate (rows lost) or overstate (rows padded): read what is there
    started = time.monotonic()
    for count, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if len(values) > limits.columns:
            raise too_wide(path, limits)
        if count > limits.sheet_rows:
            raise UserError(N_("\"{name}\" has more than 150.000 rows: export a shorter period from the seller "
                               "centre and import the files one by one."), name=path.name)
        if count % 1000 == 0 and time.monotonic() - started > limits.seconds:
            raise UserError(N_("\"{name}\" takes too long to read: save it again as CSV, or export a shorter "
                               "period, and retry."), name=path.name)
        yield list(values)
