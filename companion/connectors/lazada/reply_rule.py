"""When Lazada counts a waiting buyer as unanswered (its published response-rate rule, reference §5 of
marketplaces.md): a daily cycle in the shop's time zone; chats received from 18:00 yesterday until before 18:00
today are due at 19:00 today, a chat received at or after 18:00 is due at 19:00 the next day. Lazada publishes no
exclusions (holiday mode included)."""

from __future__ import annotations

from datetime import time

from companion.domain.deadlines import DailyCycle

RULE = DailyCycle(cutoff=time(18, 0), due=time(19, 0))
