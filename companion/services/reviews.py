"""Buyers' reviews: stored from the platforms (keyed by their ids, so a page applied twice changes nothing), and
answered through the command outbox — one reply per review, checked against the channel's rules before it is
queued, sent exactly once by the sync (sync/reviews.py), "menunggu dikirim" while it waits.

Our reply's state lives on the review (`reply_state`, `pending_reply`) and moves with its command, whose
idempotency key is per review (`reply_key`): a refused or cancelled reply written again reuses the same command.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from companion.connectors import registry
from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.marketplace import Capability
from companion.domain.reviews import Review, ReviewReplyResult, ReviewRules
from companion.i18n import N_
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import outbox, sync_state
from companion.store import reviews as review_store
from companion.store.accounts import FILE_SHOP_REF, AccountRow
from companion.store.database import Database
from companion.store.reviews import FAILED, SENT, WAITING, ReviewRow

REVIEW_REPLY_KIND = "review_reply"
OPEN = (outbox.WAITING, outbox.SENDING)

NOT_FOUND = N_("This review is no longer in the list: refresh the list.")
NOT_LINKED = N_("This online shop is no longer linked: link it again in Settings.")
NO_REVIEWS = N_("This shop's reviews cannot be answered from the app: answer them in the marketplace's seller "
                "centre.")
GONE = N_("The buyer deleted this review (or the marketplace hid it): it can no longer be answered.")
ALREADY_ANSWERED = N_("This review already has a reply, and the marketplace takes only one: it cannot be answered "
                      "again.")
ALREADY_WAITING = N_("A reply to this review is already waiting to be sent: cancel it first to write another one.")
EMPTY = N_("The reply is empty: write a few words to the buyer.")
TOO_LONG = N_("The reply is too long: the marketplace takes at most {limit} characters and this one has {count}.")
NOT_MAPPED = N_("This marketplace product is not linked to one of your products yet: link it in Settings to see "
                "its stock.")
NOT_WAITING = N_("This reply is no longer waiting to be sent: refresh the list.")


def reply_key(review_id: str) -> str:
    """The command's idempotency key: one per review, however often its reply is written again."""
    return f"review-reply:{review_id}"


def reply_length(text: str) -> int:
    """A reply's length counted in UTF-16 code units: an emoji or another character outside the Basic
    Multilingual Plane counts 2. The platforms' references give their limits in "characters" without saying how
    they count; a Java server's String.length() counts UTF-16 units, and no source says any platform counts fewer,
    so the stricter count is used for every channel: a reply that passes here is never too long there."""
    return len(text.encode("utf-16-le")) // 2


def _ts(moment: datetime | None) -> str | None:
    return stamp(moment.astimezone(UTC)) if moment else None


def rules_for(account: AccountRow | None) -> ReviewRules | None:
    """The channel's review rules for a linked shop whose reviews the app can read and answer; None for a file
    import, an unlinked shop, a channel without reviews, or one whose platform gives apps no reviews."""
    if account is None or account.shop_ref == FILE_SHOP_REF or not account.active:
        return None
    spec = registry.find(account.channel)
    if spec is None or not spec.has(Capability.REVIEWS) or spec.reviews is None or not spec.reviews.available:
        return None
    return spec.reviews


# -- pulled from the platform -------------------------------------------------------------------------------------
def apply_reviews(db: Database, account_id: str, reviews: Sequence[Review],
                  cursor: tuple[str, str] | None = None) -> Change:
    """Store a page of reviews (and the cursor after it, as (stream, value)) in one transaction.

    New reviews get their product through the listing mapping (as order lines do) and their order when it is on
    this laptop; a known one takes what changed (an older copy arriving late changes nothing; a reply, once seen,
    is never erased by a copy without it). A reply the platform shows while ours waits or is sending settles ours.
    """
    now = stamp()
    touched: set[str] = set()
    settled = False
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(NOT_LINKED)
        stored = review_store.by_platform_ids(db, account_id, {r.review_id for r in reviews})
        for review in reviews:
            known = stored.get(review.review_id)
            if known is None:
                review_id = _insert(db, account, review, now)
            else:
                review_id = known.id
                if not _update(db, account, known, review):
                    continue
                settled |= _settle_ours(db, known, review)
            touched.add(review_id)
            found = review_store.get(db, review_id)
            if found is not None:
                stored[review.review_id] = found
        touched.update(review_store.link_orders(db, account_id))
        if cursor is not None:
            sync_state.set_cursor(db, account_id, cursor[0], cursor[1], now)
    return Change(reviews=frozenset(touched), sync=settled)


