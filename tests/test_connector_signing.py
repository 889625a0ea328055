"""Signing for the three platforms against the reference's worked examples (§1.3, §2.2, §3.2, §7)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from companion.connectors.lazada import signing as lazada
from companion.connectors.lazada.auth import authorize_link as lazada_link
from companion.connectors.shopee import signing as shopee
from companion.connectors.shopee.auth import auth_link
from companion.connectors.tiktok import signing as tiktok
from companion.connectors.tiktok.auth import authorize_link as tiktok_link


def test_lazada_official_example_is_uppercase_hex() -> None:
    params = {"access_token": "test", "app_key": "123456", "order_id": "1234", "sign_method": "sha256",
              "timestamp": "1517820392000", "sign": "ignored"}
    text = lazada.string_to_sign("/order/get", params)
    assert text == "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"
    assert lazada.sign("helloworld", text) == "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


def test_lazada_sorts_by_ascii_name_not_insertion() -> None:
    assert lazada.string_to_sign("/x", {"b": "2", "B": "3", "a": "1"}) == "/xB3a1b2"


def test_shopee_public_example_from_reference() -> None:
    base = shopee.base_string(2001887, "/api/v2/shop/auth_partner", 1655714431)
    assert base == "2001887/api/v2/shop/auth_partner1655714431"
    assert shopee.sign("test_partner_key", base) == (
        "7aaf77cf2fb63bdf25623b6c3c2ad87ad51ccf4fe66e370b93b89f28bcafe45c")


def test_shopee_base_strings_for_shop_merchant_public() -> None:
    assert shopee.base_string(2001887, "/api/v2/shop/get_shop_info", 1655714431,
                              "59777174636562737266615546704c6d", 14701711) == (
        "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711")
    assert shopee.base_string(2001887, "/api/v2/global_product/get_category", 1655714431,
                              "09777174636962737266615546704c6d", 1000000) == (
        "2001887/api/v2/global_product/get_category165571443109777174636962737266615546704c6d1000000")
    assert shopee.base_string(2001887, "/api/v2/public/get_shops_by_partner", 1655714431) == (
        "2001887/api/v2/public/get_shops_by_partner1655714431")


def test_shopee_key_is_used_as_text_not_hex_decoded() -> None:
    key = "shpk4a6b"
    expected = hmac.new(key.encode(), b"1/p2", hashlib.sha256).hexdigest()
    assert shopee.sign(key, "1/p2") == expected


def test_shopee_auth_link_is_public_signed_with_redirect() -> None:
    link = auth_link(2001887, "test_partner_key", "https://example.org/back?x=1",
                     datetime.fromtimestamp(1655714431, UTC))
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://partner.shopeemobile.com/api/v2/shop/auth_partner"
    assert query["sign"] == ["7aaf77cf2fb63bdf25623b6c3c2ad87ad51ccf4fe66e370b93b89f28bcafe45c"]
    assert query["redirect"] == ["https://example.org/back?x=1"]
    assert query["partner_id"] == ["2001887"] and query["timestamp"] == ["1655714431"]


def independent_tiktok_sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), (secret + text + secret).encode(), hashlib.sha256).hexdigest()


def test_tiktok_get_string_to_sign_sorted_without_sign_token_or_empty() -> None:
    query = {"timestamp": "1700000000", "shop_cipher": "ROW_abc", "app_key": "6abc", "ids": "57,58",
             "sign": "old", "access_token": "tok", "page_token": ""}
    text = tiktok.string_to_sign("/order/202309/orders", query)
    assert text == "/order/202309/ordersapp_key6abcids57,58shop_cipherROW_abctimestamp1700000000"
    assert tiktok.sign("s3cret", text) == independent_tiktok_sign("s3cret", text)


def test_tiktok_post_appends_raw_body_unless_multipart() -> None:
    body = json.dumps({"update_time_ge": 1, "update_time_lt": 2}, separators=(",", ":"))
    query = {"app_key": "6abc", "timestamp": "1700000000", "page_size": "100"}
    text = tiktok.string_to_sign("/order/202309/orders/search", query, body)
    assert text == ('/order/202309/orders/searchapp_key6abcpage_size100timestamp1700000000'
                    '{"update_time_ge":1,"update_time_lt":2}')
    assert tiktok.sign("k", text) == independent_tiktok_sign("k", text)
    assert tiktok.string_to_sign("/p", query, body, multipart=True) == (
        "/papp_key6abcpage_size100timestamp1700000000")


def test_auth_links_for_tiktok_and_lazada() -> None:
    assert tiktok_link("7123", "st") == "https://services.tiktokshop.com/open/authorize?service_id=7123&state=st"
    query = parse_qs(urlsplit(lazada_link("112233", "https://example.org/cb")).query)
    assert query == {"response_type": ["code"], "force_auth": ["true"], "redirect_uri": ["https://example.org/cb"],
                     "client_id": ["112233"]}
