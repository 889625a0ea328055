"""The plain marketplace records every layer shares: orders, listings, stock numbers, chats, tokens.

Connectors return them, services store them, file imports and the practice marketplace speak them. Pure values: no
I/O, no Qt, no platform names (a channel is its registered name, a plain string).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from companion.domain.fulfilment import CancelRequest


class Capability(StrEnum):
    """What a channel really offers; the sync engine runs only the phases a channel declares."""

    ORDERS = "orders"
    STOCK = "stock"
    CHAT = "chat"
    FULFILMENT = "fulfilment"
    REVIEWS = "reviews"


class OrderStatus(StrEnum):
    """Our six states; the platform's own status is kept next to it as `status_raw`."""

    UNPAID = "unpaid"
    PAID = "paid"  # paid, seller must pack
    READY_TO_SHIP = "ready_to_ship"  # shipment arranged, waiting for the courier
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TokenSet:
    """Fresh tokens; persist ALL of it before using the access token (some platforms' refresh tokens are single-use)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime | None


@dataclass(frozen=True)
class OrderLine:
    line_id: str
    item_id: str
    sku_id: str  # the platform's id of the sellable variant
    seller_sku: str
    name: str
    quantity: int
    unit_price: int  # whole rupiah
    # units of this line cancelled while the rest of the order lives on (every platform cancels per line); only
    # the live units take stock, and a later raise gives back just the difference
    cancelled_quantity: int = 0

    @property
    def live_quantity(self) -> int:
        return self.quantity - min(max(self.cancelled_quantity, 0), self.quantity)


@dataclass(frozen=True)
class Order:
    channel: str  # the channel's registered name (connectors.registry)
    order_id: str
    status_raw: str
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    ship_by: datetime | None
    buyer_name: str
    lines: tuple[OrderLine, ...]
    # shipping, where the platform says (kept as the latest non-empty value; "" = not known yet)
    buyer_city: str = ""
    courier: str = ""            # the courier and service, e.g. "J&T Express - Reguler"
    tracking_number: str = ""
    package_id: str = ""         # the platform's package/parcel id (one per order in this app)
    cancel_request: CancelRequest | None = None  # a buyer's open request to cancel, which the seller must answer


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[Order, ...]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True)
class ListingRef:
    """What a platform needs to address one sellable variant."""

    item_id: str
    sku_id: str  # some platforms use "0" for an item without variants
    seller_sku: str = ""


@dataclass(frozen=True)
class Listing:
    item_id: str
    sku_id: str
    seller_sku: str
    name: str
    variant: str
    stock: int

    @property
    def ref(self) -> ListingRef:
        return ListingRef(self.item_id, self.sku_id, self.seller_sku)


@dataclass(frozen=True)
class StockUpdate:
    listing: ListingRef
    quantity: int  # absolute, never a delta


@dataclass(frozen=True)
class StockResult:
    listing: ListingRef
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    buyer_id: str
    buyer_name: str
    last_text: str
    last_message_at: datetime | None
    unread_count: int


@dataclass(frozen=True)
class ConversationPage:
    conversations: tuple[Conversation, ...]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True)
class Message:
    """One chat message as the platform reports it.

    Connectors drop the messages the platform marks not visible (hidden, recalled, deleted): they are simply not
    returned. A message the platform still shows but has blocked or flagged keeps its text and carries the platform's
    own words in `platform_notice` (e.g. why it was blocked), because the seller must be told; "" when nothing is wrong.
    """

    message_id: str
    conversation_id: str
    sender_id: str
    text: str  # empty for non-text messages; see `kind`
    kind: str  # platform message type, e.g. "text", "TEXT", "1"
    sent_at: datetime
    from_buyer: bool
    is_auto_reply: bool
    # what a non-text message points at: "image_url", "item_id" (the platform's item/product id), "order_id"
    # (the platform's order number); empty for text
    attachment: dict[str, str] = field(default_factory=dict, hash=False)
    # the platform blocked or flagged this message and says so in these words (shown under it); "" when not
    platform_notice: str = ""


@dataclass(frozen=True)
class MessagePage:
    messages: tuple[Message, ...]
    next_cursor: str | None
    done: bool
