"""Published QRIS example payloads and an independent decoder, shared by the QRIS tests (no code of ours used)."""

from __future__ import annotations

import binascii

# Static QRIS payloads published as test data in AstraPay's open-source QRIS library (github.com/astrapay/spring-qris,
# src/test/java/com/astrapay/qris/QrisMapperTest.java): DANA, GoPay and BCA issued, each with tag 51 ID.CO.QRIS.WWW.
PUBLISHED_STATIC = {
    "Saifullah.id": "00020101021126570011ID.DANA.WWW011893600915300060605702090006060570303UMI51440014"
                    "ID.CO.QRIS.WWW0215ID10190046990790303UMI5204481453033605802ID5912Saifullah.id"
                    "6014Kota Pontianak61057812463045F72",
    "Bluebird3": "00020101021126610014COM.GO-JEK.WWW01189360091430438058080210G7238689620303UMI51440014ID.CO.QRIS.WWW"
                 "0215ID10190847190020303UMI5204581253033605802ID5909Bluebird36015Bandung deket r61054025762090705PT200"
                 "63044CAF",
    "GREEN PAW": "00020101021126650013ID.CO.BCA.WWW011893600014000128766702150008850012876670303UKE51440014"
                 "ID.CO.QRIS.WWW0215ID10210818616060303UKE5204074253033605802ID5909GREEN PAW6007TANGSEL"
                 "61051532362070703A0163046D3F",
    "SPIN": "00020101021126630014ID.SPINPAY.WWW011893600816343100062402121314310006240303UMI51440014"
            "ID.CO.QRIS.WWW0215ID10200384314890303UMI5204839853033605802ID5904SPIN6013Jakarta Pusat"
            "61051034062140103***0703A0163045CDD",
}
# Dynamic QRIS from the same file: the first holds a fixed fee (tags 55/56), the second a percentage (55/57) and the
# older national template name ID.OR.GPNQR.WWW.
PUBLISHED_DYNAMIC = (
    "00020101021226530012COM.DOKU.WWW0118936008990000002475020424750303URE51440014ID.CO.QRIS.WWW0215ID1020039293482"
    "0303URE5204539953033605404100055020256035005802ID5911GUREUM SHOP6013JAKARTA PUSAT61051064062070703A016304FD26",
    "00020101021226580006id.ovo01189360091200006049620215yq38ZDs7MI6oaz50303UKE51450015ID.OR.GPNQR.WWW0215ID102004"
    "16988350303UKE520458125303360540650000055020357030.75802ID5911Tims Donuts6013Jakarta Barat61051161062310507VCc"
    "CtqJ0716HgxK16eFVHfvKnGO6304265F",
)
# The worked example of the EMVCo Merchant-Presented Mode specification (Chinese merchant, yuan, tags in no order,
# UTF-8 text in template 64): a correct EMV payload that is not QRIS.
EMVCO_EXAMPLE = ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST "
                 "TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A6008"
                 "6670902ME91320016A0112233449988770708123456786304A13A")
TEMPLATE_TAGS = {f"{n:02d}" for n in (*range(26, 52), 62, 64, *range(80, 100))}


def decode(payload: str) -> list[tuple[str, str]]:
    """The independent decoder: a TLV walk written here, failing loudly on any gap, and the CRC checked with
    binascii.crc_hqx (CRC-CCITT, poly 0x1021) started at 0xFFFF over the UTF-8 bytes up to and including 6304."""
    out, i = [], 0
    while i < len(payload):
        tag, length = payload[i:i + 2], int(payload[i + 2:i + 4])
        value = payload[i + 4:i + 4 + length]
        assert len(value) == length, f"tag {tag} cut short"
        out.append((tag, value))
        i += 4 + length
    assert out[0] == ("00", "01") and out[-1][0] == "63", "000201 first, CRC last"
    expected = binascii.crc_hqx(payload[:-4].encode("utf-8"), 0xFFFF)
    assert payload[-8:-4] == "6304" and payload[-4:] == f"{expected:04X}", "CRC"
    for tag, value in out:
        if tag in TEMPLATE_TAGS:
            j = 0
            while j < len(value):
                j += 4 + int(value[j + 2:j + 4])
            assert j == len(value), f"template {tag} does not add up"
    return out
