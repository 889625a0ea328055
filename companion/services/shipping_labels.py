"""Shipping labels kept with their orders so they print offline later: the platform's PDF saved as a file (see
store/label_files.py: atomic, in `<data dir>/labels/`, not in backups: the platform hands it out again), its row,
and the file found back for printing."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.fulfilment import ShippingDocument
from companion.i18n import N_
from companion.services.change import Change
from companion.store import label_files
from companion.store import online_orders as order_store
from companion.store.database import Database

PDF_MAGIC = b"%PDF-"


def save_label(db: Database, order_id: str, document: ShippingDocument) -> Change:
    """Keep the platform's label for the order (a newer one replaces it). The file is on disk before its row
    commits; a crash between the two leaves a file without a row, fetched again and replaced next time."""
    if not document.pdf.startswith(PDF_MAGIC):
        raise UserError(N_("The marketplace sent a label that is not a PDF: it is fetched again at the next sync."))
    if order_store.get(db, order_id) is None:
        raise NotFound(N_("This order is no longer in the list: refresh the list."))
    name = label_files.file_name(order_id)
    label_files.write_file(label_files.folder(db) / name, document.pdf)
    with db.write():
        if order_store.get(db, order_id) is None:
            raise NotFound(N_("This order is no longer in the list: refresh the list."))
        label_files.put(db, order_id, document.package_id, name, stamp())
    return Change(orders=frozenset({order_id}))


def label_file(db: Database, order_id: str) -> Path | None:
    """The order's label file, ready to print; None when never fetched, or when the file is missing or unreadable
    (then the sync fetches it again)."""
    row = label_files.get(db, order_id)
    if row is None:
        return None
    path = label_files.folder(db) / row.file_name
    try:
        with open(path, "rb") as f:
            if f.read(len(PDF_MAGIC)) != PDF_MAGIC:
                return None
    except OSError:
        return None
    return path


def mark_printed(db: Database, order_ids: Collection[str]) -> Change:
    """The labels of these orders were printed (or saved as one PDF) now."""
    with db.write():
        label_files.mark_printed(db, list(order_ids), stamp())
    return Change(orders=frozenset(order_ids))
