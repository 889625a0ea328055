"""The rule of a category's name: what people type, tidied, or one sentence saying what to change."""

from __future__ import annotations

from companion.domain.errors import UserError
from companion.i18n import N_

MAX_NAME = 40  # fits the counter's category box and a report row


def clean_name(text: str) -> str:
    """A category name with its spaces tidied; refuses an empty or overlong one."""
    name = " ".join(text.split())
    if not name:
        raise UserError(N_("A category needs a name: type one, such as \"Minuman\"."))
    if len(name) > MAX_NAME:
        raise UserError(N_("A category name can be at most {max} characters: type a shorter one."), max=MAX_NAME)
    return name
