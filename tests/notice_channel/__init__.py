"""Warungku (tests/fourth_channel) as a marketplace that enforces its rules, for the shared parts of issue 14: it
refuses calls with a reason code (chat not approved, address not allowed, scope missing), blocks some messages with
its own words and hides others, and can ask to have its chat read only on demand. `spec(...)` makes the variant; the
practice routes read `RULES`, which a test sets and clears (the practice server runs in the test's process).

Wire: a refusal is HTTP 403 {"error": words, "code": "chat_not_approved" | "ip_not_allowed" | "scope_missing"}; a
message carries "visible" (false: hidden, the connector drops it) and "blocked" (the platform's words, or "")."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from fourth_channel import practice as warungku_practice
from fourth_channel.connector import NAME, WarungkuConnector, _at
from fourth_channel.credentials import WarungkuCredentials
from fourth_channel.spec import SPEC

from companion.connectors.errors import AuthExpired, NotPermitted, Permanent
from companion.connectors.http import Http, not_json_error, status_error
from companion.connectors.spec import ChannelSpec
from companion.domain.marketplace import Message, MessagePage
from companion.practice.exchange import Context, Reply, Request
from companion.practice.plugin import Route

# {"refuse": reason, "refuse_paths": ("/conversations",), "blocked": {message ref: words}, "hidden": {refs}}
RULES: dict[str, Any] = {}
CODES = {"chat_not_approved": "chat_not_approved", "ip_not_allowed": "ip_not_allowed",
         "scope_missing": "scope_missing"}


class RuledConnector(WarungkuConnector):
    """Warungku's connector reading the refusal codes, and the messages' visibility and block notices."""

    def _call(self, method: str, path: str, params: dict[str, str] | None = None,
              body: dict[str, Any] | None = None, token: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.credentials.access_token}"
        resp = self.http.send(method, self.credentials.base_url.rstrip("/") + path, params=params,
                              body=json.dumps(body) if body is not None else None, headers=headers)
        data = resp.json_object() if resp.status == 403 else None
        if data is not None:
            code = str(data.get("code") or "")
            raise NotPermitted(code or "http_403", str(data.get("error") or ""), reason=CODES.get(code, ""))
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

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        data = self._call("GET", f"/conversations/{conversation_id}/messages")
        msgs = tuple(Message(str(m["id"]), conversation_id, "buyer" if m["from_buyer"] else "seller",
                             str(m["text"]), str(m["kind"]), _at(m["at"]) or self.clock(), bool(m["from_buyer"]),
                             False, platform_notice=str(m.get("blocked") or ""))
                     for m in data["messages"] if m.get("visible", True))
        return MessagePage(msgs, None, True)


def _handle(ctx: Context, req: Request) -> Reply:
    reason = RULES.get("refuse")
    paths = RULES.get("refuse_paths") or ()
    if reason and (not paths or any(req.path.startswith(p) for p in paths)):
        return Reply(403, {"error": f"refused: {reason}", "code": reason})
    reply = warungku_practice.handle(ctx, req)
    if req.method == "GET" and isinstance(reply.payload, dict) and "messages" in reply.payload:
        blocked, hidden = RULES.get("blocked", {}), RULES.get("hidden", set())
        for m in reply.payload["messages"]:
            m["blocked"] = blocked.get(m["id"], "")
            m["visible"] = m["id"] not in hidden
    return reply


PRACTICE = replace(warungku_practice.PRACTICE, routes=(Route("/warungku", NAME, _handle),))


def _connector(credentials: WarungkuCredentials, http: Http | None,
               clock: Callable[[], datetime]) -> RuledConnector:
    return RuledConnector(credentials, http, clock)


def spec(**changes: Any) -> ChannelSpec:
    """Warungku with these rules: its connector and practice routes above, and any spec fields changed."""
    return replace(SPEC, connector=_connector, practice=PRACTICE, **changes)
