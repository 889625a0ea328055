"""Schema version 6: one command outbox for everything that must leave the laptop; the channel column is plain text.

`outbox` becomes the command table: every command has a kind, its target account (NULL: every active shop, as a
stock change is), an idempotency key, a payload, a state (waiting → sending → sent, or failed with the platform's
words, or cancelled), attempts and the time it is due again. Old rows keep their ids and keys: pending → waiting,
done → sent, failed → failed. A reply's state follows its message (queued → waiting, sending → sending, failed →
failed, or cancelled when the owner withdrew it), and a queued, sending or failed reply without a row gets one
(key `reply:<message id>`), so the message row and its command say the same thing. The old `status` column goes: its
readers (the doctor, the reliability checks) read `state`.

`accounts` and `conversations` are rebuilt without `CHECK (channel IN (…))`: a channel is checked against the
channel registry by the services that write a row, so adding a channel never needs a migration. Schema v2 and v4
lost those CHECK lists in their own text too, and this migration recreates both tables from the text below either
way: the end schema is the same for a fresh database and for one upgraded from a v5 file made with the old CHECKs
(tests/test_migrations.py compares them).

Why plain SQL and not sqlite-utils' `table.transform()`: transform (4.2.1) copies every column CHECK it finds and
has no switch to drop one (accounts keeps 8 of 8, conversations 5 of 5), writes integer defaults back as text
(`DEFAULT '0'`) and names the table quoted (`CREATE TABLE "accounts"`), so a fresh and an upgraded file would differ.
Each table's rows are copied aside (temp tables), the table dropped and created again from the text below, and the
rows put back, inside the migration's one transaction with foreign keys on and `defer_foreign_keys` set: the rows
that point at `accounts` and `conversations` (listings, orders, messages …) are orphans only until their parents
are back, and the references in those tables are never rewritten (renaming a table aside would rewrite them while
foreign keys are on, even with `legacy_alter_table`; creating the new table under another name and renaming it
leaves the deferred count of orphans above zero at COMMIT).
"""

V6 = """
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE accounts_v5 AS SELECT * FROM accounts;
CREATE TEMP TABLE conversations_v5 AS SELECT * FROM conversations;
CREATE TEMP TABLE outbox_v1 AS SELECT * FROM outbox;
DROP TABLE outbox;
DROP TABLE conversations;
DROP TABLE accounts;

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
    created_at TEXT NOT NULL,
    keep_last_units INTEGER NOT NULL DEFAULT 0 CHECK (keep_last_units >= 0),
    ship_window_days INTEGER NOT NULL DEFAULT 2 CHECK (ship_window_days BETWEEN 0 AND 30)
);
INSERT INTO accounts (id, channel, name, practice, shop_ref, base_url, auth_base_url, access_expires_at,
                      refresh_expires_at, buffer_units, buffer_percent, poll_seconds, active, created_at,
                      keep_last_units, ship_window_days)
SELECT id, channel, name, practice, shop_ref, base_url, auth_base_url, access_expires_at, refresh_expires_at,
       buffer_units, buffer_percent, poll_seconds, active, created_at, keep_last_units, ship_window_days
FROM accounts_v5;

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
INSERT INTO conversations (id, account_id, channel, platform_conversation_id, buyer_id, buyer_name, source,
                           target_minutes, holiday_mode, last_text, last_message_at, waiting_since, answered_at,
                           marked_answered_at, unread, created_at)
SELECT id, account_id, channel, platform_conversation_id, buyer_id, buyer_name, source, target_minutes,
       holiday_mode, last_text, last_message_at, waiting_since, answered_at, marked_answered_at, unread, created_at
FROM conversations_v5;
CREATE INDEX conversations_waiting ON conversations(waiting_since) WHERE waiting_since IS NOT NULL;
CREATE INDEX conversations_recent ON conversations(last_message_at);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO outbox (id, kind, account_id, idempotency_key, payload, state, attempts, next_attempt_at, last_error,
                    created_at, updated_at)
SELECT o.id, o.kind, c.account_id, o.idempotency_key, o.payload,
       CASE WHEN m.id IS NULL THEN (CASE o.status WHEN 'pending' THEN 'waiting' WHEN 'done' THEN 'sent'
                                                  ELSE 'failed' END)
            WHEN m.status = 'queued' THEN 'waiting'
            WHEN m.status = 'sending' THEN 'sending'
            WHEN m.status = 'failed' AND m.error = 'Not sent: you chose to change this answer.' THEN 'cancelled'
            WHEN m.status = 'failed' THEN 'failed'
            ELSE 'sent' END,
       o.attempts, o.next_attempt_at, CASE WHEN m.status = 'failed' THEN m.error ELSE o.last_error END,
       o.created_at, o.created_at
FROM outbox_v1 o
LEFT JOIN messages m ON o.kind = 'chat_reply' AND m.id = json_extract(o.payload, '$.message_id')
LEFT JOIN conversations c ON c.id = m.conversation_id;
INSERT INTO outbox (id, kind, account_id, idempotency_key, payload, state, last_error, created_at, updated_at)
SELECT 'reply-' || m.id, 'chat_reply', c.account_id, 'reply:' || m.id, json_object('message_id', m.id),
       CASE WHEN m.status = 'queued' THEN 'waiting'
            WHEN m.status = 'sending' THEN 'sending'
            WHEN m.error = 'Not sent: you chose to change this answer.' THEN 'cancelled'
            ELSE 'failed' END,
       CASE WHEN m.status = 'failed' THEN m.error END,
       COALESCE(m.queued_at, m.sent_at), COALESCE(m.queued_at, m.sent_at)
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.account_id IS NOT NULL AND m.from_buyer = 0 AND m.status IN ('queued', 'sending', 'failed')
ON CONFLICT (idempotency_key) DO NOTHING;
CREATE INDEX outbox_open ON outbox(state, next_attempt_at) WHERE state IN ('waiting', 'sending', 'failed');
CREATE INDEX outbox_account ON outbox(account_id, state);
DROP TABLE temp.outbox_v1;
DROP TABLE temp.conversations_v5;
DROP TABLE temp.accounts_v5;
"""
