"""Which tables travel between the laptops of one shop through the hub, keyed how, and merged how.

Every synced row is keyed by ids made on a laptop (UUIDs) or by an outside fact (a platform id, a setting's
name), so two laptops never make the same key for different things. Two merge rules:
- APPEND: a union by key. Rows are written once (sales, lines, movements, payments); the rare later change of
  one field (a message's send state) is merged like LATEST, field by field.
- LATEST: last writer wins per field, by hybrid logical clock with the device id as tiebreak (products,
  settings, customers…). The first write of a row counts as a write of every field.
`local_columns` never leave the laptop (its own row sequence). `renames`: unique columns where two laptops
may pick the same value offline (a SKU, a receipt number): the later row (by created_at, then id) gets
`value~<6 characters of its id>` on every laptop, so all converge. `local_when`: an SQL condition on NEW/OLD
that keeps a row on this laptop only (printer settings).
The order is parents before children, so a snapshot applies without waiting for foreign keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum


class Merge(Enum):
    APPEND = "append"
    LATEST = "latest"


@dataclass(frozen=True)
class SyncedTable:
    name: str
    key: tuple[str, ...] = ("id",)
    merge: Merge = Merge.APPEND
    local_columns: frozenset[str] = frozenset()
    renames: tuple[str, ...] = ()
    local_when: str = ""  # SQL on the row (written with {row}. for NEW/OLD): true = this row stays local


# Settings that describe this laptop, not the shop: its printer, its language, its own reminders.
LOCAL_SETTINGS: tuple[str, ...] = (
    "language", "last_auto_backup", "last_order_file", "practice_declined", "welcome_done", "welcome_start",
    "alert_sound", "receipt_logo",
)
_LOCAL_SETTING_SQL = ("({row}.key IN (" + ", ".join(f"'{k}'" for k in LOCAL_SETTINGS) + ")"
                      " OR {row}.key LIKE 'printer\\_%' ESCAPE '\\')")

SYNCED_TABLES: tuple[SyncedTable, ...] = (
    SyncedTable("outlets", merge=Merge.LATEST),
    SyncedTable("categories", merge=Merge.LATEST, renames=("name",)),
    SyncedTable("products", merge=Merge.LATEST, renames=("sku",)),
    SyncedTable("recipe_lines", key=("product_id", "material_id"), merge=Merge.LATEST),
    SyncedTable("replenishment", key=("product_id",), merge=Merge.LATEST),
    SyncedTable("production_batches", merge=Merge.LATEST),
    SyncedTable("customers", merge=Merge.LATEST),
    SyncedTable("cashiers", merge=Merge.LATEST, renames=("name",)),
    SyncedTable("settings", key=("key",), merge=Merge.LATEST, local_when=_LOCAL_SETTING_SQL),
    SyncedTable("reply_templates", merge=Merge.LATEST),
    SyncedTable("accounts", merge=Merge.LATEST),
    SyncedTable("shifts"),
    SyncedTable("sales", renames=("number",)),
    SyncedTable("sale_lines"),
    SyncedTable("sale_payments"),
    SyncedTable("sale_voids"),
    SyncedTable("sale_returns"),
    SyncedTable("sale_return_lines", key=("return_id", "sale_line_id")),
    SyncedTable("shift_closes", key=("shift_id",)),
    SyncedTable("credit_payments"),
    SyncedTable("counter_shipments", key=("sale_id",), merge=Merge.LATEST),
    SyncedTable("stock_movements", local_columns=frozenset({"seq"})),
    SyncedTable("listings", merge=Merge.LATEST),
    SyncedTable("online_orders", merge=Merge.LATEST),
    SyncedTable("online_order_lines", merge=Merge.LATEST),
    SyncedTable("online_order_events", key=("order_id", "status_raw", "at")),
    SyncedTable("order_cancel_requests", key=("order_id",), merge=Merge.LATEST),
    SyncedTable("order_returns", merge=Merge.LATEST),
    SyncedTable("order_return_lines", key=("return_id", "line_id"), merge=Merge.LATEST),
    SyncedTable("oversell_incidents", merge=Merge.LATEST),
    SyncedTable("conversations", merge=Merge.LATEST),
    SyncedTable("messages", local_columns=frozenset({"seq"})),
    SyncedTable("reviews", merge=Merge.LATEST, local_columns=frozenset({"seq"})),
    SyncedTable("outbox", merge=Merge.LATEST),
)
BY_NAME: dict[str, SyncedTable] = {t.name: t for t in SYNCED_TABLES}
MAIN_OUTLET = "outlet-main"  # the same id on every laptop: a shop's first outlet exists before any hub


def row_key(table: SyncedTable, values: dict[str, object]) -> str:
    """The text key a change names its row by: the id itself, or a JSON array of a composite key."""
    if len(table.key) == 1:
        return str(values[table.key[0]])
    return json.dumps([values[k] for k in table.key], ensure_ascii=False, separators=(",", ":"))


def renamed(value: str, row_id: str) -> str:
    """What a unique value becomes on the later of two rows that picked it (the same on every laptop)."""
    return f"{value}~{row_id.replace('-', '')[-6:]}"


def account_key(channel: str, shop_ref: str) -> str:
    """A marketplace shop as the hub's leases name it: the platform's own shop id, never a local account id (two
    laptops that linked the same shop before joining have two account rows for it)."""
    return f"{channel}:{shop_ref}"
