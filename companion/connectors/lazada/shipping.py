"""Shipping a Lazada order: providers → Pack → ReadyToShip, and the package's label (contracts_fulfilment.py).

Lazada ships order items, packed into a package that carries the tracking number; ReadyToShip then hands the
package to the courier. Whether the courier collects it (pickup) or the shop drops it off is the shop's Seller
Center setting ("the first kilometer collection type is pickup or dropship is not determined by this field"), so
PICKUP and DROPOFF both send the same calls; Lazada has no time slots or branches, and no own-courier shipping for
ordinary sellers.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from companion.connectors.errors import AlreadyDone, NotPermitted, NotReady, Permanent, Temporary
from companion.connectors.http import status_error
from companion.connectors.lazada import fulfilment_mapping as fm
from companion.connectors.lazada.client import LazadaClient
from companion.domain.fulfilment import ShipChoice, ShipMethod, Shipped, ShippingDocument, ShippingOptions

METHODS = (ShipMethod.PICKUP, ShipMethod.DROPOFF)
PDF = b"%PDF"
IFRAME_SRC = re.compile(r"""src=["']([^"']+\.pdf[^"']*)["']""", re.IGNORECASE)


def order_items(client: LazadaClient, order_id: str) -> list[dict[str, Any]]:
    """The order's items (one per unit) with their own statuses, package ids and buyer cancel requests."""
    data = client.call("GET", "/orders/items/get", {"order_ids": f"[{order_id}]"}).get("data") or []
    for entry in data:
        if str(entry.get("order_id")) == str(order_id):
            return [i for i in entry.get("order_items") or [] if isinstance(i, dict)]
    raise Permanent("39", "E039: No orders were found")


def _ids(items: list[dict[str, Any]]) -> list[int]:
    return [int(i["order_item_id"]) for i in items]


