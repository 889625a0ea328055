"""Importing seller-centre order exports: a preview that writes nothing, then pages of whole orders.

Each page (PAGE orders) is its own short transaction, so a counter sale in another process waits a moment at
most and is never refused with "database is locked"; a stopped or killed import leaves whole orders only, and
running the same file again adds just what is missing (orders are keyed by platform order id). Each run has an
import batch id, shown with its summary.

Orders go through `services.online_orders.apply_orders`, the same path as an API sync, into the channel's
active linked shop when there is one (so a file and a sync of the same orders give one order each, keyed by
platform order id), else into a per-channel file-import account ("Impor file <channel>") that the sync engine
never calls.
Lines are matched to local products through the same listings: a seller SKU the linked shop already lists
reuses that listing's platform ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.connectors import registry
from companion.domain.clock import now_utc, stamp
from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.marketplace import Order
from companion.domain.order_files import (
    HEADER_SEARCH_ROWS,
    MISSING_COLUMN,
    NO_ORDER_COLUMNS,
    ImportCancelled,
    Layout,
    OrderFile,
    ProgressFn,
    blank,
    find_header,
    missing_column,
    parse_rows,
)
from companion.domain.settings_keys import LAST_ORDER_FILE
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store.accounts import FILE_SHOP_REF, AccountRow
from companion.store.database import Database
from companion.store.listings import ListingRow
from companion.store.order_files import SheetRows, open_sheets
from companion.store.write_turns import pause_for_other_processes

PAGE = 200  # orders per transaction: well under a second each, far under the 10 s busy timeout

@dataclass(frozen=True)
class ImportPreview:
    channel: str
    file_name: str
    rows: int
    orders_new: int
    orders_updated: int
    orders_unchanged: int
    unmapped_skus: list[str]
    errors: list[tuple[int, str, dict[str, object]]]  # (row number, msgid, params)
    account_name: str = ""  # the shop the orders go to
    duplicates: tuple[tuple[int, int], ...] = ()  # (row, the identical earlier row): counted once
    batch: str = ""  # the import run that saved these (set by import_parsed)

    @property
    def to_write(self) -> int:
        return self.orders_new + self.orders_updated


def export_layouts() -> list[Layout]:
    """Every registered channel's seller-centre export formats (each channel declares its own in its spec)."""
    return [layout for spec in registry.channels() for layout in spec.export_layouts]


FILE_ACCOUNT = N_("File import {channel}")


def channel_label(channel: str) -> str:
    """The channel's name as people read it (its spec's label), or the stored name of an unknown channel."""
    return registry.label(channel)


def _either(names: list[str]) -> str:
    """"A, B or C" in the current language."""
    if len(names) < 2:
        return "".join(names)
    return tr("{first} or {last}", first=", ".join(names[:-1]), last=names[-1])


class SeveralSheets(UserError):
    """More than one sheet carries order columns: which one is meant is asked (GUI) or refused (command line)."""

    def __init__(self, file_name: str, sheets: list[str]) -> None:
        super().__init__(N_("\"{name}\" has orders on several sheets ({sheets}): choose one sheet to import, or "
                            "save each sheet as its own file."), name=file_name, sheets=", ".join(sheets))
        self.sheets = sheets


def read_order_file(path: Path, keep_going: ProgressFn | None = None, now: datetime | None = None,
                    sheet: str | None = None) -> OrderFile:
    """Read and check the whole file (no database): the one sheet whose header names an export's columns (or
    the sheet named); SeveralSheets when more than one does."""
    path = Path(path)
    layouts = export_layouts()
    sheets = open_sheets(path)
    found: list[tuple[SheetRows, list[list[Any]]]] = []
    heads: list[list[Any]] = []
    anything = False
    try:
        for one in sheets:
            head = list(itertools.islice(one.rows, HEADER_SEARCH_ROWS))
            anything = anything or not all(blank(r) for r in head)
            if (sheet is None or one.name == sheet) and find_header(head, layouts) is not None:
                found.append((one, head))
            else:
                heads.extend(head)
                _close(one.rows)
        if len(found) > 1:
            raise SeveralSheets(path.name, [one.name for one, _ in found])
        if found:
            one, head = found[0]
            return parse_rows(itertools.chain(head, one.rows), path.name, now or now_utc(), layouts,
                              one.expected, keep_going)
    finally:
        for one, _ in found:
            _close(one.rows)
        _close(sheets)
    if not anything:
        raise UserError(N_("The file \"{name}\" is empty: download the orders export from the seller centre "
                           "again."), name=path.name)
    missing = missing_column(heads, layouts)
    if missing is not None:
        raise UserError(MISSING_COLUMN, name=path.name, column=missing)
    channels = [channel_label(name) for name in dict.fromkeys(layout.channel for layout in layouts)]
    raise UserError(NO_ORDER_COLUMNS, name=path.name, channels=_either(channels))


