"""Shopee Open Platform v2 as its published reference describes the calls we make (connectors/contract.py format).

Sources: [SHP-SCHEMA] = congminh1254/shopee-sdk `schemas/v2.<module>.<api>.json`, the scraped official API reference
(request_params, response_params, error_list, common_error_list); [SHP-GUIDE] = lazykern/ecommerce-api-docs
`data/processed/shopee/guides/getting-started/api-calls.md` (common parameters, envelope). The sellerchat pages are not
in the scraped set: those contracts come from the SDKs that call them (wjp-letgo/shopeego `sellerchat/sellerchat.go`
and its entity package, technology20nn/shopee-php `src/Nodes/Chat/*.php`), and say so.

The reference marks no answer field as always present; a field is `required` here when the reference says "return
by default"/"always returned", or when it is the list or flag the call exists to give. Ids and amounts keep the
reference's types: item_id/model_id int64, order_sn string, prices float, location_id string.

One code can mean two things: `error_auth` is the token's trouble AND a stock or item refusal on update_stock
("Total stock must be more than reserved stock.", "Lack of location_id"). Several `ErrorCode`s then share a code
and `meaning_of` picks the one whose words the message carries (the first of the code otherwise).
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.shopee.contract_basics import (
    CHAT_SOURCES,
    COMMON_ERRORS,
    ENVELOPE,
    PUBLIC_COMMON,
    SCHEMA,
    SERVER_ERRORS,
    SHOP_COMMON,
)
from companion.connectors.shopee.fulfilment_contracts import FULFILMENT_ENDPOINTS
from companion.connectors.shopee.returns_contracts import RETURN_ENDPOINTS
from companion.connectors.shopee.review_contracts import REVIEW_ENDPOINTS

_SELLER_STOCK = Field("seller_stock", "list", required=False, children=(
    Field("location_id", "str", required=False), Field("stock", "int"), Field("if_saleable", "bool", required=False)))
STOCK_INFO = Field("stock_info_v2", "object", required=False, children=(
    Field("summary_info", "object", required=False, children=(
        Field("total_reserved_stock", "int", required=False), Field("total_available_stock", "int", required=False))),
    _SELLER_STOCK,
    Field("shopee_stock", "list", required=False)))

TOKEN_ANSWER = (*ENVELOPE, Field("access_token", "str", low=1), Field("refresh_token", "str", low=1),
                Field("expire_in", "int", low=1), Field("partner_id", "int", required=False),
                Field("shop_id", "int", required=False), Field("shop_id_list", "list", required=False, item="int"))

TOKEN_GET = Endpoint(
    name="auth.token_get", method="POST", path="/api/v2/auth/token/get",
    source=SCHEMA + "v2.public.get_access_token.json; [SHP-GUIDE] authorization-and-authentication.md",
    query=PUBLIC_COMMON,
    body=(Field("code", "str", low=1), Field("partner_id", "int"), Field("shop_id", "int", required=False),
          Field("main_account_id", "int", required=False)),
    answer=TOKEN_ANSWER,
    errors=(ErrorCode("invalid_code", "relink", "The code is expired or used or invalid"),
            ErrorCode("invalid_shop_id", "relink", "The code or shop_id is wrong"),
            ErrorCode("error_param", "refused", "parameter invalid"),
            ErrorCode("error_param", "clock", "Timestamp is expired"),
            ErrorCode("error_sign", "refused", "Wrong sign."),
            ErrorCode("error_auth", "relink", "a refused code (older answers)"),
            ErrorCode("invalid_partner_id", "refused", "Invalid partner_id"),
            ErrorCode("error_rate_limit", "throttled", "Too many requests."),
            ErrorCode("error_limit", "throttled", "daily API call limit"),
            ErrorCode("source_ip_undeclared", "ip_not_allowed", "is undeclared"),
            *SERVER_ERRORS),
    notes="Public-type call: no access_token/shop_id in the query; `code` single use, 10 minutes.",
)

ACCESS_TOKEN_GET = Endpoint(
    name="auth.access_token_get", method="POST", path="/api/v2/auth/access_token/get",
    source=SCHEMA + "v2.public.refresh_access_token.json (its error_example: error_auth 'Invalid refresh_token.')",
    query=PUBLIC_COMMON,
    body=(Field("refresh_token", "str", low=1), Field("partner_id", "int"), Field("shop_id", "int", required=False),
          Field("merchant_id", "int", required=False), Field("supplier_id", "int", required=False),
          Field("user_id", "int", required=False)),
    answer=TOKEN_ANSWER,
    errors=(ErrorCode("error_auth", "relink", "Invalid refresh_token."),
            ErrorCode("refresh_token_expired", "relink", "Your refresh_token expired."),
            ErrorCode("shop_access_expired", "relink", "Your access to shop has expired."),
            ErrorCode("error_shop_refresh_token", "relink", "Your refresh token is error"),
            ErrorCode("shop_no_linked", "relink", "Partner and shop has no linked."),
            ErrorCode("shop_banned", "relink", "The shop account has been banned."),
            ErrorCode("error_param", "refused", "parameter invalid"),
            ErrorCode("error_param", "clock", "Timestamp is expired"),
            ErrorCode("error_sign", "refused", "Wrong sign."),
            ErrorCode("error_rate_limit", "throttled", "Too many requests."),
            ErrorCode("error_limit", "throttled", "daily API call limit"),
            ErrorCode("source_ip_undeclared", "ip_not_allowed", "is undeclared"),
            *SERVER_ERRORS),
    notes="Each refresh_token works once and the answer carries a new one; exactly one of shop_id/merchant_id/… .",
)

ORDER_STATUSES = ("UNPAID", "READY_TO_SHIP", "PROCESSED", "SHIPPED", "COMPLETED", "IN_CANCEL", "CANCELLED",
                  "INVOICE_PENDING", "PENDING", "RETRY_SHIP", "TO_CONFIRM_RECEIVE", "TO_RETURN")

GET_ORDER_LIST = Endpoint(
    name="order.get_order_list", method="GET", path="/api/v2/order/get_order_list",
    source=SCHEMA + "v2.order.get_order_list.json",
    query=(*SHOP_COMMON, Field("time_range_field", "str", choices=("create_time", "update_time")),
           Field("time_from", "int", low=0), Field("time_to", "int", low=0), Field("page_size", "int", low=1, high=100),
           Field("cursor", "str", required=False), Field("order_status", "str", required=False, choices=ORDER_STATUSES),
           Field("response_optional_fields", "str", required=False, choices=("order_status",)),
           Field("request_order_status_pending", "bool", required=False),
           Field("logistics_channel_id", "int", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("more", "bool"), Field("next_cursor", "str"),
        Field("order_list", "list", children=(Field("order_sn", "str", low=1),
                                              Field("order_status", "str", required=False, choices=ORDER_STATUSES),
                                              Field("booking_sn", "str", required=False)))))),
    errors=(ErrorCode("order.order_list_invalid_time", "refused",
                      "Start time must be earlier than end time and diff in 15days."),
            ErrorCode("error_permission", "not_permitted", "Sorry you don't have the permission"),
            ErrorCode("error_shop", "relink", "shopid is invalid"),
            *COMMON_ERRORS, *SERVER_ERRORS),
    notes="time_to - time_from at most 15 days; next_cursor is '' when more is false.",
)

_ORDER_LINE = Field("item_list", "list", required=False, children=(
    Field("item_id", "int"), Field("item_name", "str"), Field("item_sku", "str", required=False),
    Field("model_id", "int"), Field("model_name", "str", required=False), Field("model_sku", "str", required=False),
    Field("model_quantity_purchased", "int", low=1), Field("model_original_price", "number", low=0),
    Field("model_discounted_price", "number", low=0), Field("order_item_id", "int", required=False),
    Field("promotion_type", "str", required=False),
    Field("active_qty", "int", required=False, low=0), Field("cancel_requested_qty", "int", required=False, low=0),
    Field("cancelled_qty", "int", required=False, low=0)))

GET_ORDER_DETAIL = Endpoint(
    name="order.get_order_detail", method="GET", path="/api/v2/order/get_order_detail",
    source=SCHEMA + "v2.order.get_order_detail.json",
    query=(*SHOP_COMMON, Field("order_sn_list", "str", low=1), Field("response_optional_fields", "str", required=False),
           Field("request_order_status_pending", "bool", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("order_list", "list", children=(
        # "Return by default"
        Field("order_sn", "str", low=1), Field("region", "str"), Field("currency", "str"), Field("cod", "bool"),
        Field("order_status", "str", choices=ORDER_STATUSES), Field("message_to_seller", "str"),
        Field("create_time", "int"), Field("update_time", "int"), Field("days_to_ship", "int"),
        Field("ship_by_date", "int"),
        # asked for in response_optional_fields
        Field("buyer_username", "str", required=False), Field("buyer_user_id", "int", required=False),
        Field("pay_time", "int", required=False), Field("total_amount", "number", required=False),
        Field("cancel_by", "str", required=False), _ORDER_LINE,
        # shipping (issue 15)
        Field("shipping_carrier", "str", required=False), Field("buyer_cancel_reason", "str", required=False),
        Field("cancel_reason", "str", required=False),
        Field("recipient_address", "object", required=False, children=(
            Field("name", "str", required=False), Field("city", "str", required=False),
            Field("state", "str", required=False), Field("full_address", "str", required=False))),
        Field("package_list", "list", required=False, children=(
            Field("package_number", "str", low=1), Field("logistics_status", "str", required=False),
            Field("shipping_carrier", "str", required=False))))),))),
    errors=(ErrorCode("error_permission", "not_permitted", "Sorry you don't have the permission"),
            ErrorCode("error_shop", "relink", "shopid is invalid"), *COMMON_ERRORS, *SERVER_ERRORS),
    notes="order_sn_list: 1–50 order_sn joined by commas. item_list lines carry cancelled_qty/active_qty (partial "
          "cancellations are per line). package_list carries no tracking number (logistics.get_tracking_number "
          "gives it); recipient_address may be masked per market.",
)

ITEM_STATUSES = ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")

GET_ITEM_LIST = Endpoint(
    name="product.get_item_list", method="GET", path="/api/v2/product/get_item_list",
    source=SCHEMA + "v2.product.get_item_list.json",
    query=(*SHOP_COMMON, Field("offset", "int", low=0), Field("page_size", "int", low=1, high=100),
           Field("item_status", "str", choices=ITEM_STATUSES), Field("update_time_from", "int", required=False),
           Field("update_time_to", "int", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("item", "list", children=(Field("item_id", "int"), Field("item_status", "str", choices=ITEM_STATUSES),
                                        Field("update_time", "int", required=False))),
        Field("total_count", "int", required=False), Field("has_next_page", "bool"),
        Field("next_offset", "int", required=False)))),
    errors=(ErrorCode("error_param_item_status", "refused", "Item status error."),
            ErrorCode("error_update_time_range", "refused", "Update_time_to should be later than update_time_from."),
            ErrorCode("error_auth", "refused", "Your shop can not use model level dts"),
            ErrorCode("error_shop", "relink", "shopid is invalid"), *COMMON_ERRORS, *SERVER_ERRORS),
    notes="item_status repeats (item_status=NORMAL&item_status=UNLIST); the contract checks the last one given.",
)

GET_ITEM_BASE_INFO = Endpoint(
    name="product.get_item_base_info", method="GET", path="/api/v2/product/get_item_base_info",
    source=SCHEMA + "v2.product.get_item_base_info.json (it IS in the reference; the connector's old note said not)",
    query=(*SHOP_COMMON, Field("item_id_list", "str", low=1), Field("need_tax_info", "bool", required=False),
           Field("need_complaint_policy", "bool", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("item_list", "list", children=(
        Field("item_id", "int"), Field("item_name", "str"), Field("item_sku", "str", required=False),
        Field("item_status", "str", choices=ITEM_STATUSES), Field("has_model", "bool"),
        Field("has_promotion", "bool", required=False), STOCK_INFO)),))),
    errors=(ErrorCode("error_item_not_found", "refused", "Item_id is not found."), *COMMON_ERRORS, *SERVER_ERRORS),
    notes="item_id_list: int64[] sent as 1–50 ids joined by commas (reference limit [0,50]).",
)

GET_MODEL_LIST = Endpoint(
    name="product.get_model_list", method="GET", path="/api/v2/product/get_model_list",
    source=SCHEMA + "v2.product.get_model_list.json",
    query=(*SHOP_COMMON, Field("item_id", "int")),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("tier_variation", "list", children=(
            Field("name", "str", required=False),
            Field("option_list", "list", required=False, children=(Field("option", "str"),)))),
        Field("model", "list", children=(
            Field("model_id", "int"), Field("model_sku", "str", required=False),
            Field("model_status", "str", required=False, choices=("MODEL_NORMAL", "MODEL_UNAVAILABLE")),
            Field("tier_index", "list", required=False, item="int"), Field("has_promotion", "bool", required=False),
            Field("price_info", "list", required=False, children=(Field("current_price", "number"),
                                                                  Field("original_price", "number"))),
            STOCK_INFO))))),
    errors=(ErrorCode("error_item_not_found", "refused", "Item_id is not found."),
            ErrorCode("product.error_item_not_found", "refused", "Item not found (practice shape of the same code)"),
            *COMMON_ERRORS, *SERVER_ERRORS),
)

# update_stock's own error_list [SHP-SCHEMA]: the stock refusals come under error_auth/error_param/error_busi
STOCK_REFUSALS = (
    ErrorCode("error_auth", "item_refused", "Total stock must be more than reserved stock."),
    ErrorCode("error_auth", "item_refused", "Stock should be larger than reserved stock."),
    ErrorCode("error_auth", "item_refused", "Lack of location_id, please double check."),
    ErrorCode("error_auth", "item_refused", "The location_id input is not matched the shop's location_id"),
    ErrorCode("error_auth", "item_refused", "Please wait for the holiday mode set then to edit item."),
    ErrorCode("error_auth", "item_refused", "You do not have right to use seller location_id"),
    ErrorCode("error_auth", "item_refused", "cnsc shop not upgraded, can not edit item."),
    ErrorCode("error_auth", "item_refused", "normal stock must be equal to 0"),
    ErrorCode("error_param", "item_refused", "Can not update item with different stock structure."),
    ErrorCode("error_param", "item_refused", "Can not update item with stock less than reserve"),
    ErrorCode("error_param", "item_refused", "Repeat model_id."),
    ErrorCode("error_param", "item_refused", "Wrong model_id."),
    ErrorCode("error_busi", "item_refused", "The merchant/shop has multi warehouse, please input location id"),
    ErrorCode("error_busi_update_stock_failed", "item_refused", "Update stock failed, please check failure_list"),
    ErrorCode("error_item_not_belong_shop", "item_refused", "Item not belong to shop."),
    ErrorCode("error_item_not_found", "item_refused", "Item_id is not found."),
    ErrorCode("error_item_uneditable", "item_refused", "item status can not support editing."),
    ErrorCode("error_cannt_edit_stock_in_promotion", "item_refused", "Normal_stock cannot be edited under promotion"),
    ErrorCode("error_model_update_stock_model_in_promotion", "item_refused", "Model stock cannot be editted"),
    ErrorCode("error_promotion_cantnot_update_stock", "item_refused", "Cannot change stock when under promotion."),
    ErrorCode("error_holiday_mode_change_stock", "item_refused", "Cannot change stock in holiday mode."),
    ErrorCode("error_wms_shop_block_upate_stock", "item_refused", "Warehouse shop can't update stock."),
    ErrorCode("error_busi_cannot_edit_vsku", "item_refused", "Can not use OpenAPI to edit/create VSKU"),
    ErrorCode("error_seller_under_penalty", "item_refused", "The shop is under penalty."),
    ErrorCode("error_perm_non_admin", "not_permitted", "Don't have permission."),
)

UPDATE_STOCK = Endpoint(
    name="product.update_stock", method="POST", path="/api/v2/product/update_stock",
    source=SCHEMA + "v2.product.update_stock.json (define, error_list); reference 'Corrections found later'",
    query=SHOP_COMMON,
    body=(Field("item_id", "int"), Field("stock_list", "list", low=1, high=50, children=(
        Field("model_id", "int", required=False, low=0),
        Field("seller_stock", "list", low=1, children=(Field("location_id", "str", required=False, low=1),
                                                       Field("stock", "int", low=0)))))),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("success_list", "list", children=(Field("model_id", "int"), Field("location_id", "str", required=False),
                                                Field("stock", "int"))),
        Field("failure_list", "list", children=(Field("model_id", "int"), Field("failed_reason", "str")))))),
    errors=(*STOCK_REFUSALS, *COMMON_ERRORS, *SERVER_ERRORS),
    notes="One item a call, 1–50 models; updates seller_stock only; with a promotion on or coming the total must be "
          ">= the reserved stock. location_id (string, from v2.shop.get_warehouse_detail) exactly when the item's "
          "seller stock has one; a multi-warehouse shop must name it. error_auth here is mostly NOT the token: the "
          "words decide (meaning_of).",
)

GET_CONVERSATION_LIST = Endpoint(
    name="sellerchat.get_conversation_list", method="GET", path="/api/v2/sellerchat/get_conversation_list",
    source=CHAT_SOURCES,
    query=(*SHOP_COMMON, Field("direction", "str", choices=("latest", "older")),
           Field("type", "str", choices=("all", "unread", "pinned")),
           Field("next_timestamp_nano", "int", required=False, low=0),
           Field("page_size", "int", required=False, low=1, high=25)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("conversations", "list", children=(
            Field("conversation_id", "str", low=1), Field("to_id", "int"), Field("to_name", "str"),
            Field("unread_count", "int", low=0), Field("last_message_timestamp", "int"),
            Field("latest_message_content", "object", required=False))),
        Field("page_result", "object", children=(
            Field("more", "bool"), Field("next_cursor", "object", required=False, children=(
                Field("next_message_time_nano", "str", required=False),))))))),
    errors=COMMON_ERRORS + SERVER_ERRORS,
    notes="Whitelisted apps only (§1.9): error_api_call_restricted means chat is not approved. page_size above 25 "
          "gave empty pages in field notes (UNCONFIRMED): the contract keeps the stricter 25.",
)

GET_MESSAGE = Endpoint(
    name="sellerchat.get_message", method="GET", path="/api/v2/sellerchat/get_message",
    source=CHAT_SOURCES,
    query=(*SHOP_COMMON, Field("conversation_id", "str", low=1), Field("offset", "str", required=False),
           Field("page_size", "int", required=False, low=1, high=60),
           Field("message_id_list", "str", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("messages", "list", children=(
            Field("message_id", "str", low=1), Field("message_type", "str"), Field("from_id", "int"),
            Field("from_shop_id", "int"), Field("conversation_id", "str", required=False),
            Field("created_timestamp", "int"), Field("content", "object"),
            Field("source", "str", required=False), Field("status", "str", required=False))),
        Field("page_result", "object", required=False, children=(Field("next_offset", "str", required=False),
                                                                 Field("more", "bool", required=False)))))),
    errors=COMMON_ERRORS + SERVER_ERRORS,
    notes="page_size capped at 60 in field notes (UNCONFIRMED); created_timestamp is seconds, the conversation "
          "list's last_message_timestamp nanoseconds.",
)

SEND_MESSAGE = Endpoint(
    name="sellerchat.send_message", method="POST", path="/api/v2/sellerchat/send_message",
    source=CHAT_SOURCES,
    query=SHOP_COMMON,
    body=(Field("to_id", "int"), Field("message_type", "str", choices=("text", "sticker", "image", "item", "order")),
          Field("content", "object", children=(Field("text", "str", required=False, low=1),)),
          Field("business_type", "int", required=False), Field("conversation_id", "str", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("message_id", "str", low=1), Field("to_id", "int", required=False),
        Field("message_type", "str", required=False), Field("created_timestamp", "int", required=False)))),
    errors=COMMON_ERRORS + SERVER_ERRORS,
    notes="to_id is the buyer's user id, not the conversation; not for batch messages.",
)

ENDPOINTS: tuple[Endpoint, ...] = (
    TOKEN_GET, ACCESS_TOKEN_GET, GET_ORDER_LIST, GET_ORDER_DETAIL, GET_ITEM_LIST, GET_ITEM_BASE_INFO, GET_MODEL_LIST,
    UPDATE_STOCK, GET_CONVERSATION_LIST, GET_MESSAGE, SEND_MESSAGE, *FULFILMENT_ENDPOINTS, *RETURN_ENDPOINTS,
    *REVIEW_ENDPOINTS,  # review_contracts.py: product.get_comment and product.reply_comment (issue 16)
)


def meaning_of(endpoint: Endpoint, code: str, message: str) -> ErrorCode | None:
    """The documented error a (code, message) answer is: the entry of that code whose words the message carries,
    else the code's first entry; None when the endpoint does not document the code."""
    same = [e for e in endpoint.errors if e.code == code]
    lowered = message.lower()
    return next((e for e in same if e.words and e.words.lower().rstrip(".") in lowered), same[0] if same else None)
