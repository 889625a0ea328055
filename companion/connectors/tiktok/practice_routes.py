"""TikTok Shop Partner API 202309 (serves Tokopedia too) as the practice marketplace answers it (reference §2).

Error codes are the documented ones (contracts.py: common-errors.md and each API page's error list); where a
page documents no code for a parameter error (orders), 36009003 is the only code it lists. Never more lenient than
the platform: quantities [1, 99999] per warehouse, every warehouse of a SKU listed, promotion locks, per-SKU
failures in data.errors[], hidden messages, an IP allow-list and Customer Service off until approved
(practice_shop.py holds what a shop has).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from companion.connectors.tiktok import practice_fulfilment_routes as shipping
from companion.connectors.tiktok import practice_reverse_routes as reverse
from companion.connectors.tiktok import practice_shop as shop
from companion.connectors.tiktok import practice_signing as signing
from companion.connectors.tiktok.practice_reply import err, ok
from companion.practice.credentials import REFRESH_GRACE
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url
from companion.practice.signing_check import same
from companion.practice.state import OrderBound

INTERNAL_ERROR = 36009003       # the only code the orders pages list: their parameter errors answer it too
TOO_MANY_REQUESTS = 36009002
CREDENTIALS = 36009004          # missing sign, invalid app_key / token / timestamp / identifier: the message says
INVALID_SIGN = 106001
MISSING_SHOP_CIPHER = 106013
EXPIRED_TOKEN = 105002
SCOPE_MISSING = 105005
IP_NOT_ALLOWED = 36009033
INVALID_PATH = 36009009
PRODUCT_NOT_FOUND = 12052032
SALES_ATTRIBUTE_ID = "100000"
SKU_NOT_FOUND = 12052556
SKU_LIST_EMPTY = 12052902
TOO_MANY_SKUS = 12052050
ALL_WAREHOUSES = 12019028
VALID_WAREHOUSE = 12019022
WAREHOUSE_NOT_OURS = 12052530
QUANTITY_LIMITS = 12052055
PROMOTION_LOCKED = 12052393
PAGE_SIZE_INVALID = 12019109
TOO_MANY_SEARCH_SKUS = 12019015
TOO_MANY_SEARCH_PRODUCTS = 12019120
PRODUCT_ID_INVALID = 12019008
CS_INVALID_PARAM = 45101001
CS_NOT_FOUND = 45101003
NOT_SHOP_SCOPED = {"/authorization/202309/shops"}


def throttled() -> Reply:
    """rate-limits.md: HTTP 429; common-errors.md: 36009002 in these words. No Retry-After: the page names none and
    asks for "a random exponential backoff", so a client must pick its own wait (connectors/tiktok/call_limit.py)."""
    return err(TOO_MANY_REQUESTS, "Too many requests. You've made too many requests in a short period of time.", 429)


def check(ctx: Context, req: Request) -> Reply | None:
    """app_key, signature over path+params+body, the −5 min…+30 s window, shop_cipher and x-tts-access-token."""
    creds = ctx.creds()
    params = req.params()
    if not params.get("app_key") or not params.get("sign") or not params.get("timestamp"):
        return err(CREDENTIALS, "Missing credentials. The request does not include a required signature in the query.",
                   401)
    if params["app_key"] != creds["app_key"]:
        return err(CREDENTIALS, "Invalid credentials. Invalid `app_key` query parameter.", 401)
    body = "" if req.content_type.startswith("multipart/form-data") else req.text()
    given = params["sign"]
    if not any(same(signing.sign(creds["app_secret"], req.path, params, body, drop), given)
               for drop in (False, True)):
        return err(INVALID_SIGN, "Invalid credentials. The `sign` query parameter is invalid.", 401)
    ts = parse_int(params["timestamp"])
    if ts is None or not signing.timestamp_ok(ts, ctx.state.now()) or ctx.fires("bad_timestamp"):
        return err(CREDENTIALS, "Invalid timestamp. The value of the `timestamp` query parameter must lie within 5 "
                                "minutes before to 30 seconds beyond the current time.", 401)
    if shop.ip_refused(ctx.state):
        return err(IP_NOT_ALLOWED, "Access denied. Your IP address is not in the IP allow list configured for this "
                                   "app.", 403)
    if req.path not in NOT_SHOP_SCOPED and not params.get("shop_cipher"):
        return err(MISSING_SHOP_CIPHER, "Missing identifier. The `shop_cipher` query parameter is required to "
                                        "identify the target shop.")
    if req.path in NOT_SHOP_SCOPED and params.get("shop_cipher"):
        return err(CREDENTIALS, "Unexpected identifier. The `shop_cipher` query parameter is not required for this "
                                "request.")
    if req.path not in NOT_SHOP_SCOPED and params["shop_cipher"] != creds["shop_cipher"]:
        return err(CREDENTIALS, "Invalid identifier. The `shop_cipher` query parameter is invalid.")
    token = req.headers.get("x-tts-access-token", "")
    state = ctx.state.token_state(ctx.platform, "access", token)
    if state == "expired" or (state == "ok" and ctx.fires("expired_token")):
        return err(EXPIRED_TOKEN, "Expired credentials. The `x-tts-access-token` header has expired.", 401)
    if state != "ok":
        return err(CREDENTIALS, "Invalid credentials. The `x-tts-access-token` header is invalid.", 401)
    if req.path.startswith("/customer_service/") and (shop.customer_service_inactive(ctx.state)
                                                      or not ctx.chat_approved()):
        return err(SCOPE_MISSING, "Access denied. The app is not authorized to access the endpoint because the "
                                  "access scopes granted for the app or the access token do not contain the required "
                                  "access scope for the endpoint.", 403)
    return None


def handle(ctx: Context, req: Request) -> Reply:
    doc = shipping.document(ctx, req)  # a label's doc_url: unsigned, like TikTok's own document links
    if doc is not None:
        return doc
    for (method, pattern), route in ROUTES:
        match = re.fullmatch(pattern, req.path)
        if match and method == req.method:
            problem = check(ctx, req)
            return problem or route(ctx, req, *match.groups())
    return err(INVALID_PATH, f"Invalid path. The specified path does not match any available endpoint "
                             f"({req.method} {req.path}).", 404)


# -- auth host (unsigned GET with app_secret) -------------------------------------------------------------------
def handle_auth(ctx: Context, req: Request) -> Reply:
    creds = ctx.creds()
    p = req.params()
    if req.method != "GET" or req.path not in ("/api/v2/token/get", "/api/v2/token/refresh"):
        return err(INVALID_PATH, f"Invalid path ({req.method} {req.path}).", 404)
    if p.get("app_key") != creds["app_key"] or p.get("app_secret") != creds["app_secret"]:
        return err(CREDENTIALS, "Invalid credentials. Invalid `app_key` or app_secret.", 200)
    life = ctx.channel().lifetimes
    if req.path == "/api/v2/token/get":
        code = p.get("auth_code", "")
        if p.get("grant_type") != "authorized_code":
            return err(CREDENTIALS, "Invalid credentials. grant_type must be authorized_code.", 200)
        if (ctx.state.token_state(ctx.platform, "code", code) != "ok"
                or not ctx.state.consume_token(ctx.platform, "code", code)):
            return err(CREDENTIALS, "Invalid credentials. The auth_code is invalid or expired.", 200)
        refresh, refresh_exp = ctx.state.issue_token(ctx.platform, "refresh", life.refresh)
    else:
        refresh = p.get("refresh_token", "")
        if p.get("grant_type") != "refresh_token":
            return err(CREDENTIALS, "Invalid credentials. grant_type must be refresh_token.", 200)
        row = ctx.state.token(ctx.platform, "refresh", refresh)
        if row is None or row["used"] or row["expires_at"] <= ctx.state.now():
            return err(CREDENTIALS, "Invalid credentials. The refresh_token is invalid or expired.", 200)
        refresh_exp = row["expires_at"]  # the refresh token stays the same until it expires
    access, access_exp = ctx.state.issue_token(ctx.platform, "access", life.access)
    ctx.state.shorten_tokens(ctx.platform, "access", ctx.state.now() + REFRESH_GRACE, access)
    return ok({"access_token": access, "access_token_expire_in": int(access_exp), "refresh_token": refresh,
               "refresh_token_expire_in": int(refresh_exp), "open_id": creds["open_id"],
               "seller_name": "Toko Latihan", "seller_base_region": "ID", "user_type": 0,
               "granted_scopes": ["seller.order.info", "seller.product.basic", "seller.customer_service"]})


# -- API host ---------------------------------------------------------------------------------------------------
def shops(ctx: Context, req: Request) -> Reply:
    creds = ctx.creds()
    return ok({"shops": [{"id": creds["shop_id"], "name": "Toko Latihan", "region": "ID", "seller_type": "LOCAL",
                          "cipher": creds["shop_cipher"], "code": "IDLCPRACTICE"}]})


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _offset(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))["o"]
        return int(value) if int(value) >= 0 else None
    except (ValueError, KeyError, TypeError):
        return None


def _order(ctx: Context, o: dict[str, Any]) -> dict[str, Any]:
    """One line item per unit: 202309 line items carry no quantity; units the platform cancelled out of a live order
    (a partial cancellation) say CANCELLED on their own line items."""
    items = []
    cancelled = shop.cancelled_units(ctx.state, o["ref"])
    for line in o["lines"]:
        for unit in range(line["quantity"]):
            gone = unit < cancelled.get(str(line["id"]), 0)
            items.append({
                "id": f"{line['id']}{unit:04d}", "sku_id": line["model_id"], "product_id": line["item_id"],
                "product_name": line["name"], "sku_name": line["model_name"], "seller_sku": line["seller_sku"],
                "sale_price": str(line["price"]), "original_price": str(line["price"]), "platform_discount": "0",
                "seller_discount": "0", "currency": "IDR", "is_gift": False,
                "display_status": "CANCELLED" if gone else o["status"],
                "package_status": "TO_FULFILL", "sku_type": "NORMAL",
                "cancel_user": "BUYER" if o["status"] == "CANCELLED" or gone else ""})
    total = sum(int(li["sale_price"]) for li in items if li["display_status"] != "CANCELLED")
    extras = shipping.order_extras(ctx, o)
    return {"id": o["ref"], "status": o["status"], "create_time": o["create_time"], "update_time": o["update_time"],
            "paid_time": 0 if o["status"] == "UNPAID" else o["create_time"], "rts_sla_time": o["ship_by"],
            "tts_sla_time": o["ship_by"] + 2 * 86400,
            "shipping_due_time": o["ship_by"], "collection_due_time": o["ship_by"] + 86400,
            "cancel_order_sla_time": o["create_time"] + 3600, "user_id": o["buyer_id"], "buyer_message": "",
            "shipping_type": "TIKTOK", "delivery_type": "HOME_DELIVERY", "fulfillment_type": "FULFILLMENT_BY_SELLER",
            "is_cod": False, "cancellation_initiator": "BUYER" if o["status"] == "CANCELLED" else "",
            "payment": {"currency": "IDR", "sub_total": str(total), "total_amount": str(total), "shipping_fee": "0",
                        "original_total_product_price": str(total), "seller_discount": "0", "platform_discount": "0"},
            "recipient_address": {"name": o["buyer_name"], "region_code": "ID", "full_address": "Jakarta",
                                  "district_info": extras.pop("district_info")},
            "line_items": items, **extras}


def orders_search(ctx: Context, req: Request) -> Reply:
    page_size = parse_int(req.q("page_size"))
    if page_size is None or not 1 <= page_size <= 100:
        return err(INTERNAL_ERROR, "page_size must be between 1 and 100.")
    start = _offset(req.q("page_token"))
    sort_field, sort_order = req.q("sort_field") or "create_time", req.q("sort_order") or "DESC"
    body = req.json() if req.body else {}
    if start is None or sort_field not in ("create_time", "update_time") or sort_order not in ("ASC", "DESC") \
            or not isinstance(body, dict):
        return err(INTERNAL_ERROR, "Invalid page_token, sort_field, sort_order or body.")
    bounds: list[OrderBound] = []
    for name, field, below in (("create_time_ge", "create_time", False), ("create_time_lt", "create_time", True),
                               ("update_time_ge", "update_time", False), ("update_time_lt", "update_time", True)):
        if body.get(name) is not None:
            bound = parse_int(str(body[name]))
            if bound is None:
                return err(INTERNAL_ERROR, f"{name} must be a Unix timestamp in seconds.")
            bounds.append((field, "<" if below else ">=", bound))
    status = body.get("order_status")
    if status and not isinstance(status, str):  # no order has such a status
        return ok({"orders": [], "next_page_token": "", "total_count": 0})
    total = ctx.state.order_count(ctx.platform, bounds, status or None)
    first = ctx.served_start(start, page_size)
    page = ctx.state.order_page(ctx.platform, sort_field, bounds, status or None, sort_order == "DESC", first,
                                page_size)
    more = first + page_size < total
    return ok({"orders": [_order(ctx, o) for o in page], "next_page_token": _token(first + page_size) if more else "",
               "total_count": total})


def orders_detail(ctx: Context, req: Request) -> Reply:
    ids = [s.strip() for s in (req.q("ids") or "").split(",") if s.strip()]
    if not 1 <= len(ids) <= 50:
        return err(INTERNAL_ERROR, "ids must hold between 1 and 50 order ids.")
    return ok({"orders": [_order(ctx, o) for o in ctx.state.orders_by_refs(ctx.platform, ids)]})


def inventory_update(ctx: Context, req: Request, product_id: str) -> Reply:
    """Whole-call refusals for a wrong product or SKU list; per-SKU refusals in data.errors[] while the other SKUs
    are applied (update-inventory.spec.json)."""
    body = req.json()
    skus = body.get("skus") if isinstance(body, dict) else None
    if not isinstance(skus, list) or not skus:
        return err(SKU_LIST_EMPTY, "The SKU list is empty. Either omit the list entirely, or provide all required "
                                   "details.")
    if len(skus) > 100:
        return err(TOO_MANY_SKUS, "A single product cannot have more than 100 different SKUs")
    listings = {x["model_id"]: x for x in ctx.state.listings(ctx.platform) if x["item_id"] == product_id}
    if not listings:
        return err(PRODUCT_NOT_FOUND, "The product does not exist")
    changes, errors = [], []
    for sku in skus:
        sku_id = str(sku.get("id") or "") if isinstance(sku, dict) else ""
        if sku_id not in listings:
            return err(SKU_NOT_FOUND, f"The SKU id not exist. ({sku_id})")
        listing = listings[sku_id]
        problem, split = _sku_inventory(ctx, listing, sku.get("inventory"))
        if problem is not None:
            errors.append({"code": problem[0], "message": problem[1],
                           "detail": {"sku_id": sku_id, "extra_errors": problem[2]}})
        else:
            changes.append((listing, split))
    for listing, split in changes:
        shop.store_warehouses(ctx.state, listing, split)
    return ok({"errors": errors} if errors else {})


def _sku_inventory(ctx: Context, listing: dict[str, Any], inventory: Any
                   ) -> tuple[tuple[int, str, list[dict[str, Any]]] | None, dict[str, int]]:
    """One SKU's inventory list against its warehouses, the quantity range and a promotion lock."""
    held = shop.warehouses(ctx.state, listing)
    if not isinstance(inventory, list) or not inventory:
        return (VALID_WAREHOUSE, "SKU must contain a valid warehouse.", []), {}
    split: dict[str, int] = {}
    for entry in inventory:
        warehouse = str(entry.get("warehouse_id") or "") if isinstance(entry, dict) else ""
        qty = entry.get("quantity") if isinstance(entry, dict) else None
        if not warehouse and len(held) == 1:
            warehouse = next(iter(held))  # optional with a single warehouse
        elif not warehouse:
            return (ALL_WAREHOUSES, "Multiple warehouses detected. Include all warehouse IDs and the corresponding "
                                    "details and try again.", []), {}
        if warehouse not in held:
            return (WAREHOUSE_NOT_OURS, f"The warehouse '{warehouse}' does not belong to this shop/seller.",
                    [{"warehouse_id": warehouse, "code": WAREHOUSE_NOT_OURS, "message": "unknown warehouse"}]), {}
        if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= 99_999:
            return (QUANTITY_LIMITS, "The SKU inventory quantity for the warehouse must be within allowed limits.",
                    [{"warehouse_id": warehouse, "code": QUANTITY_LIMITS, "message": "Valid range: [1, 99,999]"}]), {}
        split[warehouse] = qty
    missing = [w for w in held if w not in split]
    if missing:
        return (ALL_WAREHOUSES, "Multiple warehouses detected. Include all warehouse IDs and the corresponding "
                                "details and try again.",
                [{"warehouse_id": w, "code": ALL_WAREHOUSES, "message": "warehouse missing"} for w in missing]), {}
    locked = shop.promotion_lock(ctx.state, listing["model_id"])
    if locked and sum(split.values()) < listing["stock"]:
        return (PROMOTION_LOCKED, "Product locked for Promotion and stock can't be updated below current stock",
                []), {}
    return None, split


