"""What the practice record needs to know of a channel, as plain data: the shape of its ids, its order statuses,
its token lifetimes, how its app keys are made and the credentials JSON it hands out. Kept apart from the routes
(plugin.py) so the record (state.py) can hold channels without importing request handling."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

OrderRef = Callable[[int, float], str]  # (counter value, unix time now) -> the order number buyers and sellers see
MakeKeys = Callable[[], dict[str, Any]]  # the app keys and shop ids, made once per practice folder
# (the stored keys, {"access_token", "refresh_token"}, base_urls) -> what `market.credentials()[name]` holds
ExportCredentials = Callable[[Mapping[str, Any], Mapping[str, str], Mapping[str, str]], dict[str, Any]]


def plain_ref(number: int, now: float) -> str:
    """Most platforms number orders with the counter value itself."""
    return str(number)


@dataclass(frozen=True)
class IdShapes:
    """Where each kind of id starts: ids are base + a persisted counter, so they look like the platform's own and
    never repeat across restarts."""

    item: int
    model: int
    buyer: int
    order: int
    conversation: int
    message: int
    order_ref: OrderRef = plain_ref
    single_model_id: str | None = None  # model id of an item without variants (None: numbered like any model)

    def base(self, kind: str) -> int:
        """The base of a counter kind as stored in the record's meta table (item, model, order, conv, msg)."""
        bases = {"item": self.item, "model": self.model, "order": self.order, "conv": self.conversation,
                 "msg": self.message, "buyer": self.buyer}
        if kind not in bases:
            raise ValueError(f"no id shape for {kind}")
        return bases[kind]

    def buyer_id(self, index: int) -> str:
        """The practice buyer number `index` as this platform writes buyer ids."""
        return str(self.buyer + index)


@dataclass(frozen=True)
class OrderStatuses:
    """The platform's own raw status codes for the states practice orders go through. The shipping ones are
    optional: None where the platform has no such status (the order then keeps the status it had)."""

    unpaid: str
    open: str       # paid and waiting for the seller
    cancelled: str
    packed: str | None = None      # packed, not yet handed to the courier (a platform with a pack step)
    arranged: str | None = None    # shipment arranged: waiting for pickup or drop-off
    shipped: str | None = None     # the courier has it
    delivered: str | None = None   # the buyer has it
    completed: str | None = None   # done: the buyer confirmed (or the platform's wait ended)
    in_cancel: str | None = None   # the buyer asked to cancel; the seller must answer


@dataclass(frozen=True)
class Lifetimes:
    """Seconds an access token, a refresh token and an authorization code live."""

    access: int
    refresh: int
    code: int


@dataclass(frozen=True, kw_only=True)
class ChannelShapes:
    """A channel's facts the practice record keeps to: everything of its practice part except request handling."""

    name: str
    ids: IdShapes
    statuses: OrderStatuses
    lifetimes: Lifetimes
    make_keys: MakeKeys
    export_credentials: ExportCredentials
    chat_needs_approval: bool = False  # chat answers only after the practice admin approves it (POST /chat)
    courier: str = "J&T Express"       # the courier the platform assigns to the shop's parcels
    tracking_prefix: str = "JT"        # tracking numbers: this prefix and digits
    package_prefix: str = ""           # package ids: this prefix and digits
