"""Fingerprints of the shared record, for comparing laptops: equal digests mean equal synced rows, whatever order
the changes arrived in. Local columns (row sequences), rowids, local-only settings, the clocks and the journal are
left out; rows are hashed sorted by their key text. `problems` lists what must never be true on any laptop."""

from __future__ import annotations

import hashlib
import json

from companion.domain.hub_tables import SYNCED_TABLES, row_key
from companion.store import stock
from companion.store.database import Database
from companion.store.hub_triggers import columns


def _hash(lines: list[str]) -> str:
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


def digest(db: Database) -> dict[str, str]:
    """A hash per synced table, "stock" (each product's cached level per outlet and in total) and "numbers"
    (receipt numbers with their sale ids)."""
    out: dict[str, str] = {}
    for table in SYNCED_TABLES:
        cols = columns(db.conn, table)
        where = f" WHERE NOT {table.local_when.format(row=table.name)}" if table.local_when else ""
        rows = db.query(f"SELECT {', '.join(cols)} FROM {table.name}{where}")
        out[table.name] = _hash([json.dumps([row_key(table, dict(r)), *r], default=str, ensure_ascii=False)
                                 for r in rows])
    levels = db.query("SELECT product_id, outlet_id, on_hand FROM stock_outlet_levels WHERE on_hand != 0")
    totals = db.query("SELECT product_id, on_hand FROM stock_levels WHERE on_hand != 0")
    out["stock"] = _hash([f"{r[0]}|{r[1]}|{r[2]}" for r in levels] + [f"{r[0]}|*|{r[1]}" for r in totals])
    out["numbers"] = _hash([f"{r[0]}|{r[1]}" for r in db.query("SELECT number, id FROM sales")])
    return out


def problems(db: Database) -> list[str]:
    """Plain descriptions of broken invariants (empty when all is well): duplicate receipt numbers or SKUs, a cache
    that disagrees with the ledger, an outlet cache that does not add up, a sale both voided and returned."""
    found: list[str] = []
    for r in db.query("SELECT number, COUNT(*) FROM sales GROUP BY number COLLATE NOCASE HAVING COUNT(*) > 1"):
        found.append(f"receipt number {r[0]} used {r[1]} times")
    for r in db.query("SELECT sku, COUNT(*) FROM products GROUP BY sku COLLATE NOCASE HAVING COUNT(*) > 1"):
        found.append(f"sku {r[0]} used {r[1]} times")
    for product_id, cached, ledger in stock.verify_levels(db):
        found.append(f"stock of {product_id}: cache {cached}, ledger {ledger}")
    for r in db.query("SELECT l.product_id, l.on_hand, COALESCE(SUM(o.on_hand), 0) FROM stock_levels l"
                      " LEFT JOIN stock_outlet_levels o ON o.product_id = l.product_id GROUP BY l.product_id"
                      " HAVING l.on_hand != COALESCE(SUM(o.on_hand), 0)"):
        found.append(f"stock of {r[0]}: total {r[1]}, outlets add up to {r[2]}")
    for r in db.query("SELECT l.id, l.quantity, SUM(x.quantity) FROM sale_lines l JOIN sale_return_lines x"
                      " ON x.sale_line_id = l.id GROUP BY l.id HAVING SUM(x.quantity) > l.quantity"):
        found.append(f"sale line {r[0]}: {r[2]} returned of {r[1]} sold (returned on two laptops offline)")
    for r in db.query("SELECT DISTINCT v.sale_id FROM sale_voids v JOIN sale_returns x ON x.sale_id = v.sale_id"):
        found.append(f"sale {r[0]} both voided and returned")
    for r in db.query("SELECT reference, product_id, COUNT(*) FROM stock_movements WHERE reference LIKE 'void:%'"
                      " GROUP BY reference, product_id HAVING COUNT(DISTINCT id) > (SELECT COUNT(*) FROM sale_lines l"
                      " WHERE 'void:' || l.sale_id = reference AND l.product_id = stock_movements.product_id)"):
        found.append(f"sale {r[0]} put back into stock twice")
    return found