def products_search(ctx: Context, req: Request) -> Reply:
    """POST /product/202309/products/search: not in the reference; the live API's shape (page_size 1-100 and
    page_token in the query, filters such as status/seller_skus in the body, SKUs with seller_sku and inventory)."""
    page_size = parse_int(req.q("page_size"))
    start = _offset(req.q("page_token"))
    body = req.json() if req.body else {}
    if page_size is None or not 1 <= page_size <= 100 or start is None or not isinstance(body, dict):
        return err(PAGE_SIZE_INVALID, "page size is invalid (1-100), or the page_token or body is not valid.")
    if body.get("status") not in (None, "", "ALL", "ACTIVATE"):
        return ok({"products": [], "next_page_token": "", "total_count": 0})  # every practice product is active
    wanted = {str(s) for s in body.get("seller_skus") or []}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for x in ctx.state.listings(ctx.platform):
        grouped.setdefault(x["item_id"], []).append(x)
    products = [skus for skus in grouped.values() if not wanted or wanted & {x["seller_sku"] for x in skus}]
    first = ctx.served_start(start, page_size)
    page, more = products[first:first + page_size], first + page_size < len(products)
    rows = [{"id": skus[0]["item_id"], "title": skus[0]["name"], "status": "ACTIVATE", "sales_regions": ["ID"],
             "create_time": min(x["update_time"] for x in skus), "update_time": max(x["update_time"] for x in skus),
             "is_not_for_sale": False, "skus": [
                 {"id": x["model_id"], "seller_sku": x["seller_sku"],
                  "price": {"currency": "IDR", "sale_price": str(x["price"]), "tax_exclusive_price": str(x["price"])},
                  "inventory": [{"warehouse_id": w, "quantity": q} for w, q in shop.warehouses(ctx.state, x).items()]}
                 for x in skus]}
            for skus in page]
    return ok({"products": rows, "next_page_token": _token(first + page_size) if more else "",
               "total_count": len(products)})


