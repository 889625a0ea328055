"""The campaign's own tally of what the app process asked for and what it said had committed, and the check of
every product's ledger against it - independent of the app's own sums.

The child prints each request in full before it makes it ("> sale PID:QTY,…", "> count TAG PID:N", "> import TAG
REF=PID:QTY+…") and what committed after. A request it printed as committed must be in the ledger exactly once,
with the numbers asked for; a request cut off by the kill may be there or not, but whole (all its lines or none)
and never twice; nothing else may be there. A restore takes the ledger back to its backup: what committed after the
backup is dropped from the tally when the restore says it is done, and is "may or may not" when the kill cut the
restore off. Marketplace orders pulled by the sync are checked line by line against the marketplace's own order
and its live units (partial cancellations): taken at most once, never fewer than are live now nor more than were
ordered, never more given back than taken, and after the settle exactly the live units out (none once cancelled).
Walking the ledger in commit order with the tally's numbers gives each product's expected stock, compared with the
stock the app shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from companion.store.accounts import FILE_SHOP_REF
from companion.store.database import Database

COUNT_REASON = "stok opname "
Lines = dict[str, int]  # product id → quantity (or counted level)


@dataclass(frozen=True)
class MarketLine:
    """One product's units in one marketplace order: as ordered, and still live (0 once the order is cancelled)."""

    ordered: int
    live: int


Market = dict[tuple[str, str], dict[str, MarketLine]]  # (platform, order ref) → product id → its units


def parse_lines(text: str, sep: str = ",") -> Lines:
    return {pid: int(qty) for pid, _, qty in (part.partition(":") for part in text.split(sep) if part)}


@dataclass
class Events:
    """One kind of request: committed (printed as done) and uncertain (cut off by a kill)."""

    done: dict[str, Lines] = field(default_factory=dict)
    maybe: dict[str, Lines] = field(default_factory=dict)

    def want(self, key: str) -> Lines | None:
        return self.done.get(key) or self.maybe.get(key)


@dataclass
class QuantityTally:
    opening: int
    sales: Events = field(default_factory=Events)
    counts: Events = field(default_factory=Events)
    imports: Events = field(default_factory=Events)
    loose_sales: list[Lines] = field(default_factory=list)  # sales cut off before their id was printed
    restores: int = 0
    restores_cut: int = 0
    partly_given_back: int = 0  # marketplace lines, at the last check, with units given back while others stay out

    def read(self, lines: list[str]) -> str:
        """Take in one cycle's output; returns the action the kill interrupted ("start-up" before any)."""
        busy, asked = "start-up", ""
        since_backup: list[tuple[Events, str]] | None = None
        for line in lines:
            if line.startswith("> "):
                busy, asked = line[2:].split(" ", 1)[0], line[2:]
                continue
            word, _, rest = line.partition(" ")
            if word == "backup":
                since_backup = []
            elif word == "restored":
                self.restores += 1
                for events, key in since_backup or []:
                    events.done.pop(key, None)
                since_backup = None
            else:
                done = self._done(word, rest, asked)
                if done is not None and since_backup is not None:
                    since_backup.append(done)
            busy, asked = "between actions", ""
        self._cut(busy, asked, since_backup)
        return busy

    def _done(self, word: str, rest: str, asked: str) -> tuple[Events, str] | None:
        kind, _, request = asked.partition(" ")
        if word == "sale" and kind == "sale":
            self.sales.done[rest] = parse_lines(request)
            return self.sales, rest
        if word == "count" and kind == "count":
            tag, _, counted = request.partition(" ")
            self.counts.done[tag] = parse_lines(counted)
            return self.counts, tag
        if word == "import" and kind == "import":
            for ref, lines in _orders(request).items():
                self.imports.done[ref] = lines
        return None

    def _cut(self, busy: str, asked: str, since_backup: list[tuple[Events, str]] | None) -> None:
        """The action the kill cut off: its request may or may not have committed."""
        kind, _, request = asked.partition(" ")
        if kind == "sale":
            self.loose_sales.append(parse_lines(request))
        elif kind == "count":
            tag, _, counted = request.partition(" ")
            self.counts.maybe[tag] = parse_lines(counted)
        elif kind == "import":
            self.imports.maybe.update(_orders(request))
        elif kind == "restore":
            self.restores_cut += 1
            for events, key in since_backup or []:
                events.maybe[key] = events.done.pop(key)

    def confirmed_sales(self) -> list[str]:
        return list(self.sales.done)


