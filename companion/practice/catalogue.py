"""The starting catalogue every practice shop lists on every platform (same seller SKUs everywhere), and the
practice buyers' names and questions."""

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
