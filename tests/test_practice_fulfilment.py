"""The practice marketplace's shipping core (practice/fulfilment.py) on a record in a temporary folder: options and
slots, arranging and each refusal, labels as real PDFs, parcels moving on, seller and buyer cancellations with the
listings' stock checked, returns; and the same record reopened (ids never repeat)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import requests
from test_practice_calls import admin, start_market

from companion.practice import fulfilment as f
from companion.practice import label_pdf
from companion.practice.buyers import BuyerSimulator, place_order
from companion.practice.channels import registered_channels
from companion.practice.code128 import PATTERNS, bars, decode
from companion.practice.shapes import ChannelShapes, IdShapes, Lifetimes, OrderStatuses
from companion.practice.state import PracticeState

FULL = ChannelShapes(
    name="full", ids=IdShapes(item=1000, model=2000, buyer=3000, order=4000, conversation=5000, message=6000),
    statuses=OrderStatuses(unpaid="UNPAID", open="OPEN", cancelled="CANCELLED", packed="PACKED",
                           arranged="ARRANGED", shipped="SHIPPED", delivered="DELIVERED", completed="DONE",
                           in_cancel="IN_CANCEL"),
    lifetimes=Lifetimes(access=3600, refresh=86400, code=600), make_keys=dict,
    export_credentials=lambda keys, tokens, urls: {}, courier="SPX Express", tracking_prefix="SPXID",
    package_prefix="PK")
BARE = ChannelShapes(  # a platform with only the three first statuses
    name="bare", ids=IdShapes(item=1000, model=2000, buyer=3000, order=4000, conversation=5000, message=6000),
    statuses=OrderStatuses(unpaid="unpaid", open="pending", cancelled="canceled"),
    lifetimes=Lifetimes(access=3600, refresh=86400, code=600), make_keys=dict,
    export_credentials=lambda keys, tokens, urls: {})
MM = 72 / 25.4


@pytest.fixture
def state(tmp_path: Path) -> Iterator[PracticeState]:
    s = PracticeState(tmp_path / "practice", [FULL, BARE])
    yield s
    s.close()


def stock(state: PracticeState, platform: str) -> dict[int, int]:
    return {x["id"]: x["stock"] for x in state.listings(platform)}


def order(state: PracticeState, platform: str = "full", units: tuple[int, ...] = (2,), paid: bool = True
          ) -> dict[str, Any]:
    listed = [x for x in state.listings(platform) if x["stock"] >= 3]
    lines = [(listed[i]["id"], qty) for i, qty in enumerate(units)]
    statuses = state.channel(platform).statuses
    return state.create_order(platform, lines, "3007", "Siti Rahma", statuses.open if paid else statuses.unpaid)


def refused(reason: str, call: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(f.Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.reason == reason


# -- options -----------------------------------------------------------------------------------------------------
def test_options_offer_the_next_days_slots_and_open_branches(state: PracticeState) -> None:
    o = order(state)
    options = f.shipping_options(state, "full", o["ref"])
    offered = options["addresses"][0]["slots"]
    now = state.now()
    assert offered and all(now < s["start"] <= now + 3 * 86400 for s in offered)
    for s in offered:
        start, end = (datetime.fromtimestamp(s[k], f.JAKARTA) for k in ("start", "end"))
        assert (start.hour, end.hour) in f.SLOT_HOURS and s["id"] == str(s["start"])
    assert options["courier"] == "SPX Express" and options["providers"][0] == "SPX Express"
    assert [b["id"] for b in options["branches"]] == ["5001", "5002", "5003"]
    f.close_branch(state, "full", "5002")
    assert [b["id"] for b in f.shipping_options(state, "full", o["ref"])["branches"]] == ["5001", "5003"]
    refused("not_found", f.shipping_options, state, "full", "nope")


def test_a_slot_that_started_is_no_longer_offered_nor_accepted(state: PracticeState) -> None:
    o = order(state)
    first = f.shipping_options(state, "full", o["ref"])["addresses"][0]["slots"][0]
    state.advance_clock(first["start"] - state.now() + 1)
    later = f.shipping_options(state, "full", o["ref"])["addresses"][0]["slots"]
    assert first["id"] not in {s["id"] for s in later}
    refused("slot_expired", f.arrange, state, "full", o["ref"], "pickup", address_id="4001", slot_id=first["id"])
    refused("slot_expired", f.arrange, state, "full", o["ref"], "pickup", slot_id="12345")
    assert state.order("full", o["ref"])["status"] == "OPEN" and f.package_of_order(state, "full", o["ref"]) is None


# -- arrange -----------------------------------------------------------------------------------------------------
def test_arrange_pickup_moves_the_order_and_gives_a_tracking_number(state: PracticeState) -> None:
    o = order(state)
    slot = f.shipping_options(state, "full", o["ref"])["addresses"][1]["slots"][2]
    before = state.order("full", o["ref"])["update_time"]
    state.advance_clock(5)
    p = f.arrange(state, "full", o["ref"], "pickup", address_id="4002", slot_id=slot["id"])
    assert p["status"] == "arranged" and p["method"] == "pickup" and p["slot_id"] == slot["id"]
    assert p["address_id"] == "4002" and p["courier"] == "SPX Express" and p["ref"].startswith("PK")
    assert p["tracking"].startswith("SPXID") and p["tracking"][5:].isdigit()
    after = state.order("full", o["ref"])
    assert after["status"] == "ARRANGED" and after["update_time"] > before
    assert f.package(state, "full", p["ref"]) == p == f.package_of_order(state, "full", o["ref"])


def test_each_refusal_of_arrange(state: PracticeState) -> None:
    refused("not_found", f.arrange, state, "full", "nope", "pickup")
    refused("unpaid", f.arrange, state, "full", order(state, paid=False)["ref"], "pickup")
    gone = order(state)
    f.seller_cancel(state, "full", gone["ref"], "OUT_OF_STOCK")
    refused("cancelled", f.arrange, state, "full", gone["ref"], "dropoff")
    o = order(state)
    refused("bad_address", f.arrange, state, "full", o["ref"], "pickup", address_id="9999")
    f.close_branch(state, "full", "5001")
    refused("branch_closed", f.arrange, state, "full", o["ref"], "dropoff", branch_id="5001")
    refused("branch_closed", f.arrange, state, "full", o["ref"], "dropoff", branch_id="no-such-branch")
    refused("bad_provider", f.arrange, state, "full", o["ref"], "dropoff", provider="Kuda Pos")
    refused("tracking_required", f.arrange, state, "full", o["ref"], "own_courier", tracking="  ")
    refused("not_packed", f.arrange, state, "full", o["ref"], "dropoff", require_packed=True)
    assert state.order("full", o["ref"])["status"] == "OPEN"  # nothing changed on a refusal
    p = f.arrange(state, "full", o["ref"], "dropoff")
    assert p["branch_id"] == "5002"  # the first open branch
    refused("already_arranged", f.arrange, state, "full", o["ref"], "dropoff")
    refused("already_arranged", f.pack, state, "full", o["ref"])
    f.advance_shipments(state, "full", everything=True)
    refused("already_shipped", f.arrange, state, "full", o["ref"], "dropoff")
    with pytest.raises(ValueError):
        f.arrange(state, "full", order(state)["ref"], "by_pigeon")


def test_own_courier_keeps_the_sellers_tracking_number(state: PracticeState) -> None:
    o = order(state)
    p = f.arrange(state, "full", o["ref"], "own_courier", tracking=" JNE123 ", courier="JNE")
    assert (p["tracking"], p["courier"], p["method"]) == ("JNE123", "JNE", "own_courier")


def test_pack_then_arrange_keeps_the_package_and_provider(state: PracticeState) -> None:
    o = order(state)
    packed = f.pack(state, "full", o["ref"], provider="JNE")
    assert packed["status"] == "packed" and packed["courier"] == "JNE" and packed["tracking"]
    assert state.order("full", o["ref"])["status"] == "PACKED"
    refused("bad_provider", f.pack, state, "full", order(state)["ref"], provider="Kuda Pos")
    p = f.arrange(state, "full", o["ref"], "dropoff", require_packed=True)
    assert (p["ref"], p["tracking"], p["courier"], p["status"]) == (packed["ref"], packed["tracking"], "JNE",
                                                                    "arranged")


def test_a_platform_without_shipping_statuses_keeps_the_order_status(state: PracticeState) -> None:
    o = order(state, "bare")
    f.pack(state, "bare", o["ref"])
    p = f.arrange(state, "bare", o["ref"], "dropoff")
    assert state.order("bare", o["ref"])["status"] == "pending" and p["courier"] == "J&T Express"
    refused("already_arranged", f.arrange, state, "bare", o["ref"], "dropoff")
    assert f.advance_shipments(state, "bare", everything=True) == 1
    assert state.order("bare", o["ref"])["status"] == "pending"
    assert f.package_of_order(state, "bare", o["ref"])["status"] == "shipped"  # type: ignore[index]


# -- labels ------------------------------------------------------------------------------------------------------
def test_label_is_made_asynchronously_and_is_a_real_pdf(state: PracticeState) -> None:
    o = order(state, units=(2, 1))
    p = f.arrange(state, "full", o["ref"], "pickup")
    refused("label_not_ready", f.document_status, state, "full", p["ref"])
    refused("not_found", f.request_document, state, "full", "PK0")
    f.request_document(state, "full", p["ref"])
    assert f.document_status(state, "full", p["ref"]) == "processing"
    refused("label_not_ready", f.document_pdf, state, "full", p["ref"])
    state.advance_clock(f.LABEL_DELAY)
    assert f.document_status(state, "full", p["ref"]) == "ready"
    f.request_document(state, "full", p["ref"])  # asking again keeps the ready label
    pdf = f.document_pdf(state, "full", p["ref"])
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 1
    width, height = doc[0].get_size()
    assert width == pytest.approx(100 * MM, abs=0.1) and height == pytest.approx(150 * MM, abs=0.1)
    text = doc[0].get_textpage().get_text_range()
    for words in (p["tracking"], o["ref"], "Siti Rahma", "SPX Express", f.buyer_city(o), o["lines"][0]["name"]):
        assert words in text
    assert read_barcode(doc) == p["tracking"]


def read_barcode(doc: pdfium.PdfDocument) -> str:
    """Render the page and read the bars along the first row with many dark/light changes: the drawing says what
    it should."""
    scale = 8
    bitmap = doc[0].render(scale=scale, grayscale=True)
    data, stride = bytes(bitmap.buffer), bitmap.stride
    y = int((label_pdf.MARGIN + 30 + label_pdf.BARCODE_HEIGHT / 2) * scale)  # the middle of the bars, from the top
    dark = [px < 128 for px in data[y * stride:y * stride + bitmap.width]]
    runs: list[int] = []
    for i in range(dark.index(True), len(dark) - dark[::-1].index(True)):
        if not runs or dark[i] != dark[i - 1]:
            runs.append(0)
        runs[-1] += 1
    if len(runs) > 40:
        unit = sum(runs) / (11 * ((len(runs) - 7) // 6) + 13)  # symbols of 11 modules, the stop of 13
        return decode([max(1, round(r / unit)) for r in runs])
    raise AssertionError("no barcode on the label")


def test_code128_round_trips_and_every_symbol_is_eleven_modules() -> None:
    assert len(PATTERNS) == 107 and len(set(PATTERNS)) == 107
    assert all(sum(map(int, p)) == 11 for p in PATTERNS[:-1]) and sum(map(int, PATTERNS[-1])) == 13
    found, modules = bars("SPXID300000000001")
    assert modules == 10 + 11 * (17 + 3) + 2 + 10
    widths: list[int] = []
    x = 10
    for start, width in found:
        if start > x:
            widths.append(start - x)
        widths.append(width)
        x = start + width
    assert decode(widths) == "SPXID300000000001"
    with pytest.raises(ValueError):
        bars("Résumé")


# -- parcels move on ---------------------------------------------------------------------------------------------
def test_advance_moves_parcels_one_step_at_a_time(state: PracticeState) -> None:
    pickup = order(state)
    slot = f.shipping_options(state, "full", pickup["ref"])["addresses"][0]["slots"][0]
    f.arrange(state, "full", pickup["ref"], "pickup", slot_id=slot["id"])
    drop = order(state)
    f.arrange(state, "full", drop["ref"], "dropoff")
    assert f.advance_shipments(state, "full") == 1  # the drop-off went; the pickup waits for its slot
    assert state.order("full", drop["ref"])["status"] == "SHIPPED"
    assert state.order("full", pickup["ref"])["status"] == "ARRANGED"
    state.advance_clock(slot["start"] - state.now())
    before = state.order("full", pickup["ref"])["update_time"]
    assert f.advance_shipments(state) == 2
    assert state.order("full", pickup["ref"])["status"] == "SHIPPED"
    assert state.order("full", pickup["ref"])["update_time"] >= before
    assert state.order("full", drop["ref"])["status"] == "DELIVERED"
    f.advance_shipments(state, "full")
    assert [state.order("full", x["ref"])["status"] for x in (pickup, drop)] == ["DELIVERED", "DONE"]
    f.advance_shipments(state, "full")
    assert f.advance_shipments(state, "full") == 0  # all completed
    refused("already_shipped", f.seller_cancel, state, "full", drop["ref"], "OUT_OF_STOCK")


def test_everything_ships_at_once_whatever_the_slot(state: PracticeState) -> None:
    refs = [order(state)["ref"] for _ in range(3)]
    slot = f.shipping_options(state, "full", refs[0])["addresses"][0]["slots"][-1]
    for ref in refs:
        f.arrange(state, "full", ref, "pickup", slot_id=slot["id"])
    assert f.advance_shipments(state, "full") == 0
    assert f.advance_shipments(state, everything=True) == 3
    assert {state.order("full", r)["status"] for r in refs} == {"SHIPPED"}


# -- cancelling --------------------------------------------------------------------------------------------------
def test_seller_cancels_whole_order_stock_back_once(state: PracticeState) -> None:
    start = stock(state, "full")
    o = order(state, units=(2, 1))
    label = f.request_document(state, "full", f.arrange(state, "full", o["ref"], "dropoff")["ref"])
    state.advance_clock(f.LABEL_DELAY)
    done = f.seller_cancel(state, "full", o["ref"], "OUT_OF_STOCK")
    refused("cancelled", f.document_pdf, state, "full", label["ref"])  # a cancelled parcel's label is gone
    assert done["status"] == "CANCELLED" and done["cancel_by"] == "seller" and done["cancel_reason"] == "OUT_OF_STOCK"
    assert stock(state, "full") == start
    assert f.package_of_order(state, "full", o["ref"])["status"] == "cancelled"  # type: ignore[index]
    refused("cancelled", f.seller_cancel, state, "full", o["ref"], "OUT_OF_STOCK")
    refused("cancelled", f.request_document, state, "full", f.package_of_order(state, "full", o["ref"])["ref"])  # type: ignore[index]
    state.cancel_order("full", o["ref"], "CANCELLED", "buyer")  # the old path again: nothing more comes back
    assert stock(state, "full") == start
    assert f.advance_shipments(state, "full", everything=True) == 0


def test_seller_cancels_lines_then_the_rest_each_unit_back_once(state: PracticeState) -> None:
    start = stock(state, "full")
    o = order(state, units=(3, 2))
    first, second = o["lines"]
    taken = stock(state, "full")
    refused("bad_lines", f.seller_cancel, state, "full", o["ref"], "OUT_OF_STOCK", [(str(first["id"]), 4)])
    refused("bad_lines", f.seller_cancel, state, "full", o["ref"], "OUT_OF_STOCK", [("999999", 1)])
    refused("bad_lines", f.seller_cancel, state, "full", o["ref"], "OUT_OF_STOCK",
            [(str(first["id"]), 2), (str(first["id"]), 2)])
    assert stock(state, "full") == taken
    part = f.seller_cancel(state, "full", o["ref"], "OUT_OF_STOCK", [(str(first["id"]), 2)])
    assert part["status"] == "OPEN" and part["lines"][0]["cancelled"] == 2
    assert stock(state, "full")[first["listing_id"]] == taken[first["listing_id"]] + 2
    f.seller_cancel(state, "full", o["ref"], "OUT_OF_STOCK", [(str(first["id"]), 1), (str(second["id"]), 2)])
    assert state.order("full", o["ref"])["status"] == "CANCELLED"  # every unit gone: the order is cancelled
    assert stock(state, "full") == start


def test_old_cancel_after_a_partial_cancel_returns_only_the_rest(state: PracticeState) -> None:
    """The bug this issue fixes: a partial cancel, then the whole order cancelled, gave the partial units twice."""
    start = stock(state, "full")
    o = order(state, units=(3,))
    line = o["lines"][0]
    assert state.cancel_units("full", o["ref"], line["id"], 2) == 2
    assert state.cancel_units("full", o["ref"], line["id"], 5) == 1
    assert state.cancel_units("full", o["ref"], line["id"], 1) == 0
    state.cancel_order("full", o["ref"], "CANCELLED", "seller")
    assert stock(state, "full") == start


def test_buyer_cancel_request_refused_then_accepted(state: PracticeState) -> None:
    refused("unpaid", f.request_cancel, state, "full", order(state, paid=False)["ref"], "Berubah pikiran")
    start = stock(state, "full")
    o = order(state)
    refused("request_not_open", f.answer_cancel, state, "full", o["ref"], True)
    assert f.cancel_request(state, "full", o["ref"]) is None
    request = f.request_cancel(state, "full", o["ref"], "Berubah pikiran")
    assert request["state"] == "open" and request["answer_by"] == request["created"] + f.ANSWER_SECONDS
    assert f.request_cancel(state, "full", o["ref"], "again") == request  # asking twice: the same request
    assert state.order("full", o["ref"])["status"] == "IN_CANCEL"
    refused("cancelled", f.arrange, state, "full", o["ref"], "dropoff")
    assert f.answer_cancel(state, "full", o["ref"], False)["state"] == "refused"
    assert state.order("full", o["ref"])["status"] == "OPEN"
    refused("request_not_open", f.answer_cancel, state, "full", o["ref"], True)
    second = f.request_cancel(state, "full", o["ref"], "Salah alamat")
    assert second["ref"] != request["ref"]
    assert f.answer_cancel(state, "full", o["ref"], True)["state"] == "accepted"
    done = state.order("full", o["ref"])
    assert done["status"] == "CANCELLED" and done["cancel_by"] == "buyer" and done["cancel_reason"] == "Salah alamat"
    assert stock(state, "full") == start


def test_an_unanswered_request_is_accepted_at_its_deadline(state: PracticeState) -> None:
    o = order(state)
    f.request_cancel(state, "full", o["ref"], "Berubah pikiran")
    assert f.advance_shipments(state, "full") == 0
    state.advance_clock(f.ANSWER_SECONDS)
    assert f.advance_shipments(state, "full") == 1
    assert state.order("full", o["ref"])["status"] == "CANCELLED"
    assert f.cancel_request(state, "full", o["ref"])["state"] == "accepted"  # type: ignore[index]


def test_a_seller_cancel_closes_the_buyers_request(state: PracticeState) -> None:
    o = order(state)
    f.request_cancel(state, "full", o["ref"], "Berubah pikiran")
    f.seller_cancel(state, "full", o["ref"], "OUT_OF_STOCK")
    assert f.cancel_request(state, "full", o["ref"])["state"] == "accepted"  # type: ignore[index]
    refused("cancelled", f.request_cancel, state, "full", o["ref"], "x")


# -- returns -----------------------------------------------------------------------------------------------------
def delivered(state: PracticeState, units: tuple[int, ...] = (2, 1)) -> dict[str, Any]:
    o = order(state, units=units)
    f.arrange(state, "full", o["ref"], "dropoff")
    f.advance_shipments(state, "full", everything=True)
    f.advance_shipments(state, "full", everything=True)
    return o


def test_returns_are_listed_and_answered_once(state: PracticeState) -> None:
    waiting = order(state)
    refused("return_not_open", f.request_return, state, "full", waiting["ref"], "Rusak",
            [(str(waiting["lines"][0]["id"]), 1)])
    o = delivered(state)
    start = stock(state, "full")
    first, second = o["lines"]
    refused("bad_lines", f.request_return, state, "full", o["ref"], "Rusak", [(str(first["id"]), 3)])
    refused("bad_lines", f.request_return, state, "full", o["ref"], "Rusak", [])
    r = f.request_return(state, "full", o["ref"], "Barang rusak", [(str(first["id"]), 1)],
                         photos=["static/photo-3.png"], note="Sobek di jahitan")
    assert r["state"] == "requested" and r["photos"] == ["static/photo-3.png"] and r["needs_item_back"]
    assert r["amount"] == first["price"] and r["lines"][0]["seller_sku"] == first["seller_sku"]
    assert r["lines"][0]["quantity"] == 1 and r["answer_by"] == r["created"] + f.ANSWER_SECONDS
    state.advance_clock(10)
    refund_only = f.request_return(state, "full", o["ref"], "Tidak sesuai", [(str(first["id"]), 1),
                                                                           (str(second["id"]), 1)],
                                   needs_item_back=False)
    refused("bad_lines", f.request_return, state, "full", o["ref"], "Rusak", [(str(first["id"]), 1)])
    rows, total = f.returns_page(state, "full", None, None, 0, 1)
    assert total == 2 and [x["ref"] for x in rows] == [r["ref"]]
    rows, total = f.returns_page(state, "full", r["updated"] + 1, None, 0, 10)
    assert total == 1 and rows[0]["ref"] == refund_only["ref"]
    assert f.returns_page(state, "bare", None, None, 0, 10) == ([], 0)

    refused("amount_too_high", f.answer_return, state, "full", r["ref"], "partial_refund", amount=r["amount"] + 1)
    accepted = f.answer_return(state, "full", r["ref"], "accept")
    assert accepted["state"] == "accepted" and accepted["updated"] > r["updated"]
    refused("return_not_open", f.answer_return, state, "full", r["ref"], "refuse")
    f.advance_shipments(state, "full")
    assert f.return_(state, "full", r["ref"])["state"] == "refunded"
    partial = f.answer_return(state, "full", refund_only["ref"], "partial_refund", amount=5000)
    assert (partial["state"], partial["refund"]) == ("refunded", 5000)
    refused("not_found", f.return_, state, "full", "1")
    assert stock(state, "full") == start  # a return leaves the listings alone (the seller restocks)


def test_a_refused_return_frees_its_units_for_another_request(state: PracticeState) -> None:
    o = delivered(state, units=(1,))
    line = str(o["lines"][0]["id"])
    r = f.request_return(state, "full", o["ref"], "Rusak", [(line, 1)])
    assert f.answer_return(state, "full", r["ref"], "refuse", reason="NO_DAMAGE")["answer_reason"] == "NO_DAMAGE"
    again = f.request_return(state, "full", o["ref"], "Rusak sekali", [(line, 1)])
    assert again["ref"] != r["ref"]


# -- ids and old folders -----------------------------------------------------------------------------------------
def test_tracking_numbers_never_repeat_across_restarts(tmp_path: Path) -> None:
    seen: set[str] = set()
    for _ in range(3):
        s = PracticeState(tmp_path / "p", [FULL])
        for _ in range(3):
            p = f.arrange(s, "full", order(s, units=(1,))["ref"], "dropoff")
            assert p["tracking"] not in seen
            seen.add(p["tracking"])
        s.close()
    assert len(seen) == 9


def test_an_old_practice_folder_gets_the_new_tables_and_columns(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / "practice.sqlite3") as conn:
        conn.executescript(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, ref TEXT NOT NULL,"
            " status TEXT NOT NULL, buyer_id TEXT NOT NULL, buyer_name TEXT NOT NULL, create_time INTEGER NOT NULL,"
            " update_time INTEGER NOT NULL, ship_by INTEGER NOT NULL, cancel_by TEXT NOT NULL DEFAULT '',"
            " UNIQUE (platform, ref));"
            "CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),"
            " listing_id INTEGER NOT NULL, item_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL,"
            " model_name TEXT NOT NULL, item_sku TEXT NOT NULL, seller_sku TEXT NOT NULL, quantity INTEGER NOT NULL,"
            " price INTEGER NOT NULL);")
    s = PracticeState(folder, [FULL])
    o = order(s)
    assert o["lines"][0]["cancelled"] == 0 and o["cancel_reason"] == ""
    assert f.arrange(s, "full", o["ref"], "dropoff")["status"] == "arranged"
    s.close()


# -- pretend buyers and the admin API ----------------------------------------------------------------------------
def run_buyers(folder: Path, steps: int = 400) -> tuple[list[dict[str, Any]], PracticeState]:
    """Buyers on the registered platforms after the seller shipped a few orders of each by drop-off."""
    s = PracticeState(folder, registered_channels())
    for platform in s.channel_names:
        listed = [x for x in s.listings(platform) if x["stock"] >= 5][:6]
        for x in listed:
            o = place_order(s, platform, [(x["id"], 2), (listed[0]["id"], 1)], buyer_index=x["id"] % 7)
            f.arrange(s, platform, o["ref"], "dropoff")
    sim = BuyerSimulator(s, seed=21)
    return [sim.step() for _ in range(steps)], s


def test_buyers_ask_to_cancel_and_return_the_same_for_a_seed(tmp_path: Path) -> None:
    actions, s = run_buyers(tmp_path / "a")
    again, other = run_buyers(tmp_path / "b")
    assert actions == again
    kinds = {a["action"] for a in actions}
    assert {"order", "cancel", "ask_cancel", "return"} <= kinds
    returned = [a for a in actions if a["action"] == "return"]
    assert any(a["photos"] for a in returned) and any(not a["photos"] for a in returned)
    for a in returned:
        r = f.return_(s, a["platform"], a["return"])
        assert r["state"] == "requested" and len(r["photos"]) == a["photos"]
        assert r["lines"][0]["quantity"] == a["quantity"]
    for a in (a for a in actions if a["action"] == "ask_cancel"):
        assert f.cancel_request(s, a["platform"], a["order"])["state"] == "open"  # type: ignore[index]
    def outcome(st: PracticeState) -> list[Any]:  # what happened, without the wall-clock times
        return [[(x["id"], x["stock"]) for x in st.listings()],
                *([(x["ref"], x["tracking"], x["status"]) for x in f.packages(st, p)] for p in st.channel_names)]

    assert outcome(s) == outcome(other)
    s.close()
    other.close()


def test_buyers_keep_every_unit_once(tmp_path: Path) -> None:
    s = PracticeState(tmp_path / "p", registered_channels())
    start = {x["id"]: x["stock"] for x in s.listings()}
    sim = BuyerSimulator(s, seed=3)
    for n in range(300):
        sim.step()
        if n % 25 == 0:  # the seller ships what waits, and answers the requests
            for platform in s.channel_names:
                for o in s.orders(platform, status=s.channel(platform).statuses.open):
                    if (f.cancel_request(s, platform, o["ref"]) or {}).get("state") == "open":
                        f.answer_cancel(s, platform, o["ref"], n % 50 == 0)
                    elif f.package_of_order(s, platform, o["ref"]) is None:
                        f.arrange(s, platform, o["ref"], "dropoff")
    for platform in s.channel_names:
        live: dict[int, int] = {}
        for o in s.orders(platform):
            for li in o["lines"]:
                live[li["listing_id"]] = live.get(li["listing_id"], 0) + li["quantity"] - li["cancelled"]
        for x in s.listings(platform):
            assert x["stock"] + live.get(x["id"], 0) == start[x["id"]]
    s.close()


def test_admin_calls_move_parcels_close_branches_and_make_buyers_ask(tmp_path: Path) -> None:
    m = start_market(tmp_path / "market")
    try:
        platform = m.state.channel_names[0]
        sku = next(x["seller_sku"] for x in m.state.listings(platform) if x["stock"] >= 4)
        first, second = (admin(m, "/orders", {"platform": platform, "lines": [{"seller_sku": sku, "quantity": 2}]})
                         for _ in range(2))
        assert admin(m, "/branches/close", {"platform": platform, "branch_id": "5001"})["closed"] == ["5001"]
        p = f.arrange(m.state, platform, first["ref"], "dropoff")
        assert p["branch_id"] == "5002"
        assert admin(m, "/packages", {"platform": platform})["packages"][0]["ref"] == p["ref"]
        assert admin(m, "/shipments/advance", {"platform": platform, "everything": True})["moved"] == 1
        assert admin(m, "/shipments/advance", {})["moved"] == 1
        r = admin(m, "/orders/return", {"platform": platform, "order": first["ref"], "photos": 2,
                                        "lines": [{"seller_sku": sku, "quantity": 1}]})
        assert r["photos"] == ["static/photo-1.png", "static/photo-2.png"] and r["lines"][0]["quantity"] == 1
        assert [x["ref"] for x in admin(m, "/returns", {"platform": platform})["returns"]] == [r["ref"]]
        request = admin(m, "/orders/cancel_request", {"platform": platform, "order": second["ref"]})
        assert request["state"] == "open" and request["reason"]
        refused_call = requests.post(m.base_urls["admin"] + "/orders/return", timeout=5,
                                     json={"platform": platform, "order": second["ref"]})
        assert refused_call.status_code == 409 and refused_call.json()["reason"] == "return_not_open"
        admin(m, "/branches/close", {"platform": platform, "branch_id": "5001", "closed": False})
        assert f.shipping_options(m.state, platform, second["ref"])["branches"][0]["id"] == "5001"
    finally:
        m.stop()
