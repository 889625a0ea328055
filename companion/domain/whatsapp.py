"""WhatsApp click-to-chat links (no API, no account): the shop's own WhatsApp opens with the message filled in.

WhatsApp's FAQ "How to use click to chat": https://wa.me/<number> where <number> is the full phone number in
international format, without a plus sign, leading zeros, brackets or dashes; a message is added as
?text=<URL-encoded text> and lands in the chat's input box for the sender to check and send.

Numbers are read as Indonesian shops type them: 0812-3456-7890, +62 812 3456 7890, 62812…, 812…, with spaces,
dots, dashes or brackets. A number written with + or 00 and another country code is kept as it is.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from companion.domain.errors import UserError
from companion.i18n import N_

COUNTRY = "62"  # Indonesia
_SEPARATORS = re.compile(r"[\s.\-()/]+")
NOT_A_PHONE = N_("\"{phone}\" is not a phone number WhatsApp can open: write it like 0812-3456-7890.")
NO_PHONE = N_("This customer has no phone number: add their WhatsApp number first.")


def wa_number(phone: str) -> str:
    """The digits wa.me wants (62812…); UserError with one sentence for anything that is not a phone number."""
    shown = phone.strip()
    if not shown:
        raise UserError(NO_PHONE)
    text = _SEPARATORS.sub("", shown)
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif text.startswith("0"):
        digits = COUNTRY + text[1:]
    elif text.startswith(COUNTRY):
        digits = text
    elif text.startswith("8"):  # a mobile number typed without its 0
        digits = COUNTRY + text
    else:
        raise UserError(NOT_A_PHONE, phone=shown)
    if not digits.isascii() or not digits.isdigit() or not _plausible(digits):
        raise UserError(NOT_A_PHONE, phone=shown)
    return digits


def _plausible(digits: str) -> bool:
    """Indonesian numbers have 8 to 12 digits after 62 (mobiles 8xx: 9 to 12), never a 0 right after it;
    other countries' numbers 8 to 15 digits in all (E.164's limit)."""
    if digits.startswith(COUNTRY):
        rest = digits[len(COUNTRY):]
        return 8 <= len(rest) <= 12 and not rest.startswith("0")
    return 8 <= len(digits) <= 15 and not digits.startswith("0")


def chat_link(phone: str, text: str) -> str:
    """https://wa.me/62812…?text=… for `phone` as people type it, with `text` URL-encoded (UTF-8, every
    reserved character escaped so "&", "#" and new lines arrive as written)."""
    number = wa_number(phone)
    if not text:
        return f"https://wa.me/{number}"
    return f"https://wa.me/{number}?text={quote(text, safe='')}"
