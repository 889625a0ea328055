"""Lazada payloads (reference §3.4–§3.6) to plain records."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from companion.connectors.convert import from_epoch, rupiah
from companion.connectors.lazada import fulfilment_mapping as fm
from companion.domain.marketplace import Conversation, Listing, Message, Order, OrderLine, OrderStatus

STATUS = {
    "unpaid": OrderStatus.UNPAID,
    "pending": OrderStatus.PAID,
    "topack": OrderStatus.PAID,
    "repacked": OrderStatus.PAID,  # its package was undone (RecreatePackage): to be packed again
    "ready_to_ship_pending": OrderStatus.READY_TO_SHIP,
    # packed but not yet handed to the courier (ReadyToShip not called, or its call never arrived): the seller still
    # has a step to do, and the ship command resumes at ready-to-ship; arranged only from ready_to_ship on
    "packed": OrderStatus.PAID,
    "ready_to_ship": OrderStatus.READY_TO_SHIP,
    "toship": OrderStatus.READY_TO_SHIP,
    "shipped": OrderStatus.SHIPPED,
    "shipping": OrderStatus.SHIPPED,
    "lost": OrderStatus.SHIPPED,  # the goods left the shop
    "lost_by_3pl": OrderStatus.SHIPPED,
    "damaged_by_3pl": OrderStatus.SHIPPED,
    "package_scrapped": OrderStatus.SHIPPED,
    "delivered": OrderStatus.COMPLETED,
    "confirmed": OrderStatus.COMPLETED,  # the buyer confirmed receipt ("not common to all countries")
    "returned": OrderStatus.COMPLETED,  # a sale that went out; the return is its own flow
    "canceled": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,
    "failed_delivery": OrderStatus.CANCELLED,
    "shipped_back": OrderStatus.CANCELLED,
    "shipped_back_success": OrderStatus.CANCELLED,
    "shipped_back_failed": OrderStatus.CANCELLED,
}
WIB = timezone(timedelta(hours=7))
PROGRESS = [OrderStatus.UNPAID, OrderStatus.PAID, OrderStatus.READY_TO_SHIP, OrderStatus.SHIPPED,
            OrderStatus.COMPLETED]


def order_status(statuses: list[str]) -> OrderStatus:
    """Lazada keeps one status per item: cancelled only when every item is, else the least advanced."""
    mapped = [STATUS.get(s.lower(), OrderStatus.PAID) for s in statuses] or [OrderStatus.PAID]
    live = [s for s in mapped if s is not OrderStatus.CANCELLED]
    return min(live, key=PROGRESS.index) if live else OrderStatus.CANCELLED


def parse_time(value: object) -> datetime | None:
    """"2024-01-15 10:20:30 +0700", ISO 8601, or epoch milliseconds → UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or str(value).isdigit():
        return from_epoch(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"unreadable Lazada time: {text!r}") from None
    # UNCONFIRMED: a time without an offset is taken as WIB (+07:00), the Indonesian seller's zone.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    return moment.astimezone(UTC)


def require_time(value: object) -> datetime:
    moment = parse_time(value)
    if moment is None:
        raise ValueError("missing Lazada time")
    return moment


def order(row: dict[str, Any], items: list[dict[str, Any]]) -> Order:
    statuses = [str(s) for s in row.get("statuses") or []]
    promised = [t for t in (parse_time(i.get("promised_shipping_time")) for i in items) if t is not None]
    ship_by = min(promised) if promised else _first_time(row.get("promised_shipping_times"))
    buyer = " ".join(str(row.get(k) or "").strip() for k in ("customer_first_name", "customer_last_name"))
    updated = require_time(row.get("updated_at") or row.get("created_at"))
    courier, tracking, package_id = fm.shipping_facts(items)
    shipping_to = row.get("address_shipping")
    address: dict[str, Any] = shipping_to if isinstance(shipping_to, dict) else {}
    return Order(
        channel="lazada",
        order_id=str(row["order_id"]),
        status_raw=",".join(statuses),
        status=order_status(statuses),
        created_at=require_time(row.get("created_at")),
        updated_at=updated,
        ship_by=ship_by,
        buyer_name=buyer.strip(),
        lines=tuple(line(i) for i in items),
        buyer_city=str(address.get("city") or ""),
        courier=courier,
        tracking_number=tracking,
        package_id=package_id,
        cancel_request=fm.cancel_request(items, updated),
    )


def _first_time(value: object) -> datetime | None:
    try:
        return parse_time(value)
    except ValueError:
        return None