def product_detail(ctx: Context, req: Request, product_id: str) -> Reply:
    """GET /product/202309/products/{product_id} (Get Product): the product with each SKU's sales_attributes, the
    only place its variant names are; a product the shop does not have answers 12052032."""
    skus = [x for x in ctx.state.listings(ctx.platform) if x["item_id"] == product_id]
    if not skus:
        return err(PRODUCT_NOT_FOUND, "The product does not exist")
    return ok({"id": product_id, "title": skus[0]["name"], "status": "ACTIVATE", "product_status": "ACTIVATE",
               "create_time": min(x["update_time"] for x in skus), "update_time": max(x["update_time"] for x in skus),
               "description": "", "is_cod_allowed": False, "skus": [
                   {"id": x["model_id"], "seller_sku": x["seller_sku"],
                    "price": {"currency": "IDR", "sale_price": str(x["price"]), "tax_exclusive_price": str(x["price"])},
                    "inventory": [{"warehouse_id": w, "quantity": q} for w, q in shop.warehouses(ctx.state, x).items()],
                    "sales_attributes": _sales_attributes(x)}
                   for x in skus]})


def _sales_attributes(listing: dict[str, Any]) -> list[dict[str, Any]]:
    """A practice variant name is one value of one attribute; a SKU without one has no sales attributes."""
    if not listing["model_name"]:
        return []
    return [{"id": SALES_ATTRIBUTE_ID, "name": "Variasi", "value_id": f"{listing['model_id']}1",
             "value_name": listing["model_name"]}]


