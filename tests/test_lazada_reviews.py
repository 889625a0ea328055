"""Lazada reviews (issue 16) against the running practice marketplace: the history walked product by product, 7-day
window by window and page by page, the reviews read by id, replies once in Lazada's words (a second reply, an
over-long one, one to a deleted review, one whose answer was lost), and every call on the wire checked against
contracts_reviews.py. TikTok Shop's spec says plainly it has no reviews for apps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_contracts_lazada import answer_problems, connector, problems, record
from test_practice_calls import admin, start_market

from companion.connectors.contract import Exchange, find
from companion.connectors.errors import Permanent, Temporary, Throttled
from companion.connectors.lazada.connector import LazadaConnector
from companion.connectors.lazada.contracts import ENDPOINTS
from companion.connectors.lazada.contracts_reviews import REVIEW_CONTRACTS, WORDS
from companion.connectors.lazada.reviews import ms
from companion.connectors.lazada.spec import SPEC
from companion.connectors.tiktok.connector import TikTokConnector
from companion.connectors.tiktok.spec import SPEC as TIKTOK
from companion.domain.marketplace import Capability
from companion.domain.reviews import Review, ReviewReply
from companion.practice import fulfilment as f
from companion.practice import reviews as reviews_core
from companion.practice.server import PracticeMarketplace

DAY = 86400
HISTORY = "/review/seller/history/list"
LIST = "/review/seller/list/v2"
REPLY = "/review/seller/reply/add"


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def _now(market: PracticeMarketplace) -> datetime:
    return datetime.fromtimestamp(market.state.now(), UTC)


def _reviewed(market: PracticeMarketplace, sku: str, rating: int, text: str = "",
              photos: tuple[str, ...] = ()) -> str:
    """A buyer's order of `sku`, delivered, then reviewed: the review's id."""
    admin(market, "/stock", {"platform": "lazada", "seller_sku": sku, "stock": 50})
    order = admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": sku, "quantity": 1}]})
    f.arrange(market.state, "lazada", order["ref"], "dropoff")
    f.advance_shipments(market.state, "lazada", everything=True)  # shipped
    f.advance_shipments(market.state, "lazada", everything=True)  # delivered
    made = admin(market, "/reviews/leave", {"platform": "lazada", "order": order["ref"], "rating": rating,
                                            "text": text, "photos": list(photos)})
    return str(made["ref"])


def _pull_all(link: LazadaConnector, start: datetime, end: datetime) -> tuple[list[Review], int]:
    cursor: str | None = None
    seen: list[Review] = []
    pages = 0
    while True:
        page = link.pull_reviews(start, end, cursor)
        seen += page.reviews
        pages += 1
        if page.done:
            return seen, pages
        assert page.next_cursor
        cursor = page.next_cursor
        if pages % 2 == 0:  # a new connection (the app restarted) resumes the walk from the cursor alone
            link = connector_like(link)


def connector_like(link: LazadaConnector) -> LazadaConnector:
    made = LazadaConnector(link.credentials, None, link.clock)
    return made


def _checked(wire: list[Exchange]) -> set[str]:
    """Every exchange keeps its contract (requests only where the marketplace accepted them); the names exercised."""
    assert [p for ex in wire for p in answer_problems(ex)] == []
    assert [p for ex in wire if ex.answer.get("code") == "0" for p in problems(ex)] == []
    return {e.name for e in (find(ENDPOINTS, x.method, x.path) for x in wire) if e is not None}


def _calls(wire: list[Exchange], path: str) -> list[Exchange]:
    return [x for x in wire if x.path == path]


def test_spec_declares_lazada_reviews_and_tiktok_says_it_has_none() -> None:
    rules = SPEC.reviews
    assert rules is not None and rules.available and SPEC.has(Capability.REVIEWS)
    assert Capability.REVIEWS in LazadaConnector.capabilities
    assert (rules.max_reply_length, rules.one_reply, rules.replies_per_call) == (500, True, 1)
    assert rules.note and rules.seller_centre_url.startswith("https://sellercenter.lazada.co.id")
    none = TIKTOK.reviews
    assert none is not None and not none.available and none.note.startswith("TikTok Shop does not let apps")
    assert none.seller_centre_url == "https://seller-id.tokopedia.com/product/rating?shop_region=ID"
    assert not TIKTOK.has(Capability.REVIEWS) and Capability.REVIEWS not in TikTokConnector.capabilities


def test_reviews_are_pulled_product_by_product_over_pages_and_windows(market: PracticeMarketplace) -> None:
    wire = record(market)
    start = _now(market) - timedelta(hours=1)
    old = [_reviewed(market, "TEH-MLT-25", 1 + n % 5, f"ulasan {n}") for n in range(12)]  # two pages of 10
    market.advance_clock(9 * DAY)  # the next reviews fall in the second 7-day window
    new = [_reviewed(market, "GULA-AREN-500", 2, "Gula menggumpal", ("static/photo-1.png",)),
           _reviewed(market, "KOPI-ROB-250", 5, "Mantap")]
    link = connector(market)
    link.use_tokens(link.refresh_tokens())  # the practice token lasts 7 days, as a test-status app's does
    seen, pages = _pull_all(link, start, _now(market))

    assert sorted(r.review_id for r in seen) == sorted(old + new)  # each once, though the walk restarted
    assert pages >= 2
    sugar = next(r for r in seen if r.review_id == new[0])
    assert sugar.rating == 2 and sugar.text == "Gula menggumpal" and sugar.product_name
    assert sugar.photos and sugar.photos[0].endswith("/_practice/static/photo-1.png")
    assert sugar.order_id and sugar.item_id and sugar.reply_text == "" and not sugar.hidden
    history = _calls(wire, HISTORY)
    spans = [int(x.query["end_time"]) - int(x.query["start_time"]) for x in history]
    assert max(spans) <= 7 * DAY * 1000 and {x.query["current"] for x in history} >= {"1", "2"}
    assert len({x.query["item_id"] for x in history}) >= 3  # one product a call
    assert all(x.query["id_list"].count(",") < 10 for x in _calls(wire, LIST))
    assert _checked(wire) >= {"GetHistoryReviewIdList", "GetReviewListByIdList"}

    restarted = link.pull_reviews(start, _now(market), "not a cursor of ours")  # an unreadable cursor: from start
    assert restarted.reviews and {r.review_id for r in restarted.reviews} <= set(new)  # the newest window first
    # a window with nothing new: no reviews, done; a range older than 90 days is clamped, not refused
    quiet = link.pull_reviews(_now(market) + timedelta(minutes=1), _now(market) + timedelta(minutes=2))
    assert quiet.reviews == () and quiet.done
    far, _ = _pull_all(link, _now(market) - timedelta(days=120), _now(market))
    assert sorted(r.review_id for r in far) == sorted(old + new)
    floor = (market.state.now() - 90 * DAY) * 1000
    assert all(int(x.query["start_time"]) >= floor for x in _calls(wire, HISTORY)[len(history):])
    assert [p for ex in wire for p in answer_problems(ex)] == []


def test_the_newest_week_is_walked_first_and_an_older_cursor_walks_again(market: PracticeMarketplace) -> None:
    """A first walk of 90 days is ~13 calls a product: the reviews that may still want an answer (the last days)
    come in its first pages. A cursor of the earlier oldest-first walk starts again from the newest week; one whose
    window has left Lazada's 90 days keeps only the days still within them."""
    wire = record(market)
    start = _now(market) - timedelta(days=1)
    old = _reviewed(market, "TEH-MLT-25", 4, "lama")
    market.advance_clock(20 * DAY)  # three 7-day windows later
    new = _reviewed(market, "GULA-AREN-500", 1, "baru")
    link = connector(market)
    link.use_tokens(link.refresh_tokens())
    end = _now(market)
    first = link.pull_reviews(start, end)
    assert [r.review_id for r in first.reviews] == [new] and not first.done
    assert int(_calls(wire, HISTORY)[0].query["end_time"]) == ms(end)
    seen, _ = _pull_all(link, start, _now(market))
    assert sorted(r.review_id for r in seen) == sorted([old, new])
    spans = [(int(x.query["start_time"]), int(x.query["end_time"])) for x in _calls(wire, HISTORY)]
    assert all(a <= b for a, b in spans) and max(b - a for a, b in spans) <= 7 * DAY * 1000

    assert first.next_cursor and '"back":true' in first.next_cursor
    earlier = first.next_cursor.replace(',"back":true', "")  # as the oldest-first walk wrote it
    again = link.pull_reviews(start, _now(market), earlier)
    assert [r.review_id for r in again.reviews] == [new]  # walked again from the newest week, nothing skipped

    walk = json.loads(first.next_cursor)
    gone = ms(_now(market) - timedelta(days=100))  # a cursor saved long ago: its window left the 90 days since
    stale = json.dumps({**walk, "start": gone, "lo": gone, "hi": gone + DAY * 1000, "stop": gone + 7 * DAY * 1000})
    before = len(_calls(wire, HISTORY))
    assert link.pull_reviews(_now(market) - timedelta(days=120), _now(market), stale).done
    straddling = json.dumps({**walk, "start": gone, "lo": gone, "hi": gone + 12 * DAY * 1000,
                             "stop": gone + 12 * DAY * 1000})
    link.pull_reviews(_now(market) - timedelta(days=120), _now(market), straddling)
    assert len(_calls(wire, HISTORY)) > before  # the days still within the 90 were walked
    floor = (market.state.now() - 90 * DAY) * 1000
    assert all(int(x.query["start_time"]) >= floor for x in _calls(wire, HISTORY)[before:])
    assert [p for ex in wire for p in answer_problems(ex)] == []


