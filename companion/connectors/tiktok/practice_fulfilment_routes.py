"""Practice TikTok Shop packages: handover time slots, Ship Package, shipping documents (their doc_url served here)
and shipping providers, in the reference's shapes and error codes (fulfilment_contracts.py), on the practice core
(companion/practice/fulfilment.py). A package id is the order id + PACKAGE_OFFSET, so an order carries its package
from the start, as TikTok's do."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from companion.connectors.tiktok import practice_shop as shop
from companion.connectors.tiktok.practice_reply import err, ok
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, Request
from companion.practice.state import NotFound

INTERNAL_ERROR = 36009003
DOC_PATH = "/wsos_v2/oec_fulfillment_doc_tts/object/"
# core refusals → Ship Package's documented code and words (ship-package.spec.json)
SHIP_REFUSALS: dict[str, tuple[int, str]] = {
    "not_found": (21011028, "The package does not belong to the current shop."),
    "unpaid": (21011003, "fulfill_unit action not allowed"),
    "cancelled": (21011041, "Cannot complete the operation when order is cancelled."),
    "already_arranged": (21011040, "Package has already been shipped."),
    "already_shipped": (21011040, "Package has already been shipped."),
    "slot_expired": (21011053, "Fail to ship package because the shipment time is outside of the pick-up time slot."),
    "branch_closed": (11021009, "No available shipping services for this request. Please modify the package weight "
                                "or check the recipient address. If the error persists, please contact the platform "
                                "for assistance."),
    "bad_address": (11021025, "Fail to ship package because the seller shipping address is invalid. You may cancel "
                              "the order without penalty by selecting the following reason: Unable to deliver to "
                              "buyer address."),
    "bad_provider": (21011022, "Invalid tracking number or provider ID. Please double check and try again."),
    "tracking_required": (21011022, "Invalid tracking number or provider ID. Please double check and try again."),
}
INVALID = (21001001, "Invalid parameters. Please ensure you are passing the correct request parameter(s).")


def _order(ctx: Context, package: str) -> dict[str, Any] | None:
    try:
        return ctx.state.order(ctx.platform, shop.order_of_package(package))
    except (NotFound, LookupError):
        return None


def order_extras(ctx: Context, o: dict[str, Any]) -> dict[str, Any]:
    """What an order detail says of its shipping: package, provider, tracking, city, a buyer's cancel request."""
    found = core.package_of_order(ctx.state, ctx.platform, o["ref"])
    seller = shop.seller_shipping(ctx.state, o["ref"])
    request = core.cancel_request(ctx.state, ctx.platform, o["ref"])
    courier = found["courier"] if found else ("" if seller else ctx.channel().courier)
    unpaid = o["status"] == ctx.channel().statuses.unpaid  # no package before payment
    return {"packages": [] if unpaid else [{"id": shop.package_id(o["ref"])}], "shipping_provider": courier,
            "shipping_provider_id": _provider_id(ctx, courier) if courier else "",
            "tracking_number": found["tracking"] if found and found["status"] != "packed" else "",
            "shipping_type": "SELLER" if seller else "TIKTOK", "delivery_option_id": shop.DELIVERY_OPTION_ID,
            "delivery_option_name": "Reguler", "is_buyer_request_cancel": bool(request and request["state"] == "open"),
            "district_info": [{"address_level_name": "Country", "address_name": "Indonesia", "address_level": "L0"},
                              {"address_level_name": "Regency and City", "address_name": core.buyer_city(o),
                               "address_level": "L2"}]}


def _provider_id(ctx: Context, name: str) -> str:
    names = core.providers(ctx.state, ctx.platform)
    return str(shop.PROVIDER_BASE + names.index(name)) if name in names else ""


def handover_time_slots(ctx: Context, req: Request, package: str) -> Reply:
    order = _order(ctx, package)
    if order is None:
        return err(*INVALID)
    try:
        options = core.shipping_options(ctx.state, ctx.platform, order["ref"])
    except core.Refused:
        return err(*INVALID)
    slots = options["addresses"][0]["slots"] if options["addresses"] else []
    return ok({"can_pickup": bool(slots), "can_drop_off": bool(options["branches"]), "can_van_collection": False,
               "drop_off_point_url": f"http://{ctx.host}/tiktok/drop_off_points",
               "pickup_slots": [{"start_time": s["start"], "end_time": s["end"], "avaliable": True} for s in slots]})


def ship(ctx: Context, req: Request, package: str) -> Reply:
    order = _order(ctx, package)
    body = req.json() if req.body else {}
    if order is None:
        return err(*SHIP_REFUSALS["not_found"])
    if not isinstance(body, dict) or body.get("handover_method") not in (None, "PICKUP", "DROP_OFF"):
        return err(*INVALID)
    try:
        _arrange(ctx, order, body)
    except core.Refused as refused:
        return err(*SHIP_REFUSALS.get(refused.reason, INVALID))
    except _Answer as answer:
        return err(*answer.args)
    return ok({})


