"""Reviews, store and services (issue 16): pages keyed by the platform's ids, products through the listing mapping,
orders linked when known (also when they arrive later), the view's order and search, the tray's count; replies
checked before queuing (one sentence each), queued with one command per review, cancelled, refused and sent
again, settled by what the platform shows — on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from review_shop import CLOSED, PLAIN, base_time, order, products, register_channels, review, shop

from companion.domain.errors import UserError
from companion.domain.reviews import ReviewReplyResult
from companion.services import commands
from companion.services import reviews as svc
from companion.services.online_orders import apply_orders
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import outbox, sync_state
from companion.store import reviews as store
from companion.store.database import Database


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def _one(db: Database, account: str, ref: str) -> store.ReviewRow:
    row = store.by_platform_id(db, account, ref)
    assert row is not None
    return row


def _refusal(db: Database, review_id: str, text: str) -> str:
    with pytest.raises(UserError) as caught:
        svc.queue_review_reply(db, review_id, text)
    return caught.value.msgid


def test_a_page_twice_changes_nothing_and_maps_product_and_order(db: Database) -> None:
    ids = products(db)
    account = shop(db)
    t = base_time()
    apply_orders(db, account, [order("A1", t)])  # makes and auto-maps the listings item-KOPI/0 and item-GULA/0
    page = [review("r1", t, 2, "A1", photos=("https://cdn.invalid/1.jpg",)), review("r2", t, 5, "NOT-YET", "GULA"),
            review("r3", t, 4, sku="TEH")]
    first = svc.apply_reviews(db, account, page, cursor=("reviews", "c-1"))
    before = [tuple(r) for r in db.query("SELECT * FROM reviews ORDER BY seq")]
    second = svc.apply_reviews(db, account, page)
    assert len(first.reviews) == 3 and second.reviews == frozenset()
    assert [tuple(r) for r in db.query("SELECT * FROM reviews ORDER BY seq")] == before
    assert sync_state.cursor(db, account, "reviews") == "c-1"
    r1, r2, r3 = (_one(db, account, ref) for ref in ("r1", "r2", "r3"))
    a1 = order_store.by_platform_id(db, account, "A1")
    assert a1 is not None and r1.order_id == a1.id and r1.product_id == ids["KOPI"]
    assert r1.product_display_name == "KOPI 1 kg" and r1.photos == ("https://cdn.invalid/1.jpg",)
    assert r2.product_id == ids["GULA"] and r2.order_id is None and r2.platform_order_id == "NOT-YET"
    assert r3.product_id is None  # an item nobody mapped: the view says so (svc.NOT_MAPPED)
    apply_orders(db, account, [order("NOT-YET", t)])  # the order arrives after its review
    change = svc.apply_reviews(db, account, [])
    assert change.reviews == {r2.id} and _one(db, account, "r2").order_id is not None


def test_a_newer_copy_updates_an_older_one_changes_nothing_and_a_reply_is_never_erased(db: Database) -> None:
    account = shop(db)
    t = base_time()
    svc.apply_reviews(db, account, [review("r1", t, 2, text="Kurang")])
    later = review("r1", t, 1, text="Kurang sekali", updated_at=t + timedelta(hours=1), reply_text="Maaf kak",
                   replied_at=t + timedelta(hours=1))
    assert svc.apply_reviews(db, account, [later]).reviews
    stale = review("r1", t, 3, text="Kurang")
    assert svc.apply_reviews(db, account, [stale]).reviews == frozenset()
    row = _one(db, account, "r1")
    assert (row.rating, row.text, row.reply_text) == (1, "Kurang sekali", "Maaf kak")
    quiet = review("r1", t, 1, text="Kurang sekali", updated_at=t + timedelta(hours=1), hidden=True)
    svc.apply_reviews(db, account, [quiet])
    row = _one(db, account, "r1")
    assert row.hidden and row.reply_text == "Maaf kak"


def test_the_view_lists_unanswered_low_ratings_first_and_searches(db: Database) -> None:
    account = shop(db)
    t = base_time()
    svc.apply_reviews(db, account, [
        review("old-low", t - timedelta(days=3), 1, text="Kopi basi"),
        review("new-high", t, 5, text="Mantap, gula pas", buyer="Sari"),
        review("new-low", t - timedelta(days=1), 3, text="Pengiriman lama"),
        review("answered-low", t - timedelta(hours=1), 2, text="Kemasan penyok", reply_text="Maaf kak",
               replied_at=t),
        review("gone-low", t - timedelta(hours=2), 1, text="Jelek", hidden=True),
        review("mid", t - timedelta(days=2), 4, text="Lumayan", sku="GULA")])
    refs = [r.platform_review_id for r in store.listing(db)]
    assert refs == ["new-low", "old-low", "new-high", "answered-low", "gone-low", "mid"]
    assert store.unanswered_low_count(db) == 2
    assert [r.platform_review_id for r in store.listing(db, search="BASI")] == ["old-low"]
    assert [r.platform_review_id for r in store.listing(db, search="peng")] == ["new-low"]  # a prefix
    assert [r.platform_review_id for r in store.listing(db, search="sari")] == ["new-high"]  # the buyer's name
    assert [r.platform_review_id for r in store.listing(db, search="GULA 1")] == ["new-high", "mid"]  # product name
    assert store.listing(db, search='basi" OR *') == []  # operators are inert
    assert [r.platform_review_id for r in store.listing(db, rating_max=2)] == ["old-low", "answered-low", "gone-low"]
    assert [r.platform_review_id for r in store.listing(db, only_unanswered=True)] == [
        "new-low", "old-low", "new-high", "mid"]
    assert [r.platform_review_id for r in store.listing(db, limit=3)] == ["new-low", "old-low", "new-high"]
    assert [r.platform_review_id for r in store.listing(db, rating_max=3, only_unanswered=True)] == [
        "new-low", "old-low"]
    with db.write():
        account_store.update(db, account, {"active": 0})
    assert store.unanswered_low_count(db) == 0  # an unlinked shop's reviews cannot be answered: not counted


def test_each_refusal_is_one_sentence_and_nothing_is_queued(db: Database) -> None:
    t = base_time()
    account, closed, plain = shop(db), shop(db, CLOSED), shop(db, PLAIN)
    svc.apply_reviews(db, account, [review("r1", t), review("answered", t, reply_text="Sudah", replied_at=t),
                                    review("gone", t, hidden=True)])
    svc.apply_reviews(db, closed, [review("c1", t)])
    svc.apply_reviews(db, plain, [review("p1", t)])
    r1 = _one(db, account, "r1").id
    assert _refusal(db, r1, "   ") == svc.EMPTY
    assert _refusal(db, r1, "x" * 51) == svc.TOO_LONG
    assert _refusal(db, r1, "Maaf kak " + "🙏" * 21) == svc.TOO_LONG  # 9 + 42 UTF-16 units: over 50
    assert _refusal(db, _one(db, account, "answered").id, "Terima kasih") == svc.ALREADY_ANSWERED
    assert _refusal(db, _one(db, account, "gone").id, "Terima kasih") == svc.GONE
    assert _refusal(db, _one(db, closed, "c1").id, "Terima kasih") == svc.NO_REVIEWS
    assert _refusal(db, _one(db, plain, "p1").id, "Terima kasih") == svc.NO_REVIEWS
    assert outbox.listed(db, outbox.STATES) == []
    svc.queue_review_reply(db, r1, "  Maaf kak " + "🙏" * 20 + "  ")  # exactly 50 units once trimmed
    assert _refusal(db, r1, "Lagi") == svc.ALREADY_WAITING
    assert len(outbox.listed(db, outbox.STATES)) == 1
    with pytest.raises(UserError) as caught:
        svc.queue_review_reply(db, "no-such", "Halo")
    assert caught.value.msgid == svc.NOT_FOUND


def test_a_reply_waits_offline_is_cancelled_queued_again_refused_and_sent(db: Database) -> None:
    account = shop(db)
    t = base_time()
    svc.apply_reviews(db, account, [review("r1", t)])
    rid = _one(db, account, "r1").id
    change = svc.queue_review_reply(db, rid, "Mohon maaf, Kak Budi")
    row = store.get(db, rid)
    assert row is not None and change.reviews == {rid}
    assert (row.reply_state, row.pending_reply, row.waiting, row.unanswered) == (
        "waiting", "Mohon maaf, Kak Budi", True, False)
    assert store.unanswered_low_count(db) == 0 and [r.id for r in store.waiting_replies(db, account)] == [rid]
    [command] = outbox.listed(db)
    assert (command.kind, command.idempotency_key, command.account_id, command.payload) == (
        svc.REVIEW_REPLY_KIND, svc.reply_key(rid), account, {"review_id": rid})
    assert commands.can_cancel(command) and commands.kind_label(command.kind) == "Reply to a buyer's review"
    commands.cancel_command(db, command.id)  # "Batalkan" in Pengaturan
    row = store.get(db, rid)
    assert row is not None and (row.reply_state, row.pending_reply) == ("", "") and row.unanswered
    svc.queue_review_reply(db, rid, "Maaf kak, kami ganti")
    again = outbox.by_key(db, svc.reply_key(rid))
    assert again is not None and again.id == command.id and again.state == outbox.WAITING  # one command per review
    commands.begin_sending(db, again.id)
    refused = ReviewReplyResult("r1", ok=False, code="PARAMS_VALIDATE_ERROR", words="Reply contains a phone number")
    svc.record_reply_results(db, account, [refused])
    row = store.get(db, rid)
    assert row is not None and (row.reply_state, row.reply_problem) == ("failed", "Reply contains a phone number")
    assert row.pending_reply == "Maaf kak, kami ganti" and row.unanswered and store.unanswered_low_count(db) == 1
    assert outbox.get(db, command.id).state == outbox.FAILED  # type: ignore[union-attr]
    commands.retry_command(db, command.id)  # "Kirim ulang"
    assert store.get(db, rid).reply_state == "waiting"  # type: ignore[union-attr]
    svc.record_reply_results(db, account, [ReviewReplyResult("r1", ok=True)])
    row = store.get(db, rid)
    assert row is not None and (row.reply_state, row.reply_text, row.pending_reply) == (
        "sent", "Maaf kak, kami ganti", "")
    assert outbox.get(db, command.id).state == outbox.SENT  # type: ignore[union-attr]
    assert svc.record_reply_results(db, account, [ReviewReplyResult("r1", ok=True)]).reviews == frozenset()
    assert _refusal(db, rid, "Sekali lagi") == svc.ALREADY_ANSWERED


def test_a_reply_the_platform_shows_settles_ours_and_a_deleted_review_fails_it(db: Database) -> None:
    account = shop(db)
    t = base_time()
    svc.apply_reviews(db, account, [review(ref, t) for ref in ("lost", "elsewhere", "deleted", "gone")])
    ids = {ref: _one(db, account, ref).id for ref in ("lost", "elsewhere", "deleted", "gone")}
    for rid in ids.values():
        svc.queue_review_reply(db, rid, "Maaf kak")
    lost = outbox.by_key(db, svc.reply_key(ids["lost"]))
    assert lost is not None
    commands.begin_sending(db, lost.id)  # sent, then the answer was lost: the look-back finds it
    svc.apply_reviews(db, account, [review("lost", t, reply_text="Maaf kak", replied_at=t),
                                    review("elsewhere", t, reply_text="Dijawab di seller centre", replied_at=t),
                                    review("deleted", t, hidden=True)])
    states = {ref: store.get(db, rid) for ref, rid in ids.items()}
    assert states["lost"].reply_state == "sent"  # type: ignore[union-attr]
    assert outbox.get(db, lost.id).state == outbox.SENT  # type: ignore[union-attr]
    elsewhere = outbox.by_key(db, svc.reply_key(ids["elsewhere"]))
    assert elsewhere is not None and elsewhere.state == outbox.CANCELLED
    assert states["elsewhere"].reply_text == "Dijawab di seller centre"  # type: ignore[union-attr]
    deleted = states["deleted"]
    assert deleted is not None and deleted.hidden and deleted.reply_state == "failed"
    assert outbox.by_key(db, svc.reply_key(ids["deleted"])).last_error == svc.GONE  # type: ignore[union-attr]
    gone = outbox.by_key(db, svc.reply_key(ids["gone"]))
    assert gone is not None
    commands.begin_sending(db, gone.id)
    svc.record_reply_results(db, account, [ReviewReplyResult("gone", ok=False, code="product.error_not_exist",
                                                             words="The Comment you replied does not exist.",
                                                             gone=True)])
    row = store.get(db, ids["gone"])
    assert row is not None and row.hidden and row.reply_problem == "The Comment you replied does not exist."
    with pytest.raises(UserError):
        commands.retry_command(db, gone.id)  # a deleted review is never answered


def test_withdraw_from_the_review_and_a_lost_answer_already_replied(db: Database) -> None:
    account = shop(db)
    t = base_time()
    svc.apply_reviews(db, account, [review("r1", t), review("r2", t)])
    r1, r2 = _one(db, account, "r1").id, _one(db, account, "r2").id
    svc.queue_review_reply(db, r1, "Maaf kak")
    svc.withdraw_review_reply(db, r1)
    assert store.get(db, r1).reply_state == ""  # type: ignore[union-attr]
    svc.queue_review_reply(db, r2, "Terima kasih kak")
    command = outbox.by_key(db, svc.reply_key(r2))
    assert command is not None
    commands.begin_sending(db, command.id)
    with pytest.raises(UserError):
        svc.withdraw_review_reply(db, r2)  # already on its way
    svc.record_reply_results(db, account, [ReviewReplyResult("r2", ok=False, already_replied=True)])
    row = store.get(db, r2)
    assert row is not None and (row.reply_state, row.reply_text) == ("sent", "Terima kasih kak")


def test_cached_photos_are_kept_by_url(db: Database) -> None:
    account = shop(db)
    t = base_time()
    urls = ("https://cdn.invalid/a.jpg", "https://cdn.invalid/b.jpg")
    svc.apply_reviews(db, account, [review("r1", t, photos=urls)])
    rid = _one(db, account, "r1").id
    assert [r.id for r in store.uncached_photos(db, account)] == [rid]
    svc.record_cached_photo(db, rid, urls[0], "/tmp/a.jpg")
    svc.record_cached_photo(db, rid, "https://elsewhere.invalid/x.jpg", "/tmp/x.jpg")  # not this review's
    assert _one(db, account, "r1").photo_paths == {urls[0]: "/tmp/a.jpg"}
    svc.record_cached_photo(db, rid, urls[1], "/tmp/b.jpg")
    assert store.uncached_photos(db, account) == []
