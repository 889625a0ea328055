"""Queueing stock changes for the marketplaces: every local action that moves stock calls this inside
its own transaction. One command for every active shop (account NULL); what each marketplace should then show is
worked out in online_stock.py, and sync/stock_sending.py pushes it."""

from __future__ import annotations

from collections.abc import Iterable

from companion.store import outbox
from companion.store.database import Database

STOCK_CHANGED = "stock_changed"


def queue_stock_push(db: Database, product_ids: Iterable[str], idempotency_key: str) -> None:
    """Inside the caller's transaction: the products whose online stock must follow (once per key)."""
    ids = sorted(set(product_ids))
    if ids:
        outbox.enqueue(db, STOCK_CHANGED, {"product_ids": ids}, idempotency_key)
