"""The practice server's signature checker against the reference's worked examples (§7) and the written rules."""

from __future__ import annotations

import hashlib
import hmac

from companion.connectors.lazada import practice_signing as lazada
from companion.connectors.shopee import practice_signing as shopee
from companion.connectors.tiktok import practice_signing as tiktok
from companion.practice import signing_check as sc


def test_lazada_official_example() -> None:
    params = {"access_token": "test", "app_key": "123456", "order_id": "1234", "sign_method": "sha256",
              "timestamp": "1517820392000", "sign": "ignored"}
    assert lazada.string_to_sign("/order/get", params) == (
        "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000")
    assert lazada.sign("helloworld", "/order/get", params) == (
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A")


def test_shopee_public_example() -> None:
    base = shopee.base_string("2001887", "/api/v2/shop/auth_partner", "1655714431")
    assert base == "2001887/api/v2/shop/auth_partner1655714431"
    assert shopee.sign("test_partner_key", base) == (
        "7aaf77cf2fb63bdf25623b6c3c2ad87ad51ccf4fe66e370b93b89f28bcafe45c")


def test_shopee_shop_base_string_order() -> None:
    base = shopee.base_string("2001887", "/api/v2/shop/get_shop_info", "1655714431",
                                 "59777174636562737266615546704c6d", "14701711")
    assert base == "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"


def test_tiktok_rule_wraps_secret_and_skips_sign_and_token() -> None:
    params = {"timestamp": "1700000000", "app_key": "abc", "sign": "x", "access_token": "t", "shop_cipher": "C"}
    text = tiktok.string_to_sign("/order/202309/orders/search", params, '{"a":1}')
    assert text == '/order/202309/orders/searchapp_keyabcshop_cipherCtimestamp1700000000{"a":1}'
    expected = hmac.new(b"secret", ("secret" + text + "secret").encode(), hashlib.sha256).hexdigest()
    assert tiktok.sign("secret", "/order/202309/orders/search", params, '{"a":1}') == expected
    assert expected == expected.lower()


def test_timestamp_windows() -> None:
    now = 1_700_000_000.0
    assert shopee.timestamp_ok(int(now) - 299, now) and not shopee.timestamp_ok(int(now) - 301, now)
    assert tiktok.timestamp_ok(int(now) + 30, now) and not tiktok.timestamp_ok(int(now) + 31, now)
    assert tiktok.timestamp_ok(int(now) - 300, now) and not tiktok.timestamp_ok(int(now) - 301, now)
    assert lazada.timestamp_ok(int(now * 1000) - 7_199_000, now)
    assert not lazada.timestamp_ok(int(now * 1000) - 7_201_000, now)


def test_case_matters() -> None:
    sign = lazada.sign("helloworld", "/order/get", {"a": "1"})
    assert sc.same(sign, sign) and not sc.same(sign, sign.lower())
