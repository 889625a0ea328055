"""Which reply rule a stored channel name follows: each channel declares its own in its spec (through the channel
registry); hand-logged inquiries ("manual") follow the domain's shop-target rule. A channel this version does not
know has no rule, so its chats wait without a deadline instead of breaking the inbox."""

from __future__ import annotations

from companion.connectors import registry
from companion.domain.deadlines import MANUAL, MANUAL_RULE, ReplyRule


def reply_rule(channel: str) -> ReplyRule | None:
    """The rule of one stored channel name; None for a channel without one (or unknown)."""
    if channel == MANUAL:
        return MANUAL_RULE
    spec = registry.find(channel)
    return None if spec is None else spec.reply_rule


def reply_rules() -> dict[str, ReplyRule]:
    """Every channel that declares a rule, and "manual"."""
    rules = {spec.name: spec.reply_rule for spec in registry.channels() if spec.reply_rule is not None}
    rules[MANUAL] = MANUAL_RULE
    return rules
