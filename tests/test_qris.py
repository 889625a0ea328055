"""QRIS with the amount: published example payloads made into one-sale codes, checked by a decoder of this file's
own (its own TLV walk, CRC through binascii.crc_hqx), and damaged or foreign payloads refused in one sentence."""

from __future__ import annotations

import binascii

import pytest

from companion.domain import qris
from companion.domain.errors import UserError
from companion.domain.qris import check_static, read_qris, with_amount
from companion.i18n import set_language, tr
from companion.services.qris import forget_static_payload, save_static_payload, static_facts, static_payload
from companion.store.database import Database
from tests.qris_samples import EMVCO_EXAMPLE, PUBLISHED_DYNAMIC, PUBLISHED_STATIC, decode


def refusal(payload: str) -> str:
    with pytest.raises(UserError) as caught:
        check_static(payload)
    return caught.value.msgid


@pytest.mark.parametrize("name", sorted(PUBLISHED_STATIC))
def test_a_published_static_code_gets_the_amount(name: str) -> None:
    static = PUBLISHED_STATIC[name]
    decode(static)  # the source's own CRC agrees with our decoder
    check_static(static)
    dynamic = with_amount(static, 15_000)
    objects = decode(dynamic)
    fields = dict(objects)
    assert fields["01"] == "12" and fields["54"] == "15000"
    assert [tag for tag, _ in objects] == sorted(tag for tag, _ in objects), "ascending tags, 63 last"
    assert not {"55", "56", "57"} & set(fields)
    original = dict(decode(static))
    assert {k: v for k, v in fields.items() if k not in ("01", "54", "63")} == \
        {k: v for k, v in original.items() if k not in ("01", "63")}, "nothing else changed"
    facts = read_qris(dynamic)
    assert (facts.merchant_name, facts.amount, facts.dynamic) == (name, "15000", True)


def test_amounts_are_plain_whole_rupiah_up_to_the_per_payment_limit() -> None:
    static = PUBLISHED_STATIC["GREEN PAW"]
    for amount in (1, 999, 1_000, 2_500_500, qris.MAX_AMOUNT):
        value = dict(decode(with_amount(static, amount)))["54"]
        assert value == str(amount) and value.isdigit() and len(value) <= 13 and not value.startswith("0")
    for amount, msgid in ((0, qris.NO_AMOUNT), (-5, qris.NO_AMOUNT), (qris.MAX_AMOUNT + 1, qris.TOO_LARGE),
                          (10**13, qris.TOO_LARGE)):
        with pytest.raises(UserError) as caught:
            with_amount(static, amount)
        assert caught.value.msgid == msgid


def test_the_crc_matches_the_emvco_worked_example_but_it_is_not_qris() -> None:
    decode(EMVCO_EXAMPLE)
    assert qris.crc16(EMVCO_EXAMPLE[:-4]) == "A13A"
    assert qris.crc16("123456789") == "29B1"  # the CRC-16/CCITT-FALSE check value
    assert refusal(EMVCO_EXAMPLE) == qris.NOT_RUPIAH


def test_a_tip_prompt_on_the_sticker_is_left_out_so_the_customer_pays_the_total() -> None:
    base = dict(decode(PUBLISHED_STATIC["SPIN"]))
    del base["63"]
    for tips in ({"55": "01"}, {"55": "02", "56": "2000"}, {"55": "03", "57": "5.00"}):
        body = qris.join_tlv(sorted({**base, **tips}.items())) + "6304"
        static = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
        check_static(static)
        fields = dict(decode(with_amount(static, 20_000)))
        assert fields["54"] == "20000" and not {"55", "56", "57"} & set(fields)


def test_a_code_without_point_of_initiation_counts_as_static_and_gets_12() -> None:
    base = dict(decode(PUBLISHED_STATIC["Saifullah.id"]))
    del base["63"], base["01"]
    body = qris.join_tlv(sorted(base.items())) + "6304"
    static = body + qris.crc16(body)
    assert dict(decode(with_amount(static, 7_000)))["01"] == "12"


@pytest.mark.parametrize("payload", PUBLISHED_DYNAMIC)
def test_a_code_from_another_sale_is_refused(payload: str) -> None:
    decode(payload)
    assert refusal(payload) == qris.HAS_AMOUNT
    with pytest.raises(UserError):
        with_amount(payload, 1_000)


