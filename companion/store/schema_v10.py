"""Schema version 10: buyers' reviews from the platforms that offer them, with our reply and a full-text index.

A review is keyed by the platform's id per shop (UNIQUE(account_id, platform_review_id)), so a page applied twice
changes nothing. `product_id` comes through the listing mapping as order lines get theirs (NULL: not mapped yet),
`order_id` through (shop, platform order id) when the order is on this laptop. Our side of a reply:
`pending_reply` holds the text queued in the command outbox while `reply_state` is 'waiting' ("menunggu
dikirim"); 'failed' keeps the platform's words in `reply_problem`; 'sent' once the platform has it (then
`reply_text` is the reply the platform shows). `photos` is a JSON list of picture URLs, `photo_paths` a JSON map
URL → local copy (cached as chat pictures are).

`seq` is the stable integer key the FTS5 index points at (as `messages.seq` in v4); triggers keep `reviews_fts`
(the buyer's text, our reply, the buyer's and the product's names) in step. The partial index serves the view's
first band and the tray's count (which it covers: the shop is in it): unanswered 1–3 star reviews, newest first
(the literal 3 is domain LOW_RATING).
"""

V10 = """
CREATE TABLE reviews (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    channel TEXT NOT NULL,
    platform_review_id TEXT NOT NULL,
    platform_order_id TEXT NOT NULL DEFAULT '',
    order_id TEXT REFERENCES online_orders(id),
    item_id TEXT NOT NULL DEFAULT '',
    sku_id TEXT NOT NULL DEFAULT '',
    product_name TEXT NOT NULL DEFAULT '',
    product_id TEXT REFERENCES products(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '[]',
    photo_paths TEXT NOT NULL DEFAULT '{}',
    buyer_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reply_text TEXT NOT NULL DEFAULT '',
    replied_at TEXT,
    pending_reply TEXT NOT NULL DEFAULT '',
    reply_state TEXT NOT NULL DEFAULT '' CHECK (reply_state IN ('', 'waiting', 'failed', 'sent')),
    reply_problem TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    UNIQUE (account_id, platform_review_id)
);
CREATE INDEX reviews_created ON reviews(created_at);
CREATE INDEX reviews_unanswered_low ON reviews(created_at, account_id)
    WHERE rating <= 3 AND reply_text = '' AND reply_state IN ('', 'failed') AND hidden = 0;
CREATE INDEX reviews_order ON reviews(order_id);
CREATE INDEX reviews_product ON reviews(product_id, created_at);
CREATE INDEX reviews_unlinked ON reviews(account_id) WHERE order_id IS NULL AND platform_order_id != '';

CREATE VIRTUAL TABLE reviews_fts USING fts5(text, reply_text, buyer_name, product_name, content='reviews',
                                            content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER reviews_fts_insert AFTER INSERT ON reviews
BEGIN
    INSERT INTO reviews_fts(rowid, text, reply_text, buyer_name, product_name)
        VALUES (new.seq, new.text, new.reply_text, new.buyer_name, new.product_name);
END;
CREATE TRIGGER reviews_fts_delete AFTER DELETE ON reviews
BEGIN
    INSERT INTO reviews_fts(reviews_fts, rowid, text, reply_text, buyer_name, product_name)
        VALUES ('delete', old.seq, old.text, old.reply_text, old.buyer_name, old.product_name);
END;
CREATE TRIGGER reviews_fts_update AFTER UPDATE OF text, reply_text, buyer_name, product_name ON reviews
BEGIN
    INSERT INTO reviews_fts(reviews_fts, rowid, text, reply_text, buyer_name, product_name)
        VALUES ('delete', old.seq, old.text, old.reply_text, old.buyer_name, old.product_name);
    INSERT INTO reviews_fts(rowid, text, reply_text, buyer_name, product_name)
        VALUES (new.seq, new.text, new.reply_text, new.buyer_name, new.product_name);
END;
"""
