"""Schema version 9: shipping from the app — how each order goes out, its labels, cancellations and returns.

`online_orders` gains what the platforms say about a parcel (buyer's city, courier, tracking number, package id,
each the latest non-empty value) and our own side of an arranged shipment: `ship_state` '' | 'waiting' (a ship
command is queued: "menunggu dikirim") | 'failed' (refused; `ship_problem` holds the platform's own words).
A buyer's request to cancel is one row per order (the platform's latest request); a label is a PDF file in
`<data dir>/labels/`, its row holds the name; a return request is keyed by the platform's id per shop, its lines
each received once (`disposition`); a counter sale sent by courier has one `counter_shipments` row.

`stock_movements` is rebuilt with two more kinds in its CHECK list (a returned online item comes back into stock,
and a return written off goes out again), the same way v3 rebuilt it: copied aside, dropped, renamed, its indexes
and append-only triggers made again. Nothing references the ledger table, so the rename rewrites no other table,
and a fresh file and an upgraded one end with the same text (tests/test_migrations.py compares them).
"""

V9 = """
ALTER TABLE online_orders ADD COLUMN buyer_city TEXT NOT NULL DEFAULT '';
ALTER TABLE online_orders ADD COLUMN courier TEXT NOT NULL DEFAULT '';
ALTER TABLE online_orders ADD COLUMN tracking_number TEXT NOT NULL DEFAULT '';
ALTER TABLE online_orders ADD COLUMN package_id TEXT NOT NULL DEFAULT '';
ALTER TABLE online_orders ADD COLUMN ship_state TEXT NOT NULL DEFAULT '';
ALTER TABLE online_orders ADD COLUMN ship_problem TEXT NOT NULL DEFAULT '';
CREATE INDEX online_orders_ship_state ON online_orders(ship_state) WHERE ship_state != '';

CREATE TABLE order_cancel_requests (
    order_id TEXT PRIMARY KEY REFERENCES online_orders(id),
    request_id TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    answer_by TEXT,
    state TEXT NOT NULL DEFAULT 'open',
    problem TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX order_cancel_requests_state ON order_cancel_requests(state, answer_by);

CREATE TABLE shipping_labels (
    order_id TEXT PRIMARY KEY REFERENCES online_orders(id),
    package_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    printed_at TEXT
);

CREATE TABLE order_returns (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    platform_return_id TEXT NOT NULL,
    order_id TEXT REFERENCES online_orders(id),
    platform_order_id TEXT NOT NULL,
    state TEXT NOT NULL,
    state_raw TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    buyer_note TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '[]',
    refund_amount INTEGER NOT NULL DEFAULT 0,
    needs_item_back INTEGER NOT NULL DEFAULT 1,
    actions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    answer_by TEXT,
    answer_state TEXT NOT NULL DEFAULT '',
    answer_problem TEXT NOT NULL DEFAULT '',
    received_at TEXT,
    UNIQUE (account_id, platform_return_id)
);
CREATE INDEX order_returns_order ON order_returns(order_id);
CREATE INDEX order_returns_state ON order_returns(state, answer_by);

CREATE TABLE order_return_lines (
    return_id TEXT NOT NULL REFERENCES order_returns(id),
    line_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    sku_id TEXT NOT NULL,
    seller_sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    product_id TEXT REFERENCES products(id),
    disposition TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, line_id)
);

CREATE TABLE counter_shipments (
    sale_id TEXT PRIMARY KEY REFERENCES sales(id),
    courier TEXT NOT NULL,
    tracking_number TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    shipped_at TEXT NOT NULL
);
CREATE INDEX counter_shipments_shipped ON counter_shipments(shipped_at);

DROP TRIGGER stock_movements_no_update;
DROP TRIGGER stock_movements_no_delete;
CREATE TABLE stock_movements_v9 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'stocktake', 'counter_sale', 'counter_return',
                                        'online_order', 'online_cancel', 'production', 'adjustment',
                                        'online_return', 'return_write_off')),
    quantity INTEGER NOT NULL,
    reason TEXT,
    reference TEXT,
    dedupe_key TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO stock_movements_v9 (seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at)
    SELECT seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v9 RENAME TO stock_movements;
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
