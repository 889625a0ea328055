"""Fixture builders: seller-centre order exports with the real header lists (marketplaces.md §6), written by tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

SHOPEE_HEADERS = [
    "No. Pesanan", "Status Pesanan", "Shipped by Advance Fulfilment", "Status Pembatalan/ Pengembalian", "No. Resi",
    "Opsi Pengiriman", "Antar ke counter/ pick-up", "Pesanan Harus Dikirimkan Sebelum (Menghindari keterlambatan)",
    "Waktu Pengiriman Diatur", "Waktu Pesanan Dibuat", "Waktu Pembayaran Dilakukan", "Metode Pembayaran", "SKU Induk",
    "Nama Produk", "Nomor Referensi SKU", "Nama Variasi", "Harga Awal", "Harga Setelah Diskon", "Jumlah",
    "Returned quantity", "Total Harga Produk", "Total Diskon", "Diskon Dari Penjual", "Diskon Dari Shopee",
    "Berat Produk", "Jumlah Produk di Pesan", "Total Berat", "Voucher Ditanggung Penjual", "Cashback Koin",
    "Voucher Ditanggung Shopee", "Paket Diskon", "Paket Diskon (Diskon dari Shopee)",
    "Paket Diskon (Diskon dari Penjual)", "Potongan Koin Shopee", "Diskon Kartu Kredit",
    "Ongkos Kirim Dibayar oleh Pembeli", "Estimasi Potongan Biaya Pengiriman", "Ongkos Kirim Pengembalian Barang",
    "Total Pembayaran", "Perkiraan Ongkos Kirim", "Catatan dari Pembeli", "Catatan", "Username (Pembeli)",
    "Nama Penerima", "No. Telepon", "Alamat Pengiriman", "Kota/Kabupaten", "Provinsi", "Waktu Pesanan Selesai",
]
SHOPEE_CANCEL_HEADERS = [h if h != "Shipped by Advance Fulfilment" else "Alasan Pembatalan" for h in SHOPEE_HEADERS]
SHOPEE_CANCEL_HEADERS = [h if h != "Total Harga Produk" else "Dibayar Pembeli" for h in SHOPEE_CANCEL_HEADERS]
TIKTOK_HEADERS = [
    "Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order", "SKU ID",
    "Seller SKU", "Product Name", "Variation", "Quantity", "Sku Quantity of return", "SKU Unit Original Price",
    "SKU Subtotal Before Discount", "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount",
    "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount",
    "Shipping Fee Platform Discount", "Distance Shipping Fee", "Distance Fee", "Order Refund Amount",
    "Payment platform discount", "Buyer Service Fee", "Handling Fee", "Shipping Insurance", "Item Insurance",
    "Order Amount", "Created Time", "Paid Time", "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time",
    "Cancel By", "Cancel Reason", "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option",
    "Shipping Provider Name", "Buyer Message", "Buyer Username", "Recipient", "Phone #", "Zipcode", "Country",
    "Province", "Regency and City", "Districts", "Villages", "Detail Address", "Additional address information",
    "Payment Method", "Weight(kg)", "Product Category", "Package ID", "Purchase Channel", "Seller Note",
    "Checked Status", "Checked Marked by", "Tokopedia Invoice Number",
]
LAZADA_HEADERS = [
    "orderItemId", "orderType", "Guarantee", "deliveryType", "lazadaId", "sellerSku", "lazadaSku", "wareHouse",
    "createTime", "updateTime", "rtsSla", "ttsSla", "orderNumber", "invoiceRequired", "invoiceNumber",
    "deliveredDate", "customerName", "customerEmail", "nationalRegistrationNumber", "shippingName",
    "shippingAddress", "shippingAddress2", "shippingAddress3", "shippingAddress4", "shippingAddress5",
    "shippingPhone", "shippingPhone2", "shippingCity", "shippingPostCode", "shippingCountry", "shippingRegion",
    "billingName", "billingAddr", "billingAddr2", "billingAddr3", "billingAddr4", "billingAddr5", "billingPhone",
    "billingPhone2", "billingCity", "billingPostCode", "billingCountry", "taxCode", "branchNumber",
    "taxInvoiceRequested", "payMethod", "paidPrice", "unitPrice", "sellerDiscountTotal", "shippingFee",
    "walletCredit", "itemName", "variation", "cdShippingProvider", "shippingProvider", "shipmentTypeName",
    "shippingProviderType", "cdTrackingCode", "trackingCode", "trackingUrl", "shippingProviderFM", "trackingCodeFM",
    "trackingUrlFM", "promisedShippingTime", "premium", "status", "buyerFailedDeliveryReturnInitiator",
    "buyerFailedDeliveryReason", "buyerFailedDeliveryDetail", "buyerFailedDeliveryUserName", "bundleId",
    "semiManaged", "flexibleDeliveryTime", "bundleDiscount", "refundAmount", "sellerNote",
]


def rows_for(headers: Sequence[str], lines: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """One row per dict, cells placed under the header names given; other columns filled like real exports."""
    out = []
    for line in lines:
        out.append([line.get(h, "") if h in line else _filler(h) for h in headers])
    return out


def _filler(header: str) -> Any:
    return {"Provinsi": "Jawa Barat", "Country": "Indonesia", "Kota/Kabupaten": "Kota Bandung"}.get(header, "")


def shopee_line(order_id: str, sku: str, qty: Any, price: Any, status: str = "Selesai",
                created: Any = "2026-11-28 14:05", **extra: Any) -> dict[str, Any]:
    return {"No. Pesanan": order_id, "Status Pesanan": status, "Nomor Referensi SKU": sku,
            "Nama Produk": f"Produk {sku}", "Nama Variasi": "", "Harga Awal": price, "Harga Setelah Diskon": price,
            "Jumlah": qty, "Waktu Pesanan Dibuat": created, "Username (Pembeli)": "budi_s", **extra}


def tiktok_line(order_id: str, sku: str, qty: Any, price: Any, status: str = "Completed",
                created: Any = "28/11/2026 14:05:33", **extra: Any) -> dict[str, Any]:
    return {"Order ID": order_id, "Order Status": status, "SKU ID": f"17{sum(map(ord, sku)):08d}",
            "Seller SKU": sku, "Product Name": f"Produk {sku}", "Quantity": qty, "SKU Unit Original Price": price,
            "Created Time": created, "Buyer Username": "sari", **extra}


def lazada_line(order_id: str, item_id: str, sku: str, price: Any, status: str = "delivered",
                created: Any = "28 Nov 2026 14:05", **extra: Any) -> dict[str, Any]:
    return {"orderItemId": item_id, "orderNumber": order_id, "sellerSku": sku, "itemName": f"Produk {sku}",
            "unitPrice": price, "paidPrice": price, "status": status, "createTime": created,
            "updateTime": created, "customerName": "Andi", **extra}


TIKTOK_DESCRIPTIONS = ["Platform unique order ID." if h == "Order ID" else f"Description of {h}."
                       for h in TIKTOK_HEADERS]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "orders",
               extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> Path:
    book = Workbook(write_only=True)
    for name, data in ({**(extra_sheets or {}), sheet: rows}).items():
        ws = book.create_sheet(name)
        for row in data:
            ws.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def shopee_file(path: Path, lines: Iterable[dict[str, Any]], headers: Sequence[str] = tuple(SHOPEE_HEADERS)) -> Path:
    rows = [list(headers), *rows_for(headers, lines)]
    return write_csv(path, rows) if path.suffix == ".csv" else write_xlsx(path, rows, "orders")


def tiktok_file(path: Path, lines: Iterable[dict[str, Any]]) -> Path:
    rows = [TIKTOK_HEADERS, TIKTOK_DESCRIPTIONS, *rows_for(TIKTOK_HEADERS, lines)]
    return write_csv(path, rows) if path.suffix == ".csv" else write_xlsx(path, rows, "OrderSKUList")


def lazada_file(path: Path, lines: Iterable[dict[str, Any]]) -> Path:
    rows = [LAZADA_HEADERS, *rows_for(LAZADA_HEADERS, lines)]
    return write_csv(path, rows) if path.suffix == ".csv" else write_xlsx(path, rows, "sheet1")
