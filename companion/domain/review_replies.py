"""Quick replies for buyers' reviews: an apology, "we will replace it", and thanks, filled with the buyer's name and
the product, so a polite answer to a one-star rating takes one click and a look.

The texts are msgids (Indonesian in the id catalog, shown first) with the placeholders {nama} and {produk}; `fill`
puts the review's buyer and product in, in the language the app speaks now. They live here rather than among the
chat's saved quick replies (store/inbox.py `reply_templates`): those speak of stock and price and are the owner's
own, these answer a rating and ship with the app. Pure: no I/O, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import N_, tr

PRODUCT_CHARS = 60  # a marketplace title can run to 200 characters: the reply names the product, not its advert


@dataclass(frozen=True)
class ReviewTemplate:
    key: str
    title: str      # msgid: the menu's words
    body: str       # msgid with {nama} and {produk}
    for_low: bool   # offered first for a 1–3 star review


TEMPLATES: tuple[ReviewTemplate, ...] = (
    ReviewTemplate("apology", N_("Apology"), N_(
        "Hello {nama}, we are sorry that {produk} disappointed you. Thank you for telling us: we will put it right. "
        "Please chat with us so we can help."), True),
    ReviewTemplate("replace", N_("We will replace the item"), N_(
        "Hello {nama}, we are sorry about {produk}. We will replace the item: send us a chat with your order number "
        "and we will ship the replacement at no cost to you."), True),
    ReviewTemplate("thanks", N_("Thank you"), N_(
        "Hello {nama}, thank you so much for shopping with us and reviewing {produk}! We look forward to your next "
        "order."),
        False),
)


def templates_for(rating: int, low_rating: int) -> tuple[ReviewTemplate, ...]:
    """All templates, the fitting ones first: apology and replacement for a low rating, thanks for a good one."""
    low = rating <= low_rating
    return tuple(sorted(TEMPLATES, key=lambda t: t.for_low != low))


def buyer_words(buyer_name: str) -> str:
    """How the reply greets the buyer ("kak Rina"); a masked name ("r***a") or none greets politely without one."""
    name = " ".join(buyer_name.split())
    if not name or "*" in name:
        return tr("kak")
    return tr("kak {name}", name=name)


def product_words(product_name: str) -> str:
    """The product as the reply names it: its name, cut at a word before PRODUCT_CHARS."""
    name = " ".join(product_name.split())
    if not name:
        return tr("your order")
    if len(name) <= PRODUCT_CHARS:
        return name
    cut = name[:PRODUCT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,-/|")


def fill(template: ReviewTemplate, buyer_name: str, product_name: str) -> str:
    """The template's text in today's language with the buyer and the product filled in."""
    return tr(template.body, nama=buyer_words(buyer_name), produk=product_words(product_name))


def find(key: str) -> ReviewTemplate | None:
    return next((t for t in TEMPLATES if t.key == key), None)
