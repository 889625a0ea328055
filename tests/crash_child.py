"""The child of tests/test_crash.py: records counter sales in a loop until it is killed.

Prints "ready" once the database is open, then each sale id only after `record_sale` returned, so
every id the parent reads is a sale the child saw committed.

Also offers `MemoryKeyring` for `PYTHON_KEYRING_BACKEND=crash_child.MemoryKeyring` in child processes
(the test machine has no real keyring; a shop laptop has Windows Credential Locker).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None


def main(data_dir: Path) -> None:
    from companion.domain.sale import LineInput, PaymentMethod
    from companion.services.sales import record_sale
    from companion.store import products as product_store
    from companion.store.database import open_database
    from companion.store.location import db_path

    db = open_database(db_path(data_dir))
    products = product_store.all_products(db)
    print("ready", flush=True)
    while True:
        chosen = random.sample(products, random.randint(1, len(products)))
        lines = [LineInput(p.id, random.randint(1, 3), p.sell_price) for p in chosen]
        result = record_sale(db, lines, random.choice(list(PaymentMethod)))
        print(result.sale_id, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
