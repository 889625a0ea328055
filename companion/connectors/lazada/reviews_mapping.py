"""Lazada review payloads (contracts_reviews.py) to the plain records of domain/reviews.py.

Lazada's review carries no buyer name, product name, SKU, update time nor reply time: the product's name comes from
the product list the walk already read, the rest stays empty (the update time is the review's own time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.connectors.convert import require_epoch
from companion.domain.reviews import Review

PRODUCT_REVIEW = "PRODUCT_REVIEW"


def rating_of(row: Mapping[str, Any]) -> int | None:
    """The overall stars of a product review; None for a follow-up review ("FOLLOW_UP_REVIEWS doesn't have"
    ratings) or a rating outside 1–5."""
    ratings = row.get("ratings")
    if str(row.get("review_type") or PRODUCT_REVIEW) != PRODUCT_REVIEW or not isinstance(ratings, Mapping):
        return None
    try:
        stars = int(str(ratings.get("overall_rating")))
    except ValueError:
        return None
    return stars if 1 <= stars <= 5 else None


def review(row: Mapping[str, Any], names: Mapping[str, str]) -> Review | None:
    """One /review/seller/list/v2 row as a Review; None for a follow-up review (a buyer's later addition with no
    stars of its own, which Lazada does not let the seller answer: REVIEW_TYPE_DONOT_SUPPORT_REPLY)."""
    stars = rating_of(row)
    if stars is None:
        return None
    created = require_epoch(row.get("create_time") or row.get("submit_time"))
    item_id = str(row.get("product_id") or "")
    photos = tuple(str(p) for p in row.get("review_images") or [] if p)
    return Review(
        review_id=str(row["id"]), order_id=str(row.get("order_id") or ""), item_id=item_id, sku_id="",
        product_name=names.get(item_id, ""), rating=stars, text=str(row.get("review_content") or ""),
        photos=photos, buyer_name="", created_at=created, updated_at=created,
        reply_text=str(row.get("seller_reply") or ""), replied_at=None, hidden=False)
