"""The practice Shopee's shipping and cancellation calls (fulfilment_contracts.py): each request is checked against
its contract, the work is the practice core's (practice/fulfilment.py), and each refusal is the code and words the
reference gives for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from companion.connectors.contract import Endpoint, check_request
from companion.connectors.shopee import fulfilment_contracts as fc
from companion.connectors.shopee.practice_answers import err, ok
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, Request
from companion.practice.state import NotFound

PLATFORM = "shopee"
NOT_READY = ("logistics.ship_order_not_ready_to_ship", "The order is not ready to ship.")
# the practice core's refusals of ship_order, as the reference words them
SHIP_REFUSALS = {
    "not_found": ("error_not_found", "Wrong parameters, detail: order_sn not found."),
    "unpaid": NOT_READY, "cancelled": NOT_READY,
    "already_arranged": ("logistics.package_already_shipped",
                         "This package has already been arranged shipment and you can't call this API again."),
    "already_shipped": ("logistics.error_param", "Order has been shipped."),
    "slot_expired": ("logistics.error_param", "Selected pickup timeslot is unavailable. Please reselect."),
    "branch_closed": ("logistics.error_store_not_found", "Store is not found."),
    "bad_address": ("logistics.address_not_found", "Address is not found."),
    "tracking_required": ("logistics.ship_order_need_tracking_number", "Parameter tracking_number can not be null."),
}
LOGISTICS = {"arranged": "LOGISTICS_REQUEST_CREATED", "shipped": "LOGISTICS_PICKUP_DONE",
             "delivered": "LOGISTICS_DELIVERY_DONE", "completed": "LOGISTICS_DELIVERY_DONE",
             "cancelled": "LOGISTICS_REQUEST_CANCELED"}


def wrong(endpoint: Endpoint, req: Request) -> Reply | None:
    """The reference's error_param for a request that breaks its contract (the first problem named)."""
    problems = check_request(endpoint, req.params(), req.json() if endpoint.body else None)
    return err("error_param", f"Wrong parameters, detail: {problems[0]}.", 400) if problems else None


def _order(ctx: Context, order_sn: str) -> dict[str, Any] | None:
    try:
        return ctx.state.order(PLATFORM, order_sn)
    except NotFound:
        return None


