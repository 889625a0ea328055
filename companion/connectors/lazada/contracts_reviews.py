"""Lazada's product review contracts (issue 16): the seller's review history (ids, one product at a time) → the
reviews by id → the seller's reply, from the reference scraped in lazykern/ecommerce-api-docs
(`data/raw/lazada/apis/product-review-api/*.json`) and the LazOP 2.0 overview guide.

What the pages say that shapes the connector (reviews.py):
- the history list takes ONE product (`item_id` is required: "NULL_ITEMID: Cannot recognize item_id"), so a shop's
  reviews are walked product by product; it filters on the reviews' create_time ("the same with create_time in the
  response data of /review/seller/list/v2"), at most 7 days a call, at most 90 days back ("Only support checking 90
  days of history data"; the description says "within 3 months": we keep the stricter 90 days); pages are numbered
  by `current`, at most 50; the page size is not a parameter, only an answer field (the sample: 10);
- the review list takes at most 10 ids ("id list, maxLength = 10") and answers a review that no longer shows
  ("outdated/rejected") only by its id in `outdated_reviews`;
- a review has no buyer name, product name, SKU nor update time; a reply has no time;
- a reply: text only, at most 500 characters, once per review ("does not support multiple replies"), only on a
  PRODUCT_REVIEW, within the reply period, and "all reply needs go through quality control process".

Refusals: each page lists its codes as PARAMS_VALIDATE_ERROR with a finer name (REPLY_ALREADY, NO_SUCH_REVIEW, …)
and its words. The answers also document `success`, `error_code` and `error_msg`. Whether the finer name rides in the
envelope's message or in error_code is not said (UNCONFIRMED): the practice marketplace sends code
PARAMS_VALIDATE_ERROR with message = the words and error_code/error_msg = the finer name and the words; the
connector reads either (reviews.py). The samples are generated (every value a string): the tables' types are kept.
"""

from __future__ import annotations

from companion.connectors.contract import Endpoint, ErrorCode, Field
from companion.connectors.lazada.contract_common import API, GUIDES, errors_with

PAGES = f"{API}/product-review-api"
HISTORY_DAYS = 90      # "Only support checking 90 days of history data"
WINDOW_DAYS = 7        # "Only support checking 7days data at one time"
MAX_PAGE = 50          # `current`: "max value = 50"
IDS_PER_CALL = 10      # id_list: "maxLength = 10"
REPLY_LENGTH = 500     # content: "max length = 500"

# The finer names of PARAMS_VALIDATE_ERROR and the reference's words for each (what the seller is shown).
WORDS = {
    "NULL_ITEMID": 'Cannot recognize "item_id"',
    "NULL_CURRENT": 'Cannot recognize "current"',
    "CURRENT_ABOVE_LIMIT": '"current" is above the limit, the max value is 50',
    "NULL_STARTTIME_OR_ENDTIME": 'Cannot recognize "start_time" or "end_time"',
    "STARTTIME_OVER_LIMIT": "Only support checking 90 days of history data",
    "TIMESPAN_ABOVE_LIMIT": "Only support checking 7days data at one time",
    "WRONG_ORDER_ID": 'Cannot recognize "order_id"',
    "NULL_ID": "id list is null",
    "NULL_CONTENT": "Empty content",
    "REPLY_ALREADY": "This review has already been replied to and does not support multiple replies.",
    "NO_SUCH_REVIEW": "No such review",
    "REVIEW_STATUS_CANNOT_REPLY": "Review status cannot be replied to, review's status may be changed because of "
                                  "being edited or reported",
    "REVIEW_TYPE_DONOT_SUPPORT_REPLY": "Review type cannot be replied to, only reply to PRODUCT_REVIEW",
    "REVIEW_INFO_DONOT_SUPPORT_REPLY": "Review info cannot be replied to, review must have text content or images or "
                                       "video",
    "REVIEW_REPORTED_CANNOT_REPLY": "Review been reported cannot be repied to",
    "REPLY_CONTENT_TOO_LONG": "Reply too long",
    "BEYOND_REPLY_PERIOD": "Reply over due",
}
# A reply refused because the review is no longer there to answer (deleted, hidden, reported, edited).
GONE = frozenset({"NO_SUCH_REVIEW", "REVIEW_STATUS_CANNOT_REPLY", "REVIEW_REPORTED_CANNOT_REPLY"})

