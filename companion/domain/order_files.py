"""Seller-centre order exports read into the marketplace Order records, for any channel that declares a layout.

Pure: rows of cells and the channels' layouts in, orders and per-row problems out. Each channel describes its
export in its own package (connectors/<name>/export_format.py) and declares it in its spec; the caller hands the
layouts in. Columns are found by their names (reference §6 of marketplaces.md), never by position, so reordered,
extra and missing optional columns are fine. Statuses are translated to the platform's API code and then through
the channel's own status map, so a file and an API sync agree on what an order's state means. A row with a problem
keeps its whole order out of the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from companion.domain.errors import UserError
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.typed_numbers import NumberRefused, Reason, read_amount, read_count, shown
from companion.i18n import N_

WIB = timezone(timedelta(hours=7))  # exports show the seller's (Indonesian western) time without an offset
MAX_ROWS = 150_000
HEADER_SEARCH_ROWS = 15
EARLIEST = datetime(2015, 1, 1, tzinfo=WIB)  # no shop's export reaches further back; Excel's 1900 dates are mistakes
UNIT_PRICE = N_("Unit price")
MISSING_COLUMN = N_("No order columns were found in \"{name}\" because the column \"{column}\" is missing: "
                    "download the orders export from the seller centre again, with all its columns.")
NO_ORDER_COLUMNS = N_("No order columns were found in \"{name}\": choose the orders export from the seller centre "
                      "of {channels}, unchanged.")


def norm(text: object) -> str:
    """Header names compared without case, spaces or punctuation: "No. Pesanan" = "no pesanan" = "NoPesanan"."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


StatusOf = Callable[[Sequence[str]], OrderStatus]  # the platform codes of one order's lines -> our state


@dataclass(frozen=True)
class LineFacts:
    """What a layout's `line_cancelled` reads of one row: the line's platform code, its quantity, and the cells
    (with their column titles, for a refusal) of the fields it names in `cancel_fields`."""

    code: str
    quantity: int
    cells: Mapping[str, Any]
    titles: Mapping[str, str]


LineCancelled = Callable[[LineFacts], int]  # one row's facts -> how many of its units are cancelled


@dataclass(frozen=True)
class Layout:
    """One channel's export: which header names mean which field, and how its statuses and odd cells read."""

    channel: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    status_of: StatusOf                      # the channel's own status map (its connector's mapping)
    file_status: Mapping[str, str] = field(default_factory=dict)  # status as the file words it -> API code
    description_row: bool = False            # a row of column descriptions right under the header
    quantity_defaults_to_one: bool = False   # no quantity column/cell: one item per line
    status_from_every_line: bool = False     # each line has its own status and all of them make the order's
    lower_case_codes: bool = False           # API codes are lower-case words ("ready_to_ship"), not upper-case
    line_cancelled: LineCancelled | None = None  # a line's own cancelled units; None: only a cancelled order's
    cancel_fields: tuple[str, ...] = ()      # the fields `line_cancelled` reads besides the line's code


def platform_status(layout: Layout, text: str) -> str:
    """The API code for a status as the export words it; unknown words are kept (they count as paid)."""
    words = " ".join(text.lower().split())
    if layout.lower_case_codes:
        return layout.file_status.get(words, words.replace(" ", "_"))
    return layout.file_status.get(words, text.strip().upper().replace(" ", "_"))


@dataclass(frozen=True)
class Header:
    layout: Layout
    index: int  # 0-based position of the header row among the rows looked at
    columns: dict[str, list[int]]  # field -> columns, best name first
    titles: tuple[str, ...] = ()  # the header row as the file words it, to name a column in a refusal


