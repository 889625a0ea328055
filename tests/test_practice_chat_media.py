"""Practice buyers send pictures, product cards and order cards, in each platform's own message shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from sync_child import admin, market_credentials

from companion.connectors.factory import build_connector
from companion.practice.buyers import BuyerSimulator
from companion.practice.channels import registered_channels
from companion.practice.photos import photo_png
from companion.practice.server import PracticeMarketplace
from companion.practice.state import PracticeState

PLATFORMS = ("shopee", "tiktok", "lazada")


def _shows(folder: Path, seed: int, steps: int) -> list[str]:
    state = PracticeState(folder, registered_channels())
    sim = BuyerSimulator(state, seed=seed)
    out = [f"{a['platform']}:{a['kind']}:{a['ref']}" for a in (sim.step() for _ in range(steps))
           if a["action"] == "show"]
    state.close()
    return out


def test_buyers_show_every_kind_the_same_for_a_seed(tmp_path: Path) -> None:
    first = _shows(tmp_path / "a", seed=7, steps=400)
    assert {s.split(":")[1] for s in first} == {"image", "product", "order"}
    assert first == _shows(tmp_path / "b", seed=7, steps=400)


def test_practice_photo_is_a_png_served_by_the_admin_api(market: PracticeMarketplace) -> None:
    r = requests.get(market.base_urls["admin"] + "/static/photo-3.png", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.content == photo_png(3) and r.content.startswith(b"\x89PNG")
    assert requests.get(market.base_urls["admin"] + "/static/../x.png", timeout=5).status_code == 404


def _latest(market: PracticeMarketplace, platform: str) -> Any:
    link = build_connector(market_credentials(market.base_urls["admin"])[platform])
    [conv] = link.list_conversations(None).conversations
    return link.list_messages(conv.conversation_id, None).messages


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_kind_in_the_platform_shape(market: PracticeMarketplace, platform: str) -> None:
    url = market.base_urls["admin"]
    admin(url, "/chat", {"enabled": True})
    order = admin(url, "/orders", {"platform": platform, "lines": [{"seller_sku": "KOPI-ROB-250"}], "buyer": 1})
    listing = next(x for x in admin(url, f"/listings?platform={platform}")["listings"]
                   if x["seller_sku"] == "KOPI-ROB-250")
    admin(url, "/messages", {"platform": platform, "kind": "image", "buyer": 1, "photo": 4})
    admin(url, "/messages", {"platform": platform, "kind": "product", "ref": "KOPI-ROB-250", "buyer": 1})
    admin(url, "/messages", {"platform": platform, "kind": "order", "buyer": 1})
    attachments = sorted((m.attachment for m in _latest(market, platform)), key=lambda a: sorted(a))
    assert {"image_url": url + "/static/photo-4.png"} in attachments
    assert {"item_id": str(listing["item_id"])} in attachments
    assert {"order_id": str(order["ref"])} in attachments


def test_admin_refuses_an_unknown_card(market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    body = {"platform": "tiktok", "kind": "product", "ref": "NO-SUCH-SKU"}
    assert requests.post(url + "/messages", json=body, timeout=5).status_code == 404
    body = {"platform": "tiktok", "kind": "order", "buyer": 5}  # this buyer has no order
    assert requests.post(url + "/messages", json=body, timeout=5).status_code == 404
    body = {"platform": "tiktok", "kind": "video"}
    assert requests.post(url + "/messages", json=body, timeout=5).status_code == 400
