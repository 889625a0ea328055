"""QRIS (EMVCo Merchant-Presented Mode as Bank Indonesia profiles it): read a shop's static code, add the amount.

A payload is a chain of data objects: two-digit tag, two-digit length, value. It starts with 000201 and ends with
tag 63 holding a CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything before it including "6304", in
uppercase hex. Each rule below and its source is in docs/QRIS.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.errors import UserError
from companion.i18n import N_

NATIONAL_IDS = ("ID.CO.QRIS.WWW", "ID.OR.GPNQR.WWW")  # tag 51's globally unique id: the national repository
TEMPLATES = frozenset({*(f"{n:02d}" for n in range(26, 52)), "62", "64", *(f"{n:02d}" for n in range(80, 100))})
TIP_TAGS = frozenset({"55", "56", "57"})  # tip prompt, fixed fee, percentage fee: the customer would pay another sum
MAX_PAYLOAD = 512  # characters (EMVCo 4.1 / QRIS 4.1)
MAX_AMOUNT = 10_000_000  # rupiah in one QRIS payment (Bank Indonesia's limit per transaction since 2023)

NOT_QRIS = N_("This is not a QRIS code: copy the whole text of the shop's QRIS sticker, starting with 000201.")
DAMAGED = N_("This QRIS code is damaged (its check number does not match): scan or paste it again.")
NOT_NATIONAL = N_("This payment code has no national QRIS merchant number (NMID): use the sticker with the QRIS logo.")
NOT_RUPIAH = N_("This payment code is not for rupiah payments in Indonesia: use the shop's own QRIS sticker.")
HAS_AMOUNT = N_("This QRIS code already holds an amount from another sale: use the shop's own printed QRIS sticker.")
ONE_TIME = N_("This is a one-time QRIS code made for another sale: use the shop's own printed QRIS sticker.")
NO_AMOUNT = N_("The QRIS amount must be more than Rp0.")
TOO_LARGE = N_("One QRIS payment can be at most Rp10.000.000: take the rest in cash or by transfer.")


@dataclass(frozen=True)
class QrisFacts:
    """What the owner confirms and the counter shows: who gets the money, and how much if set."""

    merchant_name: str
    city: str
    nmid: str  # the national merchant id (tag 51, sub-tag 02)
    amount: str  # tag 54 as written ("" for a static code)
    dynamic: bool  # point of initiation "12"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE of the UTF-8 bytes, four uppercase hex digits."""
    crc = 0xFFFF
    for byte in text.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def parse_tlv(text: str) -> list[tuple[str, str]]:
    """The data objects of one level in order; ValueError unless the chain adds up exactly, each tag once."""
    fields: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        tag, size = text[at:at + 2], text[at + 2:at + 4]
        if not (len(tag) == len(size) == 2 and (tag + size).isascii() and (tag + size).isdigit()):
            raise ValueError(f"bad tag or length at {at}")
        end = at + 4 + int(size)
        if int(size) == 0 or end > len(text):
            raise ValueError(f"tag {tag} runs past the end")
        fields.append((tag, text[at + 4:end]))
        at = end
    if len({tag for tag, _ in fields}) != len(fields):
        raise ValueError("a tag appears twice")
    return fields


def join_tlv(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields)


def _crc_wrong(text: str) -> bool:
    return len(text) < 8 or text[-8:-4] != "6304" or crc16(text[:-4]) != text[-4:].upper()


def _objects(payload: str) -> list[tuple[str, str]]:
    """The root objects of a payload shaped as EMVCo MPM with a right CRC; UserError(NOT_QRIS / DAMAGED) if not."""
    text = payload.strip()
    if not text.startswith("000201") or len(text) > MAX_PAYLOAD or not text.isprintable():
        raise UserError(NOT_QRIS)
    try:
        fields = parse_tlv(text)
        for tag, value in fields:
            if tag in TEMPLATES:
                parse_tlv(value)
    except ValueError:
        raise UserError(DAMAGED if _crc_wrong(text) else NOT_QRIS) from None
    if fields[-1][0] != "63" or len(fields[-1][1]) != 4:
        raise UserError(NOT_QRIS)
    if _crc_wrong(text):
        raise UserError(DAMAGED)
    return fields


def _check_merchant(fields: dict[str, str]) -> dict[str, str]:
    """The objects QRIS requires of every merchant code; returns the national template (tag 51)."""
    mcc = fields.get("52", "")
    if fields.get("01", "11") not in ("11", "12") or not (len(mcc) == 4 and mcc.isdigit()):
        raise UserError(NOT_QRIS)
    if fields.get("53") != "360" or fields.get("58") != "ID":
        raise UserError(NOT_RUPIAH)
    if not (fields.get("59", "").strip() and fields.get("60", "").strip()):
        raise UserError(NOT_QRIS)
    national = dict(parse_tlv(fields["51"])) if "51" in fields else {}
    if national.get("00", "").upper() not in NATIONAL_IDS or not national.get("02", "").strip():
        raise UserError(NOT_NATIONAL)
    return national


def read_qris(payload: str) -> QrisFacts:
    """A QRIS payload's merchant and amount, after checking its shape, CRC and required objects."""
    fields = dict(_objects(payload))
    national = _check_merchant(fields)
    return QrisFacts(merchant_name=fields["59"].strip(), city=fields["60"].strip(), nmid=national["02"].strip(),
                     amount=fields.get("54", ""), dynamic=fields.get("01") == "12")


def check_static(payload: str) -> None:
    """Refuses (UserError, one sentence) anything but a shop's own static QRIS: the only thing worth keeping."""
    facts = read_qris(payload)
    if facts.amount:
        raise UserError(HAS_AMOUNT)
    if facts.dynamic:
        raise UserError(ONE_TIME)


def is_static(payload: str) -> bool:
    """Whether `payload` is a shop's static QRIS that `check_static` accepts (the setting's own check)."""
    try:
        check_static(payload)
    except UserError:
        return False
    return True


def amount_text(amount: int) -> str:
    """Tag 54 for whole rupiah: plain digits, no separators, no decimal mark (docs/QRIS.md, "The amount")."""
    if amount <= 0:
        raise UserError(NO_AMOUNT)
    if amount > MAX_AMOUNT:
        raise UserError(TOO_LARGE)
    return str(amount)


def with_amount(static_payload: str, amount: int) -> str:
    """The shop's static QRIS as a one-sale code: initiation 12, tag 54, no tip prompt, ascending tags, new CRC."""
    check_static(static_payload)
    kept = {tag: value for tag, value in _objects(static_payload)[:-1] if tag not in TIP_TAGS}
    kept.update({"01": "12", "54": amount_text(amount)})
    body = join_tlv(sorted(kept.items())) + "6304"
    return body + crc16(body)