def _platform_values(review: Review, now: str) -> dict[str, object]:
    return {"rating": min(max(review.rating, 1), 5), "text": review.text, "photos": json.dumps(list(review.photos)),
            "buyer_name": review.buyer_name, "product_name": review.product_name, "item_id": review.item_id,
            "sku_id": review.sku_id, "hidden": int(review.hidden),
            "updated_at": _ts(review.updated_at) or _ts(review.created_at) or now}


def _insert(db: Database, account: AccountRow, review: Review, now: str) -> str:
    review_id = new_id()
    order_id = _order_of(db, account, review.order_id)
    values = {"id": review_id, "account_id": account.id, "channel": account.channel,
              "platform_review_id": review.review_id, "platform_order_id": review.order_id, "order_id": order_id,
              "product_id": _product_of(db, account.id, review.item_id, review.sku_id, order_id),
              "created_at": _ts(review.created_at) or now, "reply_text": review.reply_text,
              "replied_at": _ts(review.replied_at) if review.reply_text else None, **_platform_values(review, now)}
    review_store.insert(db, values)
    return review_id


def _update(db: Database, account: AccountRow, known: ReviewRow, review: Review) -> bool:
    """Write what this copy changes; False when it changes nothing (or is older than what is stored)."""
    values = _platform_values(review, known.updated_at)
    if str(values["updated_at"]) < known.updated_at:
        return False  # an older copy arriving late
    values["updated_at"] = max(str(values["updated_at"]), known.updated_at)
    current = {"rating": known.rating, "text": known.text, "photos": json.dumps(list(known.photos)),
               "buyer_name": known.buyer_name, "product_name": known.product_name, "item_id": known.item_id,
               "sku_id": known.sku_id, "hidden": int(known.hidden), "updated_at": known.updated_at}
    news = {k: v for k, v in values.items() if current[k] != v}
    if review.reply_text and review.reply_text != known.reply_text:
        news |= {"reply_text": review.reply_text, "replied_at": _ts(review.replied_at) or known.replied_at or stamp()}
    if known.order_id is None and review.order_id:
        if review.order_id != known.platform_order_id:
            news["platform_order_id"] = review.order_id
        linked = _order_of(db, account, review.order_id)
        if linked is not None:
            news["order_id"] = linked
    order_id = news.get("order_id") or known.order_id
    if known.product_id is None:
        product = _product_of(db, account.id, review.item_id, review.sku_id, str(order_id) if order_id else None)
        if product is not None:
            news["product_id"] = product
    if "photos" in news and known.photo_paths:
        kept = {url: path for url, path in known.photo_paths.items() if url in review.photos}
        news["photo_paths"] = json.dumps(kept, sort_keys=True)
    news = {k: v for k, v in news.items() if k != "updated_at" or len(news) > 1}
    if not news:
        return False
    review_store.update(db, known.id, news)
    return True


def _settle_ours(db: Database, known: ReviewRow, review: Review) -> bool:
    """Our waiting, sending or refused reply after a copy that shows a reply or a deleted review; True when a
    command changed state.

    A reply on the platform while ours is open: ours is done — sent if it may have left (the command was
    sending, or the platform shows our text), else cancelled (the seller centre answered first; ours never
    left). A deleted review while ours waits: refused with GONE (one that is sending is left to the sync, whose
    answer says what happened)."""
    command = outbox.by_key(db, reply_key(known.id))
    if known.reply_state not in (WAITING, FAILED) or command is None:
        return False
    if review.reply_text:
        ours = command.state == outbox.SENDING or review.reply_text.strip() == known.pending_reply.strip()
        if command.state in (*OPEN, outbox.FAILED):
            outbox.set_state(db, command.id, outbox.SENT if ours else outbox.CANCELLED)
        review_store.update(db, known.id, {"reply_state": SENT if ours else "", "pending_reply": "",
                                           "reply_problem": ""})
        return True
    if review.hidden and command.state == outbox.WAITING:
        outbox.set_state(db, command.id, outbox.FAILED, GONE)
        review_store.update(db, known.id, {"reply_state": FAILED, "reply_problem": ""})
        return True
    return False


