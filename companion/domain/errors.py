"""Errors a person can act on: a translatable message id plus the values it mentions."""

from __future__ import annotations

from companion.i18n import tr


class UserError(Exception):
    """A problem the user caused or can fix; `message()` is one plain sentence: what happened, what to do."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self) -> str:
        return tr(self.msgid, **{k: _show(k, v) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message()


def _show(key: str, value: object) -> object:
    """The `field` parameter names a form field by its msgid, so it is translated too."""
    return tr(value) if key == "field" and isinstance(value, str) else value


class NotFound(UserError):
    """The thing asked for is not in the record (deleted elsewhere, or a typo)."""
