"""TikTok Shop Partner API 202309 connector (also serves Tokopedia shops since the 2025 migration)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from companion.connectors.base import Connector
from companion.connectors.batching import chunks
from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import CHAT_NOT_APPROVED, SCOPE_MISSING, NotPermitted, Permanent
from companion.connectors.http import Http
from companion.connectors.tiktok import auth, fulfilment_mapping, mapping
from companion.connectors.tiktok.client import TikTokClient
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.connectors.tiktok.fulfilment import TikTokFulfilment
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
STOCK_BATCH = 100  # "A single product cannot have more than 100 different SKUs" (update-inventory, 12052050)
INVENTORY_SEARCH_BATCH = 600
MIN_QUANTITY, MAX_QUANTITY = 1, 99_999  # per warehouse, update-inventory's "Valid range: [1, 99,999]"
QUANTITY_WORDS = ("TikTok Shop takes stock from 1 to 99999 per warehouse, not {quantity}: while it is sold out, "
                  "deactivate the product in TikTok Shop Seller Center")
CONVERSATION_PAGE = 20
MESSAGE_PAGE = 10
TEXT_LIMIT = 2000
LOCALE = "id-ID"


class TikTokConnector(TikTokFulfilment, Connector):
    channel = "tiktok"
    capabilities = frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT})

    def __init__(self, credentials: TikTokCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.client = TikTokClient(credentials, http, clock)
        self.order_page_size = ORDER_PAGE  # smaller in tests, to walk several pages
        # each SKU's warehouses with their units, as products/search or inventory/search last said
        self._warehouse_cache: dict[str, list[tuple[str, int]]] = {}
        # each product's SKU variant names from Get Product, with the product's update_time they were read at
        self._variant_cache: dict[str, tuple[int, dict[str, str]]] = {}

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
        orders = tuple(self._with_requests(data.get("orders") or []))
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return OrderPage(orders, next_cursor, next_cursor is None)

    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for batch in chunks(list(ids), DETAIL_BATCH):
            data = self.client.call("GET", "/order/202309/orders", {"ids": ",".join(batch)})
            orders += self._with_requests(data.get("orders") or [])
        return orders

    def _with_requests(self, rows: Sequence[dict[str, Any]]) -> list[Order]:
        """Orders, each flagged is_buyer_request_cancel carrying its pending request (Search Cancellations: the
        order itself has only the flag)."""
        asking = [str(r["id"]) for r in rows if r.get("is_buyer_request_cancel")]
        found = self.buyer_cancel_requests(asking) if asking else {}
        return [replace(mapping.order(r), cancel_request=fulfilment_mapping.cancel_request(found[str(r["id"])]))
                if str(r["id"]) in found else mapping.order(r) for r in rows]

    def list_listings(self) -> list[Listing]:
        """POST /product/202309/products/search, only ACTIVATE products (the only ones whose inventory can be
        updated); its SKUs carry no sales attributes, so variant names come from Get Product (cached)."""
        result: list[Listing] = []
        token = ""
        while True:
            query = {"page_size": str(PRODUCT_PAGE)} | ({"page_token": token} if token else {})
            data = self.client.call("POST", "/product/202309/products/search", query, {"status": "ACTIVATE"},
                                    read_only=True)
            for product in data.get("products") or []:
                result += mapping.listings(product, self._variants(product))
                self._warehouse_cache.update(mapping.sku_warehouses(product))
            next_token = str(data.get("next_page_token") or "")
            if not next_token or next_token == token:
                return result
            token = next_token

    def _variants(self, product: dict[str, Any]) -> dict[str, str]:
        """A product's variant names: Get Product is asked only when the product's update_time (from the search
        answer) differs from the one its cached names were read at."""
        product_id = str(product.get("id") or "")
        updated = int(product.get("update_time") or 0)
        cached = self._variant_cache.get(product_id)
        if cached is not None and cached[0] == updated and updated:
            return cached[1]
        detail = self.client.call("GET", f"/product/202309/products/{product_id}")
        names = mapping.sku_variants(detail)
        self._variant_cache[product_id] = (updated, names)
        return names

    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        """One inventory/update call per product (all SKUs must belong to it), every warehouse of each SKU listed
        (its warehouses read first through inventory/search); per-SKU refusals come back in data.errors[]."""
        results: list[StockResult] = []
        by_product: dict[str, list[StockUpdate]] = {}
        for update in updates:
            if not update.listing.item_id or not update.listing.sku_id:
                results.append(StockResult(update.listing, False, "invalid listing reference"))
            elif not MIN_QUANTITY <= update.quantity <= MAX_QUANTITY:
                # The reference's range is [1, 99,999] per warehouse: a call with 0 is refused, so none is sent.
                results.append(StockResult(update.listing, False, QUANTITY_WORDS.format(quantity=update.quantity)))
            else:
                by_product.setdefault(update.listing.item_id, []).append(update)
        warehouses = self._warehouses([u.listing.sku_id for ups in by_product.values() for u in ups])
        for product_id, product_updates in by_product.items():
            for batch in chunks(product_updates, STOCK_BATCH):
                results += self._push_product(product_id, batch, warehouses)
        return results

    def _warehouses(self, sku_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Each SKU's warehouses with what each holds now (inventory/search, at most 600 SKUs a call)."""
        found = {sku: self._warehouse_cache[sku] for sku in sku_ids if sku in self._warehouse_cache}
        unknown = [sku for sku in dict.fromkeys(sku_ids) if sku not in found]
        for batch in chunks(unknown, INVENTORY_SEARCH_BATCH):
            data = self.client.call("POST", "/product/202309/inventory/search", body={"sku_ids": batch},
                                    read_only=True)
            for product in data.get("inventory") or []:
                for sku in product.get("skus") or []:
                    found[str(sku.get("id"))] = [(str(w.get("warehouse_id")), int(w.get("available_quantity") or 0))
                                                 for w in sku.get("warehouse_inventory") or []]
        self._warehouse_cache.update(found)
        return found

    def _push_product(self, product_id: str, batch: Sequence[StockUpdate],
                      warehouses: dict[str, list[tuple[str, int]]]) -> list[StockResult]:
        skus, results = [], []
        for u in batch:
            split = mapping.split_over_warehouses(u.quantity, warehouses.get(u.listing.sku_id) or [])
            if split is None:
                results.append(StockResult(u.listing, False, QUANTITY_WORDS.format(quantity=u.quantity)))
            else:
                skus.append((u, split))
        if not skus:
            return results
        body = {"skus": [{"id": u.listing.sku_id, "inventory": inventory} for u, inventory in skus]}
        try:
            data = self.client.call("POST", f"/product/202309/products/{product_id}/inventory/update", body=body)
        except NotPermitted:
            raise
        except Permanent as refused:
            return results + [StockResult(u.listing, False, refused.message) for u, _ in skus]
        failed = mapping.sku_failures(data)
        return results + [StockResult(u.listing, u.listing.sku_id not in failed, failed.get(u.listing.sku_id, ""))
                          for u, _ in skus]

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        query = {"page_size": str(CONVERSATION_PAGE), "locale": LOCALE} | ({"page_token": cursor} if cursor else {})
        data = self._cs("GET", "/customer_service/202309/conversations", query)
        rows = tuple(mapping.conversation(c) for c in data.get("conversations") or [])
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return ConversationPage(rows, next_cursor, next_cursor is None)

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        """Newest first; reading does not mark the conversation as read."""
        query = {"page_size": str(MESSAGE_PAGE), "locale": LOCALE, "sort_order": "DESC"}
        if cursor:
            query["page_token"] = cursor
        data = self._cs("GET", f"/customer_service/202309/conversations/{conversation_id}/messages", query)
        # is_visible=false: the platform says not to show it to customer service (e.g. a rating request)
        rows = tuple(mapping.message(m, conversation_id) for m in data.get("messages") or []
                     if m.get("is_visible") is not False)
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return MessagePage(rows, next_cursor, next_cursor is None)

    def send_text(self, conversation: Conversation, text: str) -> str:
        if not text.strip() or len(text) > TEXT_LIMIT:
            raise Permanent("invalid_text", f"text must be 1–{TEXT_LIMIT} characters")
        body = {"type": "TEXT", "content": json.dumps({"content": text}, ensure_ascii=False)}
        data = self._cs("POST", f"/customer_service/202309/conversations/{conversation.conversation_id}/messages",
                        body=body)
        return str(data.get("message_id") or "")

    def _cs(self, method: str, path: str, query: dict[str, str] | None = None,
            body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A Customer Service call: that API is inactive until TikTok approves it for the app, so a missing scope
        there means "ask for Customer Service approval"."""
        try:
            return self.client.call(method, path, query, body)
        except NotPermitted as refused:
            if refused.reason in (SCOPE_MISSING, ""):
                raise NotPermitted(refused.platform_code, refused.platform_message, reason=CHAT_NOT_APPROVED) from None
            raise
