"""TikTok Shop's contracts: every endpoint the connector calls, from the published Partner API reference.

Sources (scraped official pages, collected in lazykern/ecommerce-api-docs):
- REF = data/raw/tiktok/api-reference/<section>/<page>.spec.json (one page per API: query, body, answer, error list)
- ERRORS = data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/common-errors.md (codes every API
  may answer: authentication, authorization, throttling)
- AUTH = data/processed/tiktok/guides/developer-guide/get-started/authorization/authorization-overview-202407.md
- RATE = data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/rate-limits.md (HTTP 429)
The reference marks every answer field optional ("N"); a field is `required` here when the page's own samples and
descriptions always carry it and our connector cannot do without it (ids, statuses, times): the stricter reading.
Ids and amounts are strings where the reference types them "string" (sku_id, product_id, sale_price).
36009004 covers several faults; its message names which (`words`), so `meaning_of` reads the message too.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.tiktok.fulfilment_contracts import FULFILMENT_ENDPOINTS

REF = "lazykern/ecommerce-api-docs: data/raw/tiktok/api-reference/"
COMMON_ERRORS = "lazykern/ecommerce-api-docs: data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/" \
                "common-errors.md"
AUTH = "lazykern/ecommerce-api-docs: data/processed/tiktok/guides/developer-guide/get-started/authorization/" \
       "authorization-overview-202407.md"

# -- codes every signed API may answer (common-errors.md; 429 from rate-limits.md) ------------------------------
COMMON: tuple[ErrorCode, ...] = (
    ErrorCode("36009002", "throttled", "Too many requests (HTTP 429)"),
    ErrorCode("36009003", "temporary", "Internal error. Please try again"),
    ErrorCode("105002", "auth_expired", "Expired credentials: access_token / x-tts-access-token has expired"),
    ErrorCode("36009004", "auth_expired", "x-tts-access-token"),      # "Invalid credentials. The `x-tts-access-token`
    ErrorCode("36009004", "clock", "timestamp"),                      # header is invalid" / "Invalid timestamp ..."
    ErrorCode("36009004", "refused", "app_key"),                      # invalid app_key, missing sign, identifiers
    ErrorCode("106001", "refused", "Invalid credentials. The sign query parameter is invalid"),
    ErrorCode("106013", "refused", "Missing identifier: shop_cipher is required"),
    ErrorCode("105005", "not_permitted", "Access denied: the granted scopes lack the endpoint's scope"),
    ErrorCode("36009033", "ip_not_allowed", "Access denied: IP address not in the app's IP allow list"),
    ErrorCode("36009009", "refused", "Invalid path"),
    ErrorCode("36009010", "refused", "Invalid method"),
)


def _f(name: str, type_: str, required: bool = True, **kw: object) -> Field:
    return Field(name, type_, required, **kw)  # type: ignore[arg-type]


ENVELOPE = (_f("code", "int"), _f("message", "str"), _f("request_id", "str"))


def answer(*data: Field, data_required: bool = True) -> tuple[Field, ...]:
    """`{code, message, request_id, data}`: the envelope every answer carries, `data` holding what we read."""
    return (*ENVELOPE, _f("data", "object", data_required, children=data))


TOKEN_DATA = (_f("access_token", "str"), _f("access_token_expire_in", "int"), _f("refresh_token", "str"),
              _f("refresh_token_expire_in", "int"), _f("open_id", "str", False), _f("seller_name", "str", False),
              _f("granted_scopes", "list", False, item="str"))
TOKEN_ERRORS = (ErrorCode("36009004", "relink", "Invalid credentials"),
                ErrorCode("36009002", "throttled", "Too many requests"),
                ErrorCode("36009003", "temporary", "Internal error"))

LINE_ITEM = (_f("id", "str"), _f("sku_id", "str"), _f("product_id", "str"), _f("product_name", "str", False),
             _f("sku_name", "str", False), _f("seller_sku", "str", False), _f("sale_price", "str", False),
             _f("original_price", "str", False), _f("display_status", "str"), _f("cancel_reason", "str", False))
ORDER = (_f("id", "str"), _f("status", "str", choices=("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT",
                                                         "PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT",
                                                         "DELIVERED", "COMPLETED", "CANCELLED")),
         _f("create_time", "int"), _f("update_time", "int"), _f("rts_sla_time", "int", False),
         _f("shipping_due_time", "int", False),
         _f("recipient_address", "object", False, children=(
             _f("name", "str", False),
             _f("district_info", "list", False, children=(_f("address_level_name", "str", False),
                                                         _f("address_name", "str", False),
                                                         _f("address_level", "str", False))))),
         _f("line_items", "list", children=LINE_ITEM),
         # shipping (issue 15; get-order-detail.spec.json): packages appear once the order awaits shipment
         _f("packages", "list", False, children=(_f("id", "str"),)), _f("shipping_provider", "str", False),
         _f("shipping_provider_id", "str", False), _f("tracking_number", "str", False),
         _f("shipping_type", "str", False, choices=("TIKTOK", "SELLER")), _f("delivery_option_id", "str", False),
         _f("is_buyer_request_cancel", "bool", False))
SKU_INVENTORY = (_f("warehouse_id", "str"), _f("quantity", "int"))
PARTICIPANT = (_f("im_user_id", "str", False), _f("user_id", "str", False), _f("nickname", "str", False),
               _f("role", "str", choices=("BUYER", "SHOP", "CUSTOMER_SERVICE")))
SENDER = (_f("im_user_id", "str", False), _f("nickname", "str", False),
          _f("role", "str", choices=("BUYER", "SHOP", "CUSTOMER_SERVICE", "SYSTEM", "ROBOT")))
MESSAGE = (_f("id", "str"), _f("type", "str"), _f("content", "str"), _f("create_time", "int"),
           _f("is_visible", "bool"), _f("sender", "object", children=SENDER))
CS_ERRORS = (ErrorCode("45101001", "temporary", "Internal error (reading)"),
             ErrorCode("45101003", "refused", "Record not found"),
             ErrorCode("45101004", "throttled", "Query quota reached (10000 requests per day)"))
CS_NOTE = ("Customer Service API is inactive by default: the partner applies and the Account Manager approves it "
           "(data/processed/tiktok/guides/developer-guide/developing-for-the-tiktok-shop-app-store/solution-guidance/"
           "customer-service/app-features.md); before that the token lacks its scope, answered as 105005 (the code "
           "for a missing scope in common-errors.md; which code an inactive CS API answers is UNCONFIRMED).")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        name="token_get", method="GET", path="/api/v2/token/get", source=AUTH + " (Get Access Token API)",
        query=(_f("app_key", "str"), _f("app_secret", "str"), _f("auth_code", "str"),
               _f("grant_type", "str", choices=("authorized_code",))),
        answer=answer(*TOKEN_DATA), errors=TOKEN_ERRORS,
        notes="auth host, unsigned; *_expire_in are Unix timestamps. Failure codes are only said to be the common "
              "ones: a refused code answers 36009004 'Invalid credentials' (UNCONFIRMED which exact code).",
    ),
    Endpoint(
        name="token_refresh", method="GET", path="/api/v2/token/refresh", source=AUTH + " (Get Refresh Token API)",
        query=(_f("app_key", "str"), _f("app_secret", "str"), _f("refresh_token", "str"),
               _f("grant_type", "str", choices=("refresh_token",))),
        answer=answer(*TOKEN_DATA), errors=TOKEN_ERRORS,
        notes="auth host, unsigned; a refused refresh token cannot be fixed by retrying: the seller re-links.",
    ),
    Endpoint(
        name="authorized_shops", method="GET", path="/authorization/202309/shops",
        source=REF + "authorization/get-authorized-shops.spec.json", extra_query=True,
        answer=answer(_f("shops", "list", children=(_f("id", "str"), _f("name", "str"), _f("region", "str", False),
                                                      _f("cipher", "str")))),
        errors=COMMON, notes="not shop-scoped: no shop_cipher (36009004 'Unexpected identifier' otherwise).",
    ),
    Endpoint(
        name="orders_search", method="POST", path="/order/202309/orders/search",
        source=REF + "orders/get-order-list.spec.json (Get Order List)", extra_query=True,
        query=(_f("page_size", "int", low=1, high=100), _f("page_token", "str", False),
               _f("sort_field", "str", False, choices=("create_time", "update_time")),
               _f("sort_order", "str", False, choices=("ASC", "DESC"))),
        body=(_f("order_status", "str", False), _f("create_time_ge", "int", False),
              _f("create_time_lt", "int", False), _f("update_time_ge", "int", False),
              _f("update_time_lt", "int", False), _f("shipping_type", "str", False, choices=("TIKTOK", "SELLER")),
              _f("buyer_user_id", "str", False), _f("is_buyer_request_cancel", "bool", False),
              _f("warehouse_ids", "list", False, high=100, item="str")),
        answer=answer(_f("orders", "list", children=ORDER), _f("next_page_token", "str"),
                      _f("total_count", "int")),
        errors=COMMON, notes="the page lists only 36009003; parameter errors are not documented for it.",
    ),
    Endpoint(
        name="orders_detail", method="GET", path="/order/202309/orders",
        source=REF + "orders/get-order-detail.spec.json (Get Order Detail)", extra_query=True,
        query=(_f("ids", "str", low=1),),
        answer=answer(_f("orders", "list", children=ORDER)),
        errors=(*COMMON, ErrorCode("10006402", "not_permitted", "permission denied"),
                ErrorCode("21008111", "refused", "The order does not belong to the current seller"),
                ErrorCode("10002014", "temporary", "Failed to get orders, retry")),
        notes="ids: comma-separated, at most 50. The reference page is now version 202507 of the same path; "
              "202309 answers the same order object (line items one per unit, each with its display_status).",
    ),
    Endpoint(
        name="products_search", method="POST", path="/product/202309/products/search",
        source=REF + "products/search-products.spec.json (Search Products)", extra_query=True,
        query=(_f("page_size", "int", low=1, high=100), _f("page_token", "str", False)),
        body=(_f("status", "str", False, choices=("ALL", "DRAFT", "PENDING", "FAILED", "ACTIVATE",
                                                  "SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED", "FREEZE",
                                                  "DELETED")),
              _f("seller_skus", "list", False, high=10, item="str"), _f("sku_ids", "list", False, high=10,
                                                                          item="str"),
              _f("update_time_ge", "int", False), _f("update_time_le", "int", False)),
        answer=answer(_f("products", "list", children=(
            _f("id", "str"), _f("title", "str"), _f("status", "str"), _f("update_time", "int"),
            _f("skus", "list", children=(_f("id", "str"), _f("seller_sku", "str", False),
                                         _f("inventory", "list", children=SKU_INVENTORY))))),
            _f("next_page_token", "str"), _f("total_count", "int")),
        errors=(*COMMON, ErrorCode("12019109", "refused", "page size is invalid"),
                ErrorCode("12019027", "refused", "at most 10 seller_skus"),
                ErrorCode("12052700", "not_permitted", "The seller is inactive")),
        notes="the reference page is version 202502 of the same path; its SKUs carry no sales_attributes (variant "
              "names come from Get Product, read again only when a product's update_time changes).",
    ),
    Endpoint(
        name="product_detail", method="GET", path="/product/202309/products/{product_id}",
        source=REF + "products/get-product.spec.json (Get Product)", extra_query=True,
        query=(_f("return_under_review_version", "bool", False), _f("return_draft_version", "bool", False),
               _f("locale", "str", False)),
        answer=answer(_f("id", "str"), _f("title", "str"), _f("status", "str"), _f("update_time", "int"),
                      _f("skus", "list", children=(
                          _f("id", "str"), _f("seller_sku", "str", False),
                          _f("sales_attributes", "list", False, children=(
                              _f("id", "str", False), _f("name", "str"), _f("value_id", "str", False),
                              _f("value_name", "str")))))),
        errors=(*COMMON,
                ErrorCode("12019150", "refused", "The product ID does not exist"),
                ErrorCode("12052032", "refused", "The product does not exist"),
                ErrorCode("12052048", "refused", "isn't listed in your account or shop"),
                ErrorCode("12052260", "refused", "The product ID does not exist"),
                ErrorCode("12052547", "refused", "There is no version of this product that is under review"),
                ErrorCode("12052704", "refused", "seller id not exist"),
                ErrorCode("12052901", "refused", "The product in its current status is not available")),
        notes="every property of a product except FREEZE or DELETED ones; each SKU's sales_attributes[] (name, "
              "value_name, e.g. Color / Red) name its variant, which products/search does not carry. "
              "return_draft_version and return_under_review_version are mutually exclusive.",
    ),
    Endpoint(
        name="inventory_search", method="POST", path="/product/202309/inventory/search",
        source=REF + "products/inventory-search.spec.json (Inventory Search)", extra_query=True,
        body=(_f("product_ids", "list", False, high=100, item="str"),
              _f("sku_ids", "list", False, high=600, item="str")),
        answer=answer(_f("inventory", "list", children=(_f("product_id", "str"), _f("skus", "list", children=(
            _f("id", "str"), _f("seller_sku", "str", False), _f("total_available_quantity", "int", False),
            _f("warehouse_inventory", "list", children=(_f("warehouse_id", "str"),
                                                        _f("available_quantity", "int", False)))))))),
        errors=(*COMMON, ErrorCode("12019015", "refused", "The number of SKU exceed the limit"),
                ErrorCode("12019120", "refused", "Too many product IDs"),
                ErrorCode("12019008", "refused", "Product id is invalid")),
        notes="sku_ids win when both are sent.",
    ),
    Endpoint(
        name="inventory_update", method="POST", path="/product/202309/products/{product_id}/inventory/update",
        source=REF + "products/update-inventory.spec.json (Update Inventory)", extra_query=True,
        body=(_f("skus", "list", low=1, high=100, children=(
            _f("id", "str"),
            _f("inventory", "list", low=1, children=(_f("warehouse_id", "str", False),
                                                     _f("quantity", "int", low=1, high=99_999),
                                                     _f("backorder_quantity", "int", False),
                                                     _f("handling_time", "int", False))))),),
        answer=answer(_f("errors", "list", False, children=(
            _f("code", "int"), _f("message", "str"),
            _f("detail", "object", False, children=(_f("sku_id", "str"), _f("extra_errors", "list", False, children=(
                _f("warehouse_id", "str", False), _f("code", "int", False), _f("message", "str", False)))))))),
        errors=(*COMMON,
                ErrorCode("12052032", "refused", "The product does not exist"),
                ErrorCode("12052556", "refused", "The SKU id not exist"),
                ErrorCode("12052036", "refused", "The SKU ID is necessary"),
                ErrorCode("12052902", "refused", "The SKU list is empty"),
                ErrorCode("12052050", "refused", "A single product cannot have more than 100 SKUs"),
                ErrorCode("12052901", "refused", "The product in its current status is not available"),
                ErrorCode("12019022", "item_refused", "SKU must contain a valid warehouse"),
                ErrorCode("12019028", "item_refused", "Multiple warehouses detected: include all warehouse IDs"),
                ErrorCode("12052530", "item_refused", "The warehouse does not belong to this shop/seller"),
                ErrorCode("12052055", "item_refused", "quantity for the warehouse must be within allowed limits"),
                ErrorCode("12019024", "item_refused", "stock count is invalid"),
                ErrorCode("12052393", "item_refused", "Product locked for Promotion: stock can't go below current")),
        notes="quantity range [1, 99,999] per warehouse (lazykern/ecommerce-api-docs' Update Inventory page; the "
              "schema generated from the same reference in lywzx/tiktok-partner-api, products/UpdateInventory.ts, "
              "says 'non-negative numbers (include number 0) and less than 99999': the sources disagree, the "
              "stricter [1, 99,999] is kept, so a sold-out SKU is never sent as 0 and the owner is told). "
              "Every warehouse assigned to the SKU must be listed; warehouse_id optional "
              "only with one. Per-SKU failures come in data.errors[] (detail.sku_id, extra_errors[].warehouse_id) "
              "while the other SKUs are applied. At most 100 SKUs per product.",
    ),
    Endpoint(
        name="conversations", method="GET", path="/customer_service/202309/conversations",
        source=REF + "customer-service/get-conversations.spec.json (Get Conversations)", extra_query=True,
        query=(_f("page_size", "int", low=1, high=20), _f("page_token", "str", False), _f("locale", "str", False)),
        answer=answer(_f("conversations", "list", children=(
            _f("id", "str"), _f("unread_count", "int"), _f("create_time", "int"), _f("can_send_message", "bool"),
            _f("participants", "list", children=PARTICIPANT),
            _f("latest_message", "object", False, children=MESSAGE))), _f("next_page_token", "str")),
        errors=(*COMMON, *CS_ERRORS), notes=CS_NOTE,
    ),
    Endpoint(
        name="messages", method="GET", path="/customer_service/202309/conversations/{conversation_id}/messages",
        source=REF + "customer-service/get-conversation-messages.spec.json (Get Conversation Messages)",
        extra_query=True,
        query=(_f("page_size", "int", low=1, high=10), _f("page_token", "str", False), _f("locale", "str", False),
               _f("sort_order", "str", False, choices=("ASC", "DESC")),
               _f("sort_field", "str", False, choices=("create_time", "index"))),
        answer=answer(_f("messages", "list", children=MESSAGE), _f("next_page_token", "str")),
        errors=(*COMMON, *CS_ERRORS),
        notes=CS_NOTE + " is_visible=false: not to be shown to customer service (e.g. the buyer's rating request).",
    ),
    Endpoint(
        name="send_message", method="POST", path="/customer_service/202309/conversations/{conversation_id}/messages",
        source=REF + "customer-service/send-message.spec.json (Send Message)", extra_query=True,
        body=(_f("type", "str", choices=("TEXT", "IMAGE", "PRODUCT_CARD", "ORDER_CARD", "RETURN_REFUND_CARD",
                                         "COUPON_CARD")),
              _f("content", "str", low=1)),
        answer=answer(_f("message_id", "str")),
        errors=(*COMMON, ErrorCode("45101001", "refused", "Invalid parameter"),
                ErrorCode("45101003", "refused", "Record not found"),
                ErrorCode("45101004", "throttled", "Query quota reached (10000 requests per day)"),
                ErrorCode("45101006", "refused", "sensitive content"),
                ErrorCode("45102007", "refused", "No permission to access this conversation"),
                ErrorCode("45109001", "refused", "Unable to send messages due to conversation rules")),
        notes=CS_NOTE + " content is a JSON string; TEXT at most 2000 characters.",
    ),
)


def meaning_of(endpoint: Endpoint, code: str, message: str) -> str | None:
    """What a documented code means for us; 36009004 needs its message (several faults share the code)."""
    same = [e for e in endpoint.errors if e.code == code]
    if len(same) <= 1:
        return same[0].meaning if same else None
    lowered = message.lower().replace("-", "_")
    for e in same:
        if e.words.lower().replace("-", "_") in lowered:
            return e.meaning
    return same[-1].meaning


# the fulfilment endpoints live beside these (fulfilment_contracts.py) so each file stays small
ALL_ENDPOINTS: tuple[Endpoint, ...] = ENDPOINTS + FULFILMENT_ENDPOINTS
