"""Available to promise and channel allocation: never a negative push, buffers kept, batches only in the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.domain.availability import (
    Allocation,
    PlannedBatch,
    available_to_promise,
    channel_quantity,
    push_quantity,
    takes_stock,
)

SHIP_BY = datetime(2024, 7, 3, 10, 0, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))


def test_push_quantity_and_takes_stock_unchanged() -> None:
    assert push_quantity(10, 2) == 8
    assert push_quantity(10, 2, buffer_units=3) == 5
    assert push_quantity(10, 0, buffer_percent=25) == 7  # 2.5 rounds up to 3
    assert push_quantity(3, 5) == 0
    assert takes_stock("paid") and not takes_stock("unpaid")


def test_atp_is_on_hand_less_reserved_less_shop_buffer() -> None:
    assert available_to_promise(10, 3) == 7
    assert available_to_promise(10, 3, shop_buffer=2) == 5
    assert available_to_promise(2, 3, shop_buffer=1) == 0  # never negative


def test_planned_production_counts_only_for_made_to_order_and_only_inside_the_window() -> None:
    on_time = PlannedBatch(10, SHIP_BY - timedelta(hours=1))
    exactly = PlannedBatch(4, SHIP_BY)  # finishing at the ship-by moment is still in time
    late = PlannedBatch(100, SHIP_BY + timedelta(seconds=1))
    batches = [on_time, exactly, late]
    assert available_to_promise(5, 0, made_to_order=True, planned=batches, ship_by=SHIP_BY) == 5 + 10 + 4
    assert available_to_promise(5, 0, made_to_order=False, planned=batches, ship_by=SHIP_BY) == 5
    assert available_to_promise(5, 0, made_to_order=True, planned=batches, ship_by=None) == 5
    # production first makes up for units already promised
    assert available_to_promise(0, 3, made_to_order=True, planned=[on_time], ship_by=SHIP_BY) == 7


def test_batch_times_in_another_zone_are_compared_in_utc() -> None:
    # 16:30 WIB is 09:30 UTC: before the 10:00 UTC ship-by
    batch = PlannedBatch(6, datetime(2024, 7, 3, 16, 30, tzinfo=WIB))
    assert batch.finishes_at == datetime(2024, 7, 3, 9, 30, tzinfo=UTC)
    assert available_to_promise(0, 0, made_to_order=True, planned=[batch], ship_by=SHIP_BY) == 6
    assert available_to_promise(0, 0, made_to_order=True, planned=[batch],
                                ship_by=datetime(2024, 7, 3, 16, 0, tzinfo=WIB)) == 0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        PlannedBatch(3, datetime(2024, 7, 3, 9, 0))  # naive: zone unknown
    with pytest.raises(ValueError):
        PlannedBatch(-1, SHIP_BY)
    with pytest.raises(ValueError):
        available_to_promise(5, 0, made_to_order=True, planned=[PlannedBatch(1, SHIP_BY)],
                             ship_by=datetime(2024, 7, 3))
    with pytest.raises(ValueError):
        available_to_promise(5, -1)
    with pytest.raises(ValueError):
        available_to_promise(5, 0, shop_buffer=-2)
    for bad in ({"buffer_units": -1}, {"buffer_percent": -5}, {"buffer_percent": 101}, {"keep_last_units": -1}):
        with pytest.raises(ValueError):
            Allocation(**bad)


def test_channel_quantity_buffers_and_threshold() -> None:
    assert channel_quantity(10, Allocation()) == 10
    assert channel_quantity(10, Allocation(buffer_units=3)) == 7
    assert channel_quantity(10, Allocation(buffer_percent=25)) == 7  # 2.5 rounds up to 3
    assert channel_quantity(10, Allocation(buffer_units=1, buffer_percent=25)) == 7  # the larger buffer wins
    assert channel_quantity(3, Allocation(keep_last_units=3)) == 0  # at the threshold: the last units stay
    assert channel_quantity(4, Allocation(keep_last_units=3)) == 4
    assert channel_quantity(4, Allocation(buffer_units=2, keep_last_units=3)) == 2
    assert channel_quantity(2, Allocation(buffer_units=5)) == 0
    assert channel_quantity(0, Allocation()) == 0
    assert channel_quantity(-4, Allocation()) == 0


allocations = st.builds(Allocation, buffer_units=st.integers(0, 50), buffer_percent=st.integers(0, 100),
                        keep_last_units=st.integers(0, 50))
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 12, 31), timezones=st.just(UTC))
batches = st.lists(st.builds(PlannedBatch, quantity=st.integers(0, 40), finishes_at=moments), max_size=6)


@given(on_hand=st.integers(-20, 200), reserved=st.integers(0, 200), shop_buffer=st.integers(0, 30),
       made=st.booleans(), planned=batches, ship_by=st.none() | moments, allocation=allocations)
def test_never_negative_never_more_than_promisable(on_hand: int, reserved: int, shop_buffer: int, made: bool,
                                                   planned: list[PlannedBatch], ship_by: datetime | None,
                                                   allocation: Allocation) -> None:
    atp = available_to_promise(on_hand, reserved, shop_buffer, made, planned, ship_by)
    shown = channel_quantity(atp, allocation)
    assert 0 <= shown <= atp
    within = sum(b.quantity for b in planned if made and ship_by is not None and b.finishes_at <= ship_by)
    assert atp == max(0, on_hand - reserved - shop_buffer + within)
    if atp <= allocation.keep_last_units:
        assert shown == 0
    else:  # every buffer is respected
        assert shown <= atp - allocation.buffer_units or shown == 0
        assert shown * 100 <= atp * (100 - allocation.buffer_percent)


@given(on_hand=st.integers(-20, 200), reserved=st.integers(0, 200), planned=batches, ship_by=moments,
       shift=st.integers(1, 10_000))
def test_batches_after_the_window_never_count(on_hand: int, reserved: int, planned: list[PlannedBatch],
                                              ship_by: datetime, shift: int) -> None:
    late = [PlannedBatch(b.quantity, ship_by + timedelta(seconds=shift)) for b in planned]
    base = available_to_promise(on_hand, reserved, made_to_order=True, ship_by=ship_by)
    assert available_to_promise(on_hand, reserved, made_to_order=True, planned=late, ship_by=ship_by) == base


@given(on_hand=st.integers(-20, 200), reserved=st.integers(0, 200), units=st.integers(0, 50),
       percent=st.integers(0, 100))
def test_channel_quantity_matches_push_quantity_without_threshold(on_hand: int, reserved: int, units: int,
                                                                  percent: int) -> None:
    atp = available_to_promise(on_hand, reserved)
    assert channel_quantity(atp, Allocation(units, percent)) == push_quantity(on_hand, reserved, units, percent)
