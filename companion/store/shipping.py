"""An online order's shipment as the app keeps it: our side (ship_state, the platform's words on a refusal), the
arranged parcel (courier, tracking number, package id) and the reads the ship dialog and the label fetch need."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from companion.store import online_orders as order_store
from companion.store.database import Database

WAITING, FAILED = "waiting", "failed"  # ship_state; '' = nothing of ours in progress
CHUNK = 500


def set_ship_state(db: Database, order_id: str, state: str, problem: str = "") -> None:
    db.execute("UPDATE online_orders SET ship_state = ?, ship_problem = ? WHERE id = ?", (state, problem, order_id))


def mark_arranged(db: Database, order_id: str, status: str, tracking: str, courier: str, package_id: str,
                  at: str) -> None:
    """The platform took the shipment: the status given (the caller keeps one that is already further), the
    parcel's facts where given (an empty one keeps what is stored), nothing of ours in progress any more."""
    db.execute("UPDATE online_orders SET status = ?, tracking_number = COALESCE(NULLIF(?, ''), tracking_number),"
               " courier = COALESCE(NULLIF(?, ''), courier), package_id = COALESCE(NULLIF(?, ''), package_id),"
               " ship_state = '', ship_problem = '' WHERE id = ?", (status, tracking, courier, package_id, order_id))
    row = order_store.get(db, order_id)
    if row is not None:
        order_store.add_event(db, order_id, status, row.status_raw, at)


@dataclass(frozen=True)
class LabelNeed:
    """An arranged order of a shop and what its label row says (None: never fetched)."""

    order_id: str
    platform_order_id: str
    package_id: str
    file_name: str | None
    label_package_id: str = ""  # the package the stored label was made for


def arranged_orders(db: Database, account_id: str) -> list[LabelNeed]:
    """The shop's arranged orders (ready to ship, with a package or a tracking number), the nearest ship-by first,
    with their label's file name if one was fetched."""
    rows = db.query("SELECT o.id, o.platform_order_id, o.package_id, l.file_name, l.package_id AS label_package"
                    " FROM online_orders o"
                    " LEFT JOIN shipping_labels l ON l.order_id = o.id WHERE o.account_id = ?"
                    " AND o.status = 'ready_to_ship' AND (o.package_id != '' OR o.tracking_number != '')"
                    " ORDER BY o.ship_by IS NULL, o.ship_by, o.id", (account_id,))
    return [LabelNeed(r["id"], r["platform_order_id"], r["package_id"], r["file_name"], r["label_package"] or "")
            for r in rows]


def open_commands_of(db: Database, order_ids: Collection[str]) -> dict[str, list[tuple[str, str]]]:
    """(kind, state) of each order's commands still open or refused (waiting, sending, failed): what the order list
    shows as "menunggu dikirim" or the platform's refusal."""
    found: dict[str, list[tuple[str, str]]] = {}
    ids = list(order_ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = db.query("SELECT kind, state, payload FROM outbox WHERE state IN ('waiting', 'sending', 'failed')"
                        f" AND json_extract(payload, '$.order_id') IN ({','.join('?' * len(part))})"
                        " ORDER BY created_at", tuple(part))
        for r in rows:
            found.setdefault(str(json.loads(r["payload"])["order_id"]), []).append((r["kind"], r["state"]))
    return found
