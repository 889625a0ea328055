"""TikTok Shop / Tokopedia Seller Center's order export (reference §6 of marketplaces.md): one row per SKU, with a
row of column descriptions under the header ("Platform unique order ID."); statuses worded as the seller centre
shows them, in English or Indonesian."""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.tiktok import mapping
from companion.domain.marketplace import OrderStatus
from companion.domain.order_files import Layout

FILE_STATUS = {
    "unpaid": "UNPAID", "belum dibayar": "UNPAID", "on hold": "ON_HOLD", "to ship": "AWAITING_SHIPMENT",
    "awaiting shipment": "AWAITING_SHIPMENT", "perlu dikirim": "AWAITING_SHIPMENT", "akan dikirim": "AWAITING_SHIPMENT",
    "awaiting collection": "AWAITING_COLLECTION", "menunggu diambil": "AWAITING_COLLECTION",
    "shipped": "IN_TRANSIT", "in transit": "IN_TRANSIT", "dikirim": "IN_TRANSIT", "dalam pengiriman": "IN_TRANSIT",
    "delivered": "DELIVERED", "terkirim": "DELIVERED", "completed": "COMPLETED", "selesai": "COMPLETED",
    "cancelled": "CANCELLED", "canceled": "CANCELLED", "dibatalkan": "CANCELLED", "batal": "CANCELLED",
}


def status_of(codes: Sequence[str]) -> OrderStatus:
    """One status per order: the first line's."""
    return mapping.order_status(codes[0] if codes else "")


LAYOUT = Layout("tiktok", {
    "order_id": ("Order ID", "ID Pesanan"),
    "status": ("Order Status", "Status Pesanan"),
    "sku_id": ("SKU ID",),
    "seller_sku": ("Seller SKU", "SKU Penjual"),
    "name": ("Product Name", "Nama Produk"),
    "variation": ("Variation", "Variasi"),
    "quantity": ("Quantity", "Jumlah"),
    "subtotal": ("SKU Subtotal After Discount",),
    "price": ("SKU Unit Original Price",),
    "created": ("Created Time", "Waktu Dibuat"),
    "times": ("Paid Time", "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time"),
    "buyer": ("Buyer Username", "Recipient"),
}, ("order_id", "seller_sku", "quantity"), status_of, FILE_STATUS, description_row=True)