def test_a_walk_resumed_on_a_new_connection_keeps_the_product_names(market: PracticeMarketplace) -> None:
    """The sync connects anew every round; a first walk lasts many rounds. Only the walk's start reads the product
    list (GetProducts); a later round resuming it uses the names kept, and another token reads its own."""
    wire = record(market)
    _reviewed(market, "TEH-MLT-25", 2, "kurang manis")
    link = connector(market)
    link.use_tokens(link.refresh_tokens())
    start = _now(market) - timedelta(days=60)
    first = link.pull_reviews(start, _now(market))
    products = len(_calls(wire, "/products/get"))
    assert products >= 1 and first.next_cursor
    resumed = connector_like(link).pull_reviews(start, _now(market), first.next_cursor)
    assert len(_calls(wire, "/products/get")) == products  # the names kept from the walk's start
    assert all(r.product_name for r in first.reviews + resumed.reviews)
    connector_like(link).pull_reviews(start, _now(market))  # a new walk: read afresh
    assert len(_calls(wire, "/products/get")) == 2 * products
    other = connector(market)
    other.use_tokens(other.refresh_tokens())  # another token: nothing shared
    other.pull_reviews(start, _now(market), first.next_cursor)
    assert len(_calls(wire, "/products/get")) == 3 * products


def test_a_product_with_more_reviews_than_fifty_pages_is_walked_in_smaller_windows(
        market: PracticeMarketplace) -> None:
    """501 reviews of one product in one window: 50 pages of 10 cannot hold them, so the window is halved."""
    wire = record(market)
    start = _now(market) - timedelta(minutes=1)
    listing = market.state.listing_by_sku("lazada", "TEH-MLT-25")
    market.state.set_stock(int(listing["id"]), 1000)
    made = []
    for n in range(501):
        if n % 100 == 0:
            market.advance_clock(3600)  # the reviews spread over a few hours
        order = market.state.create_order("lazada", [(int(listing["id"]), 1)], "500001", "sari.wulan", "delivered")
        made.append(str(reviews_core.leave_review(market.state, "lazada", order["ref"], 5, "Enak")["ref"]))
    link = connector(market)
    seen, _ = _pull_all(link, start, _now(market))
    assert sorted(r.review_id for r in seen) == sorted(made)
    history = [x for x in _calls(wire, HISTORY) if x.query["item_id"] == listing["item_id"]]
    assert max(int(x.query["current"]) for x in history) <= 50
    assert len({(x.query["start_time"], x.query["end_time"]) for x in history}) >= 2  # smaller windows
    assert [p for ex in wire for p in answer_problems(ex)] == []


