"""Schema version 5: how each product comes back (bought or made), recipes, production batches, channel allocation.

A recipe line names another product as a material (materials have their own stock); a product is never its own
material. Production batches go planned → done or planned → cancelled; finishing writes ledger movements whose
dedupe keys start with `batch:<id>:`, so a batch is applied once. `accounts` gains the allocation threshold
(`keep_last_units`: at or below it the channel shows 0) and the ship-by window in days for made-to-order items.
"""

V5 = """
CREATE TABLE replenishment (
    product_id TEXT PRIMARY KEY REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('bought', 'made')),
    supplier TEXT NOT NULL DEFAULT '',
    lead_time_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
    capacity_per_day INTEGER CHECK (capacity_per_day IS NULL OR capacity_per_day > 0),
    min_batch INTEGER NOT NULL DEFAULT 1 CHECK (min_batch >= 1),
    made_to_order INTEGER NOT NULL DEFAULT 0 CHECK (made_to_order IN (0, 1)),
    shop_buffer INTEGER NOT NULL DEFAULT 0 CHECK (shop_buffer >= 0),
    updated_at TEXT NOT NULL,
    CHECK (kind = 'bought' OR capacity_per_day IS NOT NULL),
    CHECK (kind = 'made' OR made_to_order = 0)
);

CREATE TABLE recipe_lines (
    product_id TEXT NOT NULL REFERENCES products(id),
    material_id TEXT NOT NULL REFERENCES products(id),
    quantity_per_unit REAL NOT NULL CHECK (quantity_per_unit > 0),
    PRIMARY KEY (product_id, material_id),
    CHECK (material_id != product_id)
);
CREATE INDEX recipe_lines_material ON recipe_lines(material_id);

CREATE TABLE production_batches (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
    planned_for TEXT NOT NULL,
    finishes_at TEXT NOT NULL,
    done_at TEXT,
    cancelled_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX production_batches_open ON production_batches(status, product_id, planned_for);

ALTER TABLE accounts ADD COLUMN keep_last_units INTEGER NOT NULL DEFAULT 0 CHECK (keep_last_units >= 0);
ALTER TABLE accounts ADD COLUMN ship_window_days INTEGER NOT NULL DEFAULT 2
    CHECK (ship_window_days BETWEEN 0 AND 30);
"""