def inventory_search(ctx: Context, req: Request) -> Reply:
    body = req.json()
    if not isinstance(body, dict):
        return err(PRODUCT_ID_INVALID, "Product id is invalid (a JSON body with product_ids or sku_ids is required).")
    sku_ids, product_ids = body.get("sku_ids"), body.get("product_ids")
    listings = ctx.state.listings(ctx.platform)
    if sku_ids:
        if len(sku_ids) > 600:
            return err(TOO_MANY_SEARCH_SKUS, "The number of SKU exceed the limit (600)")
        chosen = [x for x in listings if x["model_id"] in {str(s) for s in sku_ids}]
    elif product_ids:
        if len(product_ids) > 100:
            return err(TOO_MANY_SEARCH_PRODUCTS, "The number of provided product IDs exceeds the limit.")
        chosen = [x for x in listings if x["item_id"] in {str(p) for p in product_ids}]
    else:
        return err(PRODUCT_ID_INVALID, "Product id is invalid (product_ids or sku_ids is required).")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for x in chosen:
        grouped.setdefault(x["item_id"], []).append(
            {"id": x["model_id"], "seller_sku": x["seller_sku"], "total_available_quantity": x["stock"],
             "total_committed_quantity": 0, "warehouse_inventory": [
                 {"warehouse_id": w, "available_quantity": q, "committed_quantity": 0}
                 for w, q in shop.warehouses(ctx.state, x).items()]})
    return ok({"inventory": [{"product_id": pid, "skus": skus} for pid, skus in grouped.items()]})


