"""Shopee product comments (review_contracts.py) to plain Review records, and reply_comment's per-comment answers
to ReviewReplyResults in Shopee's own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.connectors.convert import from_epoch, require_epoch
from companion.connectors.shopee import review_contracts as rv
from companion.domain.reviews import Review, ReviewReplyResult


def review(row: Mapping[str, Any], names: Mapping[str, str]) -> Review:
    """One item_comment_list entry; `names` maps item_id to the product's name (get_comment carries none)."""
    created = require_epoch(row.get("create_time"))
    reply = row.get("comment_reply") or row.get("cmt_reply") or {}  # the sample says cmt_reply, the params not
    reply_text = str(reply.get("reply") or "")
    replied_at = (from_epoch(reply.get("create_time")) or created) if reply_text else None
    item_id = str(row.get("item_id") or "")
    return Review(
        review_id=str(row["comment_id"]),
        order_id=str(row.get("order_sn") or ""),
        item_id=item_id,
        sku_id=_model(row.get("model_id_list")),
        product_name=names.get(item_id, ""),
        rating=min(5, max(1, int(row.get("rating_star") or 1))),
        text=str(row.get("comment") or ""),
        photos=tuple(str(u) for u in (row.get("media") or {}).get("image_url_list") or [] if u),
        buyer_name=str(row.get("buyer_username") or ""),
        created_at=created,
        updated_at=max(created, replied_at) if replied_at else created,
        reply_text=reply_text,
        replied_at=replied_at,
        hidden=bool(row.get("hidden")),
    )


def _model(models: object) -> str:
    """The variant bought, when the comment names exactly one (model_id 0: an item without variants)."""
    if isinstance(models, list) and len(models) == 1:
        return str(models[0])
    return ""


def change_time(row: Mapping[str, Any]) -> int:
    """When a comment last changed as far as Shopee says: its creation or its reply (edits carry no time)."""
    reply = row.get("comment_reply") or row.get("cmt_reply") or {}
    return max(int(row.get("create_time") or 0), int(reply.get("create_time") or 0))


def reply_result(review_id: str, code: str, words: str) -> ReviewReplyResult:
    """A refused reply in Shopee's code and words; "already replied" and "does not exist" named as such."""
    lowered = words.lower()
    if not code and not words:
        return ReviewReplyResult(review_id, True)
    return ReviewReplyResult(
        review_id, False, code=code, words=words,
        already_replied=code == rv.ALREADY_REPLIED or "replied this comment already" in lowered,
        gone=code == rv.NOT_EXIST or "does not exist" in lowered or "is not exist" in lowered)
