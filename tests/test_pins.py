"""PIN rules, scrypt hashing and the wait after wrong tries (domain/pins.py), with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from companion.domain.errors import UserError
from companion.domain.pins import (
    FREE_TRIES,
    MAX_WAIT_S,
    PinProblem,
    PinWait,
    after_wrong_try,
    check_new_pin,
    check_pin_rule,
    hash_secret,
    matches,
    new_recovery_key,
    new_salt,
    recovery_file_text,
    recovery_key_in,
    seconds_left,
    too_easy,
    wait_seconds_after,
    wrong_pin,
)

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("pin", ["2580", "13579", "190845", "1212", "0007"])
def test_good_pins_pass(pin: str) -> None:
    check_pin_rule(pin)


@pytest.mark.parametrize("pin", ["", "123", "1234567", "12a4", "１２３４", "12 34", "-123"])
def test_pins_of_the_wrong_shape_are_refused(pin: str) -> None:
    with pytest.raises(PinProblem):
        check_pin_rule(pin)


@pytest.mark.parametrize("pin", ["0000", "1111", "999999", "1234", "123456", "4321", "654321", "7890", "3210"])
def test_first_guesses_are_refused(pin: str) -> None:
    assert too_easy(pin)
    with pytest.raises(PinProblem, match="mudah ditebak"):
        check_pin_rule(pin)


def test_a_new_pin_is_typed_twice_the_same() -> None:
    check_new_pin("2580", "2580")
    with pytest.raises(PinProblem):
        check_new_pin("2580", "2581")


def test_hash_keeps_its_cost_and_checks_only_the_right_pin() -> None:
    salt = new_salt()
    kept = hash_secret("2580", salt)
    name, n, r, p, digest = kept.split("$")
    assert (name, n, r, p) == ("scrypt", str(2**14), "8", "1") and len(digest) == 64
    assert "2580" not in kept
    assert matches("2580", salt, kept)
    assert not matches("2581", salt, kept)
    assert not matches("2580", new_salt(), kept)  # the salt is part of it
    assert hash_secret("2580", new_salt()) != kept  # a fresh salt each time: no table serves every shop


def test_hashes_made_with_another_cost_still_check() -> None:
    """Raising the cost later must not break the PINs already kept: the cost is read from the hash."""
    import hashlib

    salt = new_salt()
    older = "scrypt$1024$8$1$" + hashlib.scrypt(b"2580", salt=bytes.fromhex(salt), n=1024, r=8, p=1, dklen=32).hex()
    assert matches("2580", salt, older)
    assert not matches("2580", salt, "scrypt$x$8$1$00")
    assert not matches("2580", salt, "md5$" + "0" * 32)
    assert not matches("2580", salt, "")


def test_four_wrong_tries_are_free_the_fifth_waits_and_it_doubles_to_a_cap() -> None:
    assert [wait_seconds_after(n) for n in range(1, 11)] == [0, 0, 0, 0, 30, 60, 120, 240, 300, 300]
    state = PinWait()
    for _ in range(FREE_TRIES - 1):
        state = after_wrong_try(state, T0)
        assert seconds_left(state, T0) == 0
    assert "1 kali" in wrong_pin(state).message()
    state = after_wrong_try(state, T0)
    assert state.fails == FREE_TRIES
    assert seconds_left(state, T0) == 30
    assert seconds_left(state, T0 + timedelta(seconds=10)) == 20
    assert seconds_left(state, T0 + timedelta(seconds=30)) == 0
    later = after_wrong_try(state, T0 + timedelta(seconds=31))
    assert seconds_left(later, T0 + timedelta(seconds=31)) == 60


def test_a_clock_set_back_cannot_make_the_wait_longer_than_the_cap() -> None:
    state = after_wrong_try(PinWait(FREE_TRIES - 1), T0)
    assert seconds_left(state, T0 - timedelta(days=2)) == MAX_WAIT_S


def test_the_wait_reads_back_from_its_text_and_garbage_reads_as_none() -> None:
    state = after_wrong_try(PinWait(7), T0)
    assert PinWait.parse(state.text()) == state
    assert PinWait().text() == ""
    for junk in ("", "x|y", "3|not a time", "|"):
        assert PinWait.parse(junk) in (PinWait(), PinWait(3, ""))
    assert PinWait.parse("3|not a time") == PinWait()


def test_the_recovery_file_gives_back_its_key() -> None:
    key = new_recovery_key()
    assert len(key.replace("-", "")) == 32 and key.count("-") == 7
    assert new_recovery_key() != key
    text = recovery_file_text(key, "Toko Berkah", "2026-12-07", ("Simpan di flashdisk.",))
    assert recovery_key_in(text) == key
    assert recovery_key_in(text.replace("\n", "\r\n")) == key  # edited on Windows
    with pytest.raises(UserError, match="bukan file pemulihan"):
        recovery_key_in("KEY: " + key)
    with pytest.raises(UserError, match="rusak"):
        recovery_key_in(text.replace(key, key[:10]))
