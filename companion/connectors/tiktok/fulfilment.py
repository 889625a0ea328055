"""TikTok Shop fulfilment: ship packages (pickup, drop-off, own courier), labels, cancellations and returns, as a
part of TikTokConnector (Partner API 202309; fulfilment_contracts.py holds each endpoint with its source).

Refusals keep the platform's own words; a package the platform already shows shipped, an order already cancelled or
a request already answered raise errors.AlreadyDone, a label still being made errors.NotReady."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from companion.connectors.contract import find
from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import AlreadyDone, NotPermitted, NotReady, Permanent, Temporary
from companion.connectors.tiktok import fulfilment_mapping as fm
from companion.connectors.tiktok import fulfilment_rules as rules
from companion.connectors.tiktok.client import TikTokClient
from companion.connectors.tiktok.fulfilment_contracts import ALREADY_SHIPPED, FULFILMENT_ENDPOINTS
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAction,
    ReturnAnswer,
    ReturnPage,
    ShipChoice,
    ShipMethod,
    Shipped,
    ShippingDocument,
    ShippingOptions,
)

RETURN_PAGE = 50          # Search Returns: page_size [10-50]
CANCEL_PAGE = 50          # Search Cancellations: page_size [1-50]
ORDER_DETAIL_BATCH = 50   # Get Order Detail: at most 50 ids
LABEL_NOT_READY = ("11034037", "11034023", "11006010")
CANCELLED_ALREADY = ("25001011", "25001051")
ANSWERED_ALREADY = ("25011011", "25011012", "25011013", "25020003", "25020009", "25020010", "25020011")
NO_PACKAGE = "TikTok Shop shows no package for this order yet: open the order in TikTok Shop Seller Center."
NO_COURIER = "TikTok Shop does not list the courier {name} for this order: choose one of {names}."
NO_TRACKING = "A tracking number is needed when the shop sends the parcel with its own courier."
NOT_WAITING = "TikTok Shop no longer waits for the seller on this request ({status})."
NO_PARTIAL = "TikTok Shop takes a partial refund only while the buyer's request waits for the seller."


class TikTokFulfilment:
    """The fulfilment half of TikTokConnector (which supplies `client`)."""

    client: TikTokClient
    return_page_size = RETURN_PAGE  # smaller in tests, to walk several pages

    # -- orders ------------------------------------------------------------------------------------------------
    def _order_row(self, order_id: str) -> dict[str, Any]:
        data = self.client.call("GET", "/order/202309/orders", {"ids": order_id})
        rows = data.get("orders") or []
        if not rows:
            raise Permanent("21008111", "The order does not belong to the current seller")
        return dict(rows[0])

    def _package(self, order_id: str, package_id: str = "") -> tuple[str, dict[str, Any]]:
        row = self._order_row(order_id)
        package = package_id or fm.package_id(row)
        if not package:
            raise Permanent("no_package", NO_PACKAGE)
        return package, row

    def _call(self, name: str, method: str, path: str, query: dict[str, str] | None = None,
              body: dict[str, Any] | None = None, *, read_only: bool = False) -> dict[str, Any]:
        """One fulfilment call; a documented code meaning "try again later" becomes Temporary, shipped-already
        codes AlreadyDone, a label still being made NotReady."""
        try:
            return self.client.call(method, path, query, body, read_only=read_only)
        except NotPermitted:
            raise
        except Permanent as refused:
            code, words = refused.platform_code, refused.platform_message
            endpoint = find(FULFILMENT_ENDPOINTS, method, path)
            error = endpoint.error(code) if endpoint else None
            if name == "shipping_document" and code in LABEL_NOT_READY:
                raise NotReady(f"{code}: {words}") from None
            if name == "ship_package" and code in ALREADY_SHIPPED:
                raise AlreadyDone(code, words) from None
            if error is not None and error.meaning == "temporary":
                raise Temporary(f"{code}: {words}", outcome_unknown=not read_only and method == "POST") from None
            raise

    # -- shipping ----------------------------------------------------------------------------------------------
    def shipping_options(self, order_id: str) -> ShippingOptions:
        """TikTok Shipping: the package's handover time slots (pickup) and drop-off; seller shipping: the couriers
        the order's delivery option allows (own courier with a tracking number)."""
        package, row = self._package(order_id)
        if str(row.get("shipping_type") or "TIKTOK") == "SELLER":
            return fm.shipping_options(order_id, package, None, [name for _, name in self._providers(row)])
        slots = self._call("handover_time_slots", "GET",
                           f"/fulfillment/202309/packages/{package}/handover_time_slots", read_only=True)
        return replace(fm.shipping_options(order_id, package, slots, ()),
                       courier=str(row.get("shipping_provider") or ""))

    def _providers(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        option = str(row.get("delivery_option_id") or "")
        data = self._call("shipping_providers", "GET",
                          f"/logistics/202309/delivery_options/{option}/shipping_providers", read_only=True)
        return [(str(p.get("id")), str(p.get("name") or "")) for p in data.get("shipping_providers") or []]

    def ship(self, order_id: str, choice: ShipChoice) -> Shipped:
        """Ship Package for the order's package. Pickup with slot "" takes the earliest slot offered now."""
        package, row = self._package(order_id)
        body: dict[str, Any]
        courier = str(row.get("shipping_provider") or "")
        if choice.method is ShipMethod.OWN_COURIER:
            if not choice.tracking_number.strip():
                raise Permanent("tracking_required", NO_TRACKING)
            provider_id, courier = self._provider(row, choice)
            body = {"self_shipment": {"tracking_number": choice.tracking_number.strip(),
                                      "shipping_provider_id": provider_id}}
        elif choice.method is ShipMethod.DROPOFF:
            body = {"handover_method": "DROP_OFF"}
        else:
            body = {"handover_method": "PICKUP", "pickup_slot": self._slot(package, choice.slot_id)}
        self._call("ship_package", "POST", f"/fulfillment/202309/packages/{package}/ship", body=body)
        return Shipped(order_id, package, choice.tracking_number.strip(), courier or choice.courier)

    def _slot(self, package: str, slot_id: str) -> dict[str, int]:
        """A slot id is TikTok's own start/end pair ("start-end"); "" = the earliest slot offered now."""
        if slot_id:
            start, _, end = slot_id.partition("-")
            if start.isdigit() and end.isdigit():
                return {"start_time": int(start), "end_time": int(end)}
        slots = self._call("handover_time_slots", "GET",
                           f"/fulfillment/202309/packages/{package}/handover_time_slots", read_only=True)
        offered = sorted((int(s["start_time"]), int(s.get("end_time") or s["start_time"]))
                         for s in slots.get("pickup_slots") or [] if s.get("avaliable", True) and s.get("start_time"))
        wanted = [s for s in offered if not slot_id or str(s[0]) == slot_id]
        if not wanted:
            raise Permanent("21011054", "No available shipping services for this request due to missing pick-up "
                                        "time slot.")
        return {"start_time": wanted[0][0], "end_time": wanted[0][1]}

    def _provider(self, row: dict[str, Any], choice: ShipChoice) -> tuple[str, str]:
        providers = self._providers(row)
        for pid, name in providers:
            if choice.provider in (pid, name) or (choice.courier and choice.courier.lower() == name.lower()):
                return pid, name
        raise Permanent("unknown_courier", NO_COURIER.format(name=choice.courier or choice.provider,
                                                             names=", ".join(n for _, n in providers)))

    def shipping_document(self, order_id: str, package_id: str) -> ShippingDocument:
        """The A6 (100x150 mm) shipping label PDF, downloaded at once: its doc_url lives 24 hours."""
        package, _ = self._package(order_id, package_id)
        data = self._call("shipping_document", "GET", f"/fulfillment/202309/packages/{package}/shipping_documents",
                          {"document_type": "SHIPPING_LABEL", "document_size": "A6"}, read_only=True)
        url = str(data.get("doc_url") or "")
        if not url:
            raise NotReady("doc_url missing: the label is not made yet")
        resp = self.client.http.send("GET", url, write=False)
        if resp.status != 200 or not resp.content.startswith(b"%PDF"):
            raise Temporary(f"label download answered HTTP {resp.status}")
        return ShippingDocument(order_id, package, resp.content)

    # -- cancellations -----------------------------------------------------------------------------------------
    def cancel_order(self, order_id: str, reason: str, lines: Sequence[CancelLine] = ()) -> None:
        """Cancel Order with the seller's reason; lines go as skus and order line item ids (ID shops: refused)."""
        body: dict[str, Any] = {"order_id": order_id, "cancel_reason": reason}
        if lines:
            skus: dict[str, int] = {}
            for line in lines:
                skus[line.sku_id] = skus.get(line.sku_id, 0) + line.quantity
            body["skus"] = [{"sku_id": sku, "quantity": qty} for sku, qty in skus.items()]
            body["order_line_item_ids"] = [line.line_id for line in lines]
        try:
            self._call("cancel_order", "POST", "/return_refund/202309/cancellations", body=body)
        except AlreadyDone:
            raise
        except Permanent as refused:
            if refused.platform_code in CANCELLED_ALREADY and \
                    str(self._order_row(order_id).get("status")) == "CANCELLED":
                raise AlreadyDone(refused.platform_code, refused.platform_message) from None
            raise

    def buyer_cancel_requests(self, order_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each order's pending buyer cancellation (Search Cancellations), by order id."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(order_ids), CANCEL_PAGE):
            body = {"order_ids": list(order_ids[start:start + CANCEL_PAGE]),
                    "cancel_status": ["CANCELLATION_REQUEST_PENDING"], "cancel_types": ["BUYER_CANCEL"]}
            data = self._call("cancellations_search", "POST", "/return_refund/202309/cancellations/search",
                              {"page_size": str(CANCEL_PAGE)}, body, read_only=True)
            found |= {str(c.get("order_id")): c for c in data.get("cancellations") or []}
        return found

    def answer_cancel_request(self, order_id: str, request_id: str, accept: bool, reason: str = "") -> None:
        """Approve or reject a buyer's cancellation (idempotency key: the request and the answer)."""
        cancel_id = request_id or str(self.buyer_cancel_requests([order_id]).get(order_id, {}).get("cancel_id") or "")
        if not cancel_id:
            raise AlreadyDone("no_request", NOT_WAITING.format(status="no pending cancellation"))
        verb = "approve" if accept else "reject"
        query = {"idempotency_key": f"{cancel_id}-{verb}"}
        body = None if accept else {"reject_reason": rules.cancel_reject_reason(reason)}
        try:
            self._call(f"{verb}_cancellation", "POST", f"/return_refund/202309/cancellations/{cancel_id}/{verb}",
                       query, body if body is not None else {})
        except Permanent as refused:
            if refused.platform_code in ANSWERED_ALREADY:
                raise AlreadyDone(refused.platform_code, refused.platform_message) from None
            raise

    # -- returns -----------------------------------------------------------------------------------------------
    def pull_returns(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReturnPage:
        """Search Returns by update time (oldest first, cursor = page_token); a return waiting for the seller also
        reads its records for the buyer's note and photos."""
        query = {"page_size": str(self.return_page_size), "sort_field": "update_time", "sort_order": "ASC"}
        if cursor:
            query["page_token"] = cursor
        body = {"update_time_ge": epoch_seconds(updated_from), "update_time_lt": epoch_seconds(updated_to) + 1}
        data = self._call("returns_search", "POST", "/return_refund/202309/returns/search", query, body,
                          read_only=True)
        found = data.get("return_orders") or []
        products = self._line_products([str(r.get("order_id") or "") for r in found])
        rows = [fm.return_request(r, self._records(r) if fm.next_action(r)[0] else (), products) for r in found]
        token = str(data.get("next_page_token") or "")
        next_cursor = token if token and token != cursor else None
        return ReturnPage(tuple(rows), next_cursor, next_cursor is None)

    def _line_products(self, order_ids: Sequence[str]) -> dict[str, str]:
        """Order line item id → product id: return line items name the SKU but not its product, which our
        listings are keyed by (Get Order Detail, 50 orders a call)."""
        wanted = sorted({o for o in order_ids if o})
        products: dict[str, str] = {}
        for start in range(0, len(wanted), ORDER_DETAIL_BATCH):
            batch = wanted[start:start + ORDER_DETAIL_BATCH]
            data = self.client.call("GET", "/order/202309/orders", {"ids": ",".join(batch)})
            products |= {str(li.get("id")): str(li.get("product_id") or "") for o in data.get("orders") or []
                         for li in o.get("line_items") or []}
        return products

    def _records(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        data = self._call("return_records", "GET", f"/return_refund/202309/returns/{row['return_id']}/records",
                          {"locale": "id-ID"}, read_only=True)
        return list(data.get("records") or [])

    def _return_row(self, return_id: str) -> dict[str, Any]:
        data = self._call("returns_search", "POST", "/return_refund/202309/returns/search",
                          {"page_size": "10"}, {"return_ids": [return_id]}, read_only=True)
        rows = [r for r in data.get("return_orders") or [] if str(r.get("return_id")) == return_id]
        if not rows:
            raise Permanent("25007006", "Order not found.")
        return dict(rows[0])

    def answer_return(self, return_id: str, answer: ReturnAnswer) -> None:
        """Approve, reject or offer a partial refund, as the return's current stage (its seller next action)
        takes it: the same ACCEPT approves a request or a received parcel."""
        row = self._return_row(return_id)
        action, _ = fm.next_action(row)
        if not action:
            raise AlreadyDone(str(row.get("return_status")), NOT_WAITING.format(status=row.get("return_status")))
        verb, body = self._decision(action, answer)
        try:
            self._call(f"{verb}_return", "POST", f"/return_refund/202309/returns/{return_id}/{verb}",
                       {"idempotency_key": f"{return_id}-{action}-{answer.action.value}"}, body)
        except Permanent as refused:
            if refused.platform_code in ANSWERED_ALREADY:
                raise AlreadyDone(refused.platform_code, refused.platform_message) from None
            raise

    @staticmethod
    def _decision(action: str, answer: ReturnAnswer) -> tuple[str, dict[str, Any]]:
        if answer.action is ReturnAction.ACCEPT:
            return "approve", {"decision": fm.APPROVE[action]}
        if answer.action is ReturnAction.PARTIAL_REFUND:
            if action not in fm.PARTIAL_STAGES or answer.amount <= 0:
                raise Permanent("partial_refund", NO_PARTIAL)
            return "approve", {"decision": "OFFER_PARTIAL_REFUND",
                               "partial_refund": {"currency": "IDR", "amount": str(answer.amount)}}
        parcel = action == "SELLER_RESPOND_RECEIVE_PACKAGE"
        reason = rules.parcel_reject_reason(answer.reason) if parcel else (
            answer.reason or rules.REFUSE_REASONS[0].code)
        body: dict[str, Any] = {"decision": fm.REJECT[action], "reject_reason": reason}
        if answer.note:
            body["comment"] = answer.note
        return "reject", body
