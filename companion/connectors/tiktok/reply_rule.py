"""When TikTok Shop / Tokopedia counts a waiting buyer as unanswered (its published response-rate rule, reference
§5 of marketplaces.md): 12 hours; chats received in holiday mode, seller-initiated chats, chats resolved by an
auto-reply/FAQ and chats from blocked buyers are not counted, so they have no deadline."""

from __future__ import annotations

from datetime import timedelta

from companion.domain.deadlines import Exclusion, FixedWindow

RULE = FixedWindow(timedelta(hours=12), excludes=frozenset(Exclusion))