_ERRORS = errors_with(
    ErrorCode("PARAMS_VALIDATE_ERROR", "refused", "a parameter is missing or out of range; its finer name (WORDS) "
                                                  "says which"),
    ErrorCode("TRAFFIC_CONTROL", "throttled", "Traffic control"),
    ErrorCode("Mp3SellerApiLimit", "not_permitted", "MP3 sellers cannot call the current API"),
)
_OUTCOME = (Field("success", "bool"), Field("error_code", "str", required=False),
            Field("error_msg", "str", required=False))

REVIEW_IDS = Endpoint(
    name="GetHistoryReviewIdList", method="GET", path="/review/seller/history/list",
    source=f"{PAGES}/gethistoryreviewidlist.json (GetHistoryReviewIdList, 2022-09-28)",
    query=(Field("item_id", "str", low=1), Field("order_id", "int", required=False),
           Field("start_time", "int", low=0), Field("end_time", "int", low=0),
           Field("current", "int", low=1, high=MAX_PAGE)),
    answer=(*_OUTCOME, Field("data", "object", children=(
        Field("current", "int", low=1), Field("total", "int", low=0), Field("page_size", "int", low=1),
        Field("id_list", "list", item="int")))),
    errors=_ERRORS,
    notes="start_time/end_time in ms on the reviews' create_time, at most 7 days apart and at most 90 days back; "
          "`current` 1..50. The page says GET/POST; we GET. page_size is an answer field only (some callers send "
          "one: not in the reference, so we do not). With at most 50 pages, a product with more reviews in one "
          "window than 50 pages hold is walked in smaller windows (reviews.py).",
)

_RATINGS = (Field("overall_rating", "int", low=1, high=5), Field("product_rating", "int", low=0, high=5),
            Field("seller_rating", "int", low=0, high=5), Field("logistics_rating", "int", low=0, high=5))
_REVIEW = (
    Field("id", "int"), Field("product_id", "int"), Field("order_id", "int"),
    Field("submit_time", "int"), Field("create_time", "int", required=False),
    Field("can_reply", "bool"), Field("review_content", "str"),
    Field("review_type", "str", choices=("PRODUCT_REVIEW", "FOLLOW_UP_REVIEW")),
    Field("seller_reply", "str"), Field("review_images", "list", item="str"),
    Field("review_videos", "list", children=(Field("video_url", "str"), Field("video_cover_url", "str"))),
    Field("ratings", "object", required=False, children=_RATINGS),
)

REVIEWS = Endpoint(
    name="GetReviewListByIdList", method="GET", path="/review/seller/list/v2",
    source=f"{PAGES}/getreviewlistbyidlist.json (GetReviewListByIdList, 2022-08-16)",
    query=(Field("id_list", "str", low=3),),  # a JSON list "[1,2]" of 1 to 10 ids (typed Number[], sent as text)
    answer=(*_OUTCOME, Field("data", "object", children=(
        Field("review_list", "list", children=_REVIEW),
        Field("outdated_reviews", "list", item="int")))),
    errors=_ERRORS,
    notes="At most 10 ids (the limit has no documented code: the practice server refuses more with "
          "PARAMS_VALIDATE_ERROR). `ratings` is marked always present yet 'only PRODUCT_REVIEW has ratings, "
          "FOLLOW_UP_REVIEWS doesn't have': optional here. A review deleted or no longer shown comes back only as "
          "its id in outdated_reviews. create_time is optional (the one the history list filters on); "
          "submit_time is always there.",
)

REVIEW_REPLY = Endpoint(
    name="SubmitSellerReply", method="GET", path="/review/seller/reply/add",
    source=f"{PAGES}/submitsellerreply.json (SubmitSellerReply, 2022-07-29); {GUIDES}/overview/lazop-2-0-overview.md "
           "§1 (Product Review API)",
    query=(Field("id", "int"), Field("content", "str", low=1, high=REPLY_LENGTH)),
    answer=(Field("success", "bool", required=False), Field("data", "bool", required=False),
            Field("error_code", "str", required=False), Field("error_msg", "str", required=False)),
    errors=_ERRORS,
    notes="The page documents the method as GET (its SDK samples setHttpMethod(\"GET\")). Text only, at most 500 "
          "characters (counted here in UTF-16 units, as Lazada's Java side would: the stricter reading), one reply "
          "per review: REPLY_ALREADY 'does not support multiple replies' and 'all reply needs go through quality "
          "control process'. Only PRODUCT_REVIEW; within the reply period (BEYOND_REPLY_PERIOD, length of the period "
          "not given). The overview guide names the older GetProductReviewList (/review/seller/list), which has no "
          "page of its own in the reference: not used.",
)

REVIEW_CONTRACTS: tuple[Endpoint, ...] = (REVIEW_IDS, REVIEWS, REVIEW_REPLY)
