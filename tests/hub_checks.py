"""What "converged" means for the hub tests, the bench and the reliability campaign, as lists of problems (empty =
held): every laptop's digest (store/hub_digest.py: each synced table, stock per product and outlet, receipt
numbers) equal, no laptop with a problem of its own (duplicate receipt numbers, cache ≠ ledger …) or a change
still waiting, and the hub's change log without a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

CHANGES = "companion_hub.changes"  # the hub's change log (companion/hub/schema.py)
# Tables whose rows are written once (APPEND, domain/hub_tables.py): one insert per row on the hub.
APPEND_TABLES = ("sales", "sale_lines", "sale_payments", "stock_movements", "sale_voids", "sale_returns",
                 "credit_payments", "shifts")


def divergence(answers: Sequence[dict[str, Any]], names: Sequence[str] | None = None) -> list[str]:
    """Where the laptops' `digest` answers differ, what problems they report and what they still hold back."""
    names = list(names or [f"laptop {i}" for i in range(len(answers))])
    found: list[str] = []
    first = answers[0]["digest"]
    for name, answer in zip(names, answers, strict=True):
        digest = answer["digest"]
        differ = sorted(k for k in set(first) | set(digest) if first.get(k) != digest.get(k))
        if differ:
            found.append(f"{name} differs from {names[0]} in {', '.join(differ[:12])}")
        found += [f"{name}: {p}" for p in answer["problems"]]
        if answer.get("waiting"):
            found.append(f"{name}: {answer['waiting']} changes still waiting to be pushed")
    return found


def hub_duplicates(conn: psycopg.Connection, changes_table: str = CHANGES, *, across_devices: bool = True
                   ) -> list[str]:
    """The hub's change log: change ids unique, (device, device_seq) unique, and each row of an APPEND table
    inserted once (per device always; across devices too unless a laptop re-enrolled and uploaded again)."""
    found: list[str] = []
    one = conn.execute(f"SELECT count(*) - count(DISTINCT change_id) FROM {changes_table}").fetchone()
    if one and one[0]:
        found.append(f"{one[0]} change ids held twice")
    pairs = conn.execute(f"SELECT count(*) - count(DISTINCT (device_id, device_seq)) FROM {changes_table}").fetchone()
    if pairs and pairs[0]:
        found.append(f"{pairs[0]} (device, sequence) pairs held twice")
    group = "tbl, row_id" if across_devices else "device_id, tbl, row_id"
    rows = conn.execute(
        f"SELECT tbl, row_id, count(*) FROM {changes_table} WHERE op = 'insert' AND tbl = ANY(%s)"
        f" GROUP BY {group} HAVING count(*) > 1 LIMIT 10", (list(APPEND_TABLES),)).fetchall()
    found += [f"{r[0]} row {r[1]} inserted {r[2]} times on the hub" for r in rows]
    return found
