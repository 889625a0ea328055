"""Shopee Open Platform v2 as the practice marketplace answers it (reference §1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.connectors.shopee import practice_shop as shop
from companion.connectors.shopee import practice_signing as signing
from companion.connectors.shopee.practice_answers import err, ok
from companion.connectors.shopee.practice_fulfilment_routes import FULFILMENT_ROUTES, shipping_detail
from companion.connectors.shopee.practice_returns_routes import RETURN_ROUTES
from companion.connectors.shopee.practice_reviews_routes import REVIEW_ROUTES
from companion.practice.credentials import REFRESH_GRACE
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url
from companion.practice.signing_check import same
from companion.practice.state import OrderBound

PUBLIC_PATHS = {"/api/v2/auth/token/get", "/api/v2/auth/access_token/get", "/api/v2/shop/auth_partner"}
LOCATION_ID = shop.LOCATION_ID
# The reference's own words (congminh1254/shopee-sdk schemas/v2.product.update_stock.json error_list)
RESERVED_WORDS = "Total stock must be more than reserved stock."
HOLIDAY_WORDS = "Please wait for the holiday mode set then to edit item. Please try later."
STRUCTURE_WORDS = ("Can not update item with different stock structure. Can only update seller stock with location "
                   "id when existing seller stock have location id. Can only update seller stock without location id "
                   "when existing seller stock without location id.")
MULTI_WAREHOUSE_WORDS = "The merchant/shop has multi warehouse, please input location id"
WRONG_LOCATION_WORDS = ("The location_id input is not matched the shop's location_id(more/wrong). Please double "
                        "check.")


def throttled() -> Reply:
    """The reference's common error `error_rate_limit` in its own words. The HTTP status it comes with is not
    documented (UNCONFIRMED): 200 like the other body-level refusals, so only a client reading the body waits."""
    return err("error_rate_limit", "Too many requests. You have reached the rate limit. Please try again later.")


def check(ctx: Context, req: Request) -> Reply | None:
    """Common parameters, signature, timestamp window and (for shop APIs) the access token."""
    creds = ctx.creds()
    partner_id, timestamp, sign = req.q("partner_id"), req.q("timestamp"), req.q("sign")
    if not partner_id or not timestamp or not sign:
        return err("error_param", "Missing partner_id, timestamp or sign.", 400)
    ts = parse_int(timestamp)
    if ts is None:
        return err("error_param", "Invalid timestamp.", 400)
    if partner_id != str(creds["partner_id"]):
        return err("invalid_partner_id", "Invalid partner_id.", 403)
    shop_api = req.path not in PUBLIC_PATHS
    token, shop_id = (req.q("access_token") or "", req.q("shop_id") or "") if shop_api else ("", "")
    if shop_api and (not token or not shop_id):
        return err("error_param", "Missing access_token or shop_id.", 400)
    base = signing.base_string(partner_id, req.path, timestamp, token, shop_id)
    if not same(signing.sign(creds["partner_key"], base), sign):
        return err("error_sign", "Wrong sign", 403)
    if not signing.timestamp_ok(ts, ctx.state.now()) or ctx.fires("bad_timestamp"):
        # common error list: error_param "Timestamp is expired." (a request must arrive within 5 minutes)
        return err("error_param", "Timestamp is expired: the request timestamp must be within 5 minutes.", 403)
    if shop.flag(ctx.state, "ip_allow_list"):
        return err("source_ip_undeclared", "Request Source IP (127.0.0.1) is undeclared. Please declare all your IP "
                   "addresses in the Shopee Open Platform Console > App list > IP Address Whitelist", 403)
    if shop.flag(ctx.state, "daily_limit"):
        return err("error_limit", "The total API call number made by your APP has reached the daily API call limit, "
                   "please try again after 00: 00 (UTC+08:00)", 403)
    if not shop_api:
        return None
    if shop_id != str(creds["shop_id"]):
        return err("error_auth", "Invalid partner_id or shopid.", 403)
    state = ctx.state.token_state(ctx.platform, "access", token)
    if state == "expired" or (state == "ok" and ctx.fires("expired_token")):
        return err("error_auth", "Invalid access_token, the access token has expired.", 403)
    if state != "ok":
        return err("error_auth", "Invalid access_token.", 403)
    return None


def handle(ctx: Context, req: Request) -> Reply:
    route = ROUTES.get((req.method, req.path))
    if route is None:
        return err("error_not_found", f"Unknown API path {req.path}.", 404)
    problem = check(ctx, req)
    if problem is not None:
        return problem
    if req.path.startswith("/api/v2/sellerchat/") and not ctx.chat_approved():  # whitelisted apps only
        return err("error_api_call_restricted", "The App permission for api call have been restricted. Your app has "
                   "no permission to call the sellerchat APIs.", 403)
    return route(ctx, req)


# -- auth -------------------------------------------------------------------------------------------------------
def token_get(ctx: Context, req: Request) -> Reply:
    body = req.json() or {}
    creds = ctx.creds()
    if str(body.get("partner_id")) != str(creds["partner_id"]) or str(body.get("shop_id")) != str(creds["shop_id"]):
        return err("error_param", "partner_id and shop_id in the body must match the authorized shop.", 400)
    code = str(body.get("code") or "")
    if (ctx.state.token_state(ctx.platform, "code", code) != "ok"
            or not ctx.state.consume_token(ctx.platform, "code", code)):
        return err("invalid_code", "The code is expired or used or invalid, please check the code.", 403)
    return _new_tokens(ctx)


def access_token_get(ctx: Context, req: Request) -> Reply:
    """Refresh: each refresh_token works once and yields a new pair."""
    body = req.json() or {}
    creds = ctx.creds()
    if str(body.get("partner_id")) != str(creds["partner_id"]) or str(body.get("shop_id")) != str(creds["shop_id"]):
        return err("error_param", "partner_id and shop_id in the body must match the authorized shop.", 400)
    token = str(body.get("refresh_token") or "")
    state = ctx.state.token_state(ctx.platform, "refresh", token)
    if state == "expired":
        return err("refresh_token_expired", "Refresh token expired, please authorize the shop again.", 403)
    if state != "ok" or not ctx.state.consume_token(ctx.platform, "refresh", token):
        return err("error_auth", "Invalid refresh_token.", 403)
    return _new_tokens(ctx)


def _new_tokens(ctx: Context) -> Reply:
    life = ctx.channel().lifetimes
    access, _ = ctx.state.issue_token(ctx.platform, "access", life.access)
    refresh, _ = ctx.state.issue_token(ctx.platform, "refresh", life.refresh)
    ctx.state.shorten_tokens(ctx.platform, "access", ctx.state.now() + REFRESH_GRACE, access)
    creds = ctx.creds()
    return ok(partner_id=creds["partner_id"], shop_id=creds["shop_id"], access_token=access, refresh_token=refresh,
              expire_in=life.access)


def shop_info(ctx: Context, req: Request) -> Reply:
    return ok(None, shop_name="Toko Latihan", region="ID", status="NORMAL", is_cb=False,
              auth_time=int(ctx.state.now()) - 86400, expire_time=int(ctx.state.now()) + 364 * 86400)


# -- orders -----------------------------------------------------------------------------------------------------
def order_list(ctx: Context, req: Request) -> Reply:
    field = req.q("time_range_field")
    time_from, time_to, page_size = parse_int(req.q("time_from")), parse_int(req.q("time_to")), parse_int(
        req.q("page_size"))
    if field not in ("create_time", "update_time"):
        return err("error_param", "time_range_field must be create_time or update_time.", 400)
    if time_from is None or time_to is None:
        return err("error_param", "time_from and time_to are required.", 400)
    if time_from > time_to or time_to - time_from > 15 * 86400:
        return err("order.order_list_invalid_time", "Start time must be earlier than end time and diff in 15days.")
    if page_size is None or not 1 <= page_size <= 100:
        return err("error_param", "page_size must be between 1 and 100.", 400)
    cursor = req.q("cursor") or ""
    start = parse_int(cursor) if cursor else 0
    if start is None or start < 0:
        return err("error_param", "Invalid cursor.", 400)
    first = ctx.served_start(start, page_size)
    bounds: list[OrderBound] = [(field, ">=", time_from), (field, "<=", time_to)]
    page = ctx.state.order_page(ctx.platform, field, bounds, req.q("order_status") or None, offset=first,
                                limit=page_size + 1, lines=False)  # one more tells whether there is a next page
    more = len(page) > page_size
    page = page[:page_size]
    with_status = "order_status" in (req.q("response_optional_fields") or "")
    rows = [{"order_sn": o["ref"], **({"order_status": o["status"]} if with_status else {})} for o in page]
    return ok({"more": more, "next_cursor": str(first + page_size) if more else "", "order_list": rows})


def order_detail(ctx: Context, req: Request) -> Reply:
    sns = [s.strip() for s in (req.q("order_sn_list") or "").split(",") if s.strip()]
    if not 1 <= len(sns) <= 50:
        return err("error_param", "order_sn_list must hold between 1 and 50 order_sn.", 400)
    wanted = {f.strip() for f in (req.q("response_optional_fields") or "").split(",")}
    out = []
    for order in ctx.state.orders_by_refs(ctx.platform, sns):
        row: dict[str, Any] = {
            "order_sn": order["ref"], "region": "ID", "currency": "IDR", "cod": False, "order_status": order["status"],
            "message_to_seller": "", "create_time": order["create_time"], "update_time": order["update_time"],
            "days_to_ship": 2, "ship_by_date": order["ship_by"]}
        if "item_list" in wanted:
            row["item_list"] = [_item_line(ctx, line) for line in order["lines"]]
        if "buyer_user_id" in wanted:
            row["buyer_user_id"] = int(order["buyer_id"])
        if "buyer_username" in wanted:
            row["buyer_username"] = order["buyer_name"]
        if "total_amount" in wanted:
            row["total_amount"] = float(sum(li["price"] * li["quantity"] for li in order["lines"]))
        if "pay_time" in wanted:  # null until paid (§1.7)
            row["pay_time"] = None if order["status"] == "UNPAID" else order["create_time"]
        if "cancel_by" in wanted:
            row["cancel_by"] = order["cancel_by"]
        row.update(shipping_detail(ctx, order, wanted))
        out.append(row)
    return ok({"order_list": out})


def _item_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    has_model = line["model_id"] != "0"
    gone = int(line.get("cancelled") or 0)
    return {
        "item_id": int(line["item_id"]), "item_name": line["name"], "item_sku": line["item_sku"],
        "model_id": int(line["model_id"]), "model_name": line["model_name"],
        "model_sku": line["seller_sku"] if has_model else "", "model_quantity_purchased": line["quantity"],
        "model_original_price": float(line["price"]), "model_discounted_price": float(line["price"]),
        "wholesale": False, "weight": 0.3, "add_on_deal": False, "main_item": False, "promotion_type": "",
        "promotion_id": 0, "order_item_id": int(line["id"]), "promotion_group_id": 0,
        "image_info": {"image_url": ""}, "active_qty": line["quantity"] - gone, "cancel_requested_qty": 0,
        "cancelled_qty": gone, "return_requested_qty": 0, "returned_qty": 0}


# -- products ---------------------------------------------------------------------------------------------------
def _items(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, list[dict[str, Any]]] = {}
    for listing in ctx.state.listings(ctx.platform):
        items.setdefault(listing["item_id"], []).append(listing)
    return items


def item_list(ctx: Context, req: Request) -> Reply:
    offset, page_size = parse_int(req.q("offset")), parse_int(req.q("page_size"))
    statuses = req.query.get("item_status", [])
    if offset is None or offset < 0 or page_size is None or not 1 <= page_size <= 100 or not statuses:
        return err("error_param", "offset, page_size (1-100) and item_status are required.", 400)
    items = list(_items(ctx).items()) if "NORMAL" in statuses else []
    first = ctx.served_start(offset, page_size)
    page = items[first:first + page_size]
    more = first + page_size < len(items)
    rows = [{"item_id": int(item_id), "item_status": "NORMAL", "update_time": max(m["update_time"] for m in models),
             "tag": {"kit": False}} for item_id, models in page]
    return ok({"item": rows, "total_count": len(items), "has_next_page": more,
               "next_offset": first + page_size if more else 0})


def _stock_info(ctx: Context, listing: dict[str, Any]) -> dict[str, Any]:
    """Seller stock per warehouse; the units held for a promotion are reserved (and not for sale elsewhere)."""
    held = shop.reserved(ctx.state, int(listing["id"]))
    return {"summary_info": {"total_reserved_stock": held,
                             "total_available_stock": max(0, int(listing["stock"]) - held)},
            "seller_stock": [{"location_id": loc, "stock": n, "if_saleable": True}
                             for loc, n in shop.warehouses(ctx.state, listing).items()],
            "shopee_stock": []}


def item_base_info(ctx: Context, req: Request) -> Reply:
    ids = [s.strip() for s in (req.q("item_id_list") or "").split(",") if s.strip()]
    if not 1 <= len(ids) <= 50:
        return err("error_param", "item_id_list must hold between 1 and 50 item_id.", 400)
    items = _items(ctx)
    out = []
    for item_id in ids:
        models = items.get(item_id)
        if not models:
            continue
        first = models[0]
        row: dict[str, Any] = {"item_id": int(item_id), "item_name": first["name"], "item_sku": first["item_sku"],
                               "item_status": "NORMAL", "has_model": first["model_id"] != "0",
                               "has_promotion": any(shop.reserved(ctx.state, int(m["id"])) for m in models),
                               "create_time": first["update_time"], "update_time": first["update_time"]}
        if first["model_id"] == "0":
            row["price_info"] = [{"currency": "IDR", "original_price": float(first["price"]),
                                  "current_price": float(first["price"])}]
            row["stock_info_v2"] = _stock_info(ctx, first)
        out.append(row)
    return ok({"item_list": out})


def model_list(ctx: Context, req: Request) -> Reply:
    models = _items(ctx).get(req.q("item_id") or "")
    if not models:
        return err("product.error_item_not_found", "Item not found.")
    if models[0]["model_id"] == "0":
        return ok({"tier_variation": [], "model": [], "standardise_tier_variation": []})
    tier = [{"name": "Variasi", "option_list": [{"option": m["model_name"]} for m in models]}]
    rows = [{"model_id": int(m["model_id"]), "model_sku": m["seller_sku"], "model_status": "MODEL_NORMAL",
             "tier_index": [i], "price_info": [{"currency": "IDR", "original_price": float(m["price"]),
                                                "current_price": float(m["price"])}],
             "stock_info_v2": _stock_info(ctx, m), "has_promotion": shop.reserved(ctx.state, int(m["id"])) > 0,
             "pre_order": {"is_pre_order": False, "days_to_ship": 2}}
            for i, m in enumerate(models)]
    return ok({"tier_variation": tier, "model": rows, "standardise_tier_variation": []})


def update_stock(ctx: Context, req: Request) -> Reply:
    """As strict as v2.product.update_stock: one item, 1–50 models, no model twice; a location_id exactly when the
    item's stock has one (every warehouse known); holiday mode and promotion stock refused under `error_auth`."""
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("stock_list"), list) or "item_id" not in body:
        return err("error_param", "item_id and stock_list are required.", 400)
    stock_list = body["stock_list"]
    if not 1 <= len(stock_list) <= 50:
        return err("error_param", "stock_list must hold between 1 and 50 entries.", 400)
    item_id = str(body["item_id"])
    if item_id not in _items(ctx):
        return err("error_item_not_belong_shop", "Item not belong to shop.")
    model_ids = [e.get("model_id", 0) if isinstance(e, dict) else None for e in stock_list]
    if len(set(map(str, model_ids))) != len(model_ids):
        return err("error_param", "Repeat model_id.")
    if shop.flag(ctx.state, "holiday"):
        return err("error_auth", HOLIDAY_WORDS)
    plans, failure = [], []
    for model_id, entry in zip(model_ids, stock_list, strict=True):
        listing = ctx.state.find_listing(ctx.platform, item_id, str(model_id))
        if listing is None:
            failure.append({"model_id": model_id, "failed_reason": "Model not found in this item."})
            continue
        stocks = _new_stocks(ctx, listing, entry.get("seller_stock") if isinstance(entry, dict) else None)
        if isinstance(stocks, Reply):
            return stocks
        plans.append((model_id, listing, stocks))
    for _model_id, listing, stocks in plans:
        if sum(stocks.values()) < shop.reserved(ctx.state, int(listing["id"])):
            return err("error_auth", RESERVED_WORDS)
    success = []
    for model_id, listing, stocks in plans:
        shop.set_warehouses(ctx.state, listing, stocks)
        success += [{"model_id": model_id, "location_id": loc, "stock": n} for loc, n in stocks.items()]
    response = {"success_list": success, "failure_list": failure}
    if failure:
        return err("error_busi_update_stock_failed",
                   "Update stock failed, please check failure_list for detailed reason", response=response)
    return ok(response)


