"""A shop with reviews for the Ulasan view's tests and screenshots: practice Shopee, Lazada and TikTok shops, two
products, orders built to be late, unanswered and oversold, and reviews of every kind (low and high, with photos,
answered, waiting, refused, deleted, on an unmapped product), written through the services as a sync would."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import Conversation, Message, Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.reviews import Review, ReviewReplyResult
from companion.services.accounts import link_practice_accounts
from companion.services.inbox import apply_chat_page
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.services.reviews import apply_reviews, queue_review_reply, record_reply_results
from companion.store import reviews as review_store
from companion.store.database import Database

URL = "http://127.0.0.1:1"
LATE_TEXT = "Barang datang telat seminggu, kopinya juga sudah tidak wangi. Kecewa."


def _order(ref: str, status: OrderStatus, at: datetime, ship_by: datetime | None, sku: str, name: str,
           buyer: str, price: int = 35_000) -> Order:
    return Order("shopee", ref, status.name, status, at, at, ship_by, buyer,
                 (OrderLine(f"{ref}-1", "1001" if sku == "KOPI-250" else "1002", "0", sku, name, 1, price),))


def review(ref: str, rating: int, text: str, at: datetime, *, order: str = "", item: str = "1001",
           product: str = "Kopi Arabika Gayo 250 g", buyer: str = "rina.s", photos: tuple[str, ...] = (),
           reply: str = "", hidden: bool = False) -> Review:
    return Review(ref, order, item, "", product, rating, text, photos, buyer, at, at, reply,
                  at + timedelta(hours=2) if reply else None, hidden)


def seed(db: Database, photo_url: str = "") -> dict[str, str]:
    """The shop; returns {"shopee", "lazada", "tiktok", "kopi", "gula"} ids and the review ids by their ref.
    `photo_url`: where R-LATE's two photos are (also the practice shops' address, whose host they may come from)."""
    base = photo_url or URL
    now = now_utc()
    kopi, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Arabika 250 g", sell_price=35_000), 12)
    gula, _ = add_product(db, ProductInput(sku="GULA-1", name="Gula Aren 1 kg", sell_price=18_000), 0)
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url=base),
                                         "tiktok": TikTokCredentials("a", "s", base_url=base),
                                         "lazada": LazadaCredentials("a", "s", base_url=base)})
    shops = dict(zip(("shopee", "tiktok", "lazada"), ids, strict=True))
    late_at = now - timedelta(days=9)
    apply_orders(db, shops["shopee"], [
        _order("LATE-1", OrderStatus.PAID, late_at, late_at + timedelta(days=1), "KOPI-250", "Kopi Arabika", "rina.s"),
        _order("GULA-9", OrderStatus.PAID, now - timedelta(days=6), now - timedelta(days=5), "GULA-1", "Gula Aren",
               "budi_h", 18_000),
        _order("FINE-3", OrderStatus.PAID, now - timedelta(days=4), now - timedelta(days=3), "KOPI-250",
               "Kopi Arabika", "sari"),
    ])
    apply_orders(db, shops["shopee"], [  # LATE-1 left three days after its ship-by, FINE-3 in time
        replace(_order("LATE-1", OrderStatus.SHIPPED, late_at, late_at + timedelta(days=1), "KOPI-250",
                       "Kopi Arabika", "rina.s"), updated_at=late_at + timedelta(days=4)),
        replace(_order("FINE-3", OrderStatus.SHIPPED, now - timedelta(days=4), now - timedelta(days=3), "KOPI-250",
                       "Kopi Arabika", "sari"), updated_at=now - timedelta(days=3, hours=20)),
    ])
    asked = late_at - timedelta(hours=20)
    apply_chat_page(db, shops["shopee"], [Conversation("C-RINA", "b-rina", "rina.s", "Kak, kapan dikirim?", asked, 0)],
                    {"C-RINA": [Message("m-rina", "C-RINA", "b-rina", "Kak, kapan dikirim?", "text", asked, True,
                                        False)]})
    photos = (photo_url + "/photo-1.png", photo_url + "/photo-2.png") if photo_url else ()
    apply_reviews(db, shops["shopee"], [
        review("R-LATE", 1, LATE_TEXT, now - timedelta(hours=3), order="LATE-1", photos=photos),
        review("R-GULA", 2, "Gula aren kosong, dikirim gula pasir. Tidak sesuai pesanan!", now - timedelta(days=1),
               order="GULA-9", item="1002", product="Gula Aren Asli 1 kg Murni Tanpa Campuran", buyer="budi_h"),
        review("R-OK", 5, "Mantap, kopinya wangi, pengiriman cepat.", now - timedelta(days=2), order="FINE-3",
               buyer="sari"),
        review("R-MEH", 3, "Lumayan, tapi kemasan penyok.", now - timedelta(days=3), buyer="d***i"),
        review("R-THANKED", 4, "Bagus.", now - timedelta(days=4), buyer="joko", reply="Terima kasih kak Joko!"),
        review("R-GONE", 1, "Jelek", now - timedelta(days=5), buyer="anon", hidden=True),
        review("R-UNMAPPED", 2, "Warnanya beda dengan foto.", now - timedelta(days=6), item="9999",
               product="Tumbler Stainless 500 ml", buyer="maya"),
    ])
    apply_reviews(db, shops["lazada"], [
        review("L-1", 2, "Pengemasan kurang rapi, ada yang tumpah.", now - timedelta(days=1, hours=5), buyer="Dewi"),
        review("L-2", 1, "Barang tidak sampai-sampai.", now - timedelta(days=8), buyer="Andi"),
    ])
    found = {r.platform_review_id: r.id for r in review_store.listing(db, limit=100)}
    queue_review_reply(db, found["L-1"], "Halo kak Dewi, mohon maaf atas kemasannya. Kami kirim ganti ya.")
    queue_review_reply(db, found["L-2"], "Mohon maaf kak Andi, paket sedang kami lacak.")
    record_reply_results(db, shops["lazada"], [ReviewReplyResult("L-2", False, "ReplyContentIllegal",
                                                                 "Reply content contains sensitive words")])
    return {**shops, "kopi": kopi, "gula": gula, **found}
