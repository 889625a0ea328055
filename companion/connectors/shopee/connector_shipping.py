"""The Shopee connector's shipping part: shipping options, arranging the shipment, the label, and cancellations
(fulfilment_contracts.py holds what each call takes and gives)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from companion.connectors.errors import ConnectorError, NotReady, Permanent, Temporary
from companion.connectors.shopee import fulfilment_contracts as fc
from companion.connectors.shopee import fulfilment_mapping as fm
from companion.connectors.shopee import mapping
from companion.connectors.shopee.client import ShopeeClient, failed
from companion.connectors.shopee.refusals import already_done, as_typed, call
from companion.domain.fulfilment import (
    CancelLine,
    ShipChoice,
    ShipMethod,
    Shipped,
    ShippingDocument,
    ShippingOptions,
)

LABEL_TYPE = "THERMAL_AIR_WAYBILL"  # the 100×150 mm label (create_shipping_document)
# ship_order / cancel refusals that may mean the order moved on meanwhile: its status then decides
MAYBE_DONE = ("logistics.package_already_shipped", "logistics.ship_order_not_ready_to_ship",
              "logistics.error_order_state", "logistics.order_finalized", "error_param", "logistics.error_param",
              "order.error_limit")


class ShopeeShipping:
    """Mixed into ShopeeConnector."""

    client: ShopeeClient

    def _detail(self, order_sn: str) -> dict[str, Any]:
        """The order as Shopee has it now (its status, buyer's reason and lines), {} when not found."""
        params = [("order_sn_list", order_sn),
                  ("response_optional_fields", "item_list,buyer_cancel_reason,package_list")]
        rows = (self.client.call("GET", "/api/v2/order/get_order_detail", params).get("response") or {}).get(
            "order_list") or []
        return rows[0] if rows else {}

    def _done_or(self, order_sn: str, refused: Permanent, done: frozenset[str] = fm.ARRANGED) -> Permanent:
        """After a refusal: AlreadyDone when the order's status shows it happened (from the seller centre, or an
        earlier try whose answer was lost), else the refusal itself in Shopee's words."""
        if refused.platform_code in MAYBE_DONE and str(self._detail(order_sn).get("order_status")) in done:
            return already_done(refused)
        return refused

    def _parameters(self, order_sn: str) -> dict[str, Any]:
        try:
            reply = call(self.client, fc.GET_SHIPPING_PARAMETER, [("order_sn", order_sn)])
        except Permanent as refused:
            raise self._done_or(order_sn, refused) from None
        return reply.get("response") or {}

    def shipping_options(self, order_id: str) -> ShippingOptions:
        return fm.shipping_options(order_id, self._parameters(order_id))

    def ship(self, order_id: str, choice: ShipChoice) -> Shipped:
        """get_shipping_parameter → ship_order → get_tracking_number (slots are asked for just before: they expire)."""
        params = self._parameters(order_id)
        body = fm.ship_body(order_id, choice, fm.shipping_options(order_id, params), params.get("info_needed") or {})
        try:
            call(self.client, fc.SHIP_ORDER, body=body)
        except Permanent as refused:
            if refused.platform_code == "logistics.package_already_shipped":
                raise already_done(refused) from None
            raise self._done_or(order_id, refused) from None
        own = choice.method is ShipMethod.OWN_COURIER
        tracking = self._tracking(order_id, "") or (choice.tracking_number if own else "")
        return Shipped(order_id, "", tracking, choice.courier if own else "")

    def _tracking(self, order_sn: str, package: str) -> str:
        """The tracking number, "" while the courier has not given one (the reference: ask again later)."""
        params = [("order_sn", order_sn), *([("package_number", package)] if package else [])]
        try:
            reply = call(self.client, fc.GET_TRACKING_NUMBER, params)
        except ConnectorError:
            return ""
        return str((reply.get("response") or {}).get("tracking_number") or "")

    # -- the label --------------------------------------------------------------------------------------------

    def shipping_document(self, order_id: str, package_id: str) -> ShippingDocument:
        """get_tracking_number → get_shipping_document_result (→ create_shipping_document the first time) →
        download_shipping_document. Not made yet: NotReady, asked again at the next round."""
        tracking = self._tracking(order_id, package_id)
        if not tracking:
            raise NotReady("Shopee has no tracking number for this parcel yet")
        entry = {"order_sn": order_id, **({"package_number": package_id} if package_id else {})}
        row = self._batch(fc.GET_SHIPPING_DOCUMENT_RESULT, {**entry, "shipping_document_type": LABEL_TYPE})
        if row.get("fail_error") == "logistics.shipping_document_should_print_first":
            made = self._batch(fc.CREATE_SHIPPING_DOCUMENT,
                               {**entry, "tracking_number": tracking, "shipping_document_type": LABEL_TYPE})
            if made.get("fail_error"):
                raise as_typed(fc.CREATE_SHIPPING_DOCUMENT, Permanent(str(made["fail_error"]),
                                                                      str(made.get("fail_message") or "")))
            row = self._batch(fc.GET_SHIPPING_DOCUMENT_RESULT, {**entry, "shipping_document_type": LABEL_TYPE})
        if row.get("fail_error"):
            raise as_typed(fc.GET_SHIPPING_DOCUMENT_RESULT, Permanent(str(row["fail_error"]),
                                                                      str(row.get("fail_message") or "")))
        status = str(row.get("status") or "")
        if status == "PROCESSING":
            raise NotReady("Shopee is still making the shipping label")
        if status != "READY":
            raise Permanent(status or "FAILED", "Shopee could not make the shipping label.")
        return ShippingDocument(order_id, package_id, self._download(entry))

    def _batch(self, endpoint: Any, entry: dict[str, Any]) -> dict[str, Any]:
        """One order's row of a batch call; "common.batch_api_all_failed" still carries it in result_list."""
        resp = self.client.send(endpoint.method, endpoint.path, body={"order_list": [entry]})
        envelope = resp.json_object() or {}
        if not (failed(envelope) and envelope.get("error") == "common.batch_api_all_failed"):
            try:
                envelope = self.client.parse(resp, endpoint.method, endpoint.path)
            except Permanent as refused:
                raise as_typed(endpoint, refused) from None
        rows = (envelope.get("response") or {}).get("result_list") or []
        return dict(rows[0]) if rows else {"fail_error": "not_answered", "fail_message": "no result for the order"}

    def _download(self, entry: dict[str, Any]) -> bytes:
        endpoint = fc.DOWNLOAD_SHIPPING_DOCUMENT
        resp = self.client.send(endpoint.method, endpoint.path,
                                body={"shipping_document_type": LABEL_TYPE, "order_list": [entry]})
        if 200 <= resp.status < 300 and resp.content.startswith(b"%PDF"):
            return resp.content
        try:
            self.client.parse(resp, endpoint.method, endpoint.path)
        except Permanent as refused:
            if refused.platform_code == "logistics.download_later":
                raise NotReady(refused.platform_message or "Shopee is still making the shipping label") from None
            raise as_typed(endpoint, refused) from None
        raise Temporary("the shipping label came back empty")

    # -- cancellations ----------------------------------------------------------------------------------------

    def cancel_order(self, order_id: str, reason: str, lines: Sequence[CancelLine] = ()) -> None:
        """Whole order, or these lines (partial_cancel_item_list). OUT_OF_STOCK always names its items (item_list
        is required then), so the order's lines are read first."""
        detail = self._detail(order_id)
        items = detail.get("item_list") or []
        by_line = {line.line_id: raw for line, raw in zip(mapping.order_lines(items), items, strict=True)}
        body: dict[str, Any] = {"order_sn": order_id, "cancel_reason": reason}
        chosen = [(by_line.get(c.line_id, {}), c) for c in lines]
        if lines:
            body["partial_cancel_item_list"] = [
                {"item_id": int(c.item_id), "model_id": int(c.sku_id),
                 "order_item_id": int(raw.get("order_item_id") or c.line_id.split(":")[0]),
                 "promotion_group_id": int(raw.get("promotion_group_id") or 0), "model_quantity": c.quantity}
                for raw, c in chosen]
        if reason == "OUT_OF_STOCK":
            pairs = {(int(c.item_id), int(c.sku_id)) for c in lines} or {
                (int(i["item_id"]), int(i.get("model_id") or 0)) for i in items}
            body["item_list"] = [{"item_id": i, "model_id": m} for i, m in sorted(pairs)]
        try:
            call(self.client, fc.CANCEL_ORDER, body=body)
        except Permanent as refused:
            raise self._done_or(order_id, refused, frozenset({"CANCELLED"})) from None

    def answer_cancel_request(self, order_id: str, request_id: str, accept: bool, reason: str = "") -> None:
        """handle_buyer_cancellation ACCEPT / REJECT (it takes no reason). Refused because the order is no longer
        IN_CANCEL: done when the order already went the way we wanted (cancelled / still going)."""
        body = {"order_sn": order_id, "operation": "ACCEPT" if accept else "REJECT"}
        try:
            call(self.client, fc.HANDLE_BUYER_CANCELLATION, body=body)
        except Permanent as refused:
            if refused.platform_code not in ("order.cancel_order_invalid_status", "order.order_status_invalid"):
                raise
            status = str(self._detail(order_id).get("order_status") or "")
            if (status == "CANCELLED") == accept and status not in ("IN_CANCEL", ""):
                raise already_done(refused) from None
            raise
