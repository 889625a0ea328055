"""Buyers' pictures and product/order cards through the inbox: resolved to the local product and order, pictures
cached in the data folder by the sync round, and a picture that cannot be fetched never fails the round."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sync_child import account_ids, admin, engine, setup_shop

from companion.domain.marketplace import Conversation, Message
from companion.practice.photos import photo_png
from companion.practice.server import PracticeMarketplace
from companion.services import inbox as inbox_service
from companion.store import inbox as inbox_store
from companion.store import online_orders as order_store
from companion.store.database import Database
from companion.store.inbox import MessageRow
from companion.store.location import db_path


def _thread(db: Database, channel: str) -> list[MessageRow]:
    [row] = inbox_store.conversations(db, channel=channel)
    return inbox_store.thread(db, row.id)


def _by_kind(db: Database, channel: str) -> dict[str, MessageRow]:
    return {m.kind: m for m in _thread(db, channel)}


def test_apply_chat_page_resolves_product_and_order(data_dir: Path, db: Database,
                                                    market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url)
    order = admin(url, "/orders", {"platform": "lazada", "lines": [{"seller_sku": "SC-TEH", "quantity": 2}],
                                   "buyer": 1})
    engine(db_path(data_dir), url).sync_once()   # listings mapped by SKU, the order downloaded
    item = next(x for x in admin(url, "/listings?platform=lazada")["listings"] if x["seller_sku"] == "SC-TEH")
    account = account_ids(db)["lazada"]
    at = datetime(2025, 3, 1, 5, 0, tzinfo=UTC)
    conv = Conversation("S-1", "500001", "Sari", "", at, 1)
    msgs = [Message("M-1", "S-1", "500001", "", "10006", at, True, False, {"item_id": str(item["item_id"])}),
            Message("M-2", "S-1", "500001", "", "10007", at, True, False, {"order_id": order["ref"]}),
            Message("M-3", "S-1", "500001", "", "10006", at, True, False, {"item_id": "999"}),
            Message("M-4", "S-1", "500001", "", "10007", at, True, False, {"order_id": "404404"})]
    inbox_service.apply_chat_page(db, account, [conv], {"S-1": msgs})
    thread = {m.platform_message_id: m for m in _thread(db, "lazada")}
    assert thread["M-1"].kind == "product"
    assert thread["M-1"].payload["product_id"] == ids["SC-TEH"]
    assert thread["M-1"].payload["item_id"] == str(item["item_id"])
    local = order_store.by_platform_id(db, account, order["ref"])
    assert local is not None and thread["M-2"].kind == "order"
    assert thread["M-2"].payload["order_id"] == local.id
    assert thread["M-2"].payload["platform_order_id"] == order["ref"]
    assert "product_id" not in thread["M-3"].payload and thread["M-3"].payload["item_id"] == "999"
    assert "order_id" not in thread["M-4"].payload and thread["M-4"].payload["platform_order_id"] == "404404"


@pytest.mark.parametrize("platform", ["tiktok", "lazada", "shopee"])
def test_a_sync_round_caches_the_picture_and_resolves_cards(data_dir: Path, db: Database,
                                                            market: PracticeMarketplace, platform: str) -> None:
    url = market.base_urls["admin"]
    admin(url, "/chat", {"enabled": True})
    ids = setup_shop(db, url)
    order = admin(url, "/orders", {"platform": platform, "lines": [{"seller_sku": "SC-KOPI"}], "buyer": 2})
    admin(url, "/messages", {"platform": platform, "kind": "image", "buyer": 2, "photo": 7})
    admin(url, "/messages", {"platform": platform, "kind": "product", "ref": "SC-KOPI", "buyer": 2})
    admin(url, "/messages", {"platform": platform, "kind": "order", "ref": order["ref"], "buyer": 2})
    sync = engine(db_path(data_dir), url)
    assert sync.sync_once().ok
    sync.check_chats(platform)  # an on-demand channel (Lazada) is read when asked; a polled one again, harmlessly
    shown = _by_kind(db, platform)
    image = shown["image"].payload
    assert image["image_url"] == url + "/static/photo-7.png"
    path = Path(image["local_path"])
    assert path.parent == data_dir / "cache" / "images"
    assert path.name == hashlib.sha1(image["image_url"].encode()).hexdigest() + ".png"
    assert path.read_bytes() == photo_png(7)
    assert shown["product"].payload["product_id"] == ids["SC-KOPI"]
    local = order_store.by_platform_id(db, account_ids(db)[platform], order["ref"])
    assert local is not None and shown["order"].payload["order_id"] == local.id
    assert inbox_store.uncached_images(db, account_ids(db)[platform]) == []


def test_a_bad_picture_does_not_fail_the_round(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    bad = [url + "/static/nothing-here.png",   # 404
           url + "/credentials",               # JSON, not a picture
           "ftp://127.0.0.1/x.png",            # not http(s)
           "http://127.0.0.1:9/closed.png"]    # nobody listens
    for n, ref in enumerate(bad):
        admin(url, "/messages", {"platform": "tiktok", "kind": "image", "ref": ref, "buyer": n})
    admin(url, "/messages", {"platform": "tiktok", "kind": "image", "buyer": 9, "photo": 2})
    sync = engine(db_path(data_dir), url)
    assert sync.sync_once().ok
    pictures = [m for row in inbox_store.conversations(db, channel="tiktok") for m in inbox_store.thread(db, row.id)]
    assert len(pictures) == 5 and all(m.kind == "image" for m in pictures)
    cached = {m.payload["image_url"]: m.payload.get("local_path") for m in pictures}
    assert all(cached[ref] is None for ref in bad)   # left for a later round
    assert cached[url + "/static/photo-2.png"] and Path(cached[url + "/static/photo-2.png"]).is_file()
    assert len(inbox_store.uncached_images(db, account_ids(db)["tiktok"])) == 4
    assert sync.sync_once().ok   # tried again, still no harm
    good = Path(cached[url + "/static/photo-2.png"])
    assert [p.name for p in (data_dir / "cache" / "images").iterdir()] == [good.name]
