"""TikTok Shop payloads (reference §2.4–§2.6) to plain records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from companion.connectors.convert import from_epoch, require_epoch, rupiah
from companion.connectors.tiktok import fulfilment_mapping
from companion.domain.marketplace import Conversation, Listing, Message, Order, OrderLine, OrderStatus

STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "ON_HOLD": OrderStatus.PAID,
    "AWAITING_SHIPMENT": OrderStatus.PAID,
    "PARTIALLY_SHIPPING": OrderStatus.PAID,  # some packages still need the seller
    "AWAITING_COLLECTION": OrderStatus.READY_TO_SHIP,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
}


def order_status(raw: str) -> OrderStatus:
    return STATUS.get(raw.upper(), OrderStatus.PAID)


def order(row: dict[str, Any]) -> Order:
    raw = str(row.get("status") or "")
    # rts_sla_time is the "ready to ship" deadline that late dispatch is measured against.
    ship_by = from_epoch(row.get("rts_sla_time")) or from_epoch(row.get("shipping_due_time"))
    return Order(
        channel="tiktok",
        order_id=str(row["id"]),
        status_raw=raw,
        status=order_status(raw),
        created_at=require_epoch(row.get("create_time")),
        updated_at=require_epoch(row.get("update_time") or row.get("create_time")),
        ship_by=ship_by,
        buyer_name=buyer_name(row),
        lines=tuple(line(li) for li in row.get("line_items") or []),
        buyer_city=fulfilment_mapping.city(row),
        courier=str(row.get("shipping_provider") or row.get("delivery_option_name") or ""),
        tracking_number=str(row.get("tracking_number") or ""),
        package_id=fulfilment_mapping.package_id(row),
    )


def buyer_name(row: dict[str, Any]) -> str:
    """Get Order Detail carries no buyer nickname or username (only user_id and an anonymized buyer_email), so the
    recipient's name is the only name there is; under platform logistics the platform masks it ("desensitized")."""
    return str((row.get("recipient_address") or {}).get("name") or "").strip()


def line(li: dict[str, Any]) -> OrderLine:
    """202309 line items are one per unit; a `quantity` field is honoured if a version sends one. A line whose own
    `display_status` is CANCELLED (a partial cancellation cancels lines) is a cancelled line."""
    name = str(li.get("product_name") or "")
    if li.get("sku_name"):
        name = f"{name} ({li['sku_name']})"
    price = li.get("sale_price")
    quantity = int(li.get("quantity") or 1)
    cancelled = order_status(str(li.get("display_status") or "")) is OrderStatus.CANCELLED
    return OrderLine(
        line_id=str(li.get("id")),
        item_id=str(li.get("product_id") or ""),
        sku_id=str(li.get("sku_id") or ""),
        seller_sku=str(li.get("seller_sku") or ""),
        name=name,
        quantity=quantity,
        unit_price=rupiah(price if price not in (None, "") else li.get("original_price")),
        cancelled_quantity=quantity if cancelled else 0,
    )


def listings(product: dict[str, Any], variants: Mapping[str, str]) -> list[Listing]:
    """One product from products/search, whose SKUs carry no sales attributes: each variant name comes from
    `variants` (SKU id to name, read from Get Product)."""
    result = []
    for sku in product.get("skus") or []:
        stock = sum(int(w.get("quantity") or 0) for w in sku.get("inventory") or [])
        result.append(Listing(str(product.get("id")), str(sku.get("id")), str(sku.get("seller_sku") or ""),
                              str(product.get("title") or ""), variants.get(str(sku.get("id")), ""), stock))
    return result


def sku_variants(detail: dict[str, Any]) -> dict[str, str]:
    """Get Product's SKUs to their variant names: the sales attributes' value names, e.g. "Merah, XL"."""
    return {str(sku.get("id")): ", ".join(str(a["value_name"]) for a in sku.get("sales_attributes") or []
                                          if a.get("value_name"))
            for sku in detail.get("skus") or []}


