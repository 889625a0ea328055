"""What a user action changed, so the GUI refreshes exactly that."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    products: frozenset[str] = field(default_factory=frozenset)  # product ids whose row or stock changed
    sales: frozenset[str] = field(default_factory=frozenset)
    settings: bool = False
    orders: frozenset[str] = field(default_factory=frozenset)  # online order ids imported or changed
    sync: bool = False  # accounts, listings, mapping, sync status or incidents changed
    conversations: frozenset[str] = field(default_factory=frozenset)  # inbox conversations with news
    reviews: frozenset[str] = field(default_factory=frozenset)  # buyers' reviews with news (new, replied, refused)
    customers: frozenset[str] = field(default_factory=frozenset)  # customers added, edited, or whose kasbon moved
    shifts: frozenset[str] = field(default_factory=frozenset)  # counter shifts opened or closed
    people: bool = False  # cashiers, the owner's PIN or categories changed

    def __or__(self, other: Change) -> Change:
        return Change(self.products | other.products, self.sales | other.sales, self.settings or other.settings,
                      self.orders | other.orders, self.sync or other.sync, self.conversations | other.conversations,
                      self.reviews | other.reviews, self.customers | other.customers,
                      self.shifts | other.shifts, self.people or other.people)

    @property
    def stock_changed(self) -> bool:
        return bool(self.products)