class _Answer(Exception):
    """A refusal of the body itself: (code, words)."""


def _arrange(ctx: Context, order: dict[str, Any], body: dict[str, Any]) -> None:
    self_shipment, slot = body.get("self_shipment"), body.get("pickup_slot")
    if shop.seller_shipping(ctx.state, order["ref"]):
        if not isinstance(self_shipment, dict):
            raise core.Refused("tracking_required")
        provider = _provider_name(ctx, str(self_shipment.get("shipping_provider_id") or ""))
        core.arrange(ctx.state, ctx.platform, order["ref"], "own_courier", provider=provider,
                     tracking=str(self_shipment.get("tracking_number") or ""))
        return
    if self_shipment is not None:
        raise _Answer(*INVALID)  # a TikTok Shipping package takes no self shipment
    if isinstance(slot, dict) and body.get("handover_method") != "DROP_OFF":
        start = slot.get("start_time")
        if not isinstance(start, int) or isinstance(start, bool):
            raise _Answer(*INVALID)
        core.arrange(ctx.state, ctx.platform, order["ref"], "pickup", slot_id=str(start))
    elif body.get("handover_method") == "PICKUP":
        raise _Answer(21011054, "No available shipping services for this request due to missing pick-up time slot. "
                                "Please contact customer service for assistance.")
    else:
        core.arrange(ctx.state, ctx.platform, order["ref"], "dropoff")


def _provider_name(ctx: Context, provider_id: str) -> str:
    names = core.providers(ctx.state, ctx.platform)
    index = int(provider_id) - shop.PROVIDER_BASE if provider_id.isdigit() else -1
    if not 0 <= index < len(names):
        raise core.Refused("bad_provider", provider_id)
    return names[index]


def shipping_providers(ctx: Context, req: Request, option: str) -> Reply:
    if option != shop.DELIVERY_OPTION_ID:
        return err(21008116, "No Subscription without specified delivery option.")
    names = core.providers(ctx.state, ctx.platform)
    return ok({"shipping_providers": [{"id": _provider_id(ctx, n), "name": n} for n in names]})


def shipping_documents(ctx: Context, req: Request, package: str) -> Reply:
    """The label of an arranged TikTok Shipping package: still being generated for LABEL_DELAY practice seconds
    after the first ask (11034037), then its doc_url."""
    order = _order(ctx, package)
    if req.q("document_type") not in ("SHIPPING_LABEL", "SHIPPING_LABEL_AND_PACKING_SLIP") \
            or req.q("document_size") not in (None, "A6", "A5") or order is None:
        return err(INTERNAL_ERROR, "Internal error. Please try again. (document_type, document_size or package)")
    if shop.seller_shipping(ctx.state, order["ref"]):
        return err(11034002, "This API is only applicable to TikTok Shipping orders. For seller shipping, please "
                             "obtain the shipping label offline and upload it to TikTok Shop via API or Seller Center.")
    found = core.package_of_order(ctx.state, ctx.platform, order["ref"])
    if found is None or found["status"] == "packed":
        return err(21023035, "Please arrange shipment before retrieving the shipping document.")
    if found["status"] == "cancelled" or order["status"] == ctx.channel().statuses.cancelled:
        return err(21023059, "Package has already been cancelled.")
    core.request_document(ctx.state, ctx.platform, found["ref"])
    if core.document_status(ctx.state, ctx.platform, found["ref"]) != "ready":
        return err(11034037, "The shipping document is still being generated by the logistics provider, please try "
                             "again later.")
    return ok({"doc_url": f"http://{ctx.host}/tiktok{DOC_PATH}{package}.pdf", "tracking_number": found["tracking"]})


def document(ctx: Context, req: Request) -> Reply | None:
    """GET of a doc_url (unsigned, as TikTok's own CDN links are): the label PDF. None for any other path."""
    match = re.fullmatch(re.escape(DOC_PATH) + r"(\d+)\.pdf", req.path)
    if req.method != "GET" or match is None:
        return None
    order = _order(ctx, match.group(1))
    found = core.package_of_order(ctx.state, ctx.platform, order["ref"]) if order else None
    try:
        pdf = core.document_pdf(ctx.state, ctx.platform, found["ref"]) if found else None
    except core.Refused:
        pdf = None
    if pdf is None:
        return Reply(404, "no such document", {"Content-Type": "text/plain"})
    return Reply(200, pdf, {"Content-Type": "application/pdf"})


ROUTES: list[tuple[tuple[str, str], Callable[..., Reply]]] = [
    (("GET", r"/fulfillment/202309/packages/([^/]+)/handover_time_slots"), handover_time_slots),
    (("POST", r"/fulfillment/202309/packages/([^/]+)/ship"), ship),
    (("GET", r"/fulfillment/202309/packages/([^/]+)/shipping_documents"), shipping_documents),
    (("GET", r"/logistics/202309/delivery_options/([^/]+)/shipping_providers"), shipping_providers),
]
