"""When Shopee counts a waiting buyer as unanswered (its published response-rate rule, reference §5 of
marketplaces.md): the first unanswered buyer message must get a human reply within 12 hours; automatic replies do
not count, and Shopee publishes no exclusions (holiday mode included)."""

from __future__ import annotations

from datetime import timedelta

from companion.domain.deadlines import FixedWindow

RULE = FixedWindow(timedelta(hours=12))
