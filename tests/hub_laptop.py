"""One laptop of a shop as its own process, for the hub's convergence tests, bench rows and kill campaign.

`python tests/hub_laptop.py DATA_DIR` reads one JSON command a line on stdin and answers one JSON line on stdout
(`{"ok": true, ...}` or `{"ok": false, "error": "...", "kind": "..."}`); everything else the process prints goes to
stderr. Its own data folder, its own keyring file (DATA_DIR/keyring.json, bench/reliability/file_keyring.py, so a
killed and restarted laptop still finds its hub password) and its own SQLite file, written only through the real
services (record_sale, count_stock, edit_product, save_settings …) and synced only through the real hub round.

Commands (name, then its fields):
- `products` items=[{sku, name, price, stock}]: add those not here yet; → ids {sku: id}
- `sell` count, skus, start (UTC ISO), days, seed: `count` sales of 1–3 lines spread evenly over `days` from
  `start` (back-dated like an import), or now when `start` is left out; → sales, numbers, seconds
- `stocktake` counts={sku: n}; `price` sku, price; `add_product` sku, name, price (a duplicate SKU offline);
  `setting` key, value
- `init` url, shop, name · `invite` → code · `join` code, name · `take_over` key · `lease` key (force)
- `sync` rounds (default 1): hub rounds; → each round's outcome · `sync_until_quiet` max: rounds until one pushes
  and pulls nothing
- `digest`: store/hub_digest's digest and problems, plus counts; `state`: hub identity and waiting changes
- `backup` → file · `restore` file: the app's own `companion restore` (this process closes its file meanwhile)
- `exit`
With `--loop-sync` after DATA_DIR the process instead runs hub rounds over and over, printing one JSON line per
round, until killed (the kill tests and the reliability campaign's hub section).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402

from bench.reliability.file_keyring import FileKeyring  # noqa: E402
from companion.connectors.shopee.credentials import ShopeeCredentials  # noqa: E402
from companion.domain import settings_keys  # noqa: E402
from companion.domain.errors import UserError  # noqa: E402
from companion.domain.marketplace import Order, OrderLine, OrderStatus  # noqa: E402
from companion.domain.product import ProductInput  # noqa: E402
from companion.domain.sale import LineInput  # noqa: E402
from companion.services import outlets  # noqa: E402
from companion.services.accounts import link_account  # noqa: E402
from companion.services.online_orders import apply_orders  # noqa: E402
from companion.services.products import add_product, edit_product  # noqa: E402
from companion.services.sales import record_sale  # noqa: E402
from companion.services.settings import save_settings  # noqa: E402
from companion.services.stock import count_stock  # noqa: E402
from companion.store import products as product_store  # noqa: E402
from companion.store import settings as settings_store  # noqa: E402
from companion.store import stock as stock_store  # noqa: E402
from companion.store.backup import make_backup  # noqa: E402
from companion.store.database import Database, close_thread_databases, open_database  # noqa: E402
from companion.store.location import db_path  # noqa: E402
from tests import hub_laptop_sync  # noqa: E402

Answer = dict[str, Any]


class Laptop:
    """The process's shop: its folder, its database, and the commands above."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        os.environ["COMPANION_DATA_DIR"] = str(folder)
        keyring.set_keyring(FileKeyring(folder / "keyring.json"))
        self.db: Database = open_database(db_path(folder))

    # -- the shop's own work (no hub needed) ---------------------------------------------------------------------
    def products(self, items: list[dict[str, Any]]) -> Answer:
        ids: dict[str, str] = {}
        for item in items:
            found = product_store.by_sku(self.db, item["sku"])
            if found is None:
                pid, _ = add_product(self.db, ProductInput(item["sku"], item["name"], int(item["price"])),
                                     opening_stock=item.get("stock"))
                ids[item["sku"]] = pid
            else:
                ids[item["sku"]] = found.id
        return {"ids": ids}

    def add_product(self, sku: str, name: str, price: int) -> Answer:
        pid, _ = add_product(self.db, ProductInput(sku, name, price))
        return {"id": pid}

    def _product(self, sku: str) -> product_store.ProductRow:
        found = product_store.by_sku(self.db, sku)
        if found is None:
            raise UserError("no product with SKU {sku}", sku=sku)
        return found

    def sell(self, count: int, skus: list[str], start: str | None = None, days: float = 7.0,
             seed: int = 0) -> Answer:
        rng = random.Random(seed)
        products = [self._product(s) for s in skus]
        began = datetime.fromisoformat(start) if start else None
        step = timedelta(days=days) / max(count, 1)
        sales: list[str] = []
        numbers: list[str] = []
        t0 = time.perf_counter()
        for i in range(count):
            picked = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
            lines = [LineInput(p.id, rng.randint(1, 3), p.sell_price) for p in picked]
            when = began + step * i if began else None
            done = record_sale(self.db, lines, now=when)
            sales.append(done.sale_id)
            numbers.append(done.number)
        hub_laptop_sync.nudge(self.db)  # as the GUI does after a sale: the hub runner, if on, rounds soon
        return {"sales": sales, "numbers": numbers, "seconds": time.perf_counter() - t0,
                "committed": time.time()}

    def stocktake(self, counts: dict[str, int]) -> Answer:
        count_stock(self.db, {self._product(sku).id: n for sku, n in counts.items()}, reason="stok opname")
        return {}

    def price(self, sku: str, price: int) -> Answer:
        p = self._product(sku)
        edit_product(self.db, p.id, ProductInput(p.sku, p.name, price, p.cost_price, p.unit, p.parent_name,
                                                 p.variant_name, p.barcode, p.active))
        return {"id": p.id}

    def setting(self, key: str, value: str) -> Answer:
        save_settings(self.db, {key: value})
        return {}

    def rename(self, sku: str, name: str) -> Answer:
        p = self._product(sku)
        edit_product(self.db, p.id, ProductInput(p.sku, name, p.sell_price, p.cost_price, p.unit, p.parent_name,
                                                 p.variant_name, p.barcode, p.active))
        return {"id": p.id}

    def product(self, sku: str) -> Answer:
        p = product_store.by_sku(self.db, sku)
        return {"product": None if p is None else {"id": p.id, "sku": p.sku, "name": p.name,
                                                   "price": p.sell_price}}

    def skus(self) -> Answer:
        return {"skus": sorted(p.sku for p in product_store.all_products(self.db))}

    def ledger(self, sku: str) -> Answer:
        """Every movement of one product (created_at, id, kind, quantity, outlet) and the cached levels."""
        p = self._product(sku)
        moves = [[r.created_at, r.id, r.kind.value, r.quantity] for r in stock_store.history(self.db, p.id, 10**9)]
        return {"moves": sorted(moves), "on_hand": stock_store.on_hand(self.db, p.id),
                "ledger_on_hand": stock_store.ledger_on_hand(self.db, p.id)}

    def link(self, shop_id: int, name: str = "Toko Uji Shopee") -> Answer:
        """A marketplace shop linked on this laptop (its keys in this laptop's keyring; no call is made)."""
        account_id, _ = link_account(self.db, name, ShopeeCredentials(1, "k", shop_id, base_url="http://127.0.0.1:1"))
        return {"account_id": account_id, "key": f"shopee:{shop_id}"}

    def orders(self, account_id: str, count: int, skus: list[str], start: str, days: float = 7.0,
               seed: int = 0, prefix: str = "ORD") -> Answer:
        """`count` paid marketplace orders pulled (as a sync page would store them), spread over `days`."""
        rng = random.Random(seed)
        began = datetime.fromisoformat(start)
        step = timedelta(days=days) / max(count, 1)
        made: list[Order] = []
        for i in range(count):
            when = began + step * i
            lines = tuple(OrderLine(f"{prefix}-{i}-{n}", f"item-{sku}", f"sku-{sku}", sku, sku, rng.randint(1, 2),
                                    10_000) for n, sku in enumerate(rng.sample(skus, k=rng.randint(1, 2))))
            made.append(Order("shopee", f"{prefix}-{i}", "READY_TO_SHIP", OrderStatus.PAID, when, when, None,
                              f"Pembeli {i}", lines))
        apply_orders(self.db, account_id, made)
        return {"orders": [o.order_id for o in made]}

    def add_outlet(self, name: str) -> Answer:
        outlet_id, _ = outlets.add_outlet(self.db, name)
        return {"id": outlet_id}

    def choose_outlet(self, outlet_id: str) -> Answer:
        outlets.choose_outlet(self.db, outlet_id)
        return {}

    def transfer(self, from_outlet: str, to_outlet: str, units: dict[str, int]) -> Answer:
        outlets.transfer_stock(self.db, from_outlet, to_outlet, [(self._product(s).id, n) for s, n in units.items()])
        return {}

    def levels(self, sku: str) -> Answer:
        """The product's cached level per outlet and in total."""
        p = self._product(sku)
        return {"outlets": stock_store.outlet_levels(self.db, p.id), "total": stock_store.on_hand(self.db, p.id)}

    def sale_ids(self) -> Answer:
        """Every sale id here (the campaign's tally compares them with what the laptops said they committed)."""
        return {"ids": [str(r[0]) for r in self.db.query("SELECT id FROM sales")]}

    def get_setting(self, key: str) -> Answer:
        return {"value": settings_store.get(self.db, settings_keys.find(key))}

    # -- backups ----------------------------------------------------------------------------------------------------
    def backup(self) -> Answer:
        return {"file": str(make_backup(self.folder))}

    def restore(self, file: str) -> Answer:
        """Through the app's own restore command, with every connection of this process closed meanwhile (as the
        GUI closes its own): a connection kept open would go on reading the replaced file."""
        self.db.close()
        close_thread_databases()
        done = subprocess.run([sys.executable, "-m", "companion", "--data-dir", str(self.folder), "restore", file],
                              capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), check=False)
        self.db = open_database(db_path(self.folder))
        if done.returncode != 0:
            raise UserError("restore failed: {why}", why=(done.stderr or done.stdout).strip()[-500:])
        return {"output": done.stdout.strip()}

    def exit(self) -> Answer:
        self.db.close()
        return {"bye": True}


