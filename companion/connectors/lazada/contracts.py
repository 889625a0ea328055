"""Lazada Open Platform contracts: what each API the connector calls takes and gives, from Lazada's published API
reference as scraped in lazykern/ecommerce-api-docs (`data/raw/lazada/apis/<group>/<api>.json`: parameters,
outputParameters, errorCodes) and its guides (`data/processed/lazada/guides/...`), written in our own form.

Every call also carries the common parameters (app_key, timestamp in ms, sign_method=sha256, sign, and access_token
except on the auth host); `COMMON` lists them and `COMMON_ERRORS` the codes any call may answer. A POST sends its
parameters as a form body (the official SDK's way), so a request's parameters are checked as `query` here.
The reference types every request parameter as text or number; an id it types as a string stays "str".
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.lazada.contract_common import (
    API,
    COMMON,
    COMMON_ERRORS,
    DOCS,
    ENVELOPE,
    ERROR_ENVELOPE,
    GUIDES,
    errors_with,
)
from companion.connectors.lazada.contracts_fulfilment import FULFILMENT
from companion.connectors.lazada.contracts_reviews import REVIEW_CONTRACTS

__all__ = ["API", "COMMON", "COMMON_ERRORS", "DOCS", "ENDPOINTS", "ENVELOPE", "ERROR_ENVELOPE", "GUIDES"]
_errors = errors_with

_TOKEN_ANSWER = (
    Field("access_token", "str", low=1),
    Field("refresh_token", "str", low=1),
    Field("expires_in", "int", low=0),
    Field("account", "str"),
    Field("account_platform", "str"),
    Field("country", "str"),
)
_TOKEN_ERRORS = (
    ErrorCode("IncompleteSignature", "refused", "The request signature does not conform to lazop standards"),
    ErrorCode("MissingParameter", "refused", "the input parameter “sign” that is mandatory ... is not supplied"),
)
_USER = (Field("country", "str"), Field("seller_id", "str"), Field("user_id", "str"),
         Field("short_code", "str", required=False))

TOKEN_CREATE = Endpoint(
    name="GenerateAccessToken", method="POST", path="/auth/token/create",
    source=f"{API}/system-api/generateaccesstoken.json (GenerateAccessToken); auth host https://auth.lazada.com/rest",
    query=(Field("code", "str", low=1), Field("uuid", "str", required=False)),
    answer=(*_TOKEN_ANSWER, Field("refresh_expires_in", "str"), Field("country_user_info", "list", children=_USER),
            Field("account_id", "str", required=False)),
    errors=(*_TOKEN_ERRORS, ErrorCode("InvalidCode", "refused", "Invalid authorization code (used, or older than "
                                                                "half an hour)")),
    notes="The create page types refresh_expires_in as String and names the users country_user_info; the refresh "
          "page types it as Number and names them country_user_info_list. The practice server follows each page; "
          "the client reads refresh_expires_in either way. account_id is documented 'Allow null' (null for "
          "seller_center accounts), so it is not required. `uuid`: 'currently invalid, do not use'.",
)

TOKEN_REFRESH = Endpoint(
    name="RefreshAccessToken", method="POST", path="/auth/token/refresh",
    source=f"{API}/system-api/refreshaccesstoken.json (RefreshAccessToken); auth host https://auth.lazada.com/rest",
    query=(Field("refresh_token", "str", low=1),),
    answer=(*_TOKEN_ANSWER, Field("refresh_expires_in", "int", low=0),
            Field("country_user_info_list", "list", children=_USER), Field("account_id", "str", required=False)),
    errors=(*_TOKEN_ERRORS,
            ErrorCode("IllegalRefreshToken", "relink", "The specified refresh token is invalid or expired: have "
                                                       "your seller re-login for authorization"),
            ErrorCode("AUTH_TYPE_UNSUPPORTED", "relink", "appkey can only be authorized by market, not support "
                                                         "refresh")),
    notes="See GenerateAccessToken for the two pages' disagreement. A refresh_expires_in of 0 means the token "
          "cannot be refreshed (marketplaces.md §3.3).",
)

_ISO = "str"  # ISO 8601 with offset, e.g. 2024-01-15T10:20:30+07:00 (E017 otherwise)
_ORDER = (
    Field("order_id", "str", low=1),
    Field("order_number", "str", low=1),
    Field("created_at", "str", low=1),
    Field("updated_at", "str", low=1),
    Field("price", "str"),
    Field("shipping_fee", "str"),
    Field("payment_method", "str"),
    Field("statuses", "list", item="str"),
    Field("items_count", "int", low=0),
    Field("promised_shipping_times", "str"),
    Field("customer_first_name", "str"),
    Field("customer_last_name", "str"),
    Field("voucher", "str"),
    Field("gift_option", "str"),
    Field("buyer_note", "str", required=False),
    # "City name" (the page's demo "Singapore-Singapore-500001" shows it may carry more than the city)
    Field("address_shipping", "object", children=(Field("city", "str"),)),
)

ORDERS_GET = Endpoint(
    name="GetOrders", method="GET", path="/orders/get",
    source=f"{API}/order-api/getorders.json (GetOrders)",
    query=(Field("update_after", _ISO, required=False), Field("update_before", _ISO, required=False),
           Field("created_after", _ISO, required=False), Field("created_before", _ISO, required=False),
           Field("status", "str", required=False, choices=(
               "unpaid", "pending", "packed", "canceled", "ready_to_ship", "delivered", "returned", "shipped",
               "failed", "topack", "toship", "shipping", "lost", "lost_by_3pl", "damaged_by_3pl", "failed_delivery",
               "shipped_back", "shipped_back_success", "shipped_back_failed", "package_scrapped")),
           Field("sort_by", "str", required=False, choices=("created_at", "updated_at")),
           Field("sort_direction", "str", required=False, choices=("ASC", "DESC")),
           Field("offset", "int", required=False, low=0),
           Field("limit", "int", required=False, low=1, high=100)),
    answer=(Field("data", "object", children=(
        Field("count", "int", low=0), Field("countTotal", "int", required=False, low=0),
        Field("orders", "list", children=_ORDER))),),
    errors=_errors(ErrorCode("14", "refused", "E014: Invalid Offset"),
                   ErrorCode("17", "refused", "E017: Invalid Date Format (YYYY-MM-DDTHH:mm:ss±HH:MM)"),
                   ErrorCode("19", "refused", "E019: Invalid Limit"),
                   ErrorCode("36", "refused", "E036: Invalid status filter"),
                   ErrorCode("74", "refused", "E074: Invalid sort direction"),
                   ErrorCode("75", "refused", "E075: Invalid sort filter"),
                   ErrorCode("SellerNotVerified", "not_permitted", "Seller not verified: the store opening is not "
                                                                   "complete in Seller Center")),
    notes="Either update_after or created_after is mandatory (the page marks both optional and says so in words). "
          "GetOrders types order_id/order_number as String while GetMultipleOrderItems types them as Number: each "
          "answer follows its own page. Every field of an order is marked always present; we list those we read.",
)

ORDER_GET = Endpoint(
    name="GetOrder", method="GET", path="/order/get",
    source=f"{API}/order-api/getorder.json (GetOrder)",
    query=(Field("order_id", "int"),),
    answer=(Field("data", "object", children=_ORDER),),
    errors=_errors(ErrorCode("16", "refused", "E016: Invalid Order ID (not an order of this store)"),
                   ErrorCode("6", "temporary", "E006: System Error")),
)

_ITEM = (
    Field("order_item_id", "int"),
    Field("order_id", "int"),
    Field("name", "str"),
    Field("sku", "str"),
    Field("shop_sku", "str"),
    Field("variation", "str"),
    Field("item_price", "str"),
    Field("paid_price", "str"),
    Field("status", "str", low=1),  # one status per order item: a partial cancellation is per item
    Field("promised_shipping_time", "str"),
    Field("created_at", "str"),
    Field("updated_at", "str"),
    Field("sku_id", "str", required=False),
    Field("product_id", "any", required=False),
    Field("cancel_return_initiator", "str", required=False),
    # shipping (issue 15): the item's package, its tracking code and the 3PL ("such as LEX")
    Field("package_id", "str"),
    Field("tracking_code", "str"),
    Field("shipment_provider", "str"),
    Field("reason", "str", required=False),  # "Cancel, Return or other reason" (marked always present)
    # a buyer's cancel request the seller must answer: "true: seller needs to respond to the cancellation request
    # from buyer", its id, and when the order cancels itself without an answer (ms)
    Field("need_cancel_confirm", "bool", required=False),
    Field("reverse_order_id", "int", required=False),
    Field("cancel_trigger_time", "int", required=False),
)

ORDERS_ITEMS_GET = Endpoint(
    name="GetMultipleOrderItems", method="GET", path="/orders/items/get",
    source=f"{API}/order-api/getmultipleorderitems.json (GetMultipleOrderItems)",
    query=(Field("order_ids", "str", low=3),),  # "[1,2]": 1 to 50 ids in square brackets
    answer=(Field("data", "list", children=(
        Field("order_id", "int"), Field("order_number", "int"), Field("order_items", "list", children=_ITEM))),),
    errors=_errors(ErrorCode("37", "refused", "E037: One or more order id in the list are incorrect"),
                   ErrorCode("38", "refused", "E038: Too many orders were requested (more than 50)"),
                   ErrorCode("39", "refused", "E039: No orders were found"),
                   ErrorCode("56", "refused", "E056: Invalid OrdersIdList format. Must use array format [1,2]")),
    notes="product_id is not in the page's field list; the live API carries it (UNCONFIRMED), so it is optional "
          "and untyped. Items are one row per unit (no quantity field). The shipping and cancel-request fields "
          "(package_id, tracking_code, shipment_provider, need_cancel_confirm, reverse_order_id, "
          "cancel_trigger_time, reason) are from the GetOrderItems page (order-api/getorderitems.json), which "
          "describes the same item rows.",
)

_SKU = (
    Field("SkuId", "int"),
    Field("SellerSku", "str"),
    Field("quantity", "int", required=False, low=0),   # the total
    Field("Available", "int", required=False, low=0),  # sellable
    Field("saleProp", "object", required=False),
    Field("multiWarehouseInventories", "list", required=False, children=(
        Field("warehouseCode", "str"), Field("sellableQuantity", "int", low=0), Field("totalQuantity", "int", low=0),
        Field("occupyQuantity", "int", low=0), Field("withholdQuantity", "int", low=0))),
)

PRODUCTS_GET = Endpoint(
    name="GetProducts", method="GET", path="/products/get",
    source=f"{API}/product-api/getproducts.json (GetProducts); SKU stock fields from {GUIDES}/api-best-practice/"
           "product-operation/product-inventory-management/inventory-calculation-logic.md",
    query=(Field("filter", "str", required=False, choices=("all", "live", "inactive", "deleted", "image-missing",
                                                           "pending", "rejected", "sold-out")),
           Field("offset", "int", required=False, low=0, high=10000),
           Field("limit", "int", required=False, low=1, high=50),
           Field("update_after", _ISO, required=False), Field("update_before", _ISO, required=False),
           Field("create_after", _ISO, required=False), Field("create_before", _ISO, required=False),
           Field("options", "str", required=False), Field("sku_seller_list", "str", required=False)),
    answer=(Field("data", "object", children=(
        Field("total_products", "int", low=0),
        Field("products", "list", children=(
            Field("item_id", "int"), Field("attributes", "object", children=(Field("name", "str"),)),
            Field("skus", "list", children=_SKU))))),),
    errors=_errors(ErrorCode("6", "temporary", "E006: Unexpected internal error"),
                   ErrorCode("14", "refused", "E014: Invalid Offset (offset at most 10000)"),
                   ErrorCode("17", "refused", "E017: Invalid Date Format"),
                   ErrorCode("19", "refused", "E019: Invalid Limit (at most 50)"),
                   ErrorCode("36", "refused", "E036: Invalid status filter"),
                   ErrorCode("70", "refused", "E070: You have corrupt data in your sku seller list"),
                   ErrorCode("506", "temporary", "E506: Get product failed"),
                   ErrorCode("SellerNotVerified", "not_permitted", "Seller not verified")),
    notes="The page marks every answer field optional and lists no SKU fields; `filter` is described as "
          "'Mandatory' yet typed optional. The SKU fields are the live API's (the inventory guide's sample). "
          "quantity is the TOTAL stock; Available the sellable stock — we read the sellable one.",
)

_STOCK_ERRORS = (
    ErrorCode("5", "refused", "E005: Invalid Request Format"),
    ErrorCode("6", "temporary", "E006: Unexpected internal error: retry"),
    ErrorCode("30", "refused", "E030: Empty Request"),
    ErrorCode("501", "item_refused", "Update product failed: an overview code, the detail field names the SKUs "
                                     "and the causes"),
    ErrorCode("513", "temporary", "Internal call exception: send 20 SKUs or fewer"),
    ErrorCode("1000", "temporary", "Internal Application Error"),
    ErrorCode("4170", "item_refused", "The SKU is in a campaign: stock may be raised, not lowered, until it ends"),
)

SELLABLE_UPDATE = Endpoint(
    name="UpdateSellableQuantity", method="POST", path="/product/stock/sellable/update",
    source=f"{API}/product-api/updatesellablequantity.json (UpdateSellableQuantity); {GUIDES}/api-best-practice/"
           "product-operation/product-inventory-management/inventory-management-api.md (UpdateSellableQuantity)",
    query=(Field("payload", "str", low=1),),
    answer=(Field("data", "object", required=False),),
    errors=_errors(*_STOCK_ERRORS, ErrorCode("204", "refused", "E204: Too many SKU in one request (more than 50)")),
    notes="payload: <Request><Product><Skus><Sku><ItemId/><SkuId/><SellerSku/><SellableQuantity>N</...></Sku>, at "
          "most 50 SKUs (20 recommended). Sets sellable stock by overriding; must be ≥ 0 and ≥ the units a campaign "
          "locks (channelInventories). Single-warehouse sellers must not use the MultiWarehouseInventories form. "
          "The page says GET/POST; we POST.",
)

PRICE_QUANTITY_UPDATE = Endpoint(
    name="UpdatePriceQuantity", method="POST", path="/product/price_quantity/update",
    source=f"{API}/product-api/updatepricequantity.json (UpdatePriceQuantity); {GUIDES}/api-best-practice/"
           "product-operation/product-inventory-management/inventory-management-api.md (UpdatePriceQuantity)",
    query=(Field("payload", "str", low=1),),
    answer=(Field("data", "object", required=False),),
    errors=_errors(*_STOCK_ERRORS,
                   ErrorCode("204", "refused", "E204: Too many SKU in one request"),
                   ErrorCode("4171", "refused", "The updated SKU quantity exceeds the maximum number 50"),
                   ErrorCode("4225", "refused", "A Global Plus (semi-hosted) product: use the sellable APIs")),
    notes="<Quantity> sets the TOTAL stock (sellable + withheld by unpaid orders + occupied by paid orders not yet "
          "ready to ship + campaign-locked) and must be at least withhold + occupy + campaign. The connector does "
          "not push through it (it pushes sellable stock); the contract is kept because the practice marketplace "
          "serves it and enforces that rule. The page marks data required, the sellable page optional: the "
          "practice server always sends it.",
)

_IM_ANSWER = (Field("success", "bool"), Field("err_code", "str"), Field("err_message", "str"))

SESSION_LIST = Endpoint(
    name="GetSessionList", method="GET", path="/im/session/list",
    source=f"{API}/instant-messaging-api/getsessionlist.json (GetSessionList); {GUIDES}/api-best-practice/"
           "lazada-im-open-api.md §3.1 and §7",
    query=(Field("start_time", "int"), Field("page_size", "int", low=1, high=20),
           Field("last_session_id", "str", required=False)),
    answer=(*_IM_ANSWER, Field("data", "object", children=(
        Field("has_more", "bool"), Field("next_start_time", "int"), Field("last_session_id", "str", required=False),
        Field("session_list", "list", children=(
            Field("session_id", "str"), Field("buyer_id", "int"), Field("title", "str"), Field("summary", "str"),
            Field("unread_count", "int", low=0), Field("last_message_time", "int"),
            Field("last_message_id", "str")))))),
    errors=COMMON_ERRORS,
    notes="MUST NOT be polled: the IM guide (§7) says an app found polling /im/session/list or /im/message/list has "
          "its API permissions reclaimed at once; Lazada pushes IM events instead. The API page types "
          "next_start_time as Number, the guide as String (we send it back as text either way). page_size: "
          "'limit 20' in the guide. No IM error codes are documented beyond success/err_code.",
)

MESSAGE_LIST = Endpoint(
    name="GetMessages", method="GET", path="/im/message/list",
    source=f"{API}/instant-messaging-api/getmessages.json (GetMessages); {GUIDES}/api-best-practice/"
           "lazada-im-open-api.md (GetMessages, message fields)",
    query=(Field("session_id", "str", low=1), Field("start_time", "int"), Field("page_size", "int", low=1, high=20),
           Field("last_message_id", "str", required=False)),
    answer=(*_IM_ANSWER, Field("data", "object", children=(
        Field("has_more", "bool"), Field("next_start_time", "int"), Field("last_message_id", "str", required=False),
        Field("message_list", "list", children=(
            Field("message_id", "str"), Field("session_id", "str"), Field("from_account_id", "str"),
            Field("from_account_type", "int", choices=(1, 2)), Field("to_account_id", "str"),
            Field("to_account_type", "int", choices=(1, 2)), Field("type", "int", choices=(1, 2)),
            Field("content", "str"), Field("send_time", "int"), Field("template_id", "int", required=False),
            Field("process_msg", "str", required=False), Field("status", "int", required=False, choices=(0, 1)),
            Field("auto_reply", "bool", required=False)))))),
    errors=COMMON_ERRORS,
    notes="A non-empty process_msg: the platform's safety check stopped the message, only the seller sees it, and "
          "the app must show that notice. status 1: recalled. template_id is in the guide's field table, not the "
          "API page's. Must not be polled (see GetSessionList).",
)

MESSAGE_SEND = Endpoint(
    name="SendMessage", method="POST", path="/im/message/send",
    source=f"{API}/instant-messaging-api/sendmessage.json (SendMessage); {GUIDES}/api-best-practice/"
           "lazada-im-open-api.md (SendMessage)",
    query=(Field("session_id", "str", low=1),
           Field("template_id", "int", choices=(1, 3, 4, 6, 10006, 10007, 10008, 10010)),
           Field("txt", "str", required=False, low=1), Field("img_url", "str", required=False),
           Field("width", "int", required=False), Field("height", "int", required=False),
           Field("item_id", "str", required=False), Field("order_id", "str", required=False),
           Field("promotion_id", "str", required=False), Field("video_id", "str", required=False)),
    answer=(*_IM_ANSWER, Field("data", "object", children=(
        Field("message_id", "str", low=1), Field("current_time", "int")))),
    errors=COMMON_ERRORS,
    notes="template_id is missing from the API page's parameter list but required by the guide. A message the "
          "safety check stops is still answered as sent: only the message list's process_msg tells.",
)

# The review contracts (issue 16) are in contracts_reviews.py, the shipping ones in contracts_fulfilment.py.
ENDPOINTS: tuple[Endpoint, ...] = (
    TOKEN_CREATE, TOKEN_REFRESH, ORDERS_GET, ORDER_GET, ORDERS_ITEMS_GET, PRODUCTS_GET, SELLABLE_UPDATE,
    PRICE_QUANTITY_UPDATE, SESSION_LIST, MESSAGE_LIST, MESSAGE_SEND, *FULFILMENT, *REVIEW_CONTRACTS,
)
