"""A customer's fields as the shop types them: the rules every form and the counter's quick add share."""

from __future__ import annotations

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.domain.whatsapp import wa_number
from companion.i18n import N_

MAX_NAME = 80
MAX_PHONE = 30
MAX_NOTES = 500


def customer_problems(name: str, phone: str, notes: str) -> list[FieldProblem]:
    """Every problem at once, in the form's order (name, phone, notes). A phone is optional, but one that is
    given must be a number WhatsApp can open, or the reminder would fail on the day it is needed."""
    found: list[FieldProblem] = []
    if not name.strip():
        found.append(FieldProblem("name", UserError(N_("Write the customer's name, such as \"Bu Ani\"."))))
    elif len(name.strip()) > MAX_NAME:
        found.append(FieldProblem("name", UserError(N_("The name is too long: keep it under {n} letters."),
                                                    n=MAX_NAME)))
    if phone.strip():
        try:
            if len(phone.strip()) > MAX_PHONE:
                raise UserError(N_("The phone number is too long: write only the number, like 0812-3456-7890."))
            wa_number(phone)
        except UserError as exc:
            found.append(FieldProblem("phone", exc))
    if len(notes) > MAX_NOTES:
        found.append(FieldProblem("notes", UserError(N_("The notes are too long: keep them under {n} letters."),
                                                     n=MAX_NOTES)))
    return found


def tidy(text: str) -> str:
    """One line, single spaces: names and phones are shown in lists and messages."""
    return " ".join(text.split())
