"""A new practice starts with a buyer's question about one of the practice shop's own products, asked at once: the
newcomer has something real to answer in the first minute instead of waiting for the buyers' pace, and the question
names a product they can find in Produk & Stok.
"""

from __future__ import annotations

from typing import Any, Protocol

from companion.connectors import registry
from companion.domain.marketplace import Capability
from companion.practice.buyers import listed_name
from companion.practice.catalogue import PRODUCT_QUESTIONS, product_question

FIRST_BUYER = 0


class Admin(Protocol):
    """The practice session's control calls (sync/practice_session.PracticeSession.admin)."""

    def admin(self, method: str, path: str, body: dict[str, Any]) -> Any: ...


def _chat_polled(platform: str) -> bool:
    """Whether the app reads the platform's chats by itself (a chat read only on demand would hide the question)."""
    spec = registry.find(platform)
    return spec is not None and Capability.CHAT in spec.capabilities and spec.chat_pull == "poll"


def ask_first_question(session: Admin) -> dict[str, Any] | None:
    """The first listed product in stock on a platform whose chats are read by themselves gets a buyer's question
    there, unless some buyer wrote already
    on any platform (a practice carried on). Returns the buyer's message, or None when nothing was asked."""
    listings = sorted(session.admin("GET", "/listings", {})["listings"], key=lambda x: int(x["id"]))
    platforms = sorted({str(x["platform"]) for x in listings})
    if any(session.admin("GET", "/messages", {"platform": p})["conversations"] for p in platforms):
        return None
    listing = next((x for x in listings if x["stock"] > 0 and _chat_polled(str(x["platform"]))), None)
    if listing is None:
        return None
    text = product_question(PRODUCT_QUESTIONS[0], listed_name(listing))
    message: dict[str, Any] = session.admin("POST", "/messages", {"platform": listing["platform"], "text": text,
                                                                  "buyer": FIRST_BUYER})
    return message
