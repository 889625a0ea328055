"""How a Shopee shop without an app key downloads its orders: Shopee Seller Centre's order export, in four steps.

Sources for the menu path (confirm again when Shopee changes its seller centre):
- marketplaces.md §6.1 (the project's reference): the export lives at "Pesanan Saya → Export" and is an .xlsx file
  (Order.all…xlsx, sheet `orders`); `export_format.py` reads it.
- Seller guides in the pages corpus describe Shopee Seller Centre's reports only through third-party tools
  (help.smartseller.co.id/report-order-shopee, help.bigseller.com/in/detail/1628); none shows the buttons, so the
  words "Semua", "Ekspor" and "Unduh" (the Indonesian seller centre's tab and buttons) are UNCONFIRMED by a public
  Shopee guide: they are the Indonesian seller centre's words as sellers name them.
"""

from __future__ import annotations

from companion.connectors.spec import ExportGuide, ExportStep
from companion.i18n import N_

GUIDE = ExportGuide(
    address="seller.shopee.co.id",
    menu=("Pesanan", "Pesanan Saya", "Pembatalan", "Produk", "Produk Saya", "Keuangan", "Penghasilan Saya"),
    buttons=("Ekspor",),
    steps=(
        ExportStep(N_("Open Shopee Seller Centre in the browser (seller.shopee.co.id) and log in with your shop's "
                      "account."), "seller.shopee.co.id", "address"),
        ExportStep(N_("In the menu on the left, under \"Pesanan\", click \"Pesanan Saya\"."), "Pesanan Saya"),
        ExportStep(N_("Choose the \"Semua\" tab and today's date, then click \"Ekspor\"."), "Ekspor", "button"),
        ExportStep(N_("When the file is ready, click \"Unduh\": the file goes to your Downloads folder."), "Unduh",
                   "download"),
    ),
)
