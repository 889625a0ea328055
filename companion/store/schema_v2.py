"""Schema version 2: linked marketplace accounts, their listings and mapping, online orders, sync state.

Secrets never live here: app keys, secrets and tokens are in the OS keyring (store/secrets.py).
"""

V2 = """
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    practice INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1)),
    shop_ref TEXT NOT NULL DEFAULT '',
    base_url TEXT NOT NULL,
    auth_base_url TEXT NOT NULL DEFAULT '',
    access_expires_at TEXT,
    refresh_expires_at TEXT,
    buffer_units INTEGER NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),
    buffer_percent INTEGER NOT NULL DEFAULT 0 CHECK (buffer_percent BETWEEN 0 AND 100),
    poll_seconds INTEGER NOT NULL DEFAULT 60 CHECK (poll_seconds >= 10),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    item_id TEXT NOT NULL,
    sku_id TEXT NOT NULL,
    seller_sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    variant TEXT NOT NULL DEFAULT '',
    platform_stock INTEGER,
    product_id TEXT REFERENCES products(id),
    mapped_by TEXT CHECK (mapped_by IS NULL OR mapped_by IN ('auto', 'manual')),
    last_pushed INTEGER,
    last_pushed_at TEXT,
    push_problem TEXT,
    seen_at TEXT NOT NULL,
    UNIQUE (account_id, item_id, sku_id)
);
CREATE INDEX listings_product ON listings(product_id);
CREATE INDEX listings_seller_sku ON listings(account_id, seller_sku COLLATE NOCASE);

CREATE TABLE online_orders (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    channel TEXT NOT NULL,
    platform_order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_raw TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ship_by TEXT,
    buyer_name TEXT NOT NULL DEFAULT '',
    total INTEGER NOT NULL DEFAULT 0,
    stock_taken INTEGER NOT NULL DEFAULT 0 CHECK (stock_taken IN (0, 1)),
    imported_at TEXT NOT NULL,
    UNIQUE (account_id, platform_order_id)
);
CREATE INDEX online_orders_status ON online_orders(status, ship_by);

CREATE TABLE online_order_lines (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES online_orders(id),
    line_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    sku_id TEXT NOT NULL,
    seller_sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    product_id TEXT REFERENCES products(id),
    UNIQUE (order_id, line_id)
);
CREATE INDEX online_order_lines_product ON online_order_lines(product_id);

CREATE TABLE online_order_events (
    order_id TEXT NOT NULL REFERENCES online_orders(id),
    status TEXT NOT NULL,
    status_raw TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (order_id, status_raw, at)
);

CREATE TABLE sync_cursors (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    stream TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, stream)
);

CREATE TABLE sync_status (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    last_success_at TEXT,
    last_attempt_at TEXT,
    problem_kind TEXT,
    problem_detail TEXT,
    problem_at TEXT
);

CREATE TABLE oversell_incidents (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products(id),
    order_id TEXT REFERENCES online_orders(id),
    shortfall INTEGER NOT NULL CHECK (shortfall > 0),
    on_hand_after INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT,
    UNIQUE (order_id, product_id)
);
"""
