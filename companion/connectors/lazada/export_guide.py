"""How a Lazada shop without an app key downloads its orders: Lazada Seller Center's order export.

Sources for the menu path:
- pdfcoffee.com/download/cara-memproses-pesanan-menggunakan-sofp-1-pdf-free.html (Lazada Indonesia's own guide
  "Cara Memproses Pesanan"): open https://sellercenter.lazada.co.id/, log in, "Tekan 'Pesanan'", then the order list
  ("Tinjau Pesanan" in that older screen; "Orders > Manage Orders" in the English seller centre, keep1.net and
  cymth.com guides, i.e. "Kelola Pesanan" in Indonesian).
- marketplaces.md §6.4: "Seller Center → Orders → Export", sheet `sheet1` with camelCase headers; `export_format.py`
  reads it.
The Indonesian words "Kelola Pesanan", "Ekspor" and "Unduh" are UNCONFIRMED by a current public Indonesian guide.
"""

from __future__ import annotations

from companion.connectors.spec import ExportGuide, ExportStep
from companion.i18n import N_

GUIDE = ExportGuide(
    address="sellercenter.lazada.co.id",
    menu=("Beranda", "Produk", "Pesanan", "Kelola Pesanan", "Pengembalian", "Keuangan"),
    buttons=("Ekspor",),
    steps=(
        ExportStep(N_("Open Lazada Seller Center in the browser (sellercenter.lazada.co.id) and log in with your "
                      "shop's account."), "sellercenter.lazada.co.id", "address"),
        ExportStep(N_("In the menu on the left, click \"Pesanan\", then \"Kelola Pesanan\"."), "Kelola Pesanan"),
        ExportStep(N_("Choose today's date, then click \"Ekspor\" and export all orders."), "Ekspor", "button"),
        ExportStep(N_("When the file is ready, click \"Unduh\": the file goes to your Downloads folder."), "Unduh",
                   "download"),
    ),
)
