"""Shopee payloads (reference §1.7–§1.9) to plain records."""

from __future__ import annotations

from typing import Any

from companion.connectors.convert import from_epoch, require_epoch, rupiah
from companion.connectors.shopee.fulfilment_mapping import shipping_fields
from companion.domain.marketplace import Conversation, Listing, Message, Order, OrderLine, OrderStatus

STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "PENDING": OrderStatus.PAID,
    "INVOICE_PENDING": OrderStatus.PAID,
    "READY_TO_SHIP": OrderStatus.PAID,  # paid; the seller still has to arrange shipment
    "IN_CANCEL": OrderStatus.PAID,  # cancellation requested, not decided: keep stock committed
    "PROCESSED": OrderStatus.READY_TO_SHIP,  # shipment arranged, tracking number obtained
    "RETRY_SHIP": OrderStatus.READY_TO_SHIP,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.SHIPPED,
    "TO_RETURN": OrderStatus.COMPLETED,  # a sale that went out; the return is its own flow
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
}


def order_status(raw: str) -> OrderStatus:
    """Unknown future statuses count as paid so stock stays committed until we learn more."""
    return STATUS.get(raw.upper(), OrderStatus.PAID)


def order(detail: dict[str, Any]) -> Order:
    """One `get_order_detail` entry requested with item_list, buyer_username and the shipping fields."""
    raw = str(detail.get("order_status") or "")
    buyer = detail.get("buyer_username") or (detail.get("recipient_address") or {}).get("name") or ""
    return Order(
        channel="shopee",
        order_id=str(detail["order_sn"]),
        status_raw=raw,
        status=order_status(raw),
        created_at=require_epoch(detail.get("create_time")),
        updated_at=require_epoch(detail.get("update_time") or detail.get("create_time")),
        ship_by=from_epoch(detail.get("ship_by_date")),
        buyer_name=str(buyer),
        lines=order_lines(detail.get("item_list") or []),
        **shipping_fields(detail),
    )


def order_lines(items: list[dict[str, Any]]) -> tuple[OrderLine, ...]:
    lines: list[OrderLine] = []
    seen: dict[str, int] = {}
    for item in items:
        model_id = str(item.get("model_id") or 0)
        # order_item_id can repeat across models (and bundles), so the line key includes the model.
        key = f"{item.get('order_item_id') or item.get('item_id')}:{model_id}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
        discounted = rupiah(item.get("model_discounted_price"))
        price = discounted if discounted > 0 else rupiah(item.get("model_original_price"))  # 0 in bundle deals
        name = str(item.get("item_name") or "")
        if item.get("model_name"):
            name = f"{name} ({item['model_name']})"
        lines.append(OrderLine(
            line_id=key,
            item_id=str(item.get("item_id")),
            sku_id=model_id,
            seller_sku=str(item.get("model_sku") or item.get("item_sku") or ""),
            name=name,
            quantity=int(item.get("model_quantity_purchased") or 0),
            unit_price=price,
            # units of this line already cancelled (cancel_requested_qty still waits for a decision: kept)
            cancelled_quantity=int(item.get("cancelled_qty") or 0),
        ))
    return tuple(lines)


def seller_stock(stock_info: dict[str, Any] | None) -> int:
    """Sum of seller_stock (what update_stock sets), else the summary's available stock."""
    info = stock_info or {}
    entries = info.get("seller_stock") or []
    if entries:
        return sum(int(e.get("stock") or 0) for e in entries)
    return int((info.get("summary_info") or {}).get("total_available_stock") or 0)


def locations(stock_info: dict[str, Any] | None) -> list[tuple[str, int]]:
    """The item's seller stock per warehouse [(location_id, stock)], first the saleable ones; [] when its seller
    stock carries no location_id (then update_stock must not send one either)."""
    entries = [e for e in (stock_info or {}).get("seller_stock") or [] if e.get("location_id")]
    entries.sort(key=lambda e: not e.get("if_saleable", True))
    return [(str(e["location_id"]), int(e.get("stock") or 0)) for e in entries]


