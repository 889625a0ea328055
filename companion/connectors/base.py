"""The connector interface: plain records in and out, one implementation per marketplace.

Connectors never touch the database; the sync engine stores what they return and passes plain data back in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from companion.connectors.errors import NotPermitted

SHOPEE_HOST = "https://partner.shopeemobile.com"
TIKTOK_HOST = "https://open-api.tiktokglobalshop.com"
TIKTOK_AUTH_HOST = "https://auth.tiktok-shops.com"
LAZADA_HOST = "https://api.lazada.co.id/rest"
LAZADA_AUTH_HOST = "https://auth.lazada.com/rest"


class Capability(StrEnum):
    ORDERS = "orders"
    STOCK = "stock"
    CHAT = "chat"


class Channel(StrEnum):
    SHOPEE = "shopee"
    TIKTOK = "tiktok"
    LAZADA = "lazada"


class OrderStatus(StrEnum):
    """Our six states; the platform's own status is kept next to it as `status_raw`."""

    UNPAID = "unpaid"
    PAID = "paid"  # paid, seller must pack
    READY_TO_SHIP = "ready_to_ship"  # shipment arranged, waiting for the courier
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ShopeeCredentials:
    partner_id: int
    partner_key: str = field(repr=False)
    shop_id: int
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = SHOPEE_HOST

    def secrets(self) -> tuple[str, ...]:
        return (self.partner_key, self.access_token, self.refresh_token)


@dataclass(frozen=True)
class TikTokCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    shop_cipher: str = ""
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = TIKTOK_HOST
    auth_base_url: str = TIKTOK_AUTH_HOST

    def secrets(self) -> tuple[str, ...]:
        return (self.app_secret, self.access_token, self.refresh_token)


@dataclass(frozen=True)
class LazadaCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = LAZADA_HOST
    auth_base_url: str = LAZADA_AUTH_HOST

    def secrets(self) -> tuple[str, ...]:
        return (self.app_secret, self.access_token, self.refresh_token)


Credentials = ShopeeCredentials | TikTokCredentials | LazadaCredentials


@dataclass(frozen=True)
class TokenSet:
    """Fresh tokens; persist ALL of it before using the access token (Shopee refresh tokens are single-use)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime | None


@dataclass(frozen=True)
class OrderLine:
    line_id: str
    item_id: str
    sku_id: str  # Shopee model_id, TikTok sku_id, Lazada sku_id
    seller_sku: str
    name: str
    quantity: int
    unit_price: int  # whole rupiah


@dataclass(frozen=True)
class Order:
    channel: Channel
    order_id: str
    status_raw: str
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    ship_by: datetime | None
    buyer_name: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[Order, ...]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True)
class ListingRef:
    """What a platform needs to address one sellable variant."""

    item_id: str
    sku_id: str  # "0" for a Shopee item without variants
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


@dataclass(frozen=True)
class MessagePage:
    messages: tuple[Message, ...]
    next_cursor: str | None
    done: bool


class Connector(ABC):
    """One marketplace shop. Methods raise only `companion.connectors.errors` types."""

    channel: ClassVar[Channel]
    capabilities: ClassVar[frozenset[Capability]]

    @abstractmethod
    def refresh_tokens(self) -> TokenSet:
        """Exchange the refresh token; the caller persists the result, then calls `use_tokens`."""

    @abstractmethod
    def use_tokens(self, tokens: TokenSet) -> None:
        """Switch to tokens the caller has already persisted."""

    @abstractmethod
    def pull_orders(self, updated_from: datetime, updated_to: datetime,
                    cursor: str | None = None) -> OrderPage:
        """One page of orders updated in [updated_from, updated_to]; pass `next_cursor` back until done."""

    @abstractmethod
    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        """Full orders by platform id (batched internally)."""

    @abstractmethod
    def list_listings(self) -> list[Listing]:
        """Every sellable variant with its current platform stock."""

    @abstractmethod
    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        """Set absolute stock, batched to the platform limit; one result per update.

        A refusal for one batch is reported per listing; auth, throttling and transport errors are raised
        (absolute quantities make a full retry safe).
        """

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")

    def send_text(self, conversation: Conversation, text: str) -> str:
        """Send a text reply; returns the platform message id."""
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")
