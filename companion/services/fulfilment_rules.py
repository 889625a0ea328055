"""Which shops the app may ship, cancel and answer returns for: a linked shop (not a file import) whose channel
declares FULFILMENT, with the rules its spec gives (connectors/spec.py `fulfilment`)."""

from __future__ import annotations

import re

from companion.connectors import registry
from companion.domain.fulfilment import FulfilmentRules
from companion.domain.marketplace import Capability
from companion.store.accounts import FILE_SHOP_REF, AccountRow

TRACKING = re.compile(r"[A-Z0-9][A-Z0-9-]{3,39}")  # what couriers print: 4-40 letters, digits and dashes


def rules_for(account: AccountRow | None) -> FulfilmentRules | None:
    """The channel's fulfilment rules for a linked shop that may use them; None for a file import, an unknown or
    unlinked shop, or a channel that does not offer fulfilment."""
    if account is None or account.shop_ref == FILE_SHOP_REF or not account.active:
        return None
    spec = registry.find(account.channel)
    if spec is None or not spec.has(Capability.FULFILMENT):
        return None
    return spec.fulfilment


def clean_tracking(text: str) -> str | None:
    """A tracking number as people type or paste it (spaces dropped, capitals), or None when it cannot be one."""
    cleaned = "".join(text.split()).upper()
    return cleaned if TRACKING.fullmatch(cleaned) else None
