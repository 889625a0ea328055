"""Shopee Seller Centre's order export ("Pesanan Saya" → Ekspor), Indonesian and English headers (reference §6
of marketplaces.md): one row per order line; statuses worded as the seller centre shows them.

A line is cancelled only with its order (no per-line hook): the reference is silent on a per-line cancelled count in
this export. It lists "Returned quantity" (units returned after shipping: a return is its own flow, as the API's
TO_RETURN is, so their stock stays out) and "Status Pembatalan/ Pengembalian" (values undocumented); the API's
`cancelled_qty` has no column here that we know of."""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.shopee import mapping
from companion.domain.marketplace import OrderStatus
from companion.domain.order_files import Layout

FILE_STATUS = {
    "belum bayar": "UNPAID", "unpaid": "UNPAID", "perlu dikirim": "READY_TO_SHIP", "to ship": "READY_TO_SHIP",
    "sedang diproses": "PROCESSED", "dikirim": "SHIPPED", "sedang dikirim": "SHIPPED", "shipping": "SHIPPED",
    "telah dikirim": "SHIPPED", "pesanan diterima": "COMPLETED", "selesai": "COMPLETED", "completed": "COMPLETED",
    "batal": "CANCELLED", "dibatalkan": "CANCELLED", "cancelled": "CANCELLED", "pembatalan diajukan": "IN_CANCEL",
    "pengembalian": "TO_RETURN", "pengembalian barang/dana": "TO_RETURN", "return/refund": "TO_RETURN",
}


def status_of(codes: Sequence[str]) -> OrderStatus:
    """One status per order: the first line's."""
    return mapping.order_status(codes[0] if codes else "")


LAYOUT = Layout("shopee", {
    "order_id": ("No. Pesanan", "Order ID"),
    "status": ("Status Pesanan", "Order Status"),
    "seller_sku": ("Nomor Referensi SKU", "SKU Reference No.", "SKU Induk", "Parent SKU"),
    "name": ("Nama Produk", "Product Name"),
    "variation": ("Nama Variasi", "Variation Name"),
    "quantity": ("Jumlah", "Quantity"),
    "price": ("Harga Setelah Diskon", "Deal Price", "Harga Awal", "Original Price"),
    "created": ("Waktu Pesanan Dibuat", "Order Creation Date"),
    "times": ("Waktu Pembayaran Dilakukan", "Waktu Pengiriman Diatur", "Waktu Pesanan Selesai",
              "Order Paid Time", "Order Complete Time"),
    "ship_by": ("Pesanan Harus Dikirimkan Sebelum (Menghindari keterlambatan)", "Pesanan Harus Dikirimkan Sebelum",
                "Ship By Date"),
    "buyer": ("Username (Pembeli)", "Nama Penerima", "Username (Buyer)", "Receiver Name"),
}, ("order_id", "quantity"), status_of, FILE_STATUS)