def _answer(laptop: Laptop, command: dict[str, Any]) -> Answer:
    """Run one command: the shop's own work (Laptop's methods) or the hub's (tests/hub_laptop_sync.py)."""
    name = str(command.pop("cmd"))
    own = getattr(laptop, name, None) if not name.startswith("_") else None
    hub = getattr(hub_laptop_sync, name, None) if not name.startswith("_") else None
    try:
        if own is not None:
            return {"ok": True, **own(**command)}
        if hub is not None:
            return {"ok": True, **hub(laptop.db, **command)}
        return {"ok": False, "error": f"unknown command {name}", "kind": "unknown"}
    except UserError as exc:
        return {"ok": False, "error": str(exc), "kind": getattr(exc, "kind", type(exc).__name__)}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "kind": "crash",
                "trace": traceback.format_exc()[-4000:]}


def serve(folder: Path, out: Any) -> None:
    """One command a line in, one JSON line out, until `exit` or the end of stdin."""
    laptop = Laptop(folder)
    out.write(json.dumps({"ok": True, "ready": os.getpid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        name = command.get("cmd")
        answer = _answer(laptop, command)
        out.write(json.dumps(answer, default=str) + "\n")
        out.flush()
        if name == "exit":
            return


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr  # whatever else prints must not mix with the answers
    if len(argv) > 2 and argv[2] == "--loop-sync":
        hub_laptop_sync.loop(Laptop(folder).db, out, int(argv[3]) if len(argv) > 3 else 0)
        return 0
    serve(folder, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
