"""The Ulasan view on a busy shop: 50 000 reviews stored through `services.reviews.apply_reviews` in pages of 100
(as the sync stores them: products through the listing mapping, a reply on about two in three), then the store
queries the view runs — opening it (`store.reviews.listing`: unanswered 1–3 stars newest first, then the rest) and
a full-text search — each against the raw SQL a plain list would use. Absolute target (issue 16): p95 ≤ 50 ms."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end; importing it back here would be circular
    from bench.measures import Setup

REVIEWS = 50_000
QUICK_REVIEWS = 10_000
PAGE = 100
PRODUCTS = 200
TARGET_MS = 50.0
SEARCHES = ("basah", "pengiriman", "kemasan", "original", "kak")  # rare to very common words
TEXTS = ("Barang sampai dengan selamat, terima kasih kak", "Pengiriman lama sekali", "Kemasan penyok kak",
         "Original, mantap", "Gulanya basah", "Sesuai pesanan kak", "Kurang puas kak, warnanya beda",
         "Cepat sampai, recommended seller kak", "")
REPLY = "Terima kasih sudah berbelanja, Kak!"

RAW_OPEN = "SELECT * FROM reviews ORDER BY created_at DESC LIMIT 500"
RAW_SEARCH = ("SELECT r.* FROM reviews_fts f JOIN reviews r ON r.seq = f.rowid WHERE reviews_fts MATCH ?"
              " ORDER BY r.created_at DESC LIMIT 500")


def build_review_shop(path: Path, now: datetime, count: int, seed: int = 16) -> None:
    """A fresh shop file: products with mapped listings on one shop, then `count` reviews in pages."""
    from companion.domain.clock import stamp
    from companion.domain.product import ProductInput
    from companion.domain.reviews import Review
    from companion.services.products import add_product
    from companion.services.reviews import apply_reviews
    from companion.store import listings as listing_store
    from companion.store.database import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    db = open_database(path)
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                   ("acc-shop", "shopee", "Toko Bench", "http://127.0.0.1:1", stamp(now)))
    product_ids = [add_product(db, ProductInput(sku=f"SKU-{n:04d}", name=f"Kopi Bubuk {n} 200 g",
                                                sell_price=25_000), 10)[0] for n in range(PRODUCTS)]
    with db.write():
        for n, product_id in enumerate(product_ids):
            listing = listing_store.upsert(db, "acc-shop", f"item-{n}", "0", f"SKU-{n:04d}", f"Kopi {n}", "", 10,
                                           stamp(now))
            listing_store.set_mapping(db, listing, product_id, "auto")
    for start in range(0, count, PAGE):
        page = []
        for k in range(start, min(start + PAGE, count)):
            created = now - timedelta(days=365) + timedelta(seconds=k * 365 * 86_400 // count)
            rating = rng.choices((1, 2, 3, 4, 5), (4, 3, 8, 25, 60))[0]
            answered = rng.random() < 0.65
            item = rng.randrange(PRODUCTS)
            page.append(Review(str(9_000_000 + k), f"ORD{k:07d}", f"item-{item}", "", f"Kopi {item}", rating,
                               rng.choice(TEXTS), ("https://cf.invalid/p.jpg",) if rng.random() < 0.2 else (),
                               f"pembeli_{rng.randrange(20_000)}", created, created,
                               REPLY if answered else "", created + timedelta(hours=3) if answered else None))
        apply_reviews(db, "acc-shop", page)
    db.close()


def _timed(fn: Callable[[int], object], n: int) -> float:
    start = time.perf_counter()
    fn(n)
    return (time.perf_counter() - start) * 1000


def review_reads(setup: Setup) -> list[Result]:
    """Open and search, each ours and raw interleaved so both meet the same machine weather."""
    from bench.measures import percentile
    from companion.store import reviews as review_store
    from companion.store.database import open_database

    count = QUICK_REVIEWS if setup.quick else REVIEWS
    path = setup.work / "reviews-shop.sqlite3"
    build_review_shop(path, datetime.now(UTC), count)
    db = open_database(path)
    rounds = 10 if setup.quick else 60
    cases: list[tuple[str, Callable[[int], object], Callable[[int], object]]] = [
        ("reviews view open", lambda _n: review_store.listing(db), lambda _n: db.query(RAW_OPEN)),
        ("reviews search (FTS)",
         lambda n: review_store.listing(db, search=SEARCHES[n % len(SEARCHES)]),
         lambda n: db.query(RAW_SEARCH, (f'"{SEARCHES[n % len(SEARCHES)]}"*',))),
    ]
    results = []
    for name, ours_fn, raw_fn in cases:
        ours_fn(0), raw_fn(0)  # warm the page cache for both
        ours: list[float] = []
        raw: list[float] = []
        for n in range(rounds):
            ours.append(_timed(ours_fn, n))
            raw.append(_timed(raw_fn, n))
        results.append(Result(f"{name} p95 ({count:,} reviews)", percentile(ours, 95), "ms", percentile(raw, 95),
                              target=TARGET_MS))
    db.close()
    return results