def spread_stock(quantity: int, where: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """update_stock's seller_stock for a total of `quantity`: every warehouse listed, the others keeping what they
    hold (they may be real shelves elsewhere) and the first taking the difference; when the others already hold
    more than `quantity`, they give up units from the last one on."""
    if not where:
        return [{"stock": quantity}]
    names = [loc for loc, _ in where[1:]]
    held = [n for _, n in where[1:]]
    over = sum(held) - quantity
    for at in reversed(range(len(held))):
        taken = min(held[at], max(over, 0))
        held[at] -= taken
        over -= taken
    first = quantity - sum(held)
    return [{"location_id": where[0][0], "stock": first},
            *({"location_id": loc, "stock": n} for loc, n in zip(names, held, strict=True))]


def variant_name(model: dict[str, Any], tiers: list[dict[str, Any]]) -> str:
    if model.get("model_name"):
        return str(model["model_name"])
    parts = []
    for tier, index in zip(tiers, model.get("tier_index") or [], strict=False):
        options = tier.get("option_list") or []
        if 0 <= int(index) < len(options):
            parts.append(str(options[int(index)].get("option") or ""))
    return ",".join(p for p in parts if p)


def listings(item_id: int, base: dict[str, Any] | None, models: dict[str, Any]) -> list[Listing]:
    """Listings of one item from `get_model_list` (and `get_item_base_info` when we have it)."""
    base = base or {}
    name = str(base.get("item_name") or "")
    model_rows = models.get("model") or []
    if not model_rows:
        return [Listing(str(item_id), "0", str(base.get("item_sku") or ""), name, "",
                        seller_stock(base.get("stock_info_v2")))]
    tiers = models.get("tier_variation") or []
    return [Listing(str(item_id), str(m.get("model_id")), str(m.get("model_sku") or ""), name,
                    variant_name(m, tiers), seller_stock(m.get("stock_info_v2"))) for m in model_rows]


def conversation(row: dict[str, Any]) -> Conversation:
    return Conversation(
        conversation_id=str(row.get("conversation_id")),
        buyer_id=str(row.get("to_id") or ""),
        buyer_name=str(row.get("to_name") or ""),
        last_text=str((row.get("latest_message_content") or {}).get("text") or ""),
        last_message_at=from_epoch(row.get("last_message_timestamp")),  # nanoseconds; unit found by size
        unread_count=int(row.get("unread_count") or 0),
    )


def attachment(kind: str, content: dict[str, Any], source: dict[str, Any]) -> dict[str, str]:
    """image → content.url, item → content.item_id (or source_content.item_id), order → content.order_sn."""
    keys = {"image": ("image_url", "url"), "item": ("item_id", "item_id"), "order": ("order_id", "order_sn")}
    if kind not in keys:
        return {}
    ours, theirs = keys[kind]
    value = content.get(theirs) or source.get(theirs)
    return {ours: str(value)} if value else {}


def message(row: dict[str, Any], shop_id: int) -> Message:
    content = row.get("content") or {}
    kind = str(row.get("message_type") or "")
    from_shop = str(row.get("from_shop_id") or 0)
    # UNCONFIRMED: no documented auto-reply flag; `source`/`message_option` are the only hints.
    source = str(row.get("source") or "").lower()
    return Message(
        message_id=str(row.get("message_id")),
        conversation_id=str(row.get("conversation_id") or ""),
        sender_id=str(row.get("from_id") or ""),
        text=str(content.get("text") or "") if kind == "text" else "",
        kind=kind,
        sent_at=require_epoch(row.get("created_timestamp")),
        from_buyer=from_shop != str(shop_id),
        is_auto_reply="auto" in source,
        attachment=attachment(kind, content, row.get("source_content") or {}),
    )