def _orders(request: str) -> dict[str, Lines]:
    _tag, _, orders = request.partition(" ")
    return {ref: parse_lines(lines, "+") for ref, _, lines in (o.partition("=") for o in orders.split(";") if o)}


@dataclass
class _Walk:
    """One pass over the ledger in commit order."""

    tally: QuantityTally
    market: Market
    orders: dict[str, tuple[str, str, bool]]   # local order id → (channel, platform order id, from a file)
    level: dict[str, int] = field(default_factory=dict)
    seen: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    loose: dict[str, Lines] = field(default_factory=dict)
    market_moves: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def move(self, pid: str, kind: str, qty: int, reason: str, reference: str) -> None:
        if kind == "opening":
            self._expect(qty == self.tally.opening, f"product {pid}: opening {qty}, the campaign set "
                                                    f"{self.tally.opening}")
            self.level[pid] = self.tally.opening
        elif kind == "stocktake":
            tag = reason[len(COUNT_REASON):] if reason.startswith(COUNT_REASON) else ""
            self._asked(self.tally.counts, "stocktake", tag, pid, qty, absolute=True)
        elif kind == "counter_sale":
            sale = reference.removeprefix("sale:")
            if self.tally.sales.want(sale) is None:  # counted only when it is a cut-off request, whole
                self.level[pid] = self.level.get(pid, 0) + (qty if sale in self.loose else 0)
            else:
                self._asked(self.tally.sales, "sale", sale, pid, -qty)
        elif kind in ("online_order", "online_cancel"):
            self._order(pid, kind, qty, reference.removeprefix("order:"))
        else:
            self.problems.append(f"product {pid}: a {kind} movement of {qty} nobody asked for")

    def _expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def _asked(self, events: Events, what: str, key: str, pid: str, qty: int, absolute: bool = False) -> None:
        want = (events.want(key) or {}).get(pid)
        if want is None:
            self.problems.append(f"product {pid}: a {what} {key or '?'} of {qty} the app process never asked for")
            self.level[pid] = qty if absolute else self.level.get(pid, 0) - qty
            return
        self.seen[(what, key, pid)] += 1
        self._expect(qty == want, f"product {pid}: {what} {key} recorded {qty}, asked for {want}")
        self.level[pid] = want if absolute else self.level.get(pid, 0) - want

    def _order(self, pid: str, kind: str, qty: int, order_id: str) -> None:
        channel, ref, from_file = self.orders.get(order_id, ("?", "?", False))
        if from_file:
            if kind != "online_order":
                self.problems.append(f"product {pid}: imported order {ref} gave stock back ({qty})")
            self._asked(self.tally.imports, "import", ref, pid, -qty)
            return
        want = self.market.get((channel, ref), {}).get(pid)
        self.market_moves[(order_id, pid, kind)] += abs(qty)
        self._expect(want is not None and abs(qty) <= want.ordered,
                     f"product {pid}: {kind} {qty} for {channel} order {ref}, which orders "
                     f"{want.ordered if want else None}")
        self.level[pid] = self.level.get(pid, 0) + qty


def _whole(events: Events, what: str, seen: Counter[tuple[str, str, str]]) -> list[str]:
    """Committed requests: every line exactly once. Cut-off ones: all lines or none, each at most once."""
    problems = []
    for key, lines in [*events.done.items(), *events.maybe.items()]:
        found = [seen[(what, key, pid)] for pid in lines]
        committed = key in events.done
        if any(n > 1 for n in found):
            problems.append(f"{what} {key} recorded twice")
        elif committed and not all(found):
            problems.append(f"{what} {key} reported committed but {found.count(0)} of its lines are missing")
        elif not committed and any(found) and not all(found):
            problems.append(f"{what} {key} cut off by a kill and only partly recorded")
    return problems