def _close(it: Iterator[object]) -> None:
    close = getattr(it, "close", None)
    if close:
        close()


def _file_account_name(channel: str) -> str:
    """The name of the account a channel's imported files go to when no shop of it is linked (in the language of
    the day it is made, like a name the owner types)."""
    return tr(FILE_ACCOUNT, channel=registry.label(channel))


def target_account(db: Database, channel: str) -> AccountRow | None:
    """The channel's active linked (real) shop, else its file-import account if one was made before."""
    accounts = [a for a in account_store.all_accounts(db) if a.channel == channel]
    linked = [a for a in accounts if a.active and not a.practice]
    if linked:
        return linked[0]
    return next((a for a in accounts if a.shop_ref == FILE_SHOP_REF), None)


def _ensure_account(db: Database, channel: str) -> str:
    account = target_account(db, channel)
    if account is not None:
        return account.id
    account_id = new_id()
    account_store.insert(db, {"id": account_id, "channel": channel, "name": _file_account_name(channel),
                              "practice": 0, "shop_ref": FILE_SHOP_REF, "base_url": "", "active": 0,
                              "created_at": stamp()})
    return account_id


def _with_listing_ids(order: Order, by_sku: dict[str, ListingRow]) -> Order:
    """A file has no platform item ids: a SKU the shop already lists uses that listing's ids."""
    lines = []
    for line in order.lines:
        listing = by_sku.get(line.seller_sku.lower()) if line.seller_sku else None
        lines.append(replace(line, item_id=listing.item_id, sku_id=listing.sku_id) if listing else line)
    return replace(order, lines=tuple(lines))


def _resolved(db: Database, account: AccountRow | None, parsed: OrderFile) -> list[Order]:
    if account is None:
        return parsed.orders
    by_sku: dict[str, ListingRow] = {}
    for listing in listing_store.for_account(db, account.id):
        if listing.seller_sku:
            by_sku.setdefault(listing.seller_sku.lower(), listing)
    return [_with_listing_ids(o, by_sku) for o in parsed.orders]


def _outcome(db: Database, account: AccountRow | None, order: Order) -> str:
    """What apply_orders will do with this order (its rule, read without writing)."""
    existing = order_store.by_platform_id(db, account.id, order.order_id) if account else None
    if existing is None:
        return "new"
    updated_at = stamp(order.updated_at)
    if existing.updated_at > updated_at or (existing.status_raw == order.status_raw
                                            and existing.updated_at >= updated_at):
        return "unchanged"
    return "updated"


def _unmapped(db: Database, account: AccountRow | None, orders: list[Order]) -> list[str]:
    """SKUs (or names when a line has none) whose lines would not reach a local product."""
    missing: dict[str, None] = {}
    known: dict[tuple[str, str], bool] = {}
    for order in orders:
        for line in order.lines:
            key = (line.item_id, line.sku_id)
            if key not in known:
                listing = listing_store.by_ref(db, account.id, *key) if account else None
                if listing is not None and listing.product_id is not None:
                    known[key] = True
                else:
                    known[key] = bool(line.seller_sku) and product_store.by_sku(db, line.seller_sku) is not None
            if not known[key]:
                missing.setdefault(line.seller_sku or line.name)
    return sorted(missing, key=str.lower)


def _plan(db: Database, parsed: OrderFile) -> tuple[ImportPreview, list[Order]]:
    account = target_account(db, parsed.channel)
    orders = _resolved(db, account, parsed)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    to_write = []
    for order in orders:
        outcome = _outcome(db, account, order)
        counts[outcome] += 1
        if outcome != "unchanged":
            to_write.append(order)
    preview = ImportPreview(parsed.channel, parsed.file_name, parsed.rows, counts["new"], counts["updated"],
                            counts["unchanged"], _unmapped(db, account, orders), list(parsed.errors),
                            account.name if account else _file_account_name(parsed.channel),
                            tuple(parsed.duplicates))
    return preview, to_write


def preview_parsed(db: Database, parsed: OrderFile) -> ImportPreview:
    """New / updated / unchanged orders, unmapped SKUs and row problems; writes nothing."""
    return _plan(db, parsed)[0]


