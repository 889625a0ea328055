"""Shopee's product comment (review) calls as its published reference describes them (connectors/contract.py
format): the buyers' comments with their rating, text, photos and the seller's reply, and the seller's replies in
batches.

Source: [SHP-SCHEMA] congminh1254/shopee-sdk `schemas/v2.product.get_comment.json` and
`v2.product.reply_comment.json` (request_params, response_params, response_sample, error_list). What the reference
says and does not say, and what we do about it:

- get_comment has NO time filter and does not say in which order it pages (only `cursor` + `page_size`, by shop,
  by item_id or by one comment_id). Its `define` says "get up to 1000 comments", its `more` says "only respond 500
  comments at most through OpenAPI, if there are more than 500, this field more also respond true": the stricter
  500 is kept, and `more` alone never ends a walk (the connector counts what it read).
- comment_id is a string in the answer's response_params but an int64 in its request, in reply_comment's request
  and answer, and a number in the answer's own sample: read as either, sent as a number.
- The answer's sample names the reply `cmt_reply`, its response_params `comment_reply` (with `create_time`, the
  reply's time): the connector reads both.
- `editable` (EXPIRED / EDITABLE / HAVE_EDIT_ONCE) says a buyer may edit a comment once, but no edit time is given:
  a review's change time is the later of its create_time and its reply's create_time.
- `model_id` (always 0, "offline on 2024-12-27") gave way to `model_id_list`.
- reply_comment's own answer sample is a whole-call refusal (`product.duplicate_request` "You has replied this
  comment already.") while its result_list carries per-comment fail_error/fail_message: both can happen, and the
  connector reads both. fail_error and fail_message are described the wrong way round (the samples are right:
  fail_error "product.error_not_exist", fail_message "The Comment you replied does not exist.").
- The reference has no code for a comment the buyer deleted or Shopee hid: "The Comment you replied does not
  exist." is taken for both. A reply cannot be edited (no call for it) and a second is refused: one reply.
- "Comment length should be between 1 and 500": counted in characters (the reference does not say bytes).
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.shopee.contract_basics import COMMON_ERRORS, ENVELOPE, SCHEMA, SERVER_ERRORS, SHOP_COMMON

PAGE_SIZE_MAX = 100       # get_comment: "The limit of page_size if between 1 and 100."
REACHABLE = 500           # get_comment: "only respond 500 comments at most through OpenAPI" (define says 1000)
REPLIES_PER_CALL = 100    # reply_comment: comment_list "The limit is between 1 and 100."
REPLY_LENGTH = 500        # "Comment length should be between 1 and 500."

ALREADY_REPLIED = "product.duplicate_request"
NOT_EXIST = "product.error_not_exist"
LENGTH_INVALID = "product.comment_length_invalid"
ALREADY_REPLIED_WORDS = "You has replied this comment already."
NOT_EXIST_WORDS = "The Comment you replied does not exist."
LENGTH_WORDS = "Comment length should be between 1 and 500. Please update the comment."
CMT_NOT_EXIST_WORDS = "The comment is not exist. Please check the comment."

_PRODUCT_ERRORS = (
    ErrorCode("error_not_found", "refused", "Wrong parameters, detail"),
    ErrorCode("error_param", "refused", "Wrong parameters, detail"),
    ErrorCode("error_param", "refused", "The information you queried is not found."),
    ErrorCode("error_permission", "not_permitted", "Sorry you don't have the permission"),
    ErrorCode("error_shop", "relink", "shopid is invalid"),
    ErrorCode("common.invalid_shop", "relink", "Shop id is invalid. Please check your shop."),
    ErrorCode("error_item_not_found", "refused", "Product not found"),
    ErrorCode("error_data", "temporary", "parse data failed"),
    ErrorCode("error_inner", "temporary", "Our system is taking some time to respond, please try later."),
    ErrorCode("error_kyc_auth", "not_permitted", "No permission. Please inform the seller to complete the Seller "
                                                 "Registration"),
    ErrorCode("error_ashop_api_permission", "not_permitted", "The shop is Affiliate shop has no permission"),
    *COMMON_ERRORS, *SERVER_ERRORS,
    ErrorCode("error_auth", "refused", "Your shop can not use model level dts"),  # after the token's (first wins)
)

_REPLY = Field("comment_reply", "object", required=False, children=(
    Field("reply", "str", required=False), Field("hidden", "bool", required=False),
    Field("create_time", "int", required=False)))
_MEDIA = Field("media", "object", required=False, children=(
    Field("image_url_list", "list", required=False, item="str"),
    Field("video_url_list", "list", required=False, item="str")))

GET_COMMENT = Endpoint(
    name="product.get_comment", method="GET", path="/api/v2/product/get_comment",
    source=SCHEMA + "v2.product.get_comment.json",
    query=(*SHOP_COMMON, Field("item_id", "int", required=False, low=0), Field("comment_id", "int", required=False,
                                                                             low=0),
           Field("cursor", "str"), Field("page_size", "int", low=1, high=PAGE_SIZE_MAX)),
    answer=(*ENVELOPE, Field("response", "object", children=(
        Field("more", "bool"), Field("next_cursor", "str"),
        Field("item_comment_list", "list", children=(
            Field("comment_id", "str", low=1), Field("order_sn", "str"), Field("item_id", "int"),
            Field("rating_star", "int", low=1, high=5), Field("create_time", "int"),
            Field("comment", "str", required=False), Field("buyer_username", "str", required=False),
            Field("editable", "str", required=False, choices=("EXPIRED", "EDITABLE", "HAVE_EDIT_ONCE")),
            Field("hidden", "bool", required=False), _REPLY, _MEDIA,
            Field("model_id_list", "list", required=False, item="int")))))),
    errors=(ErrorCode("product.cmt_not_exist", "refused", CMT_NOT_EXIST_WORDS),
            ErrorCode("product.get_cmt_failed", "temporary", "Get comment failed. Please try again later."),
            ErrorCode("product.item_not_exist", "refused", "is not exist."),
            ErrorCode("product.item_cmt_combine_wrong", "refused", "Item id of cmt is not the same as item id"),
            *_PRODUCT_ERRORS),
    notes="No time filter and no documented order: by shop (no item_id), cursor from '' with page_size 1–100; "
          "next_cursor is '' when more is false; at most 500 comments reachable (more stays true past them). "
          "The pull (reviews.py) pages until the end, the 500th comment, or — while pages come newest first — a "
          "page created wholly before the window, keeping our own cursor around Shopee's. "
          "cursor is required even on the first page (sent empty). comment_id is typed string here but sent as a "
          "number in the reference's sample and every other place: the contract keeps the answer's declared "
          "string, the connector reads both.",
)

REPLY_COMMENT = Endpoint(
    name="product.reply_comment", method="POST", path="/api/v2/product/reply_comment",
    source=SCHEMA + "v2.product.reply_comment.json",
    query=SHOP_COMMON,
    body=(Field("comment_list", "list", low=1, high=REPLIES_PER_CALL, children=(
        Field("comment_id", "int", low=0), Field("comment", "str", low=1, high=REPLY_LENGTH))),),
    answer=(*ENVELOPE, Field("response", "object", children=(Field("result_list", "list", children=(
        Field("comment_id", "int"), Field("fail_error", "str", required=False),
        Field("fail_message", "str", required=False))),)),
        Field("warning", "list", required=False, item="str")),
    errors=(ErrorCode(ALREADY_REPLIED, "item_refused", ALREADY_REPLIED_WORDS),
            ErrorCode(LENGTH_INVALID, "item_refused", "Comment length should be between 1 and 500."),
            ErrorCode(NOT_EXIST, "item_refused", NOT_EXIST_WORDS),
            ErrorCode("product.duplicate_comment_id", "refused", "Duplicate comment id"),
            ErrorCode("product.error_permission", "relink", "Shop token invalid, please try to re-auth"),
            ErrorCode("product.get_token_failed", "temporary", "Get token failed."),
            *_PRODUCT_ERRORS),
    notes="1–100 replies a call, each 1–500 characters, one reply a comment (a second: product.duplicate_request). "
          "Per-comment failures come in result_list (fail_error = code, fail_message = words), a refusal of the "
          "whole call in the envelope (the reference's own sample). `warning` is a string list here (the sample "
          "['14609238'] looks like a comment id), unlike the other calls' string.",
)

REVIEW_ENDPOINTS: tuple[Endpoint, ...] = (GET_COMMENT, REPLY_COMMENT)