def find_header(rows: list[list[Any]], layouts: Sequence[Layout]) -> Header | None:
    """The first row carrying a layout's required column names (title rows above it are skipped)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [norm(c) for c in row]
        fits = [Header(layout, index, cols, tuple(_text(c) for c in row)) for layout in layouts
                if all(key in (cols := _columns(layout, names)) for key in layout.required)]
        if fits:  # two exports may share a column name ("Order ID"): the layout naming more columns wins
            return max(fits, key=lambda h: len(h.columns))
    return None


def _columns(layout: Layout, names: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for key, accepted in layout.columns.items():
        cols = [col for name in accepted for col, cell in enumerate(names) if cell == norm(name)]
        if cols:
            found[key] = cols
    return found


def missing_column(rows: list[list[Any]], layouts: Sequence[Layout]) -> str | None:
    """The name of the needed column a near-header lacks (a row naming a layout's order number and 2+ of its
    columns), or None: "No order columns" can then say which one."""
    for row in rows[:HEADER_SEARCH_ROWS]:
        names = [norm(c) for c in row]
        for layout in layouts:
            found = _columns(layout, names)
            if "order_id" in found and len(found) >= 3:
                header = Header(layout, 0, found)
                missing = [key for key in needed(layout) if not _has(header, key)]
                if missing:
                    return layout.columns[missing[0]][0]
    return None


def needed(layout: Layout) -> tuple[str, ...]:
    """Fields without which no order can be read right: its required ones, a price and the order date."""
    return (*layout.required, "price", "created")


def _has(header: Header, key: str) -> bool:
    return key in header.columns or (key == "price" and "subtotal" in header.columns)


def check_header(header: Header, row: list[Any]) -> None:
    """A field named twice in the header row is ambiguous: refuse rather than guess which column is right."""
    for cols in header.columns.values():
        names = [norm(row[c]) for c in cols]
        repeated = next((row[c] for c, n in zip(cols, names, strict=True) if names.count(n) > 1), None)
        if repeated is not None:
            raise UserError(N_("The column \"{column}\" appears twice in the header row: delete or rename one "
                               "of them and choose the file again."), column=str(repeated).strip())


@dataclass
class ParsedRow:
    row_no: int
    order_id: str
    status_code: str
    line: OrderLine
    created: datetime
    updated: datetime
    ship_by: datetime | None
    buyer: str


@dataclass
class OrderFile:
    """Everything read from one export: orders ready to apply, and the rows that could not be read."""

    channel: str
    file_name: str
    rows: int = 0
    orders: list[Order] = field(default_factory=list)
    errors: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, the identical row it repeats): once


class RowProblem(UserError):
    """One cell of one row could not be read."""


def _cell(row: list[Any], header: Header, key: str) -> Any:
    for col in header.columns.get(key, ()):
        if col < len(row):
            value = row[col]
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                return value
    return None


def _title(row: list[Any], header: Header, key: str) -> str:
    """The header of the column a field's value came from (its first column when the cell is empty)."""
    cols = header.columns.get(key, ())
    chosen = next((c for c in cols if c < len(row) and row[c] not in (None, "")), cols[0] if cols else None)
    if chosen is None or chosen >= len(header.titles):
        return key
    return header.titles[chosen]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def order_number(value: Any) -> str:
    """Order numbers as text; Excel may have turned a long one into 2.611280001e+14 or 2611280001.0."""
    if isinstance(value, float):
        if not value.is_integer():
            raise RowProblem(N_("The order number \"{text}\" is not a valid order number: copy it from the "
                                "seller centre again."), text=value)
        return str(int(value))
    text = _text(value)
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", text):
        raise RowProblem(N_("The order number \"{text}\" was shortened by the spreadsheet: download the export "
                            "again and do not edit it."), text=text)
    return text


_QUANTITY_WORDS = {
    Reason.ZERO: N_("The quantity \"{text}\" in column \"{column}\" is not more than zero: a sold item counts 1 or "
                    "more."),
    Reason.NEGATIVE: N_("The quantity \"{text}\" in column \"{column}\" is not more than zero: a sold item counts 1 "
                        "or more."),
    Reason.TOO_LARGE: N_("The quantity \"{text}\" in column \"{column}\" is too large: one line holds at most "
                         "{most}."),
}
_QUANTITY_OTHER = N_("The quantity \"{text}\" in column \"{column}\" is not a whole number: write it like 3.")
_PRICE_WORDS = {
    Reason.EMPTY: N_("The price in column \"{column}\" is empty: every row needs the price the product sold for."),
    Reason.NOT_WHOLE: N_("The price \"{text}\" in column \"{column}\" has cents: write whole rupiah, like 15.000."),
    Reason.NEGATIVE: N_("The price \"{text}\" in column \"{column}\" is negative: write 0 or more."),
    Reason.TOO_LARGE: N_("The price \"{text}\" in column \"{column}\" is too large: the most allowed is {most}."),
}
_PRICE_OTHER = N_("The price \"{text}\" in column \"{column}\" is not an amount: write it like 15.000.")


