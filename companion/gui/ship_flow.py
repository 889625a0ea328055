""""Kirim semua yang dipilih" from start to end: the ticked orders grouped per shop with each shop's remembered
choice, one click when every shop has one (else the ship dialog), then one queue per batch through the shipping
service, and what to tell the packer: how many were queued and each order left out with its one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.domain.fulfilment import ShipMethod, ShippingOptions
from companion.gui.context import AppContext
from companion.gui.order_times import shop_text
from companion.gui.order_words import choice_text
from companion.gui.ship_choice_form import ShopGroup
from companion.gui.ship_dialog import OptionsFetch, ShipPlan
from companion.services import shipping as shipping_service
from companion.services.change import Change
from companion.store.database import Database
from companion.store.order_desk import DeskRow
from companion.sync.shipping_options import shipping_options


@dataclass(frozen=True)
class ShipOutcome:
    change: Change
    queued: tuple[str, ...]                  # our order ids now waiting to be sent
    skipped: tuple[tuple[str, str], ...]     # (order id, msgid): why each was left out


def shop_groups(db: Database, rows: Sequence[DeskRow]) -> list[ShopGroup]:
    """The ticked orders per shop (in the list's order), each shop with its remembered choice."""
    groups: dict[str, ShopGroup] = {}
    for row in rows:
        account = row.order.account_id
        if account not in groups:
            groups[account] = ShopGroup(account, row.order.channel, [], shipping_service.usual_choice(db, account))
        groups[account].rows.append(row)
    return list(groups.values())


def one_click_plan(groups: Sequence[ShopGroup]) -> ShipPlan | None:
    """Every shop's remembered choice, when each has one that needs nothing per order (own courier needs each
    parcel's tracking number, so it always asks)."""
    if not groups or any(g.usual is None or g.usual.method is ShipMethod.OWN_COURIER for g in groups):
        return None
    return ShipPlan(shop_choices={g.account_id: g.usual for g in groups if g.usual is not None})


def queue_plan(db: Database, rows: Sequence[DeskRow], plan: ShipPlan) -> ShipOutcome:
    """Remember what was asked to be remembered, then queue: the shop-choice orders in one batch, own-courier
    orders each with its tracking number."""
    change = Change()
    for account_id, choice in plan.remember.items():
        change |= shipping_service.remember_choice(db, account_id, choice)
    batch = [row.id for row in rows if row.id not in plan.order_choices]
    queued: list[str] = []
    skipped: list[tuple[str, str]] = []
    if batch:
        result = shipping_service.queue_shipments(db, batch, plan.shop_choices)
        change, queued, skipped = change | result.change, [*result.queued], [*result.skipped]
    for order_id, (account_id, choice) in plan.order_choices.items():
        result = shipping_service.queue_shipments(db, [order_id], {account_id: choice})
        change, queued, skipped = change | result.change, [*queued, *result.queued], [*skipped, *result.skipped]
    order = {row.id: n for n, row in enumerate(rows)}
    skipped.sort(key=lambda s: order.get(s[0], len(order)))
    return ShipOutcome(change, tuple(queued), tuple(skipped))


def plan_words(rows: Sequence[DeskRow], plan: ShipPlan) -> list[str]:
    """How each shop's orders were sent, in a few words ("<shop>: Dijemput kurir, jadwal paling awal"); once when
    every shop was sent the same way."""
    shops = {row.order.account_id: shop_text(row.order) for row in rows}
    chosen = dict(plan.shop_choices)
    for account_id, choice in plan.order_choices.values():
        chosen.setdefault(account_id, choice)
    words = {account: choice_text(choice) for account, choice in chosen.items() if account in shops}
    if len(set(words.values())) == 1:
        return list(set(words.values()))   # every shop the same way: said once
    return [f"{shops[account]}: {text}" for account, text in words.items()]


def options_fetch(ctx: AppContext) -> OptionsFetch:
    """Ask an order's shop for its options with the window's sync credentials (practice shops through the running
    practice marketplace); a problem comes back as its one-sentence msgid."""
    source = ctx.sync.credentials_source if ctx.sync is not None else None
    db_path = ctx.db_path

    def fetch(order_id: str) -> ShippingOptions | str:
        answer = shipping_options(db_path, source, order_id)
        return answer.options if answer.options is not None else answer.problem

    return fetch
