"""Schema v13, the sale part: one index fewer for every stock movement written (issue 21: a counter sale waits on
every page it writes, and a page is 4 KB in the WAL plus its share of the fsync), and one more for finding the open
shift.

`stock_movements_product (product_id, seq)` (v1) is dropped. Since v12 `stock_movements_outlet_order (product_id,
outlet_id, created_at, id)` starts with the same column, and every reader of the ledger by product goes through it:
the levels (`store/stock.py`: per product and outlet in (created_at, id) order), a product's history, the later-movement
check, product merge's count, review causes' level before a moment and the practice book's "still counted" (both
read one product's few hundred rows; the practice query scans the ledger by `reference` either way). Each sale line
wrote ~1.2 pages into it (measured on the bench's 320,000-movement shop: 3.6 of the 40 WAL frames of a 3-line sale).

`shifts_device_opened (device_id, opened_at, id)` is added: every sale (and void, return, kasbon payment) asks for
the shift open on this laptop (store/shifts.py OPEN_SHIFT: this device's, newest open first), which read every shift
the shop ever had (no index on device_id): 340 µs at 1,500 shifts (four years of one a day), measured. Through the
covering index it walks this laptop's shifts newest first and stops at the open one: 4 µs. With none open it still
reads this laptop's shifts (as before: 235 µs against 241). `shifts` travels between laptops, but its journal
triggers are made from its columns, not its indexes, so they stay as they are.

Kept on purpose: `sale_lines_product` (planning reads one product's sales over a season through it) and the hub
journal triggers (with no hub joined their WHEN reads the one-row hub_state per insert: no difference measurable
against the same shop with the triggers dropped, interleaved, 600 sales).
"""

SALES = """
DROP INDEX IF EXISTS stock_movements_product;
CREATE INDEX shifts_device_opened ON shifts(device_id, opened_at, id);
"""
