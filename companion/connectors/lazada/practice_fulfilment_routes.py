"""The practice Lazada's shipping calls (contracts_fulfilment.py): GetShipmentProvider, Pack, ReadyToShip and
PrintAWB with its ten-minute PDF link, on the shared practice rules (practice/fulfilment.py), answered in Lazada's
shapes with its documented codes and words; the cancel and return calls are in practice_reverse_routes.py.

The practice shop is a local (TFS) shop whose provider Lazada assigns, unless the admin makes it choose
(practice_shop.let_seller_choose_provider: platform_default 0, NTFS). Whether parcels are picked up or dropped off is
the shop's Seller Center setting (practice_shop.first_mile), as on Lazada. A label is asked for at Pack (Lazada makes
the AWB then) and is ready LABEL_DELAY seconds later; until then PrintAWB carries no PDF.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from companion.connectors.lazada import practice_reverse_routes as reverse
from companion.connectors.lazada import practice_shop as shop
from companion.connectors.lazada.practice_reply import refused, result
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, Request

BATCH = 20
LINK_SECONDS = 600  # "The PDF link is valid for ten minutes"
NOT_ALLOWED = ("700026", "item current status not allow to pack")
# What each practice refusal is in Lazada's words at Pack (per item) and ReadyToShip (per package).
PACK_WORDS = {"unpaid": ("700031", "item not ready to fulfill"), "cancelled": NOT_ALLOWED,
              "already_arranged": NOT_ALLOWED, "already_shipped": NOT_ALLOWED,
              "bad_provider": ("700033", "transferringWarehouseCode cannot found")}
RTS_WORDS = {"cancelled": ("600002", "package already cancelled")}
STATUS_WORDS = ("700000", "current package status not allow to operation")


def city(order: dict[str, Any]) -> str:
    return core.buyer_city(order)


def item_extras(ctx: Context, order: dict[str, Any]) -> dict[str, Any]:
    """What every live item of the order carries: its package (GetOrderItems package_id, tracking_code,
    shipment_provider) and a buyer's open cancel request (need_cancel_confirm, reverse_order_id,
    cancel_trigger_time in ms, reason)."""
    found = core.package_of_order(ctx.state, ctx.platform, order["ref"]) or {}
    request = core.cancel_request(ctx.state, ctx.platform, order["ref"]) or {}
    asking = request.get("state") == "open"
    return {"package_id": found.get("ref", ""), "tracking_code": found.get("tracking", ""),
            "shipment_provider": found.get("courier", ""), "tracking_code_pre": "",
            "shipping_type": "Dropshipping", "need_cancel_confirm": asking,
            "reverse_order_id": int(request["ref"]) if asking else None,
            "cancel_trigger_time": int(request["answer_by"] * 1000) if asking else None,
            "reason": request.get("reason", "") if asking else ""}


def _json(p: dict[str, str], name: str) -> dict[str, Any] | None:
    try:
        value = json.loads(p.get(name) or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _order_ref(ctx: Context, value: object) -> str | None:
    ref = str(value or "")
    return ref if ref.isdigit() and ctx.state.orders_by_refs(ctx.platform, [ref]) else None


def _offered(ctx: Context) -> list[dict[str, str]]:
    return [{"name": name, "provider_code": f"FM{40 + n}"} for n, name in
            enumerate(core.providers(ctx.state, ctx.platform))]


def providers_get(ctx: Context, p: dict[str, str]) -> Reply:
    req = _json(p, "getShipmentProvidersReq")
    orders = req.get("orders") if req else None
    if not isinstance(orders, list) or not orders:
        return refused("700004", "param illegal")
    if len(orders) > BATCH:
        return refused("700022", "batch size out of limit")
    if any(_order_ref(ctx, o.get("order_id") if isinstance(o, dict) else None) is None for o in orders):
        return refused("700021", "order not found")
    choose = shop.chooses_provider(ctx.state)
    return result({"platform_default": 0 if choose else 1, "shipment_providers": _offered(ctx) if choose else [],
                   "shipping_allocate_type": "NTFS" if choose else "TFS"})


def _pack_check(ctx: Context, req: dict[str, Any]) -> tuple[str, str] | str:
    """The pack request's own faults as (code, words), or the provider name to pack with."""
    choose = shop.chooses_provider(ctx.state)
    if req.get("delivery_type") != "dropship":  # "entering any other value will result in an error"
        return "700004", "param illegal"
    if not req.get("shipping_allocate_type"):
        return "700017", "param can't be null"
    if req["shipping_allocate_type"] != ("NTFS" if choose else "TFS"):
        return "700004", "param illegal"
    code = str(req.get("shipment_provider_code") or "")
    if code and not choose:  # "If it is a local store (TFs), this field cannot be transferred"
        return "700004", "param illegal"
    if choose and not code:
        return "700017", "param can't be null"
    names = {o["provider_code"]: o["name"] for o in _offered(ctx)}
    return names.get(code, code)