def shipping_detail(ctx: Context, order: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    """get_order_detail's optional shipping fields for one practice order."""
    row: dict[str, Any] = {}
    found = core.package_of_order(ctx.state, PLATFORM, order["ref"])
    courier = ctx.channel().courier
    if "shipping_carrier" in wanted:
        row["shipping_carrier"] = found["courier"] if found else courier
    if "recipient_address" in wanted:
        city = core.buyer_city(order)
        row["recipient_address"] = {"name": order["buyer_name"], "phone": "******78", "town": "", "district": "",
                                    "city": city, "state": "", "region": "ID", "zipcode": "",
                                    "full_address": f"****, {city}"}
    if "package_list" in wanted:
        row["package_list"] = [] if found is None else [{
            "package_number": found["ref"], "logistics_status": LOGISTICS.get(found["status"], "LOGISTICS_READY"),
            "shipping_carrier": found["courier"], "allow_self_design_awb": False,
            "item_list": [{"item_id": int(li["item_id"]), "model_id": int(li["model_id"]),
                           "model_quantity": li["quantity"] - int(li.get("cancelled") or 0),
                           "order_item_id": int(li["id"]), "promotion_group_id": 0} for li in order["lines"]]}]
    if "buyer_cancel_reason" in wanted:
        request = core.cancel_request(ctx.state, PLATFORM, order["ref"])
        row["buyer_cancel_reason"] = request["reason"] if request else ""
    if "cancel_reason" in wanted:
        row["cancel_reason"] = str(order.get("cancel_reason") or "")
    return row


# -- shipping parameters and ship_order -------------------------------------------------------------------------
def get_shipping_parameter(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.GET_SHIPPING_PARAMETER, req)
    if problem is not None:
        return problem
    order = _order(ctx, req.q("order_sn") or "")
    statuses = ctx.channel().statuses
    if order is None:
        return err("error_not_found", "Wrong parameters, detail: order_sn not found.")
    if order["status"] == statuses.cancelled:
        return err("error_status", "The order has been cancelled.")
    if order["status"] != statuses.open:
        return err("error_param", fc.NOT_READY_WORDS)
    options = core.shipping_options(ctx.state, PLATFORM, order["ref"])
    return ok({"info_needed": {"pickup": ["address_id", "pickup_time_id"], "dropoff": ["branch_id"],
                               "non_integrated": ["tracking_no"]},
               "pickup": {"address_list": [_address(a, n) for n, a in enumerate(options["addresses"])]},
               "dropoff": {"branch_list": [_branch(b) for b in options["branches"]], "slug_list": []}})


def _address(address: dict[str, Any], n: int) -> dict[str, Any]:
    flags = ["default_address", "pickup_address", "return_address"] if n == 0 else ["pickup_address"]
    parts = [p.strip() for p in address["text"].split(",")]
    return {"address_id": int(address["id"]), "region": "ID", "state": parts[-1] if len(parts) > 1 else "",
            "city": parts[-2] if len(parts) > 2 else "", "district": "", "town": "", "address": address["text"],
            "zipcode": "", "address_flag": flags, "time_slot_list": [
                {"date": s["start"], "pickup_time_id": s["id"],
                 "time_text": f"{_clock(s['start'])} - {_clock(s['end'])}",
                 "flags": ["recommended"] if i == 0 else []} for i, s in enumerate(address["slots"])]}


def _clock(moment: int) -> str:
    return datetime.fromtimestamp(moment, core.JAKARTA).strftime("%H:%M")


def _branch(branch: dict[str, Any]) -> dict[str, Any]:
    return {"branch_id": int(branch["id"]), "region": "ID", "state": "", "city": "", "district": "", "town": "",
            "address": f"{branch['name']}, {branch['address']}", "zipcode": ""}


def ship_order(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.SHIP_ORDER, req)
    if problem is not None:
        return problem
    body = req.json()
    ways = [k for k in ("pickup", "dropoff", "non_integrated") if k in body]
    if len(ways) != 1:
        return err("logistics.ship_order_only_support_one_type",
                   "Please select just one way to ship order: pickup or dropoff or non_integrated.")
    if "package_number" in body:
        return err("logistics.ship_order_not_need_pacakge_number",
                   "Please don’t request with package_number for this unsplit order.")
    way, given = ways[0], body[ways[0]]
    if way == "pickup" and not given.get("pickup_time_id"):
        return err("logistics.ship_order_need_address_pickup_time",
                   "Parameter address_id and pickup_time_id are required.")
    if way == "dropoff" and not given.get("branch_id"):
        return err("logistics.ship_order_need_branch_id", "Parameter branch_id is required.")
    try:
        core.arrange(ctx.state, PLATFORM, str(body["order_sn"]), {"non_integrated": "own_courier"}.get(way, way),
                     address_id=str(given.get("address_id", "")), slot_id=str(given.get("pickup_time_id") or ""),
                     branch_id=str(given.get("branch_id") or ""), tracking=str(given.get("tracking_number") or ""))
    except core.Refused as refused:
        code, words = SHIP_REFUSALS.get(refused.reason, ("logistics.error_order_state",
                                                         "Operation is not allow with current order status."))
        return err(code, words)
    return ok()


def get_tracking_number(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.GET_TRACKING_NUMBER, req)
    if problem is not None:
        return problem
    order = _order(ctx, req.q("order_sn") or "")
    if order is None:
        return err("logistics.invalid_error", "The order is not exist.")
    found = core.package_of_order(ctx.state, PLATFORM, order["ref"])
    if req.q("package_number") and (found is None or found["ref"] != req.q("package_number")):
        return err("logistics.package_not_exist", "The package is not exist.")
    live = found is not None and found["status"] != "cancelled"
    return ok({"tracking_number": found["tracking"] if live and found else "", "pickup_code": "",
               "hint": "" if live else "The shipment is not arranged yet."})


# -- the shipping document --------------------------------------------------------------------------------------
def _package(ctx: Context, entry: dict[str, Any]) -> dict[str, Any] | tuple[str, str]:
    """The entry's package, or (fail_error, fail_message) as result_list entries carry them."""
    order = _order(ctx, str(entry.get("order_sn") or ""))
    if order is None:
        return "logistics.order_not_exist", f"The order_sn {entry.get('order_sn')} is not exist."
    found = core.package_of_order(ctx.state, PLATFORM, order["ref"])
    if found is None or found["status"] == "cancelled":
        return "logistics.order_status_error", "Order status does not support awb printing."
    if entry.get("package_number") and entry["package_number"] != found["ref"]:
        return "logistics.package_number_not_found", f"The package_number {entry['package_number']} is not exist."
    return found


def _batch(rows: list[dict[str, Any]]) -> Reply:
    if rows and all(r.get("fail_error") for r in rows):
        return err("common.batch_api_all_failed", "Failed, please check result_list for more details.",
                   response={"result_list": rows}, warning=[])
    return ok({"result_list": rows}, warning=[])


def create_shipping_document(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.CREATE_SHIPPING_DOCUMENT, req)
    if problem is not None:
        return problem
    rows = []
    for entry in req.json()["order_list"]:
        found = _package(ctx, entry)
        row: dict[str, Any] = {"order_sn": entry["order_sn"]}
        if isinstance(found, tuple):
            row.update(fail_error=found[0], fail_message=found[1])
        elif entry.get("tracking_number") and entry["tracking_number"] != found["tracking"]:
            row.update(fail_error="logistics.tracking_number_invalid",
                       fail_message="The tracking number is invalid. Please check the tracking number.")
        else:
            core.request_document(ctx.state, PLATFORM, found["ref"])
            row["package_number"] = found["ref"]
        rows.append(row)
    return _batch(rows)


def get_shipping_document_result(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.GET_SHIPPING_DOCUMENT_RESULT, req)
    if problem is not None:
        return problem
    rows = []
    for entry in req.json()["order_list"]:
        found = _package(ctx, entry)
        row: dict[str, Any] = {"order_sn": entry["order_sn"]}
        if isinstance(found, tuple):
            row.update(fail_error=found[0], fail_message=found[1])
        elif found["document"] == "none":
            row.update(package_number=found["ref"], fail_error="logistics.shipping_document_should_print_first",
                       fail_message="The package can not print now, please create shipping document first.Detail: "
                                    "order_sn")
        else:
            row.update(package_number=found["ref"], status="READY" if found["document"] == "ready" else "PROCESSING")
        rows.append(row)
    return _batch(rows)


def download_shipping_document(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.DOWNLOAD_SHIPPING_DOCUMENT, req)
    if problem is not None:
        return problem
    entries = req.json()["order_list"]
    if len(entries) > 1:  # the practice shop draws one label a call
        return err("logistics.packages_can_not_download_together", "Packages can not download together. Detail: "
                   "ask one order at a time.")
    found = _package(ctx, entries[0])
    if isinstance(found, tuple):
        return err(*found)
    if found["document"] == "none":
        return err("logistics.shipping_document_should_print_first",
                   "The package can not print now, please create shipping document first.Detail: order_sn")
    if found["document"] != "ready":
        return err("logistics.download_later", "Processing, please download later. Detail: the label is being made.")
    return Reply(200, core.document_pdf(ctx.state, PLATFORM, found["ref"]), {"Content-Type": "application/pdf"})


# -- cancellations ----------------------------------------------------------------------------------------------
def cancel_order(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.CANCEL_ORDER, req)
    if problem is not None:
        return problem
    body = req.json()
    if body["cancel_reason"] == "OUT_OF_STOCK" and not body.get("item_list"):
        return err("error_param", "Wrong parameters, detail: item_list is required when cancel_reason is "
                                  "OUT_OF_STOCK.", 400)
    order = _order(ctx, body["order_sn"])
    if order is None:
        return err("error_not_found", "Wrong parameters, detail: order_sn not found.")
    lines = _partial_lines(order, body.get("partial_cancel_item_list") or [])
    if isinstance(lines, Reply):
        return lines
    try:
        done = core.seller_cancel(ctx.state, PLATFORM, order["ref"], body["cancel_reason"], lines or None)
    except core.Refused as refused:
        if refused.reason == "bad_lines":
            return err("error_param", f"Wrong parameters, detail: {refused.detail}.", 400)
        return err("order.error_limit", "Can not cancel this order")
    return ok({"update_time": int(done["update_time"])})


def _partial_lines(order: dict[str, Any], wanted: list[dict[str, Any]]) -> list[tuple[str, int]] | Reply:
    """partial_cancel_item_list entries as (order line id, units): each names its line by order_item_id (the
    practice's line id) and must carry that line's item and model."""
    by_id = {int(li["id"]): li for li in order["lines"]}
    lines = []
    for entry in wanted:
        line = by_id.get(int(entry.get("order_item_id") or 0))
        if line is None or (int(line["item_id"]), int(line["model_id"])) != (entry["item_id"], entry["model_id"]):
            return err("error_param", "Wrong parameters, detail: partial_cancel_item_list does not match the "
                                      "order's items.", 400)
        lines.append((str(line["id"]), int(entry["model_quantity"])))
    return lines


def handle_buyer_cancellation(ctx: Context, req: Request) -> Reply:
    problem = wrong(fc.HANDLE_BUYER_CANCELLATION, req)
    if problem is not None:
        return problem
    body = req.json()
    order = _order(ctx, body["order_sn"])
    if order is None:
        return err("error_not_found", "Wrong parameters, detail: order_sn not found.")
    invalid = err("order.cancel_order_invalid_status", "Invalid order_status.The order status should be IN_CANCEL.")
    if order["status"] != ctx.channel().statuses.in_cancel:
        return invalid
    try:
        core.answer_cancel(ctx.state, PLATFORM, order["ref"], body["operation"] == "ACCEPT")
    except core.Refused:
        return invalid
    return ok({"update_time": int(ctx.state.order(PLATFORM, order["ref"])["update_time"])})


FULFILMENT_ROUTES: dict[tuple[str, str], Callable[[Context, Request], Reply]] = {
    ("GET", fc.GET_SHIPPING_PARAMETER.path): get_shipping_parameter,
    ("POST", fc.SHIP_ORDER.path): ship_order,
    ("GET", fc.GET_TRACKING_NUMBER.path): get_tracking_number,
    ("POST", fc.CREATE_SHIPPING_DOCUMENT.path): create_shipping_document,
    ("POST", fc.GET_SHIPPING_DOCUMENT_RESULT.path): get_shipping_document_result,
    ("POST", fc.DOWNLOAD_SHIPPING_DOCUMENT.path): download_shipping_document,
    ("POST", fc.CANCEL_ORDER.path): cancel_order,
    ("POST", fc.HANDLE_BUYER_CANCELLATION.path): handle_buyer_cancellation,
}
