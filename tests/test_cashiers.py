"""Cashiers and the owner's PIN (services/cashiers.py): set, change and reset with the recovery file; five wrong
PINs start a wait that survives a restart while selling goes on; who did a stock change is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.domain.errors import NotFound, UserError
from companion.domain.ledger import MovementKind
from companion.domain.payments import Payment
from companion.domain.pins import FREE_TRIES, MustWait, PinProblem, WrongPin, new_recovery_key, recovery_file_text
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.domain.settings_keys import OWNER_DISCOUNT_LIMIT
from companion.services import cashiers as svc
from companion.services import sales as sale_service
from companion.services import stock as stock_service
from companion.services.products import add_product
from companion.store import cashiers as cashier_store
from companion.store import settings as settings_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
OWNER_PIN, ANI_PIN = "2580", "1357"


def _file(key: str) -> str:
    return recovery_file_text(key, "Toko Berkah", "2026-12-07", ("Simpan di flashdisk.",))


def _owner(db: Database) -> str:
    key = new_recovery_key()
    svc.set_owner_pin(db, "Budi", OWNER_PIN, key, T0)
    return key


def _wrong(db: Database, cashier_id: str, times: int, now: datetime) -> None:
    for _ in range(times):
        with pytest.raises(WrongPin):
            svc.check_pin(db, cashier_id, "9999", now)


def test_nothing_is_owner_gated_until_the_owner_sets_a_pin(db: Database) -> None:
    assert not svc.owner_pin_set(db) and not svc.cashiers_set_up(db)
    assert settings_store.get(db, OWNER_DISCOUNT_LIMIT) == 10
    _owner(db)
    assert svc.owner_pin_set(db) and not svc.cashiers_set_up(db)  # the counter still asks nobody
    svc.check_owner_pin(db, OWNER_PIN, T0)
    with pytest.raises(UserError, match="sudah diatur"):
        svc.set_owner_pin(db, "Budi lagi", "8642", new_recovery_key(), T0)
    kept = cashier_store.secrets_of(db, cashier_store.owner(db).id)  # type: ignore[union-attr]
    assert kept is not None and OWNER_PIN not in kept.pin_hash and kept.reset_hash.startswith("scrypt$")


def test_an_easy_pin_is_refused_before_anything_is_stored(db: Database) -> None:
    with pytest.raises(PinProblem):
        svc.set_owner_pin(db, "Budi", "1234", new_recovery_key(), T0)
    assert not svc.owner_pin_set(db)


def test_the_owner_changes_the_pin_with_the_old_one_and_the_file_still_works(db: Database) -> None:
    key = _owner(db)
    with pytest.raises(WrongPin):
        svc.change_owner_pin(db, "8642", "9753", T0)
    svc.check_owner_pin(db, OWNER_PIN, T0)  # unchanged
    svc.change_owner_pin(db, OWNER_PIN, "9753", T0)
    with pytest.raises(WrongPin):
        svc.check_owner_pin(db, OWNER_PIN, T0)
    svc.check_owner_pin(db, "9753", T0)
    svc.check_recovery_file(db, _file(key))  # a change keeps the recovery file valid


def test_a_forgotten_owner_pin_is_reset_only_with_the_recovery_file(db: Database) -> None:
    key = _owner(db)
    with pytest.raises(UserError, match="bukan untuk PIN pemilik"):
        svc.reset_owner_pin(db, _file(new_recovery_key()), "8642", new_recovery_key(), T0)  # another shop's file
    with pytest.raises(UserError, match="bukan file pemulihan"):
        svc.reset_owner_pin(db, "just some notes", "8642", new_recovery_key(), T0)
    svc.check_owner_pin(db, OWNER_PIN, T0)  # nothing changed
    owner_id = cashier_store.owner(db).id  # type: ignore[union-attr]
    _wrong(db, owner_id, FREE_TRIES, T0)
    assert svc.wait_left(db, owner_id, T0) == 30
    newer = new_recovery_key()
    svc.reset_owner_pin(db, _file(key), "8642", newer, T0)
    assert svc.wait_left(db, owner_id, T0) == 0  # the wait is over for the owner who proved it with the file
    svc.check_owner_pin(db, "8642", T0)
    with pytest.raises(UserError):
        svc.check_recovery_file(db, _file(key))  # the used file is spent
    svc.check_recovery_file(db, _file(newer))


def test_cashiers_are_added_renamed_given_pins_and_turned_off(db: Database) -> None:
    _owner(db)
    ani, _ = svc.add_cashier(db, "  Ani  ", ANI_PIN, T0)
    assert svc.cashiers_set_up(db)
    assert [(p.name, p.role) for p in cashier_store.people(db)] == [("Budi", "owner"), ("Ani", "cashier")]
    with pytest.raises(UserError, match="bernama ani"):
        svc.add_cashier(db, "ani", "4680", T0)
    with pytest.raises(PinProblem, match="PIN pemilik"):
        svc.add_cashier(db, "Dewi", OWNER_PIN, T0)
    svc.rename_cashier(db, ani, "Ani S.", T0)
    svc.set_cashier_pin(db, ani, "4680", T0)
    svc.check_pin(db, ani, "4680", T0)
    svc.disable_cashier(db, ani, T0)
    assert not svc.cashiers_set_up(db)
    with pytest.raises(UserError, match="tidak bisa masuk"):
        svc.check_pin(db, ani, "4680", T0)
    with pytest.raises(UserError):
        svc.disable_cashier(db, cashier_store.owner(db).id, T0)  # type: ignore[union-attr]
    svc.add_cashier(db, "Ani S.", "2468", T0)  # a turned-off name may be used again
    with pytest.raises(UserError, match=r"Ani S\."):
        svc.enable_cashier(db, ani, T0)
    with pytest.raises(NotFound):
        svc.rename_cashier(db, "nobody", "X", T0)


def test_five_wrong_pins_start_a_wait_that_a_restart_keeps_while_selling_goes_on(data_dir: Path) -> None:
    db = open_database(db_path(data_dir))
    _owner(db)
    ani, _ = svc.add_cashier(db, "Ani", ANI_PIN, T0)
    _wrong(db, ani, FREE_TRIES - 1, T0)
    assert svc.wait_left(db, ani, T0) == 0
    with pytest.raises(WrongPin, match="30 detik"):
        svc.check_pin(db, ani, "9999", T0)
    with pytest.raises(MustWait):
        svc.check_pin(db, ani, ANI_PIN, T0 + timedelta(seconds=5))  # even the right PIN waits
    svc.check_owner_pin(db, OWNER_PIN, T0)  # another person's prompt does not wait
    db.close()

    db = open_database(db_path(data_dir))  # the app closed and opened again
    assert svc.wait_left(db, ani, T0 + timedelta(seconds=10)) == 20
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=5_000), 10)
    sale = sale_service.record_sale(db, [LineInput(pid, 1, 5_000)], payment=Payment(others={}, cash_given=5_000),
                                    actor=ani)
    assert sale.number  # selling never waits for a PIN
    with pytest.raises(MustWait):
        svc.check_pin(db, ani, ANI_PIN, T0 + timedelta(seconds=10))
    later = T0 + timedelta(seconds=31)
    with pytest.raises(WrongPin, match="60 detik"):
        svc.check_pin(db, ani, "9999", later)  # the sixth wrong try doubles the wait
    svc.check_pin(db, ani, ANI_PIN, later + timedelta(seconds=60))
    assert cashier_store.wait_of(db, ani).fails == 0  # a right PIN clears the count
    db.close()


def test_who_adjusted_counted_or_made_stock_is_recorded(db: Database) -> None:
    _owner(db)
    ani, _ = svc.add_cashier(db, "Ani", ANI_PIN, T0)
    pid, _ = add_product(db, ProductInput(sku="GULA", name="Gula", sell_price=15_000), 10)
    stock_service.adjust_stock(db, pid, -2, "Rusak", actor=ani)
    stock_service.count_stock(db, {pid: 7}, "Stok opname", actor=ani)
    stock_service.record_production(db, pid, 3, actor=ani)
    stock_service.adjust_stock(db, pid, 1, "Ketemu")  # code with nobody at the counter
    rows = db.query("SELECT kind, actor_id FROM stock_movements WHERE product_id = ? ORDER BY seq", (pid,))
    assert [(r["kind"], r["actor_id"]) for r in rows][1:] == [
        (MovementKind.ADJUSTMENT.value, ani), (MovementKind.STOCKTAKE.value, ani),
        (MovementKind.PRODUCTION.value, ani), (MovementKind.ADJUSTMENT.value, None)]


def test_the_discount_limit_is_saved_as_typed(db: Database) -> None:
    svc.save_discount_limit(db, " 15 % ")
    assert settings_store.get(db, OWNER_DISCOUNT_LIMIT) == 15
    for bad in ("", "101", "-1", "sepuluh", "1,5"):
        with pytest.raises(UserError, match="persen"):
            svc.save_discount_limit(db, bad)
    assert settings_store.get(db, OWNER_DISCOUNT_LIMIT) == 15
