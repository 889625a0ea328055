"""Reviews on Shopee: the connector against the running practice marketplace — comments pulled with cursors over
pages, replies one and many, every refusal of the issue's "Bad input and faults" in Shopee's own words — and every
call on the wire checked against its contract (review_contracts.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from test_contracts_shopee import Wire
from test_practice_calls import admin, shopee
from test_shopee_fulfilment import assert_keeps_contract, problems

from companion.connectors.errors import Temporary
from companion.connectors.factory import practice_credentials
from companion.connectors.http import Http
from companion.connectors.registry import get as spec
from companion.connectors.shopee import ShopeeConnector
from companion.connectors.shopee import review_contracts as rv
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.marketplace import Capability
from companion.domain.reviews import Review, ReviewReply
from companion.practice import reviews as core
from companion.practice.faults import FaultPlan
from companion.practice.photos import photo_path
from companion.practice.server import PracticeMarketplace

COMMENTS, REPLY = rv.GET_COMMENT.path, rv.REPLY_COMMENT.path
DAY = 86400


@pytest.fixture
def wire(market: PracticeMarketplace) -> Wire:
    return Wire(market)


def connector(market: PracticeMarketplace) -> ShopeeConnector:
    """Signed with the practice clock, so moving it (reviews left days apart) keeps requests in time."""
    creds = practice_credentials(market.credentials(), market.base_urls)["shopee"]
    assert isinstance(creds, ShopeeCredentials)
    return ShopeeConnector(creds, Http(connect_timeout=2.0, read_timeout=5.0),
                           clock=lambda: datetime.fromtimestamp(market.state.now(), UTC))


def reviewed(market: PracticeMarketplace, rating: int, text: str = "", photos: tuple[str, ...] = (),
             sku: str = "KOPI-ROB-250") -> str:
    """A completed order whose buyer reviewed its one line: the review's id."""
    made = admin(market, "/orders", {"platform": "shopee", "lines": [{"seller_sku": sku, "quantity": 1}]})
    market.state.set_order_status("shopee", made["ref"], "COMPLETED")
    return str(core.leave_review(market.state, "shopee", made["ref"], rating, text, photos)["ref"])


def now(market: PracticeMarketplace) -> datetime:
    return datetime.fromtimestamp(market.state.now(), UTC)


def pull_all(shop: ShopeeConnector, since: datetime, until: datetime) -> tuple[list[Review], list[str | None]]:
    found: list[Review] = []
    cursors: list[str | None] = [None]
    while True:
        page = shop.pull_reviews(since, until, cursors[-1])
        found += page.reviews
        if page.done:
            return found, cursors
        cursors.append(page.next_cursor)


def assert_answers_keep_contract(wire: Wire) -> None:
    """Requests built by hand to break the rules: only the practice's answers must keep the contract."""
    bad = {f"{x.method} {x.path}": found for x in wire.exchanges
           if (found := [p for p in problems(x) if not p.startswith("request ")])}
    assert not bad, bad


def test_the_spec_declares_reviews_from_the_reference() -> None:
    shopee_spec = spec("shopee")
    rules = shopee_spec.reviews
    assert rules is not None and rules.available and rules.one_reply
    assert (rules.max_reply_length, rules.replies_per_call) == (500, 100)
    assert rules.note and rules.seller_centre_url.startswith("https://seller.shopee.co.id/")
    assert Capability.REVIEWS in shopee_spec.capabilities and Capability.REVIEWS in ShopeeConnector.capabilities
    assert rv.REACHABLE == 500 and "at most 500" in rv.GET_COMMENT.notes  # the stricter of 500 and 1000


