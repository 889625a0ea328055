"""The app process the kill cycles SIGKILL: `python -m bench.reliability.kill_child DATA_DIR ADMIN_URL SEED MODE`.

Work through the real services and the real sync engine, one action at a time, until it is killed. MODE says
what the cycle is about (`kill_plan.MODES`): mixed work (sales, stocktakes, replies, sync rounds), counter work
only, or one kind over and over (stocktakes, replies, order-file imports, backup-then-restore, token refreshes),
so that the campaign can land its kill inside that kind; "open" only opens the database (the campaign kills it
while it opens and migrates).

Before each action it prints "> kind" with the request in full (which product, how many), so the campaign keeps
its own tally; after a write has committed it prints what committed (`kill_plan` reads both):
  > open                                   ready
  > sale PID:QTY,PID:QTY                   sale <sale id>
  > count TAG PID:N,PID:N                  count TAG
  > import TAG REF=PID:QTY+PID:QTY;REF=…    import TAG
  > reply                                  reply <message id> | reply none
  > round                                  round <ok> <pending>
  > backup                                 backup <file>
  > restore <file>                         restored <file>
  > refresh                                refresh ok | refresh refused <kind>
"""

from __future__ import annotations

import csv
import random
import sys
import time
import uuid
from pathlib import Path

from bench.reliability.practice_shop import Admin, quick_connector, quick_engine
from companion.connectors.errors import ConnectorError, Temporary
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import order_import
from companion.services.accounts import credentials_for, save_tokens
from companion.services.inbox import queue_reply
from companion.services.sales import record_sale
from companion.services.stock import count_stock
from companion.store import accounts as account_store
from companion.store import backup, refresh_lock
from companion.store import products as product_store
from companion.store.database import Database, close_thread_databases, forget_thread_databases, open_database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine
from companion.sync.token_refresh import answer_lost

REPLY_PREFIX = "Siap kak, ditunggu pesanannya "
COUNT_REASON = "stok opname "   # + the stocktake's tag: the campaign finds its rows by it
IMPORT_CHANNEL = "tiktok"       # a practice channel: the file's orders go to its file-import account
TIKTOK_FILE_HEADERS = ["Order ID", "Order Status", "SKU ID", "Seller SKU", "Product Name", "Quantity",
                       "SKU Unit Original Price", "SKU Subtotal After Discount", "Created Time", "Buyer Username"]


def say(line: str) -> None:
    print(line, flush=True)


