"""Shopee's shipping and cancellation calls as its published reference describes them (connectors/contract.py
format): shipping parameters → ship_order → tracking number, the shipping document's create → result → download,
the seller's cancellation and the answer to a buyer's. Returns are in returns_contracts.py.

Source: [SHP-SCHEMA] congminh1254/shopee-sdk `schemas/v2.<module>.<api>.json` (request_params, response_params,
error_list). Error words are the reference's own, shortened; where one code carries many refusals, the entries this
app can meet are listed first (`meaning_of` matches the words). `batch_ship_order` is not used: its reference says
"Only channel 90003 - Padrão in Brazil has the permission of this API", so every order goes by its own ship_order.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.shopee.contract_basics import COMMON_ERRORS, ENVELOPE, SCHEMA, SERVER_ERRORS, SHOP_COMMON

ALLOCATING = "The order is being allocated, please wait until the allocate is completed."
NOT_READY_WORDS = "Shipping parameters can only be obtained when package is ready to be shipped"
DOC_TYPES = ("NORMAL_AIR_WAYBILL", "THERMAL_AIR_WAYBILL", "NORMAL_JOB_AIR_WAYBILL", "THERMAL_JOB_AIR_WAYBILL",
             "THERMAL_UNPACKAGED_LABEL")

_SHOP_ERRORS = (
    ErrorCode("common.invalid_shop", "relink", "Shop id is invalid. Please check your shop."),
    ErrorCode("error_shop", "relink", "shopid is invalid"),
    ErrorCode("error_permission", "not_permitted", "Sorry you don't have the permission"),
    ErrorCode("error_not_found", "refused", "Wrong parameters, detail"),
    ErrorCode("error_other", "temporary", "System error. Please try again later."),
    ErrorCode("error_config", "temporary", "Something is wrong, please try again later."),
    *COMMON_ERRORS, *SERVER_ERRORS,
)
_PACKAGE = (Field("order_sn", "str", low=1), Field("package_number", "str", required=False, low=1))

GET_SHIPPING_PARAMETER = Endpoint(
    name="logistics.get_shipping_parameter", method="GET", path="/api/v2/logistics/get_shipping_parameter",
    source=SCHEMA + "v2.logistics.get_shipping_parameter.json",
    query=(*SHOP_COMMON, *_PACKAGE),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("info_needed", "object", children=(Field("dropoff", "list", required=False, item="str"),
                                                 Field("pickup", "list", required=False, item="str"),
                                                 Field("non_integrated", "list", required=False, item="str"))),
        Field("dropoff", "object", required=False, children=(
            Field("branch_list", "list", required=False, children=(
                Field("branch_id", "int"), Field("address", "str", required=False),
                Field("city", "str", required=False), Field("state", "str", required=False),
                Field("zipcode", "str", required=False))),
            Field("slug_list", "list", required=False))),
        Field("pickup", "object", required=False, children=(
            Field("address_list", "list", required=False, children=(
                Field("address_id", "int"), Field("address", "str", required=False),
                Field("city", "str", required=False), Field("state", "str", required=False),
                Field("zipcode", "str", required=False), Field("address_flag", "list", required=False, item="str"),
                Field("time_slot_list", "list", required=False, children=(
                    Field("date", "int"), Field("pickup_time_id", "str", low=1),
                    Field("time_text", "str", required=False),
                    Field("flags", "list", required=False, item="str"))))),))))),
    errors=(ErrorCode("logistics.error_param", "temporary", ALLOCATING),
            ErrorCode("error_status", "refused", "The order has been cancelled."),
            ErrorCode("error_param", "refused", NOT_READY_WORDS),
            ErrorCode("logistics.error_channel_exist", "refused",
                      "Fail to find the fulfillment channel of this order."),
            ErrorCode("logistics.no_available_time_slot", "refused", "No available time slot"),
            ErrorCode("logistics.no_supported_dropoff_branch", "refused", "No supported drop-off branch"),
            ErrorCode("logistics.no_supported_pickup_address", "refused", "No supported pickup address"),
            ErrorCode("logistics.no_valid_shipping_parameters", "refused",
                      "No valid shipping parameters. Please contact support"),
            ErrorCode("logistics.package_number_not_exist", "refused",
                      "Please request with package_number for this split order."),
            ErrorCode("logistics.invalid_address_version", "refused",
                      "Some addresses are no longer supported per new regulation"),
            *_SHOP_ERRORS),
    notes="info_needed says which of pickup / dropoff / non_integrated ship_order must carry (an empty list still "
          "means the object must be sent). time_slot_list may be empty or null: then Shopee picks the time. "
          "package_number must not be sent empty. The sample answers dropoff: null — read as absent.",
)

SHIP_ORDER = Endpoint(
    name="logistics.ship_order", method="POST", path="/api/v2/logistics/ship_order",
    source=SCHEMA + "v2.logistics.ship_order.json",
    query=SHOP_COMMON,
    body=(*_PACKAGE,
          Field("pickup", "object", required=False, children=(
              Field("address_id", "int"), Field("pickup_time_id", "str", required=False, low=1),
              Field("tracking_number", "str", required=False, low=1, high=64))),
          Field("dropoff", "object", required=False, children=(
              Field("branch_id", "int", required=False), Field("sender_real_name", "str", required=False, high=64),
              Field("tracking_number", "str", required=False, low=1, high=64),
              Field("slug", "str", required=False))),
          Field("non_integrated", "object", required=False, children=(
              Field("tracking_number", "str", required=False, low=1, high=64),))),
    answer=ENVELOPE,
    errors=(ErrorCode("logistics.package_already_shipped", "refused",
                      "This package has already been arranged shipment and you can't call this API again."),
            ErrorCode("logistics.error_param", "refused", "Order has been shipped."),
            ErrorCode("logistics.error_param", "refused", "Selected pickup timeslot is unavailable. Please reselect."),
            ErrorCode("logistics.error_param", "refused", "Invalid pickup time. Please select another pickup time."),
            ErrorCode("logistics.error_param", "refused", "The order status is not ready to ship."),
            ErrorCode("logistics.error_param", "refused", "Delivery store is not exist."),
            ErrorCode("logistics.error_param", "refused",
                      "Tracking Number Error. Please input a valid tracking number."),
            ErrorCode("logistics.error_param", "temporary", ALLOCATING),
            ErrorCode("logistics.error_param", "temporary", "System error, please try again later."),
            ErrorCode("logistics.ship_order_not_ready_to_ship", "refused", "The order is not ready to ship."),
            ErrorCode("logistics.ship_order_pickup_time_invalid", "refused",
                      "Invalid pickup time id. Please check the pick up time id."),
            ErrorCode("error_param", "refused", "The pickup_time_id received is invalid and not expected. Please check "
                      "and reselect one from the time_slot_list."),
            ErrorCode("logistics.ship_order_need_address_pickup_time", "refused",
                      "Parameter address_id and pickup_time_id are required."),
            ErrorCode("logistics.ship_order_need_branch_id", "refused", "Parameter branch_id is required."),
            ErrorCode("logistics.ship_order_need_tracking_number", "refused",
                      "Parameter tracking_number can not be null."),
            ErrorCode("logistics.ship_order_long_tracking_number", "refused",
                      "Parameter tracking_number can not be longer than 64."),
            ErrorCode("logistics.ship_order_only_support_one_type", "refused",
                      "Please select just one way to ship order: pickup or dropoff or non_integrated."),
            ErrorCode("logistics.ship_order_unsupport_pickup", "refused",
                      "This order does not support ship with pickup."),
            ErrorCode("logistics.ship_order_unsupport_dropoff", "refused",
                      "This order does not support ship with dropoff."),
            ErrorCode("logistics.ship_order_unsupport_non_integrated", "refused",
                      "This order does not support ship with non_integrated."),
            ErrorCode("logistics.ship_order_need_pacakge_number", "refused",
                      "Please request with package_number for this split order."),
            ErrorCode("logistics.ship_order_not_need_pacakge_number", "refused",
                      "Please don’t request with package_number for this unsplit order."),
            ErrorCode("logistics.error_store_not_found", "refused", "Store is not found."),
            ErrorCode("logistics.address_not_found", "refused", "Address is not found."),
            ErrorCode("logistics.pickup_address_unsupported", "refused", "Pickup address is not supported."),
            ErrorCode("logistics.error_order_state", "refused", "Operation is not allow with current order status."),
            ErrorCode("logistics.order_finalized", "refused", "Order is already in finalized status."),
            ErrorCode("logistics.error_channel_exist", "refused",
                      "Fail to find the fulfillment channel of this order."),
            ErrorCode("logistics.error_other", "temporary", "System error, please try again later."),
            ErrorCode("logistics.error_third_party_server", "temporary", "Failed to call external system."),
            ErrorCode("logistics.error_timeout", "temporary", "Timeout to call external system."),
            ErrorCode("logistics.error_connection", "temporary", "Connection to external system is failed."),
            ErrorCode("logistics.logistic_order_is_locked_on_creating", "temporary", "Fail to get the lock."),
            ErrorCode("logistics.lack_of_invoice_data", "refused", "Pending invoice data, can not arrange shipment."),
            ErrorCode("logistics.warehouse_stock_insufficient", "refused",
                      "Failed to assign a warehouse with sufficient stock"),
            ErrorCode("error_status", "refused", "Buyer hasn’t completed pre-authorization yet."),
            *_SHOP_ERRORS),
    notes="Exactly one of pickup / dropoff / non_integrated. pickup.address_id is int64 here and int in "
          "batch_ship_order (kept int). A pickup without pickup_time_id only where the channel offers no slots. "
          "Tracking numbers at most 64 characters (ship_order_long_tracking_number). The reference recommends "
          "arranging an hour after the order was placed (the buyer may cancel freely in that hour).",
)

GET_TRACKING_NUMBER = Endpoint(
    name="logistics.get_tracking_number", method="GET", path="/api/v2/logistics/get_tracking_number",
    source=SCHEMA + "v2.logistics.get_tracking_number.json",
    query=(*SHOP_COMMON, *_PACKAGE, Field("response_optional_fields", "str", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("tracking_number", "str"), Field("hint", "str", required=False),
        Field("pickup_code", "str", required=False), Field("first_mile_tracking_number", "str", required=False)))),
    errors=(ErrorCode("logistics.error_param", "temporary", ALLOCATING),
            ErrorCode("logistics.invalid_error", "refused", "The order is not exist."),
            ErrorCode("logistics.package_not_exist", "refused", "The package is not exist."),
            ErrorCode("logistics.package_number_not_exist", "refused",
                      "Please request with package_number for this split order."),
            ErrorCode("error_param", "refused", "The information you queried is not found."),
            *_SHOP_ERRORS),
    notes="tracking_number may come back empty: it depends on the 3PL, and the reference allows asking again "
          "every 5 minutes until it is there (hint says why when it is missing).",
)

_DOC_ORDER = (*_PACKAGE, Field("shipping_document_type", "str", required=False, choices=DOC_TYPES))
_DOC_RESULT = (Field("order_sn", "str", low=1), Field("package_number", "str", required=False),
               Field("fail_error", "str", required=False), Field("fail_message", "str", required=False))
_BATCH_FAILED = ErrorCode("common.batch_api_all_failed", "item_refused",
                          "Failed, please check result_list for more details.")

CREATE_SHIPPING_DOCUMENT = Endpoint(
    name="logistics.create_shipping_document", method="POST", path="/api/v2/logistics/create_shipping_document",
    source=SCHEMA + "v2.logistics.create_shipping_document.json",
    query=SHOP_COMMON,
    body=(Field("order_list", "list", low=1, high=50, children=(
        *_PACKAGE, Field("tracking_number", "str", required=False, low=1),
        Field("shipping_document_type", "str", required=False, choices=DOC_TYPES))),),
    answer=(*ENVELOPE, Field("warning", "list", required=False),
            Field("response", "object", children=(Field("result_list", "list", children=_DOC_RESULT),))),
    errors=(_BATCH_FAILED,
            ErrorCode("logistics.error_param", "temporary", ALLOCATING),
            ErrorCode("logistics.order_status_error", "refused", "Order status does not support awb printing."),
            ErrorCode("logistics.package_can_not_print", "refused", "The package can not print now."),
            ErrorCode("logistics.tracking_number_invalid", "refused",
                      "The tracking number is invalid. Please check the tracking number."),
            ErrorCode("logistics.shipping_document_type_invalid", "refused",
                      "The shipping_document_type is not invalid."),
            ErrorCode("logistics.package_number_not_found", "refused", "is not exist."),
            ErrorCode("logistics.can_not_print_combine_order", "refused",
                      "This order is part of a combined parcel, please use Seller Center instead."),
            ErrorCode("logistics.can_not_print_jit_order", "refused",
                      "This shipping channel only supports document printing in Shopee seller center"),
            *_SHOP_ERRORS),
    notes="1–50 orders a call; only after the tracking number is known (tracking_number 'Required except for the "
          "channel allow print before arrange shipment'). THERMAL_AIR_WAYBILL is the 100×150 mm label. A refusal "
          "of some orders comes back per order in result_list (fail_error, fail_message).",
)

GET_SHIPPING_DOCUMENT_RESULT = Endpoint(
    name="logistics.get_shipping_document_result", method="POST",
    path="/api/v2/logistics/get_shipping_document_result",
    source=SCHEMA + "v2.logistics.get_shipping_document_result.json",
    query=SHOP_COMMON,
    body=(Field("order_list", "list", low=1, high=50, children=_DOC_ORDER),),
    answer=(*ENVELOPE, Field("warning", "list", required=False),
            Field("response", "object", children=(Field("result_list", "list", children=(
                *_DOC_RESULT, Field("status", "str", required=False, choices=("READY", "FAILED", "PROCESSING")))),))),
    errors=(_BATCH_FAILED,
            ErrorCode("logistics.shipping_document_should_print_first", "refused",
                      "The package can not print now, please create shipping document first."),
            ErrorCode("logistics.order_not_exist", "refused", "is not exist."),
            ErrorCode("logistics.package_number_not_exist", "refused",
                      "Please request with package_number for this split order."),
            ErrorCode("logistics.unknown_error", "temporary", "Unknown error, please contact Shopee to check."),
            *_SHOP_ERRORS),
    notes="A POST that only reads. The document can be downloaded once status is READY; a package never created "
          "answers fail_error logistics.shipping_document_should_print_first in its result_list entry.",
)

DOWNLOAD_SHIPPING_DOCUMENT = Endpoint(
    name="logistics.download_shipping_document", method="POST",
    path="/api/v2/logistics/download_shipping_document",
    source=SCHEMA + "v2.logistics.download_shipping_document.json",
    query=SHOP_COMMON,
    body=(Field("shipping_document_type", "str", required=False, choices=DOC_TYPES),
          Field("order_list", "list", low=1, high=50, children=_PACKAGE)),
    answer=(),  # a file (the waybill), not JSON; a refusal is the usual JSON envelope
    errors=(ErrorCode("logistics.download_later", "temporary", "Processing, please download later."),
            ErrorCode("logistics.shipping_document_should_print_first", "refused",
                      "The package can not print now, please create shipping document first."),
            ErrorCode("logistics.package_print_failed", "temporary",
                      "Some package failed to print, please try again later."),
            ErrorCode("logistics.packages_can_not_download_together", "refused", "Packages can not download together."),
            ErrorCode("logistics.order_not_exist", "refused", "is not exist."),
            ErrorCode("logistics.package_number_not_found", "refused", "is not exist."),
            ErrorCode("logistics.error_network", "temporary", "System error. Please try again later."),
            ErrorCode("logistics.unknown_error", "temporary", "Unknown error, please contact Shopee to check."),
            *_SHOP_ERRORS),
    notes="Success answers the waybill file itself (response_params: waybill [file]). The reference gives no "
          "limit for order_list here: the contract keeps create's 1–50. We ask one order at a time.",
)

CANCEL_REASONS = ("OUT_OF_STOCK", "CUSTOMER_REQUEST", "UNDELIVERABLE_AREA", "COD_NOT_SUPPORTED")
CANCEL_ORDER = Endpoint(
    name="order.cancel_order", method="POST", path="/api/v2/order/cancel_order",
    source=SCHEMA + "v2.order.cancel_order.json",
    query=SHOP_COMMON,
    body=(Field("order_sn", "str", low=1), Field("cancel_reason", "str", choices=CANCEL_REASONS),
          Field("item_list", "list", required=False, children=(Field("item_id", "int"), Field("model_id", "int"))),
          Field("partial_cancel_item_list", "list", required=False, children=(
              Field("item_id", "int"), Field("model_id", "int"), Field("order_item_id", "int", required=False),
              Field("promotion_group_id", "int", required=False), Field("model_quantity", "int", low=1)))),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("update_time", "int"),))),
    errors=(ErrorCode("order.error_limit", "refused", "Can not cancel this order"),
            ErrorCode("order. error_param", "refused", "You can not cancel warehouse order."),
            ErrorCode("order. error_permission", "relink", "Please link shop and partner on seller center first."),
            *_SHOP_ERRORS),
    notes="Only before the order has shipped. item_list is required when cancel_reason is OUT_OF_STOCK (the "
          "connector always sends it then, partial or not); item_list.item_id is int32 in the reference and int64 "
          "everywhere else (kept int). partial_cancel_item_list cancels per line and quantity; promotion_group_id "
          "is required for add-on and bundle deal items, 0 otherwise. UNDELIVERABLE_AREA applies to TW and MY only "
          "(not offered for Indonesia). Two codes are written with a space ('order. error_param'): kept as written.",
)

HANDLE_BUYER_CANCELLATION = Endpoint(
    name="order.handle_buyer_cancellation", method="POST", path="/api/v2/order/handle_buyer_cancellation",
    source=SCHEMA + "v2.order.handle_buyer_cancellation.json",
    query=SHOP_COMMON,
    body=(Field("order_sn", "str", low=1), Field("operation", "str", choices=("ACCEPT", "REJECT"))),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("update_time", "int"),))),
    errors=(ErrorCode("order.cancel_order_invalid_status", "refused",
                      "Invalid order_status.The order status should be IN_CANCEL."),
            ErrorCode("order.order_status_invalid", "refused",
                      "Invalid order_status.The order status should be IN_CANCEL."),
            ErrorCode("logistics.cancel_forder_failed", "temporary", "Cancel forder failed."),
            *_SHOP_ERRORS),
    notes="Only while the order is IN_CANCEL; takes no reason (the buyer's reason is the order's "
          "buyer_cancel_reason). The request has no id of its own: the order_sn names it.",
)

FULFILMENT_ENDPOINTS: tuple[Endpoint, ...] = (
    GET_SHIPPING_PARAMETER, SHIP_ORDER, GET_TRACKING_NUMBER, CREATE_SHIPPING_DOCUMENT, GET_SHIPPING_DOCUMENT_RESULT,
    DOWNLOAD_SHIPPING_DOCUMENT, CANCEL_ORDER, HANDLE_BUYER_CANCELLATION,
)
