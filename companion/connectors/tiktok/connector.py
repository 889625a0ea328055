"""TikTok Shop Partner API 202309 connector (also serves Tokopedia shops since the 2025 migration)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from companion.connectors.base import Connector
from companion.connectors.batching import chunks
from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import Permanent
from companion.connectors.http import Http
from companion.connectors.tiktok import auth, mapping
from companion.connectors.tiktok.client import TikTokClient
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import (
    Capability,
    Conversation,
    ConversationPage,
    Listing,
    MessagePage,
    Order,
    OrderPage,
    StockResult,
    StockUpdate,
    TokenSet,
)

ORDER_PAGE = 100
DETAIL_BATCH = 50
PRODUCT_PAGE = 100
# UNCONFIRMED: no per-call SKU limit is given for inventory/update; 100 keeps bodies small.
STOCK_BATCH = 100
CONVERSATION_PAGE = 20
MESSAGE_PAGE = 10
TEXT_LIMIT = 2000
LOCALE = "id-ID"


class TikTokConnector(Connector):
    channel = "tiktok"
    capabilities = frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT})

    def __init__(self, credentials: TikTokCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.client = TikTokClient(credentials, http, clock)
        self.order_page_size = ORDER_PAGE  # smaller in tests, to walk several pages

    @property
    def credentials(self) -> TikTokCredentials:
        return self.client.credentials

    def refresh_tokens(self) -> TokenSet:
        return auth.refresh(self.credentials, self.client.http)

    def use_tokens(self, tokens: TokenSet) -> None:
        self.client.credentials = replace(self.credentials, access_token=tokens.access_token,
                                          refresh_token=tokens.refresh_token)

    def pull_orders(self, updated_from: datetime, updated_to: datetime,
                    cursor: str | None = None) -> OrderPage:
        """Cursor is TikTok's page_token; the window is inclusive of `updated_to` (lt = to + 1)."""
        query = {"page_size": str(self.order_page_size), "sort_field": "update_time", "sort_order": "ASC"}
        if cursor:
            query["page_token"] = cursor
        body = {"update_time_ge": epoch_seconds(updated_from), "update_time_lt": epoch_seconds(updated_to) + 1}
        data = self.client.call("POST", "/order/202309/orders/search", query, body, read_only=True)
        orders = tuple(mapping.order(o) for o in data.get("orders") or [])
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return OrderPage(orders, next_cursor, next_cursor is None)

    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for batch in chunks(list(ids), DETAIL_BATCH):
            data = self.client.call("GET", "/order/202309/orders", {"ids": ",".join(batch)})
            orders += [mapping.order(o) for o in data.get("orders") or []]
        return orders

    def list_listings(self) -> list[Listing]:
        """POST /product/202309/products/search: NOT in the reference (shape of the live API); only
        ACTIVATE products, the only ones whose inventory can be updated (§2.5)."""
        result: list[Listing] = []
        token = ""
        while True:
            query = {"page_size": str(PRODUCT_PAGE)} | ({"page_token": token} if token else {})
            data = self.client.call("POST", "/product/202309/products/search", query, {"status": "ACTIVATE"},
                                    read_only=True)
            for product in data.get("products") or []:
                result += mapping.listings(product)
            next_token = str(data.get("next_page_token") or "")
            if not next_token or next_token == token:
                return result
            token = next_token

    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        """One inventory/update call per product (all SKUs must belong to it, §2.5)."""
        results: list[StockResult] = []
        by_product: dict[str, list[StockUpdate]] = {}
        for update in updates:
            if not update.listing.item_id or not update.listing.sku_id or update.quantity < 0:
                results.append(StockResult(update.listing, False, "invalid listing reference or quantity"))
            else:
                by_product.setdefault(update.listing.item_id, []).append(update)
        for product_id, product_updates in by_product.items():
            for batch in chunks(product_updates, STOCK_BATCH):
                results += self._push_product(product_id, batch)
        return results

    def _push_product(self, product_id: str, batch: Sequence[StockUpdate]) -> list[StockResult]:
        # warehouse_id left out: optional for single-warehouse shops (§2.5); multi-warehouse not supported.
        # UNCONFIRMED (§2.5): the spec range is 1–99,999; we still send 0 (sold out) and report a refusal.
        body = {"skus": [{"id": u.listing.sku_id, "inventory": [{"quantity": u.quantity}]} for u in batch]}
        try:
            self.client.call("POST", f"/product/202309/products/{product_id}/inventory/update", body=body)
        except Permanent as refused:
            return [StockResult(u.listing, False, refused.message) for u in batch]
        return [StockResult(u.listing, True) for u in batch]

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        query = {"page_size": str(CONVERSATION_PAGE), "locale": LOCALE} | ({"page_token": cursor} if cursor else {})
        data = self.client.call("GET", "/customer_service/202309/conversations", query)
        rows = tuple(mapping.conversation(c) for c in data.get("conversations") or [])
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return ConversationPage(rows, next_cursor, next_cursor is None)

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        """Newest first; reading does not mark the conversation as read."""
        query = {"page_size": str(MESSAGE_PAGE), "locale": LOCALE, "sort_order": "DESC"}
        if cursor:
            query["page_token"] = cursor
        data = self.client.call("GET", f"/customer_service/202309/conversations/{conversation_id}/messages", query)
        rows = tuple(mapping.message(m, conversation_id) for m in data.get("messages") or [])
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return MessagePage(rows, next_cursor, next_cursor is None)

    def send_text(self, conversation: Conversation, text: str) -> str:
        if not text.strip() or len(text) > TEXT_LIMIT:
            raise Permanent("invalid_text", f"text must be 1–{TEXT_LIMIT} characters")
        body = {"type": "TEXT", "content": json.dumps({"content": text}, ensure_ascii=False)}
        data = self.client.call("POST", f"/customer_service/202309/conversations/{conversation.conversation_id}"
                                "/messages", body=body)
        return str(data.get("message_id") or "")