def _pack_one(ctx: Context, entry: dict[str, Any], provider: str) -> dict[str, Any] | Reply:
    ref = _order_ref(ctx, entry.get("order_id"))
    wanted = entry.get("order_item_list")
    if ref is None:
        return refused("700021", "order not found")
    order = ctx.state.order(ctx.platform, ref)
    if not isinstance(wanted, list) or not wanted or any(shop.unit_of(order, i) is None for i in wanted):
        return refused("700025", "order item not found")
    try:
        found = core.pack(ctx.state, ctx.platform, ref, provider)
        core.request_document(ctx.state, ctx.platform, found["ref"])  # Lazada makes the AWB at Pack
        code, words = "0", "success"
    except core.Refused as no:
        found, (code, words) = {}, PACK_WORDS.get(no.reason, NOT_ALLOWED)
    return {"order_id": int(ref), "order_item_list": [
        {"order_item_id": int(i), "item_err_code": code, "msg": words, "tracking_number": found.get("tracking", ""),
         "shipment_provider": found.get("courier", ""), "package_id": found.get("ref", ""), "retry": False}
        for i in wanted]}


def pack(ctx: Context, p: dict[str, str]) -> Reply:
    """Pack (items of one order are packed together: the practice packs the whole order)."""
    req = _json(p, "packReq")
    entries = req.get("pack_order_list") if req else None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        return refused("700004", "param illegal")
    if len(entries) > BATCH:
        return refused("700022", "batch size out of limit")
    checked = _pack_check(ctx, req or {})
    if isinstance(checked, tuple):
        return refused(*checked)
    done = []
    for entry in entries:
        one = _pack_one(ctx, entry, checked)
        if isinstance(one, Reply):
            return one
        done.append(one)
    return result({"pack_order_list": done})


def _ready_one(ctx: Context, package_ref: str) -> dict[str, Any]:
    try:
        found = core.package(ctx.state, ctx.platform, package_ref)
        method = shop.first_mile(ctx.state)
        core.arrange(ctx.state, ctx.platform, found["order_ref"], method, provider=found["provider"],
                     require_packed=True)
        code, words = "0", "success"
    except core.Refused as no:
        code, words = ("700000", "package not found") if no.reason == "not_found" else RTS_WORDS.get(
            no.reason, STATUS_WORDS)
    return {"package_id": package_ref, "item_err_code": code, "msg": words, "retry": "false"}


def ready_to_ship(ctx: Context, p: dict[str, str]) -> Reply:
    req = _json(p, "readyToShipReq")
    packages = req.get("packages") if req else None
    if not isinstance(packages, list) or not packages or not all(isinstance(x, dict) for x in packages):
        return refused("700004", "param illegal")
    if len(packages) > BATCH:
        return refused("700022", "batch size out of limit")
    return result({"packages": [_ready_one(ctx, str(x.get("package_id") or "")) for x in packages]})


def document_get(ctx: Context, p: dict[str, str]) -> Reply:
    """PrintAWB, one package a call (several come back combined in one file on Lazada; the practice shop does not
    combine them). Ready: `file` is base64 of the <iframe> the guide shows and `pdf_url` the ten-minute link."""
    req = _json(p, "getDocumentReq")
    packages = req.get("packages") if req else None
    if not req or req.get("doc_type") not in ("PDF", "HTML") or not isinstance(packages, list) or not packages:
        return refused("700004", "param illegal")
    if len(packages) > BATCH:
        return refused("700022", "batch size out of limit")
    if len(packages) > 1 or req["doc_type"] != "PDF":
        return refused("700013", "operation is no support")
    ref = str(packages[0].get("package_id") or "") if isinstance(packages[0], dict) else ""
    try:
        core.request_document(ctx.state, ctx.platform, ref)
        ready = core.document_status(ctx.state, ctx.platform, ref) == "ready"
    except core.Refused as no:
        if no.reason == "not_found":
            return refused("30012", "rts package not found")
        return refused("700040", "There are no packages that support printing!")
    if not ready:
        return result({"file": "", "doc_type": "PDF"})
    url = f"http://{ctx.host}/lazada-files/awb/{ref}.pdf?Expires={int(ctx.state.now()) + LINK_SECONDS}"
    frame = f'<iframe src="{url}" width="100%" height="100%" style="display: block;min-height: 990px;"></iframe>'
    return result({"file": base64.b64encode(frame.encode()).decode(), "doc_type": "PDF", "pdf_url": url})


def handle_files(ctx: Context, req: Request) -> Reply:
    """GET /awb/<package>.pdf?Expires=…: the label PDF, as an object store answers (403 once the link expired)."""
    name = req.path.rsplit("/", 1)[-1]
    expires = req.q("Expires") or ""
    if not req.path.startswith("/awb/") or not name.endswith(".pdf"):
        return Reply(404, "NoSuchKey", {"Content-Type": "application/xml"})
    if not expires.isdigit() or int(expires) < ctx.state.now():
        return Reply(403, "AccessDenied: Request has expired.", {"Content-Type": "application/xml"})
    try:
        pdf = core.document_pdf(ctx.state, ctx.platform, name[:-4])
    except core.Refused:
        return Reply(404, "NoSuchKey", {"Content-Type": "application/xml"})
    return Reply(200, pdf, {"Content-Type": "application/pdf"})


ROUTES: dict[str, Callable[[Context, dict[str, str]], Reply]] = {
    "/order/shipment/providers/get": providers_get,
    "/order/fulfill/pack": pack,
    "/order/package/rts": ready_to_ship,
    "/order/package/document/get": document_get,
    **reverse.ROUTES,
}
