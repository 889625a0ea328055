"""Lazada's cancellation and return contracts (issue 15): the seller's cancel (validate → create), the answer to a
buyer's cancel request, reverse orders (returns and refunds) and the seller's answers, from the reference scraped in
lazykern/ecommerce-api-docs (`data/raw/lazada/apis/{order-api,return-and-refund-api}/*.json`) and its guides
(`order-operation/order-cancellation.md`, `reverse-order/*.md`, the reverse-order webhook page).

These calls answer in the plain envelope (`code` "0" and `data`), every one a GET with its lists as JSON text.
Lazada cancels order items, never orders: "Lazada cancels orders not by order level, but by order item level".
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.lazada.contract_common import API, GUIDES, errors_with

REFUND_API = f"{API}/return-and-refund-api"
CANCEL_GUIDE = f"{GUIDES}/api-best-practice/order-operation/order-cancellation.md"
REVERSE_GUIDE = f"{GUIDES}/api-best-practice/reverse-order/reverse-order-processing-process.md"

# The codes the reverse pages share (E0106 "ROC internal error" is Lazada's trouble; E0116-E0118 the seller's
# account as Lazada sees it).
_ROC = (
    ErrorCode("106", "temporary", "E0106: ROC internal error"),
    ErrorCode("116", "refused", "E0116: no seller id"),
    ErrorCode("117", "refused", "E0117: no user id"),
    ErrorCode("118", "refused", "E0118: no user email"),
)
_CANCEL_ERRORS = (
    *_ROC,
    ErrorCode("102", "refused", "E0102: trade order line id is empty or invalid"),
    ErrorCode("115", "refused", "E0115: order id is null"),
    ErrorCode("122", "refused", "E0122: invalid trade order"),
    ErrorCode("123", "refused", "E0123: invalid trade order lines %s"),
    ErrorCode("124", "refused", "E0124: invalid seller id for this order line %s"),
)
_TIP = (Field("tip_content", "str", required=False), Field("tip_type", "str", required=False))
MP3 = ErrorCode("Mp3SellerApiLimit", "not_permitted", "Mp3 Seller not support the api: MP3 sellers cannot call it")

CANCEL_VALIDATE = Endpoint(
    name="OrderCancelValidate", method="GET", path="/order/reverse/cancel/validate",
    source=f"{API}/order-api/ordercancelvalidate.json (OrderCancelValidate); {CANCEL_GUIDE} step 2",
    query=(Field("order_id", "str", low=1), Field("order_item_id_list", "str", low=2)),  # JSON list of ids
    answer=(Field("data", "object", required=False, children=(
        *_TIP, Field("reason_options", "list", required=False, children=(
            Field("reason_name", "str", required=False), Field("reason_id", "str", required=False))))),),
    errors=errors_with(*_CANCEL_ERRORS),
    notes="Ask before cancelling: whether the items can be cancelled and with which reasons ('the reason_id may be "
          "different for each country'). 'Orders that do not meet the criteria will report an error, and the "
          "specific reason will be displayed in the tip_content field' (tip_type error). Only items from Pending "
          "to Ready To Ship can be cancelled. The page types order_id as String and the create page as Number.",
)

CANCEL_CREATE = Endpoint(
    name="InitReverseOrderCancel", method="GET", path="/order/reverse/cancel/create",
    source=f"{REFUND_API}/initreverseordercancel.json (InitReverseOrderCancel); {CANCEL_GUIDE} step 3",
    query=(Field("order_item_id_list", "str", low=2), Field("order_id", "int"), Field("reason_id", "str", low=1)),
    answer=(Field("data", "object", required=False, children=_TIP),),
    errors=errors_with(*_CANCEL_ERRORS, ErrorCode("104", "refused", "E0104: reason is empty or invalid")),
    notes="An out-of-stock or wrong-price reason sets the SKU's stock to 0 ('to prevent further incorrect "
          "orders'). In a pending order single items may be cancelled; in a packed one 'other order items in the "
          "same package will also be cancelled'. Seller cancellations count against the shop's rating.",
)

CANCEL_DECIDE = Endpoint(
    name="InitReverseOrderCancelDecide", method="GET", path="/order/reverse/cancel/seller/decide",
    source=f"{REFUND_API}/initreverseordercanceldecide.json (InitReverseOrderCancelDecide); "
           f"{API}/order-api/getorderitems.json (need_cancel_confirm, cancel_trigger_time, reverse_order_id)",
    query=(Field("reverse_order_id", "int"), Field("agree_cancel", "bool"),
           Field("reason_code", "int", required=False)),
    answer=(Field("data", "object", required=False),),
    errors=errors_with(*_ROC[:2], ErrorCode("105", "refused", "E0105: reverse order id is empty or invalid"),
                       ErrorCode("131", "refused", "E0131: no decision for this reverse order")),
    notes="A buyer's request to cancel shows on the order items: need_cancel_confirm true ('seller needs to "
          "respond to the cancellation request from buyer'), cancel_trigger_time ('if the seller does not respond "
          "... before this time, the order will auto canceled', ms) and reverse_order_id (the request's id). The "
          "page describes it as 'Seller initiates a cancelation' (a copy of the create page's words).",
)

_LINE = (
    Field("reverse_order_line_id", "int"), Field("trade_order_line_id", "int"),
    Field("reverse_status", "str", low=1), Field("ofc_status", "str", required=False),
    Field("product", "object", required=False, children=(Field("product_id", "int", required=False),
                                                         Field("product_sku", "str", required=False))),
    Field("seller_sku_id", "str", required=False), Field("platform_sku_id", "str", required=False),
    Field("refund_amount", "int", required=False, low=0), Field("item_unit_price", "int", required=False, low=0),
    Field("reason_text", "str", required=False), Field("reason_code", "int", required=False),
    Field("return_order_line_gmt_create", "int", required=False),
    Field("return_order_line_gmt_modified", "int", required=False),
    Field("sla", "int", required=False), Field("is_need_refund", "str", required=False),
    Field("is_dispute", "bool", required=False), Field("tracking_number", "str", required=False),
)

REVERSE_ORDERS = Endpoint(
    name="GetReverseOrdersForSeller", method="GET", path="/reverse/getreverseordersforseller",
    source=f"{REFUND_API}/getreverseordersforseller.json (GetReverseOrdersForSeller); {REVERSE_GUIDE}",
    query=(Field("page_size", "int", low=1, high=100), Field("page_no", "int", low=1),
           Field("request_type_list", "str", required=False), Field("reverse_status_list", "str", required=False),
           Field("ofc_status_list", "str", required=False), Field("reverse_order_id", "int", required=False),
           Field("trade_order_id", "int", required=False),
           Field("return_to_type", "str", required=False, choices=("RTM", "RTW")),
           Field("dispute_in_progress", "bool", required=False),
           Field("ReverseOrderLineModifiedTimeRangeStart", "int", required=False),
           Field("ReverseOrderLineModifiedTimeRangeEnd", "int", required=False),
           Field("ReverseOrderLineTimeRangeStart", "int", required=False),
           Field("ReverseOrderLineTimeRangeEnd", "int", required=False)),
    answer=(Field("result", "object", children=(
        Field("success", "bool"), Field("page_no", "int"), Field("page_size", "int"), Field("total", "int", low=0),
        Field("items", "list", children=(
            Field("reverse_order_id", "int"), Field("trade_order_id", "int"),
            Field("request_type", "str", choices=("CANCEL", "RETURN", "ONLY_REFUND")),
            Field("is_rtm", "bool", required=False), Field("shipping_type", "str", required=False),
            Field("reverse_order_lines", "list", children=_LINE))))),),
    errors=errors_with(MP3),
    notes="Times in ms. page_size 'default 10' with no maximum documented: 100 here (UNCONFIRMED). "
          "refund_amount and item_unit_price are 'currency in cent, except VN (for example for SG, 100 equals SGD "
          "$1)': Indonesia is not excepted, so rupiah = refund_amount / 100. sla: 'seller operation sla in "
          "milliseconds' (the deadline to act). is_need_refund is typed String on this page and Boolean on the "
          "detail page. Statuses on the detail page: REQUEST_INITIATE, REQUEST_REJECT, REQUEST_CANCEL, "
          "CANCEL_SUCCESS; the reverse-order webhook adds the return's later steps (RTM_SHIPPING_BACK, "
          "RTM_RECEIVE_ITEM, REFUND_SUCCESS, ...). request_type CANCEL rows are the buyers' cancel requests.",
)

REVERSE_HISTORY = Endpoint(
    name="GetReverseOrderHistoryList", method="GET", path="/order/reverse/return/history/list",
    source=f"{REFUND_API}/getreverseorderhistorylist.json (GetReverseOrderHistoryList)",
    query=(Field("reverse_order_line_id", "int"), Field("page_size", "int", required=False, low=1),
           Field("page_number", "int", required=False, low=1)),
    answer=(Field("data", "object", required=False, children=(
        Field("list", "list", required=False, children=(
            Field("operator", "str", required=False), Field("picture", "list", required=False, item="str"),
            Field("time", "int", required=False))),
        Field("page_info", "object", required=False))),),
    errors=errors_with(*_ROC, ErrorCode("103", "refused", "E0103: reverse order line id is empty when query reject "
                                                          "reason"),
                       ErrorCode("120", "refused", "E0120: page size invalid"),
                       ErrorCode("121", "refused", "E0121: page number invalid")),
    notes="The communication history: where the buyer's pictures are (the seller-centre help: 'check the "
          "Communication History to see Buyer's Return Reason with supporting documents'). No text field is "
          "documented.",
)

REASON_LIST = Endpoint(
    name="GetReverseOrderReasonList", method="GET", path="/order/reverse/reason/list",
    source=f"{REFUND_API}/getreverseorderreasonlist.json (GetReverseOrderReasonList); {REVERSE_GUIDE} step 2",
    query=(Field("reverse_order_line_id", "int"),),
    answer=(Field("data", "list", required=False, children=(
        Field("reason_id", "int"), Field("text", "str", required=False),
        Field("muti_language_text", "str", required=False))),),
    errors=errors_with(*_ROC, ErrorCode("103", "refused", "E0103: reverse order line id is empty when query reject "
                                                          "reason"),
                       ErrorCode("119", "refused", "E0119: cannot find any cancel reasons for these orders")),
    notes="'Get the list of reject reason. Need to be used in all refuse refund actions.' Per reverse line: the "
          "reasons are not a fixed list, so the channel declares none and the connector asks for them.",
)

RETURN_UPDATE = Endpoint(
    name="ReverseOrderReturnUpdate", method="GET", path="/order/reverse/return/update",
    source=f"{REFUND_API}/reverseorderreturnupdate.json (ReverseOrderReturnUpdate); {REVERSE_GUIDE}",
    query=(Field("action", "str", choices=("instantRefund", "agreeReturn", "refuseReturn", "agreeRefund",
                                           "refuseRefund", "confirmDelivery")),
           Field("reverse_order_id", "int"), Field("reverse_order_item_ids", "str", low=2),
           Field("reason_id", "int", required=False), Field("comment", "str", required=False, low=1),
           Field("image_info", "str", required=False)),
    answer=(Field("data", "object", required=False),),
    errors=errors_with(*_ROC,
                       ErrorCode("100", "refused", "E0100: reverse order list is empty"),
                       ErrorCode("107", "refused", "E0107: invalid action"),
                       ErrorCode("108", "refused", "E0108: reason can't be empty if you want to refuse return or "
                                                   "refund"),
                       ErrorCode("109", "refused", "E0109: comment can't be empty if you want to refuse return or "
                                                   "refund"),
                       ErrorCode("110", "refused", "E0110: image can't be empty if you want to refuse refund"),
                       ErrorCode("111", "refused", "E0111: do not support massive reverse order line operation if "
                                                   "you want to refuse return or refund"),
                       ErrorCode("112", "refused", "E0112: no reverse order found"),
                       ErrorCode("113", "refused", "E0113: reverse order line have unknown status"),
                       ErrorCode("114", "refused", "E0114: this reverse does not support this action"),
                       ErrorCode("125", "refused", "E0125: invalid reverse id"),
                       ErrorCode("126", "refused", "E0126: invalid reverse order lines"),
                       ErrorCode("127", "refused", "E0127: invalid seller id for this reverse order line")),
    notes="A return (request_type RETURN) in REQUEST_INITIATE: instantRefund (refund, nothing comes back), "
          "agreeReturn, or refuseReturn (reason_id from the reason list and a comment are mandatory; one line a "
          "call, E0111). After the item arrives: confirmDelivery, then agreeRefund or refuseRefund (reason, comment "
          "and image_info mandatory). The guide spells the refusal 'refuesReturn' once; the page's list says "
          "refuseReturn.",
)

ONLY_REFUND_DECIDE = Endpoint(
    name="ReverseOrderOnlyRefundDecide", method="GET", path="/order/reverse/onlyrefund/seller/decide",
    source=f"{REFUND_API}/reverseorderonlyrefunddecide.json (ReverseOrderOnlyRefundDecide); {REVERSE_GUIDE}",
    query=(Field("action", "str", choices=("agreeRefund", "startDispute")), Field("reverse_order_id", "int"),
           Field("reverse_order_item_ids", "str", low=2), Field("comment", "str", required=False),
           Field("image_info_list", "str", required=False), Field("video_info_list", "str", required=False)),
    answer=(Field("data", "object", required=False),),
    errors=errors_with(*_ROC[:2],
                       ErrorCode("100", "refused", "E0100: reverse order list is empty"),
                       ErrorCode("107", "refused", "E0107: invalid action"),
                       ErrorCode("109", "refused", "E0109: comment can't be empty if startDispute"),
                       ErrorCode("110", "refused", "E0110: image can't be empty if startDispute"),
                       ErrorCode("112", "refused", "E0112: no reverse order found"),
                       ErrorCode("113", "refused", "E0113: reverse order line have unknown status"),
                       ErrorCode("114", "refused", "E0114: this reverse does not support this action"),
                       ErrorCode("125", "refused", "E0125: invalid reverse id"),
                       ErrorCode("126", "refused", "E0126: invalid reverse order lines"),
                       ErrorCode("133", "refused", "E0133: do not support batch operation")),
    notes="Refund-only requests (request_type ONLY_REFUND, 'limited to specific categories', e.g. fresh food): "
          "agreeRefund, or startDispute with a comment and pictures (which the app has none of: refusing one is "
          "done in Seller Center). 'currently list size can be only 1'. The page lists code 118 with E0108's words.",
)

REVERSE: tuple[Endpoint, ...] = (CANCEL_VALIDATE, CANCEL_CREATE, CANCEL_DECIDE, REVERSE_ORDERS, REVERSE_HISTORY,
                                 REASON_LIST, RETURN_UPDATE, ONLY_REFUND_DECIDE)
