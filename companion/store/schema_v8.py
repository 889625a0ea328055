"""Schema version 8: a message can carry the platform's notice that it blocked or flagged it.

Platforms block or flag some messages (ours and buyers') and say why; the seller must see those words under the
message, and a reply of ours that comes back blocked must not look delivered. Existing messages start at '' (none).
"""

V8 = """
ALTER TABLE messages ADD COLUMN platform_notice TEXT NOT NULL DEFAULT '';
"""