def test_one_reply_then_lazadas_refusals_in_its_own_words(market: PracticeMarketplace) -> None:
    wire = record(market)
    low, other, deleted = (_reviewed(market, "TEH-MLT-25", 1, "Basi"), _reviewed(market, "TEH-MLT-25", 3),
                           _reviewed(market, "KOPI-ROB-250", 2, "Pecah"))
    link = connector(market)

    [sent] = link.reply_reviews([ReviewReply(low, "Mohon maaf kak, kami kirim ganti barangnya.")])
    assert sent.ok and not sent.already_replied
    [again] = link.reply_reviews([ReviewReply(low, "Sekali lagi maaf")])
    assert not again.ok and again.already_replied and again.code == "REPLY_ALREADY"
    assert again.words == WORDS["REPLY_ALREADY"]  # Lazada's words, as the marketplace said them
    [shown] = link.get_reviews([low])
    assert shown.reply_text == "Mohon maaf kak, kami kirim ganti barangnya."

    # over the limit: 501 letters, or 300 emoji (600 UTF-16 units): not sent, in Lazada's words for it
    for text in ("a" * 501, "🙏" * 300):
        [long] = link.reply_reviews([ReviewReply(other, text)])
        assert (long.ok, long.code, long.words, long.gone) == (False, "REPLY_CONTENT_TOO_LONG", "Reply too long", False)
    assert not [x for x in _calls(wire, REPLY) if x.query["id"] == other]
    for text in ("a" * 501, "🙏" * 300):  # and sent anyway, the marketplace refuses it the same way
        with pytest.raises(Permanent):
            link.client.call("GET", REPLY, {"id": other, "content": text})
        assert wire[-1].answer["error_code"] == "REPLY_CONTENT_TOO_LONG"
    [blank] = link.reply_reviews([ReviewReply(other, "   ")])
    assert (blank.ok, blank.code, blank.words) == (False, "NULL_CONTENT", "Empty content")
    [fits] = link.reply_reviews([ReviewReply(other, "🙏" * 250)])
    assert fits.ok

    # the buyer deleted the review meanwhile: gone, not shown any more
    admin(market, "/reviews/hide", {"platform": "lazada", "ref": deleted})
    [gone] = link.reply_reviews([ReviewReply(deleted, "Maaf kak")])
    assert not gone.ok and gone.gone and gone.code == "NO_SUCH_REVIEW" and gone.words == "No such review"
    assert link.get_reviews([deleted]) == []
    assert _calls(wire, LIST)[-1].answer["data"]["outdated_reviews"] == [int(deleted)]
    [unknown] = link.reply_reviews([ReviewReply("4999999999", "Halo")])
    assert unknown.gone and unknown.code == "NO_SUCH_REVIEW"
    assert _checked(wire) >= {"SubmitSellerReply", "GetReviewListByIdList"}


