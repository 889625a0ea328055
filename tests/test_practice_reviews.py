"""The practice marketplace's reviews core (practice/reviews.py) on a record in a temporary folder: buyers review
delivered lines once, the seller replies once within the caller's limit, a deleted review takes no reply, every
change is seen by a pull by update time, ids never repeat across restarts, an older folder gets the table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from test_practice_calls import admin, start_market

from companion.domain.reviews import LOW_RATING
from companion.practice import fulfilment as f
from companion.practice import reviews as r
from companion.practice.buyers import REVIEW_AFTER_STEPS, REVIEW_WORDS, BuyerSimulator, place_order
from companion.practice.channels import registered_channels
from companion.practice.shapes import ChannelShapes, IdShapes, Lifetimes, OrderStatuses
from companion.practice.state import PracticeState

FULL = ChannelShapes(
    name="full", ids=IdShapes(item=1000, model=2000, buyer=3000, order=4000, conversation=5000, message=6000),
    statuses=OrderStatuses(unpaid="UNPAID", open="OPEN", cancelled="CANCELLED", packed="PACKED",
                           arranged="ARRANGED", shipped="SHIPPED", delivered="DELIVERED", completed="DONE",
                           in_cancel="IN_CANCEL"),
    lifetimes=Lifetimes(access=3600, refresh=86400, code=600), make_keys=dict,
    export_credentials=lambda keys, tokens, urls: {})
BARE = ChannelShapes(  # a platform with only the three first statuses: the package says delivered
    name="bare", ids=IdShapes(item=1000, model=2000, buyer=3000, order=4000, conversation=5000, message=6000),
    statuses=OrderStatuses(unpaid="unpaid", open="pending", cancelled="canceled"),
    lifetimes=Lifetimes(access=3600, refresh=86400, code=600), make_keys=dict,
    export_credentials=lambda keys, tokens, urls: {})


@pytest.fixture
def state(tmp_path: Path) -> Iterator[PracticeState]:
    s = PracticeState(tmp_path / "practice", [FULL, BARE])
    yield s
    s.close()


def order(state: PracticeState, platform: str = "full", units: tuple[int, ...] = (2, 1)) -> dict[str, Any]:
    listed = [x for x in state.listings(platform) if x["stock"] >= 3]
    statuses = state.channel(platform).statuses
    return state.create_order(platform, [(listed[i]["id"], q) for i, q in enumerate(units)], "3007", "Siti Rahma",
                              statuses.open)


def delivered(state: PracticeState, platform: str = "full", units: tuple[int, ...] = (2, 1)) -> dict[str, Any]:
    o = order(state, platform, units)
    f.arrange(state, platform, o["ref"], "dropoff")
    f.advance_shipments(state, platform, everything=True)   # shipped
    f.advance_shipments(state, platform, everything=True)   # delivered
    return state.order(platform, o["ref"])


def refused(reason: str, call: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(r.ReviewRefused) as caught:
        call(*args, **kwargs)
    assert caught.value.reason == reason
    assert isinstance(caught.value, f.Refused)  # the admin API and routes answer it as any refusal


# -- the buyer -------------------------------------------------------------------------------------------------
def test_a_buyer_reviews_each_delivered_line_once(state: PracticeState) -> None:
    o = order(state)
    refused("not_delivered", r.leave_review, state, "full", o["ref"], 5, "Mantap")
    refused("not_found", r.leave_review, state, "full", "999", 5)
    o = delivered(state)
    first, second = o["lines"]
    review = r.leave_review(state, "full", o["ref"], 2, "Barang tidak sesuai", ["static/photo-4.png"])
    assert review["line_ref"] == str(first["id"]) and review["item_id"] == first["item_id"]
    assert review["model_id"] == first["model_id"] and review["seller_sku"] == first["seller_sku"]
    assert review["rating"] == 2 and review["text"] == "Barang tidak sesuai"
    assert review["photos"] == ["static/photo-4.png"] and review["buyer_name"] == "Siti Rahma"
    assert review["reply"] == "" and review["replied_at"] is None and review["hidden"] is False
    assert review["created"] == review["updated"] and review["order_ref"] == o["ref"]
    assert review["product_name"].startswith(first["name"])
    refused("already_reviewed", r.leave_review, state, "full", o["ref"], 4, line_ref=str(first["id"]))
    by_sku = r.leave_review(state, "full", o["ref"], 5, line_ref=second["seller_sku"])
    assert by_sku["line_ref"] == str(second["id"]) and by_sku["text"] == "" and by_sku["photos"] == []
    refused("already_reviewed", r.leave_review, state, "full", o["ref"], 5)
    assert [x["ref"] for x in r.reviews_of_order(state, "full", o["ref"])] == [review["ref"], by_sku["ref"]]


def test_bad_ratings_and_lines_are_refused(state: PracticeState) -> None:
    o = delivered(state)
    for rating in (0, 6, True, 4.5, "5"):
        refused("bad_rating", r.leave_review, state, "full", o["ref"], rating)
    refused("bad_line", r.leave_review, state, "full", o["ref"], 5, line_ref="NO-SUCH-SKU")
    assert r.reviews_of_order(state, "full", o["ref"]) == []


def test_a_cancelled_line_is_not_reviewed(state: PracticeState) -> None:
    o = order(state)
    f.seller_cancel(state, "full", o["ref"], "Stok habis", [(str(o["lines"][0]["id"]), 2)])
    f.arrange(state, "full", o["ref"], "dropoff")
    f.advance_shipments(state, "full", everything=True)
    f.advance_shipments(state, "full", everything=True)
    refused("bad_line", r.leave_review, state, "full", o["ref"], 1, line_ref=str(o["lines"][0]["id"]))
    assert r.leave_review(state, "full", o["ref"], 1)["line_ref"] == str(o["lines"][1]["id"])


def test_a_platform_without_a_delivered_status_goes_by_the_package(state: PracticeState) -> None:
    o = delivered(state, "bare", (1,))
    assert o["status"] == "pending"  # the order keeps its status; the package says delivered
    assert r.leave_review(state, "bare", o["ref"], 5, "Packing rapi")["rating"] == 5
    completed = delivered(state, "full", (1,))
    f.advance_shipments(state, "full", everything=True)
    assert state.order("full", completed["ref"])["status"] == "DONE"
    assert r.leave_review(state, "full", completed["ref"], 4)["rating"] == 4


# -- the seller ------------------------------------------------------------------------------------------------
def test_reply_rules(state: PracticeState) -> None:
    o = delivered(state)
    first = r.leave_review(state, "full", o["ref"], 1, "Kosong padahal ditulis ready")
    refused("not_found", r.reply, state, "full", "123", "Maaf kak", 500)
    refused("empty", r.reply, state, "full", first["ref"], "  \n ", 500)
    refused("too_long", r.reply, state, "full", first["ref"], "x" * 11, 10)
    assert r.review(state, "full", first["ref"])["reply"] == ""  # nothing kept from a refused reply
    state.advance_clock(30)
    answered = r.reply(state, "full", first["ref"], "Mohon maaf kak", 14)  # exactly the limit
    assert answered["reply"] == "Mohon maaf kak" and answered["replied_at"] == answered["updated"]
    assert answered["updated"] >= first["updated"] + 30
    refused("already_replied", r.reply, state, "full", first["ref"], "Mohon maaf kak", 500)
    assert r.review(state, "full", first["ref"])["reply"] == "Mohon maaf kak"
    second = r.leave_review(state, "full", o["ref"], 5)
    state.advance_clock(30)
    gone = r.hide(state, "full", second["ref"])
    assert gone["hidden"] is True and gone["updated"] >= second["updated"] + 30
    state.advance_clock(30)
    assert r.hide(state, "full", second["ref"])["updated"] == gone["updated"]  # no change the second time
    refused("hidden", r.reply, state, "full", second["ref"], "Terima kasih kak", 500)
    refused("not_found", r.hide, state, "full", "42")


def test_no_limit_given_means_none_checked(state: PracticeState) -> None:
    o = delivered(state, units=(1,))
    ref = r.leave_review(state, "full", o["ref"], 3)["ref"]
    assert r.reply(state, "full", ref, "y" * 5000, 0)["reply"] == "y" * 5000


# -- pulling ---------------------------------------------------------------------------------------------------
def test_pull_by_update_time_sees_every_change(state: PracticeState) -> None:
    reviewed = []
    for stars in (5, 2, 4):
        o = delivered(state, units=(1,))
        reviewed.append(r.leave_review(state, "full", o["ref"], stars))
        state.advance_clock(100)
    mark = state.now()
    rows, total = r.reviews_page(state, "full", None, mark)
    assert total == 3 and [x["ref"] for x in rows] == [x["ref"] for x in reviewed]
    assert r.reviews_page(state, "full", mark, None) == ([], 0)
    r.reply(state, "full", reviewed[1]["ref"], "Mohon maaf kak", 500)
    state.advance_clock(5)
    r.hide(state, "full", reviewed[0]["ref"])
    later, total = r.reviews_page(state, "full", mark, None)
    assert total == 2 and [x["ref"] for x in later] == [reviewed[1]["ref"], reviewed[0]["ref"]]
    assert later[0]["reply"] and later[1]["hidden"]
    page, total = r.reviews_page(state, "full", None, None, offset=1, limit=1, newest_first=True)
    assert total == 3 and [x["ref"] for x in page] == [reviewed[1]["ref"]]
    item = reviewed[2]["item_id"]
    mine, total = r.reviews_page(state, "full", None, None, item_id=item)
    assert total == len(mine) and {x["item_id"] for x in mine} == {item}
    assert r.reviews_page(state, "bare", None, None) == ([], 0)  # platforms kept apart


def test_by_refs_in_the_order_asked(state: PracticeState) -> None:
    o = delivered(state)
    a = r.leave_review(state, "full", o["ref"], 5)
    b = r.leave_review(state, "full", o["ref"], 1)
    found = r.reviews_by_refs(state, "full", [b["ref"], "777", a["ref"], b["ref"]])
    assert [x["ref"] for x in found] == [b["ref"], a["ref"]]
    assert r.reviews_by_refs(state, "bare", [a["ref"]]) == []


# -- the record ------------------------------------------------------------------------------------------------
def test_ids_never_repeat_across_restarts_and_reset(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    s = PracticeState(folder, [FULL, BARE])
    first = r.leave_review(s, "full", delivered(s, units=(1,))["ref"], 5)
    s.close()
    s = PracticeState(folder, [FULL, BARE])
    second = r.leave_review(s, "full", delivered(s, units=(1,))["ref"], 4)
    assert int(second["ref"]) > int(first["ref"]) >= r.REVIEW_BASE
    assert r.review(s, "full", first["ref"])["rating"] == 5
    s.reset()
    assert r.reviews_page(s, "full", None, None) == ([], 0)
    third = r.leave_review(s, "full", delivered(s, units=(1,))["ref"], 3)
    assert int(third["ref"]) > int(second["ref"])
    s.close()


def test_a_folder_from_before_reviews_gets_the_table(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    PracticeState(folder, [FULL]).close()
    with sqlite3.connect(folder / "practice.sqlite3") as old:
        old.execute("DROP TABLE reviews")
    s = PracticeState(folder, [FULL])
    o = delivered(s, units=(1,))
    assert r.leave_review(s, "full", o["ref"], 2, "Pengiriman lama")["text"] == "Pengiriman lama"
    s.close()


# -- pretend buyers and the admin API --------------------------------------------------------------------------
def run_buyers(folder: Path, steps: int = 300) -> tuple[list[dict[str, Any]], PracticeState]:
    """Buyers on the registered platforms after the seller shipped twenty orders of each by drop-off."""
    s = PracticeState(folder, registered_channels())
    for platform in s.channel_names:
        listed = [x for x in s.listings(platform) if x["stock"] >= 5]
        for n in range(20):
            o = place_order(s, platform, [(listed[n % len(listed)]["id"], 1)], buyer_index=n)
            f.arrange(s, platform, o["ref"], "dropoff")
    sim = BuyerSimulator(s, seed=4)
    return [sim.step() for _ in range(steps)], s


def test_buyers_review_arrived_orders_the_same_for_a_seed(tmp_path: Path) -> None:
    actions, s = run_buyers(tmp_path / "a")
    again, other = run_buyers(tmp_path / "b")
    assert actions == again
    written = [(n, a) for n, a in enumerate(actions) if a["action"] == "review"]
    assert len(written) >= 20
    ratings = [a["rating"] for _, a in written]
    assert sum(x >= 4 for x in ratings) > len(ratings) / 2 and any(x <= LOW_RATING for x in ratings)
    assert any(a["photos"] for _, a in written) and any(not a["photos"] for _, a in written)
    for n, a in written:
        assert n >= REVIEW_AFTER_STEPS  # never before the parcel had arrived a while
        found = r.reviews_by_refs(s, a["platform"], a["reviews"])
        assert [x["ref"] for x in found] == a["reviews"]
        assert all(x["rating"] == a["rating"] and x["text"] in REVIEW_WORDS[a["rating"]] for x in found)
        assert sum(len(x["photos"]) for x in found) == a["photos"]
        assert r.delivered(s, a["platform"], s.order(a["platform"], a["order"]))
    assert len({a["order"] for _, a in written}) == len(written)  # each buyer reviews once

    def outcome(st: PracticeState) -> list[Any]:  # what was written, without the wall-clock times
        return [[(x["ref"], x["order_ref"], x["rating"], x["text"], x["photos"])
                 for x in r.reviews_page(st, p, None, None, 0, -1)[0]] for p in st.channel_names]

    assert outcome(s) == outcome(other)
    s.close()
    other.close()


def test_buyers_skip_what_was_reviewed_through_the_admin_api(tmp_path: Path) -> None:
    s = PracticeState(tmp_path / "p", registered_channels())
    platform = s.channel_names[0]
    listed = next(x for x in s.listings(platform) if x["stock"] >= 5)
    o = place_order(s, platform, [(listed["id"], 1)])
    f.arrange(s, platform, o["ref"], "dropoff")
    sim = BuyerSimulator(s, seed=1)
    sim.step()
    sim.step()
    mine = r.leave_review(s, platform, o["ref"], 1, "Pengiriman lama")
    actions = [sim.step() for _ in range(40)]
    assert all(a["action"] != "review" for a in actions)
    assert [x["ref"] for x in r.reviews_of_order(s, platform, o["ref"])] == [mine["ref"]]
    s.close()


def test_admin_calls_leave_hide_reply_and_list(tmp_path: Path) -> None:
    m = start_market(tmp_path / "market")
    try:
        platform = m.state.channel_names[0]
        sku = next(x["seller_sku"] for x in m.state.listings(platform) if x["stock"] >= 4)
        o = admin(m, "/orders", {"platform": platform, "lines": [{"seller_sku": sku, "quantity": 2}]})
        early = requests.post(m.base_urls["admin"] + "/reviews/leave", timeout=5,
                              json={"platform": platform, "order": o["ref"], "rating": 5})
        assert early.status_code == 409 and early.json()["reason"] == "not_delivered"
        f.arrange(m.state, platform, o["ref"], "dropoff")
        admin(m, "/shipments/advance", {"platform": platform, "everything": True})
        admin(m, "/shipments/advance", {"platform": platform, "everything": True})
        left = admin(m, "/reviews/leave", {"platform": platform, "order": o["ref"], "rating": "2", "photos": 2,
                                           "text": "Barang tidak sesuai", "line": sku})
        assert left["photos"] == ["static/photo-1.png", "static/photo-2.png"] and left["rating"] == 2
        assert admin(m, "/reviews", {"platform": platform})["reviews"] == [left]
        assert admin(m, "/reviews", {"platform": platform, "order": o["ref"]})["total"] == 1
        listed = requests.get(m.base_urls["admin"] + "/reviews", params={"platform": platform}, timeout=5)
        assert listed.status_code == 200 and listed.json()["total"] == 1
        twice = requests.post(m.base_urls["admin"] + "/reviews/leave", timeout=5,
                              json={"platform": platform, "order": o["ref"], "rating": 4})
        assert twice.status_code == 409 and twice.json()["reason"] == "already_reviewed"
        bad = requests.post(m.base_urls["admin"] + "/reviews/leave", timeout=5,
                            json={"platform": platform, "order": o["ref"], "rating": 9})
        assert bad.status_code == 409 and bad.json()["reason"] == "bad_rating"
        answered = admin(m, "/reviews/reply", {"platform": platform, "ref": left["ref"], "text": "Mohon maaf kak"})
        assert answered["reply"] == "Mohon maaf kak"
        hidden = admin(m, "/reviews/hide", {"platform": platform, "ref": left["ref"]})
        assert hidden["hidden"] is True and hidden["reply"] == "Mohon maaf kak"
        missing = requests.post(m.base_urls["admin"] + "/reviews/hide", timeout=5,
                                json={"platform": platform, "ref": "1"})
        assert missing.status_code == 409 and missing.json()["reason"] == "not_found"
        nameless = requests.post(m.base_urls["admin"] + "/reviews/hide", timeout=5, json={"ref": left["ref"]})
        assert nameless.status_code == 400
        admin(m, "/reset", {})
        assert admin(m, "/reviews", {"platform": platform})["total"] == 0
    finally:
        m.stop()
