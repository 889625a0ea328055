"""Shopee Open Platform v2 connector (shop APIs for a local Indonesian seller)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from companion.connectors.base import Connector
from companion.connectors.batching import chunks
from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import Permanent, Temporary
from companion.connectors.http import Http
from companion.connectors.overlap import overlapped
from companion.connectors.shopee import mapping
from companion.connectors.shopee.auth import token_set
from companion.connectors.shopee.client import ShopeeClient
from companion.connectors.shopee.connector_returns import ShopeeReturns
from companion.connectors.shopee.connector_shipping import ShopeeShipping
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.reviews import ShopeeReviews
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

ORDER_WINDOW = 15 * 86400  # get_order_list: time_to - time_from at most 15 days (§1.7)
ORDER_PAGE = 100
DETAIL_BATCH = 50  # get_order_detail: 1–50 order_sn
ITEM_PAGE = 100
BASE_INFO_BATCH = 50
MODEL_READERS = 4  # calls in flight at once: model lists during a listing read, items during a stock push
STOCK_BATCH = 50  # update_stock: one item, 1–50 models per call (§1.8)
# UNCONFIRMED (§1.9): field notes cap conversation pages at 25 and message pages at 60.
CONVERSATION_PAGE = 25
MESSAGE_PAGE = 60


# get_order_detail's optional fields we read: lines, buyer, and the shipping fields (city, courier, package, the
# buyer's cancel reason of an IN_CANCEL order)
DETAIL_FIELDS = ("buyer_username,item_list,pay_time,recipient_address,shipping_carrier,package_list,"
                 "buyer_cancel_reason")


class ShopeeConnector(ShopeeShipping, ShopeeReturns, ShopeeReviews, Connector):
    channel = "shopee"
    # Chat is declared but whitelisted per app (§1.9): the chat calls raise NotPermitted when refused.
    capabilities = frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT,
                              Capability.REVIEWS})

    def __init__(self, credentials: ShopeeCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.client = ShopeeClient(credentials, http, clock)
        self.order_page_size = ORDER_PAGE  # smaller in tests, to walk several pages
        # item_id → model_id → [(location_id, stock)] last read (listing or before a push)
        self._structures: dict[int, dict[str, list[tuple[str, int]]]] = {}
        self._item_names: dict[str, str] = {}  # item_id → product name, for reviews (reviews.py)
        self.clock = clock

    @property
    def credentials(self) -> ShopeeCredentials:
        return self.client.credentials

    def refresh_tokens(self) -> TokenSet:
        """New access AND refresh token; the old refresh token is dead from now on (single-use, §1.4)."""
        c = self.credentials
        body = {"refresh_token": c.refresh_token, "partner_id": c.partner_id, "shop_id": c.shop_id}
        # UNCONFIRMED (§1.4): whether the old access token survives ~5 minutes; we never rely on it.
        return token_set(self.client.call("POST", "/api/v2/auth/access_token/get", body=body,
                                          shop_level=False), self.clock())

    def use_tokens(self, tokens: TokenSet) -> None:
        self.client.credentials = replace(self.credentials, access_token=tokens.access_token,
                                          refresh_token=tokens.refresh_token)

    # Orders -------------------------------------------------------------------------------------------

    def pull_orders(self, updated_from: datetime, updated_to: datetime,
                    cursor: str | None = None) -> OrderPage:
        """Walks 15-day windows; the cursor is "<window start>|<platform cursor>"."""
        start, end = epoch_seconds(updated_from), epoch_seconds(updated_to)
        window_start, platform_cursor = start, ""
        if cursor:
            head, _, platform_cursor = cursor.partition("|")
            window_start = int(head)
        window_end = min(window_start + ORDER_WINDOW, end)
        params = [("time_range_field", "update_time"), ("time_from", str(window_start)),
                  ("time_to", str(window_end)), ("page_size", str(self.order_page_size)),
                  ("response_optional_fields", "order_status")]
        if platform_cursor:
            params.append(("cursor", platform_cursor))
        page = self.client.call("GET", "/api/v2/order/get_order_list", params).get("response") or {}
        orders = self.get_orders([str(o["order_sn"]) for o in page.get("order_list") or []])
        if page.get("more") and page.get("next_cursor"):
            next_cursor: str | None = f"{window_start}|{page['next_cursor']}"
        elif window_end < end:
            next_cursor = f"{window_end}|"
        else:
            next_cursor = None
        return OrderPage(tuple(orders), next_cursor, next_cursor is None)

    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for batch in chunks(list(ids), DETAIL_BATCH):
            params = [("order_sn_list", ",".join(batch)), ("response_optional_fields", DETAIL_FIELDS)]
            reply = self.client.call("GET", "/api/v2/order/get_order_detail", params)
            orders += [self._with_tracking(mapping.order(d)) for d in (reply.get("response") or {}).get(
                "order_list") or []]
        return orders

    def _with_tracking(self, order: Order) -> Order:
        """get_order_detail carries no tracking number: an order just arranged (PROCESSED) asks for it once, so one
        arranged in the seller centre shows it too ("" while the courier has none yet)."""
        if order.status_raw != "PROCESSED":
            return order
        return replace(order, tracking_number=self._tracking(order.order_id, order.package_id))

    # Listings and stock -------------------------------------------------------------------------------

    def list_listings(self) -> list[Listing]:
        """Item ids, their base info, then one get_model_list per item with variants: those calls overlap
        (MODEL_READERS at once, every call still paced under the shop's limit), since at a 4G connection's
        150 ms a call one reader alone would use only two thirds of Shopee's assumed 10 calls a second."""
        item_ids = self._item_ids()
        bases = self._base_info(item_ids)
        with_models = [i for i in item_ids if bases.get(i) is None or bases[i].get("has_model", True)]
        models = overlapped(self._model_list, with_models, MODEL_READERS)
        result: list[Listing] = []
        for item_id in item_ids:
            base = bases.get(item_id)
            item_models = models.get(item_id, {})
            if item_id in models:
                self._structures[item_id] = {str(m.get("model_id")): mapping.locations(m.get("stock_info_v2"))
                                             for m in item_models.get("model") or []}
            else:
                self._structures[item_id] = {"0": mapping.locations((base or {}).get("stock_info_v2"))}
            result += mapping.listings(item_id, base, item_models)
        return result

    def _model_list(self, item_id: int) -> dict[str, Any]:
        reply = self.client.call("GET", "/api/v2/product/get_model_list", [("item_id", str(item_id))])
        response: dict[str, Any] = reply.get("response") or {}
        return response

    def _item_ids(self) -> list[int]:
        ids: list[int] = []
        offset = 0
        while True:
            params = [("offset", str(offset)), ("page_size", str(ITEM_PAGE)),
                      ("item_status", "NORMAL"), ("item_status", "UNLIST")]
            page = self.client.call("GET", "/api/v2/product/get_item_list", params).get("response") or {}
            ids += [int(i["item_id"]) for i in page.get("item") or []]
            if not page.get("has_next_page"):
                return ids
            offset = int(page.get("next_offset") or offset + ITEM_PAGE)

    def _base_info(self, item_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Names and no-variant stock (v2.product.get_item_base_info, in the reference: contracts.py); if a
        server refuses it we still list models, only without names."""
        found: dict[int, dict[str, Any]] = {}
        for batch in chunks(item_ids, BASE_INFO_BATCH):
            try:
                reply = self.client.call("GET", "/api/v2/product/get_item_base_info",
                                         [("item_id_list", ",".join(map(str, batch)))])
            except Permanent:
                return found
            for row in (reply.get("response") or {}).get("item_list") or []:
                found[int(row["item_id"])] = row
        return found

    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        results: list[StockResult] = []
        by_item: dict[str, list[StockUpdate]] = {}
        for update in updates:
            if not (update.listing.item_id.isdigit() and update.listing.sku_id.isdigit()) or update.quantity < 0:
                results.append(StockResult(update.listing, False, "invalid listing reference or quantity"))
            else:
                by_item.setdefault(update.listing.item_id, []).append(update)
        # Each item is its own structure read and update_stock call: items overlap as model lists do.
        batches = [(int(item_id), tuple(batch)) for item_id, item_updates in by_item.items()
                   for batch in chunks(item_updates, STOCK_BATCH)]
        pushed = overlapped(lambda b: self._push_item(b[0], b[1]), batches, MODEL_READERS)
        return results + [result for batch in batches for result in pushed[batch]]

    def _push_item(self, item_id: int, batch: Sequence[StockUpdate]) -> list[StockResult]:
        """One update_stock call. Shopee refuses stock without `location_id` when the item's stock has one (and
        names every warehouse), so the item's own stock structure is read first. Refusals of the whole call
        (`error_auth` "Total stock must be more than reserved stock.", holiday mode, location rules) are this
        item's, in Shopee's words: the other items of the round go on and the token is not in doubt."""
        structure = self._stock_structure(item_id, batch)
        body = {"item_id": item_id, "stock_list": [
            {"model_id": int(u.listing.sku_id),
             "seller_stock": mapping.spread_stock(u.quantity, structure.get(u.listing.sku_id, []))} for u in batch]}
        path = "/api/v2/product/update_stock"
        resp = self.client.send("POST", path, body=body)
        envelope = resp.json_object() or {}
        if envelope.get("error") == "error_busi_update_stock_failed" and envelope.get("response"):
            payload = envelope["response"]  # "check failure_list": per-model answers are still there
        else:
            try:
                payload = self.client.parse(resp, "POST", path).get("response") or {}
            except Permanent as refused:
                reason = refused.platform_message or refused.platform_code
                return [StockResult(u.listing, False, reason) for u in batch]
        ok = {str(s.get("model_id")) for s in payload.get("success_list") or []}
        failed = {str(f.get("model_id")): str(f.get("failed_reason") or "failed")
                  for f in payload.get("failure_list") or []}
        results = []
        for u in batch:
            done = u.listing.sku_id in ok and u.listing.sku_id not in failed
            reason = "" if done else failed.get(u.listing.sku_id, "not confirmed by Shopee")
            results.append(StockResult(u.listing, done, reason))
        return results

    def _stock_structure(self, item_id: int, batch: Sequence[StockUpdate]) -> dict[str, list[tuple[str, int]]]:
        """model_id → [(location_id, stock)] as Shopee holds it now (get_model_list, or get_item_base_info for an
        item without variants). When the item cannot be read the push goes without locations and Shopee says
        what is wrong."""
        try:
            if any(u.listing.sku_id == "0" for u in batch):
                reply = self.client.call("GET", "/api/v2/product/get_item_base_info",
                                         [("item_id_list", str(item_id))])
                rows = (reply.get("response") or {}).get("item_list") or []
                found = {"0": mapping.locations(rows[0].get("stock_info_v2"))} if rows else {}
            else:
                reply = self.client.call("GET", "/api/v2/product/get_model_list", [("item_id", str(item_id))])
                found = {str(m.get("model_id")): mapping.locations(m.get("stock_info_v2"))
                         for m in (reply.get("response") or {}).get("model") or []}
        except Permanent:
            return {}
        except Temporary:
            if item_id not in self._structures:
                raise
            return self._structures[item_id]  # the read's answer was lost: the structure seen when listing
        self._structures[item_id] = found
        return found

    # Chat (whitelisted apps only) ---------------------------------------------------------------------

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        # UNCONFIRMED (§1.9): one report says direction=latest without a cursor returned the oldest
        # conversations; we follow the documented use (latest first, then older with the cursor).
        params = [("type", "all"), ("page_size", str(CONVERSATION_PAGE))]
        params += [("direction", "older"), ("next_timestamp_nano", cursor)] if cursor else [("direction", "latest")]
        page = self.client.call("GET", "/api/v2/sellerchat/get_conversation_list", params).get("response") or {}
        rows = [mapping.conversation(r) for r in page.get("conversations") or []]
        result = page.get("page_result") or {}
        nano = (result.get("next_cursor") or {}).get("next_message_time_nano")
        next_cursor = str(nano) if result.get("more") and nano else None
        return ConversationPage(tuple(rows), next_cursor, next_cursor is None)

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        params = [("conversation_id", conversation_id), ("page_size", str(MESSAGE_PAGE))]
        if cursor:
            params.append(("offset", cursor))
        page = self.client.call("GET", "/api/v2/sellerchat/get_message", params).get("response") or {}
        rows = [mapping.message(r, self.credentials.shop_id) for r in page.get("messages") or []]
        # UNCONFIRMED: the next offset is read from page_result.next_offset (SDKs), else we stop.
        next_offset = (page.get("page_result") or {}).get("next_offset")
        next_cursor = str(next_offset) if rows and next_offset and str(next_offset) != cursor else None
        return MessagePage(tuple(rows), next_cursor, next_cursor is None)

    def send_text(self, conversation: Conversation, text: str) -> str:
        """send_message addresses the buyer's user id (to_id), not the conversation (§1.9)."""
        if not conversation.buyer_id.isdigit():
            raise Permanent("invalid_buyer", "conversation has no buyer user id")
        body = {"to_id": int(conversation.buyer_id), "message_type": "text", "content": {"text": text}}
        reply = self.client.call("POST", "/api/v2/sellerchat/send_message", body=body)
        return str((reply.get("response") or {}).get("message_id") or "")

