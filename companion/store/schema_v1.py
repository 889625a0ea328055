"""Schema version 1: products, the stock ledger and its cache, counter sales, the outbox, settings."""

V1 = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    sku TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name TEXT NOT NULL,
    parent_name TEXT,
    variant_name TEXT,
    barcode TEXT,
    unit TEXT NOT NULL DEFAULT 'pcs',
    sell_price INTEGER NOT NULL CHECK (sell_price >= 0),
    cost_price INTEGER CHECK (cost_price IS NULL OR cost_price >= 0),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX products_barcode ON products(barcode) WHERE barcode IS NOT NULL;
CREATE INDEX products_name ON products(name COLLATE NOCASE);

CREATE TABLE stock_movements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    product_id TEXT NOT NULL REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'stocktake', 'counter_sale', 'counter_return',
                                        'online_order', 'online_cancel', 'production', 'adjustment')),
    quantity INTEGER NOT NULL,
    reason TEXT,
    reference TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX stock_movements_product ON stock_movements(product_id, seq);
CREATE INDEX stock_movements_reference ON stock_movements(reference);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

CREATE TABLE stock_levels (
    product_id TEXT PRIMARY KEY REFERENCES products(id),
    on_hand INTEGER NOT NULL,
    last_seq INTEGER NOT NULL
);

CREATE TABLE sales (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    sale_discount INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount >= 0),
    total INTEGER NOT NULL CHECK (total >= 0),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('tunai', 'qris', 'transfer', 'lainnya')),
    amount_paid INTEGER NOT NULL,
    change_given INTEGER NOT NULL CHECK (change_given >= 0),
    line_count INTEGER NOT NULL CHECK (line_count > 0)
);
CREATE INDEX sales_created ON sales(created_at);

CREATE TABLE sale_lines (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    line_no INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products(id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    line_discount INTEGER NOT NULL DEFAULT 0 CHECK (line_discount >= 0),
    line_total INTEGER NOT NULL,
    UNIQUE (sale_id, line_no)
);
CREATE INDEX sale_lines_product ON sale_lines(product_id);

CREATE TABLE sale_voids (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL UNIQUE REFERENCES sales(id),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sale_returns (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    reason TEXT NOT NULL,
    refund INTEGER NOT NULL CHECK (refund >= 0),
    created_at TEXT NOT NULL
);
CREATE TABLE sale_return_lines (
    return_id TEXT NOT NULL REFERENCES sale_returns(id),
    sale_line_id TEXT NOT NULL REFERENCES sale_lines(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (return_id, sale_line_id)
);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
