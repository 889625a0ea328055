"""Lazada Open Platform as the practice marketplace answers it (reference §3), never more lenient than Lazada:
answers typed as the reference types them (connectors/lazada/contracts.py) and refused with its documented codes.

Stock is split the way Lazada splits it (practice_shop.py): /product/price_quantity/update sets the TOTAL and is refused
below the withheld + occupied + campaign-locked units; /product/stock/sellable/update sets sellable stock and is refused
below the campaign lock. Codes not in the reference (InvalidTimestamp, InvalidApiPath) are marked where they are sent.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from companion.connectors.lazada import practice_fulfilment_routes as fulfilment
from companion.connectors.lazada import practice_reviews_routes as reviews
from companion.connectors.lazada import practice_shop as shop
from companion.connectors.lazada import practice_signing as signing
from companion.connectors.lazada.practice_reply import err, ok
from companion.practice.credentials import REFRESH_GRACE
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url
from companion.practice.signing_check import same
from companion.practice.state import OrderBound

WIB = timezone(timedelta(hours=7))
# GetOrders' status filter values ([LZD-DOCS] order-api/getorders.json, error 6/36 solution).
STATUSES = frozenset({"unpaid", "pending", "packed", "canceled", "ready_to_ship", "delivered", "returned", "shipped",
                      "failed", "topack", "toship", "shipping", "lost", "lost_by_3pl", "damaged_by_3pl",
                      "failed_delivery", "shipped_back", "shipped_back_success", "shipped_back_failed",
                      "package_scrapped"})


def throttled() -> Reply:
    """Code 901 in the API pages' own words (data/raw/lazada/apis/product-api/*.json: "API level QPS limiting flow,
    please retry in the next second"), HTTP 200 like every Lazada envelope error (connectors/lazada/call_limit.py)."""
    return err("901", "Limit service request speed in server side temporarily.", "SYSTEM")


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
    # Another app's key or another method cannot verify the signature: the documented IncompleteSignature.
    if (params["app_key"] != creds["app_key"] or params["sign_method"] != "sha256"
            or not same(signing.sign(creds["app_secret"], req.path, params), params["sign"])):
        return err("IncompleteSignature", "The request signature does not conform to platform standards")
    ts = parse_int(params["timestamp"])
    if ts is None or not signing.timestamp_ok(ts, ctx.state.now()) or ctx.fires("bad_timestamp"):
        return err("InvalidTimestamp", "Timestamp is invalid or expired: it must be in milliseconds and within "
                                       "7200 seconds of UTC.")  # not in the reference
    if needs_token:
        state = ctx.state.token_state(ctx.platform, "access", params["access_token"])
        if state != "ok" or ctx.fires("expired_token"):
            return err("IllegalAccessToken", "The specified access token is invalid or expired")
    return None


def handle(ctx: Context, req: Request) -> Reply:
    route = ROUTES.get(req.path)
    if route is None:
        return err("InvalidApiPath", f"The specified API path {req.path} is invalid.")  # not in the reference
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
            return err("InvalidCode", "Invalid authorization code")
        refresh, refresh_exp = ctx.state.issue_token(ctx.platform, "refresh", life.refresh)
    else:
        refresh = params.get("refresh_token", "")
        row = ctx.state.token(ctx.platform, "refresh", refresh)
        if row is None or row["used"] or row["expires_at"] <= ctx.state.now():
            return err("IllegalRefreshToken", "The specified refresh token is invalid or expired")
        refresh_exp = row["expires_at"]
    access, access_exp = ctx.state.issue_token(ctx.platform, "access", life.access)
    ctx.state.shorten_tokens(ctx.platform, "access", ctx.state.now() + REFRESH_GRACE, access)
    creds = ctx.creds()
    now = ctx.state.now()
    # The two pages disagree (contracts.py): create types refresh_expires_in as a string and lists
    # country_user_info, refresh types it as a number and lists country_user_info_list. Each answer follows its page.
    users = [{"country": "id", "user_id": creds["user_id"], "seller_id": creds["seller_id"],
              "short_code": "IDPRACTICE"}]
    created = req.path == "/auth/token/create"
    refresh_left = int(refresh_exp - now)
    return ok(None, access_token=access, refresh_token=refresh, expires_in=int(access_exp - now),
              refresh_expires_in=str(refresh_left) if created else refresh_left, account="toko.latihan@example.com",
              account_id=None, account_platform="seller_center", country="id",
              **({"country_user_info": users} if created else {"country_user_info_list": users}))


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
    """Typed as GetOrders types it: ids, amounts and gift_option are strings; statuses the items' own."""
    total = sum(li["price"] * li["quantity"] for li in o["lines"])
    return {"order_id": str(o["ref"]), "order_number": str(o["ref"]), "created_at": _when(o["create_time"]),
            "updated_at": _when(o["update_time"]), "price": f"{total:.2f}", "shipping_fee": "0.00",
            "payment_method": "COD", "statuses": sorted({row["status"] for row in o["item_rows"]}),
            "items_count": sum(li["quantity"] for li in o["lines"]),
            "promised_shipping_times": _when(o["ship_by"]), "customer_first_name": o["buyer_name"],
            "customer_last_name": "", "buyer_note": "", "gift_option": "0", "voucher": "0.00",
            "address_shipping": {"first_name": o["buyer_name"], "last_name": "", "country": "Indonesia",
                                 "city": fulfilment.city(o)}}


