"""Schema version 3: fewer pages written per counter sale (the cashier waits for every page at commit).

stock_movements drops AUTOINCREMENT (rows are never deleted, so rowids only grow anyway, and the
sqlite_sequence page no longer changes on every sale) and its unused `reference` index, and indexes
`dedupe_key` only where it is set (counter sales have none). Measured on the bench's large shop:
about 5 fewer pages written per two-line sale.
"""

V3 = """
DROP TRIGGER stock_movements_no_update;
DROP TRIGGER stock_movements_no_delete;
DROP INDEX stock_movements_reference;

CREATE TABLE stock_movements_v3 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'stocktake', 'counter_sale', 'counter_return',
                                        'online_order', 'online_cancel', 'production', 'adjustment')),
    quantity INTEGER NOT NULL,
    reason TEXT,
    reference TEXT,
    dedupe_key TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO stock_movements_v3 (seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at)
    SELECT seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v3 RENAME TO stock_movements;
CREATE UNIQUE INDEX stock_movements_id ON stock_movements(id);
CREATE UNIQUE INDEX stock_movements_dedupe ON stock_movements(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX stock_movements_product ON stock_movements(product_id, seq);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
"""
