"""Which cycle does what, and when its kill lands.

Every cycle has a mode (what the app process does, `kill_child.py`); each mode but "mixed" and "counter" aims its
kill at one kind of action: the campaign reads the child's output as it comes, waits for the n-th start of that
action ("> count …") and kills it within the time that action has been taking in this run, so the kill lands
inside it. The weights give stocktakes, replies, imports, restores and token refreshes at least 30 of the 300 kills
each (38 to 48 cycles: a few land beside their aim), and opening the database (a live file, or an old-version copy
whose migrations are due) 35.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections import defaultdict
from pathlib import Path

from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.store.database import Database
from companion.store.migrations import migrate

# mode → cycles of 300 (scaled down for --quick, at least one each; "mixed" takes what is left)
WEIGHTS = {"open": 15, "open-old": 20, "count": 38, "reply": 38, "import": 38, "restore": 48, "refresh": 38,
           "counter": 30, "mixed": 35}
# mode → the action its kill aims at (None: a moment 0.1–1.5 s after "ready")
TARGET = {"open": "open", "open-old": "open", "count": "count", "reply": "reply", "import": "import",
          "restore": "restore", "refresh": "refresh", "counter": None, "mixed": None}
FIRST_GUESS = 0.02  # seconds an action takes before this run has seen one
OLD_VERSION = 1     # the old-version file's schema: every later migration is due when it opens
OLD_PRODUCTS = 5


def schedule(cycles: int, rng: random.Random) -> list[str]:
    """The modes of all cycles, shuffled."""
    plan = {mode: max(1, round(w * cycles / 300)) for mode, w in WEIGHTS.items() if mode != "mixed"}
    modes = [m for mode, n in plan.items() for m in [mode] * n]
    modes += ["mixed"] * max(0, cycles - len(modes))
    rng.shuffle(modes)
    return modes[:cycles]


class Timing:
    """How long each kind of action took in this run (from the child's lines), to aim kills inside it."""

    def __init__(self) -> None:
        self.took: dict[str, list[float]] = defaultdict(list)

    def learn(self, lines: list[tuple[float, str]]) -> None:
        for (start, line), (end, _next) in itertools.pairwise(lines):
            if line.startswith("> "):
                self.took[line[2:].split(" ", 1)[0]].append(end - start)

    def kill_delay(self, kind: str, rng: random.Random) -> float:
        """A moment inside the action; opening a file that needs no migration takes a few milliseconds, about
        what the campaign needs to see the line, so that kill comes at once or nearly."""
        seen = self.took.get(kind)
        took = statistics.median(seen) if seen else FIRST_GUESS
        return rng.uniform(0, took / 4 if kind == "open" else took)


def make_old_file(path: Path, opening: int) -> None:
    """A shop file as an old version left it (schema v1, a few products with their opening counts)."""
    db = Database(path)
    try:
        migrate(db, OLD_VERSION)
        with db.write():
            for n in range(OLD_PRODUCTS):
                pid = new_id()
                db.execute("INSERT INTO products (id, sku, name, sell_price, created_at, updated_at)"
                           " VALUES (?, ?, ?, ?, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
                           (pid, f"OLD-{n}", f"Barang lama {n}", 1000 * (n + 1)))
                # plain SQL as v1 wrote it (today's add_movement names v12's outlet column)
                db.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, reference, created_at)"
                           " VALUES (?, ?, ?, ?, 'opening', '2025-01-01T00:00:00.000000Z')",
                           (new_id(), pid, MovementKind.OPENING.value, opening))
                db.execute("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, "
                           "(SELECT MAX(seq) FROM stock_movements))", (pid, opening))
        db.checkpoint()
    finally:
        db.close()
