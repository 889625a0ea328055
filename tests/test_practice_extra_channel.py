"""A channel the practice core has never heard of ("pasar", defined here) registers its PracticeChannel and the
practice marketplace serves it like the built-in ones: its routes and base URL, credentials, catalogue, buyers,
admin calls, faults in its own shape and its own chat approval. No shared file names it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from test_practice_calls import admin

from companion.connectors import registry
from companion.connectors.spec import ChannelSpec
from companion.practice.buyers import BuyerSimulator
from companion.practice.channels import registered_channels
from companion.practice.exchange import Context, Reply, Request
from companion.practice.plugin import IdShapes, Lifetimes, OrderStatuses, PracticeChannel, Route
from companion.practice.server import PracticeMarketplace

NAME = "pasar"
TIMEOUT = 5


def _handle(ctx: Context, req: Request) -> Reply:
    """A tiny platform API: a bearer token, GET /orders, GET /conversations (only once chat is approved)."""
    token = req.headers.get("authorization", "").removeprefix("Bearer ")
    if ctx.state.token_state(ctx.platform, "access", token) != "ok":
        return Reply(401, {"error": "bad token"})
    if (req.method, req.path) == ("GET", "/orders"):
        return Reply(200, {"orders": [{"ref": o["ref"], "status": o["status"], "buyer": o["buyer_id"]}
                                      for o in ctx.state.orders(ctx.platform)]})
    if (req.method, req.path) == ("GET", "/conversations"):
        if not ctx.chat_approved():
            return Reply(403, {"error": "chat not approved"})
        return Reply(200, {"conversations": [
            {"ref": c["ref"], "texts": [m["text"] for m in ctx.state.messages(ctx.platform, c["ref"])]}
            for c in ctx.state.conversations(ctx.platform)]})
    return Reply(404, {"error": f"no {req.path}"})


def _export(keys: Mapping[str, Any], tokens: Mapping[str, str], base_urls: Mapping[str, str]) -> dict[str, Any]:
    return {"base_url": base_urls[NAME], "api_key": keys["api_key"], **tokens}


PASAR = PracticeChannel(
    name=NAME,
    ids=IdShapes(item=10_000, model=20_000, buyer=30_000, order=40_000, conversation=50_000, message=60_000,
                 order_ref=lambda number, now: f"PSR-{number}"),
    statuses=OrderStatuses(unpaid="baru", open="dibayar", cancelled="batal"),
    lifetimes=Lifetimes(access=3600, refresh=86400, code=600),
    make_keys=lambda: {"api_key": "pk" + secrets.token_hex(8)},
    export_credentials=_export,
    chat_needs_approval=True,
    routes=(Route("/pasar", NAME, _handle),),
    throttled=lambda: Reply(429, {"error": "pelan-pelan"}),
)


@dataclass(frozen=True)
class PasarCredentials:
    api_key: str = ""
    access_token: str = ""
    refresh_token: str = ""
    base_url: str = ""


def _no_connector(credentials: Any, http: Any, clock: Any) -> Any:
    raise NotImplementedError("this test channel only has a practice part")


SPEC = ChannelSpec(name=NAME, label="Pasar", long_label="Pasar", practice_name="Practice Pasar", color="#00aa66",
                   credentials_type=PasarCredentials, connector=_no_connector, capabilities=frozenset(),
                   real_hosts={}, practice=PASAR, order=90)


@pytest.fixture
def registered() -> Iterator[None]:
    registry.register(SPEC)
    yield
    registry.unregister(NAME)


@pytest.fixture
def market(tmp_path: Path, registered: None) -> Iterator[PracticeMarketplace]:
    m = PracticeMarketplace(tmp_path / "practice", port=0).start()
    yield m
    m.stop()


def _get(m: PracticeMarketplace, path: str, token: str | None = None) -> requests.Response:
    token = m.credentials()[NAME]["access_token"] if token is None else token
    return requests.get(m.base_urls[NAME] + path, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


def test_served_with_its_own_base_url_credentials_and_catalogue(market: PracticeMarketplace) -> None:
    assert market.base_urls[NAME] == market.root_url + "/pasar"
    assert {"shopee", "tiktok", "lazada", "admin"} <= set(market.base_urls)
    creds = market.credentials()[NAME]
    assert creds["base_url"] == market.base_urls[NAME] and creds["api_key"].startswith("pk")
    assert creds["access_token"] and creds["refresh_token"]
    listed = admin(market, f"/listings?platform={NAME}")["listings"]
    assert {x["seller_sku"] for x in listed} == {x["seller_sku"] for x in market.state.listings("shopee")}
    assert all(int(x["item_id"]) > 10_000 and int(x["model_id"]) > 20_000 for x in listed)
    assert _get(market, "/orders").json() == {"orders": []}
    assert _get(market, "/orders", token="nope").status_code == 401


def test_admin_orders_messages_and_statuses(market: PracticeMarketplace) -> None:
    paid = admin(market, "/orders", {"platform": NAME, "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 2}],
                                     "buyer": 3})
    unpaid = admin(market, "/orders", {"platform": NAME, "lines": [{"seller_sku": "SABUN-800"}], "paid": False})
    assert paid["ref"] == "PSR-40001" and paid["status"] == "dibayar" and paid["buyer_id"] == "30003"
    assert unpaid["ref"] == "PSR-40002" and unpaid["status"] == "baru"
    cancelled = admin(market, "/orders/cancel", {"platform": NAME, "order": paid["ref"]})
    assert cancelled["status"] == "batal"
    assert market.state.listing_by_sku(NAME, "TEH-MLT-25")["stock"] == 40  # the stock came back
    assert [o["status"] for o in _get(market, "/orders").json()["orders"]] == ["batal", "baru"]
    bad = requests.post(market.base_urls["admin"] + "/orders", timeout=TIMEOUT,
                        json={"platform": "nowhere", "lines": [{"seller_sku": "TEH-MLT-25"}]})
    assert bad.status_code == 400 and NAME in bad.json()["error"]


def test_chat_waits_for_its_own_approval(market: PracticeMarketplace) -> None:
    admin(market, "/messages", {"platform": NAME, "text": "Kak, ready stok?", "buyer": 1})
    assert _get(market, "/conversations").status_code == 403
    answer = admin(market, "/chat", {"channel": NAME, "enabled": True})
    assert answer["chat_approved"][NAME] is True and answer["chat_approved"]["shopee"] is False
    [conv] = _get(market, "/conversations").json()["conversations"]
    assert conv["ref"] == "50001" and conv["texts"] == ["Kak, ready stok?"]
    refused = requests.post(market.base_urls["admin"] + "/chat", json={"channel": "lazada", "enabled": False},
                            timeout=TIMEOUT)
    assert refused.status_code == 400  # its chat needs no approval: nothing to switch
    admin(market, "/reset", {})
    assert _get(market, "/conversations").status_code == 403


def test_faults_answer_in_its_own_shape(market: PracticeMarketplace) -> None:
    admin(market, "/faults", {"rates": {NAME: {"throttle": 1.0}}})
    r = _get(market, "/orders")
    assert r.status_code == 429 and r.json() == {"error": "pelan-pelan"}
    admin(market, "/faults", {"rates": {}})
    assert _get(market, "/orders").status_code == 200


def test_buyers_shop_and_ask_there_too(market: PracticeMarketplace) -> None:
    sim = BuyerSimulator(market.state, seed=2)
    actions = [sim.step() for _ in range(200)]
    mine = {a["action"] for a in actions if a["platform"] == NAME}
    assert {"order", "message"} <= mine
    assert all(o["ref"].startswith("PSR-") for o in market.state.orders(NAME))


def test_a_folder_from_before_the_channel_gets_it_added(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    first = PracticeMarketplace(folder)
    before = first.credentials()
    first.stop()
    registry.register(SPEC)
    try:
        again = PracticeMarketplace(folder)
        after = again.credentials()
        assert after["shopee"]["partner_key"] == before["shopee"]["partner_key"]
        assert NAME not in before and after[NAME]["api_key"]
        assert len(again.state.listings(NAME)) == len(again.state.listings("shopee"))
        again.stop()
    finally:
        registry.unregister(NAME)


def test_only_the_channels_handed_over(tmp_path: Path) -> None:
    m = PracticeMarketplace(tmp_path / "practice", channels=[PASAR]).start()
    try:
        assert set(m.base_urls) == {NAME, "admin"} and set(m.credentials()) == {NAME}
        assert NAME not in {c.name for c in registered_channels()}
        assert _get(m, "/orders").status_code == 200
    finally:
        m.stop()


def test_two_channels_may_not_share_an_address(tmp_path: Path) -> None:
    twin = PracticeChannel(**{**PASAR.__dict__, "name": "kembar"})
    with pytest.raises(ValueError, match="taken"):
        PracticeMarketplace(tmp_path / "practice", channels=[PASAR, twin])
