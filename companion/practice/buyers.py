"""Simulated buyers: they order what the platform shows in stock, sometimes cancel, ask questions in chat and,
when nobody answers for a while, follow up ("Halo kak?").

Deterministic for a seed: the same seed and the same starting record give the same actions. "A while" is counted
in simulator steps, not seconds, so a run does not depend on how fast the machine is.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from companion.practice.catalogue import BUYER_NAMES, BUYER_QUESTIONS
from companion.practice.photos import photo_path
from companion.practice.state import NotFound, OutOfStock, PracticeState

FOLLOW_UPS = ("Halo kak?", "Kak, masih ada orangnya?", "Halo kak, ditunggu jawabannya ya.")
FOLLOW_UP_AFTER_STEPS = 8  # steps of silence before an unanswered buyer writes again
FOLLOW_UP_CHANCE = 0.4  # per step, when someone is due: real buyers do not all follow up at once
SHOW_KINDS = ("image", "product", "order")  # what a buyer shows instead of typing


def buyer_id(state: PracticeState, platform: str, index: int) -> str:
    """Practice buyer number `index` as the platform writes buyer ids."""
    return state.channel(platform).ids.buyer_id(index)


def place_order(state: PracticeState, platform: str, lines: list[tuple[int, int]], buyer_index: int = 0,
                status: str | None = None) -> dict[str, Any]:
    """A paid order (waiting for the seller) unless `status` names another platform status, e.g. unpaid."""
    return state.create_order(platform, lines, buyer_id(state, platform, buyer_index),
                              BUYER_NAMES[buyer_index % len(BUYER_NAMES)],
                              status or state.channel(platform).statuses.open)


def buyer_says(state: PracticeState, platform: str, text: str, buyer_index: int = 0) -> dict[str, Any]:
    """A buyer writes to the shop (opening a conversation if needed)."""
    name = BUYER_NAMES[buyer_index % len(BUYER_NAMES)]
    conv = state.conversation_for(platform, buyer_id(state, platform, buyer_index), name)
    return state.add_message(platform, conv["ref"], "buyer", text)


def buyer_shows(state: PracticeState, platform: str, kind: str, ref: str = "", buyer_index: int = 0,
                photo: int = 1) -> dict[str, Any]:
    """A buyer sends a picture (ref: any URL, kept as is, else the practice photo number `photo`), a product
    card (ref: a seller SKU or item id listed on the platform) or an order card (ref: one of the buyer's order
    numbers, else their newest). Raises NotFound when the product or order is not there, ValueError for another kind."""
    name = BUYER_NAMES[buyer_index % len(BUYER_NAMES)]
    me = buyer_id(state, platform, buyer_index)
    if kind == "image":
        attached = ref if "://" in ref else photo_path(photo)
    elif kind == "product":
        attached = _item_id(state, platform, ref)
    elif kind == "order":
        attached = _order_ref(state, platform, ref, me)
    else:
        raise ValueError(f"kind must be one of {', '.join(SHOW_KINDS)}")
    conv = state.conversation_for(platform, me, name)
    return state.add_message(platform, conv["ref"], "buyer", "", kind, attached)


def _item_id(state: PracticeState, platform: str, ref: str) -> str:
    listed = state.listings(platform)
    found = next((x for x in listed if ref in (x["seller_sku"], x["item_id"])), None)
    if found is None:
        raise NotFound(f"{platform} listing {ref}")
    return str(found["item_id"])


def _order_ref(state: PracticeState, platform: str, ref: str, me: str) -> str:
    if ref:
        return str(state.order(platform, ref)["ref"])
    mine = [o for o in state.orders(platform, field="create_time") if o["buyer_id"] == me]
    if not mine:
        raise NotFound(f"{platform} order of buyer {me}")
    return str(mine[-1]["ref"])


class BuyerSimulator:
    """Runs buyer actions one `step()` at a time, or on a background thread at a chosen pace."""

    def __init__(self, state: PracticeState, seed: int = 0) -> None:
        self.state = state
        self.rng = random.Random(seed)
        self.pace_seconds = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._steps = 0
        self._asked: dict[tuple[str, int], int] = {}  # (platform, buyer) -> step of a question not followed up yet

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.rng = random.Random(seed)
            self._steps = 0
            self._asked.clear()

    def step(self) -> dict[str, Any]:
        """One buyer action: a follow-up when a question went unanswered long enough (sometimes), otherwise
        order (55 %), ask (22 %), show a picture, product card or order card (8 %) or cancel (15 %).
        Returns what happened."""
        with self._lock:
            self._steps += 1
            follow_up = self._follow_up()
            if follow_up is not None:
                return follow_up
            platform = self.rng.choice(self.state.channel_names)
            roll = self.rng.random()
            buyer = self.rng.randrange(len(BUYER_NAMES))
            if roll < 0.55:
                return self._order(platform, buyer)
            if 0.77 <= roll < 0.85:
                return self._show(platform, buyer)
            if roll < 0.85:
                text = self.rng.choice(BUYER_QUESTIONS)
                buyer_says(self.state, platform, text, buyer)
                self._asked.setdefault((platform, buyer), self._steps)
                return {"action": "message", "platform": platform, "text": text}
            return self._cancel(platform)

    def _show(self, platform: str, buyer: int) -> dict[str, Any]:
        """A picture, a listed product's card, or a card of one of the buyer's orders (a product card when the
        buyer has no order there)."""
        kind = self.rng.choice(SHOW_KINDS)
        photo = self.rng.randrange(1, 100)
        listed = self.state.listings(platform)
        ref = self.rng.choice(listed)["item_id"] if listed else ""
        try:
            message = buyer_shows(self.state, platform, kind, ref if kind == "product" else "", buyer, photo)
        except NotFound:
            if not listed:
                return {"action": "none", "platform": platform, "reason": "nothing to show"}
            kind = "product"
            message = buyer_shows(self.state, platform, kind, ref, buyer, photo)
        self._asked.setdefault((platform, buyer), self._steps)
        return {"action": "show", "platform": platform, "kind": kind, "ref": message["attached"],
                "message": message["ref"]}

    def _follow_up(self) -> dict[str, Any] | None:
        """The longest-waiting buyer whose question is still unanswered writes once more; answered ones are let go."""
        due = sorted((asked, key) for key, asked in self._asked.items() if self._steps - asked >= FOLLOW_UP_AFTER_STEPS)
        if not due or self.rng.random() >= FOLLOW_UP_CHANCE:
            return None
        for _asked, (platform, buyer) in due:
            del self._asked[(platform, buyer)]
            if not self._still_unanswered(platform, buyer):
                continue
            text = self.rng.choice(FOLLOW_UPS)
            message = buyer_says(self.state, platform, text, buyer)
            return {"action": "follow_up", "platform": platform, "text": text, "message": message["ref"]}
        return None

    def _still_unanswered(self, platform: str, buyer: int) -> bool:
        conv = self.state.conversation_for(platform, buyer_id(self.state, platform, buyer),
                                          BUYER_NAMES[buyer % len(BUYER_NAMES)])
        latest = self.state.latest_message(conv["id"])
        return latest is not None and latest["sender"] == "buyer"

    def _order(self, platform: str, buyer: int) -> dict[str, Any]:
        in_stock = [x for x in self.state.listings(platform) if x["stock"] > 0]
        if not in_stock:
            return {"action": "none", "platform": platform, "reason": "nothing in stock"}
        listing = self.rng.choice(in_stock)
        qty = self.rng.randint(1, min(3, listing["stock"]))  # never more than the listing shows
        try:
            order = place_order(self.state, platform, [(listing["id"], qty)], buyer)
        except OutOfStock:  # the seller's stock push landed in between: the buyer sees the new number next time
            return {"action": "none", "platform": platform, "reason": "stock changed"}
        return {"action": "order", "platform": platform, "order": order["ref"], "seller_sku": listing["seller_sku"],
                "quantity": qty}

    def _cancel(self, platform: str) -> dict[str, Any]:
        statuses = self.state.channel(platform).statuses
        open_orders = self.state.orders(platform, status=statuses.open)
        if not open_orders:
            return {"action": "none", "platform": platform, "reason": "no open order"}
        order = self.rng.choice(open_orders)
        self.state.cancel_order(platform, order["ref"], statuses.cancelled, "buyer")
        return {"action": "cancel", "platform": platform, "order": order["ref"]}

    # -- background pace --------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, pace_seconds: float) -> None:
        """One action every pace_seconds until stop()."""
        self.stop()
        self.pace_seconds = max(0.01, pace_seconds)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="practice-buyers", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.pace_seconds):
            try:
                self.step()
            except Exception:  # a closed database at shutdown must not print a traceback
                if self._stop.is_set():
                    return
                raise

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
