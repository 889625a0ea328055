"""Shopee's return and refund calls as its published reference describes them (connectors/contract.py format): the
list and detail of return requests, and the seller's answers — confirm (accept), dispute (refuse, with a reason id the
reference hands out per return) and offer (a partial refund).

Source: [SHP-SCHEMA] congminh1254/shopee-sdk `schemas/v2.returns.<api>.json`. The scraped set does not carry the
"Data Definition" pages: the return statuses come from SDK enums (LightsoftHub/open-platforms `ReturnStatus.cs`:
REQUESTED, ACCEPTED, CANCELLED, JUDGING, REFUND_PAID, CLOSED, PROCESSING, SELLER_DISPUTE; congminh1254 adds
COMPLETED), so answers are not limited to a list. Many codes are documented only as "Core server error." and left out.
`accept_offer` (taking the buyer's counter-offer) is not used: the app offers, the buyer answers in Shopee.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.shopee.contract_basics import COMMON_ERRORS, ENVELOPE, SCHEMA, SERVER_ERRORS, SHOP_COMMON

REVIEWING = "Shopee is reviewing the case and will get back to you."
_RETURN_ERRORS = (
    ErrorCode("error_data", "refused", "The return you queried doesn't exist."),
    ErrorCode("error_data", "refused", "Invalid return status"),
    ErrorCode("error_data", "refused", REVIEWING),
    ErrorCode("error_data", "refused", "The return case is missing initial evidence from the buyer"),
    ErrorCode("error_data", "temporary", "Query return info failed. Please try later."),
    ErrorCode("error_data", "temporary", "Something wrong. Please try later."),
    ErrorCode("error_param", "refused", "Return SN or ID is invalid."),
    ErrorCode("error_permission", "relink", "Please link shop and partner on seller center."),
    ErrorCode("error_permission", "not_permitted", "You don't have permission to view this return data."),
    ErrorCode("error_inner", "temporary", "Inner error, please try later."),
    ErrorCode("error_network", "temporary", "Inner error, please try later."),
    ErrorCode("error_shop", "relink", "shopid is invalid"),
    *COMMON_ERRORS, *SERVER_ERRORS,
)
_ITEM = Field("item", "list", required=False, children=(
    Field("item_id", "int"), Field("model_id", "int"), Field("name", "str", required=False),
    Field("amount", "int", low=1), Field("item_price", "number", required=False, low=0),
    Field("item_sku", "str", required=False), Field("variation_sku", "str", required=False),
    Field("images", "list", required=False, item="str")))
_RETURN = (
    Field("return_sn", "str", low=1), Field("order_sn", "str", low=1), Field("status", "str", low=1),
    Field("create_time", "int"), Field("update_time", "int"), Field("due_date", "int", required=False),
    Field("reason", "str", required=False), Field("text_reason", "str", required=False),
    Field("image", "list", required=False, item="str"), Field("refund_amount", "number", required=False, low=0),
    Field("currency", "str", required=False), Field("needs_logistics", "bool", required=False),
    Field("return_solution", "int", required=False, choices=(0, 1)),
    Field("negotiation_status", "str", required=False), Field("return_seller_due_date", "int", required=False),
    _ITEM,
)

GET_RETURN_LIST = Endpoint(
    name="returns.get_return_list", method="GET", path="/api/v2/returns/get_return_list",
    source=SCHEMA + "v2.returns.get_return_list.json",
    query=(*SHOP_COMMON, Field("page_no", "int", low=0), Field("page_size", "int", low=1, high=100),
           Field("create_time_from", "int", required=False), Field("create_time_to", "int", required=False),
           Field("update_time_from", "int", required=False), Field("update_time_to", "int", required=False),
           Field("status", "str", required=False), Field("negotiation_status", "str", required=False),
           Field("seller_proof_status", "str", required=False),
           Field("seller_compensation_status", "str", required=False)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("more", "bool"), Field("return", "list", children=_RETURN)))),
    errors=(ErrorCode("error_param", "refused",
                      "The period between update_time_from and update_time_to must not more than 15 days."),
            ErrorCode("error_param", "refused", "The update_time_to should be later than update_time_from."),
            ErrorCode("error_param", "refused", "The update_time_from must be after create_time_from."),
            *_RETURN_ERRORS),
    notes="page_size at most 100 (default 40). page_no 'Specifies the starting entry … Default is 0' while SDK "
          "docs say 'Page number starting from 1': we send page numbers from 0 and stop on more=false. "
          "update_time_from/to at most 15 days apart. No cursor: time window + page number.",
)

GET_RETURN_DETAIL = Endpoint(
    name="returns.get_return_detail", method="GET", path="/api/v2/returns/get_return_detail",
    source=SCHEMA + "v2.returns.get_return_detail.json",
    query=(*SHOP_COMMON, Field("return_sn", "str", low=1)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        *_RETURN,
        Field("negotiation", "object", required=False, children=(
            Field("negotiation_status", "str", required=False), Field("latest_solution", "str", required=False),
            Field("latest_offer_amount", "number", required=False), Field("offer_due_date", "int", required=False))),
        Field("buyer_videos", "list", required=False)))),
    errors=_RETURN_ERRORS,
    notes="dispute_reason is a string list in the field table and a number in the sample answer (not read).",
)

CONFIRM = Endpoint(
    name="returns.confirm", method="POST", path="/api/v2/returns/confirm",
    source=SCHEMA + "v2.returns.confirm.json",
    query=SHOP_COMMON,
    body=(Field("return_sn", "str", low=1),),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("return_sn", "str"),))),
    errors=(ErrorCode("error_return_request_type", "refused", "Action cannot be performed by shop because the Return "
                      "Refund Request Type"),
            ErrorCode("error_validation", "refused", "Action cannot be performed by shop because the validation_type"),
            *_RETURN_ERRORS),
    notes="Accepts the return (the refund goes to the buyer as Shopee decides).",
)

DISPUTE_REASONS = Endpoint(
    name="returns.get_return_dispute_reason", method="GET", path="/api/v2/returns/get_return_dispute_reason",
    source=SCHEMA + "v2.returns.get_return_dispute_reason.json",
    query=(*SHOP_COMMON, Field("return_sn", "str", low=1)),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("dispute_reason_list", "list", children=(
        Field("dispute_reason", "int"), Field("dispute_requirement", "str", required=False),
        Field("evidence_module_list", "list", required=False, children=(
            Field("module_index", "int"), Field("requirement", "str"), Field("is_required", "bool")))),),))),
    errors=(ErrorCode("dispute.request.param.error", "refused",
                      "The return_sn you requested was not queried, please check it"),
            *_RETURN_ERRORS),
    notes="dispute_reason is typed string in the field table and answered as a number in the sample; dispute takes "
          "it back as the int dispute_reason_id, so the contract keeps int.",
)

DISPUTE = Endpoint(
    name="returns.dispute", method="POST", path="/api/v2/returns/dispute",
    source=SCHEMA + "v2.returns.dispute.json",
    query=SHOP_COMMON,
    body=(Field("return_sn", "str", low=1), Field("email", "str", low=3), Field("dispute_reason_id", "int"),
          Field("dispute_text_reason", "str", required=False),
          Field("image_list", "list", required=False, children=(
              Field("module_index", "int"), Field("requirement", "str"),
              Field("image_url", "list", low=1, high=3, item="str")))),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("return_sn", "str"),
                                                             Field("msg", "str", required=False)))),
    errors=(ErrorCode("error_return_status", "refused", "Cannot raise dispute because return SN is not in REQUESTED, "
                      "RETURN_PROCESSING, or RETURN_ACCEPTED"),
            ErrorCode("dispute.request.param.error", "refused",
                      "can't raise dispute because mandatory evidence is missing"),
            ErrorCode("dispute.request.param.error", "refused",
                      "Can't raise dispute because the return_sn and dispute_reason_id does not match."),
            ErrorCode("dispute.request.param.error", "refused", "Input invalid email"),
            ErrorCode("returnsn.illegal", "refused", "Return status does not allow initiating a dispute case"),
            ErrorCode("dispute.rr.not.allow", "refused", "dispute.rr.not.allow"),
            ErrorCode("error_perm", "refused", "invalid email"),
            ErrorCode("error_perm", "refused", "invalid dispute_reason."),
            *_RETURN_ERRORS),
    notes="Only while the return is REQUESTED / PROCESSING / ACCEPTED. dispute_reason_id comes from "
          "get_return_dispute_reason for this return; photos (image_list, at most 3 per module, URLs from "
          "convert_image) are mandatory for every reason except 'Did not receive the return product' — the app "
          "sends none, so a reason needing them is refused before the call. email is the seller's contact.",
)

OFFER = Endpoint(
    name="returns.offer", method="POST", path="/api/v2/returns/offer",
    source=SCHEMA + "v2.returns.offer.json",
    query=SHOP_COMMON,
    body=(Field("return_sn", "str", low=1),
          Field("proposed_solution", "str", choices=("RETURN_REFUND", "REFUND_ONLY")),
          Field("proposed_adjusted_refund_amount", "number", required=False, low=0)),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("return_sn", "str"),))),
    errors=(ErrorCode("error_param", "refused", "The proposed adjusted refund amount can not exceed max refund amount"),
            ErrorCode("error_param", "refused",
                      "The proposed adjusted refund amount can not be lower than min refund amount"),
            ErrorCode("error_param", "refused", "The proposed adjusted refund amount must be positive"),
            ErrorCode("error_param", "refused", "Please fill a value for proposed adjusted refund amount"),
            ErrorCode("error_param", "refused",
                      "This proposed solution is not one of the available solutions for this return."),
            ErrorCode("error_negotiation_status", "refused", "The negotiation status cannot support this action"),
            ErrorCode("error_return_status", "refused", "The return status cannot support this action"),
            ErrorCode("error_ongoing_dispute", "refused",
                      "cannot offer refund to buyer when return has ongoing dispute"),
            ErrorCode("error_data", "refused", "Type of return does not allow seller to offer refund"),
            *_RETURN_ERRORS),
    notes="A partial refund = REFUND_ONLY (the buyer keeps the item) with proposed_adjusted_refund_amount between "
          "the min and max of get_available_solutions (not called: Shopee's refusal names the bound). The buyer "
          "accepts or counters in Shopee.",
)

RETURN_ENDPOINTS: tuple[Endpoint, ...] = (GET_RETURN_LIST, GET_RETURN_DETAIL, CONFIRM, DISPUTE_REASONS, DISPUTE, OFFER)
