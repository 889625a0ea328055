"""Schema version 11: the counter grows into a shop's POS — split payments, customers and kasbon, shifts, cashiers
with PINs, product categories, and who did what.

`sales` is rebuilt (the one rebuild here): its payment_method CHECK gains 'campuran' (several methods) and 'kasbon'
(nothing paid now), and it gains the customer, the kasbon part, its due date, the cashier and the shift. SQLite
cannot widen a CHECK in place, and a parent table cannot be dropped inside a transaction while foreign keys are on
(the implicit DELETE's deferred violations outlive the rename), so this migration runs with foreign keys off, as
SQLite's own twelve-step procedure says, and `foreign_key_check` must find nothing before it commits
(migrations.FOREIGN_KEYS_OFF).

Money of a sale: `total` = Σ sale_payments.amount + credit_amount. A payment's `amount` is what counts towards the
sale; `tendered` is what the buyer handed over (cash: ≥ amount, the rest was change). Every sale made before v11
gets one payment row from its old columns, so readers need only sale_payments.

Kasbon (credit) is append-only like stock: a customer owes Σ sales.credit_amount − Σ credit_payments.amount −
Σ credit_reduction of voids and returns (a void or return of a kasbon sale lowers the debt first; only the rest is
paid back in cash, `refund_cash`). A customer is never deleted while owing (services check), only hidden
(`deleted_at`).

Shifts: one open shift per laptop (a shift with no row in shift_closes); sales, payments, voids and returns made
while it is open carry its id. The close keeps what the app expected and what was counted, per method, and the
difference's reason. Cashiers: `pin_hash` is scrypt over the PIN with `pin_salt` (domain/pins.py);
the owner's row also keeps `reset_hash`, the scrypt hash of the key in the owner's recovery file. `actor_id` on
stock movements, and `cashier_id` on sales, voids, returns and credit payments, say who did it (NULL: made before
v11, or by the app itself).
"""

V11 = """
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    phone TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX customers_name ON customers(name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX customers_phone ON customers(phone) WHERE phone != '';

CREATE TABLE cashiers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role TEXT NOT NULL CHECK (role IN ('owner', 'cashier')),
    pin_hash TEXT NOT NULL,
    pin_salt TEXT NOT NULL,
    reset_hash TEXT NOT NULL DEFAULT '',
    reset_salt TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE UNIQUE INDEX cashiers_one_owner ON cashiers(role) WHERE role = 'owner';
CREATE UNIQUE INDEX cashiers_name ON cashiers(name COLLATE NOCASE) WHERE disabled_at IS NULL;

CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,
    opened_by TEXT REFERENCES cashiers(id),
    opening_cash INTEGER NOT NULL CHECK (opening_cash >= 0)
);
CREATE INDEX shifts_opened ON shifts(opened_at);

CREATE TABLE shift_closes (
    shift_id TEXT PRIMARY KEY REFERENCES shifts(id),
    closed_at TEXT NOT NULL,
    closed_by TEXT REFERENCES cashiers(id),
    expected_cash INTEGER NOT NULL,
    counted_cash INTEGER NOT NULL CHECK (counted_cash >= 0),
    expected_qris INTEGER NOT NULL DEFAULT 0,
    counted_qris INTEGER CHECK (counted_qris IS NULL OR counted_qris >= 0),
    expected_transfer INTEGER NOT NULL DEFAULT 0,
    counted_transfer INTEGER CHECK (counted_transfer IS NULL OR counted_transfer >= 0),
    difference INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);
ALTER TABLE products ADD COLUMN category_id TEXT REFERENCES categories(id);
CREATE INDEX products_category ON products(category_id) WHERE category_id IS NOT NULL;

CREATE TABLE sales_v11 (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    sale_discount INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount >= 0),
    total INTEGER NOT NULL CHECK (total >= 0),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('tunai', 'qris', 'transfer', 'lainnya', 'campuran',
                                                           'kasbon')),
    amount_paid INTEGER NOT NULL,
    change_given INTEGER NOT NULL CHECK (change_given >= 0),
    line_count INTEGER NOT NULL CHECK (line_count > 0),
    customer_id TEXT REFERENCES customers(id),
    credit_amount INTEGER NOT NULL DEFAULT 0 CHECK (credit_amount >= 0 AND credit_amount <= total),
    due_date TEXT,
    cashier_id TEXT REFERENCES cashiers(id),
    shift_id TEXT REFERENCES shifts(id),
    CHECK (credit_amount = 0 OR customer_id IS NOT NULL)
);
INSERT INTO sales_v11 (id, number, created_at, subtotal, sale_discount, total, payment_method, amount_paid,
                       change_given, line_count)
    SELECT id, number, created_at, subtotal, sale_discount, total, payment_method, amount_paid, change_given,
           line_count FROM sales;
DROP TABLE sales;
ALTER TABLE sales_v11 RENAME TO sales;
CREATE INDEX sales_created ON sales(created_at);
CREATE INDEX sales_customer ON sales(customer_id, created_at) WHERE customer_id IS NOT NULL;
CREATE INDEX sales_shift ON sales(shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE sale_payments (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales(id),
    method TEXT NOT NULL CHECK (method IN ('tunai', 'qris', 'transfer', 'lainnya')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    tendered INTEGER NOT NULL CHECK (tendered >= amount),
    created_at TEXT NOT NULL,
    shift_id TEXT REFERENCES shifts(id)
);
CREATE INDEX sale_payments_sale ON sale_payments(sale_id);
CREATE INDEX sale_payments_shift ON sale_payments(shift_id) WHERE shift_id IS NOT NULL;
INSERT INTO sale_payments (id, sale_id, method, amount, tendered, created_at)
    SELECT 'p-' || id, id, payment_method, total, MAX(amount_paid, total), created_at FROM sales WHERE total > 0;

CREATE TABLE credit_payments (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    method TEXT NOT NULL CHECK (method IN ('tunai', 'qris', 'transfer', 'lainnya')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    cashier_id TEXT REFERENCES cashiers(id),
    shift_id TEXT REFERENCES shifts(id)
);
CREATE INDEX credit_payments_customer ON credit_payments(customer_id, created_at);
CREATE INDEX credit_payments_shift ON credit_payments(shift_id) WHERE shift_id IS NOT NULL;

ALTER TABLE sale_voids ADD COLUMN cashier_id TEXT REFERENCES cashiers(id);
ALTER TABLE sale_voids ADD COLUMN shift_id TEXT REFERENCES shifts(id);
ALTER TABLE sale_voids ADD COLUMN credit_reduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_voids ADD COLUMN refund_cash INTEGER NOT NULL DEFAULT 0;
UPDATE sale_voids SET refund_cash = (SELECT s.total FROM sales s WHERE s.id = sale_voids.sale_id);
ALTER TABLE sale_returns ADD COLUMN cashier_id TEXT REFERENCES cashiers(id);
ALTER TABLE sale_returns ADD COLUMN shift_id TEXT REFERENCES shifts(id);
ALTER TABLE sale_returns ADD COLUMN credit_reduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN actor_id TEXT REFERENCES cashiers(id);
"""