def providers(client: LazadaClient, order_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """GetShipmentProvider for these items: platform_default (1: Lazada assigns), shipment_providers and the
    shipping_allocate_type Pack must repeat."""
    request = {"orders": [{"order_id": int(order_id), "order_item_ids": _ids(items)}]}
    return fm.result_data(client.call("POST", "/order/shipment/providers/get",
                                      {"getShipmentProvidersReq": json.dumps(request)}))


def shipping_options(client: LazadaClient, order_id: str) -> ShippingOptions:
    items = order_items(client, order_id)
    live = [i for i in items if fm.status(i) not in fm.CANCELLED] or items
    offered = providers(client, order_id, [i for i in live if fm.status(i) in fm.PACKABLE] or live)
    courier, _, package_id = fm.shipping_facts(items)
    names = tuple(str(p.get("name") or p.get("provider_code") or "") for p in offered.get("shipment_providers") or []
                  if isinstance(p, dict))
    choose = str(offered.get("platform_default", "1")) == "0"
    return ShippingOptions(order_id=order_id, package_id=package_id, methods=METHODS,
                           providers=names if choose else (), courier=courier)


def _provider_code(offered: dict[str, Any], wanted: str) -> str:
    """The provider_code for the shop's choice (by name or code); the first offered when it chose none. A choice
    Lazada does not offer is sent as it is, so Lazada's own refusal comes back."""
    rows = [p for p in offered.get("shipment_providers") or [] if isinstance(p, dict)]
    for row in rows:
        if wanted and wanted in (str(row.get("name") or ""), str(row.get("provider_code") or "")):
            return str(row.get("provider_code") or row.get("name"))
    if wanted or not rows:
        return wanted
    return str(rows[0].get("provider_code") or rows[0].get("name") or "")


def _pack(client: LazadaClient, order_id: str, items: list[dict[str, Any]], wanted: str) -> list[dict[str, Any]]:
    offered = providers(client, order_id, items)
    request: dict[str, Any] = {
        "pack_order_list": [{"order_id": int(order_id), "order_item_list": _ids(items)}],
        "delivery_type": "dropship", "shipping_allocate_type": str(offered.get("shipping_allocate_type") or "TFS")}
    if str(offered.get("platform_default", "1")) == "0":  # a local (TFS) shop "cannot" send one
        request["shipment_provider_code"] = _provider_code(offered, wanted)
    data = fm.result_data(client.call("POST", "/order/fulfill/pack", {"packReq": json.dumps(request)}))
    rows = [r for o in data.get("pack_order_list") or [] for r in o.get("order_item_list") or []]
    for row in rows:
        failure = fm.item_failure(row)
        if failure is not None:
            raise failure
    return rows


def _ready(client: LazadaClient, package_ids: list[str]) -> None:
    request = {"packages": [{"package_id": p} for p in package_ids]}
    data = fm.result_data(client.call("POST", "/order/package/rts", {"readyToShipReq": json.dumps(request)}))
    for row in data.get("packages") or []:
        failure = fm.item_failure(row)
        if failure is not None:
            raise failure


def _done_meanwhile(client: LazadaClient, order_id: str, refusal: Permanent) -> Permanent:
    """A refused pack or ready-to-ship: when the order now shows readied or sent, it was done elsewhere."""
    if isinstance(refusal, AlreadyDone):
        return refusal
    if fm.shipped_already(order_items(client, order_id)):
        return AlreadyDone(refusal.platform_code, refusal.platform_message)
    return refusal


def ship(client: LazadaClient, order_id: str, choice: ShipChoice) -> Shipped:
    if choice.method not in METHODS:
        raise NotPermitted("unsupported", "Lazada ships with its own couriers: pickup or drop-off, as set in "
                                          "Seller Center")
    items = order_items(client, order_id)
    live = [i for i in items if fm.status(i) not in fm.CANCELLED]
    if not live:
        raise Permanent("canceled", "every item of the order is canceled")
    done = fm.shipped_already(items)
    if done:
        raise AlreadyDone(done, f"the order's items are {done}")
    try:
        rows = _pack(client, order_id, [i for i in live if fm.status(i) != fm.PACKED], choice.provider) \
            if any(fm.status(i) != fm.PACKED for i in live) else []
        packages = sorted({str(r["package_id"]) for r in rows if r.get("package_id")}
                          | {str(i["package_id"]) for i in live if fm.status(i) == fm.PACKED and i.get("package_id")})
        _ready(client, packages)
    except Permanent as refused:
        raise _done_meanwhile(client, order_id, refused) from None
    courier, tracking, _ = fm.shipping_facts(rows + live)
    first = rows[0] if rows else {}
    return Shipped(order_id=order_id, package_id=packages[0] if packages else "",
                   tracking_number=str(first.get("tracking_number") or tracking),
                   courier=str(first.get("shipment_provider") or courier))


def shipping_document(client: LazadaClient, order_id: str, package_id: str) -> ShippingDocument:
    """PrintAWB for one package: a `file` that is a PDF is taken as it is, else the pdf_url is downloaded (valid ten
    minutes). No PDF yet, or a link not there yet: NotReady (ask again at the next round)."""
    if not package_id:
        package_id = fm.shipping_facts(order_items(client, order_id))[2]
        if not package_id:
            raise NotReady("the order is not packed yet, so Lazada has no label for it")
    request = {"doc_type": "PDF", "packages": [{"package_id": package_id}]}
    data = fm.result_data(client.call("POST", "/order/package/document/get", {"getDocumentReq": json.dumps(request)}))
    content = _decoded(str(data.get("file") or ""))
    if content.startswith(PDF):
        return ShippingDocument(order_id, package_id, content)
    url = str(data.get("pdf_url") or "")
    found = IFRAME_SRC.search(content.decode("utf-8", errors="replace"))
    if not url and found and found.group(1).startswith("http"):
        url = found.group(1)
    if not url:
        raise NotReady("Lazada has not made the shipping label yet")
    return ShippingDocument(order_id, package_id, _download(client, url))


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=False) if text else b""
    except (binascii.Error, ValueError):
        return b""


def _download(client: LazadaClient, url: str) -> bytes:
    resp = client.http.send("GET", url)
    failure = status_error(resp, "GET")
    if failure is not None:
        raise failure
    if resp.status in (403, 404):  # the link expired, or the file is not there yet
        raise NotReady(f"the label file is not there yet (HTTP {resp.status})")
    if resp.status != 200 or not resp.content.startswith(PDF):
        raise Temporary(f"the label download gave no PDF (HTTP {resp.status})")
    return resp.content