def _new_stocks(ctx: Context, listing: dict[str, Any], seller_stock: Any) -> dict[str, int] | Reply:
    """The listing's stock per location after this entry, or the refusal the platform gives."""
    if not isinstance(seller_stock, list) or not seller_stock:
        return err("error_param", "Wrong parameters, detail: seller_stock is required.", 400)
    now = shop.warehouses(ctx.state, listing)
    new = dict(now)
    for part in seller_stock:
        stock = part.get("stock") if isinstance(part, dict) else None
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            return err("error_param", "Parameter is not match the constraints, stock must be at least 0.", 400)
        location = part.get("location_id")
        if location is None:  # every practice item's seller stock has a location_id
            return err("error_busi", MULTI_WAREHOUSE_WORDS) if len(now) > 1 else err("error_param", STRUCTURE_WORDS)
        if location not in now:
            return err("error_auth", WRONG_LOCATION_WORDS)
        new[str(location)] = stock
    return new


# -- seller chat ------------------------------------------------------------------------------------------------
def _nano(seconds: float) -> int:
    return int(seconds * 1_000_000_000)


def conversation_list(ctx: Context, req: Request) -> Reply:
    if req.q("direction") not in ("latest", "older") or req.q("type") not in ("all", "unread", "pinned"):
        return err("error_param", "direction (latest|older) and type (all|unread|pinned) are required.", 400)
    page_size = parse_int(req.q("page_size")) or 25
    if not 1 <= page_size <= 25:  # field reports: above 25 Shopee gives nothing useful
        return err("error_param", "page_size must be between 1 and 25.", 400)
    before = parse_int(req.q("next_timestamp_nano"))
    convs = [c for c in ctx.state.conversations(ctx.platform)
             if (before is None or _nano(c["update_time"]) < before) and (req.q("type") != "unread" or c["unread"])]
    if req.q("type") == "pinned":
        convs = []
    page, more = convs[:page_size], len(convs) > page_size
    creds = ctx.creds()
    rows = []
    for c in page:
        latest = ctx.state.latest_message(c["id"])
        rows.append({
            "conversation_id": c["ref"], "to_id": int(c["buyer_id"]), "to_name": c["buyer_name"], "to_avatar": "",
            "shop_id": creds["shop_id"], "unread_count": c["unread"], "pinned": False, "mute": False,
            "last_read_message_id": "0", "latest_message_id": latest["ref"] if latest else "",
            "latest_message_type": MESSAGE_TYPES[latest.get("kind") or "text"] if latest else "text",
            "latest_message_content": {"text": latest["text"] if latest else ""},
            "latest_message_from_id": _from_id(creds, c, latest["sender"] if latest else "buyer"),
            "last_message_timestamp": _nano(c["update_time"]), "last_message_option": 0,
            "max_general_option_hide_time": "9223372036854775807"})
    next_cursor = {"next_message_time_nano": str(_nano(page[-1]["update_time"])) if more else "0",
                   "conversation_id": page[-1]["ref"] if more else ""}
    return ok({"conversations": rows, "page_result": {"page_size": len(rows), "next_cursor": next_cursor,
                                                       "more": more}})


