"""Warungku's connector: bearer-token JSON calls through the app's one HTTP wrapper, plain records out."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from companion.connectors.base import Connector
from companion.connectors.errors import AuthExpired, NotPermitted, Permanent
from companion.connectors.http import Http, not_json_error, status_error
from companion.domain.clock import now_utc
from companion.domain.marketplace import (
    Capability,
    Conversation,
    ConversationPage,
    Listing,
    Message,
    MessagePage,
    Order,
    OrderLine,
    OrderPage,
    OrderStatus,
    StockResult,
    StockUpdate,
    TokenSet,
)

from .credentials import WarungkuCredentials

NAME = "warungku"
STATUSES = {"baru": OrderStatus.UNPAID, "dibayar": OrderStatus.PAID, "dikirim": OrderStatus.SHIPPED,
            "selesai": OrderStatus.COMPLETED, "batal": OrderStatus.CANCELLED}


def _at(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(float(seconds), UTC) if seconds else None


class WarungkuConnector(Connector):
    channel = NAME
    capabilities = frozenset({Capability.ORDERS, Capability.CHAT})

    def __init__(self, credentials: WarungkuCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.credentials = credentials
        self.http = http or Http()
        self.clock = clock

    def _call(self, method: str, path: str, params: dict[str, str] | None = None,
              body: dict[str, Any] | None = None, token: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.credentials.access_token}"
        resp = self.http.send(method, self.credentials.base_url.rstrip("/") + path, params=params,
                              body=json.dumps(body) if body is not None else None, headers=headers)
        failed = status_error(resp, method)
        if failed is not None:
            raise failed
        data = resp.json_object()
        if data is None:
            raise not_json_error(resp, method)
        if resp.status == 401:
            raise AuthExpired(str(data.get("error")), reauthorize=path == "/token/refresh")
        if resp.status != 200:
            raise Permanent(f"http_{resp.status}", str(data.get("error") or ""))
        return data

    # -- tokens ---------------------------------------------------------------------------------------------
    def refresh_tokens(self) -> TokenSet:
        data = self._call("POST", "/token/refresh", body={"refresh_token": self.credentials.refresh_token},
                          token=False)
        access_at = _at(data["access_expires"]) or self.clock() + timedelta(hours=1)
        return TokenSet(str(data["access_token"]), str(data["refresh_token"]), access_at,
                        _at(data.get("refresh_expires")))

    def use_tokens(self, tokens: TokenSet) -> None:
        self.credentials = replace(self.credentials, access_token=tokens.access_token,
                                   refresh_token=tokens.refresh_token)

    # -- orders ---------------------------------------------------------------------------------------------
    def _order(self, o: dict[str, Any]) -> Order:
        created = _at(o["created"]) or self.clock()
        lines = tuple(OrderLine(str(x["id"]), str(x["item"]), str(x["variant"]), str(x["sku"]), str(x["name"]),
                                int(x["qty"]), int(x["price"])) for x in o["lines"])
        return Order(NAME, str(o["ref"]), str(o["status"]), STATUSES.get(str(o["status"]), OrderStatus.PAID),
                     created, _at(o["updated"]) or created, _at(o.get("ship_by")), str(o["buyer"]), lines)

    def pull_orders(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> OrderPage:
        page = int(cursor or 0)
        data = self._call("GET", "/orders", {"from": str(updated_from.timestamp()),
                                             "to": str(updated_to.timestamp()), "page": str(page)})
        more = bool(data.get("more"))
        return OrderPage(tuple(self._order(o) for o in data["orders"]), str(page + 1) if more else None, not more)

    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        if not ids:
            return []
        return [self._order(o) for o in self._call("GET", "/orders", {"refs": ",".join(ids)})["orders"]]

    def list_listings(self) -> list[Listing]:
        return [Listing(str(x["item"]), str(x["variant"]), str(x["sku"]), str(x["name"]), str(x["variant_name"]),
                        int(x["stock"])) for x in self._call("GET", "/listings")["listings"]]

    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        raise NotPermitted("unsupported", "Warungku takes its stock from the seller centre only")

    # -- chat -----------------------------------------------------------------------------------------------
    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        page = int(cursor or 0)
        data = self._call("GET", "/conversations", {"page": str(page)})
        convs = tuple(Conversation(str(c["ref"]), str(c["buyer"]), str(c["buyer_name"]), str(c["last_text"]),
                                   _at(c["last_at"]), int(c["unread"])) for c in data["conversations"])
        more = bool(data.get("more"))
        return ConversationPage(convs, str(page + 1) if more else None, not more)

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        data = self._call("GET", f"/conversations/{conversation_id}/messages")
        msgs = tuple(Message(str(m["id"]), conversation_id, "buyer" if m["from_buyer"] else "seller",
                             str(m["text"]), str(m["kind"]), _at(m["at"]) or self.clock(), bool(m["from_buyer"]),
                             False) for m in data["messages"])
        return MessagePage(msgs, None, True)

    def send_text(self, conversation: Conversation, text: str) -> str:
        data = self._call("POST", f"/conversations/{conversation.conversation_id}/messages", body={"text": text})
        return str(data["message_id"])
