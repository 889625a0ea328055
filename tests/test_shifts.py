"""Shifts: what a close expects (cash sales with change, split cash + QRIS, kasbon paid in cash, voids and returns
handed back), the difference and its reason, one open shift at a time, and the shift report at both paper widths."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.payments import Payment
from companion.domain.print_doc import plain_lines
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.shift_report import ShiftReportFacts, shift_report_doc
from companion.domain.shifts import (
    Counted,
    Expected,
    ShiftActivity,
    ShiftMoney,
    check_opening,
    close,
    difference,
    differences,
    expected,
)
from companion.services import sales as sale_service
from companion.services import shifts as shift_service
from companion.services.credit import pay_credit
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.store import shifts as shift_store
from companion.store.database import Database

QRIS, CASH, TRANSFER = PaymentMethod.QRIS, PaymentMethod.CASH, PaymentMethod.TRANSFER
amounts = st.integers(min_value=0, max_value=50_000_000)
methods = st.dictionaries(st.sampled_from(["tunai", "qris", "transfer", "lainnya"]), amounts, max_size=4)


# --- the pure rules ---------------------------------------------------------------------------------------------

@given(opening=amounts, sales=methods, paid=methods, voids=amounts, returns=amounts)
def test_expected_is_opening_plus_money_in_minus_cash_handed_back(opening: int, sales: dict[str, int],
                                                                  paid: dict[str, int], voids: int,
                                                                  returns: int) -> None:
    exp = expected(ShiftMoney(opening, sales, paid, voids, returns))
    assert exp.cash == opening + sales.get("tunai", 0) + paid.get("tunai", 0) - voids - returns
    assert exp.qris == sales.get("qris", 0) + paid.get("qris", 0)
    assert exp.transfer == sales.get("transfer", 0) + paid.get("transfer", 0)


@given(money=st.builds(ShiftMoney, amounts, methods, methods, amounts, amounts), extra=amounts,
       method=st.sampled_from(["qris", "transfer", "lainnya"]))
def test_money_by_another_method_never_moves_the_cash(money: ShiftMoney, extra: int, method: str) -> None:
    more = ShiftMoney(money.opening_cash, {**money.sales, method: money.sales.get(method, 0) + extra},
                      money.kasbon_payments, money.void_refund_cash, money.return_refund_cash)
    assert expected(more).cash == expected(money).cash


@given(exp=st.builds(Expected, amounts, amounts, amounts), cash=amounts,
       qris=st.none() | amounts, transfer=st.none() | amounts)
def test_difference_is_counted_minus_expected_over_what_was_counted(exp: Expected, cash: int, qris: int | None,
                                                                    transfer: int | None) -> None:
    counted = Counted(cash, qris, transfer)
    diffs = differences(exp, counted)
    assert diffs["tunai"] == cash - exp.cash
    assert ("qris" in diffs) == (qris is not None) and ("transfer" in diffs) == (transfer is not None)
    assert difference(exp, counted) == sum(diffs.values())


@given(money=st.builds(ShiftMoney, amounts, methods, methods, st.just(0), st.just(0)), off=st.integers(-1000, 1000))
def test_a_close_that_does_not_add_up_needs_a_reason(money: ShiftMoney, off: int) -> None:
    exp = expected(money)
    counted = Counted(max(0, exp.cash + off))
    diff = counted.cash - exp.cash
    if diff:
        with pytest.raises(UserError, match="tulis alasannya"):
            close(money, counted, "   ")
        assert close(money, counted, " uang  kembalian\nsalah ").reason == "uang kembalian salah"
    else:
        assert close(money, counted).difference == 0


def test_counts_and_opening_cash_must_be_whole_rupiah_from_zero() -> None:
    with pytest.raises(UserError, match="tidak boleh minus"):
        close(ShiftMoney(0), Counted(-1))
    with pytest.raises(UserError, match="tidak boleh minus"):
        check_opening(-5)
    with pytest.raises(UserError, match="terlalu panjang"):
        close(ShiftMoney(0), Counted(1), "x" * 301)


# --- the shop's own record --------------------------------------------------------------------------------------

@pytest.fixture
def kopi(db: Database) -> str:
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi Bubuk", sell_price=35_000), 100)
    return pid


def sell(db: Database, pid: str, qty: int, payment: Payment) -> str:
    return sale_service.record_sale(db, [LineInput(pid, qty, 35_000)], payment=payment).sale_id


def expected_now(db: Database, shift_id: str) -> Expected:
    return expected(shift_store.money(db, shift_id))


def test_cash_sales_count_without_the_change(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 200_000)
    sell(db, kopi, 2, Payment({}, cash_given=100_000))  # Rp70.000, Rp30.000 back
    sell(db, kopi, 1, Payment({}))  # exact
    assert expected_now(db, shift) == Expected(200_000 + 70_000 + 35_000, 0, 0)
    done, change = shift_service.close_shift(db, shift, 305_000)
    assert done.difference == 0 and change.shifts == {shift}
    row = shift_store.get(db, shift)
    assert row is not None and row.close is not None
    assert (row.close.expected_cash, row.close.counted_cash, row.close.difference) == (305_000, 305_000, 0)


def test_split_cash_and_qris_each_go_to_their_own_count(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 100_000)
    sell(db, kopi, 3, Payment({QRIS: 50_000}, cash_given=60_000))  # 105.000: 50.000 QRIS, 55.000 cash, 5.000 back
    sell(db, kopi, 1, Payment({TRANSFER: 35_000}))
    assert expected_now(db, shift) == Expected(155_000, 50_000, 35_000)
    done, _ = shift_service.close_shift(db, shift, 155_000, counted_qris=45_000, counted_transfer=35_000,
                                        reason="QRIS belum masuk")
    assert done.difference == -5_000
    row = shift_store.get(db, shift)
    assert row is not None and row.close is not None
    assert (row.close.expected_qris, row.close.counted_qris, row.close.counted_transfer) == (50_000, 45_000, 35_000)


def test_kasbon_is_no_money_until_it_is_paid(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 0)
    ani, _ = add_customer(db, "Bu Ani", "0812 3456 7890")
    due = date.today() + timedelta(days=7)
    sell(db, kopi, 2, Payment({}, credit=70_000, customer_id=ani, due_date=due))
    sell(db, kopi, 2, Payment({}, cash_given=30_000, credit=40_000, customer_id=ani, due_date=due))
    assert expected_now(db, shift) == Expected(30_000, 0, 0)
    pay_credit(db, ani, 20_000, CASH)
    pay_credit(db, ani, 10_000, QRIS)
    assert expected_now(db, shift) == Expected(50_000, 10_000, 0)
    facts = shift_service.report_facts(db, shift)
    assert facts.activity.kasbon_given == 110_000 and facts.activity.sale_count == 2


def test_voids_and_returns_hand_back_cash_but_not_what_came_off_a_debt(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 100_000)
    cash_sale = sell(db, kopi, 2, Payment({}, cash_given=100_000))  # 70.000
    sale_service.void_sale(db, cash_sale, "salah scan")
    assert expected_now(db, shift).cash == 100_000  # in and out again
    other = sell(db, kopi, 2, Payment({}))
    sale = sale_service.sale_store.get(db, other)
    assert sale is not None
    refund, _ = sale_service.return_items(db, other, {sale.lines[0].id: 1}, "rusak")
    assert refund == 35_000 and expected_now(db, shift).cash == 100_000 + 70_000 - 35_000
    ani, _ = add_customer(db, "Bu Ani")
    due = date.today() + timedelta(days=3)
    kasbon = sell(db, kopi, 2, Payment({}, cash_given=20_000, credit=50_000, customer_id=ani, due_date=due))
    sale_service.void_sale(db, kasbon, "batal")  # 50.000 off the debt, only the 20.000 paid comes back in cash
    assert expected_now(db, shift).cash == 135_000
    money = shift_store.money(db, shift)
    assert (money.void_refund_cash, money.return_refund_cash) == (70_000 + 20_000, 35_000)


def test_a_return_of_a_kasbon_sale_takes_the_debt_off_first(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 0)
    ani, _ = add_customer(db, "Bu Ani")
    kasbon = sell(db, kopi, 3, Payment({}, cash_given=65_000, credit=40_000, customer_id=ani,
                                       due_date=date.today() + timedelta(days=3)))
    sale = sale_service.sale_store.get(db, kasbon)
    assert sale is not None
    sale_service.return_items(db, kasbon, {sale.lines[0].id: 2}, "kebanyakan")  # 70.000: 40.000 off the debt
    assert expected_now(db, shift).cash == 65_000 - 30_000


def test_a_difference_is_kept_with_its_reason(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 50_000)
    sell(db, kopi, 1, Payment({}, cash_given=50_000))
    with pytest.raises(UserError, match="tulis alasannya"):
        shift_service.close_shift(db, shift, 80_000)
    assert shift_store.open_shift_id(db) == shift  # nothing written
    done, _ = shift_service.close_shift(db, shift, 80_000, reason="salah kembalian")
    assert (done.expected.cash, done.difference, done.reason) == (85_000, -5_000, "salah kembalian")
    with pytest.raises(UserError, match="sudah ditutup"):
        shift_service.close_shift(db, shift, 85_000)


def test_one_shift_open_at_a_time_and_sales_between_shifts_carry_none(db: Database, kopi: str) -> None:
    first, _ = shift_service.open_shift(db, 0)
    with pytest.raises(UserError, match="sudah dibuka"):
        shift_service.open_shift(db, 100_000)
    shift_service.close_shift(db, first, 0)
    between = sell(db, kopi, 1, Payment({}))
    second, _ = shift_service.open_shift(db, 10_000, now=now_utc() + timedelta(seconds=1))
    in_second = sell(db, kopi, 1, Payment({}))
    got = {s: sale_service.sale_store.get(db, s) for s in (between, in_second)}
    assert got[between] is not None and got[between].shift_id is None  # type: ignore[union-attr]
    assert got[in_second] is not None and got[in_second].shift_id == second  # type: ignore[union-attr]
    assert [s.id for s in shift_service.history(db)] == [second, first]
    sale_service.void_sale(db, between, "salah")  # a void belongs to the shift it happens in
    assert expected_now(db, second).cash == 10_000 + 35_000 - 35_000


def test_the_close_stores_what_a_recomputation_finds(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 75_000)
    sell(db, kopi, 2, Payment({QRIS: 30_000}, cash_given=50_000))
    shift_service.close_shift(db, shift, 115_000, counted_qris=30_000)
    row = shift_store.get(db, shift)
    assert row is not None and row.close is not None
    assert expected_now(db, shift) == Expected(row.close.expected_cash, row.close.expected_qris,
                                               row.close.expected_transfer)


# --- the report -------------------------------------------------------------------------------------------------

def report_facts(closed: bool = True) -> ShiftReportFacts:
    money = ShiftMoney(200_000, {"tunai": 1_250_000, "qris": 450_000, "transfer": 100_000}, {"tunai": 50_000},
                       35_000, 20_000)
    exp = expected(money)
    done = close(money, Counted(exp.cash - 5_000, exp.qris, None), "salah kembalian") if closed else None
    return ShiftReportFacts("Toko Berkah Jaya Makmur Sentosa Abadi", "WIB", "2026-12-07T01:00:00.000000Z",
                            "Ani Wulandari", money, ShiftActivity(31, 1_900_000, 100_000, 1, 35_000, 1, 20_000), done,
                            "2026-12-07T10:05:00.000000Z" if closed else "", "Budi")


@pytest.mark.parametrize("width", [32, 48])
def test_the_report_fits_the_paper_and_says_everything(width: int) -> None:
    lines = plain_lines(shift_report_doc(report_facts()), width)
    text = "\n".join(lines)
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    for words in ("LAPORAN SHIFT", "7 Des 2026 08.00 WIB", "7 Des 2026 17.05 WIB", "Ani Wulandari", "Budi",
                  "Kas awal", "Rp200.000", "Jumlah transaksi", "31", "Rp1.900.000", "Kasbon diberikan",
                  "Rp100.000", "PEMBAYARAN KASBON", "Rp50.000", "Transaksi batal (1)", "Rp35.000",
                  "Tunai dikembalikan", "Rp55.000", "Seharusnya", "Rp1.445.000", "Rp1.440.000",
                  "kurang Rp5.000", "tidak dihitung", "Alasan: salah kembalian"):
        assert words in text, words


def test_an_open_shift_report_is_a_report_so_far(db: Database, kopi: str) -> None:
    shift, _ = shift_service.open_shift(db, 10_000)
    sell(db, kopi, 1, Payment({}))
    text = "\n".join(plain_lines(shift_service.report_doc(db, shift), 32))
    assert "Masih dibuka" in text and "SEHARUSNYA" not in text and "Rp35.000" in text
    assert "\n".join(plain_lines(shift_report_doc(report_facts(closed=False)), 48)).count("Masih dibuka") == 1
