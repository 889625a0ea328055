"""What the engine's token refresh needs besides the lock (store/refresh_lock.py): when an answer counts as lost,
and the error that says a lost answer plainly."""

from __future__ import annotations

from companion.connectors.errors import AuthExpired, Temporary

_SENT_BUT_UNANSWERED = ("no answer in time", "connection failed")  # connectors/http.py transport_error words


class RefreshLost(AuthExpired):
    """The refresh was sent but its answer lost, and the old refresh token is (or may be) spent: link again."""

    def __init__(self, message: str = "refresh answer lost") -> None:
        super().__init__(message, reauthorize=True)


def answer_lost(exc: Temporary) -> bool:
    """The refresh request may have reached the platform (so a single-use refresh token may be spent)."""
    return exc.outcome_unknown or exc.message.startswith(_SENT_BUT_UNANSWERED)