def _person(ctx: Context, conv: dict[str, Any], sender: str) -> dict[str, Any]:
    if sender == "buyer":
        return {"im_user_id": f"im{conv['buyer_id']}", "user_id": conv["buyer_id"], "nickname": conv["buyer_name"],
                "avatar": "", "role": "BUYER"}
    return {"im_user_id": f"im{ctx.creds()['shop_id']}", "user_id": "", "nickname": "Toko Latihan", "avatar": "",
            "role": "SHOP"}


def _message(ctx: Context, conv: dict[str, Any], m: dict[str, Any], index: int) -> dict[str, Any]:
    sender = _person(ctx, conv, m["sender"])
    sender.pop("user_id", None)
    kind, attached = m.get("kind") or "text", m.get("attached") or ""
    shaped = {"text": ("TEXT", {"content": m["text"]}),
              "image": ("IMAGE", {"url": picture_url(attached, ctx.host), "width": 96, "height": 72}),
              "product": ("PRODUCT_CARD", {"product_id": attached}), "order": ("ORDER_CARD", {"order_id": attached})}
    kind_name, content = shaped[kind]
    return {"id": m["ref"], "index": str(index), "type": kind_name, "content": json.dumps(content),
            "create_time": int(m["created"]),
            "is_visible": not shop.is_hidden(ctx.state, m["ref"]), "sender": sender}