class Child:
    """One app process: its connection, its engine, the shop's products, a seeded RNG."""

    def __init__(self, data_dir: Path, admin: Admin, seed: int) -> None:
        self.data_dir, self.admin, self.rng = data_dir, admin, random.Random(seed)
        say("> open")
        self.db: Database = open_database(db_path(data_dir))
        self.engine: SyncEngine = quick_engine(db_path(data_dir), admin)
        self.products = product_store.all_products(self.db)

    def sale(self) -> None:
        chosen = self.rng.sample(self.products, self.rng.randint(1, 3))
        lines = [LineInput(p.id, self.rng.randint(1, 3), p.sell_price) for p in chosen]
        say("> sale " + ",".join(f"{x.product_id}:{x.quantity}" for x in lines))
        say(f"sale {record_sale(self.db, lines, self.rng.choice(list(PaymentMethod))).sale_id}")

    def count(self) -> None:
        counted = {p.id: self.rng.randint(300, 600) for p in self.rng.sample(self.products, self.rng.randint(1, 2))}
        tag = uuid.uuid4().hex[:12]
        say(f"> count {tag} " + ",".join(f"{pid}:{n}" for pid, n in counted.items()))
        count_stock(self.db, counted, COUNT_REASON + tag)
        say(f"count {tag}")

    def reply(self) -> None:
        say("> reply")
        rows = self.db.query("SELECT id FROM conversations WHERE account_id IS NOT NULL ORDER BY id")
        if not rows:
            say("reply none")
            return
        message_id, _ = queue_reply(self.db, self.rng.choice(rows)["id"], REPLY_PREFIX + uuid.uuid4().hex[:12])
        say(f"reply {message_id}")

    def round(self) -> None:
        say("> round")
        summary = self.engine.sync_once()
        say(f"round {int(summary.ok)} {summary.pending_changes}")

    def import_orders(self) -> None:
        """An order export file of 1–40 orders written here, then `services.order_import.import_file`."""
        tag = uuid.uuid4().hex[:10]
        orders = {f"IMP{tag}{n:03d}".upper(): {p.id: self.rng.randint(1, 2) for p in
                                              self.rng.sample(self.products, self.rng.randint(1, 2))}
                  for n in range(self.rng.randint(1, 40))}
        file = self.data_dir.parent / f"import-{tag}.csv"
        by_id = {p.id: p for p in self.products}
        with open(file, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(TIKTOK_FILE_HEADERS)
            out.writerow(["Platform unique order ID."] + [""] * (len(TIKTOK_FILE_HEADERS) - 1))
            for ref, lines in orders.items():
                for pid, qty in lines.items():
                    p = by_id[pid]
                    out.writerow([ref, "Completed", "", p.sku, p.name, qty, p.sell_price, p.sell_price * qty,
                                  "28/11/2026 14:05:33", "sari"])
        say(f"> import {tag} " + ";".join(f"{ref}=" + "+".join(f"{pid}:{q}" for pid, q in lines.items())
                                           for ref, lines in orders.items()))
        order_import.import_file(self.db, file)
        say(f"import {tag}")
        file.unlink()

    def restore(self) -> None:
        """A backup, a few sales after it, then that backup restored (the sales after it are gone on purpose)."""
        say("> backup")
        made = backup.make_backup(self.data_dir)
        say(f"backup {made.name}")
        for _ in range(self.rng.randint(1, 3)):
            self.sale()
        self.db.close()
        close_thread_databases()
        say(f"> restore {made.name}")
        backup.restore(self.data_dir, made)
        forget_thread_databases()
        say(f"restored {made.name}")
        self.db = open_database(db_path(self.data_dir))

    def refresh(self) -> None:
        """A token refresh of the real-style shop (its credentials in the keyring) the way the engine makes one
        (`SyncEngine._refresh`): inside the shop's refresh turn, a lost answer remembered, the platform's answer
        in the keyring before anything uses it."""
        say("> refresh")
        account = next((a for a in account_store.active(self.db) if not a.practice), None)
        if account is None:
            say("refresh none")
            return
        with refresh_lock.refresh_turn(self.data_dir, account.id):
            credentials = credentials_for(account)
            try:
                tokens = quick_connector(credentials).refresh_tokens()
            except Temporary as exc:
                if answer_lost(exc):
                    refresh_lock.mark_lost(self.data_dir, account.id)
                say(f"refresh refused {type(exc).__name__}")
                return
            except ConnectorError as exc:
                say(f"refresh refused {type(exc).__name__}")
                return
            save_tokens(self.db, account, credentials, tokens)
            refresh_lock.clear_lost(self.data_dir, account.id)
        say("refresh ok")

    def mixed(self, rounds: bool) -> None:
        roll = self.rng.random() * (1.0 if rounds else 0.75)
        if roll < 0.6:
            self.sale()
        elif roll < 0.7:
            self.count()
        elif roll < 0.75:
            self.reply()
        else:
            self.round()


def main(argv: list[str]) -> int:
    data_dir, admin_url, seed, mode = Path(argv[0]), argv[1], int(argv[2]), argv[3]
    child = Child(data_dir, Admin(admin_url), seed)
    say("ready")
    while mode == "open":  # opened (and migrated): wait for the kill
        time.sleep(1)
    steps = {"count": child.count, "reply": child.reply, "import": child.import_orders, "restore": child.restore,
             "refresh": child.refresh, "counter": lambda: child.mixed(rounds=False),
             "mixed": lambda: child.mixed(rounds=True)}
    while True:
        steps[mode]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
