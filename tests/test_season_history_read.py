"""Season warnings read only the days they can use: `season_history_days` names them (or none when no season
is near), the store reads [since, until) in shop days, and the warnings come out the same as from a whole year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.domain.clock import stamp
from companion.domain.demand import SEASON_MESSAGES, season_history_days, season_warnings
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.planning import stock_alerts
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import planning as planning_store
from companion.store.database import Database

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
LOOK_BACK = 450  # more than a year and a season


@settings(max_examples=300, deadline=None)
@given(today=DAYS, sales=st.lists(st.tuples(st.integers(0, LOOK_BACK), st.integers(-3, 30)), max_size=200))
def test_the_named_days_give_the_same_warnings_as_the_whole_history(today: date,
                                                                    sales: list[tuple[int, int]]) -> None:
    history = sorted((today - timedelta(days=back), units) for back, units in sales)
    days = season_history_days(today)
    if days is None:
        assert season_warnings(history, today) == []
        return
    first, end = days
    assert first < end <= today
    assert season_warnings([(d, u) for d, u in history if first <= d < end], today) == season_warnings(history, today)


def test_no_season_near_means_nothing_to_read() -> None:
    assert season_history_days(date(2025, 7, 1)) is None
    assert season_history_days(date(2025, 11, 20)) == (date(2024, 10, 14), date(2024, 12, 13))  # 12.12 (and 11.11)


def _sell_at(db: Database, product_id: str, quantity: int, moment: datetime) -> None:
    record_sale(db, [LineInput(product_id, quantity, 1_000)], PaymentMethod.CASH)
    with db.write():  # back-dated, as the planning store tests do
        db.execute("UPDATE sales SET created_at = ? WHERE id = (SELECT id FROM sales ORDER BY rowid DESC LIMIT 1)",
                   (stamp(moment),))


def _noon_wib(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)


def test_store_reads_shop_days_before_until(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KUE-1", name="Kue", sell_price=1_000), 500)
    day = date(2025, 6, 10)
    for back in range(4):
        _sell_at(db, pid, 1, _noon_wib(day - timedelta(days=back)))
    _sell_at(db, pid, 5, datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
             + timedelta(hours=16, minutes=30))  # 23:30 WIB: still the day before `day`
    _sell_at(db, pid, 7, datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
             + timedelta(hours=17, minutes=30))  # 00:30 WIB on `day`: not read
    got = planning_store.sales_histories(db, None, day - timedelta(days=30), "WIB", until=day)
    assert got == {pid: [(day - timedelta(days=3), 1), (day - timedelta(days=2), 1), (day - timedelta(days=1), 6)]}
    assert planning_store.sales_histories(db, [pid], day - timedelta(days=30), "WIB")[pid][-1] == (day, 8)
    assert planning_store.sales_histories(db, [], day - timedelta(days=30), "WIB", until=day) == {}
    assert planning_store.sales_histories(db, None, day, "WIB", until=day) == {}  # an empty span reads nothing


def test_stock_alerts_still_warn_of_last_years_12_12(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KAOS-1", name="Kaos", sell_price=1_000), 500)
    for i in range(28):  # 14 Oct – 10 Nov 2024: one a day
        _sell_at(db, pid, 1, _noon_wib(date(2024, 10, 14) + timedelta(days=i)))
    _sell_at(db, pid, 6, _noon_wib(date(2024, 12, 12)))
    _sell_at(db, pid, 9, _noon_wib(date(2025, 6, 1)))  # outside the days read: changes nothing
    # 20 Nov: the baseline starts 402 days back (the read used to stop at 400 and found only 26 normal days)
    seasons = [a for a in stock_alerts(db, date(2025, 11, 20)) if a.kind == "season"]
    assert [(a.product_id, a.msgid, a.params["sold"], a.params["percent"]) for a in seasons] == [
        (pid, SEASON_MESSAGES["12.12"], 6, 500)]
    assert [a for a in stock_alerts(db, date(2025, 7, 1)) if a.kind == "season"] == []
