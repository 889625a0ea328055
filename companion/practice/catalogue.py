"""The starting catalogue a bare practice marketplace lists on every platform (same seller SKUs everywhere; the
app's Mode Latihan unlists it and lists the shop's own products instead), and the practice buyers' names and
questions: general ones, and ones that name a product the buyer saw listed."""

from __future__ import annotations

# (product name, parent SKU, [(variant, seller SKU, price rupiah, stock)]); an empty variant means no variants.
CATALOGUE: list[tuple[str, str, list[tuple[str, str, int, int]]]] = [
    ("Kopi Bubuk Robusta", "KOPI-ROB", [("250 g", "KOPI-ROB-250", 35000, 12), ("500 g", "KOPI-ROB-500", 65000, 6)]),
    ("Gula Aren Cair 500 ml", "GULA-AREN-500", [("", "GULA-AREN-500", 28000, 20)]),
    ("Keripik Singkong Balado", "KRP-BLD", [("Pedas", "KRP-BLD-PDS", 15000, 30),
                                              ("Original", "KRP-BLD-ORI", 15000, 25)]),
    ("Sabun Cuci Piring 800 ml", "SABUN-800", [("", "SABUN-800", 18500, 15)]),
    ("Teh Celup Melati isi 25", "TEH-MLT-25", [("", "TEH-MLT-25", 9500, 40)]),
]

BUYER_NAMES = ["sari.wulan", "budi_santoso", "dewi88", "agus.pratama", "rina_kusuma", "joko.w", "putri.ayu",
               "andi_saputra", "maya.lestari", "hendra77"]

BUYER_QUESTIONS = [
    "Kak, ready stok?",
    "Bisa kirim hari ini?",
    "Kak, ini masih ada?",
    "Barangnya original kan kak?",
    "Kalau beli 2 bisa kurang harganya?",
    "Pesanan saya kapan dikirim ya kak?",
    "Kak, varian yang pedas masih ada?",
    "Bisa dikirim pakai kurir instan?",
    "Kak, tanggal kedaluwarsanya kapan?",
    "Sudah saya bayar ya kak, tolong diproses.",
]

def starting_listing(seller_sku: str, name: str) -> bool:
    """Whether a listing is the starting catalogue's own (its SKU and name), not a shop's product of the same SKU."""
    return any(sku == seller_sku and item == name
               for item, _parent, variants in CATALOGUE for _v, sku, _p, _s in variants)


# A question about one listed product: "{product}" is its name as listed (with the variant when it has one).
PRODUCT_QUESTIONS = [
    "Kak, {product} masih ready?",
    "{product} bisa dikirim hari ini kak?",
    "Kak, {product} ini original kan?",
    "Kalau beli 2 {product} bisa kurang harganya kak?",
    "Kak, {product} stoknya masih banyak?",
    "{product} kedaluwarsanya kapan ya kak?",
]


def product_question(template: str, product: str) -> str:
    """A product question with the product named."""
    return template.replace("{product}", product)


def is_buyer_question(text: str) -> bool:
    """Whether a buyer's text is one of the questions (general, or about a product, whichever one it names)."""
    if text in BUYER_QUESTIONS:
        return True
    for template in PRODUCT_QUESTIONS:
        head, _, tail = template.partition("{product}")
        if len(text) > len(head) + len(tail) and text.startswith(head) and text.endswith(tail):
            return True
    return False