def test_a_reply_whose_answer_was_lost_is_read_back_not_sent_twice(market: PracticeMarketplace) -> None:
    review = _reviewed(market, "GULA-AREN-500", 2, "Lama sampainya")
    link = connector(market)
    admin(market, "/faults", {"rates": {"lazada": {"lost_response": 1.0}}})
    with pytest.raises(Temporary) as lost:
        link.reply_reviews([ReviewReply(review, "Maaf atas keterlambatannya")])
    assert lost.value.outcome_unknown  # a GET that writes: the reply may have landed
    admin(market, "/faults", {"rates": {}})
    [back] = link.get_reviews([review])
    assert back.reply_text == "Maaf atas keterlambatannya"  # it did: the caller settles it, never sends again
    [again] = link.reply_reviews([ReviewReply(review, "Maaf atas keterlambatannya")])
    assert again.already_replied


def test_each_history_and_list_refusal_is_documented(market: PracticeMarketplace) -> None:
    wire = record(market)
    review = _reviewed(market, "TEH-MLT-25", 4)
    link = connector(market)
    item = link.get_reviews([review])[0].item_id
    now = int(market.state.now() * 1000)
    day = DAY * 1000

    def refused(path: str, params: dict[str, str], finer: str) -> None:
        with pytest.raises(Permanent) as caught:
            link.client.call("GET", path, params)
        assert not isinstance(caught.value, Throttled)
        assert answer_problems(wire[-1]) == [] and wire[-1].answer["code"] == "PARAMS_VALIDATE_ERROR"
        assert wire[-1].answer.get("error_code", "") == finer

    window = {"item_id": item, "start_time": str(now - day), "end_time": str(now), "current": "1"}
    refused(HISTORY, window | {"start_time": str(now - 8 * day)}, "TIMESPAN_ABOVE_LIMIT")
    refused(HISTORY, window | {"start_time": str(now - 91 * day), "end_time": str(now - 90 * day)},
            "STARTTIME_OVER_LIMIT")
    refused(HISTORY, window | {"current": "51"}, "CURRENT_ABOVE_LIMIT")
    refused(HISTORY, {k: v for k, v in window.items() if k != "item_id"}, "NULL_ITEMID")
    refused(LIST, {"id_list": "[]"}, "NULL_ID")
    refused(LIST, {"id_list": "[" + ",".join([review] * 11) + "]"}, "")
    # what the contract says of these requests, too: the checks catch each one
    said = [p for ex in wire if ex.answer.get("code") != "0" for p in problems(ex)]
    assert any("query.current: 51 is above 50" in p for p in said)
    assert any("query.item_id: missing" in p for p in said)

    admin(market, "/faults", {"rates": {"lazada": {"throttle": 1.0}}})
    with pytest.raises(Throttled):
        link.pull_reviews(_now(market) - timedelta(days=1), _now(market))
    admin(market, "/faults", {"rates": {}})


def test_every_review_contract_is_exercised_by_this_file() -> None:
    """The contract names the tests above check on the wire (kept in step by hand: a new contract fails here)."""
    assert {e.name for e in REVIEW_CONTRACTS} == {"GetHistoryReviewIdList", "GetReviewListByIdList",
                                                  "SubmitSellerReply"}
    assert all(e in ENDPOINTS for e in REVIEW_CONTRACTS)
