"""Lazada Open Platform as the practice marketplace answers it (reference §3).

Error codes other than IllegalAccessToken, 901, 4171 and the generic 500 are our best guesses.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from companion.connectors.lazada import practice_signing as signing
from companion.practice.credentials import REFRESH_GRACE
from companion.practice.exchange import Context, Reply, Request, parse_int, request_id
from companion.practice.photos import picture_url
from companion.practice.signing_check import same
from companion.practice.state import OrderBound

WIB = timezone(timedelta(hours=7))


def ok(data: Any = None, **top: Any) -> Reply:
    body: dict[str, Any] = {"code": "0", "request_id": request_id(), **top}
    if data is not None:
        body["data"] = data
    return Reply(200, body)


def err(code: str, message: str, kind: str = "ISV", **extra: Any) -> Reply:
    return Reply(200, {"code": code, "type": kind, "message": message, "request_id": request_id(), **extra})


def throttled() -> Reply:
    return err("901", "The request has exceeded the QPS limit, please retry in the next second.", "SYSTEM")


def params_of(req: Request) -> dict[str, str]:
    """System and business parameters: the query string plus a form-encoded body."""
    params = req.params()
    if req.body and req.content_type.startswith("application/x-www-form-urlencoded"):
        params.update({k: v[0] for k, v in parse_qs(req.text(), keep_blank_values=True).items()})
    return params


def check(ctx: Context, req: Request, params: dict[str, str], needs_token: bool) -> Reply | None:
    creds = ctx.creds()
    for name in ("app_key", "timestamp", "sign_method", "sign", *(("access_token",) if needs_token else ())):
        if not params.get(name):
            return err("MissingParameter", f'The input parameter "{name}" that is mandatory for processing this '
                                           "request is not supplied.")
    if params["app_key"] != creds["app_key"]:
        return err("InvalidAppKey", "The app_key is not valid.")  # best guess code
    if params["sign_method"] != "sha256":
        return err("InvalidSignMethod", "sign_method must be sha256.")  # best guess code
    if not same(signing.sign(creds["app_secret"], req.path, params), params["sign"]):
        return err("IncompleteSignature", "The request signature does not conform to platform standards")
    ts = parse_int(params["timestamp"])
    if ts is None or not signing.timestamp_ok(ts, ctx.state.now()) or ctx.fires("bad_timestamp"):
        return err("InvalidTimestamp", "Timestamp is invalid or expired: it must be in milliseconds and within "
                                       "7200 seconds of UTC.")  # best guess code
    if needs_token:
        state = ctx.state.token_state(ctx.platform, "access", params["access_token"])
        if state != "ok" or ctx.fires("expired_token"):
            return err("IllegalAccessToken", "The specified access token is invalid or expired")
    return None


def handle(ctx: Context, req: Request) -> Reply:
    route = ROUTES.get(req.path)
    if route is None:
        return err("InvalidApiPath", f"The specified API path {req.path} is invalid.")
    params = params_of(req)
    return check(ctx, req, params, needs_token=True) or route(ctx, params)


def handle_auth(ctx: Context, req: Request) -> Reply:
    if req.path not in ("/auth/token/create", "/auth/token/refresh"):
        return err("InvalidApiPath", f"The specified API path {req.path} is invalid.")
    params = params_of(req)
    problem = check(ctx, req, params, needs_token=False)
    if problem:
        return problem
    life = ctx.channel().lifetimes
    if req.path == "/auth/token/create":
        code = params.get("code", "")
        if (ctx.state.token_state(ctx.platform, "code", code) != "ok"
                or not ctx.state.consume_token(ctx.platform, "code", code)):
            return err("InvalidCode", "The authorization code is invalid, used or expired.")  # best guess code
        refresh, refresh_exp = ctx.state.issue_token(ctx.platform, "refresh", life.refresh)
    else:
        refresh = params.get("refresh_token", "")
        row = ctx.state.token(ctx.platform, "refresh", refresh)
        if row is None or row["used"] or row["expires_at"] <= ctx.state.now():
            return err("IllegalRefreshToken", "The specified refresh token is invalid or expired")  # best guess
        refresh_exp = row["expires_at"]
    access, access_exp = ctx.state.issue_token(ctx.platform, "access", life.access)
    ctx.state.shorten_tokens(ctx.platform, "access", ctx.state.now() + REFRESH_GRACE, access)
    creds = ctx.creds()
    now = ctx.state.now()
    return ok(None, access_token=access, refresh_token=refresh, expires_in=int(access_exp - now),
              refresh_expires_in=int(refresh_exp - now), account="toko.latihan@example.com",
              account_platform="seller_center", country="id",
              country_user_info=[{"country": "id", "user_id": creds["user_id"], "seller_id": creds["seller_id"],
                                  "short_code": "IDPRACTICE"}])


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, WIB).strftime("%Y-%m-%d %H:%M:%S %z")


def _parse_iso(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _order(o: dict[str, Any]) -> dict[str, Any]:
    total = sum(li["price"] * li["quantity"] for li in o["lines"])
    return {"order_id": int(o["ref"]), "order_number": int(o["ref"]), "created_at": _when(o["create_time"]),
            "updated_at": _when(o["update_time"]), "price": f"{total:.2f}", "shipping_fee": 0.0,
            "payment_method": "COD", "statuses": [o["status"]],
            "items_count": sum(li["quantity"] for li in o["lines"]),
            "promised_shipping_times": _when(o["ship_by"]), "customer_first_name": o["buyer_name"],
            "customer_last_name": "", "buyer_note": "", "gift_option": False, "voucher": 0.0,
            "address_shipping": {"first_name": o["buyer_name"], "last_name": "", "country": "Indonesia",
                                 "city": "Jakarta"}}


def _items(o: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per unit, as Lazada order items have no quantity."""
    rows = []
    for line in o["lines"]:
        for unit in range(line["quantity"]):
            rows.append({
                "order_item_id": int(f"{line['id']}{unit:04d}"), "order_id": int(o["ref"]), "name": line["name"],
                "sku": line["seller_sku"], "shop_sku": f"{line['item_id']}_ID-{line['model_id']}",
                "sku_id": line["model_id"], "product_id": line["item_id"], "variation": line["model_name"],
                "item_price": float(line["price"]), "paid_price": float(line["price"]), "currency": "IDR",
                "status": o["status"], "tracking_code": "", "shipment_provider": "",
                "promised_shipping_time": _when(o["ship_by"]),
                "cancel_return_initiator": "buyer-cancel" if o["status"] == "canceled" else "",
                "created_at": _when(o["create_time"]), "updated_at": _when(o["update_time"])})
    return rows