def conversations(ctx: Context, req: Request) -> Reply:
    page_size = parse_int(req.q("page_size"))
    start = _offset(req.q("page_token"))
    if page_size is None or not 1 <= page_size <= 20 or start is None:
        return err(CS_INVALID_PARAM, "Invalid parameter: page_size must be between 1 and 20 and page_token valid.")
    convs = ctx.state.conversations(ctx.platform)
    first = ctx.served_start(start, page_size)
    page, more = convs[first:first + page_size], first + page_size < len(convs)
    rows = []
    for c in page:
        latest = ctx.state.latest_message(c["id"])
        count = len(ctx.state.messages(ctx.platform, c["ref"]))
        rows.append({"id": c["ref"], "can_send_message": True, "create_time": int(c["update_time"]),
                     "unread_count": c["unread"], "participant_count": 2,
                     "participants": [_person(ctx, c, "buyer"), _person(ctx, c, "seller")],
                     "latest_message": _message(ctx, c, latest, count) if latest else None})
    return ok({"conversations": rows, "next_page_token": _token(first + page_size) if more else ""})


def messages(ctx: Context, req: Request, conversation_id: str) -> Reply:
    try:
        conv = ctx.state.conversation(ctx.platform, conversation_id)
    except LookupError:
        return err(CS_NOT_FOUND, "Record not found. Please check the parameters.")
    if req.method == "POST":
        return _send(ctx, req, conv)
    page_size = parse_int(req.q("page_size"))
    start = _offset(req.q("page_token"))
    if page_size is None or not 1 <= page_size <= 10 or start is None:
        return err(CS_INVALID_PARAM, "Invalid parameter: page_size must be between 1 and 10 and page_token valid.")
    newest_first = ctx.state.messages(ctx.platform, conversation_id)
    indexed = [(len(newest_first) - i, m) for i, m in enumerate(newest_first)]
    if (req.q("sort_order") or "DESC") == "ASC":
        indexed.reverse()
    page, more = indexed[start:start + page_size], start + page_size < len(indexed)
    return ok({"messages": [_message(ctx, conv, m, i) for i, m in page],
               "next_page_token": _token(start + page_size) if more else "", "unsupported_msg_tips": {}})


