"""The Kotak Masuk list a screenful at a time: waiting buyers first, the most urgent on top, then the rest, newest
first (the order `inbox_view` always had), read from the v13 indexes instead of sorting every conversation.

Each waiting group (store/inbox_list.py: one channel rule, holiday flag and hand-logged target) is already in
deadline order in its index, because a rule never makes a later question due earlier; the pager merges the few
groups by deadline, reading each only as far as the screen needs. Then come the answered ones, newest first.

Paging while the record changes: a pager is a snapshot walk. It never shows a conversation twice (a chat that moved
between pages, e.g. answered after it was shown, is skipped), and a chat that moved above the point reached is
shown at its new place when the page reloads on the change (the GUI reloads on every `Change.conversations`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from companion.domain.clock import parse_stamp, stamp
from companion.domain.deadlines import Clock, clock_for
from companion.domain.settings_keys import TIME_ZONE
from companion.services.reply_rules import reply_rule
from companion.store import inbox_list
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.inbox import ConversationRow
from companion.store.inbox_list import WaitingGroup

Entry = tuple[ConversationRow, Clock | None]
SEARCH_MATCHES = 2000  # newest matching messages a search looks through (docs/INBOX.md "Search")
FIRST_CHUNK = 8  # rows read from each waiting group at first; more only when the merge reaches them
OLDEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class _Stream:
    """One waiting group read in index order (or, for a search, from its keys in memory), a little ahead of the
    merge."""

    group: WaitingGroup
    keys: list[tuple[str, str]] | None = None  # a search's conversations of this group: (waiting_since, id) sorted
    until: str | None = None  # "overdue": only those waiting since then or before
    buffer: deque[tuple[tuple[int, float, str, str], Entry]] = field(default_factory=deque)  # (urgency, entry)
    after: tuple[str, str] | None = None
    done: bool = False


def _moment(text: str) -> datetime:
    """A stored stamp (domain.clock.stamp's form) as a UTC moment: fromisoformat reads it ~20× faster than
    parse_stamp's strptime, which was most of the cost of reading a long list; anything else falls back to it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return parse_stamp(text)
    return moment if moment.utcoffset() == timedelta(0) else parse_stamp(text)


def _urgency(row: ConversationRow, clock: Clock | None) -> tuple[int, float, str, str]:
    """Ascending = more urgent: a deadline (earliest first: overdue ones are the earliest), then no deadline
    (longest waiting first). As domain.deadlines.urgency_key, with who asked first, then the id, to break ties."""
    since = row.waiting_since or ""
    if clock is None or clock.deadline is None:
        return (1, 0.0, since, row.id)
    return (0, clock.deadline.timestamp(), since, row.id)


class InboxPager:
    """The list for one filter (channel, state "all"/"waiting"/"overdue", search words), read with `next(n)`."""

    def __init__(self, db: Database, now: datetime, channel: str | None = None, state: str = "all",
                 search: str = "") -> None:
        self.db, self.now, self.channel, self.state = db, now, channel or None, state
        self.zone = settings_store.get(db, TIME_ZONE)
        found = inbox_list.search_keys(db, search, SEARCH_MATCHES, self.channel)
        self.answered_keys: list[tuple[str, str]] | None = None  # a search's: (last message, id), newest first
        if found is None:
            counted = inbox_list.summary(db, self.channel, answered_too=state == "all")
            self.streams = [_Stream(g) for g in counted.waiting]
            self.counts = (sum(counted.waiting.values()), counted.answered)
        else:
            self.streams, self.answered_keys = _searched(found)
            self.counts = (sum(len(s.keys or ()) for s in self.streams), len(self.answered_keys))
        if state == "overdue":
            self.streams = [s for s in self.streams if self._until(s)]
        self.answered_after: tuple[str, str] | None = None
        self.answered_done = state != "all"
        self.seen: set[str] = set()

    # -- counts -----------------------------------------------------------------------------------------------
    def total(self) -> int:
        """How many conversations the whole list holds (the count beside the filters), from the indexes."""
        if self.state == "overdue":
            return sum(len(s.keys) if s.keys is not None else inbox_list.count_waiting(self.db, s.group, s.until)
                       for s in self.streams)
        waiting, answered = self.counts
        return waiting + answered if self.state == "all" else waiting

    # -- reading ----------------------------------------------------------------------------------------------
    @property
    def exhausted(self) -> bool:
        return self.answered_done and all(s.done and not s.buffer for s in self.streams)

    def next(self, n: int) -> list[Entry]:
        """The next `n` rows of the list (fewer at its end); a conversation already given is not given again."""
        out: list[Entry] = []
        while len(out) < n and not self.exhausted:
            waiting = any(s.buffer or not s.done for s in self.streams)
            for entry in self._next_waiting(n - len(out)) if waiting else self._next_answered(n - len(out)):
                if entry[0].id not in self.seen:
                    self.seen.add(entry[0].id)
                    out.append(entry)
        return out

    def _next_waiting(self, n: int) -> list[Entry]:
        """Up to `n` waiting rows by urgency: a group is read further whenever its next row must be compared."""
        chunk = max(FIRST_CHUNK, -(-n // max(len(self.streams), 1)) + 1)  # the groups share the screen
        out: list[Entry] = []
        while len(out) < n:
            self._fill([s for s in self.streams if not s.buffer and not s.done], chunk)
            live = [s for s in self.streams if s.buffer]
            if not live:
                break
            out.append(min(live, key=lambda s: s.buffer[0][0]).buffer.popleft()[1])
        return out

    def _fill(self, empty: list[_Stream], limit: int) -> None:
        """Read the next rows of these groups: from the index, or a search's in one query for all its groups."""
        keyed = {id(s): self._take(s, limit) for s in empty if s.keys is not None}
        found = {r.id: r for r in inbox_list.rows_by_id(self.db, [i for ids in keyed.values() for i in ids])} \
            if keyed else {}
        for s in empty:
            if s.keys is None:
                rows = inbox_list.waiting_rows(self.db, s.group, s.after, limit, s.until)
                s.done = len(rows) < limit
                s.after = (rows[-1].waiting_since or "", rows[-1].id) if rows else s.after
            else:
                # one answered since the search began has moved: it shows at its new place on the next reading
                rows = [found[i] for i in keyed[id(s)] if i in found and found[i].waiting_since]
            rule = reply_rule(s.group.channel)
            for row in rows:
                clock = clock_for(rule, _moment(row.waiting_since or ""), self.zone, row.target_minutes,
                                  row.holiday_mode)
                s.buffer.append((_urgency(row, clock), (row, clock)))

    @staticmethod
    def _take(s: _Stream, limit: int) -> list[str]:
        """The next ids of a search's group (its keys sorted in memory), moving its place on."""
        keys = s.keys or []
        start = 0 if s.after is None else int(s.after[1])
        taken = keys[start:start + limit]
        s.done = start + len(taken) >= len(keys)
        s.after = ("", str(start + len(taken)))
        return [k[1] for k in taken]

    def _next_answered(self, n: int) -> list[Entry]:
        if self.answered_keys is not None:
            start = 0 if self.answered_after is None else int(self.answered_after[1])
            taken = self.answered_keys[start:start + n]
            rows = inbox_list.rows_by_id(self.db, [k[1] for k in taken])
            self.answered_after = ("", str(start + len(taken)))
            self.answered_done = start + len(taken) >= len(self.answered_keys)
            return [(row, None) for row in rows]
        rows = inbox_list.answered_rows(self.db, self.channel, self.answered_after, n)
        if rows:
            self.answered_after = rows[-1].answered_key
        self.answered_done = len(rows) < n
        return [(row, None) for row in rows]

    # -- overdue ----------------------------------------------------------------------------------------------
    def _until(self, s: _Stream) -> bool:
        """Narrow a group to its overdue conversations; False when none of it can be overdue."""
        s.until = self._overdue_until(s.group)
        if s.until is not None and s.keys is not None:
            s.keys = [k for k in s.keys if k[0] <= s.until]
        return s.until is not None and s.keys != []

    def _overdue_until(self, group: WaitingGroup) -> str | None:
        """The latest waiting_since whose deadline has passed, for this group's rule (None: nobody can be overdue).
        The rule is monotone, so the overdue ones are the start of the group's index range: found by halving time
        (to the microsecond the stamps hold), then counted and read in the index."""
        rule = reply_rule(group.channel)

        def overdue(since: datetime) -> bool:
            clock = clock_for(rule, since, self.zone, group.target_minutes, group.holiday_mode)
            return clock.overdue(self.now)

        low, high = OLDEST, self.now
        if rule is None or not overdue(low):
            return None
        while high - low > timedelta(microseconds=1):
            middle = low + (high - low) / 2
            low, high = (middle, high) if overdue(middle) else (low, middle)
        return stamp(low)


def _searched(keys: dict[WaitingGroup | None, list[tuple[str, str]]]) -> tuple[list[_Stream], list[tuple[str, str]]]:
    """A search's conversations as streams per waiting group (in their index order) and the answered ones, newest
    first: the same order the indexes give the whole list."""
    streams = [_Stream(g, sorted(ks)) for g, ks in keys.items() if g is not None]
    return streams, sorted(keys.get(None, []), reverse=True)


PAST_EVERY_ID = "\U0010ffff"  # sorts after any id: a key (stamp, PAST_EVERY_ID) passes every row of that stamp
DUE_SOON_CHUNK = 8  # rows taken from the merge at a time while looking for the end of the window


def waiting_counts(db: Database, now: datetime) -> tuple[int, int]:
    """(waiting, overdue) over the whole inbox, counted in the indexes: the tray's figures, whatever the size."""
    pager = InboxPager(db, now, state="overdue")
    return pager.counts[0], pager.total()


@dataclass(frozen=True)
class WaitingNow:
    """What the tray shows: who waits, who is overdue (counted in the indexes), and the chats due soon."""

    waiting: int
    overdue: int
    due_soon: list[Entry]


def waiting_now(db: Database, now: datetime, within: timedelta) -> WaitingNow:
    """The counts, and the waiting chats not yet overdue whose deadline falls within `within` from now (most
    urgent first), from one pager: each group's overdue range is found once (the pager's halving), counted in the
    index, then skipped; the merge stops at the first deadline beyond the window. So this reads about the chats due
    soon, never the whole waiting list."""
    pager = InboxPager(db, now, state="waiting")
    overdue = 0
    for s in pager.streams:
        overdue_end = pager._overdue_until(s.group)
        if overdue_end is not None:
            overdue += inbox_list.count_waiting(db, s.group, overdue_end)
            s.after = (overdue_end, PAST_EVERY_ID)
    return WaitingNow(pager.total(), overdue, _due_within(pager, now, within))


def due_soon(db: Database, now: datetime, within: timedelta) -> list[Entry]:
    """The waiting chats not yet overdue whose deadline falls within `within` from now, most urgent first."""
    return waiting_now(db, now, within).due_soon


def _due_within(pager: InboxPager, now: datetime, within: timedelta) -> list[Entry]:
    out: list[Entry] = []
    while not pager.exhausted:
        page = pager.next(DUE_SOON_CHUNK)
        for row, clock in page:
            if clock is None or clock.deadline is None or clock.deadline > now + within:
                return out  # the merge is in deadline order: nothing after it is due sooner
            if not clock.overdue(now):  # (the halving already skipped the overdue ones; this only makes sure)
                out.append((row, clock))
        if not page:
            break
    return out


def inbox_view(db: Database, now: datetime, channel: str | None = None, state: str = "all",
               search: str = "", limit: int | None = None) -> list[Entry]:
    """The whole list (or its first `limit` rows) in the inbox's order: for the tray's counts and for callers
    that want every row; the page reads it a screenful at a time through `InboxPager`."""
    pager = InboxPager(db, now, channel, state, search)
    out: list[Entry] = []
    while not pager.exhausted and (limit is None or len(out) < limit):
        page = pager.next(500 if limit is None else limit - len(out))
        if not page:
            break
        out += page
    return out