def orders_get(ctx: Context, p: dict[str, str]) -> Reply:
    update_after, created_after = _parse_iso(p.get("update_after")), _parse_iso(p.get("created_after"))
    if update_after is None and created_after is None:
        return err("MissingParameter", "created_after or update_after (ISO 8601) is required.")
    offset, limit = parse_int(p.get("offset")) or 0, parse_int(p.get("limit")) or 100
    if offset < 0 or not 1 <= limit <= 100:
        return err("InvalidParameter", "offset must be 0 or more and limit between 1 and 100.")
    sort_field = {"created_at": "create_time", "updated_at": "update_time"}.get(p.get("sort_by") or "created_at")
    if sort_field is None or (p.get("sort_direction") or "DESC") not in ("ASC", "DESC"):
        return err("InvalidParameter", "sort_by must be created_at or updated_at, sort_direction ASC or DESC.")
    given = (("create_time", created_after, False), ("create_time", _parse_iso(p.get("created_before")), True),
             ("update_time", update_after, False), ("update_time", _parse_iso(p.get("update_before")), True))
    bounds: list[OrderBound] = [(field, "<" if before else ">=", bound) for field, bound, before in given
                                if bound is not None]
    status = p.get("status") or None
    total = ctx.state.order_count(ctx.platform, bounds, status)
    first = ctx.served_start(offset, limit)
    page = ctx.state.order_page(ctx.platform, sort_field, bounds, status,
                                (p.get("sort_direction") or "DESC") == "DESC", first, limit)
    return ok({"count": len(page), "countTotal": total, "orders": [_order(o) for o in page]})


