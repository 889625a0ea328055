"""Simulated buyers, restart with the same data folder, and the command's first line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from test_practice_calls import admin, start_market

from companion.practice.buyers import BuyerSimulator
from companion.practice.channels import registered_channels
from companion.practice.server import PracticeMarketplace
from companion.practice.state import PracticeState


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def test_buyers_never_order_more_than_listed(tmp_path: Path) -> None:
    state = PracticeState(tmp_path / "p", registered_channels())
    start = {(x["platform"], x["id"]): x["stock"] for x in state.listings()}
    actions: list[dict[str, Any]] = []
    sim = BuyerSimulator(state, seed=5)
    for _ in range(300):
        actions.append(sim.step())
        assert all(x["stock"] >= 0 for x in state.listings())
    kinds = {a["action"] for a in actions}
    assert {"order", "message", "cancel"} <= kinds
    for platform in state.channel_names:
        sold: dict[int, int] = {}
        for order in state.orders(platform):
            if order["cancel_by"]:
                continue
            for line in order["lines"]:
                sold[line["listing_id"]] = sold.get(line["listing_id"], 0) + line["quantity"]
        for x in state.listings(platform):
            assert sold.get(x["id"], 0) + x["stock"] == start[(platform, x["id"])]
    texts = {m["text"] for c in state.conversations("shopee") for m in state.messages("shopee", c["ref"])
             if m["kind"] == "text"}
    assert texts and all(t.endswith("?") or t.endswith(".") for t in texts)
    state.close()


def test_same_seed_same_buyers(tmp_path: Path) -> None:
    def run(folder: Path) -> list[str]:
        state = PracticeState(folder, registered_channels())
        sim = BuyerSimulator(state, seed=11)
        out = [f"{a['action']}:{a['platform']}:{a.get('seller_sku', a.get('text', ''))}" for a in
               (sim.step() for _ in range(30))]
        state.close()
        return out

    assert run(tmp_path / "a") == run(tmp_path / "b")


def test_admin_order_refuses_more_than_stock(market: PracticeMarketplace) -> None:
    r = requests.post(market.base_urls["admin"] + "/orders", timeout=5, json={
        "platform": "tiktok", "lines": [{"seller_sku": "KOPI-ROB-500", "quantity": 7}]})
    assert r.status_code == 409
    admin(market, "/stock", {"platform": "tiktok", "seller_sku": "KOPI-ROB-500", "stock": 7})
    admin(market, "/orders", {"platform": "tiktok", "lines": [{"seller_sku": "KOPI-ROB-500", "quantity": 7}]})
    assert market.state.listing_by_sku("tiktok", "KOPI-ROB-500")["stock"] == 0


def test_restart_keeps_state(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    first = start_market(folder)
    creds = first.credentials()
    order = admin(first, "/orders", {"platform": "shopee", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 3}]})
    first.advance_clock(60)
    first.stop()
    again = start_market(folder)
    try:
        assert again.credentials()["shopee"]["partner_key"] == creds["shopee"]["partner_key"]
        assert again.credentials()["tiktok"]["access_token"] == creds["tiktok"]["access_token"]
        assert again.state.order("shopee", order["ref"])["lines"][0]["quantity"] == 3
        assert again.state.listing_by_sku("shopee", "TEH-MLT-25")["stock"] == 37
        assert again.state.now() - 60 > 0
    finally:
        again.stop()


def test_command_prints_credentials_first(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "companion.practice.cli", "--data-dir", str(tmp_path / "p")],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        creds = json.loads(proc.stdout.readline())
        assert set(creds) == {"shopee", "tiktok", "lazada"}
        assert creds["tiktok"]["auth_base_url"].endswith("/tiktok-auth")
        assert creds["lazada"]["base_url"].endswith("/lazada/rest")
        listings = requests.get(creds["shopee"]["base_url"].replace("/shopee", "/_practice/listings"), timeout=5)
        assert listings.status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
