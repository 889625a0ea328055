"""Cashier and owner PINs: the rules a PIN must pass, its scrypt hash, and the wait after wrong tries.

Threat model: the PIN keeps honest-but-tempted staff at the counter from voiding a sale, refunding, changing a price
or stock, or opening the reports without the owner, and records who did what. It is NOT meant to stop someone who
copies the database file: a 4–6 digit PIN has at most a million values, so anyone holding the hash can try them all
offline in hours whatever the hash costs. scrypt with a random salt still makes that work per PIN (no table built
once for every shop) and keeps the PIN itself out of the file. At the counter, five wrong tries start a wait that
doubles to a cap; selling never stops, only the PIN prompt waits (a lockout would close the shop).

Cost: n=2**14, r=8, p=1 (16 MiB, about 45 ms on one server core, 60–100 ms on a modest laptop): a person at the
prompt does not notice it, and the wait does the real throttling. The parameters are stored in the hash text so
they can grow later without breaking the hashes already kept.

The owner's recovery file holds a random 160-bit key (only its scrypt hash is kept); whoever has the file can set a
new owner PIN, so the owner keeps it off the laptop (a USB stick). Everything here is pure computing: no I/O.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from companion.domain.clock import parse_stamp, stamp
from companion.domain.errors import UserError
from companion.i18n import N_

MIN_DIGITS, MAX_DIGITS = 4, 6
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
FREE_TRIES = 5  # wrong tries before the first wait
FIRST_WAIT_S = 30
MAX_WAIT_S = 300  # the wait doubles after every further wrong try, up to five minutes
RECOVERY_KEY_BYTES = 20
RECOVERY_HEADER = "SELLER-COMPANION-OWNER-PIN-RECOVERY"


class PinProblem(UserError):
    """A PIN that may not be used (shape or too easy to guess)."""


class WrongPin(UserError):
    """The PIN typed is not the right one."""


class MustWait(UserError):
    """Too many wrong tries: the prompt waits `seconds` before the next try."""

    def __init__(self, msgid: str, seconds: int, **params: object) -> None:
        super().__init__(msgid, seconds=seconds, **params)
        self.seconds = seconds


def check_pin_rule(pin: str) -> None:
    """Refuse what is not 4–6 digits, and the PINs anyone at the counter tries first.

    Same-digit PINs (0000, 111111) and straight runs up or down (1234, 654321) are refused: with five free tries
    before a wait, they would be found in the first minute. Dates, birthdays and the like are left to the owner.
    """
    if not pin:
        raise PinProblem(N_("Type a PIN of 4 to 6 digits."))
    if not (pin.isascii() and pin.isdigit()) or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinProblem(N_("A PIN is 4 to 6 digits (numbers only): type it again."))
    if too_easy(pin):
        raise PinProblem(N_("This PIN is too easy to guess (such as 0000 or 1234): choose other digits."))


def check_new_pin(pin: str, again: str) -> None:
    """A new PIN typed twice: it passes the rules and both are the same."""
    check_pin_rule(pin)
    if pin != again:
        raise PinProblem(N_("The two PINs are not the same: type the new PIN twice."))


def too_easy(pin: str) -> bool:
    """All one digit, or each digit one more (or one less) than the one before."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    return steps in ({0}, {1}, {9})


# hashlib, hmac and secrets (OpenSSL, ~6 ms) load when a PIN is first set or checked, not with the counter's start

def new_salt() -> str:
    import secrets

    return secrets.token_hex(16)


def hash_secret(secret: str, salt: str) -> str:
    """The text kept for a PIN or recovery key: "scrypt$n$r$p$hex"."""
    return _hash(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _hash(secret: str, salt: str, n: int, r: int, p: int) -> str:
    import hashlib

    digest = hashlib.scrypt(secret.encode("utf-8"), salt=bytes.fromhex(salt), n=n, r=r, p=p, dklen=32,
                            maxmem=_SCRYPT_MAXMEM)
    return f"scrypt${n}${r}${p}${digest.hex()}"


def matches(secret: str, salt: str, kept: str) -> bool:
    """Whether `secret` hashes to `kept` (with the cost stored in it), compared in constant time."""
    try:
        name, n, r, p, _digest = kept.split("$")
        if name != "scrypt":
            return False
        again = _hash(secret, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    import hmac

    return hmac.compare_digest(again.encode(), kept.encode())


@dataclass(frozen=True)
class PinWait:
    """Wrong tries since the last right one, and the moment the next try is allowed ("" = at once)."""

    fails: int = 0
    until: str = ""

    def text(self) -> str:
        return f"{self.fails}|{self.until}" if self.fails else ""

    @staticmethod
    def parse(text: str) -> PinWait:
        """Stored text back; anything unreadable reads as no wrong tries (the wait is a nuisance, not a lock)."""
        fails, _, until = text.partition("|")
        try:
            if until:
                parse_stamp(until)
            return PinWait(max(0, int(fails)), until)
        except ValueError:
            return PinWait()


def wait_seconds_after(fails: int) -> int:
    """The wait after `fails` wrong tries: none for the first four, 30 s after the fifth, doubling to 5 minutes."""
    if fails < FREE_TRIES:
        return 0
    return min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** min(fails - FREE_TRIES, 10))


def seconds_left(state: PinWait, now: datetime) -> int:
    """Whole seconds before the next try; never more than the cap (a laptop clock set back cannot lengthen it)."""
    if not state.until:
        return 0
    left = (parse_stamp(state.until) - now).total_seconds()
    return max(0, min(MAX_WAIT_S, int(left + 0.999)))


def after_wrong_try(state: PinWait, now: datetime) -> PinWait:
    """The state after one more wrong try at `now`."""
    fails = state.fails + 1
    wait = wait_seconds_after(fails)
    return PinWait(fails, stamp(now + timedelta(seconds=wait)) if wait else "")


def must_wait(seconds: int) -> MustWait:
    return MustWait(N_("The PIN was wrong too many times: wait {seconds} seconds, then try again. Selling goes on "
                       "meanwhile."), seconds)


def wrong_pin(state: PinWait) -> WrongPin:
    """The sentence after a wrong try, saying how many tries are left before a wait."""
    left = FREE_TRIES - state.fails
    if left > 0:
        return WrongPin(N_("The PIN is wrong: check it and type it again ({left} tries left before a short wait)."),
                        left=left)
    return WrongPin(N_("The PIN is wrong: wait {seconds} seconds, then try again."),
                    seconds=wait_seconds_after(state.fails))


def new_recovery_key() -> str:
    """A random key for the owner's recovery file, in groups of four letters/digits (readable if ever typed)."""
    import secrets

    raw = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode().rstrip("=")
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


_KEY = re.compile(r"\b([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})\b")


def recovery_key_in(text: str) -> str:
    """The key written in a recovery file's text; UserError when the file holds none."""
    if RECOVERY_HEADER not in text:
        raise UserError(N_("This is not a PIN recovery file of this app: choose the file saved when the owner's "
                           "PIN was set."))
    found = _KEY.search(text.upper())
    if found is None:
        raise UserError(N_("The recovery file is damaged (its key is missing): choose another copy of the file."))
    return found.group(1)


def recovery_file_text(key: str, shop_name: str, made_on: str, lines: tuple[str, ...]) -> str:
    """The recovery file: a fixed header the app finds again, the shop, the date, what it is for, and the key."""
    return "\n".join((RECOVERY_HEADER, shop_name, made_on, "", *lines, "", f"KEY: {key}", ""))
