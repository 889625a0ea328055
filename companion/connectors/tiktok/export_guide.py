"""How a TikTok Shop (Tokopedia) shop without an app key downloads its orders: the Seller Center's order export.

Sources for the menu path:
- seller-id.tokopedia.com/university/course?learning_id=5571154660738833 ("Kelola Pesanan Lebih Cepat dengan Fitur
  Manage Orders"): "Akses Seller Center > Orders > Manage Orders" (in the Indonesian seller centre: Pesanan >
  Kelola Pesanan).
- seller-th.tiktok.com/university/essay?knowledge_id=6837801752626946 ("Managing Orders On Seller Center"): "head to
  the Seller Center and select Orders > Manage Orders"; filters and search sit above the order list.
- keyouyun.com/?p=29077 (a seller tool's guide to the Manage Orders page): "Order export — filter the orders you
  need first, then export (at most 200,000 orders at once)".
- marketplaces.md §6.2: the export is an .xlsx with the sheet `OrderSKUList`; `export_format.py` reads it.
The Indonesian button words "Ekspor" and "Unduh" are UNCONFIRMED by a public guide in Indonesian.
"""

from __future__ import annotations

from companion.connectors.spec import ExportGuide, ExportStep
from companion.i18n import N_

GUIDE = ExportGuide(
    address="seller-id.tokopedia.com",
    menu=("Beranda", "Produk", "Pesanan", "Kelola Pesanan", "Pengembalian", "Keuangan"),
    buttons=("Ekspor",),
    steps=(
        ExportStep(N_("Open TikTok Shop Seller Center in the browser (seller-id.tokopedia.com) and log in with your "
                      "shop's account."), "seller-id.tokopedia.com", "address"),
        ExportStep(N_("In the menu on the left, click \"Pesanan\", then \"Kelola Pesanan\"."), "Kelola Pesanan"),
        ExportStep(N_("Choose today's orders with the date filter, then click \"Ekspor\" and choose Excel."),
                   "Ekspor", "button"),
        ExportStep(N_("When the file is ready, click \"Unduh\": the file goes to your Downloads folder."), "Unduh",
                   "download"),
    ),
)
