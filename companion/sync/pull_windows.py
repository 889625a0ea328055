"""The time window a cursor-driven pull walks (orders, returns, reviews): a walk in progress resumes its own window
and platform page; otherwise it runs from where the last walk ended up to now. The cursor row holds JSON
{"updated_from", "updated_to", "page"}; a missing or unreadable one starts `first_window` back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from companion.domain.clock import now_utc, parse_stamp
from companion.store import sync_state
from companion.store.database import Database


@dataclass(frozen=True)
class Window:
    updated_from: datetime
    updated_to: datetime
    page: str | None      # the platform's cursor of a walk in progress (None: a new walk)
    first: bool = False   # no readable cursor yet: the first walk, `first_window` back

    def parts(self) -> tuple[datetime, datetime, str | None]:
        return self.updated_from, self.updated_to, self.page


def walk_window(db: Database, account_id: str, stream: str, first_window: timedelta) -> Window:
    now = now_utc()
    raw = sync_state.cursor(db, account_id, stream)
    try:
        state = json.loads(raw) if raw else {}
        updated_from = parse_stamp(str(state["updated_from"]))
    except (ValueError, KeyError, TypeError):
        return Window(now - first_window, now, None, first=True)
    page = state.get("page")
    if page and state.get("updated_to"):
        return Window(updated_from, parse_stamp(str(state["updated_to"])), str(page))
    return Window(min(updated_from, now), now, None)
