"""Schema version 12: several laptops and outlets of one shop, sharing one record through a PostgreSQL hub.

- `hub_state` (one row): this laptop's identity (a device id made here, renewed when restored from a backup),
  its hub enrolment (address, ids, receipt prefix, outlet; the password is only in the keyring), the journal
  switch (0 no hub, 1 recording, 2 applying others' changes), the hybrid logical clock and the clock's measured
  offset from the hub, the pull cursor, and why syncing stopped if it did.
- `hub_journal`: every change to a synced table, written by triggers in the same transaction
  (store/hub_triggers.py); `pushed` once the hub has committed it.
- `hub_leases`: which device sends for each marketplace shop, as last read from the hub.
- `hub_field_clock`: per field of LATEST rows, the stamp and device of the write that set it.
- `stock_movements` rebuilt: kinds 'transfer_out' and 'transfer_in' (stock moved between outlets; the total
  stays), and the movement's outlet. No table points at movements, so foreign keys stay on.
- `outlets` (one shop's shops): 'outlet-main' exists everywhere. Movements, sales and shifts carry their outlet;
  `stock_outlet_levels` caches on-hand per outlet (as `stock_levels` does for the total); neither cache is synced,
  both are rebuilt from the ledger.
- `shifts.device_id`: one open shift per laptop, not per shop.
The journal's triggers are made after this script from the tables' columns (migrations.FOLLOW_UPS).
"""

V12 = """
CREATE TABLE hub_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    device_id TEXT NOT NULL,
    device_made_at TEXT NOT NULL,
    journal INTEGER NOT NULL DEFAULT 0 CHECK (journal IN (0, 1, 2)),
    hlc INTEGER NOT NULL DEFAULT 0,
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    outlet_id TEXT NOT NULL DEFAULT 'outlet-main',
    prefix TEXT,
    device_name TEXT,
    hub_id TEXT,
    shop_id TEXT,
    role_name TEXT,
    host TEXT,
    port INTEGER,
    dbname TEXT,
    sslmode TEXT,
    sslrootcert TEXT,
    enrolled_at TEXT,
    pull_cursor TEXT NOT NULL DEFAULT '0:0',
    stopped_reason TEXT,
    last_push_at TEXT,
    last_pull_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    devices_seen INTEGER NOT NULL DEFAULT 0
);
INSERT INTO hub_state (id, device_id, device_made_at)
VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE hub_journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    hlc INTEGER NOT NULL,
    fields TEXT,
    payload TEXT NOT NULL,
    pushed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hub_journal_waiting ON hub_journal(seq) WHERE pushed = 0;

CREATE TABLE hub_field_clock (
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;

-- Who sends for each marketplace shop, as last read from the hub (local; refreshed every round).
CREATE TABLE hub_leases (
    account_key TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL DEFAULT '',
    expires_at TEXT NOT NULL,
    refreshed_at TEXT NOT NULL
);

CREATE TABLE outlets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL,
    archived_at TEXT
);
INSERT INTO outlets (id, name, created_at) VALUES ('outlet-main', 'Toko utama', '2000-01-01T00:00:00.000000Z');

DROP TRIGGER stock_movements_no_update;
DROP TRIGGER stock_movements_no_delete;
CREATE TABLE stock_movements_v12 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'stocktake', 'counter_sale', 'counter_return',
                                        'online_order', 'online_cancel', 'production', 'adjustment',
                                        'online_return', 'return_write_off', 'transfer_out', 'transfer_in')),
    quantity INTEGER NOT NULL,
    reason TEXT,
    reference TEXT,
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    actor_id TEXT REFERENCES cashiers(id),
    outlet_id TEXT NOT NULL DEFAULT 'outlet-main'
);
INSERT INTO stock_movements_v12 (seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at,
                                 actor_id)
    SELECT seq, id, product_id, kind, quantity, reason, reference, dedupe_key, created_at, actor_id
    FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v12 RENAME TO stock_movements;
CREATE UNIQUE INDEX stock_movements_id ON stock_movements(id);
CREATE UNIQUE INDEX stock_movements_dedupe ON stock_movements(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX stock_movements_product ON stock_movements(product_id, seq);
CREATE INDEX stock_movements_outlet_order ON stock_movements(product_id, outlet_id, created_at, id);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TABLE stock_outlet_levels (
    product_id TEXT NOT NULL,
    outlet_id TEXT NOT NULL,
    on_hand INTEGER NOT NULL,
    PRIMARY KEY (product_id, outlet_id)
) WITHOUT ROWID;
INSERT INTO stock_outlet_levels (product_id, outlet_id, on_hand)
SELECT product_id, 'outlet-main', on_hand FROM stock_levels;

ALTER TABLE sales ADD COLUMN outlet_id TEXT NOT NULL DEFAULT 'outlet-main';
ALTER TABLE shifts ADD COLUMN device_id TEXT;
ALTER TABLE shifts ADD COLUMN outlet_id TEXT NOT NULL DEFAULT 'outlet-main';
UPDATE shifts SET device_id = (SELECT device_id FROM hub_state WHERE id = 1);
"""