def quantity(value: Any, column: str = "") -> int:
    """A line's count: 1 to 100.000, whole ("1.5" and "1,5" are refused, "1.000" is a thousand)."""
    try:
        return read_count(value, N_("Quantity"))
    except NumberRefused as exc:
        raise RowProblem(_QUANTITY_WORDS.get(exc.reason, _QUANTITY_OTHER), text=shown(value), column=column,
                         most=exc.params.get("most", "")) from None


def amount(value: Any, column: str = "") -> int:
    """A price in whole rupiah, Rp0 to Rp1.000.000.000: "15.000", "15,000", "Rp 15.000,00", "35000.00"."""
    if isinstance(value, str) and value.strip().startswith("="):
        raise RowProblem(N_("The price in column \"{column}\" is a formula (\"{text}\") instead of an amount: "
                            "download the export again and do not edit it."), text=shown(value), column=column)
    try:
        return read_amount(value, UNIT_PRICE)
    except NumberRefused as exc:
        raise RowProblem(_PRICE_WORDS.get(exc.reason, _PRICE_OTHER), text=shown(value), column=column,
                         most=exc.params.get("most", "")) from None


_MONTHS = {name: n for n, names in enumerate((
    ("jan", "januari", "january"), ("feb", "februari", "february"), ("mar", "maret", "march"),
    ("apr", "april"), ("mei", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"),
    ("agu", "agt", "ags", "agustus", "aug", "august"), ("sep", "sept", "september"),
    ("okt", "oktober", "oct", "october"), ("nov", "november"), ("des", "desember", "dec", "december")), start=1)
    for name in names}
_NUMERIC = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
                      r"(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_WORDED = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})(?:,?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
EXCEL_EPOCH = datetime(1899, 12, 30)


def moment(value: Any) -> datetime | None:
    """"28/11/2026 14:05", "28-11-2026", "2026-11-28 14:05:33", "28 Nov 2026", Excel dates → UTC (WIB when
    no offset is written). None for an empty cell; RowProblem for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=WIB)).astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=WIB).astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
        return (EXCEL_EPOCH + timedelta(days=float(value))).replace(tzinfo=WIB).astimezone(UTC)
    text = str(value).strip()
    parsed = _numeric_date(text) or _worded_date(text)
    if parsed is None:
        raise RowProblem(N_("The date \"{text}\" could not be read: write it like 28/11/2026 14:05."), text=shown(text))
    return parsed


def _numeric_date(text: str) -> datetime | None:
    m = _NUMERIC.match(text)
    if not m:
        return None
    a, b, c = (int(m.group(i)) for i in (1, 2, 3))
    year, month, day = (a, b, c) if len(m.group(1)) == 4 else (c, b, a)
    zone = m.group(7)
    try:
        result = datetime(year, month, day, int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
    except ValueError:
        return None
    if year < 1000:
        return None
    if zone:
        zone = "+00:00" if zone == "Z" else zone
        return datetime.fromisoformat(result.isoformat() + (zone if ":" in zone else zone[:3] + ":" + zone[3:]))
    return result.replace(tzinfo=WIB).astimezone(UTC)


def _worded_date(text: str) -> datetime | None:
    m = _WORDED.match(text)
    month = _MONTHS.get(m.group(2).lower()) if m else None
    if not m or month is None:
        return None
    try:
        local = datetime(int(m.group(3)), month, int(m.group(1)), int(m.group(4) or 0), int(m.group(5) or 0),
                         int(m.group(6) or 0), tzinfo=WIB)
    except ValueError:
        return None
    return local.astimezone(UTC)


def _checked_time(value: Any, now: datetime, column: str) -> datetime | None:
    """A date from 1 January 2015 up to the end of tomorrow (the shop's day), or RowProblem naming the column."""
    try:
        result = moment(value)
    except RowProblem:
        raise RowProblem(N_("The date \"{text}\" in column \"{column}\" could not be read: write it like "
                            "28/11/2026 14:05."), text=shown(value), column=column) from None
    latest = datetime.combine(now.astimezone(WIB).date() + timedelta(days=2), datetime.min.time(), WIB)
    if result is not None and result >= latest:
        raise RowProblem(N_("The date \"{text}\" in column \"{column}\" is in the future: dates may run from "
                            "1/1/2015 to tomorrow, check the date in the file."), text=shown(value), column=column)
    if result is not None and result < EARLIEST:
        raise RowProblem(N_("The date \"{text}\" in column \"{column}\" is before 2015: dates may run from "
                            "1/1/2015 to tomorrow, check the date in the file."), text=shown(value), column=column)
    return result


def parse_row(header: Header, row_no: int, row: list[Any], now: datetime) -> ParsedRow:
    """One data row → ParsedRow; RowProblem names the first cell that cannot be read."""
    layout = header.layout
    order_id = order_number(_cell(row, header, "order_id"))
    if not order_id:
        raise RowProblem(N_("The order number is empty: every row needs the order number."))
    sku = _text(_cell(row, header, "seller_sku"))
    name = _text(_cell(row, header, "name"))
    variation = _text(_cell(row, header, "variation"))
    if not sku and not name:
        raise RowProblem(N_("The row has neither a SKU nor a product name: the product cannot be known."))
    qty_cell = _cell(row, header, "quantity")
    qty = (1 if qty_cell is None and layout.quantity_defaults_to_one
           else quantity(qty_cell, _title(row, header, "quantity")))
    price = _unit_price(row, header, qty)
    created = _checked_time(_cell(row, header, "created"), now, _title(row, header, "created"))
    if created is None:
        raise RowProblem(N_("The order date is empty: every row needs the date the order was made."))
    times = [created] + [t for t in (_checked_time(row[c], now, _column_title(header, c))
                                     for c in header.columns.get("times", ()) if c < len(row)) if t is not None]
    ship_by = moment(_cell(row, header, "ship_by"))
    line_id = _text(_cell(row, header, "line_id")) or f"file:{sku or name}"
    key = sku or name
    status = platform_status(layout, _text(_cell(row, header, "status")))
    line = OrderLine(line_id=line_id, item_id=key, sku_id=key,
                     seller_sku=sku, name=f"{name} ({variation})" if variation else name, quantity=qty,
                     unit_price=price, cancelled_quantity=_cancelled(header, row, status, qty))
    return ParsedRow(row_no, order_id, status, line, created, max(times), ship_by,
                     _text(_cell(row, header, "buyer")))


def _cancelled(header: Header, row: list[Any], code: str, qty: int) -> int:
    """The line's cancelled units as its layout reads them (0 when the layout reads none), at most its quantity."""
    read = header.layout.line_cancelled
    if read is None:
        return 0
    fields = header.layout.cancel_fields
    facts = LineFacts(code, qty, {key: _cell(row, header, key) for key in fields},
                      {key: _title(row, header, key) for key in fields})
    return min(max(read(facts), 0), qty)


def cancelled_units(value: Any, ordered: int, column: str = "") -> int:
    """A per-line count of cancelled units: empty or 0 is none, else a whole count (read as a quantity is), at
    most what the line ordered."""
    if value is None or _text(value) in ("", "0"):
        return 0
    return min(quantity(value, column), ordered)


def _column_title(header: Header, col: int) -> str:
    return header.titles[col] if col < len(header.titles) else str(col + 1)


def _unit_price(row: list[Any], header: Header, qty: int) -> int:
    subtotal = _cell(row, header, "subtotal")
    if subtotal is not None:
        return amount(subtotal, _title(row, header, "subtotal")) // qty
    value = _cell(row, header, "price")
    if value is None:
        raise RowProblem(N_("The price is empty: every row needs the price the product sold for (column "
                            "\"{column}\")."), column=_title(row, header, "price"))
    return amount(value, _title(row, header, "price"))


def blank(row: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


@dataclass
class _Group:
    first: ParsedRow
    lines: list[OrderLine] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    updated: datetime | None = None
    rows: list[int] = field(default_factory=list)


def _numbered(line: OrderLine, earlier: list[OrderLine]) -> OrderLine:
    """The same product twice in one order gets line ids "x", "x#2", … so both lines are kept."""
    taken = {e.line_id for e in earlier}
    if line.line_id not in taken:
        return line
    n = 2
    while f"{line.line_id}#{n}" in taken:
        n += 1
    return replace(line, line_id=f"{line.line_id}#{n}")


def group_orders(layout: Layout, parsed: Iterable[ParsedRow], bad_orders: set[str]) -> Iterator[Order]:
    """Rows sharing an order number become one order (several lines); an order with a bad row is left out."""
    groups: dict[str, _Group] = {}
    for p in parsed:
        group = groups.get(p.order_id)
        if group is None:
            group = groups[p.order_id] = _Group(p)
        group.lines.append(_numbered(p.line, group.lines))
        if p.status_code and p.status_code not in group.codes:
            group.codes.append(p.status_code)
        group.updated = max(group.updated or p.updated, p.updated)
    for order_id, g in groups.items():
        if order_id in bad_orders:
            continue
        codes = g.codes if layout.status_from_every_line else g.codes[:1]
        yield Order(channel=layout.channel, order_id=order_id, status_raw=",".join(codes),
                    status=layout.status_of(codes), created_at=g.first.created,
                    updated_at=g.updated or g.first.created, ship_by=g.first.ship_by, buyer_name=g.first.buyer,
                    lines=tuple(g.lines))


ProgressFn = Callable[[int, int], bool]  # (rows done, rows expected or 0) -> keep going?


class ImportCancelled(UserError):
    """The person pressed Cancel; nothing was written."""


def parse_rows(rows: Iterator[list[Any]], file_name: str, now: datetime, layouts: Sequence[Layout],
               expected: int = 0, keep_going: ProgressFn | None = None) -> OrderFile:
    """Find the header, read every data row (refusing past MAX_ROWS as soon as it is passed), group orders."""
    head: list[list[Any]] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if all(blank(r) for r in head):
        raise UserError(N_("The file \"{name}\" is empty: download the orders export from the seller centre "
                           "again."), name=file_name)
    header = find_header(head, layouts)
    if header is None:
        raise UserError(NO_ORDER_COLUMNS, name=file_name, channels=", ".join(layout.channel for layout in layouts))
    check_header(header, head[header.index])
    missing = next((key for key in needed(header.layout) if not _has(header, key)), None)
    if missing is not None:
        raise UserError(MISSING_COLUMN, name=file_name, column=header.layout.columns[missing][0])
    skip = header.index + 1
    result = OrderFile(header.layout.channel, file_name)
    parsed: list[ParsedRow] = []
    bad: set[str] = set()
    lines = _Lines()
    for row_no, row in _numbered_rows(head, rows, skip):
        if blank(row) or (row_no == skip + 1 and header.layout.description_row and _describes(header, row)):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise UserError(N_("The file has more than 150.000 rows: export a shorter period from the seller "
                               "centre and import the files one by one."))
        if keep_going and result.rows % 2000 == 0 and not keep_going(row_no, expected):
            raise ImportCancelled(N_("The import was cancelled: nothing was saved."))
        try:
            one = parse_row(header, row_no, row, now)
            first = lines.seen(one, row)
            if first is not None:
                result.duplicates.append((row_no, first))
                continue
            parsed.append(one)
        except RowProblem as exc:
            result.errors.append((row_no, exc.msgid, exc.params))
            order_id = _text(_cell(row, header, "order_id"))
            if order_id:
                bad.add(order_id)
    if result.rows == 0:
        raise UserError(N_("The file \"{name}\" has column names but no orders under them: export a period "
                           "that has orders."), name=file_name)
    result.orders = list(group_orders(header.layout, parsed, bad))
    return result


class _Lines:
    """An identical repeated row is counted once (never stock taken twice). Where the file numbers its lines
    (a line id column), the same line with other values is refused naming both rows; without line numbers,
    the same product twice with other values is two lines (a second purchase in one order)."""

    def __init__(self) -> None:
        self.first: dict[tuple[object, ...], tuple[int, tuple[str, ...]]] = {}

    def seen(self, parsed: ParsedRow, row: list[Any]) -> int | None:
        values = tuple(_text(c) for c in row)
        while values and not values[-1]:
            values = values[:-1]
        numbered = not parsed.line.line_id.startswith("file:")
        key = (parsed.order_id, parsed.line.line_id) if numbered else (parsed.order_id, values)
        earlier = self.first.setdefault(key, (parsed.row_no, values))
        if earlier[0] == parsed.row_no:
            return None
        if earlier[1] == values:
            return earlier[0]
        raise RowProblem(N_("This row and row {other} are the same line of order {order} with different values: "
                            "keep the right one and choose the file again."), other=earlier[0],
                         order=parsed.order_id)


def _describes(header: Header, row: list[Any]) -> bool:
    """A description row under the header explains the columns ("Platform unique order ID."): no order number."""
    value = _cell(row, header, "order_id")
    return not (isinstance(value, int | float) or re.fullmatch(r"[0-9A-Za-z-]{5,40}", _text(value)))


def _numbered_rows(head: list[list[Any]], rest: Iterator[list[Any]], skip: int) -> Iterator[tuple[int, list[Any]]]:
    """Data rows with the row number the spreadsheet shows (1-based)."""
    for index in range(skip, len(head)):
        yield index + 1, head[index]
    yield from enumerate(rest, start=len(head) + 1)
