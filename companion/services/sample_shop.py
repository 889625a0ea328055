"""A believable Indonesian shop for trying the app, demos and screenshots: "Toko Berkah Jaya".

Everything goes through the real services (products, counts, sales, void, return) inside one
outer transaction, so the sample either lands whole or not at all, and its ledger, cache and
outbox look exactly like a shop that was used for two weeks.

Practice uses its products too: "pakai contoh toko" makes the practice book with the sample catalogue (every
product with a barcode, a drawn photo and its stock, no history), "pakai produk saya" with the shop's own products
(services/practice_book.py), so the pretend buyers order things the practice shop has.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from companion.domain import settings_keys
from companion.domain.clock import now_utc, shop_zone, stamp
from companion.domain.errors import UserError
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.i18n import N_
from companion.practice.product_photos import product_png
from companion.services.change import Change
from companion.services.practice_book import Fill, fill_from_shop, fill_likeness
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.services.sample_categories import fill_sample_categories
from companion.services.stock import count_stock
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store import settings as settings_store
from companion.store import stock as stock_store
from companion.store.database import Database

SHOP_NAME = "Toko Berkah Jaya"
PAST_DAYS = 14


@dataclass(frozen=True)
class _Item:
    sku: str
    name: str
    price: int
    cost: int
    opening: int
    unit: str = "pcs"
    barcode: str | None = None
    variant: str | None = None


def ean13(n: int) -> str:
    """Sample barcode number n as a valid EAN-13 (Indonesia's 899 prefix), so a scanner test reads it back."""
    body = f"89912345{n:04d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _kaos(code: str, name: str, price: int, cost: int) -> list[_Item]:
    return [_Item(f"KAOS-{code}-{size}", name, price, cost, stock, variant=size)
            for size, stock in (("S", 24), ("M", 36), ("L", 30))]


CATALOG: list[_Item] = [
    _Item("KOPI-ARB-250", "Kopi Arabika Gayo 250 g", 85_000, 62_000, 30, barcode=ean13(1)),
    _Item("KOPI-ROB-250", "Kopi Robusta Lampung 250 g", 45_000, 31_000, 50, barcode=ean13(2)),
    _Item("KOPI-SCT-10", "Kopi Susu Sachet isi 10", 18_000, 13_500, 80, unit="pak", barcode=ean13(3)),
    _Item("KOPI-TUB-1K", "Kopi Tubruk 1 kg", 150_000, 110_000, 12, unit="kg"),
    _Item("TEH-MLT-50", "Teh Melati 50 g", 12_000, 8_000, 60, barcode=ean13(4)),
    _Item("TEH-HJU-25", "Teh Hijau Celup isi 25", 15_000, 10_500, 40),
    _Item("TEH-TRK-01", "Teh Tarik Sachet", 3_500, 2_300, 150, barcode=ean13(5)),
    _Item("TEH-BTL-350", "Teh Botol 350 ml", 5_000, 3_600, 72, unit="botol", barcode=ean13(6)),
    _Item("KRP-SGK-200", "Keripik Singkong Balado 200 g", 15_000, 9_000, 45, barcode=ean13(7)),
    _Item("KRP-PSG-200", "Keripik Pisang Manis 200 g", 17_000, 10_500, 40),
    _Item("KRP-TMP-150", "Keripik Tempe 150 g", 14_000, 8_500, 30),
    _Item("KRP-KTG-250", "Keripik Kentang Original 250 g", 22_000, 15_000, 35, barcode=ean13(8)),
    _Item("RMP-KCG-100", "Rempeyek Kacang 100 g", 10_000, 6_000, 40),
    _Item("SMB-BWG-150", "Sambal Bawang 150 ml", 25_000, 16_000, 36, unit="botol", barcode=ean13(9)),
    _Item("SMB-ROA-150", "Sambal Roa 150 ml", 45_000, 30_000, 20, unit="botol"),
    _Item("SMB-MTH-150", "Sambal Matah 150 ml", 30_000, 19_000, 24, unit="botol"),
    _Item("SMB-IJO-150", "Sambal Ijo 150 ml", 27_000, 17_500, 24, unit="botol"),
    *_kaos("HTM", "Kaos Polos Hitam", 65_000, 42_000),
    *_kaos("BTK", "Kaos Batik Parang", 95_000, 60_000),
    _Item("GULA-ARN-500", "Gula Aren 500 g", 28_000, 19_000, 30, barcode=ean13(10)),
    _Item("MADU-HTN-250", "Madu Hutan 250 ml", 75_000, 52_000, 15, unit="botol"),
    _Item("MTE-GRG-250", "Kacang Mete Goreng 250 g", 55_000, 38_000, 20),
]

# Counted in the one stocktake: fewer than the record said (a little went missing or was spoiled).
STOCKTAKE = {"KRP-TMP-150": 3, "SMB-ROA-150": 2, "MADU-HTN-250": 0, "KOPI-TUB-1K": 4}
TODAY_SALES = [  # (sku, quantity) per sale, newest last; the coffee sachets are today's best seller
    [("KOPI-SCT-10", 3), ("TEH-BTL-350", 2)],
    [("KRP-SGK-200", 1), ("SMB-BWG-150", 1)],
    [("KOPI-SCT-10", 2)],
    [("KAOS-BTK-M", 1), ("TEH-TRK-01", 4)],
    [("KOPI-ARB-250", 1), ("KOPI-SCT-10", 1)],
    [("KRP-PSG-200", 2)],
]


def fill_sample_shop(db: Database, now: datetime | None = None) -> None:
    """Fill an empty shop file with two weeks of a small shop's life; refuses a shop that has data."""
    moment = now or now_utc()
    with db.write():
        if product_store.count(db) or sale_store.any_sale(db):
            raise UserError(N_("The sample shop can only fill an empty data folder: choose a new folder."))
        settings_store.put(db, settings_keys.SHOP_NAME, SHOP_NAME)
        rng = random.Random(20261128)
        past, today_times = _past_sale_times(db, moment, rng), _today_times(db, moment)
        # A level follows the movements' times: the openings come before the first sale, the stocktake between
        # yesterday's sales and today's, as the story goes.
        ids = {item.sku: _add(db, item, opening_at=stamp(past[0] - timedelta(hours=1))) for item in CATALOG}
        for moment_of_sale in past:
            _sell(db, ids, _random_cart(rng), rng, moment_of_sale)
        yesterday_sale = sale_store.recent(db, "", "9999", limit=1)[0]
        count_stock(db, {ids[sku]: qty for sku, qty in STOCKTAKE.items()}, reason="Stok opname bulanan",
                    at=stamp(today_times[0] - timedelta(seconds=1)))
        today = [_sell(db, ids, cart, rng, when) for cart, when in zip(TODAY_SALES, today_times, strict=True)]
        void_sale(db, today[-1], "Salah scan, pembeli batal")
        first_line = yesterday_sale.lines[0]
        return_items(db, yesterday_sale.id, {first_line.id: 1}, "Kemasan rusak")
        fill_sample_categories(db)


def sample_photos(limit: int = len(CATALOG)) -> list[tuple[str, bytes]]:
    """(name, PNG) of the sample catalogue's products, one a product (variants share the picture): for showing
    what "pakai contoh toko" brings."""
    kinds = dict.fromkeys(item.sku.split("-")[0] for item in CATALOG)  # in catalogue order
    firsts = [next(i for i in CATALOG if i.sku.split("-")[0] == kind) for kind in kinds]
    seen: dict[str, bytes] = {}
    for item in firsts + CATALOG:  # one of each kind first (coffee, tea, chips …), then the rest
        if item.name not in seen and len(seen) < limit:
            seen[item.name] = product_png(item.sku, item.unit)
    return list(seen.items())


def sample_barcode(item: _Item) -> str:
    """The item's own barcode, else one made from its place in the catalogue (every practice product scans)."""
    return item.barcode or ean13(100 + CATALOG.index(item))


class PracticeProducts(StrEnum):
    """What the pretend buyers order, chosen when practice starts."""

    SAMPLE = "sample"  # "pakai contoh toko": the sample catalogue
    OWN = "own"  # "pakai produk saya": the shop's own products


def default_products(shop: Database) -> PracticeProducts:
    """Without a choice (practice starting by itself): the shop's own products when it has some, else the sample."""
    return PracticeProducts.OWN if product_store.count(shop) else PracticeProducts.SAMPLE


def practice_fill(choice: PracticeProducts) -> Fill:
    """What a new practice book is made with (services/practice_book.py `make_book`): the shop's settings and quick
    replies always; then the sample catalogue, or the shop's own products at their stock of now."""
    return fill_with_sample if choice is PracticeProducts.SAMPLE else fill_from_shop


def fill_with_sample(shop: Database, book: Database) -> Change:
    """A new practice book like the shop, holding the sample catalogue instead of the shop's products."""
    return fill_likeness(shop, book) | add_sample_catalogue(book)


def products_of_book(book: Database) -> PracticeProducts:
    """What an existing practice book was made with: the sample when it holds every sample product, else the
    shop's own (so "Mulai ulang latihan" after a restart of the app starts again with the same choice)."""
    return PracticeProducts.SAMPLE if all(product_store.by_sku(book, item.sku) for item in CATALOG) \
        else PracticeProducts.OWN


def default_fill(shop: Database, book: Database) -> Change:
    """Practice starting by itself (or started again): the shop's own products, the sample when it has none."""
    return practice_fill(default_products(shop))(shop, book)


def add_sample_catalogue(db: Database) -> Change:
    """"Pakai contoh toko": the sample shop's products with barcodes and opening stock (no sales history) in a
    practice book. A SKU already there is left as it is, so choosing it again adds nothing twice."""
    with db.write():
        added = [_add(db, item, sample_barcode(item)) for item in CATALOG if product_store.by_sku(db, item.sku) is None]
        categories = fill_sample_categories(db)
    return Change(products=frozenset(added)) | categories


def _add(db: Database, item: _Item, barcode: str | None = None, opening_at: str | None = None) -> str:
    """One sample product with its opening count (dated `opening_at` when its story starts earlier)."""
    product = ProductInput(
        sku=item.sku, name=item.name, sell_price=item.price,
        cost_price=item.cost, unit=item.unit, barcode=barcode or item.barcode, variant_name=item.variant,
        parent_name=item.name if item.variant else None,
    )
    product_id, _change = add_product(db, product, None if opening_at else item.opening)
    if opening_at:
        stock_store.add_movement(db, product_id, MovementKind.OPENING, item.opening, reason=N_("Opening count"),
                                 created_at=opening_at)
    return product_id


def _past_sale_times(db: Database, moment: datetime, rng: random.Random) -> list[datetime]:
    """Four to eight sales a day over the past two weeks, during opening hours (08:00–20:00 shop time)."""
    zone = shop_zone(settings_store.get(db, settings_keys.TIME_ZONE))
    today = moment.astimezone(zone).date()
    times: list[datetime] = []
    for back in range(PAST_DAYS, 0, -1):
        day = today - timedelta(days=back)
        minutes = sorted(rng.sample(range(8 * 60, 20 * 60), rng.randint(4, 8)))
        times += [datetime.combine(day, time(m // 60, m % 60), tzinfo=zone) for m in minutes]
    return times


def _today_times(db: Database, moment: datetime) -> list[datetime]:
    """Today's sales, 25 minutes apart and ending a minute ago, never before the shop day started."""
    zone = shop_zone(settings_store.get(db, settings_keys.TIME_ZONE))
    local = moment.astimezone(zone)
    midnight = datetime.combine(local.date(), time.min, tzinfo=zone)
    count = len(TODAY_SALES)
    return [max(local - timedelta(minutes=1 + 25 * (count - 1 - n)), midnight + timedelta(seconds=n + 1))
            for n in range(count)]


def _random_cart(rng: random.Random) -> list[tuple[str, int]]:
    """One to three everyday items (left out: what the stocktake found short)."""
    choices = [item.sku for item in CATALOG if item.sku not in STOCKTAKE]
    return [(sku, rng.choice((1, 1, 1, 2, 2, 3))) for sku in rng.sample(choices, rng.randint(1, 3))]


def _sell(db: Database, ids: dict[str, str], cart: list[tuple[str, int]], rng: random.Random,
          when: datetime) -> str:
    prices = {item.sku: item.price for item in CATALOG}
    lines = [LineInput(ids[sku], qty, prices[sku]) for sku, qty in cart]
    total = sum(line.total for line in lines)
    method = rng.choice((PaymentMethod.CASH, PaymentMethod.CASH, PaymentMethod.QRIS, PaymentMethod.TRANSFER))
    paid = -(-total // 50_000) * 50_000 if method is PaymentMethod.CASH else None
    return record_sale(db, lines, method, paid, now=when).sale_id