def line(item: dict[str, Any]) -> OrderLine:
    """Lazada order items are one row per unit; a `quantity` field is honoured if present. Each item has its own
    status (reference: one status per order item): one that cancels (what cancels an order) is a cancelled line."""
    name = str(item.get("name") or "")
    if item.get("variation"):
        name = f"{name} ({item['variation']})"
    quantity = int(item.get("quantity") or 1)
    cancelled = STATUS.get(str(item.get("status") or "").lower()) is OrderStatus.CANCELLED
    return OrderLine(
        line_id=str(item.get("order_item_id")),
        item_id=str(item.get("product_id") or ""),
        sku_id=str(item.get("sku_id") or item.get("shop_sku") or ""),
        seller_sku=str(item.get("sku") or ""),
        name=name,
        quantity=quantity,
        unit_price=rupiah(item.get("item_price") if item.get("item_price") not in (None, "")
                          else item.get("paid_price")),
        cancelled_quantity=quantity if cancelled else 0,
    )


def listings(product: dict[str, Any]) -> list[Listing]:
    """One product of GET /products/get (GetProducts; the SKU fields are not listed there: the live API's shape)."""
    name = str((product.get("attributes") or {}).get("name") or "")
    result = []
    for sku in product.get("skus") or []:
        props = sku.get("saleProp") or {}
        variant = ",".join(str(v) for v in props.values() if v) if isinstance(props, dict) else ""
        result.append(Listing(str(product.get("item_id")), str(sku.get("SkuId") or ""),
                              str(sku.get("SellerSku") or ""), name, variant, sellable(sku)))
    return result


def sellable(sku: dict[str, Any]) -> int:
    """What buyers can buy: `Available` (sellable); `quantity` is the total, units of open orders included."""
    for key in ("Available", "sellableStock", "quantity"):
        if sku.get(key) not in (None, ""):
            return int(sku[key])
    return 0


def content_text(content: object) -> str:
    """Message content is a JSON string such as {"txt": "halo"}."""
    if isinstance(content, str):
        try:
            value = json.loads(content)
        except ValueError:
            return content
        return str(value.get("txt") or "") if isinstance(value, dict) else ""
    return ""


# template 3 (image): the send call takes `img_url`; the key in a received message's content is UNCONFIRMED
# (imgUrl in field samples), so the known spellings are all tried.
IMAGE_KEYS = ("imgUrl", "img_url", "url", "imageUrl")
ATTACHMENT_KEYS = {"3": ("image_url", IMAGE_KEYS), "10006": ("item_id", ("item_id", "itemId")),
                   "10007": ("order_id", ("order_id", "orderId"))}


def attachment(kind: str, content: object) -> dict[str, str]:
    """Image URL, item id or order id out of the JSON-string content of templates 3, 10006, 10007."""
    if kind not in ATTACHMENT_KEYS or not isinstance(content, str):
        return {}
    try:
        value = json.loads(content)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    ours, theirs = ATTACHMENT_KEYS[kind]
    found = next((value[k] for k in theirs if value.get(k)), None)
    return {ours: str(found)} if found else {}


def conversation(row: dict[str, Any]) -> Conversation:
    return Conversation(
        conversation_id=str(row.get("session_id")),
        buyer_id=str(row.get("buyer_id") or ""),
        buyer_name=str(row.get("title") or ""),
        last_text=str(row.get("summary") or ""),
        last_message_at=from_epoch(row.get("last_message_time")),
        unread_count=int(row.get("unread_count") or 0),
    )


def truthy(value: object) -> bool:
    return str(value).lower() in ("1", "true", "yes") if not isinstance(value, bool) else value


def message(row: dict[str, Any]) -> Message:
    kind = str(row.get("template_id") or "")
    recalled = str(row.get("status") or "0") == "1"
    sent = from_epoch(row.get("send_time"))
    if sent is None:
        raise ValueError("message without send_time")
    return Message(
        message_id=str(row.get("message_id")),
        conversation_id=str(row.get("session_id") or ""),
        sender_id=str(row.get("from_account_id") or ""),
        text="" if recalled or kind != "1" else content_text(row.get("content")),
        kind=kind,
        sent_at=sent,
        from_buyer=str(row.get("from_account_type")) == "1",
        is_auto_reply=truthy(row.get("auto_reply")),
        attachment={} if recalled else attachment(kind, row.get("content")),
        # non-empty: Lazada's safety check stopped it, only the seller sees it, and the notice must be shown
        platform_notice=str(row.get("process_msg") or ""),
    )
