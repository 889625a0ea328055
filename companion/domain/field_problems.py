"""What is wrong with a form, field by field, and what must be asked before it is saved.

Every form shows all its problems at once, each under its field, so rules return every problem instead of
raising at the first: `FieldProblems` carries them (its own message is the first one's, for callers that show one
sentence, such as an import row). `Unconfirmed` is for a value that is allowed but worth a question first (a free
product, a stock below zero): the form asks, and saves again with the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as default

from companion.domain.errors import UserError


@dataclass(frozen=True)
class FieldProblem:
    """One field's problem: `field` is the form's key for it (a setting key, "sku", "quantity", …)."""

    field: str
    error: UserError


class FieldProblems(UserError):
    """Every problem of one form, in the order its fields are read."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("FieldProblems needs at least one problem")
        first = self.problems[0].error
        super().__init__(first.msgid, **first.params)

    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


def raise_problems(problems: Iterable[FieldProblem]) -> None:
    """Raise FieldProblems when there is any problem; do nothing otherwise."""
    found = list(problems)
    if found:
        raise FieldProblems(found)


def problems_of(exc: UserError, field_name: str) -> list[FieldProblem]:
    """`exc` as field problems: its own list, or itself about `field_name`."""
    if isinstance(exc, FieldProblems):
        return list(exc.problems)
    return [FieldProblem(field_name, exc)]


@dataclass(frozen=True)
class Question:
    """A value that is allowed but asked about first; `key` is what a yes answers, `yes` the button's msgid."""

    key: str
    field: str
    msgid: str
    yes: str
    params: Mapping[str, object] = default(default_factory=dict)


class Unconfirmed(UserError):
    """Saving waits for a yes to `question` (the caller saves again with its key among the answers)."""

    def __init__(self, question: Question) -> None:
        super().__init__(question.msgid, **question.params)
        self.question = question


def ask(question: Question, answered: Iterable[str] | None) -> None:
    """Raise Unconfirmed unless `question` was answered; `answered` None means nobody to ask (an import, code)."""
    if answered is not None and question.key not in answered:
        raise Unconfirmed(question)