def test_a_one_time_code_without_an_amount_is_refused() -> None:
    base = dict(decode(PUBLISHED_STATIC["SPIN"]))
    del base["63"]
    body = qris.join_tlv(sorted({**base, "01": "12"}.items())) + "6304"
    assert refusal(body + qris.crc16(body)) == qris.ONE_TIME


def _damaged() -> dict[str, str]:
    good = PUBLISHED_STATIC["Bluebird3"]
    at = good.index("Bluebird3")
    return {
        "one character changed": good[:at] + "C" + good[at + 1:],
        "one digit of the CRC": good[:-1] + ("0" if good[-1] != "0" else "1"),
        "truncated": good[:-9],
        "cut in the middle": good[:120] + good[140:],
        "wrong length field": good.replace("5909Bluebird3", "5908Bluebird3"),
        "not starting 000201": "000202" + good[6:],
        "spaces inside": good[:30] + " " + good[30:],
        "an order number": "INV-2024-0001",
        "a web link": "https://example.com/pay?amount=1000",
        "empty": "",
    }


@pytest.mark.parametrize("case", sorted(_damaged()))
def test_damaged_payloads_are_refused_in_one_sentence(case: str) -> None:
    msgid = refusal(_damaged()[case])
    assert msgid in (qris.NOT_QRIS, qris.DAMAGED)
    if case in ("one character changed", "one digit of the CRC", "truncated", "wrong length field"):
        assert msgid == qris.DAMAGED


def _rebuilt(changes: dict[str, str | None]) -> str:
    """A published static code with objects changed and a CRC that fits again (so only the change is wrong)."""
    fields = dict(decode(PUBLISHED_STATIC["GREEN PAW"]))
    del fields["63"]
    for tag, value in changes.items():
        if value is None:
            fields.pop(tag, None)
        else:
            fields[tag] = value
    body = qris.join_tlv(sorted(fields.items())) + "6304"
    return body + qris.crc16(body)


@pytest.mark.parametrize(("changes", "msgid"), [
    ({"53": "840"}, qris.NOT_RUPIAH),
    ({"58": "SG"}, qris.NOT_RUPIAH),
    ({"51": None}, qris.NOT_NATIONAL),
    ({"51": "0015ID.CO.OTHER.WWW0215ID1021081861606"}, qris.NOT_NATIONAL),
    ({"51": "0014ID.CO.QRIS.WWW0303UKE"}, qris.NOT_NATIONAL),
    ({"52": "74A2"}, qris.NOT_QRIS),
    ({"59": None}, qris.NOT_QRIS),
    ({"01": "13"}, qris.NOT_QRIS),
    ({"62": "0799"}, qris.NOT_QRIS),
])
def test_required_objects_are_checked(changes: dict[str, str | None], msgid: str) -> None:
    assert refusal(_rebuilt(changes)) == msgid


def test_the_older_national_template_name_is_accepted() -> None:
    static = _rebuilt({"51": "0015ID.OR.GPNQR.WWW0215ID10210818616060303UKE"})
    assert read_qris(with_amount(static, 5_000)).nmid == "ID1021081861606"


def test_refusals_read_in_both_languages() -> None:
    try:
        for lang in ("id", "en"):
            set_language(lang)
            for msgid in (qris.NOT_QRIS, qris.DAMAGED, qris.NOT_NATIONAL, qris.NOT_RUPIAH, qris.HAS_AMOUNT,
                          qris.ONE_TIME, qris.NO_AMOUNT, qris.TOO_LARGE):
                text = tr(msgid)
                assert text.count(":") == 1 or msgid == qris.NO_AMOUNT
                assert (text != msgid) == (lang == "id")
    finally:
        set_language("id")


def test_the_shop_keeps_one_static_code(db: Database) -> None:
    assert static_payload(db) == "" and static_facts(db) is None
    pasted = "  " + PUBLISHED_STATIC["GREEN PAW"][:80] + "\r\n" + PUBLISHED_STATIC["GREEN PAW"][80:] + "\n"
    change = save_static_payload(db, pasted)
    assert change.settings
    assert static_payload(db) == PUBLISHED_STATIC["GREEN PAW"]
    facts = static_facts(db)
    assert facts is not None and (facts.merchant_name, facts.city, facts.nmid) == ("GREEN PAW", "TANGSEL",
                                                                                  "ID1021081861606")
    with pytest.raises(UserError):
        save_static_payload(db, PUBLISHED_DYNAMIC[0])
    assert static_payload(db) == PUBLISHED_STATIC["GREEN PAW"], "a refused paste keeps the saved code"
    forget_static_payload(db)
    assert static_payload(db) == ""