def _from_id(creds: dict[str, Any], conv: dict[str, Any], sender: str) -> int:
    return int(conv["buyer_id"]) if sender == "buyer" else int(creds["shop_id"])


MESSAGE_TYPES = {"text": "text", "image": "image", "product": "item", "order": "order"}


def _content(ctx: Context, m: dict[str, Any], shop_id: int) -> dict[str, Any]:
    """Shopee's content per message_type: {text} / {url, thumb_url, …} / {item_id, shop_id} / {order_sn, shop_id}."""
    kind, attached = m.get("kind") or "text", m.get("attached") or ""
    if kind == "image":
        url = picture_url(attached, ctx.host)
        return {"url": url, "thumb_url": url, "thumb_height": 72, "thumb_width": 96}
    if kind == "product":
        return {"item_id": int(attached), "shop_id": shop_id}
    if kind == "order":
        return {"order_sn": attached, "shop_id": shop_id}
    return {"text": m["text"]}


def _message(ctx: Context, creds: dict[str, Any], conv: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    buyer = m["sender"] == "buyer"
    shop_id = int(creds["shop_id"])
    return {"message_id": m["ref"], "message_type": MESSAGE_TYPES[m.get("kind") or "text"],
            "from_id": _from_id(creds, conv, m["sender"]),
            "from_shop_id": 0 if buyer else shop_id, "to_id": shop_id if buyer else int(conv["buyer_id"]),
            "to_shop_id": shop_id if buyer else 0, "conversation_id": conv["ref"],
            "created_timestamp": int(m["created"]), "region": "ID", "status": "normal", "source": "",
            "source_content": {}, "content": _content(ctx, m, shop_id), "message_option": 0}


def get_message(ctx: Context, req: Request) -> Reply:
    ref = req.q("conversation_id") or ""
    page_size = parse_int(req.q("page_size")) or 25
    if not ref or not 1 <= page_size <= 60:
        return err("error_param", "conversation_id is required and page_size must be between 1 and 60.", 400)
    try:
        conv = ctx.state.conversation(ctx.platform, ref)
    except LookupError:
        return err("error_param", "Invalid conversation_id.", 400)
    messages = ctx.state.messages(ctx.platform, ref)
    offset = req.q("offset")
    if offset:
        refs = [m["ref"] for m in messages]
        messages = messages[refs.index(offset) + 1:] if offset in refs else []
    page, more = messages[:page_size], len(messages) > page_size
    creds = ctx.creds()
    return ok({"messages": [_message(ctx, creds, conv, m) for m in page],
               "page_result": {"page_size": len(page), "next_offset": page[-1]["ref"] if more else "", "more": more}})


def send_message(ctx: Context, req: Request) -> Reply:
    body = req.json() or {}
    if body.get("message_type") != "text" or not isinstance(body.get("content"), dict):
        return err("error_param", "The practice shop sends text messages only: message_type text, content.text.",
                   400)
    text = str(body["content"].get("text") or "")
    to_id = str(body.get("to_id") or "")
    conv = next((c for c in ctx.state.conversations(ctx.platform) if c["buyer_id"] == to_id), None)
    if conv is None or not text:
        return err("error_param", "Invalid to_id or empty text.", 400)
    m = ctx.state.add_message(ctx.platform, conv["ref"], "seller", text)
    return ok({"to_id": int(to_id), "message_id": m["ref"], "message_type": "text", "content": {"text": text},
               "conversation_id": conv["ref"], "created_timestamp": int(m["created"]), "message_option": 0})


ROUTES: dict[tuple[str, str], Callable[[Context, Request], Reply]] = {
    ("POST", "/api/v2/auth/token/get"): token_get,
    ("POST", "/api/v2/auth/access_token/get"): access_token_get,
    ("GET", "/api/v2/shop/get_shop_info"): shop_info,
    ("GET", "/api/v2/order/get_order_list"): order_list,
    ("GET", "/api/v2/order/get_order_detail"): order_detail,
    ("GET", "/api/v2/product/get_item_list"): item_list,
    ("GET", "/api/v2/product/get_item_base_info"): item_base_info,
    ("GET", "/api/v2/product/get_model_list"): model_list,
    ("POST", "/api/v2/product/update_stock"): update_stock,
    ("GET", "/api/v2/sellerchat/get_conversation_list"): conversation_list,
    ("GET", "/api/v2/sellerchat/get_message"): get_message,
    ("POST", "/api/v2/sellerchat/send_message"): send_message,
    **FULFILMENT_ROUTES,
    **RETURN_ROUTES,
    **REVIEW_ROUTES,
}
