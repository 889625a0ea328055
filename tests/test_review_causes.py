"""What caused a low review (issue 16), checked against orders built to be late, chats left unanswered and
products oversold — each built with the real services (apply_orders, the inbox's apply_chat_page, stock counts,
oversell incidents) — and the month per product; plus the pure rules at their edges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from review_shop import base_time, order, products, register_channels, review, shop

from companion.domain.clock import local_day
from companion.domain.errors import UserError
from companion.domain.marketplace import Conversation, Message, OrderStatus
from companion.domain.review_causes import (
    SLOW_CHAT,
    Cause,
    ChatLine,
    ReviewCauses,
    StockAtOrder,
    chat_wait,
    most_common,
    shipment,
)
from companion.services import inbox as inbox_service
from companion.services import reviews as review_service
from companion.services.incidents import resolve_incident
from companion.services.online_orders import apply_orders
from companion.services.review_causes import causes_for, monthly_by_product
from companion.services.stock import count_stock
from companion.store import inbox as inbox_store
from companion.store import reviews as review_store
from companion.store import sync_state
from companion.store.database import Database

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


@pytest.fixture(autouse=True)
def channels() -> Iterator[None]:
    yield from register_channels()


def _reviewed(db: Database, account: str, ref: str, platform_order: str, at: datetime, rating: int = 1,
              sku: str = "KOPI") -> str:
    review_service.apply_reviews(db, account, [review(ref, at, rating, platform_order, sku)])
    row = review_store.by_platform_id(db, account, ref)
    assert row is not None and row.order_id is not None
    return row.id


def _chat(db: Database, account: str, ref: str, buyer: str, lines: list[tuple[datetime, str, str]]) -> None:
    """A conversation with `buyer`: (time, who, text) where who is "buyer", "seller", "auto" or "blocked"."""
    messages = [Message(f"{ref}-{n}", ref, "b" if who == "buyer" else "s", text, "text", at, who == "buyer",
                        who == "auto", platform_notice="Diblokir: nomor telepon" if who == "blocked" else "")
                for n, (at, who, text) in enumerate(lines)]
    inbox_service.apply_chat_page(db, account, [Conversation(ref, f"id-{buyer}", buyer, "", lines[-1][0], 1)],
                                  {ref: messages})


def test_an_order_shipped_after_its_ship_by_is_late_and_one_first_seen_shipped_is_not_known(db: Database) -> None:
    products(db, {"KOPI": 50, "GULA": 50})
    account = shop(db)
    t = base_time()
    apply_orders(db, account, [order("LATE", t), order("ONTIME", t), order("NOTYET", t, ship_within=HOUR)])
    apply_orders(db, account, [order("LATE", t, OrderStatus.SHIPPED, 3 * DAY),
                               order("ONTIME", t, OrderStatus.SHIPPED, DAY),
                               order("SEENLATE", t, OrderStatus.SHIPPED, 3 * DAY)])
    now = t + 5 * DAY
    late = causes_for(db, _reviewed(db, account, "r-late", "LATE", t), now)
    assert late.shipment is not None and late.shipment.late and late.shipment.exact
    assert late.shipment.late_by == DAY and late.shipment.shipped_at == t + 3 * DAY
    assert late.causes == (Cause.LATE_SHIPMENT,)
    ontime = causes_for(db, _reviewed(db, account, "r-ontime", "ONTIME", t), now)
    assert ontime.shipment is not None and ontime.shipment.late is False and ontime.causes == ()
    seen = causes_for(db, _reviewed(db, account, "r-seen", "SEENLATE", t), now)
    assert seen.shipment is not None and seen.shipment.late is None and seen.causes == ()  # only an upper bound
    waiting = causes_for(db, _reviewed(db, account, "r-notyet", "NOTYET", t), t + DAY)
    assert waiting.shipment is not None and waiting.shipment.late and waiting.shipment.shipped_at is None
    assert waiting.shipment.late_by == DAY - HOUR
    assert causes_for(db, _reviewed(db, account, "r-notyet2", "NOTYET", t), t + HOUR / 2).causes == ()


def test_a_chat_left_unanswered_or_answered_after_the_platform_deadline_is_a_cause(db: Database) -> None:
    products(db, {"KOPI": 50, "GULA": 50})
    account = shop(db)
    t = base_time()
    buyers = {"SLOW": "Sari", "FAST": "Budi", "NONE": "Rina", "QUIET": "Dewi"}
    apply_orders(db, account, [order(pid, t, buyer=name) for pid, name in buyers.items()])
    _chat(db, account, "c-sari", "Sari", [(t - 2 * HOUR, "buyer", "Kak ready?"),
                                          (t - 2 * HOUR + timedelta(minutes=1), "auto", "Halo, kami segera balas"),
                                          (t, "seller", "Ready kak")])
    _chat(db, account, "c-budi", "budi ", [(t - 5 * DAY, "buyer", "Kak?"),  # a week-old question: outside ±3 days
                                           (t + DAY, "buyer", "Kapan dikirim kak?"),
                                           (t + DAY + timedelta(minutes=20), "seller", "Hari ini kak")])
    _chat(db, account, "c-rina", "Rina", [(t + HOUR, "buyer", "Barangnya belum sampai"),
                                          (t + 2 * HOUR, "blocked", "Hubungi 0812")])  # blocked: never reached her
    now = t + 2 * DAY
    slow = causes_for(db, _reviewed(db, account, "r-slow", "SLOW", t), now)
    assert slow.chat is not None and slow.chat.slow and slow.chat.waited == 2 * HOUR  # the rule here: 1 hour
    assert slow.chat.answered_at == t and slow.causes == (Cause.CHAT_WAITED,)
    fast = causes_for(db, _reviewed(db, account, "r-fast", "FAST", t), now)
    assert fast.chat is not None and not fast.chat.slow and fast.chat.asked_at == t + DAY
    assert fast.chat.waited == timedelta(minutes=20) and fast.causes == ()
    none = causes_for(db, _reviewed(db, account, "r-none", "NONE", t), now)
    assert none.chat is not None and none.chat.answered_at is None and none.chat.slow
    assert none.chat.waited == now - (t + HOUR)
    assert causes_for(db, _reviewed(db, account, "r-quiet", "QUIET", t), now).chat is None  # no chat: not known
    apply_orders(db, account, [order("MARK", t - 4 * HOUR, buyer="Joko")])
    _chat(db, account, "c-joko", "Joko", [(t - 3 * HOUR, "buyer", "Bisa COD?")])
    conv = next(c for c in inbox_store.conversations(db) if c.buyer_name == "Joko")
    inbox_service.mark_answered(db, conv.id)  # answered by phone, marked now: about three hours after he asked
    marked = causes_for(db, _reviewed(db, account, "r-mark", "MARK", t), now)
    assert marked.chat is not None and marked.chat.answered_at is not None and marked.chat.slow
    assert 2 * HOUR < marked.chat.waited < 4 * HOUR


def test_an_oversold_order_and_an_order_placed_at_zero_stock_are_out_of_stock(db: Database) -> None:
    ids = products(db, {"KOPI": 20, "GULA": 1})
    account = shop(db)
    t = base_time()
    apply_orders(db, account, [order("OVER", t)])  # takes 2 GULA of 1: an oversell incident
    [incident] = sync_state.incidents(db)
    assert incident.product_id == ids["GULA"]
    over = causes_for(db, _reviewed(db, account, "r-over", "OVER", t, sku="GULA"), t + DAY)
    assert over.stock is not None and over.stock.oversold and over.stock.level_before == 1
    assert over.causes == (Cause.OUT_OF_STOCK,)
    kopi = causes_for(db, _reviewed(db, account, "r-kopi", "OVER", t, sku="KOPI"), t + DAY)
    assert kopi.stock == StockAtOrder(20, False) and kopi.causes == ()  # the incident names another product
    resolve_incident(db, incident.id, "restocked")
    assert causes_for(db, over.review_id, t + DAY).causes == (Cause.OUT_OF_STOCK,)  # handled later: still a cause
    count_stock(db, {ids["GULA"]: 0}, "stok habis")
    later = base_time()
    apply_orders(db, account, [order("ZERO", later, OrderStatus.CANCELLED)])  # cancelled: it took no stock
    zero = causes_for(db, _reviewed(db, account, "r-zero", "ZERO", later, sku="GULA"), later + DAY)
    assert zero.stock == StockAtOrder(0, False) and zero.causes == (Cause.OUT_OF_STOCK,)


def test_a_review_without_its_order_has_no_known_causes(db: Database) -> None:
    account = shop(db)
    t = base_time()
    review_service.apply_reviews(db, account, [review("r1", t, 1, "UNKNOWN")])
    row = review_store.by_platform_id(db, account, "r1")
    assert row is not None
    assert causes_for(db, row.id, t) == ReviewCauses(row.id, None, None, None, None, None)
    with pytest.raises(UserError):
        causes_for(db, "no-such")


def test_the_month_per_product_counts_lows_and_their_most_common_cause(db: Database) -> None:
    ids = products(db, {"KOPI": 50, "GULA": 1})
    account = shop(db)
    t = base_time()
    apply_orders(db, account, [order("A", t), order("B", t), order("C", t)])  # A oversells GULA
    apply_orders(db, account, [order("A", t, OrderStatus.SHIPPED, 3 * DAY), order("B", t, OrderStatus.SHIPPED, 3 * DAY),
                               order("C", t, OrderStatus.SHIPPED, DAY)])
    review_service.apply_reviews(db, account, [
        review("k1", t, 1, "A"), review("k2", t, 2, "B"), review("k3", t, 5, "C"),
        review("g1", t, 1, "A", "GULA"), review("t1", t, 4, sku="TEH")])
    month = local_day(t).strftime("%Y-%m")
    rows = {r.name: r for r in monthly_by_product(db, month, t + 5 * DAY)}
    kopi, gula, teh = rows["KOPI 1 kg"], rows["GULA 1 kg"], rows["TEH 1 kg (toko)"]
    assert (kopi.product_id, kopi.count, kopi.low_count, kopi.average) == (ids["KOPI"], 3, 2, 2.67)
    assert (kopi.top_cause, kopi.top_cause_count) == (Cause.LATE_SHIPMENT, 2)
    assert (gula.count, gula.low_count, gula.top_cause) == (1, 1, Cause.OUT_OF_STOCK)  # and late: stock wins ties
    assert (teh.product_id, teh.low_count, teh.top_cause, teh.average) == (None, 0, None, 4.0)
    assert [r.name for r in monthly_by_product(db, month, t)][:2] == ["KOPI 1 kg", "GULA 1 kg"]
    next_month = local_day(t + 40 * DAY).strftime("%Y-%m")
    assert monthly_by_product(db, next_month) == []
    with pytest.raises(UserError):
        monthly_by_product(db, "Desember")


# -- the pure rules at their edges ---------------------------------------------------------------------------------
T = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_without_a_platform_deadline_a_chat_is_slow_after_twelve_hours() -> None:
    lines = [ChatLine(T, True), ChatLine(T + SLOW_CHAT, False, True)]
    exactly = chat_wait(lines, T, T + DAY, lambda _asked: None)
    assert exactly is not None and not exactly.slow  # an answer at the limit is in time
    later = chat_wait([ChatLine(T, True), ChatLine(T + SLOW_CHAT + timedelta(minutes=1), False, True)], T, T + DAY,
                      lambda _asked: None)
    assert later is not None and later.slow
    fresh = chat_wait([ChatLine(T, True)], T, T + HOUR, lambda _asked: None)
    assert fresh is not None and not fresh.slow and fresh.answered_at is None  # unanswered, still in time
    assert chat_wait([ChatLine(T - 4 * DAY, True)], T, T + DAY, lambda _asked: None) is None


def test_shipment_edges() -> None:
    assert shipment(None, [("paid", T)], "paid", T + DAY) is None
    completed = shipment(T + DAY, [("paid", T), ("completed", T + HOUR)], "completed", T + 9 * DAY)
    assert completed is not None and completed.late is False and not completed.exact  # before ship_by: on time
    unknown = shipment(T + DAY, [("paid", T), ("completed", T + 2 * DAY)], "completed", T + 9 * DAY)
    assert unknown is not None and unknown.late is None
    cancelled = shipment(T + DAY, [("paid", T), ("cancelled", T + HOUR)], "cancelled", T + 9 * DAY)
    assert cancelled is not None and cancelled.late is None


def test_the_most_common_cause_breaks_ties_stock_first() -> None:
    assert most_common([]) == (None, 0)
    assert most_common([(Cause.CHAT_WAITED,), (Cause.LATE_SHIPMENT,), (Cause.CHAT_WAITED,)]) == (Cause.CHAT_WAITED, 2)
    assert most_common([(Cause.CHAT_WAITED, Cause.OUT_OF_STOCK)]) == (Cause.OUT_OF_STOCK, 1)
