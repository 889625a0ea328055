"""Warungku in the practice marketplace: a small JSON API with bearer tokens, paged orders and chats.

GET /orders?from=&to=&page=   GET /orders?refs=a,b   GET /listings   POST /token/refresh {refresh_token}
GET /conversations?page=   GET /conversations/<ref>/messages   POST /conversations/<ref>/messages {text}
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from companion.practice.credentials import issue_pair
from companion.practice.exchange import Context, Reply, Request
from companion.practice.plugin import IdShapes, Lifetimes, OrderStatuses, PracticeChannel, Route

NAME = "warungku"
PAGE = 20


def _order(o: dict[str, Any]) -> dict[str, Any]:
    return {"ref": o["ref"], "status": o["status"], "buyer": o["buyer_name"], "created": o["create_time"],
            "updated": o["update_time"], "ship_by": o["ship_by"],
            "lines": [{"id": str(x["id"]), "item": x["item_id"], "variant": x["model_id"], "sku": x["seller_sku"],
                       "name": x["name"], "qty": x["quantity"], "price": x["price"]} for x in o["lines"]]}


def _orders(ctx: Context, req: Request) -> Reply:
    refs = req.q("refs")
    if refs:
        return Reply(200, {"orders": [_order(o) for o in ctx.state.orders_by_refs(NAME, refs.split(","))]})
    start, end, page = float(req.q("from") or 0), float(req.q("to") or 0), int(req.q("page") or 0)
    found = ctx.state.orders(NAME, "update_time", start, end)
    chunk = found[page * PAGE:(page + 1) * PAGE]
    return Reply(200, {"orders": [_order(o) for o in chunk], "more": len(found) > (page + 1) * PAGE})


def _listings(ctx: Context) -> Reply:
    return Reply(200, {"listings": [{"item": x["item_id"], "variant": x["model_id"], "sku": x["seller_sku"],
                                     "name": x["name"], "variant_name": x["model_name"] or "",
                                     "stock": x["stock"]} for x in ctx.state.listings(NAME)]})


def _conversations(ctx: Context, req: Request) -> Reply:
    page = int(req.q("page") or 0)
    found = ctx.state.conversations(NAME)
    out = []
    for c in found[page * PAGE:(page + 1) * PAGE]:
        latest = ctx.state.latest_message(c["id"])
        out.append({"ref": c["ref"], "buyer": c["buyer_id"], "buyer_name": c["buyer_name"], "unread": c["unread"],
                    "last_text": latest["text"] if latest else "", "last_at": c["update_time"]})
    return Reply(200, {"conversations": out, "more": len(found) > (page + 1) * PAGE})


def _messages(ctx: Context, req: Request, ref: str) -> Reply:
    try:
        conv = ctx.state.conversation(NAME, ref)
    except LookupError:
        return Reply(404, {"error": "no such conversation"})
    if req.method == "POST":
        text = str((req.json() or {}).get("text") or "")
        if not text or len(text) > 1000:
            return Reply(400, {"error": "text must be 1 to 1000 characters"})
        m = ctx.state.add_message(NAME, ref, "seller", text)
        return Reply(200, {"message_id": m["ref"], "at": m["created"]})
    return Reply(200, {"messages": [{"id": m["ref"], "from_buyer": m["sender"] == "buyer", "text": m["text"],
                                     "kind": m["kind"], "at": m["created"], "conversation": conv["ref"]}
                                    for m in ctx.state.messages(NAME, ref)]})


def _refresh(ctx: Context, req: Request) -> Reply:
    token = str((req.json() or {}).get("refresh_token") or "")
    if not ctx.state.consume_token(NAME, "refresh", token):
        return Reply(401, {"error": "refresh token not valid"})
    access, access_exp, refresh, refresh_exp = issue_pair(ctx.state, NAME)
    return Reply(200, {"access_token": access, "refresh_token": refresh, "access_expires": access_exp,
                       "refresh_expires": refresh_exp})


def handle(ctx: Context, req: Request) -> Reply:
    if (req.method, req.path) == ("POST", "/token/refresh"):
        return _refresh(ctx, req)
    token = req.headers.get("authorization", "").removeprefix("Bearer ")
    if ctx.state.token_state(NAME, "access", token) != "ok":
        return Reply(401, {"error": "access token not valid"})
    if ctx.fires("throttle"):
        return throttled()
    parts = req.path.strip("/").split("/")
    if parts == ["orders"]:
        return _orders(ctx, req)
    if parts == ["listings"]:
        return _listings(ctx)
    if parts == ["conversations"]:
        return _conversations(ctx, req)
    if len(parts) == 3 and parts[0] == "conversations" and parts[2] == "messages":
        return _messages(ctx, req, parts[1])
    return Reply(404, {"error": f"no {req.path}"})


def throttled() -> Reply:
    return Reply(429, {"error": "too many requests"}, headers={"Retry-After": "1"})


def _export(keys: Mapping[str, Any], tokens: Mapping[str, str], base_urls: Mapping[str, str]) -> dict[str, Any]:
    return {"base_url": base_urls[NAME], "api_key": keys["api_key"], **tokens}


PRACTICE = PracticeChannel(
    name=NAME,
    ids=IdShapes(item=71_000, model=72_000, buyer=73_000, order=74_000, conversation=75_000, message=76_000,
                 order_ref=lambda number, now: f"WRG-{number}"),
    statuses=OrderStatuses(unpaid="baru", open="dibayar", cancelled="batal"),
    lifetimes=Lifetimes(access=3600, refresh=30 * 86400, code=600),
    make_keys=lambda: {"api_key": "wk" + secrets.token_hex(8)},
    export_credentials=_export,
    routes=(Route("/warungku", NAME, handle),),
    throttled=throttled,
)
