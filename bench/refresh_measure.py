"""The GUI's refresh after a busy sync round: a shop with 20 000 online orders, the main window on Pesanan Online,
and a round that brought 1 000 new orders and changed 500 more. Measured: the bridge delivering the round's end on
the GUI thread until every page has handled the announced Change (the visible page reloads, the others note it).

The round's Change comes from the services (RoundSummary.change); before issue 12 the bridge compared every order
with a snapshot taken before the round instead (kept in git history at e2f92c4; the README reports that figure
measured the same way). Baseline: the same delivery after a round with nothing new (only the sync status changed).
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Result

if TYPE_CHECKING:
    from bench.measures import Setup
    from companion.domain.marketplace import Order
    from companion.services.change import Change
    from companion.store.database import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STORED = 19_000
NEW = 1_000
CHANGED = 500
ROUNDS = 5
PAGE = 100


def _orders(start: int, count: int, at: datetime, status: str = "READY_TO_SHIP") -> list[Order]:
    from companion.domain.marketplace import Order, OrderLine, OrderStatus

    state = OrderStatus.PAID if status == "READY_TO_SHIP" else OrderStatus.SHIPPED
    return [Order("shopee", f"B{n:07d}", status, state, at, at, at + timedelta(days=2), "budi",
                  (OrderLine("1", f"i{n % 500}", "0", f"SKU-{n % 500}", "Barang", 1, 15_000),))
            for n in range(start, start + count)]


def _apply(db: Database, account_id: str, orders: list[Order]) -> Change:
    from companion.services.change import Change
    from companion.services.online_orders import apply_orders

    change = Change()
    for at in range(0, len(orders), PAGE):
        change |= apply_orders(db, account_id, orders[at:at + PAGE]).change
    return change


def gui_refresh(setup: Setup) -> list[Result]:
    """The window's refresh after a busy sync round (new and changed orders) against one with nothing new."""
    from companion.gui.app import application
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow
    from companion.gui.sync_bridge import SyncBridge
    from companion.services.accounts import link_practice_accounts
    from companion.services.change import Change
    from companion.sync.events import RoundSummary, SyncEvent

    data_dir = setup.work / "refresh"
    data_dir.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{data_dir / 'companion.sqlite3'}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(setup.shop, data_dir / "companion.sqlite3")
    app = application()
    ctx = AppContext(data_dir)
    try:
        from companion.connectors.shopee.credentials import ShopeeCredentials

        (account_id,), _ = link_practice_accounts(ctx.db, {"shopee": ShopeeCredentials(
            1, "k", 2, base_url="http://127.0.0.1:9")})
        now = datetime.now(UTC) - timedelta(hours=1)
        _apply(ctx.db, account_id, _orders(0, STORED, now - timedelta(days=1)))
        window = MainWindow(ctx, start_page="orders")
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        bridge = SyncBridge(ctx, lambda account: None)  # type: ignore[arg-type,return-value]  # never started

        def deliver(change: Change) -> float:
            summary = RoundSummary(now, now, (), 0, change)
            started = time.perf_counter()
            bridge._deliver(SyncEvent("round_finished", summary=summary))
            app.processEvents()
            return time.perf_counter() - started

        busy, quiet = [], []
        rounds = 2 if setup.quick else ROUNDS
        for n in range(rounds):
            base = STORED + n * NEW
            fresh = _orders(base, NEW, now + timedelta(minutes=n))
            moved = [replace(o, status_raw="SHIPPED") for o in _orders(n * CHANGED, CHANGED, now, "SHIPPED")]
            change = _apply(ctx.db, account_id, fresh + moved)
            busy.append(deliver(change | Change(sync=True)))
            quiet.append(deliver(Change(sync=True)))
        window.close()
    finally:
        ctx.close()
    value, base_value = statistics.median(busy) * 1000, statistics.median(quiet) * 1000
    return [Result(f"GUI refresh after a round of {NEW:,} new + {CHANGED} changed orders (20 000 stored)", value,
                   "ms", base_value)]
