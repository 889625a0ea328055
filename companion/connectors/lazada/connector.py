"""Lazada Open Platform connector (Indonesia host)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from companion.connectors.base import Connector
from companion.connectors.batching import chunks
from companion.connectors.errors import Permanent
from companion.connectors.http import Http
from companion.connectors.lazada import auth, mapping, reverse, shipping
from companion.connectors.lazada.client import LazadaClient, envelope_error
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.lazada.reviews import LazadaReviews
from companion.domain.clock import now_utc
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAnswer,
    ReturnPage,
    ShipChoice,
    Shipped,
    ShippingDocument,
    ShippingOptions,
)
from companion.domain.marketplace import (
    Capability,
    Conversation,
    ConversationPage,
    Listing,
    ListingRef,
    MessagePage,
    Order,
    OrderPage,
    StockResult,
    StockUpdate,
    TokenSet,
)
from companion.domain.reviews import Review, ReviewPage, ReviewReply, ReviewReplyResult

ORDER_PAGE = 100
ITEMS_BATCH = 50  # /orders/items/get: ≤50 order ids
PRODUCT_PAGE = 50
STOCK_BATCH = 20  # ≤50 SKUs per call (error 204 above), 20 recommended (§3.5)
STOCK_PATH = "/product/stock/sellable/update"
# UNCONFIRMED: no documented page caps for IM lists beyond message page_size 20.
SESSION_PAGE = 20
MESSAGE_PAGE = 20


def _names(detail: dict[str, Any], listing: ListingRef) -> bool:
    """A 501 `detail` entry names a SKU by its id or its seller SKU (the entry's shape is UNCONFIRMED)."""
    sku_id, seller_sku = str(detail.get("sku_id") or detail.get("SkuId") or ""), str(detail.get("seller_sku") or "")
    return bool((sku_id and sku_id == listing.sku_id) or (seller_sku and seller_sku == listing.seller_sku))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def stock_payload(batch: Sequence[StockUpdate]) -> str:
    """The XML `payload` for /product/stock/sellable/update: <SellableQuantity> directly under <Sku> (the
    single-warehouse form of the inventory-management guide; it updates the dropshipping warehouse).

    Sellable, not total: /product/price_quantity/update's <Quantity> is the TOTAL (sellable + units of unpaid and
    paid-not-shipped orders) and is refused below those; what we push is already after paid orders, so sending it
    as a total took pending orders off twice (issue 14)."""
    request = ET.Element("Request")
    skus = ET.SubElement(ET.SubElement(request, "Product"), "Skus")
    for update in batch:
        sku = ET.SubElement(skus, "Sku")
        ET.SubElement(sku, "ItemId").text = update.listing.item_id
        ET.SubElement(sku, "SkuId").text = update.listing.sku_id
        if update.listing.seller_sku:
            ET.SubElement(sku, "SellerSku").text = update.listing.seller_sku
        ET.SubElement(sku, "SellableQuantity").text = str(update.quantity)
    return ET.tostring(request, encoding="unicode")


class LazadaConnector(Connector):
    channel = "lazada"
    capabilities = frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT,
                              Capability.REVIEWS})

    def __init__(self, credentials: LazadaCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.client = LazadaClient(credentials, http, clock)
        self.order_page_size = ORDER_PAGE  # smaller in tests, to walk several pages
        self.return_page_size = reverse.RETURN_PAGE
        self.clock = clock
        self.reviews = LazadaReviews(self.client, clock)

    @property
    def credentials(self) -> LazadaCredentials:
        return self.client.credentials

    def refresh_tokens(self) -> TokenSet:
        return auth.refresh(self.credentials, self.client.http, self.clock)

    def use_tokens(self, tokens: TokenSet) -> None:
        self.client.credentials = replace(self.credentials, access_token=tokens.access_token,
                                          refresh_token=tokens.refresh_token)

    # Orders -------------------------------------------------------------------------------------------

    def pull_orders(self, updated_from: datetime, updated_to: datetime,
                    cursor: str | None = None) -> OrderPage:
        """Keyset paging on updated_at (cursor "<epoch s>|<offset>").

        Plain offsets skip orders when an earlier one is updated mid-walk; moving `update_after` forward
        avoids that, and the offset only advances when a whole page shares one second.
        """
        after, offset = int(updated_from.timestamp()), 0
        if cursor:
            head, _, tail = cursor.partition("|")
            after, offset = int(head), int(tail or 0)
        # update_before is exclusive ("before"), so one second more keeps `updated_to` itself in the window.
        before = iso(updated_to + timedelta(seconds=1))
        params = {"update_after": iso(datetime.fromtimestamp(after, UTC)), "update_before": before,
                  "sort_by": "updated_at", "sort_direction": "ASC", "offset": str(offset),
                  "limit": str(self.order_page_size)}
        data = self.client.call("GET", "/orders/get", params).get("data") or {}
        rows = data.get("orders") or []
        orders = self._with_items(rows)
        if len(rows) < self.order_page_size:
            return OrderPage(tuple(orders), None, True)
        newest = max(int(o.updated_at.timestamp()) for o in orders) - 1  # re-read the last second: safe
        next_cursor = f"{newest}|0" if newest > after else f"{after}|{offset + self.order_page_size}"
        return OrderPage(tuple(orders), next_cursor, False)

    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        rows = [self.client.call("GET", "/order/get", {"order_id": i}).get("data") or {} for i in ids]
        return self._with_items([r for r in rows if r])

    def _with_items(self, rows: list[dict[str, Any]]) -> list[Order]:
        items: dict[str, list[dict[str, Any]]] = {}
        ids = [str(r["order_id"]) for r in rows]
        for batch in chunks(ids, ITEMS_BATCH):
            data = self.client.call("GET", "/orders/items/get", {"order_ids": f"[{','.join(batch)}]"})
            for entry in data.get("data") or []:
                items[str(entry.get("order_id"))] = entry.get("order_items") or []
        return [mapping.order(r, items.get(str(r["order_id"]), [])) for r in rows]

    # Listings and stock -------------------------------------------------------------------------------

    def list_listings(self) -> list[Listing]:
        """GET /products/get (GetProducts), 50 a page; the SKU fields follow the live API (contracts.py)."""
        result: list[Listing] = []
        offset = 0
        while True:
            params = {"filter": "all", "offset": str(offset), "limit": str(PRODUCT_PAGE)}
            data = self.client.call("GET", "/products/get", params).get("data") or {}
            products = data.get("products") or []
            for product in products:
                result += mapping.listings(product)
            offset += len(products)
            if len(products) < PRODUCT_PAGE or offset >= int(data.get("total_products") or 0):
                return result

    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        results: list[StockResult] = []
        valid: list[StockUpdate] = []
        for update in updates:
            if not update.listing.item_id or not update.listing.sku_id or update.quantity < 0:
                results.append(StockResult(update.listing, False, "invalid listing reference or quantity"))
            else:
                valid.append(update)
        for batch in chunks(valid, STOCK_BATCH):
            results += self._push_batch(batch)
        return results

    def _push_batch(self, batch: Sequence[StockUpdate], again: bool = True) -> list[StockResult]:
        """501 refuses the whole call and names the refused SKUs in `detail` (the reference: "an overview error code
        ... check the detail field"); those keep Lazada's words, the rest are sent once more on their own call
        (absolute quantities make a resend safe). 4170 (a campaign forbids lowering stock) refuses them all."""
        resp = self.client.send("POST", STOCK_PATH, {"payload": stock_payload(batch)})
        try:
            self.client.parse(resp, "POST")
        except Permanent as refused:
            envelope = resp.json_object() or {}
            named = [d for d in envelope.get("detail") or [] if isinstance(d, dict)]
            failed = {u.listing: str(d.get("message") or refused.message)
                      for u in batch for d in named if _names(d, u.listing)}
            rest = [u for u in batch if u.listing not in failed]
            results = [StockResult(u.listing, False, failed[u.listing]) for u in batch if u.listing in failed]
            if named and rest and again:
                return results + self._push_batch(rest, again=False)
            return results + [StockResult(u.listing, False, refused.message) for u in rest]
        return [StockResult(u.listing, True) for u in batch]

    # Chat ---------------------------------------------------------------------------------------------

    def _im_data(self, method: str, path: str, params: dict[str, str]) -> dict[str, Any]:
        """IM answers also carry success/err_code; a refusal there is as real as one in `code`."""
        envelope = self.client.call(method, path, params)
        nested = envelope.get("data")
        data: dict[str, Any] = nested if isinstance(nested, dict) else {}
        for holder in (envelope, data):
            if holder.get("success") is False or str(holder.get("err_code") or "0") != "0":
                raise envelope_error({"code": holder.get("err_code"), "message": holder.get("err_message")},
                                     self.credentials.secrets())
        return data

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        start, last = self._page_cursor(cursor)
        params = {"start_time": start, "page_size": str(SESSION_PAGE)} | ({"last_session_id": last} if last else {})
        data = self._im_data("GET", "/im/session/list", params)
        rows = tuple(mapping.conversation(s) for s in data.get("session_list") or [])
        next_cursor = None
        if data.get("has_more") and rows:
            next_cursor = f"{data.get('next_start_time') or start}|{data.get('last_session_id') or ''}"
        return ConversationPage(rows, next_cursor, next_cursor is None)

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        start, last = self._page_cursor(cursor)
        params = {"session_id": conversation_id, "start_time": start, "page_size": str(MESSAGE_PAGE)}
        if last:
            params["last_message_id"] = last
        data = self._im_data("GET", "/im/message/list", params)
        # UNCONFIRMED: the list key and paging fields are assumed to mirror /im/session/list.
        # A recalled message (status 1) is no longer shown to anyone: it is not returned (domain Message).
        rows = tuple(mapping.message(m) for m in data.get("message_list") or []
                     if str(m.get("status") or "0") != "1")
        next_cursor = None
        if data.get("has_more") and rows:
            next_cursor = f"{data.get('next_start_time') or start}|{data.get('last_message_id') or ''}"
        return MessagePage(rows, next_cursor, next_cursor is None)

    def _page_cursor(self, cursor: str | None) -> tuple[str, str]:
        """First page starts "now" in milliseconds; later pages use the platform's next_start_time."""
        if cursor:
            start, _, last = cursor.partition("|")
            return start, last
        return str(int((self.clock() + timedelta(seconds=1)).timestamp() * 1000)), ""

    def send_text(self, conversation: Conversation, text: str) -> str:
        if not text.strip():
            raise Permanent("invalid_text", "empty message")
        params = {"session_id": conversation.conversation_id, "template_id": "1", "txt": text}
        data = self._im_data("POST", "/im/message/send", params)
        return str(data.get("message_id") or "")

    # Fulfilment (shipping.py, reverse.py) ------------------------------------------------------------------

    def shipping_options(self, order_id: str) -> ShippingOptions:
        return shipping.shipping_options(self.client, order_id)

    def ship(self, order_id: str, choice: ShipChoice) -> Shipped:
        return shipping.ship(self.client, order_id, choice)

    def shipping_document(self, order_id: str, package_id: str) -> ShippingDocument:
        return shipping.shipping_document(self.client, order_id, package_id)

    def cancel_order(self, order_id: str, reason: str, lines: Sequence[CancelLine] = ()) -> None:
        reverse.cancel_order(self.client, order_id, reason, lines)

    def answer_cancel_request(self, order_id: str, request_id: str, accept: bool, reason: str = "") -> None:
        reverse.answer_cancel_request(self.client, order_id, request_id, accept, reason)

    def pull_returns(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReturnPage:
        return reverse.pull_returns(self.client, updated_from, updated_to, cursor, self.return_page_size)

    def answer_return(self, return_id: str, answer: ReturnAnswer) -> None:
        reverse.answer_return(self.client, return_id, answer)

    # Reviews (reviews.py) ---------------------------------------------------------------------------------------

    def pull_reviews(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReviewPage:
        return self.reviews.pull(updated_from, updated_to, cursor)

    def get_reviews(self, review_ids: Sequence[str]) -> list[Review]:
        return self.reviews.get(review_ids)

    def reply_reviews(self, replies: Sequence[ReviewReply]) -> list[ReviewReplyResult]:
        return self.reviews.reply(replies)
