"""The connector interface: plain records (domain.marketplace) in and out, one implementation per channel.

Connectors never touch the database; the sync engine stores what they return and passes plain data back in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

from companion.connectors.errors import NotPermitted
from companion.domain.fulfilment import (
    CancelLine,
    ReturnAnswer,
    ReturnPage,
    ShipChoice,
    Shipped,
    ShippingDocument,
    ShippingOptions,
)
from companion.domain.marketplace import (
    Capability,
    Conversation,
    ConversationPage,
    Listing,
    MessagePage,
    Order,
    OrderPage,
    StockResult,
    StockUpdate,
    TokenSet,
)
from companion.domain.reviews import Review, ReviewPage, ReviewReply, ReviewReplyResult


@runtime_checkable
class Credentials(Protocol):
    """What every channel's credentials offer (each channel has its own frozen dataclass, kept as JSON in the
    keyring): where to call, the tokens, the values the log must never show, and the shop's reference."""

    @property
    def base_url(self) -> str: ...

    @property
    def access_token(self) -> str: ...

    @property
    def refresh_token(self) -> str: ...

    @property
    def auth_base_url(self) -> str: ...

    @property
    def shop_ref(self) -> str:
        """The platform's id for the shop, kept on the account row ("" when the platform has none)."""

    def secrets(self) -> tuple[str, ...]: ...


class Connector(ABC):
    """One marketplace shop. Methods raise only `companion.connectors.errors` types."""

    channel: ClassVar[str]  # the registered channel name
    capabilities: ClassVar[frozenset[Capability]]

    @abstractmethod
    def refresh_tokens(self) -> TokenSet:
        """Exchange the refresh token; the caller persists the result, then calls `use_tokens`."""

    @abstractmethod
    def use_tokens(self, tokens: TokenSet) -> None:
        """Switch to tokens the caller has already persisted."""

    @abstractmethod
    def pull_orders(self, updated_from: datetime, updated_to: datetime,
                    cursor: str | None = None) -> OrderPage:
        """One page of orders updated in [updated_from, updated_to]; pass `next_cursor` back until done."""

    @abstractmethod
    def get_orders(self, ids: Sequence[str]) -> list[Order]:
        """Full orders by platform id (batched internally)."""

    @abstractmethod
    def list_listings(self) -> list[Listing]:
        """Every sellable variant with its current platform stock."""

    @abstractmethod
    def push_stock(self, updates: Sequence[StockUpdate]) -> list[StockResult]:
        """Set absolute stock, batched to the platform limit; one result per update.

        A refusal for one batch is reported per listing; auth, throttling and transport errors are raised
        (absolute quantities make a full retry safe).
        """

    def list_conversations(self, cursor: str | None = None) -> ConversationPage:
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")

    def list_messages(self, conversation_id: str, cursor: str | None = None) -> MessagePage:
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")

    def send_text(self, conversation: Conversation, text: str) -> str:
        """Send a text reply; returns the platform message id."""
        raise NotPermitted("unsupported", f"{self.channel} chat is not available")

    # -- fulfilment (Capability.FULFILMENT): each raises NotPermitted where the channel does not offer it --------

    def shipping_options(self, order_id: str) -> ShippingOptions:
        """What the platform offers to ship this order now (addresses and slots, branches, providers)."""
        raise NotPermitted("unsupported", f"{self.channel} shipping is not available")

    def ship(self, order_id: str, choice: ShipChoice) -> Shipped:
        """Arrange the shipment as chosen. An order the platform already shows arranged or shipped raises
        `errors.AlreadyDone` (the caller records it as done, never sends again)."""
        raise NotPermitted("unsupported", f"{self.channel} shipping is not available")

    def shipping_document(self, order_id: str, package_id: str) -> ShippingDocument:
        """The label PDF. Platforms make labels asynchronously: a label not made yet raises `errors.NotReady`
        (ask again at the next round)."""
        raise NotPermitted("unsupported", f"{self.channel} shipping labels are not available")

    def cancel_order(self, order_id: str, reason: str, lines: Sequence[CancelLine] = ()) -> None:
        """The seller cancels the whole order (no lines) or these lines, with one of the spec's reason codes."""
        raise NotPermitted("unsupported", f"{self.channel} cancellation is not available")

    def answer_cancel_request(self, order_id: str, request_id: str, accept: bool, reason: str = "") -> None:
        """Accept or refuse a buyer's request to cancel."""
        raise NotPermitted("unsupported", f"{self.channel} cancellation requests are not available")

    def pull_returns(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReturnPage:
        """One page of return/refund requests updated in [updated_from, updated_to]."""
        raise NotPermitted("unsupported", f"{self.channel} returns are not available")

    def answer_return(self, return_id: str, answer: ReturnAnswer) -> None:
        """Accept, refuse (with the platform's reason code) or offer a partial refund."""
        raise NotPermitted("unsupported", f"{self.channel} returns are not available")

    # -- reviews (Capability.REVIEWS) ---------------------------------------------------------------------------

    def pull_reviews(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReviewPage:
        """One page of reviews created or changed in [updated_from, updated_to]; pass `next_cursor` back."""
        raise NotPermitted("unsupported", f"{self.channel} reviews are not available")

    def get_reviews(self, review_ids: Sequence[str]) -> list[Review]:
        """These reviews as the platform shows them now (the look-back after a reply whose answer was lost; a
        review deleted meanwhile is missing from the list or marked hidden)."""
        raise NotPermitted("unsupported", f"{self.channel} reviews are not available")

    def reply_reviews(self, replies: Sequence[ReviewReply]) -> list[ReviewReplyResult]:
        """Send replies (batched to the platform's limit); one result per reply. A per-review refusal is a result;
        auth, throttling and transport errors are raised (Temporary(outcome_unknown=True) when a reply may have
        landed: the caller reads the review back before sending again)."""
        raise NotPermitted("unsupported", f"{self.channel} reviews are not available")
