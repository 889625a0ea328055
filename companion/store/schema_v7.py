"""Schema version 7: an order line knows how many of its units are cancelled.

Every platform cancels per line (a status per item, or a cancelled count per line): a line's live units are
`quantity - cancelled_quantity`, and only those take stock. The services raise the number as the platform reports
more cancelled units and give back exactly the difference; existing lines start at 0 (everything live, as before).
"""

V7 = """
ALTER TABLE online_order_lines ADD COLUMN cancelled_quantity INTEGER NOT NULL DEFAULT 0
    CHECK (cancelled_quantity >= 0);
"""
