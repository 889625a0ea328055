"""Lazada as Lazada behaves (issue 14), end to end: the sync engine against the practice marketplace over real HTTP,
with the ledger and the practice shop's own numbers read.

- Pushed stock is SELLABLE stock (/product/stock/sellable/update): a shop with pending and unpaid orders shows the
  right sellable number after a push, the total keeps the held units, and a push near sell-out is not refused.
- The total-stock call refuses a total below the held units; a campaign refuses a sellable number below its lock,
  for that item only: the other items go through and the shop stays linked.
- A partial cancellation (one status per order item) gives back exactly the cancelled units.
- Chat is not polled: rounds never list Lazada sessions; asking does, once. The practice shop flags a poller.
- A reply Lazada's safety check stops is answered as sent; its notice (process_msg) reaches the reply at the next
  look at Lazada chats, and the reply is marked blocked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sync_child import PRODUCTS, admin, engine, market_credentials

from companion.connectors import Permanent
from companion.connectors.factory import build_connector
from companion.connectors.lazada import practice_shop
from companion.connectors.lazada.connector import LazadaConnector
from companion.domain.product import ProductInput
from companion.practice.exchange import Reply, Request
from companion.practice.server import PracticeMarketplace
from companion.services import inbox as inbox_service
from companion.services.accounts import link_practice_accounts
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine


def _paths(market: PracticeMarketplace) -> list[str]:
    seen: list[str] = []

    def note(channel: str, request: Request, reply: Reply) -> None:
        if channel == "lazada":
            seen.append(request.path)
    market.recorders.append(note)
    return seen


def _lazada_shop(db: Database, market: PracticeMarketplace, data_dir: Path) -> tuple[dict[str, str], SyncEngine]:
    """Our three products, listed on practice Lazada only, one linked Lazada shop."""
    url = market.base_urls["admin"]
    ids: dict[str, str] = {}
    for sku, (name, stock, price) in PRODUCTS.items():
        ids[sku], _ = add_product(db, ProductInput(sku=sku, name=name, sell_price=price), stock)
        admin(url, "/listings", {"platform": "lazada", "name": name, "seller_sku": sku, "price": price,
                                 "stock": stock})
    link_practice_accounts(db, {"lazada": market_credentials(url)["lazada"]})
    return ids, engine(db_path(data_dir), url)


def _numbers(market: PracticeMarketplace, sku: str) -> dict[str, int]:
    return practice_shop.stock_numbers(market.state, market.state.listing_by_sku("lazada", sku))


def _order(market: PracticeMarketplace, lines: list[tuple[str, int]], paid: bool = True) -> str:
    body: dict[str, Any] = {"platform": "lazada", "paid": paid,
                            "lines": [{"seller_sku": s, "quantity": q} for s, q in lines]}
    return str(admin(market.base_urls["admin"], "/orders", body)["ref"])


def _account(db: Database) -> str:
    [row] = account_store.active(db)
    return row.id


def test_pending_orders_leave_the_right_sellable_stock_after_a_push(db: Database, data_dir: Path,
                                                                     market: PracticeMarketplace) -> None:
    ids, sync = _lazada_shop(db, market, data_dir)
    wire = _paths(market)
    assert sync.sync_once().ok
    _order(market, [("SC-KOPI", 3)])               # paid, waiting: occupied on Lazada
    _order(market, [("SC-KOPI", 2)], paid=False)   # unpaid: withheld on Lazada
    _order(market, [("SC-GULA", 5)])               # every gula sold: the push lands exactly on the held units
    assert _numbers(market, "SC-KOPI")["sellableQuantity"] == 15

    summary = sync.sync_once()
    assert summary.ok, summary
    assert stock_store.on_hand(db, ids["SC-KOPI"]) == 17 and stock_store.on_hand(db, ids["SC-GULA"]) == 0
    kopi = _numbers(market, "SC-KOPI")
    # on hand 17 less the unpaid 2 is what buyers can still buy; the total still holds the 5 units of open orders
    assert (kopi["sellableQuantity"], kopi["occupyQuantity"], kopi["withholdQuantity"]) == (15, 3, 2)
    assert kopi["totalQuantity"] == 20
    gula = _numbers(market, "SC-GULA")
    assert (gula["sellableQuantity"], gula["occupyQuantity"], gula["totalQuantity"]) == (0, 5, 5)
    assert "/product/stock/sellable/update" in wire and "/product/price_quantity/update" not in wire


def test_the_total_stock_call_is_refused_below_the_held_units(market: PracticeMarketplace) -> None:
    _order(market, [("TEH-MLT-25", 3)])
    creds = market_credentials(market.base_urls["admin"])["lazada"]
    link = build_connector(creds)
    assert isinstance(link, LazadaConnector)
    payload = ("<Request><Product><Skus><Sku><SellerSku>TEH-MLT-25</SellerSku><Quantity>{}</Quantity></Sku>"
               "</Skus></Product></Request>")
    with pytest.raises(Permanent) as refused:
        link.client.call("POST", "/product/price_quantity/update", {"payload": payload.format(2)})
    assert refused.value.platform_code == "501"
    link.client.call("POST", "/product/price_quantity/update", {"payload": payload.format(10)})
    teh = _numbers(market, "TEH-MLT-25")
    assert (teh["totalQuantity"], teh["sellableQuantity"], teh["occupyQuantity"]) == (10, 7, 3)


def test_an_item_in_a_campaign_refuses_its_push_the_others_go_through(db: Database, data_dir: Path,
                                                                       market: PracticeMarketplace) -> None:
    ids, sync = _lazada_shop(db, market, data_dir)
    assert sync.sync_once().ok
    practice_shop.put_in_campaign(market.state, "SC-TEH", 8)
    _order(market, [("SC-TEH", 4), ("SC-KOPI", 1)])   # teh would go to 6, below the campaign's 8

    summary = sync.sync_once()
    [result] = summary.accounts
    assert result.problem is not None and result.problem.kind == "permanent"
    assert "campaign" in result.problem.detail
    assert _numbers(market, "SC-KOPI")["sellableQuantity"] == stock_store.on_hand(db, ids["SC-KOPI"]) == 19
    assert _numbers(market, "SC-TEH")["sellableQuantity"] == 6  # Lazada's own count after the order, untouched
    account = _account(db)
    assert [a.id for a in account_store.active(db)] == [account]
    assert sync_state.status(db, account).problem_kind not in ("auth_expired", "not_permitted")

    practice_shop.put_in_campaign(market.state, "SC-TEH", 0)  # the campaign ends: the held push goes through
    assert sync.sync_once().ok
    assert _numbers(market, "SC-TEH")["sellableQuantity"] == stock_store.on_hand(db, ids["SC-TEH"]) == 6


def test_a_partial_cancellation_gives_back_exactly_the_cancelled_units(db: Database, data_dir: Path,
                                                                        market: PracticeMarketplace) -> None:
    ids, sync = _lazada_shop(db, market, data_dir)
    assert sync.sync_once().ok
    ref = _order(market, [("SC-TEH", 2), ("SC-KOPI", 3)])
    assert sync.sync_once().ok
    assert (stock_store.on_hand(db, ids["SC-TEH"]), stock_store.on_hand(db, ids["SC-KOPI"])) == (8, 17)

    practice_shop.cancel_items(market.state, ref, "SC-TEH", 1)   # one teh item cancelled, the order goes on
    assert _numbers(market, "SC-TEH")["occupyQuantity"] == 1
    assert sync.sync_once().ok
    assert (stock_store.on_hand(db, ids["SC-TEH"]), stock_store.on_hand(db, ids["SC-KOPI"])) == (9, 17)
    assert _numbers(market, "SC-TEH")["sellableQuantity"] == 9 and _numbers(market, "SC-KOPI")["occupyQuantity"] == 3
    assert sync.sync_once().ok  # news again: nothing more comes back
    assert stock_store.on_hand(db, ids["SC-TEH"]) == 9 and stock_store.verify_levels(db) == []

    practice_shop.cancel_items(market.state, ref, "SC-TEH", 1)   # then every item: the order is cancelled
    practice_shop.cancel_items(market.state, ref, "SC-KOPI", 3)
    assert market.state.order("lazada", ref)["status"] == "canceled"
    assert sync.sync_once().ok
    assert (stock_store.on_hand(db, ids["SC-TEH"]), stock_store.on_hand(db, ids["SC-KOPI"])) == (10, 20)
    for sku, local in (("SC-TEH", 10), ("SC-KOPI", 20)):
        assert _numbers(market, sku) == {"sellableQuantity": local, "withholdQuantity": 0, "occupyQuantity": 0,
                                         "totalQuantity": local, "channelInventories": 0}
    assert stock_store.verify_levels(db) == []


def test_chat_is_read_when_asked_never_polled(db: Database, data_dir: Path, market: PracticeMarketplace) -> None:
    _, sync = _lazada_shop(db, market, data_dir)
    wire = _paths(market)
    admin(market.base_urls["admin"], "/messages", {"platform": "lazada", "text": "Kak, ready?"})
    for _ in range(8):
        assert sync.sync_once().ok
    sync.sync_chats()
    assert "/im/session/list" not in wire and "/im/message/list" not in wire
    assert inbox_store.conversations(db, "lazada") == []

    sync.check_chats("lazada")  # the person opened the Lazada filter
    assert wire.count("/im/session/list") == 1
    [conv] = inbox_store.conversations(db, "lazada")
    assert [m.text for m in inbox_store.thread(db, conv.id)] == ["Kak, ready?"]
    assert not practice_shop.polling_flagged(market.state)

    poller = build_connector(market_credentials(market.base_urls["admin"])["lazada"])
    for _ in range(practice_shop.POLL_CALLS + 1):
        poller.list_conversations()
    assert practice_shop.polling_flagged(market.state)


def test_a_blocked_reply_keeps_lazadas_notice(db: Database, data_dir: Path, market: PracticeMarketplace) -> None:
    _, sync = _lazada_shop(db, market, data_dir)
    admin(market.base_urls["admin"], "/messages", {"platform": "lazada", "text": "Bisa COD?"})
    sync.check_chats("lazada")
    [conv] = inbox_store.conversations(db, "lazada")
    blocked, _ = inbox_service.queue_reply(db, conv.id, "Bisa kak, WA saya 0812 3456 7890")
    assert sync.sync_once().ok  # Lazada answers the send as a success: only its message list tells
    sync.check_chats("lazada")   # the next look at Lazada chats brings the notice onto the reply
    reply = inbox_store.message(db, blocked)
    assert reply is not None and reply.platform_notice == practice_shop.BLOCK_NOTICE and reply.blocked

    link = build_connector(market_credentials(market.base_urls["admin"])["lazada"])
    assert conv.platform_conversation_id
    page = link.list_messages(conv.platform_conversation_id)
    notices = {m.text: m.platform_notice for m in page.messages}
    assert notices == {"Bisa COD?": "", "Bisa kak, WA saya 0812 3456 7890": practice_shop.BLOCK_NOTICE}
