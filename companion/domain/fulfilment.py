"""The plain records of shipping an online order: how it may go out, how the shop chose to send it, what the platform
answered, cancellations (the seller's, and the buyer's requests) and returns.

Connectors return and take them, services store them, the practice marketplace speaks them. Pure values: no I/O, no
Qt, no platform names; every platform code (a reason, a slot, a branch) travels as the platform's own text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ShipMethod(StrEnum):
    """The three ways a parcel leaves the shop, on every platform."""

    PICKUP = "pickup"            # the courier collects at the shop's address in a time slot
    DROPOFF = "dropoff"          # the shop brings it to a courier branch
    OWN_COURIER = "own_courier"  # the shop sends it its own way and gives the tracking number (a platform's
    #                              "non-integrated" or "shipped by seller" courier, a counter sale sent by phone order)


@dataclass(frozen=True)
class TimeSlot:
    slot_id: str                 # the platform's own id of the slot (an id, or a start/end pair as text)
    starts: datetime | None
    ends: datetime | None


@dataclass(frozen=True)
class PickupAddress:
    address_id: str
    text: str                    # the address as the platform shows it
    slots: tuple[TimeSlot, ...] = ()


@dataclass(frozen=True)
class Branch:
    branch_id: str
    name: str
    address: str = ""


@dataclass(frozen=True)
class ShippingOptions:
    """What the platform offers for one order now (asked just before shipping: slots expire)."""

    order_id: str
    package_id: str              # the platform's package/parcel id ("" where the platform ships whole orders)
    methods: tuple[ShipMethod, ...]
    addresses: tuple[PickupAddress, ...] = ()
    branches: tuple[Branch, ...] = ()
    providers: tuple[str, ...] = ()  # courier names the shop may choose from; () = the platform chooses
    courier: str = ""            # the courier the platform assigned, when it says


@dataclass(frozen=True)
class ShipChoice:
    """How the shop wants one order sent; remembered per shop so "Kirim semua yang dipilih" is one click."""

    method: ShipMethod
    address_id: str = ""
    slot_id: str = ""            # "" = the earliest slot the platform offers when the command is sent
    branch_id: str = ""
    provider: str = ""
    tracking_number: str = ""    # OWN_COURIER only
    courier: str = ""            # OWN_COURIER only: the courier's name as the shop writes it

    def to_json(self) -> dict[str, str]:
        return {"method": self.method.value, "address_id": self.address_id, "slot_id": self.slot_id,
                "branch_id": self.branch_id, "provider": self.provider, "tracking_number": self.tracking_number,
                "courier": self.courier}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ShipChoice:
        def text(key: str) -> str:
            return str(data.get(key) or "")
        return cls(ShipMethod(text("method")), text("address_id"), text("slot_id"), text("branch_id"),
                   text("provider"), text("tracking_number"), text("courier"))


@dataclass(frozen=True)
class Shipped:
    """The platform's answer to an arranged shipment (the tracking number may come later, by the order pull)."""

    order_id: str
    package_id: str = ""
    tracking_number: str = ""
    courier: str = ""


@dataclass(frozen=True)
class ShippingDocument:
    """A shipping label as the platform hands it out: a PDF (never re-drawn by us)."""

    order_id: str
    package_id: str
    pdf: bytes = field(repr=False)


@dataclass(frozen=True)
class CancelReason:
    code: str                    # the platform's own code, sent back as it is
    label: str                   # msgid: the reason in plain words


@dataclass(frozen=True)
class CancelLine:
    line_id: str                 # the order line's platform id
    item_id: str
    sku_id: str
    quantity: int


@dataclass(frozen=True)
class CancelRequest:
    """A buyer asks to cancel an order the seller must answer (accept or refuse) before `answer_by`."""

    request_id: str              # the platform's id of the request ("" where the order number is the id)
    reason: str                  # the buyer's reason in the platform's words
    requested_at: datetime
    answer_by: datetime | None


class ReturnState(StrEnum):
    REQUESTED = "requested"      # the seller must answer
    ACCEPTED = "accepted"        # the item comes back (or a refund without return)
    REFUSED = "refused"          # refused by the seller; the platform may still decide
    REFUNDED = "refunded"        # money went back to the buyer; closed
    CLOSED = "closed"            # cancelled by the buyer or ended by the platform


class ReturnAction(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    PARTIAL_REFUND = "partial_refund"


@dataclass(frozen=True)
class ReturnLine:
    line_id: str
    item_id: str
    sku_id: str
    seller_sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class ReturnRequest:
    return_id: str
    order_id: str
    state: ReturnState
    state_raw: str
    reason: str                  # the buyer's reason in the platform's words
    buyer_note: str
    photos: tuple[str, ...]      # picture URLs
    lines: tuple[ReturnLine, ...]
    refund_amount: int           # whole rupiah the buyer asks back
    created_at: datetime
    updated_at: datetime
    answer_by: datetime | None   # the seller's deadline to answer
    needs_item_back: bool = True  # False: refund only, nothing comes back to the shop
    actions: tuple[ReturnAction, ...] = (ReturnAction.ACCEPT, ReturnAction.REFUSE)


@dataclass(frozen=True)
class ReturnPage:
    returns: tuple[ReturnRequest, ...]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True)
class ReturnAnswer:
    action: ReturnAction
    reason: str = ""             # the platform's reason code for a refusal
    note: str = ""               # the seller's words
    amount: int = 0              # PARTIAL_REFUND: whole rupiah offered


@dataclass(frozen=True)
class FulfilmentRules:
    """A channel's shipping rules, declared in its spec (ChannelSpec.fulfilment), each taken from the platform's
    reference (the channel's contracts.py cites it)."""

    methods: tuple[ShipMethod, ...]                  # how its orders may be sent
    cancel_reasons: tuple[CancelReason, ...]         # the seller's reasons; the first is "out of stock"
    cancels_lines: bool                              # the seller may cancel single lines (not only whole orders)
    refuse_reasons: tuple[CancelReason, ...] = ()    # reasons to refuse a return or a buyer's cancel request
    partial_refund: bool = False                     # the seller may offer part of the money back
    late_note: str = ""                              # msgid: what the platform does to a late shipment
    seller_centre_url: str = ""                      # where the owner does what the app cannot
