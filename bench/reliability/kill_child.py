"""The app process the kill cycles SIGKILL: `python -m bench.reliability.kill_child DATA_DIR ADMIN_URL SEED [counter]`.

Mixed work through the real services and the real sync engine, one action at a time, until it is killed:
counter sales, stocktakes, queued chat replies, and sync rounds (order pulls, stock pushes, replies sent)
against the practice marketplace with its faults on. Before each action it prints "> kind" (so the parent knows
what a kill interrupted); after a write has committed it prints what the parent must later find:
"sale <id>", "reply <message id>", "count", "round <ok> <pending>".
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

from bench.reliability.practice_shop import Admin, quick_engine
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.inbox import queue_reply
from companion.services.sales import record_sale
from companion.services.stock import count_stock
from companion.store import products as product_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

REPLY_PREFIX = "Siap kak, ditunggu pesanannya "


def _sale(db: Database, rng: random.Random, products: list[product_store.ProductRow]) -> str:
    chosen = rng.sample(products, rng.randint(1, 3))
    lines = [LineInput(p.id, rng.randint(1, 3), p.sell_price) for p in chosen]
    return f"sale {record_sale(db, lines, rng.choice(list(PaymentMethod))).sale_id}"


def _count(db: Database, rng: random.Random, products: list[product_store.ProductRow]) -> str:
    counted = {p.id: rng.randint(300, 600) for p in rng.sample(products, rng.randint(1, 2))}
    count_stock(db, counted, "stok opname")
    return "count"


def _reply(db: Database, rng: random.Random) -> str:
    rows = db.query("SELECT id FROM conversations WHERE account_id IS NOT NULL ORDER BY id")
    if not rows:
        return "reply none"
    message_id, _ = queue_reply(db, rng.choice(rows)["id"], REPLY_PREFIX + uuid.uuid4().hex[:12])
    return f"reply {message_id}"


def main(argv: list[str]) -> int:
    data_dir, admin_url, seed = Path(argv[0]), argv[1], int(argv[2])
    rounds = argv[3:] != ["counter"]   # "counter": only counter work this time (kills land in its transactions)
    db = open_database(db_path(data_dir))
    engine = quick_engine(db_path(data_dir), Admin(admin_url))
    products = product_store.all_products(db)
    rng = random.Random(seed)
    print("ready", flush=True)
    while True:
        roll = rng.random() * (1.0 if rounds else 0.75)
        kind = "sale" if roll < 0.6 else "count" if roll < 0.7 else "reply" if roll < 0.75 else "round"
        print(f"> {kind}", flush=True)
        if kind == "sale":
            done = _sale(db, rng, products)
        elif kind == "count":
            done = _count(db, rng, products)
        elif kind == "reply":
            done = _reply(db, rng)
        else:
            summary = engine.sync_once()
            done = f"round {int(summary.ok)} {summary.pending_changes}"
        print(done, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