def preview_file(db: Database, path: Path, progress: ProgressFn | None = None) -> ImportPreview:
    return preview_parsed(db, read_order_file(path, progress))


def import_parsed(db: Database, parsed: OrderFile, progress: ProgressFn | None = None,
                  skip_errors: bool = False) -> tuple[ImportPreview, Change]:
    """Apply every new and changed order, PAGE orders per transaction; a row problem (unless skipped) writes
    nothing, Stop keeps the pages already saved (whole orders) and a second run adds the rest."""
    if parsed.errors and not skip_errors:
        raise UserError(N_("{count} rows of the file have problems, so nothing was imported: fix those rows, or "
                           "import only the orders without problems."), count=len(parsed.errors))
    preview, orders = _plan(db, parsed)
    preview = replace(preview, batch=new_id())
    change = Change()
    for start in range(0, len(orders), PAGE):
        if start:
            pause_for_other_processes()  # the counter in the app gets its turn between pages
        change = change | _save_page(db, parsed.channel, orders[start:start + PAGE], start, len(orders), progress)
    with db.write():  # today's file is in, even when it held nothing new (Beranda's reminder reads this)
        settings_store.put(db, LAST_ORDER_FILE, stamp())
    return preview, change | Change(sync=True)


def _save_page(db: Database, channel: str, page: list[Order], saved: int, total: int,
               progress: ProgressFn | None) -> Change:
    """One short transaction of whole orders; Stop (progress answering False) rolls back this page only."""
    with db.write():
        account_id = _ensure_account(db, channel)
        change = apply_orders(db, account_id, page).change
        if progress and not progress(saved + len(page), total):
            if saved == 0:
                raise ImportCancelled(N_("The import was cancelled: nothing was saved."))
            raise ImportCancelled(N_("The import was stopped after {count} orders were saved: import the same "
                                     "file again to add the rest."), count=saved)
    return change


def import_file(db: Database, path: Path, progress: ProgressFn | None = None,
                skip_errors: bool = False) -> tuple[ImportPreview, Change]:
    return import_parsed(db, read_order_file(path, progress), progress, skip_errors)


SHOWN_ERRORS = 20


def row_problem(row: int, msgid: str, params: dict[str, object]) -> str:
    return tr("Row {row}: {problem}", row=row, problem=UserError(msgid, **params).message())


def describe(preview: ImportPreview) -> list[str]:
    """The preview in plain translated sentences (the command line prints them; the dialog shows them)."""
    lines = [
        tr("\"{file}\" is a {channel} orders export with {rows} rows.", file=preview.file_name,
           channel=channel_label(preview.channel), rows=preview.rows),
        tr("New orders: {new}. Changed orders: {updated}. Already the same: {unchanged}.", new=preview.orders_new,
           updated=preview.orders_updated, unchanged=preview.orders_unchanged),
        tr("The orders go to the shop \"{shop}\".", shop=preview.account_name),
    ]
    if preview.unmapped_skus:
        lines.append(tr("Not matched to a product yet (no stock change until you match them): {skus}.",
                        skus=", ".join(preview.unmapped_skus[:30]) + (" …" if len(preview.unmapped_skus) > 30 else "")))
    lines.extend(tr("Row {row} is the same as row {first}: counted once.", row=row, first=first)
                 for row, first in preview.duplicates[:SHOWN_ERRORS])
    lines.extend(row_problem(*e) for e in preview.errors[:SHOWN_ERRORS])
    if len(preview.errors) > SHOWN_ERRORS:
        lines.append(tr("… and {count} more rows with problems.", count=len(preview.errors) - SHOWN_ERRORS))
    return lines


def run_from_command_line(db: Database, path: Path, dry_run: bool, skip_errors: bool,
                          say: Callable[[str], object], sheet: str | None = None) -> int:
    """`companion import FILE [--sheet NAME]`: preview, then import unless a dry run (several sheets of orders
    without --sheet are refused, naming them)."""
    parsed = read_order_file(path, sheet=sheet)
    for line in describe(preview_parsed(db, parsed)):
        say(line)
    if dry_run:
        say(tr("Dry run: nothing was saved."))
        return 0
    preview, _ = import_parsed(db, parsed, skip_errors=skip_errors)
    say(tr("Saved: {new} new and {updated} changed orders.", new=preview.orders_new,
           updated=preview.orders_updated))
    return 0