def split_over_warehouses(total: int, current: list[tuple[str, int]]) -> list[dict[str, object]] | None:
    """`total` units over every warehouse of a SKU, each within [1, 99999]: the others keep what they hold (at
    least 1), the first takes the rest; None when `total` cannot be laid out so. One warehouse (or none known):
    the quantity alone, warehouse_id optional then."""
    if len(current) <= 1:
        return [{"warehouse_id": current[0][0], "quantity": total} if current else {"quantity": total}]
    others = [max(1, held) for _, held in current[1:]]
    rest = total - sum(others)
    for n in range(len(others)):  # lower the others to 1 each, last first, until the first warehouse has 1
        if rest >= 1:
            break
        give = min(others[-1 - n] - 1, 1 - rest)
        others[-1 - n] -= give
        rest += give
    if not 1 <= rest <= 99_999:
        return None
    amounts = [rest, *others]
    return [{"warehouse_id": wid, "quantity": qty} for (wid, _), qty in zip(current, amounts, strict=True)]


def sku_failures(data: dict[str, Any]) -> dict[str, str]:
    """inventory/update's data.errors[] by SKU id: the platform's code and words (warehouses named)."""
    failed: dict[str, str] = {}
    for e in data.get("errors") or []:
        detail = e.get("detail") or {}
        sku = str(detail.get("sku_id") or "")
        places = ", ".join(str(x.get("warehouse_id")) for x in detail.get("extra_errors") or []
                           if x.get("warehouse_id"))
        words = f"{e.get('code')}: {e.get('message') or ''}" + (f" ({places})" if places else "")
        failed[sku] = f"{failed[sku]}; {words}" if sku in failed else words
    return failed


def sku_warehouses(product: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """Each SKU's warehouses and units from a products/search product."""
    return {str(sku.get("id")): [(str(w.get("warehouse_id")), int(w.get("quantity") or 0))
                                 for w in sku.get("inventory") or [] if w.get("warehouse_id")]
            for sku in product.get("skus") or []}


def content_text(content: object) -> str:
    """TikTok message content is a JSON string like {"content": "halo"}."""
    value: object = content
    if isinstance(content, str):
        try:
            value = json.loads(content)
        except ValueError:
            return content
    if isinstance(value, dict):
        return str(value.get("content") or value.get("text") or "")
    return ""


def content_fields(content: object) -> dict[str, Any]:
    """The JSON-string content as a dict (empty when it is not a JSON object)."""
    value: object = content
    if isinstance(content, str):
        try:
            value = json.loads(content)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


ATTACHMENT_KEYS = {"IMAGE": ("image_url", "url"), "PRODUCT_CARD": ("item_id", "product_id"),
                   "ORDER_CARD": ("order_id", "order_id")}


def attachment(kind: str, content: object) -> dict[str, str]:
    """IMAGE {"url"} / PRODUCT_CARD {"product_id"} / ORDER_CARD {"order_id"}, each a JSON string."""
    if kind not in ATTACHMENT_KEYS:
        return {}
    ours, theirs = ATTACHMENT_KEYS[kind]
    value = content_fields(content).get(theirs)
    return {ours: str(value)} if value else {}


def conversation(row: dict[str, Any]) -> Conversation:
    buyer: dict[str, Any] = next((p for p in row.get("participants") or [] if p.get("role") == "BUYER"), {})
    latest = row.get("latest_message") or {}
    return Conversation(
        conversation_id=str(row.get("id")),
        buyer_id=str(buyer.get("user_id") or buyer.get("im_user_id") or ""),
        buyer_name=str(buyer.get("nickname") or ""),
        last_text=content_text(latest.get("content"))
        if latest.get("type") == "TEXT" and latest.get("is_visible") is not False else "",
        last_message_at=from_epoch(latest.get("create_time") or row.get("create_time")),
        unread_count=int(row.get("unread_count") or 0),
    )


def message(row: dict[str, Any], conversation_id: str) -> Message:
    sender = row.get("sender") or {}
    kind = str(row.get("type") or "")
    return Message(
        message_id=str(row.get("id")),
        conversation_id=conversation_id,
        sender_id=str(sender.get("im_user_id") or ""),
        text=content_text(row.get("content")) if kind == "TEXT" else "",
        kind=kind,
        sent_at=require_epoch(row.get("create_time")),
        from_buyer=sender.get("role") == "BUYER",
        is_auto_reply=sender.get("role") == "ROBOT",
        attachment=attachment(kind, row.get("content")),
    )