def test_reviews_pulled_with_cursors_newest_first(market: PracticeMarketplace, wire: Wire) -> None:
    old = [reviewed(market, r, f"ulasan {r}") for r in (5, 4, 2)]
    market.state.advance_clock(10 * DAY)
    shop = connector(market)
    shop.use_tokens(shop.refresh_tokens())  # the access token lives 4 hours, the refresh token 30 days
    low = reviewed(market, 1, "Kopinya basi, kecewa", (photo_path(3), photo_path(4)), sku="TEH-MLT-25")
    fresh = reviewed(market, 5, "Mantap")
    shop.review_page_size = 2

    found, cursors = pull_all(shop, now(market) - timedelta(days=90), now(market) + timedelta(minutes=1))
    assert [r.review_id for r in found] == [fresh, low, *reversed(old)]  # newest first, every page walked
    assert len(cursors) == 3 and all(c and c.count("|") == 2 for c in cursors[1:])
    assert [x.query["cursor"] for x in wire.exchanges if x.path == COMMENTS] == ["", "2", "4"]
    assert_keeps_contract(wire)
    bad = next(r for r in found if r.review_id == low)
    assert (bad.rating, bad.text, bad.hidden, bad.reply_text, bad.replied_at) == (1, "Kopinya basi, kecewa", False,
                                                                                   "", None)
    assert len(bad.photos) == 2 and all(p.startswith("http://") and p.endswith(".png") for p in bad.photos)
    listing = market.state.listing_by_sku("shopee", "TEH-MLT-25")
    assert (bad.item_id, bad.sku_id) == (listing["item_id"], listing["model_id"])
    assert bad.product_name.startswith(str(listing["name"]))  # the name from get_item_base_info
    practice_row = core.review(market.state, "shopee", low)
    assert (bad.order_id, bad.buyer_name) == (practice_row["order_ref"], practice_row["buyer_name"])
    assert bad.created_at == bad.updated_at == datetime.fromtimestamp(int(practice_row["created"]), UTC)

    # a later pull from yesterday: the first page is new, the second only older comments, so the walk stops there
    wire.exchanges.clear()
    recent, _ = pull_all(shop, now(market) - timedelta(days=1), now(market) + timedelta(minutes=1))
    assert {fresh, low} <= {r.review_id for r in recent}
    assert len([x for x in wire.exchanges if x.path == COMMENTS]) == 2
    assert_keeps_contract(wire)


def test_a_reply_then_a_second_one_refused_in_shopees_words(market: PracticeMarketplace, wire: Wire) -> None:
    ref = reviewed(market, 2, "Lama sampainya")
    shop = connector(market)
    [sent] = shop.reply_reviews([ReviewReply(ref, "Mohon maaf kak, kami perbaiki pengirimannya.")])
    assert sent.ok and sent.review_id == ref and not sent.words
    [back] = shop.get_reviews([ref])
    assert back.reply_text == "Mohon maaf kak, kami perbaiki pengirimannya." and back.replied_at is not None
    assert back.updated_at == back.replied_at

    [again] = shop.reply_reviews([ReviewReply(ref, "Terima kasih kak")])
    assert (again.ok, again.already_replied, again.gone) == (False, True, False)
    assert (again.code, again.words) == ("product.duplicate_request", "You has replied this comment already.")
    assert core.review(market.state, "shopee", ref)["reply"].startswith("Mohon maaf")  # nothing sent twice
    assert_keeps_contract(wire)


def test_an_over_long_reply_is_refused_in_shopees_words(market: PracticeMarketplace, wire: Wire) -> None:
    ref, other = reviewed(market, 1), reviewed(market, 3)
    shop = connector(market)
    [long] = shop.reply_reviews([ReviewReply(ref, "x" * 501)])
    assert (long.ok, long.code, long.words) == (False, "product.comment_length_invalid", rv.LENGTH_WORDS)
    assert not wire.exchanges  # never sent: the contract allows 1–500 characters
    [empty] = shop.reply_reviews([ReviewReply(ref, "   ")])
    assert not empty.ok and empty.code == "product.comment_length_invalid"
    [fits] = shop.reply_reviews([ReviewReply(ref, "y" * 500)])
    assert fits.ok
    assert_keeps_contract(wire)

    # the practice Shopee itself, asked by hand: per comment in a mixed call, the whole call when all are refused
    mixed = shopee(market, "POST", REPLY, body={"comment_list": [{"comment_id": int(other), "comment": "z" * 501},
                                                                 {"comment_id": int(ref), "comment": "lagi"}]})
    assert (mixed.json()["error"], mixed.json()["message"]) == ("product.comment_length_invalid", rv.LENGTH_WORDS)
    assert "response" not in mixed.json()  # both refused: the first refusal names the whole call
    ok_and_long = shopee(market, "POST", REPLY, body={"comment_list": [
        {"comment_id": int(other), "comment": "z" * 501}, {"comment_id": int(other), "comment": "pas"}]})
    assert ok_and_long.json()["error"] == "product.duplicate_comment_id"
    third = reviewed(market, 4)
    per_comment = shopee(market, "POST", REPLY, body={"comment_list": [
        {"comment_id": int(other), "comment": "z" * 501}, {"comment_id": int(third), "comment": "Terima kasih"}]})
    results = per_comment.json()["response"]["result_list"]
    assert results == [{"comment_id": int(other), "fail_error": "product.comment_length_invalid",
                        "fail_message": rv.LENGTH_WORDS}, {"comment_id": int(third)}]
    assert_answers_keep_contract(wire)