def order_get(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /order/get (the API of the reference's signing example, §7): one order by order_id."""
    ref = p.get("order_id", "")
    found = ctx.state.orders_by_refs(ctx.platform, [ref]) if ref else []
    if not found:
        return err("InvalidParameter", "order_id not found.")  # best guess code
    return ok(_order(found[0]))


def order_items(ctx: Context, p: dict[str, str]) -> Reply:
    ref = p.get("order_id", "")
    found = ctx.state.orders_by_refs(ctx.platform, [ref]) if ref else []
    if not found:
        return err("InvalidParameter", "order_id not found.")  # best guess code
    return ok(_items(found[0]))


def orders_items(ctx: Context, p: dict[str, str]) -> Reply:
    raw = (p.get("order_ids") or "").strip()
    ids = [s.strip() for s in raw.strip("[]").split(",") if s.strip()] if raw.startswith("[") else []
    if not 1 <= len(ids) <= 50:
        return err("InvalidParameter", "order_ids must be a list like [1,2] with 1 to 50 order ids.")
    orders = ctx.state.orders_by_refs(ctx.platform, ids)
    return ok([{"order_id": int(o["ref"]), "order_number": int(o["ref"]), "order_items": _items(o)} for o in orders])


def price_quantity_update(ctx: Context, p: dict[str, str]) -> Reply:
    try:
        root = ET.fromstring(p.get("payload", ""))
    except ET.ParseError:
        return err("InvalidParameter", "payload must be XML: <Request><Product><Skus><Sku>…")
    skus = root.findall("./Product/Skus/Sku")
    if not skus:
        return err("InvalidParameter", "payload holds no Sku.")
    if len(skus) > 50:
        return err("4171", "Too many SKUs in one request: at most 50 are allowed.")
    listings = ctx.state.listings(ctx.platform)
    changes, problems = [], []
    for sku in skus:
        sku_id, seller_sku = (sku.findtext("SkuId") or "").strip(), (sku.findtext("SellerSku") or "").strip()
        listing = next((x for x in listings if (sku_id and x["model_id"] == sku_id)
                        or (not sku_id and seller_sku and x["seller_sku"] == seller_sku)), None)
        qty_text = sku.findtext("Quantity")
        if qty_text is None:
            qty_text = sku.findtext("./MultiWarehouseInventories/MultiWarehouseInventory/Quantity")
        qty = parse_int((qty_text or "").strip())
        if listing is None:
            problems.append({"seller_sku": seller_sku, "sku_id": sku_id, "message": "SKU not found"})
        elif qty_text is not None and (qty is None or qty < 0):
            problems.append({"seller_sku": seller_sku, "sku_id": sku_id, "message": "Quantity is invalid"})
        elif qty is not None:
            changes.append((listing["id"], qty))
    if problems:
        return err("500", "Update failed for some SKUs: see detail.", "ISP", detail=problems)
    for listing_id, qty in changes:
        ctx.state.set_stock(listing_id, qty)
    return ok(None)


def products_get(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /products/get: not in the reference; the live API's shape (filter, offset, limit ≤ 50; products with
    attributes.name and skus[] of SkuId, SellerSku, ShopSku, quantity, price, saleProp)."""
    offset, limit = parse_int(p.get("offset")) or 0, parse_int(p.get("limit")) or 20
    if offset < 0 or not 1 <= limit <= 50:
        return err("InvalidParameter", "offset must be 0 or more and limit between 1 and 50.")
    if (p.get("filter") or "all") not in ("all", "live", "inactive", "deleted", "image-missing", "pending",
                                          "rejected", "sold-out"):
        return err("InvalidParameter", "Invalid filter.")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for x in ctx.state.listings(ctx.platform):
        grouped.setdefault(x["item_id"], []).append(x)
    if (p.get("filter") or "all") not in ("all", "live"):
        grouped = {}  # every practice product is live
    products = list(grouped.values())
    rows = [{"item_id": int(skus[0]["item_id"]), "primary_category": 10000000, "status": "Active",
             "created_time": str(min(x["update_time"] for x in skus) * 1000),
             "updated_time": str(max(x["update_time"] for x in skus) * 1000),
             "attributes": {"name": skus[0]["name"]},
             "skus": [{"SkuId": int(x["model_id"]), "SellerSku": x["seller_sku"],
                       "ShopSku": f"{x['item_id']}_ID-{x['model_id']}", "quantity": x["stock"],
                       "Available": x["stock"], "price": float(x["price"]), "special_price": 0.0, "Status": "active",
                       "saleProp": {"variation": x["model_name"]} if x["model_name"] else {}} for x in skus]}
            for skus in products[offset:offset + limit]]
    return ok({"total_products": len(products), "products": rows})


# -- instant messaging ------------------------------------------------------------------------------------------
def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _im(data: Any) -> Reply:
    return ok(data, success=True, err_code="0", err_message="")


def session_list(ctx: Context, p: dict[str, str]) -> Reply:
    start, page_size = parse_int(p.get("start_time")), parse_int(p.get("page_size"))
    if start is None or page_size is None or not 1 <= page_size <= 100:
        return err("MissingParameter", "start_time (ms) and page_size are required.")
    sessions = [c for c in ctx.state.conversations(ctx.platform) if _ms(c["update_time"]) <= start]
    last = p.get("last_session_id")
    if last:
        refs = [c["ref"] for c in sessions]
        sessions = sessions[refs.index(last) + 1:] if last in refs else sessions
    page, more = sessions[:page_size], len(sessions) > page_size
    rows = []
    for c in page:
        latest = ctx.state.latest_message(c["id"])
        rows.append({"session_id": c["ref"], "buyer_id": int(c["buyer_id"]), "title": c["buyer_name"],
                     "head_url": "", "summary": latest["text"] if latest else "", "unread_count": c["unread"],
                     "last_message_id": latest["ref"] if latest else "", "last_message_time": _ms(c["update_time"]),
                     "self_position": "seller", "to_position": "buyer", "site_id": "lazada_id", "tags": []})
    return _im({"session_list": rows, "has_more": more,
                "next_start_time": rows[-1]["last_message_time"] if rows else start,
                "last_session_id": rows[-1]["session_id"] if rows else ""})


def _template(ctx: Context, m: dict[str, Any]) -> dict[str, Any]:
    """template_id and JSON content: 1 {txt}, 3 {imgUrl, width, height}, 10006 {item_id}, 10007 {order_id}."""
    kind, attached = m.get("kind") or "text", m.get("attached") or ""
    if kind == "image":
        return {"template_id": 3, "content": json.dumps({"imgUrl": picture_url(attached, ctx.host), "width": 96,
                                                         "height": 72})}
    if kind == "product":
        return {"template_id": 10006, "content": json.dumps({"item_id": attached})}
    if kind == "order":
        return {"template_id": 10007, "content": json.dumps({"order_id": attached})}
    return {"template_id": 1, "content": json.dumps({"txt": m["text"]})}


def _message(ctx: Context, conv: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    buyer = m["sender"] == "buyer"
    seller_id = int(ctx.creds()["seller_id"])
    return {"message_id": m["ref"], "session_id": conv["ref"],
            "from_account_id": int(conv["buyer_id"]) if buyer else seller_id, "from_account_type": 1 if buyer else 2,
            "to_account_id": seller_id if buyer else int(conv["buyer_id"]), "to_account_type": 2 if buyer else 1,
            **_template(ctx, m), "type": 1, "send_time": _ms(m["created"]),
            "process_msg": "", "status": 0, "auto_reply": False, "site_id": "lazada_id"}


def message_list(ctx: Context, p: dict[str, str]) -> Reply:
    start, page_size, ref = parse_int(p.get("start_time")), parse_int(p.get("page_size")), p.get("session_id", "")
    if start is None or page_size is None or not ref or not 1 <= page_size <= 20:
        return err("MissingParameter", "session_id, start_time (ms) and page_size (1-20) are required.")
    try:
        conv = ctx.state.conversation(ctx.platform, ref)
    except LookupError:
        return err("InvalidParameter", "session_id not found.")
    msgs = [m for m in ctx.state.messages(ctx.platform, ref) if _ms(m["created"]) <= start]
    last = p.get("last_message_id")
    if last:
        refs = [m["ref"] for m in msgs]
        msgs = msgs[refs.index(last) + 1:] if last in refs else msgs
    page, more = msgs[:page_size], len(msgs) > page_size
    return _im({"message_list": [_message(ctx, conv, m) for m in page], "has_more": more,
                "next_start_time": _ms(page[-1]["created"]) if page else start,
                "last_message_id": page[-1]["ref"] if page else ""})


def message_send(ctx: Context, p: dict[str, str]) -> Reply:
    ref, template, text = p.get("session_id", ""), p.get("template_id", ""), p.get("txt", "")
    if not ref or template != "1" or not text:
        return err("InvalidParameter", "The practice shop sends text only: session_id, template_id 1 and txt.")
    try:
        ctx.state.conversation(ctx.platform, ref)
    except LookupError:
        return err("InvalidParameter", "session_id not found.")
    m = ctx.state.add_message(ctx.platform, ref, "seller", text)
    return _im({"message_id": m["ref"], "template_id": 1, "current_time": _ms(ctx.state.now())})


ROUTES: dict[str, Callable[[Context, dict[str, str]], Reply]] = {
    "/orders/get": orders_get,
    "/order/get": order_get,
    "/products/get": products_get,
    "/order/items/get": order_items,
    "/orders/items/get": orders_items,
    "/product/price_quantity/update": price_quantity_update,
    "/im/session/list": session_list,
    "/im/message/list": message_list,
    "/im/message/send": message_send,
}