def _order_of(db: Database, account: AccountRow, platform_order_id: str) -> str | None:
    """Our order the review came from: under this shop, or imported from a file or pulled under the shop's
    earlier link, when this laptop has it."""
    if not platform_order_id:
        return None
    found = order_store.by_platform_id(db, account.id, platform_order_id) \
        or order_store.from_file_import(db, account.channel, platform_order_id)
    if found is None and not account.practice:
        found = order_store.from_other_real_account(db, account.id, account.channel, platform_order_id)
    return found.id if found else None


def _product_of(db: Database, account_id: str, item_id: str, sku_id: str, order_id: str | None) -> str | None:
    """Our product through the listing mapping: the variant's listing when the platform names it; else the
    order's line of that item; else the item's mapped listings when they all name one product. None: not mapped
    (the view says so with NOT_MAPPED); a review never creates a listing."""
    if sku_id:
        listing = listing_store.by_ref(db, account_id, item_id, sku_id)
        if listing is not None and listing.product_id:
            return listing.product_id
    if order_id:
        lines = {line.product_id for line in order_store.lines(db, order_id)
                 if line.item_id == item_id and (not sku_id or line.sku_id == sku_id) and line.product_id}
        if len(lines) == 1:
            return lines.pop()
    mapped = {listing.product_id for listing in listing_store.by_item(db, account_id, item_id) if listing.product_id}
    return mapped.pop() if len(mapped) == 1 else None


def record_cached_photo(db: Database, review_id: str, url: str, local_path: str) -> Change:
    """The picture at `url` is now on this laptop: the view shows the local copy from now on."""
    with db.write():
        row = review_store.get(db, review_id)
        if row is None or url not in row.photos:
            return Change()
        paths = {**(row.photo_paths or {}), url: local_path}
        review_store.update(db, review_id, {"photo_paths": json.dumps(paths, sort_keys=True)})
    return Change(reviews=frozenset({review_id}))


# -- the owner's reply ---------------------------------------------------------------------------------------------
def check_reply(row: ReviewRow, rules: ReviewRules | None, text: str) -> str:
    """The reply as it will be sent (spaces around it trimmed), or UserError with the one sentence that says why
    it cannot be queued: a channel without reviews, a deleted review, one already answered or waiting (one
    reply per review), an empty reply, or one over the channel's `max_reply_length` (see `reply_length`)."""
    if rules is None:
        raise UserError(NO_REVIEWS)
    if row.hidden:
        raise UserError(GONE)
    if row.reply_state == WAITING:
        raise UserError(ALREADY_WAITING)
    if rules.one_reply and (row.reply_text or row.reply_state == SENT):
        raise UserError(ALREADY_ANSWERED)
    body = text.strip()
    if not body:
        raise UserError(EMPTY)
    count = reply_length(body)
    if rules.max_reply_length and count > rules.max_reply_length:
        raise UserError(TOO_LONG, limit=rules.max_reply_length, count=count)
    return body


