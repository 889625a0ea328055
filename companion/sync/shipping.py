"""The ship command's handler ("ship_order", one per order, for the order's shop): arrange the shipment exactly once.

Per command: the order as we hold it and the shop's choice (ShipChoice); a pickup without a slot takes the earliest
slot the platform offers now, a drop-off without a branch its first branch (slots expire, so they are asked for just
before the call, never remembered). Then `once.send_once`: 'sending' committed before `connector.ship`; the answer
recorded (`services.shipping.record_shipped`); an order the platform already shows arranged or shipped
(`AlreadyDone`, from the seller centre or an earlier attempt) recorded from the platform's read-back; a refusal kept
on the order in the platform's words and the command failed; an answer that never came left 'sending'.

Look-back rule: a command found 'sending' reads the order back (`get_orders`); an order the platform shows arranged,
shipped or later is recorded as shipped, anything else is sent again (a connector whose arrangement has two steps,
such as pack then ready-to-ship, resumes from the step the platform shows).

After the round's shipments every order that went out is read back once more and applied (`apply_orders`), so its
status, tracking number and stock are the platform's, through the same path as the order pull.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from companion.connectors.errors import AlreadyDone, ConnectorError
from companion.domain.fulfilment import ShipChoice, ShipMethod, Shipped, ShippingOptions
from companion.domain.marketplace import Capability, Order, OrderStatus
from companion.services import commands as command_service
from companion.services import shipping as shipping_service
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.store import online_orders as order_store
from companion.store.outbox import CommandRow
from companion.sync.once import Steps, send_each, send_once
from companion.sync.problems import problem_for
from companion.sync.rounds import AccountRun, CommandHandler, CommandRound

ARRANGED = frozenset({OrderStatus.READY_TO_SHIP, OrderStatus.SHIPPED, OrderStatus.COMPLETED})
READ_BATCH = 50   # orders read back per call (connectors batch internally as well)


def platform_orders(run: AccountRun, platform_ids: Sequence[str]) -> list[Order]:
    """The orders as the platform shows them now (one read per batch)."""
    found: list[Order] = []
    ids = list(dict.fromkeys(i for i in platform_ids if i))
    for start in range(0, len(ids), READ_BATCH):
        part = ids[start:start + READ_BATCH]
        found += run.call(partial(run.link.get_orders, part))
    return found


def reread(rnd: CommandRound, run: AccountRun, platform_ids: Sequence[str]) -> Change:
    """Orders a command changed, read back and applied: their status, tracking and stock are the platform's. A read
    that fails is noted; the next order pull brings the same news."""
    if not platform_ids:
        return Change()
    try:
        orders = platform_orders(run, platform_ids)
    except ConnectorError as exc:
        run.note(problem_for(exc, run.secrets, run.row.channel))
        return Change()
    return apply_orders(rnd.db, run.row.id, orders).change if orders else Change()


def shipped_from(order: Order) -> Shipped:
    return Shipped(order.order_id, order.package_id, order.tracking_number, order.courier)


def complete_choice(choice: ShipChoice, options: ShippingOptions) -> ShipChoice:
    """The shop's usual choice made concrete for this order: the earliest pickup slot offered now (at the chosen
    address, else the first address that has slots), or the first drop-off branch. What the platform does not offer
    is left as it is: its refusal, in its own words, says what to change."""
    if choice.method is ShipMethod.PICKUP and not choice.slot_id:
        addresses = [a for a in options.addresses if a.slots and (not choice.address_id
                                                                   or a.address_id == choice.address_id)]
        if addresses:
            address = addresses[0]
            slot = min(address.slots, key=lambda s: (s.starts is None, s.starts or 0, s.slot_id))
            return replace(choice, address_id=address.address_id, slot_id=slot.slot_id)
    if choice.method is ShipMethod.DROPOFF and not choice.branch_id and options.branches:
        return replace(choice, branch_id=options.branches[0].branch_id)
    return choice


def _needs_options(choice: ShipChoice) -> bool:
    return ((choice.method is ShipMethod.PICKUP and not choice.slot_id)
            or (choice.method is ShipMethod.DROPOFF and not choice.branch_id))


def _ship_one(rnd: CommandRound, run: AccountRun, command: CommandRow, went: list[str]) -> Change:
    db = rnd.db
    order_id = str(command.payload.get("order_id", ""))
    row = order_store.get(db, order_id)
    if row is None:   # the order is gone from this laptop: nothing to send it for
        return command_service.give_up(db, command.id, "order not found")
    platform_id = row.platform_order_id
    choice = ShipChoice.from_json(dict(command.payload.get("choice") or {}))

    def look() -> Change | None:
        order = arranged(run, platform_id)
        if order is None:
            return None
        went.append(platform_id)
        return shipping_service.record_shipped(db, order_id, shipped_from(order))

    def already(exc: AlreadyDone) -> Change:
        found = look()
        if found is not None:
            return found
        # the platform says it is done yet shows it otherwise (e.g. cancelled): its words stay on the order
        return shipping_service.record_ship_refused(db, order_id, exc.platform_message or exc.platform_code)

    chosen = [choice]

    def prepare() -> None:
        if _needs_options(choice):
            chosen[0] = complete_choice(choice, run.call(lambda: run.link.shipping_options(platform_id)))

    def send() -> Shipped:
        return run.link.ship(platform_id, chosen[0])

    def done(shipped: Shipped) -> Change:
        went.append(platform_id)
        return shipping_service.record_shipped(db, order_id, shipped)

    steps = Steps(look=look, begin=lambda: command_service.begin_sending(db, command.id), send=send, done=done,
                  already=already, refused=lambda w: shipping_service.record_ship_refused(db, order_id, w),
                  requeued=lambda why: command_service.requeue(db, command.id, why), prepare=prepare)
    return send_once(run, command, steps)


def send(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """This shop's due ship commands, oldest first; then every order that went out read back and applied."""
    if not commands:
        return Change()
    went: list[str] = []
    change = send_each(run, commands, lambda c: _ship_one(rnd, run, c, went))
    if not run.stopped:
        change |= reread(rnd, run, went)
    return change


def arranged(run: AccountRun, platform_id: str) -> Order | None:
    """The look-back rule (applied by `_ship_one` to a command found 'sending'): the order as the platform shows
    it when it is arranged, shipped or later, else None (send again)."""
    orders = platform_orders(run, [platform_id])
    return orders[0] if orders and orders[0].status in ARRANGED else None


HANDLER = CommandHandler(shipping_service.SHIP_ORDER, Capability.FULFILMENT, send, arranged)