def test_a_deleted_review_takes_no_reply(market: PracticeMarketplace, wire: Wire) -> None:
    ref = reviewed(market, 1, "Barang rusak")
    core.hide(market.state, "shopee", ref)
    shop = connector(market)
    [refused] = shop.reply_reviews([ReviewReply(ref, "Maaf kak")])
    assert (refused.ok, refused.gone, refused.already_replied) == (False, True, False)
    assert (refused.code, refused.words) == ("product.error_not_exist", "The Comment you replied does not exist.")
    [seen] = shop.get_reviews([ref])
    assert seen.hidden and not seen.reply_text
    assert shop.get_reviews(["4999999999", "not-a-number"]) == []  # never existed: left out (cmt_not_exist)
    assert wire.exchanges[-1].answer["error"] == "product.cmt_not_exist"
    [never] = shop.reply_reviews([ReviewReply("4999999999", "Halo")])
    assert never.gone and never.words == "The Comment you replied does not exist."
    assert_keeps_contract(wire)


def test_a_batch_with_mixed_results(market: PracticeMarketplace, wire: Wire) -> None:
    fine, replied, deleted, long, later = (reviewed(market, r) for r in (1, 2, 3, 4, 5))
    core.reply(market.state, "shopee", replied, "Sudah dibalas di Seller Centre", 500)
    core.hide(market.state, "shopee", deleted)
    shop = connector(market)
    shop.reply_batch_size = 3
    asked = [ReviewReply(fine, "Maaf kak"), ReviewReply(replied, "Maaf kak"), ReviewReply(deleted, "Maaf kak"),
             ReviewReply(long, "x" * 600), ReviewReply(later, "Terima kasih kak"),
             ReviewReply(fine, "Maaf kak, sekali lagi")]  # the same review twice: the repeat goes in a later call
    results = shop.reply_reviews(asked)
    assert [r.review_id for r in results] == [r.review_id for r in asked]
    assert [r.ok for r in results] == [True, False, False, False, True, False]
    assert results[1].already_replied and results[1].words == "You has replied this comment already."
    assert results[2].gone and results[2].words == "The Comment you replied does not exist."
    assert results[3].code == "product.comment_length_invalid" and not results[3].gone
    assert results[5].already_replied  # the repeat: Shopee holds the first, nothing sent twice
    assert core.review(market.state, "shopee", fine)["reply"] == "Maaf kak"

    calls = [x for x in wire.exchanges if x.path == REPLY]
    assert all(1 <= len(x.body["comment_list"]) <= 3 for x in calls)
    assert all(len({c["comment_id"] for c in x.body["comment_list"]}) == len(x.body["comment_list"]) for x in calls)
    first = calls[0].answer["response"]["result_list"]
    assert [r.get("fail_error", "") for r in first] == ["", "product.duplicate_request", "product.error_not_exist"]
    assert_keeps_contract(wire)