# GetOrderItems' cancel_return_initiator values for who cancelled.
INITIATORS = {"seller": "cancellation-seller", "buyer": "cancellation-customer", "system": "cancellation-internal"}


def _items(ctx: Context, o: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per unit, as Lazada order items have no quantity, each with its own status (the cancelled units are
    the ones cancelled by id, then the first of the line), its package and a buyer's open cancel request. Typed as
    GetMultipleOrderItems types them (ids numbers, prices strings)."""
    gone = shop.cancelled_units(ctx.state, o["ref"])
    extras = fulfilment.item_extras(ctx, o)
    rows = []
    for line in o["lines"]:
        cancelled = shop.cancelled_indexes(ctx.state, o["ref"], line, gone.get(str(line["id"]), 0))
        for unit in range(line["quantity"]):
            status = "canceled" if unit in cancelled else o["status"]
            rows.append({
                "order_item_id": shop.unit_id(line["id"], unit), "order_id": int(o["ref"]), "name": line["name"],
                "sku": line["seller_sku"], "shop_sku": f"{line['item_id']}_ID-{line['model_id']}",
                "sku_id": str(line["model_id"]), "product_id": line["item_id"], "variation": line["model_name"],
                "item_price": f"{line['price']:.2f}", "paid_price": f"{line['price']:.2f}", "currency": "IDR",
                "status": status, "promised_shipping_time": _when(o["ship_by"]),
                "cancel_return_initiator": INITIATORS.get(o.get("cancel_by") or "", "cancellation-customer")
                if status == "canceled" else "",
                "created_at": _when(o["create_time"]), "updated_at": _when(o["update_time"]),
                **(extras if status != "canceled" else {**extras, "need_cancel_confirm": False})})
    return rows


def _with_rows(ctx: Context, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for o in orders:
        o["item_rows"] = _items(ctx, o)
    return orders


def orders_get(ctx: Context, p: dict[str, str]) -> Reply:
    update_after, created_after = _parse_iso(p.get("update_after")), _parse_iso(p.get("created_after"))
    if update_after is None and created_after is None:
        return err("MissingParameter", "created_after or update_after (ISO 8601) is required.")
    offset, limit = parse_int(p.get("offset")) or 0, parse_int(p.get("limit")) or 100
    if offset < 0:
        return err("14", f'E014: "{offset}" Invalid Offset')
    if not 1 <= limit <= 100:
        return err("19", f'E019: "{limit}" Invalid Limit')
    sort_field = {"created_at": "create_time", "updated_at": "update_time"}.get(p.get("sort_by") or "created_at")
    if sort_field is None:
        return err("75", "E075: Invalid sort filter.")
    if (p.get("sort_direction") or "DESC") not in ("ASC", "DESC"):
        return err("74", "E074: Invalid sort direction.")
    given = (("create_time", created_after, False), ("create_time", _parse_iso(p.get("created_before")), True),
             ("update_time", update_after, False), ("update_time", _parse_iso(p.get("update_before")), True))
    bounds: list[OrderBound] = [(field, "<" if before else ">=", bound) for field, bound, before in given
                                if bound is not None]
    status = p.get("status") or None
    if status is not None and status not in STATUSES:
        return err("36", "E036: Invalid status filter")
    total = ctx.state.order_count(ctx.platform, bounds, status)
    first = ctx.served_start(offset, limit)
    page = ctx.state.order_page(ctx.platform, sort_field, bounds, status,
                                (p.get("sort_direction") or "DESC") == "DESC", first, limit)
    return ok({"count": len(page), "countTotal": total, "orders": [_order(o) for o in _with_rows(ctx, page)]})


def order_get(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /order/get (the API of the reference's signing example, §7): one order by order_id."""
    ref = p.get("order_id", "")
    found = ctx.state.orders_by_refs(ctx.platform, [ref]) if ref else []
    if not found:
        return err("16", "Invalid Order ID")
    return ok(_order(_with_rows(ctx, found)[0]))


def order_items(ctx: Context, p: dict[str, str]) -> Reply:
    ref = p.get("order_id", "")
    found = ctx.state.orders_by_refs(ctx.platform, [ref]) if ref else []
    if not found:
        return err("16", "Invalid Order ID")
    return ok(_items(ctx, found[0]))


def orders_items(ctx: Context, p: dict[str, str]) -> Reply:
    raw = (p.get("order_ids") or "").strip()
    ids = [s.strip() for s in raw.strip("[]").split(",") if s.strip()] if raw.startswith("[") else []
    if not ids or not all(i.isdigit() for i in ids):
        return err("56", "E056: Invalid OrdersIdList format. Must use array format [1,2]")
    if len(ids) > 50:
        return err("38", "E038: Too many orders were requested")
    orders = ctx.state.orders_by_refs(ctx.platform, ids)
    if len(orders) < len(set(ids)):
        return err("37", "E037: One or more order id in the list are incorrect")
    return ok([{"order_id": int(o["ref"]), "order_number": int(o["ref"]), "order_items": _items(ctx, o)}
               for o in orders])


def _skus(p: dict[str, str], too_many: str) -> list[ET.Element] | Reply:
    """The payload's <Sku> rows, or the reference's refusal: E005 for a payload that is not the XML format,
    `too_many` (4171 or 204, as each API documents it) above 50 SKUs."""
    try:
        root = ET.fromstring(p.get("payload", ""))
    except ET.ParseError:
        return err("5", "E005: Invalid Request Format")
    skus = root.findall("./Product/Skus/Sku")
    if not skus:
        return err("5", "E005: Invalid Request Format")
    if len(skus) > 50:
        text = ("The updated SKU quantity exceeds the maximum number 50, please do not update more than 50 SKUs at "
                "once" if too_many == "4171" else "E204: Too many SKU in one request")
        return err(too_many, text)
    return skus


def _stock_update(ctx: Context, p: dict[str, str], tag: str, too_many: str) -> Reply:
    """Both stock calls: every SKU checked first; one refused SKU refuses the call with 501 and a `detail` entry per
    refused SKU (the reference: 501 "is an overview error code ... check the detail field"), nothing applied.
    A single-warehouse shop is refused the multi-warehouse form ("should not use the multi-warehouse format")."""
    skus = _skus(p, too_many)
    if isinstance(skus, Reply):
        return skus
    listings, held_units = ctx.state.listings(ctx.platform), shop.held_units(ctx.state)
    changes, problems = [], []
    for sku in skus:
        sku_id, seller_sku = (sku.findtext("SkuId") or "").strip(), (sku.findtext("SellerSku") or "").strip()
        listing = next((x for x in listings if (sku_id and x["model_id"] == sku_id)
                        or (not sku_id and seller_sku and x["seller_sku"] == seller_sku)), None)
        qty = parse_int((sku.findtext(tag) or "").strip())
        problem = ""
        if listing is None:
            problem = "SKU not found"
        elif sku.find("MultiWarehouseInventories") is not None:
            problem = "Single-warehouse sellers should not use the multi-warehouse format"
        elif qty is None or qty < 0:
            problem = f"{tag} cannot be negative"
        else:
            numbers = shop.stock_numbers(ctx.state, listing, held_units)
            lock = numbers["channelInventories"]
            held = numbers["withholdQuantity"] + numbers["occupyQuantity"]
            if tag == "Quantity" and qty < held + lock:
                problem = (f"The updated inventory quantity {qty} must be greater than or equal to the inventory "
                           f"locked by withhold + occupy + campaign ({held + lock})")
            elif tag == "SellableQuantity" and qty < lock:
                problem = (f"The updated sellable inventory quantity {qty} must be greater than or equal to the "
                           f"inventory locked by the campaign ({lock})")
            else:
                changes.append((listing["id"], qty - held if tag == "Quantity" else qty))
        if problem:
            problems.append({"seller_sku": seller_sku or (listing or {}).get("seller_sku", ""), "sku_id": sku_id,
                             "message": problem})
    if problems:
        return err("501", "Update product failed", detail=problems)
    for listing_id, sellable in changes:
        ctx.state.set_stock(listing_id, sellable)
    return ok({})


def price_quantity_update(ctx: Context, p: dict[str, str]) -> Reply:
    """<Quantity> is the TOTAL stock (sellable + withheld + occupied)."""
    return _stock_update(ctx, p, "Quantity", "4171")


def sellable_update(ctx: Context, p: dict[str, str]) -> Reply:
    """<SellableQuantity> is what buyers can buy, campaign-locked units included."""
    return _stock_update(ctx, p, "SellableQuantity", "204")


def products_get(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /products/get (GetProducts): filter, offset ≤ 10000, limit ≤ 50; products with attributes.name and skus[]
    of SkuId, SellerSku, ShopSku, quantity (the total), Available (sellable), saleProp, and the stock split in
    multiWarehouseInventories (the inventory-calculation guide's sample)."""
    offset, limit = parse_int(p.get("offset")) or 0, parse_int(p.get("limit")) or 20
    if not 0 <= offset <= 10000:
        return err("14", f'E014: "{offset}" Invalid Offset')
    if not 1 <= limit <= 50:
        return err("19", "Invalid Limit")
    if (p.get("filter") or "all") not in ("all", "live", "inactive", "deleted", "image-missing", "pending",
                                          "rejected", "sold-out"):
        return err("36", "E036: Invalid status filter")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for x in ctx.state.listings(ctx.platform):
        grouped.setdefault(x["item_id"], []).append(x)
    if (p.get("filter") or "all") not in ("all", "live"):
        grouped = {}  # every practice product is live
    products, held = list(grouped.values()), shop.held_units(ctx.state)
    rows = [{"item_id": int(skus[0]["item_id"]), "primary_category": 10000000, "status": "Active",
             "created_time": str(min(x["update_time"] for x in skus) * 1000),
             "updated_time": str(max(x["update_time"] for x in skus) * 1000),
             "attributes": {"name": skus[0]["name"]},
             "skus": [{"SkuId": int(x["model_id"]), "SellerSku": x["seller_sku"],
                       "ShopSku": f"{x['item_id']}_ID-{x['model_id']}", "quantity": n["totalQuantity"],
                       "Available": n["sellableQuantity"], "price": float(x["price"]), "special_price": 0.0,
                       "Status": "active",
                       "saleProp": {"variation": x["model_name"]} if x["model_name"] else {},
                       "multiWarehouseInventories": [{"warehouseCode": "dropshipping", "quantity": n["totalQuantity"],
                                                      **n}]}
                      for x, n in ((x, shop.stock_numbers(ctx.state, x, held)) for x in skus)]}
            for skus in products[offset:offset + limit]]
    return ok({"total_products": len(products), "products": rows})


# -- instant messaging ------------------------------------------------------------------------------------------
def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _im(data: Any) -> Reply:
    return ok(data, success=True, err_code="0", err_message="")


def session_list(ctx: Context, p: dict[str, str]) -> Reply:
    shop.note_session_list(ctx.state)
    start, page_size = parse_int(p.get("start_time")), parse_int(p.get("page_size"))
    if start is None or page_size is None or not 1 <= page_size <= 20:  # the IM guide: "limit 20"
        return err("MissingParameter", "start_time (ms) and page_size (1-20) are required.")
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
    """Typed as GetMessages types it (account ids strings); process_msg carries the safety check's notice."""
    return {"message_id": m["ref"], "session_id": conv["ref"],
            "from_account_id": str(conv["buyer_id"] if buyer else seller_id), "from_account_type": 1 if buyer else 2,
            "to_account_id": str(seller_id if buyer else conv["buyer_id"]), "to_account_type": 2 if buyer else 1,
            **_template(ctx, m), "type": 1, "send_time": _ms(m["created"]),
            "process_msg": shop.notice_of(ctx.state, m["ref"]), "status": 0, "auto_reply": False,
            "site_id": "lazada_id"}


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
    shop.block_if_needed(ctx.state, m["ref"], text)  # still "sent": only the message list shows process_msg
    return _im({"message_id": m["ref"], "template_id": 1, "current_time": _ms(ctx.state.now())})


ROUTES: dict[str, Callable[[Context, dict[str, str]], Reply]] = {
    **fulfilment.ROUTES,
    **reviews.ROUTES,
    "/orders/get": orders_get,
    "/order/get": order_get,
    "/products/get": products_get,
    "/order/items/get": order_items,
    "/orders/items/get": orders_items,
    "/product/price_quantity/update": price_quantity_update,
    "/product/stock/sellable/update": sellable_update,
    "/im/session/list": session_list,
    "/im/message/list": message_list,
    "/im/message/send": message_send,
}