def _send(ctx: Context, req: Request, conv: dict[str, Any]) -> Reply:
    body = req.json()
    if not isinstance(body, dict) or body.get("type") != "TEXT" or not isinstance(body.get("content"), str):
        return err(CS_INVALID_PARAM, "Invalid parameter. type TEXT and content (a JSON string such as "
                                     "{\"content\":\"halo\"}) are required.")
    try:
        text = json.loads(body["content"]).get("content")
    except (ValueError, AttributeError):
        text = None
    if not isinstance(text, str) or not text or len(text) > 2000:
        return err(CS_INVALID_PARAM, "Invalid parameter. content must be a JSON string holding content: text of 1 "
                                     "to 2000 characters.")
    m = ctx.state.add_message(ctx.platform, conv["ref"], "seller", text)
    return ok({"message_id": m["ref"]})


ROUTES: list[tuple[tuple[str, str], Callable[..., Reply]]] = [
    (("GET", r"/authorization/202309/shops"), shops),
    (("POST", r"/order/202309/orders/search"), orders_search),
    (("GET", r"/order/202309/orders"), orders_detail),
    (("POST", r"/product/202309/products/([^/]+)/inventory/update"), inventory_update),
    (("POST", r"/product/202309/inventory/search"), inventory_search),
    (("POST", r"/product/202309/products/search"), products_search),
    (("GET", r"/product/202309/products/([^/]+)"), product_detail),
    (("GET", r"/customer_service/202309/conversations"), conversations),
    (("GET", r"/customer_service/202309/conversations/([^/]+)/messages"), messages),
    (("POST", r"/customer_service/202309/conversations/([^/]+)/messages"), messages),
    *shipping.ROUTES,
    *reverse.ROUTES,
]
