"""TikTok Shop's fulfilment contracts (shipping packages, labels, cancellations, returns), from the published Partner
API 202309 reference: REF = lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/<section>/<page>.spec.json,
reasons from return-and-refund/cancel-reasons.json and return-reasons.json (ID market tables), changes from
data/processed/tiktok/guides/changelog/. Kept beside contracts.py (which holds orders, stock and chat) so each file
stays small; `contracts.ALL_ENDPOINTS` joins both.

The reference marks every answer field optional; ids, statuses and times we cannot do without are `required` here
(the stricter reading). Error words are the reference's own, shortened.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field

REF = "lazykern/ecommerce-api-docs: data/raw/tiktok/api-reference/"
CHANGELOG = "lazykern/ecommerce-api-docs: data/processed/tiktok/guides/changelog/"
INTERNAL = ErrorCode("36009003", "temporary", "Internal error. Please try again")


def _f(name: str, type_: str, required: bool = True, **kw: object) -> Field:
    return Field(name, type_, required, **kw)  # type: ignore[arg-type]


def _answer(*data: Field, data_required: bool = False) -> tuple[Field, ...]:
    envelope = (_f("code", "int"), _f("message", "str"), _f("request_id", "str"))
    return (*envelope, _f("data", "object", data_required, children=data))


SLOT = (_f("start_time", "int"), _f("end_time", "int"))
SHIP_ERRORS = (
    INTERNAL,
    ErrorCode("21001001", "refused", "Invalid parameters"),
    ErrorCode("11001002", "refused", "invalid param."),
    ErrorCode("11021009", "refused", "No available shipping services for this request"),
    ErrorCode("11028006", "refused", "This tracking number cannot be matched to any carrier"),
    ErrorCode("11006021", "refused", "Package has been shipped. Please not ship the package again."),
    ErrorCode("21008099", "refused", "Package has been shipped. Please not ship the package again."),
    ErrorCode("21011020", "refused", "These orders are already shipped."),
    ErrorCode("21011040", "refused", "Package has already been shipped."),
    ErrorCode("21011027", "refused", "Package has already been delivered."),
    ErrorCode("21011028", "refused", "The package does not belong to the current shop."),
    ErrorCode("21011041", "refused", "Cannot complete the operation when order is cancelled."),
    ErrorCode("21011022", "refused", "Invalid tracking number or provider ID. Please double check and try again."),
    ErrorCode("21011025", "refused", "Duplicate tracking number."),
    ErrorCode("21011053", "refused", "Fail to ship package because the shipment time is outside of the pick-up "
                                     "time slot."),
    ErrorCode("21011054", "refused", "No available shipping services for this request due to missing pick-up "
                                     "time slot."),
    ErrorCode("21008044", "refused", "Package item has after-sale request, please process the after-sale request "
                                     "first."),
    ErrorCode("21011003", "refused", "fulfill_unit action not allowed"),
    ErrorCode("11021025", "refused", "Fail to ship package because the seller shipping address is invalid."),
    ErrorCode("21001003", "temporary", "System timeout."),
    ErrorCode("11001031", "temporary", "System process error, please try again later."),
)
# "already shipped / delivered" codes: the platform has what ship asks for (connector.errors.AlreadyDone)
ALREADY_SHIPPED = ("11006021", "21008099", "21011020", "21011040", "21011027")

REVERSE_ERRORS = (
    INTERNAL,
    ErrorCode("25001001", "refused", "An invalid request parameter was passed."),
    ErrorCode("11050001", "refused", "invalid param"),
    ErrorCode("25001003", "refused", "Invalid order status."),
    ErrorCode("25001028", "temporary", "reverse lock failed"),
    ErrorCode("25007006", "refused", "Order not found."),
    ErrorCode("25020003", "refused", "decision not match reverse status"),
    ErrorCode("25020004", "refused", "decision not match reverse type"),
    ErrorCode("25020005", "refused", "No permission to process this order"),
    ErrorCode("25020009", "refused", "reverse already cancelled"),
)
REJECT_REASON_ERRORS = (
    ErrorCode("25001014", "refused", "Unknown return reason. Please ensure you are passing a valid return reason."),
    ErrorCode("25001016", "refused", "reverse reason not match action type"),
    ErrorCode("25001057", "refused", "reverse reason not match reason type"),
    ErrorCode("25020010", "refused", "Aftersales has been approved and cannot be rejected."),
)
IDEMPOTENCY = (_f("idempotency_key", "str", False, low=1, high=255),)
AMOUNT = (_f("currency", "str", False), _f("refund_total", "str", False))
CANCELLATION = (
    _f("cancel_id", "str"), _f("order_id", "str"),
    _f("cancel_type", "str", False), _f("role", "str", False, choices=("BUYER", "SELLER", "SYSTEM")),
    _f("cancel_status", "str", choices=("CANCELLATION_REQUEST_PENDING", "CANCELLATION_REQUEST_SUCCESS",
                                        "CANCELLATION_REQUEST_CANCEL", "CANCELLATION_REQUEST_CANCELLED",
                                        "CANCELLATION_REQUEST_COMPLETE")),
    _f("cancel_reason", "str", False), _f("cancel_reason_text", "str", False),
    _f("create_time", "int"), _f("update_time", "int"),
    _f("seller_next_action_response", "list", False, children=(_f("action", "str"), _f("deadline", "int"))),
    _f("cancel_line_items", "list", False, children=(_f("order_line_item_id", "str", False),
                                                     _f("sku_id", "str", False))),
)
RETURN_STATUSES = (
    "RETURN_OR_REFUND_REQUEST_PENDING", "REFUND_OR_RETURN_REQUEST_REJECT", "AWAITING_BUYER_SHIP",
    "BUYER_SHIPPED_ITEM", "REJECT_RECEIVE_PACKAGE", "RETURN_OR_REFUND_REQUEST_SUCCESS",
    "RETURN_OR_REFUND_REQUEST_CANCEL", "RETURN_OR_REFUND_REQUEST_COMPLETE", "REPLACEMENT_REQUEST_PENDING",
    "REPLACEMENT_REQUEST_REJECT", "REPLACEMENT_REQUEST_REFUND_SUCCESS", "REPLACEMENT_REQUEST_CANCEL",
    "REPLACEMENT_REQUEST_COMPLETE", "AWAITING_BUYER_RESPONSE")
RETURN = (
    _f("return_id", "str"), _f("order_id", "str"),
    _f("return_type", "str", choices=("REFUND", "RETURN_AND_REFUND", "REPLACEMENT")),
    _f("return_status", "str", choices=RETURN_STATUSES),
    _f("role", "str", False), _f("return_reason", "str", False), _f("return_reason_text", "str", False),
    _f("create_time", "int"), _f("update_time", "int"), _f("can_buyer_keep_item", "bool", False),
    _f("seller_next_action_response", "list", False, children=(
        _f("action", "str", choices=("SELLER_RESPOND_REFUND", "SELLER_RESPOND_RETURN",
                                     "SELLER_RESPOND_RECEIVE_PACKAGE", "SELLER_RESPOND_REPLACEMENT")),
        _f("deadline", "int"))),
    _f("return_line_items", "list", children=(
        _f("return_line_item_id", "str"), _f("order_line_item_id", "str"), _f("sku_id", "str"),
        _f("sku_name", "str", False), _f("product_name", "str", False), _f("seller_sku", "str", False),
        _f("refund_amount", "object", False, children=AMOUNT))),
    _f("refund_amount", "object", False, children=AMOUNT),
    _f("partial_refund", "object", False, children=(_f("currency", "str", False), _f("amount", "str", False))),
)
IMAGES = _f("images", "list", False, children=(_f("image_id", "str"), _f("mime_type", "str", False),
                                               _f("height", "int", False), _f("width", "int", False)))

FULFILMENT_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        name="handover_time_slots", method="GET", path="/fulfillment/202309/packages/{package_id}/handover_time_slots",
        source=REF + "fulfillment/get-package-handover-time-slots.spec.json (Get Package Handover Time Slots)",
        extra_query=True,
        answer=_answer(_f("can_pickup", "bool"), _f("can_drop_off", "bool"), _f("drop_off_point_url", "str", False),
                       _f("pickup_slots", "list", False, children=(*SLOT, _f("avaliable", "bool", False))),
                       data_required=True),
        errors=(INTERNAL, ErrorCode("11001027", "temporary", "System timeout."),
                ErrorCode("11021009", "refused", "No available shipping services for this request"),
                ErrorCode("21001001", "refused", "Invalid parameters")),
        notes="slot availability is spelled 'avaliable' in the reference (kept). No branch list: drop-off places are "
              "only a drop_off_point_url to show the seller.",
    ),
    Endpoint(
        name="ship_package", method="POST", path="/fulfillment/202309/packages/{package_id}/ship",
        source=REF + "fulfillment/ship-package.spec.json (Ship Package)", extra_query=True,
        body=(_f("handover_method", "str", False, choices=("PICKUP", "DROP_OFF")),
              _f("pickup_slot", "object", False, children=SLOT),
              _f("self_shipment", "object", False, children=(_f("tracking_number", "str", low=1),
                                                             _f("shipping_provider_id", "str", low=1)))),
        answer=_answer(), errors=SHIP_ERRORS,
        notes="one package per call (batch ship packages takes many, but answers per-package errors inside a "
              "success: one call per order keeps each refusal on its own order). self_shipment only for "
              "SEND_BY_SELLER packages, both fields then required. Changelog (" + CHANGELOG + "fulfillment/"
              "for-the-sea-market-partner-developer-the-parameters-handover-method-in-api-ship-package-and-batch-"
              "ship-package-will-be-useless.md): for ID local sellers handover_method is ignored from 30 Oct 2024, "
              "the collection method being the warehouse's setting in Seller Center; we still send it (optional).",
    ),
    Endpoint(
        name="shipping_document", method="GET", path="/fulfillment/202309/packages/{package_id}/shipping_documents",
        source=REF + "fulfillment/get-package-shipping-document.spec.json (Get Package Shipping Document)",
        extra_query=True,
        query=(_f("document_type", "str", choices=("SHIPPING_LABEL", "PACKING_SLIP",
                                                   "SHIPPING_LABEL_AND_PACKING_SLIP", "SHIPPING_LABEL_PICTURE",
                                                   "HAZMAT_LABEL", "INVOICE_LABEL")),
               _f("document_size", "str", False, choices=("A6", "A5")),
               _f("document_format", "str", False, choices=("PDF", "ZPL"))),
        answer=_answer(_f("doc_url", "str", low=1), _f("tracking_number", "str", False), data_required=True),
        errors=(INTERNAL,
                ErrorCode("11034037", "temporary", "The shipping document is still being generated by the logistics "
                                                   "provider, please try again later."),
                ErrorCode("11034023", "temporary", "Shipping document generation timeout error"),
                ErrorCode("11006010", "temporary", "Internal package status error, please try again later."),
                ErrorCode("21023035", "refused", "Please arrange shipment before retrieving the shipping document."),
                ErrorCode("21042104", "refused", "Documents couldn't be printed before shipped."),
                ErrorCode("21023059", "refused", "Package has already been cancelled."),
                ErrorCode("21042102", "refused", "Documents couldn't be printed after the package has been pickup."),
                ErrorCode("11034002", "refused", "This API is only applicable to TikTok Shipping orders."),
                ErrorCode("21008017", "refused", "This API is only applicable to TikTok Shipping orders.")),
        notes="only for TikTok Shipping packages, after Ship Package. doc_url is valid for 24 hours: the PDF is "
              "downloaded at once. A6 (default) is the 100x150 mm thermal label. Changelog (new shipping label "
              "format in ID, MY, VN): render the label as it is, never crop or re-draw it.",
    ),
    Endpoint(
        name="shipping_providers", method="GET",
        path="/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers",
        source=REF + "logistics/get-shipping-providers.spec.json (Get Shipping Providers)", extra_query=True,
        answer=_answer(_f("shipping_providers", "list", children=(_f("id", "str"), _f("name", "str"))),
                       data_required=True),
        errors=(INTERNAL, ErrorCode("21008116", "refused", "No Subscription without specified delivery option."),
                ErrorCode("21008117", "refused", "The delivery of the specified delivery_option_id is fulfilled by "
                                                 "TikTok. No shipping provider will be returned.")),
        notes="the shipping_provider_id a self shipment needs, for the order's delivery_option_id.",
    ),
    Endpoint(
        name="cancel_order", method="POST", path="/return_refund/202309/cancellations",
        source=REF + "return-and-refund/cancel-order.spec.json (Cancel Order)", extra_query=True,
        body=(_f("order_id", "str", low=1), _f("cancel_reason", "str", low=1),
              _f("skus", "list", False, children=(_f("sku_id", "str"), _f("quantity", "int", low=1))),
              _f("order_line_item_ids", "list", False, item="str")),
        answer=_answer(_f("cancel_id", "str", False), _f("cancel_status", "str", False)),
        errors=(INTERNAL,
                ErrorCode("25001001", "refused", "An invalid request parameter was passed."),
                ErrorCode("25001011", "refused", "A return request is already in process, or the order has already "
                                                 "been cancelled."),
                ErrorCode("25001014", "refused", "Unknown return reason."),
                ErrorCode("25001015", "refused", "The provided return reason cannot be used by the seller."),
                ErrorCode("25001020", "refused", "The provided return reason is currently offline."),
                ErrorCode("25001021", "refused", "Reason not match order status"),
                ErrorCode("25001028", "temporary", "reverse lock failed"),
                ErrorCode("25001045", "refused", "The order has already been shipped and we are unable to cancel "
                                                 "shipment with the courier."),
                ErrorCode("25001051", "refused", "Not allowed to return or cancel since order is completed or "
                                                 "cancelled"),
                ErrorCode("25005010", "refused", "Unable to cancel individual line items within this request."),
                ErrorCode("25020005", "refused", "No permission to process this order")),
        notes="partial cancellation (skus / order_line_item_ids) is 'supported in the US and UK markets' only: an ID "
              "shop cancels whole orders (spec.fulfilment.cancels_lines is False; the practice refuses lines with "
              "25005010). Seller reasons for a paid ID order (cancel-reasons.json): seller_cancel_reason_out_of_stock, "
              "seller_cancel_reason_wrong_price; seller_cancel_paid_reason_address_not_deliver was removed for ID "
              "(changelog order-cancellation/sea-market-only-three-seller-initiates-cancel-reasons-will-be-changed, "
              "31 Aug 2025, also removal-of-unable-to-deliver… 1 Mar 2024), and out of stock became 'Seller Fault'.",
    ),
    Endpoint(
        name="cancellations_search", method="POST", path="/return_refund/202309/cancellations/search",
        source=REF + "return-and-refund/search-cancellations.spec.json (Search Cancellations)", extra_query=True,
        query=(_f("page_size", "int", False, low=1, high=50), _f("page_token", "str", False),
               _f("sort_field", "str", False, choices=("create_time", "update_time")),
               _f("sort_order", "str", False, choices=("ASC", "DESC"))),
        body=(_f("cancel_ids", "list", False, item="str"), _f("order_ids", "list", False, item="str"),
              _f("buyer_user_ids", "list", False, item="str"),
              _f("cancel_types", "list", False, item="str"), _f("cancel_status", "list", False, item="str"),
              _f("create_time_ge", "int", False), _f("create_time_lt", "int", False),
              _f("update_time_ge", "int", False), _f("update_time_lt", "int", False), _f("locale", "str", False)),
        answer=_answer(_f("cancellations", "list", False, children=CANCELLATION), _f("next_page_token", "str", False),
                       _f("total_count", "int", False)),
        errors=(INTERNAL, ErrorCode("25001001", "refused", "An invalid request parameter was passed."),
                ErrorCode("25020005", "refused", "No permission to process this order")),
        notes="page_size default 10, range [1-50]. The reference spells the cancelled status two ways "
              "(CANCELLATION_REQUEST_CANCEL in the filter, …_CANCELLED in the answer): both accepted. Its sample "
              "answers cancel_type REQUEST_CANCEL_REFUND where the list says CANCEL | BUYER_CANCEL: not checked.",
    ),
    Endpoint(
        name="approve_cancellation", method="POST", path="/return_refund/202309/cancellations/{cancel_id}/approve",
        source=REF + "return-and-refund/approve-cancellation.spec.json (Approve Cancellation)", extra_query=True,
        query=IDEMPOTENCY, answer=_answer(),
        errors=(*REVERSE_ERRORS,
                ErrorCode("25001045", "refused", "The order has already been shipped and we are unable to cancel "
                                                 "shipment with the courier."),
                ErrorCode("25011012", "refused", "reverse status cannot approve application")),
        notes="the idempotency key (≤255 characters) makes a repeated approve after a lost answer safe.",
    ),
    Endpoint(
        name="reject_cancellation", method="POST", path="/return_refund/202309/cancellations/{cancel_id}/reject",
        source=REF + "return-and-refund/reject-cancellation.spec.json (Reject Cancellation)", extra_query=True,
        query=IDEMPOTENCY,
        body=(_f("reject_reason", "str", low=1), _f("comment", "str", False), IMAGES),
        answer=_answer(),
        errors=(*REVERSE_ERRORS, *REJECT_REASON_ERRORS,
                ErrorCode("25001020", "refused", "The provided return reason is currently offline."),
                ErrorCode("25011011", "refused", "reverse status cannot reject application")),
        notes="ID reasons (cancel-reasons.json 'Seller Reject Cancel Request Reason'): order_manage_list_action_"
              "respond_popup_reject_reason_invalid_cancellation_reason, …_reject_reason_delivered, …_reject_reason_"
              "buyer_agree, seller_reject_apply_product_has_been_packed, system_cancel_failed_due_to_tts. Changelog "
              "(for-sea-market-get-rejection-reasons…, 24 Sep 2025) advises Get Rejection Reasons for the live list.",
    ),
    Endpoint(
        name="returns_search", method="POST", path="/return_refund/202309/returns/search",
        source=REF + "return-and-refund/search-returns.spec.json (Search Returns)", extra_query=True,
        query=(_f("page_size", "int", False, low=10, high=50), _f("page_token", "str", False),
               _f("sort_field", "str", False, choices=("create_time", "update_time")),
               _f("sort_order", "str", False, choices=("ASC", "DESC"))),
        body=(_f("return_ids", "list", False, item="str"), _f("order_ids", "list", False, item="str"),
              _f("buyer_user_ids", "list", False, item="str"), _f("return_types", "list", False, item="str"),
              _f("return_status", "list", False, item="str"), _f("seller_proposed_return_type", "list", False,
                                                                 item="str"),
              _f("arbitration_status", "list", False, item="str"),
              _f("create_time_ge", "int", False), _f("create_time_lt", "int", False),
              _f("update_time_ge", "int", False), _f("update_time_lt", "int", False), _f("locale", "str", False)),
        answer=_answer(_f("return_orders", "list", False, children=RETURN), _f("next_page_token", "str", False),
                       _f("total_count", "int", False)),
        errors=(INTERNAL, ErrorCode("25001001", "refused", "An invalid request parameter was passed."),
                ErrorCode("25020005", "refused", "No permission to process this order")),
        notes="page_size range [10-50] (Search Cancellations allows [1-50]: not the same). Return line items are "
              "one per unit, like order line items, and carry no quantity. Buyer photos and note are not here: "
              "Get Return Records has them.",
    ),
    Endpoint(
        name="return_records", method="GET", path="/return_refund/202309/returns/{return_id}/records",
        source=REF + "return-and-refund/get-return-records.spec.json (Get Return Records)", extra_query=True,
        query=(_f("locale", "str", False),),
        answer=_answer(_f("records", "list", False, children=(
            _f("event", "str", False), _f("role", "str", False), _f("description", "str", False),
            _f("reason_text", "str", False), _f("note", "str", False), _f("create_time", "int", False),
            _f("images", "list", False, children=(_f("url", "str"),))))),
        errors=(INTERNAL,),
        notes="the page lists no error codes; role tells whose note and images they are (sample 'Buyer', the list "
              "BUYER: compared without case).",
    ),
    Endpoint(
        name="approve_return", method="POST", path="/return_refund/202309/returns/{return_id}/approve",
        source=REF + "return-and-refund/approve-return.spec.json (Approve Return)", extra_query=True,
        query=IDEMPOTENCY,
        body=(_f("decision", "str", choices=("APPROVE_REFUND", "APPROVE_RETURN", "APPROVE_RECEIVED_PACKAGE",
                                             "APPROVE_REPLACEMENT", "ISSUE_REPLACEMENT_REFUND",
                                             "OFFER_PARTIAL_REFUND")),
              _f("buyer_keep_item", "bool", False),
              _f("partial_refund", "object", False, children=(_f("currency", "str"), _f("amount", "str", low=1)))),
        answer=_answer(),
        errors=(*REVERSE_ERRORS,
                ErrorCode("25001044", "refused", "The return request cannot be approved."),
                ErrorCode("25011010", "refused", "request has been transferred to platform operator"),
                ErrorCode("25011012", "refused", "reverse status cannot approve application"),
                ErrorCode("25011013", "refused", "reverse status cannot approve receive"),
                ErrorCode("25011032", "refused", "ReverseInvalidStatusPartialRefund")),
        notes="OFFER_PARTIAL_REFUND: the buyer keeps the items and, if the buyer accepts, only that amount is "
              "refunded (its sample currency is IDR). The decision follows the seller's next action "
              "(SELLER_RESPOND_REFUND → APPROVE_REFUND, …_RETURN → APPROVE_RETURN, …_RECEIVE_PACKAGE → "
              "APPROVE_RECEIVED_PACKAGE, …_REPLACEMENT → APPROVE_REPLACEMENT).",
    ),
    Endpoint(
        name="reject_return", method="POST", path="/return_refund/202309/returns/{return_id}/reject",
        source=REF + "return-and-refund/reject-return.spec.json (Reject Return)", extra_query=True,
        query=IDEMPOTENCY,
        body=(_f("decision", "str", choices=("REJECT_REFUND", "REJECT_RETURN", "REJECT_RECEIVED_PACKAGE",
                                             "REJECT_REPLACEMENT")),
              _f("reject_reason", "str", low=1), _f("comment", "str", False), IMAGES),
        answer=_answer(),
        errors=(*REVERSE_ERRORS, *REJECT_REASON_ERRORS,
                ErrorCode("25001020", "refused", "The provided return reason is currently offline."),
                ErrorCode("25011010", "refused", "request has been transferred to platform operator"),
                ErrorCode("25020011", "refused", "return already received"),
                ErrorCode("25020012", "refused", "status can't reject receive")),
        notes="reasons (return-reasons.json, ID): reverse_reject_request_reason_1…5 and seller_reject_apply_… for a "
              "request; reverse_reject_return_parcel_reason_1…5 for a received parcel. The page itself points to "
              "Get Reject Reasons for the live list.",
    ),
)