def check(db: Database, tally: QuantityTally, market: Market, settled: bool = False) -> tuple[int, list[str]]:
    """(requests and products checked, what broke): the ledger against the tally, then each product's stock.
    `settled`: the sync has caught up, so every marketplace order line taken has exactly its live units out."""
    accounts = {r["id"]: (r["channel"], r["shop_ref"] == FILE_SHOP_REF)
                for r in db.query("SELECT id, channel, shop_ref FROM accounts")}
    orders = {r["id"]: (accounts[r["account_id"]][0], r["platform_order_id"], accounts[r["account_id"]][1])
              for r in db.query("SELECT id, account_id, platform_order_id FROM online_orders")}
    moves = db.query("SELECT product_id, kind, quantity, reason, reference FROM stock_movements ORDER BY seq")
    unknown: dict[str, Lines] = {}
    for m in moves:
        sale = str(m["reference"] or "").removeprefix("sale:")
        if m["kind"] == "counter_sale" and tally.sales.want(sale) is None:
            unknown.setdefault(sale, {})[m["product_id"]] = -m["quantity"]
    accepted, problems = _loose(unknown, tally.loose_sales)
    walk = _Walk(tally, market, orders, loose={sale: unknown[sale] for sale in accepted})
    for m in moves:
        walk.move(m["product_id"], m["kind"], m["quantity"], m["reason"] or "", m["reference"] or "")
    problems += walk.problems
    problems += _whole(tally.sales, "sale", walk.seen) + _whole(tally.counts, "stocktake", walk.seen)
    problems += _whole(tally.imports, "import", walk.seen)
    problems += _market_units(walk.market_moves, orders, market, settled)
    tally.partly_given_back = sum(1 for (o, p, kind), n in walk.market_moves.items()
                                  if kind == "online_cancel" and walk.market_moves[(o, p, "online_order")] > n)
    shown = {r["product_id"]: r["on_hand"] for r in db.query("SELECT product_id, on_hand FROM stock_levels")}
    for pid, expected in walk.level.items():
        if shown.get(pid) != expected:
            problems.append(f"product {pid}: the app shows {shown.get(pid)}, opening + what was asked gives "
                            f"{expected}")
    checked = sum(len(e.done) + len(e.maybe) for e in (tally.sales, tally.counts, tally.imports)) + len(walk.level)
    return checked, problems


def _loose(found: dict[str, Lines], cut_off: list[Lines]) -> tuple[set[str], list[str]]:
    """Sales in the ledger whose id was never printed: each must be one cut-off request, whole (each request
    taken once). Returns (the sales accepted, the problems)."""
    left = list(cut_off)
    accepted, problems = set(), []
    for sale, lines in found.items():
        if lines in left:
            left.remove(lines)
            accepted.add(sale)
        else:
            problems.append(f"sale {sale} ({lines}) matches no request the app process made")
    return accepted, problems


def _market_units(moves: Counter[tuple[str, str, str]], orders: dict[str, tuple[str, str, bool]], market: Market,
                  settled: bool) -> list[str]:
    """Each marketplace order line against the platform's own order: its units taken (once, the units live when the
    app first took them: no fewer than live now, no more than ordered), given back (never more than taken), and
    after the settle exactly the live units out - a partial cancellation gives back exactly the cancelled units."""
    problems = []
    for order_id, pid in sorted({(o, p) for o, p, _ in moves}):
        channel, ref, _ = orders.get(order_id, ("?", "?", False))
        want = market.get((channel, ref), {}).get(pid)
        if want is None:
            continue  # named by the per-movement check
        taken, back = moves[(order_id, pid, "online_order")], moves[(order_id, pid, "online_cancel")]
        where = f"{channel} order {ref}, product {pid}"
        if taken and not want.live <= taken <= want.ordered:
            problems.append(f"{where}: {taken} taken, the order has {want.ordered} ({want.live} live)")
        if back > taken:
            problems.append(f"{where}: {back} given back, {taken} taken")
        elif taken and taken - back < want.live:
            problems.append(f"{where}: {taken - back} out, {want.live} still live on the order")
        elif settled and taken and taken - back != want.live:
            problems.append(f"{where}: {taken - back} out after settle, {want.live} live on the order "
                            f"({want.ordered} ordered)")
    return problems
