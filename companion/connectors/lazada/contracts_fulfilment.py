"""Lazada's shipping contracts (issue 15): providers → Pack → ReadyToShip, and the package's shipping label (PrintAWB),
from the reference scraped in lazykern/ecommerce-api-docs (`data/raw/lazada/apis/fulfillment-api/*.json`) and its
fulfilment guide (`data/processed/lazada/guides/api-best-practice/order-operation/fulfillment-orders.md`). The
cancellation and return contracts are in contracts_reverse.py.

Each request carries one JSON text parameter (getShipmentProvidersReq, packReq, readyToShipReq, getDocumentReq) sent
in the form body; each answer nests a `result` {success, error_code, error_msg, data}. "If this is true, it doesn't
mean that everything is processed successfully": each item's item_err_code must be "0". The pages' samples are
generated (every value a string, error_code next to success "true"); the parameter tables' types are kept here.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.lazada.contract_common import API, GUIDES, errors_with
from companion.connectors.lazada.contracts_reverse import REVERSE

FULFIL_GUIDE = f"{GUIDES}/api-best-practice/order-operation/fulfillment-orders.md"
DETAILS_GUIDE = (f"{GUIDES}/api-best-practice/order-operation/new-fulfillment-api-announcement/"
                 "new-fulfillment-api-details.md")
BATCH = 20  # every fulfilment call: "Batch size is limited to 20"

# The result's own success flag and words; `data` is marked required on each page, but an answer whose success is
# false has nothing to put in it (the details guide marks it optional): optional here, the connector checks success.
RESULT = (Field("success", "bool"), Field("error_code", "str", required=False),
          Field("error_msg", "str", required=False))

# The Pack page's error table (codes sent as result.error_code, or per item as item_err_code).
FULFIL_ERRORS = (
    ErrorCode("6", "temporary", "SYSTEM_ERROR: system is busy now ,pls try later"),
    ErrorCode("40011", "temporary", "RPC_ERROR: system is busy now ,pls try later"),
    ErrorCode("700024", "temporary", "GET_LOCK_FAILED: failed get lock,pls try later"),
    ErrorCode("1003", "temporary", "E1003_3PL_ALLOCATION_FAIL: 3pl allocation failed"),
    ErrorCode("700000", "refused", "PACKAGE_STATUS_NOT_ALLOW_TO_OP: current package status not allow to operation"),
    ErrorCode("700001", "refused", "DBS_SHIPMENT_PROVIDER_CODE_NOT_EXITS: shipment provider code not exits"),
    ErrorCode("700004", "refused", "PARAM_ILLEGAL: param illegal"),
    ErrorCode("700013", "refused", "OP_NOT_SUPPORT: operation is no support"),
    ErrorCode("700016", "not_permitted", "NOT_AVAILABLE_NTFS_3PL: seller not available 3pl , pls contact us to "
                                         "subscription 3pl"),
    ErrorCode("700017", "refused", "PARAM_IS_NULL: param can't be null"),
    ErrorCode("700021", "refused", "ORDER_NOT_FOUND: order not found"),
    ErrorCode("700022", "refused", "BATCH_SIZE_OUT_OF_LIMIT: batch size out of limit"),
    ErrorCode("700023", "refused", "PICKUP_IN_STORE_NO_SUPPORT: pickup in store order no allow to operation"),
    ErrorCode("700025", "refused", "ORDER_ITEM_NOT_FOUND: order item not found"),
    ErrorCode("700026", "item_refused", "FO_ITEM_NOT_ALLOW_TO_PACK: item current status not allow to pack"),
    ErrorCode("700027", "refused", "NOT_SUPPORT_FBL_TO_PACK: Does not support FBL order to pack"),
    ErrorCode("700031", "item_refused", "ITEM_NOT_READY_TO_FULFILL: item not ready to fulfill"),
    ErrorCode("700032", "refused", "SELLER_NOT_FOUND: can't found seller"),
    ErrorCode("700033", "refused", "TRANSFERRING_WAREHOUSE_PROVIDER: transferringWarehouseCode cannot found"),
)
# ReadyToShip's own sample: a package cancelled meanwhile.
PACKAGE_CANCELLED = ErrorCode("600002", "item_refused", "package already cancelled")

SHIPMENT_PROVIDERS = Endpoint(
    name="GetShipmentProvider", method="POST", path="/order/shipment/providers/get",
    source=f"{API}/fulfillment-api/getshipmentprovider.json (GetShipmentProvider); {DETAILS_GUIDE} §2.2.1",
    # getShipmentProvidersReq: JSON {"orders": [{"order_id": n, "order_item_ids": [n, …]}]}, at most 20 orders
    query=(Field("getShipmentProvidersReq", "str", low=2),),
    answer=(Field("result", "object", children=(*RESULT, Field("data", "object", required=False, children=(
        Field("platform_default", "int", choices=(0, 1)),
        Field("shipment_providers", "list", children=(Field("name", "str", required=False),
                                                      Field("provider_code", "str", required=False))),
        Field("shipping_allocate_type", "str", required=False, choices=("TFS", "NTFS")))))),),
    errors=errors_with(*FULFIL_ERRORS),
    notes="platform_default 1: 'seller not need or can't choose'; 0: the seller must choose one of "
          "shipment_providers (transferring warehouses) and pass its provider_code to Pack. shipping_allocate_type "
          "is passed through to Pack: TFS for local stores, NTFS for cross-border. The details guide also lists "
          "shipping_allocate_type as a request parameter; the API page does not (we follow the page). The page "
          "says GET/POST; we POST (the fulfilment guide's calls).",
)

PACK = Endpoint(
    name="Pack", method="POST", path="/order/fulfill/pack",
    source=f"{API}/fulfillment-api/pack.json (Pack); {FULFIL_GUIDE} step 2",
    # packReq: JSON {pack_order_list[≤20]{order_id, order_item_list[]}, delivery_type "dropship",
    # shipping_allocate_type, shipment_provider_code (only when the seller must choose)}
    query=(Field("packReq", "str", low=2),),
    answer=(Field("result", "object", children=(*RESULT, Field("data", "object", required=False, children=(
        Field("pack_order_list", "list", children=(
            Field("order_id", "int"),
            Field("order_item_list", "list", children=(
                Field("order_item_id", "int"), Field("item_err_code", "str"), Field("msg", "str"),
                Field("tracking_number", "str"), Field("shipment_provider", "str"), Field("package_id", "str"),
                Field("retry", "bool"))))),)))),),
    errors=errors_with(*FULFIL_ERRORS),
    notes="delivery_type 'must be dropship, entering any other value will result in an error' and 'the first "
          "kilometer collection type is pickup or dropship is not determined by this field': pickup or drop-off is "
          "the seller's Seller Center setting, never chosen per order through the API. shipment_provider_code: "
          "'if it is a local store (TFS), this field cannot be transferred' (the page) while the details guide "
          "makes it mandatory when platform_default != 1; we send it only when platform_default is 0. Items of one "
          "order are packed together. tracking_number, shipment_provider and package_id are marked always present "
          "(the details guide: only when item_err_code is 0): the practice server sends them empty on a refusal. "
          "msg is 'success' on success. Lazada makes the tracking number (not customisable).",
)

READY_TO_SHIP = Endpoint(
    name="ReadyToShip", method="POST", path="/order/package/rts",
    source=f"{API}/fulfillment-api/readytoship.json (ReadyToShip); {FULFIL_GUIDE} step 4",
    query=(Field("readyToShipReq", "str", low=2),),  # JSON {"packages":[{"package_id"}]} ≤ 20
    answer=(Field("result", "object", children=(*RESULT, Field("data", "object", required=False, children=(
        Field("packages", "list", children=(
            Field("package_id", "str"), Field("item_err_code", "str"), Field("msg", "str"),
            Field("retry", "str", required=False))),)))),),
    errors=errors_with(*FULFIL_ERRORS, PACKAGE_CANCELLED),
    notes="After it 'for pick up type of parcels, the system will automatically notify the courier to pick up the "
          "parcels, for dropoff type of parcels, the seller needs to deliver the parcels to the specified location "
          "within SLA time'. retry is typed String here and Boolean on Pack. No time slots exist on Lazada.",
)

DOCUMENT_GET = Endpoint(
    name="PrintAWB", method="POST", path="/order/package/document/get",
    source=f"{API}/fulfillment-api/printawb.json (PrintAWB); {FULFIL_GUIDE} step 3; {DETAILS_GUIDE} §2.2.4",
    # getDocumentReq: JSON {"doc_type": "PDF"|"HTML", "packages": [{"package_id"}] ≤ 20, "print_item_list": bool}
    query=(Field("getDocumentReq", "str", low=2),),
    answer=(Field("result", "object", children=(*RESULT, Field("data", "object", required=False, children=(
        Field("file", "str"), Field("doc_type", "str", choices=("PDF", "HTML")),
        Field("pdf_url", "str", required=False))))),),
    errors=errors_with(*FULFIL_ERRORS,
                       ErrorCode("30012", "refused", "rts package not found: the order item's status must be "
                                                     "packed or ready to ship (GetDocument)"),
                       ErrorCode("700040", "refused", "There are no packages that support printing! (unpaid, "
                                                      "pending, canceled or SOF/DBS orders; GetDocument)")),
    notes="The page calls `file` 'pdf /html content'; the guide says it is base64 that decodes to HTML: for PDF "
          "an <iframe> whose src is the PDF, with `pdf_url` the same PDF ('The PDF link is valid for ten minutes, "
          "so please download it as soon as possible'). The connector takes a `file` that decodes to a PDF as it "
          "is, else downloads pdf_url. All packages of one call come back combined in one file ('need request one "
          "by one' to keep them apart): we ask one package a call. The page documents no error codes and no "
          "not-ready state (labels are made at Pack); an answer carrying no PDF yet (no pdf_url, no PDF in file) "
          "or a PDF link that is not there yet is taken as not ready (UNCONFIRMED). 30012 and 700040 are the older "
          "GetDocument (/order/document/get) page's codes for the same labels.",
)

SHIPPING: tuple[Endpoint, ...] = (SHIPMENT_PROVIDERS, PACK, READY_TO_SHIP, DOCUMENT_GET)
FULFILMENT: tuple[Endpoint, ...] = SHIPPING + REVERSE
