"""Schema version 4: the inbox — conversations, messages (with full-text search), reply templates, chat status.

Platform rows are keyed by the platform's ids (UNIQUE(account_id, platform_conversation_id) and
UNIQUE(conversation_id, platform_message_id)), so applying a page twice changes nothing. Hand-logged inquiries
(phone, WhatsApp, walk-in) are conversations without an account (channel 'manual'). `messages.seq` is the
stable integer key the FTS5 index points at (an implicit rowid may be renumbered by VACUUM); triggers keep
`messages_fts` in step with `messages.text`. The sample reply templates are in Indonesian: buyers read them.
"""

V4 = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id),
    channel TEXT NOT NULL,
    platform_conversation_id TEXT,
    buyer_id TEXT NOT NULL DEFAULT '',
    buyer_name TEXT NOT NULL DEFAULT '',
    source TEXT CHECK (source IS NULL OR source IN ('phone', 'whatsapp', 'walk_in')),
    target_minutes INTEGER CHECK (target_minutes IS NULL OR target_minutes > 0),
    holiday_mode INTEGER NOT NULL DEFAULT 0 CHECK (holiday_mode IN (0, 1)),
    last_text TEXT NOT NULL DEFAULT '',
    last_message_at TEXT,
    waiting_since TEXT,
    answered_at TEXT,
    marked_answered_at TEXT,
    unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (account_id, platform_conversation_id)
);
CREATE INDEX conversations_waiting ON conversations(waiting_since) WHERE waiting_since IS NOT NULL;
CREATE INDEX conversations_recent ON conversations(last_message_at);

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    platform_message_id TEXT,
    from_buyer INTEGER NOT NULL CHECK (from_buyer IN (0, 1)),
    is_auto_reply INTEGER NOT NULL DEFAULT 0 CHECK (is_auto_reply IN (0, 1)),
    kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'image', 'product', 'order', 'other')),
    text TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    sent_at TEXT NOT NULL,
    queued_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('received', 'queued', 'sending', 'sent', 'failed')),
    error TEXT,
    quoted TEXT,
    UNIQUE (conversation_id, platform_message_id)
);
CREATE INDEX messages_thread ON messages(conversation_id, sent_at);
CREATE INDEX messages_outgoing ON messages(status) WHERE status IN ('queued', 'sending', 'failed');

CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='seq',
                                             tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
END;

CREATE TABLE reply_templates (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
INSERT INTO reply_templates (id, title, body, sort, created_at) VALUES
    ('tpl-stok', 'Stok ready',
     'Stok {nama_produk} ready {stok} pcs, Kak. Harga {harga}. Dikirim {estimasi_kirim}. Terima kasih!',
     10, '2024-01-01T00:00:00.000000Z'),
    ('tpl-salam', 'Salam',
     'Halo Kak {nama_pembeli}, terima kasih sudah menghubungi toko kami. Ada yang bisa kami bantu?',
     20, '2024-01-01T00:00:00.000000Z'),
    ('tpl-habis', 'Stok habis',
     'Mohon maaf Kak {nama_pembeli}, {nama_produk} sedang habis. Kami kabari lagi begitu ready ya.',
     30, '2024-01-01T00:00:00.000000Z'),
    ('tpl-kirim', 'Pengiriman',
     'Pesanan Kakak kami kirim {estimasi_kirim}. Nomor resi muncul di aplikasi setelah paket diserahkan ke kurir.',
     40, '2024-01-01T00:00:00.000000Z'),
    ('tpl-terima-kasih', 'Terima kasih',
     'Terima kasih sudah belanja, Kak {nama_pembeli}! Ditunggu pesanan berikutnya.',
     50, '2024-01-01T00:00:00.000000Z');

CREATE TABLE chat_status (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    problem_kind TEXT,
    problem_msgid TEXT,
    problem_detail TEXT,
    problem_at TEXT,
    last_pull_at TEXT
);
"""