def test_the_practice_refuses_what_the_reference_refuses(market: PracticeMarketplace, wire: Wire) -> None:
    ref = reviewed(market, 3)
    assert shopee(market, "GET", COMMENTS, {"cursor": "", "page_size": 101}).json()["error"] == "error_param"
    assert shopee(market, "GET", COMMENTS, {"page_size": 10}).json()["error"] == "error_param"  # cursor required
    answer = shopee(market, "GET", COMMENTS, {"cursor": "", "page_size": 10, "comment_id": 4999999999}).json()
    assert (answer["error"], answer["message"]) == ("product.cmt_not_exist", rv.CMT_NOT_EXIST_WORDS)
    item = core.review(market.state, "shopee", ref)["item_id"]
    one = shopee(market, "GET", COMMENTS, {"cursor": "", "page_size": 10, "item_id": item}).json()
    assert [c["comment_id"] for c in one["response"]["item_comment_list"]] == [ref]
    assert shopee(market, "GET", COMMENTS, {"cursor": "", "page_size": 10, "item_id": 1}).json()[
        "error"] == "product.item_not_exist"
    assert shopee(market, "POST", REPLY, body={"comment_list": []}).json()["error"] == "error_param"
    assert shopee(market, "POST", REPLY, body={"comment_list": [{"comment_id": int(ref), "comment": "a"}] * 101}
                  ).json()["error"] == "error_param"
    assert shopee(market, "POST", REPLY, body={"comment_list": [{"comment_id": int(ref), "comment": "a"}] * 2}
                  ).json()["error"] == "product.duplicate_comment_id"
    assert_answers_keep_contract(wire)


def test_every_review_contract_is_exercised(market: PracticeMarketplace, wire: Wire) -> None:
    test_reviews_pulled_with_cursors_newest_first(market, wire)
    test_a_reply_then_a_second_one_refused_in_shopees_words(market, wire)
    used = {x.path for x in wire.exchanges}
    assert {e.path for e in rv.REVIEW_ENDPOINTS} <= used


def test_at_most_500_comments_are_reachable(market: PracticeMarketplace, wire: Wire) -> None:
    """get_comment's `more` stays true past the 500th comment: the walk ends there by its own count."""
    market.state.set_stock(int(market.state.listing_by_sku("shopee", "KOPI-ROB-250")["id"]), 1000)
    for n in range(503):
        reviewed(market, 1 + n % 5)
    shop = connector(market)
    found, cursors = pull_all(shop, now(market) - timedelta(days=90), now(market) + timedelta(minutes=1))
    assert len(found) == 500 and len({r.review_id for r in found}) == 500 and len(cursors) == 5
    last = [x for x in wire.exchanges if x.path == COMMENTS][-1]
    assert last.answer["response"]["more"] is True  # Shopee would go on; what it serves would be empty
    assert shopee(market, "GET", COMMENTS, {"cursor": "500", "page_size": 100}).json()["response"][
        "item_comment_list"] == []
    assert_keeps_contract(wire)


def test_a_lost_answer_says_so_and_the_reply_is_read_back(market: PracticeMarketplace, wire: Wire) -> None:
    """The reply landed but its answer never came: the caller learns the outcome is unknown, reads the comment
    back and finds the reply; sending it again is refused as already replied, so nothing goes twice."""
    ref = reviewed(market, 1, "Salah kirim warna")
    shop = connector(market)
    market.faults.configure(FaultPlan({"shopee": {"lost_response": 1.0}}))
    with pytest.raises(Temporary) as lost:
        shop.reply_reviews([ReviewReply(ref, "Maaf kak, kami kirim ulang.")])
    assert lost.value.outcome_unknown
    market.faults.clear()
    [back] = shop.get_reviews([ref])
    assert back.reply_text == "Maaf kak, kami kirim ulang."
    [again] = shop.reply_reviews([ReviewReply(ref, "Maaf kak, kami kirim ulang.")])
    assert again.already_replied and not again.ok


def test_overlapping_pages_still_give_every_review(market: PracticeMarketplace, wire: Wire) -> None:
    made = {reviewed(market, 1 + n % 5) for n in range(7)}
    shop = connector(market)
    shop.review_page_size = 3
    market.faults.configure(FaultPlan({"shopee": {"repeat_page": 1.0}}))
    found, _ = pull_all(shop, now(market) - timedelta(days=90), now(market) + timedelta(minutes=1))
    assert {r.review_id for r in found} == made  # a repeat is harmless: the store keys reviews by their id
    assert_keeps_contract(wire)