def queue_review_reply(db: Database, review_id: str, text: str) -> Change:
    """The owner's reply, checked (`check_reply`) and queued with its command in one transaction: the review
    shows "menunggu dikirim" with the text until the sync sends it, online or later."""
    with db.write():
        row = review_store.get(db, review_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        account = account_store.get(db, row.account_id)
        if account is None or not account.active:
            raise UserError(NOT_LINKED)
        body = check_reply(row, rules_for(account), text)
        command = outbox.by_key(db, reply_key(review_id))
        if command is None:
            outbox.enqueue(db, REVIEW_REPLY_KIND, {"review_id": review_id}, reply_key(review_id), row.account_id)
        elif command.state in OPEN:
            raise UserError(ALREADY_WAITING)
        else:  # refused, cancelled, or (a channel taking more than one reply) sent before: the same command again
            outbox.set_state(db, command.id, outbox.WAITING)
        review_store.update(db, review_id, {"pending_reply": body, "reply_state": WAITING, "reply_problem": ""})
    return Change(reviews=frozenset({review_id}), sync=True)


def withdraw_review_reply(db: Database, review_id: str) -> Change:
    """"Batalkan" from the review: a reply still waiting is not sent (one already on its way always is)."""
    command = outbox.by_key(db, reply_key(review_id))
    if command is None:
        raise NotFound(NOT_WAITING)
    return cancel_reply(db, command)


def cancel_reply(db: Database, command: outbox.CommandRow) -> Change:
    """"Batalkan" on a waiting reply (here or in the list in Pengaturan): not sent; the review waits for an
    answer again."""
    review_id = str(command.payload.get("review_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.WAITING:
            raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
        outbox.set_state(db, command.id, outbox.CANCELLED)
        if review_store.get(db, review_id) is not None:
            review_store.update(db, review_id, {"reply_state": "", "pending_reply": "", "reply_problem": ""})
    return Change(reviews=frozenset({review_id}), sync=True)


def retry_reply(db: Database, command: outbox.CommandRow) -> Change:
    """"Kirim ulang" on a refused reply: it waits again with the same text, unless the review is gone or has
    been answered meanwhile."""
    review_id = str(command.payload.get("review_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        row = review_store.get(db, review_id)
        if current is None or current.state != outbox.FAILED or row is None or not row.pending_reply:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        check_reply(row, rules_for(account_store.get(db, row.account_id)), row.pending_reply)
        outbox.set_state(db, command.id, outbox.WAITING)
        review_store.update(db, review_id, {"reply_state": WAITING, "reply_problem": ""})
    return Change(reviews=frozenset({review_id}), sync=True)


# -- what the platform answered (the sync's handler, sync/reviews.py) ---------------------------------------------
def record_reply_results(db: Database, account_id: str, results: Sequence[ReviewReplyResult]) -> Change:
    """The platform's final answer to each reply sent (keyed by the platform's review id), in one transaction:
    ok → sent (the review shows our text); already_replied → settled as sent (the platform holds a reply: ours
    from a send whose answer was lost; the next pull brings its exact text); gone → the review is hidden and our
    reply failed; any other refusal → failed with the platform's words, the text kept for "Kirim ulang".
    A result for a review whose reply is no longer waiting changes nothing. Temporary trouble (offline, slow
    down) is not a result: the handler puts the command back with `commands.requeue`."""
    touched: set[str] = set()
    now = stamp()
    with db.write():
        rows = review_store.by_platform_ids(db, account_id, {r.review_id for r in results})
        for result in results:
            row = rows.get(result.review_id)
            if row is None or row.reply_state != WAITING:
                continue
            command = outbox.by_key(db, reply_key(row.id))
            if result.ok or result.already_replied:
                values: dict[str, object] = {"reply_state": SENT, "pending_reply": "", "reply_problem": ""}
                if not row.reply_text:
                    values |= {"reply_text": row.pending_reply, "replied_at": now}
                review_store.update(db, row.id, values)
                if command is not None and command.state in OPEN:
                    outbox.set_state(db, command.id, outbox.SENT)
            else:
                words = (result.words or result.code or (GONE if result.gone else ""))[:500]
                values = {"reply_state": FAILED, "reply_problem": words}
                if result.gone:
                    values["hidden"] = 1
                review_store.update(db, row.id, values)
                if command is not None and command.state in OPEN:
                    outbox.set_state(db, command.id, outbox.FAILED, words or GONE)
            touched.add(row.id)
    return Change(reviews=frozenset(touched), sync=bool(touched))
