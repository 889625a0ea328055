"""Buyers' pictures, product cards and order cards, as each platform shapes them, mapped to Message.attachment."""

from __future__ import annotations

import json

from companion.connectors.lazada import mapping as lazada_mapping
from companion.connectors.shopee import mapping as shopee_mapping
from companion.connectors.tiktok import mapping as tiktok_mapping

SHOP_ID = 1001


def _shopee(message_type: str, content: dict[str, object],
            source: dict[str, object] | None = None) -> dict[str, object]:
    return {"message_id": "m1", "message_type": message_type, "from_id": 300000001, "from_shop_id": 0,
            "conversation_id": "c1", "created_timestamp": 1_740_830_400, "source_content": source or {},
            "content": content}


def test_shopee_image_item_and_order() -> None:
    image = shopee_mapping.message(_shopee("image", {"url": "https://cf.shopee.co.id/file/abc"}), SHOP_ID)
    assert image.attachment == {"image_url": "https://cf.shopee.co.id/file/abc"} and image.text == ""
    item = shopee_mapping.message(_shopee("item", {"item_id": 800000001, "shop_id": SHOP_ID}), SHOP_ID)
    assert item.attachment == {"item_id": "800000001"}
    from_source = shopee_mapping.message(_shopee("item", {}, {"item_id": 800000002}), SHOP_ID)
    assert from_source.attachment == {"item_id": "800000002"}
    order = shopee_mapping.message(_shopee("order", {"order_sn": "250301ABCD1234", "shop_id": SHOP_ID}), SHOP_ID)
    assert order.attachment == {"order_id": "250301ABCD1234"}


def test_shopee_text_and_empty_cards_carry_nothing() -> None:
    assert shopee_mapping.message(_shopee("text", {"text": "halo", "url": "x"}), SHOP_ID).attachment == {}
    assert shopee_mapping.message(_shopee("image", {}), SHOP_ID).attachment == {}
    assert shopee_mapping.message(_shopee("sticker", {"sticker_id": "1"}), SHOP_ID).attachment == {}


def _tiktok(kind: str, content: object) -> dict[str, object]:
    return {"id": "t1", "index": "1", "type": kind, "content": content, "create_time": 1_740_830_400,
            "sender": {"im_user_id": "im1", "role": "BUYER"}}


def test_tiktok_image_product_and_order_cards() -> None:
    image = tiktok_mapping.message(_tiktok("IMAGE", json.dumps({"url": "https://p16.tiktokcdn.com/a.jpg",
                                                                "width": 400, "height": 300})), "c1")
    assert image.attachment == {"image_url": "https://p16.tiktokcdn.com/a.jpg"}
    product = tiktok_mapping.message(_tiktok("PRODUCT_CARD", json.dumps({"product_id": "1729000000000000001"})), "c1")
    assert product.attachment == {"item_id": "1729000000000000001"}
    order = tiktok_mapping.message(_tiktok("ORDER_CARD", json.dumps({"order_id": "576000000000000001"})), "c1")
    assert order.attachment == {"order_id": "576000000000000001"}


def test_tiktok_bad_content_is_no_attachment() -> None:
    assert tiktok_mapping.message(_tiktok("IMAGE", "not json"), "c1").attachment == {}
    assert tiktok_mapping.message(_tiktok("IMAGE", json.dumps(["url"])), "c1").attachment == {}
    assert tiktok_mapping.message(_tiktok("TEXT", json.dumps({"content": "halo"})), "c1").attachment == {}


def _lazada(template_id: int, content: dict[str, object] | str, status: int = 0) -> dict[str, object]:
    return {"message_id": "l1", "session_id": "s1", "from_account_id": "500001", "from_account_type": 1,
            "template_id": template_id, "type": 1, "send_time": 1_740_830_400_000, "status": status,
            "content": content if isinstance(content, str) else json.dumps(content)}


def test_lazada_image_item_and_order() -> None:
    image = lazada_mapping.message(_lazada(3, {"imgUrl": "https://sg-live.slatic.net/a.jpg", "width": 300}))
    assert image.attachment == {"image_url": "https://sg-live.slatic.net/a.jpg"}
    snake = lazada_mapping.message(_lazada(3, {"img_url": "https://sg-live.slatic.net/b.jpg"}))
    assert snake.attachment == {"image_url": "https://sg-live.slatic.net/b.jpg"}
    item = lazada_mapping.message(_lazada(10006, {"item_id": 3000000001}))
    assert item.attachment == {"item_id": "3000000001"}
    order = lazada_mapping.message(_lazada(10007, {"order_id": "450000000000001"}))
    assert order.attachment == {"order_id": "450000000000001"}


def test_lazada_recalled_or_broken_carries_nothing() -> None:
    assert lazada_mapping.message(_lazada(3, {"imgUrl": "https://x/a.jpg"}, status=1)).attachment == {}
    assert lazada_mapping.message(_lazada(3, "{broken")).attachment == {}
    assert lazada_mapping.message(_lazada(1, {"txt": "halo", "item_id": 1})).attachment == {}
