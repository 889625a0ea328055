"""The app side of the concurrency run: `python -m bench.reliability.concurrency_child DATA_DIR ADMIN_URL SECONDS OUT
[INTERVAL_MS]`.

The real AppContext on an offscreen QApplication. The GUI thread records counter sales through the services on
`ctx.db` as fast as a QTimer(0) fires (or one every INTERVAL_MS), announcing each Change as the counter page does;
the real SyncBridge runs the sync engine's rounds back to back on its own thread (poll interval 0) against the
practice marketplace, whose buyers keep ordering. Every exception on either side is counted: the GUI side through
`error_text`, the sentence a person would see; the sync side from the runner's error log and rounds that ended
without a summary.
Writes OUT as JSON: sale ids, errors on each side, rounds, orders in, stock numbers pushed, seconds.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from bench.reliability.practice_shop import Admin, credentials_source
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.sync_bridge import SyncBridge
from companion.services.sales import record_sale
from companion.store import products as product_store
from companion.sync.events import SyncEvent


class _Errors(logging.Handler):
    """Every error the app logs while the run lasts (the runner logs a failed round here)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        reason = f": {record.exc_info[1]!r}" if record.exc_info else ""
        self.lines.append(f"{record.name}: {record.getMessage()}{reason}")


class Run:
    """Counts for both threads; `sell` is the GUI thread's QTimer(0) slot, `on_event` the bridge's signal."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.rng = random.Random(8)
        self.products = product_store.all_products(ctx.db)
        self.sales: list[str] = []
        self.attempts = 0
        self.gui_errors: list[str] = []
        self.rounds = self.failed_rounds = self.orders = self.pushed = 0
        self.problems: list[str] = []

    def sell(self) -> None:
        self.attempts += 1
        lines = [LineInput(p.id, self.rng.randint(1, 3), p.sell_price)
                 for p in self.rng.sample(self.products, self.rng.randint(1, 3))]
        try:
            result = record_sale(self.ctx.db, lines, PaymentMethod.CASH)
        except Exception as exc:  # what the counter page would show (show_error uses error_text)
            self.gui_errors.append(f"{type(exc).__name__}: {exc} → {error_text(exc)}")
            return
        self.sales.append(result.sale_id)
        self.ctx.announce(result.change)

    def on_event(self, event: SyncEvent) -> None:
        if event.kind != "round_finished":
            return
        self.rounds += 1
        if event.summary is None:
            self.failed_rounds += 1
            return
        for account in event.summary.accounts:
            self.orders += account.orders_new + account.orders_updated
            self.pushed += account.pushed
            if account.problem is not None and "lock" in (account.problem.detail or "").lower():
                self.problems.append(f"{account.account_id}: {account.problem.detail}")


def main(argv: list[str]) -> int:
    data_dir, admin_url, seconds, out = Path(argv[0]), argv[1], float(argv[2]), Path(argv[3])
    interval_ms = int(argv[4]) if len(argv) > 4 else 0
    app = QApplication([])
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    ctx = AppContext(data_dir)
    run = Run(ctx)
    bridge = SyncBridge(ctx, credentials_source(Admin(admin_url)), poll_seconds=0.0)
    ctx.sync = bridge
    bridge.event.connect(run.on_event)
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(run.sell)
    started = time.monotonic()

    def finish() -> None:
        timer.stop()
        bridge.stop()
        app.processEvents()  # the last round's events
        took = time.monotonic() - started
        out.write_text(json.dumps({
            "seconds": took, "sales": run.sales, "attempts": run.attempts, "gui_errors": run.gui_errors,
            "rounds": run.rounds, "failed_rounds": run.failed_rounds, "orders": run.orders, "pushed": run.pushed,
            "sync_errors": errors.lines + run.problems}), encoding="utf-8")
        app.quit()

    bridge.start()
    timer.start()
    QTimer.singleShot(int(seconds * 1000), finish)
    app.exec()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
