"""Schema v13, the inbox part: the Kotak Masuk list's ordering kept in indexes, so opening it reads one screenful.

The list shows waiting buyers first, the most urgent on top, then everyone else, newest first (docs/INBOX.md).
The deadline is the channel's rule applied to `waiting_since` (domain.deadlines); a rule never makes a later question
due earlier, so within one (channel, holiday_mode, target_minutes) group the deadline order IS the `waiting_since`
order. `conversations_inbox_waiting` walks each group in that order (services/inbox_pages.py merges the few groups);
`conversations_inbox_answered(_channel)` walk the answered ones newest first. Only indexes on existing columns:
`conversations` travels between laptops (domain/hub_tables.py), so no kept column needs new journal triggers.
`messages_open_replies` answers each listed row's "waiting to be sent" / "not sent" counts without reading the
conversation's whole thread.
"""

INBOX = """
CREATE INDEX conversations_inbox_waiting
    ON conversations(channel, holiday_mode, target_minutes, waiting_since, id) WHERE waiting_since IS NOT NULL;
CREATE INDEX conversations_inbox_answered
    ON conversations(COALESCE(last_message_at, created_at), id) WHERE waiting_since IS NULL;
CREATE INDEX conversations_inbox_answered_channel
    ON conversations(channel, COALESCE(last_message_at, created_at), id) WHERE waiting_since IS NULL;
CREATE INDEX messages_open_replies
    ON messages(conversation_id, status) WHERE status IN ('queued', 'sending', 'failed');
"""
