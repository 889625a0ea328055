"""Simulated buyers: they order what the platform shows in stock, sometimes cancel, ask the seller to cancel a
paid order, return part of a delivered one (some with photos), ask questions in chat and, when nobody answers for a
while, follow up ("Halo kak?"). A while after a parcel arrives most buyers review what they got (mostly 4–5 stars,
a few low ones, some with photos). Each step also moves the parcels on (practice/fulfilment.advance_shipments).

Deterministic for a seed: the same seed and the same starting record give the same actions. "A while" is counted
in simulator steps, not seconds, so a run does not depend on how fast the machine is.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from companion.domain.reviews import LOW_RATING
from companion.practice import fulfilment, reviews
from companion.practice.catalogue import BUYER_NAMES, BUYER_QUESTIONS, PRODUCT_QUESTIONS, product_question
from companion.practice.fulfilment import Refused
from companion.practice.photos import PREFIX, photo_path
from companion.practice.product_photos import product_photo_path
from companion.practice.state import NotFound, OutOfStock, PracticeState

FOLLOW_UPS = ("Halo kak?", "Kak, masih ada orangnya?", "Halo kak, ditunggu jawabannya ya.")
FOLLOW_UP_AFTER_STEPS = 8  # steps of silence before an unanswered buyer writes again
PRODUCT_QUESTION_SHARE = 0.5  # of questions after the first, those that name a listed product
FOLLOW_UP_CHANCE = 0.4  # per step, when someone is due: real buyers do not all follow up at once
SHOW_KINDS = ("image", "product", "order")  # what a buyer shows instead of typing
# Of each step's roll: below ORDER an order, then a question, a picture or card, then (from CANCEL) a cancel,
# a request to cancel (from ASK_CANCEL) or a return (from RETURN).
ORDER, QUESTION, SHOW, CANCEL, ASK_CANCEL, RETURN = 0.0, 0.55, 0.77, 0.85, 0.93, 0.965
CANCEL_REASONS = ("Ingin mengubah alamat pengiriman", "Berubah pikiran", "Ingin mengubah rincian pesanan",
                  "Menemukan harga yang lebih murah")
RETURN_REASONS = ("Barang rusak", "Tidak sesuai deskripsi", "Ukuran tidak sesuai", "Barang kurang lengkap")
RETURN_NOTES = ("", "Kemasan penyok waktu sampai.", "Warnanya beda dengan foto.", "Mohon dibantu ya kak.")
RETURN_PHOTOS = 0.6   # share of returns with pictures
REFUND_ONLY = 0.2     # share of returns where the buyer keeps the item (refund only)
REVIEW_AFTER_STEPS = 3   # steps after a parcel arrives before its buyer may review it
REVIEW_CHANCE = 0.5      # per step, when a review is due: buyers do not all write at once
REVIEW_SHARE = 0.7       # share of buyers who review at all (the rest never do)
STARS = (5, 4, 3, 2, 1)
STAR_WEIGHTS = (60, 22, 7, 5, 6)  # mostly 4–5 stars, a few low ones
REVIEW_WORDS = {
    5: ("", "Barang sudah sampai, sesuai pesanan. Terima kasih kak!", "Mantap, pengiriman cepat.",
        "Packing rapi, recommended seller.", "Kualitas bagus, harga terjangkau. Bakal order lagi."),
    4: ("", "Barang bagus, cuma pengirimannya agak lama.", "Sesuai foto, packing bisa lebih rapi lagi.",
        "Oke, sesuai harga."),
    3: ("Lumayan, tapi pengiriman lama.", "Barang oke, tapi chat lama dibalas.", "Warnanya agak beda dengan foto."),
    2: ("Barang tidak sesuai deskripsi.", "Pengiriman lama, seminggu baru sampai.",
        "Kosong padahal ditulis ready, nunggu lama baru dikirim."),
    1: ("Barang tidak sesuai, kecewa.", "Kosong padahal ditulis ready.", "Barang rusak waktu sampai, kemasan penyok.",
        "Chat tidak dibalas, pengiriman lama."),
}
LOW_PHOTOS, HIGH_PHOTOS = 0.5, 0.2  # share of low (1–3 star) and high reviews with pictures


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
    if kind == "image":  # a URL or a practice picture path as given, else practice photo number `photo`
        attached = ref if "://" in ref or ref.startswith(PREFIX) else photo_path(photo)
    elif kind == "product":
        attached = _item_id(state, platform, ref)
    elif kind == "order":
        attached = _order_ref(state, platform, ref, me)
    else:
        raise ValueError(f"kind must be one of {', '.join(SHOW_KINDS)}")
    conv = state.conversation_for(platform, me, name)
    return state.add_message(platform, conv["ref"], "buyer", "", kind, attached)


def listed_name(listing: dict[str, Any]) -> str:
    """A listing as a buyer names it: the product, and the variant when it has one ("Kopi Robusta 250 g")."""
    name, variant = str(listing["name"]), str(listing.get("model_name") or "")
    return f"{name} {variant}" if variant and variant not in name else name


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


def _by_id(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders in the order they were placed: update times follow the wall clock, a buyer's choice must not."""
    return sorted(orders, key=lambda o: int(o["id"]))


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
        self._arrived: dict[tuple[str, str], int] = {}  # (platform, order) -> step its parcel was seen delivered
        self._reviewable: dict[tuple[str, str], int] = {}  # of those, the ones whose buyer has not decided yet
        self._named_product = False  # whether a question named a listed product yet

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.rng = random.Random(seed)
            self._steps = 0
            self._asked.clear()
            self._arrived.clear()
            self._reviewable.clear()
            self._named_product = False

    def step(self) -> dict[str, Any]:
        """The parcels move on one step, then one buyer action: a follow-up when a question went unanswered long
        enough (sometimes), a review of an order that arrived a while ago (sometimes), otherwise order (55 %),
        ask (22 %), show a picture, product card or order card (8 %), cancel (8 %), ask the seller to cancel
        (3.5 %) or return part of a delivered order (3.5 %). Returns what happened."""
        with self._lock:
            self._steps += 1
            fulfilment.advance_shipments(self.state)
            self._note_arrivals()
            follow_up = self._follow_up()
            if follow_up is not None:
                return follow_up
            review = self._review()
            if review is not None:
                return review
            platform = self.rng.choice(self.state.channel_names)
            roll = self.rng.random()
            buyer = self.rng.randrange(len(BUYER_NAMES))
            if roll < QUESTION:
                return self._order(platform, buyer)
            if SHOW <= roll < CANCEL:
                return self._show(platform, buyer)
            if roll < CANCEL:
                text, sku = self._question(platform)
                buyer_says(self.state, platform, text, buyer)
                self._asked.setdefault((platform, buyer), self._steps)
                return {"action": "message", "platform": platform, "text": text, **({"seller_sku": sku} if sku else {})}
            if roll < ASK_CANCEL:
                return self._cancel(platform)
            if roll < RETURN:
                return self._ask_cancel(platform)
            return self._return(platform)

    def _question(self, platform: str) -> tuple[str, str]:
        """(text, seller SKU named or ""). The run's first question names a product listed there (a newcomer then
        answers about something the shop has); later ones do PRODUCT_QUESTION_SHARE of the time."""
        listed = self.state.listings(platform)
        if listed and (not self._named_product or self.rng.random() < PRODUCT_QUESTION_SHARE):
            self._named_product = True
            listing = self.rng.choice([x for x in listed if x["stock"] > 0] or listed)
            text = product_question(self.rng.choice(PRODUCT_QUESTIONS), listed_name(listing))
            return text, str(listing["seller_sku"])
        return self.rng.choice(BUYER_QUESTIONS), ""

    def _show(self, platform: str, buyer: int) -> dict[str, Any]:
        """A photo of a product listed there, that product's card, or a card of one of the buyer's orders (a product
        card when the buyer has no order there)."""
        kind = self.rng.choice(SHOW_KINDS)
        photo = self.rng.randrange(1, 100)
        listed = self.state.listings(platform)
        chosen = self.rng.choice(listed) if listed else None
        ref = chosen["item_id"] if chosen else ""
        picture = product_photo_path(chosen["seller_sku"]) if chosen else ""  # a photo of a product listed there
        try:
            message = buyer_shows(self.state, platform, kind, {"product": ref, "image": picture}.get(kind, ""),
                                  buyer, photo)
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
        """A buyer cancels an open order the seller has not started shipping (no package yet, no request open)."""
        statuses = self.state.channel(platform).statuses
        started = {p["order_ref"] for p in fulfilment.packages(self.state, platform)}
        open_orders = [o for o in _by_id(self.state.orders(platform, status=statuses.open)) if o["ref"] not in started]
        if not open_orders:
            return {"action": "none", "platform": platform, "reason": "no open order"}
        order = self.rng.choice(open_orders)
        self.state.cancel_order(platform, order["ref"], statuses.cancelled, "buyer")
        return {"action": "cancel", "platform": platform, "order": order["ref"]}

    def _ask_cancel(self, platform: str) -> dict[str, Any]:
        """A buyer asks the seller to cancel a paid order not shipped yet."""
        statuses = self.state.channel(platform).statuses
        waiting = {statuses.open, statuses.packed, statuses.arranged} - {None}
        gone = {p["order_ref"] for p in fulfilment.packages(self.state, platform)
                if p["status"] in (*fulfilment.SHIPPED_STEPS, "cancelled")}
        candidates = [o for o in _by_id(self.state.orders(platform)) if o["status"] in waiting and o["ref"] not in gone
                      and (fulfilment.cancel_request(self.state, platform, o["ref"]) or {}).get("state") != "open"]
        if not candidates:
            return {"action": "none", "platform": platform, "reason": "no order to ask about"}
        order = self.rng.choice(candidates)
        reason = self.rng.choice(CANCEL_REASONS)
        try:
            request = fulfilment.request_cancel(self.state, platform, order["ref"], reason)
        except Refused as exc:  # the seller shipped or cancelled it in between
            return {"action": "none", "platform": platform, "reason": exc.reason}
        return {"action": "ask_cancel", "platform": platform, "order": order["ref"], "request": request["ref"],
                "text": reason}

    def _return(self, platform: str) -> dict[str, Any]:
        """A buyer returns part of a delivered order: some units of one line, sometimes with pictures, sometimes
        keeping the item (refund only)."""
        asked = {r["order_ref"] for r in fulfilment.returns_page(self.state, platform, None, None, 0, -1)[0]}
        arrived = [p["order_ref"] for p in fulfilment.packages(self.state, platform)
                   if p["status"] in ("delivered", "completed") and p["order_ref"] not in asked]
        if not arrived:
            return {"action": "none", "platform": platform, "reason": "nothing delivered to return"}
        order = self.state.order(platform, self.rng.choice(arrived))
        lines = [li for li in order["lines"] if li["quantity"] > li["cancelled"]]
        if not lines:
            return {"action": "none", "platform": platform, "reason": "nothing left to return"}
        line = self.rng.choice(lines)
        quantity = self.rng.randint(1, line["quantity"] - line["cancelled"])
        photos = ([photo_path(self.rng.randrange(1, 100)) for _ in range(self.rng.randint(1, 3))]
                  if self.rng.random() < RETURN_PHOTOS else [])
        reason, note = self.rng.choice(RETURN_REASONS), self.rng.choice(RETURN_NOTES)
        keeps_item = self.rng.random() < REFUND_ONLY
        try:
            found = fulfilment.request_return(self.state, platform, order["ref"], reason, [(str(line["id"]), quantity)],
                                              photos, note, needs_item_back=not keeps_item)
        except Refused as exc:
            return {"action": "none", "platform": platform, "reason": exc.reason}
        return {"action": "return", "platform": platform, "order": order["ref"], "return": found["ref"],
                "seller_sku": line["seller_sku"], "quantity": quantity, "photos": len(photos)}

    # -- reviews ------------------------------------------------------------------------------------------------
    def _note_arrivals(self) -> None:
        """Remember the step each parcel was first seen delivered (or completed): its buyer reviews a while later."""
        for platform in self.state.channel_names:
            for step in reviews.DELIVERED_STEPS:
                for found in fulfilment.packages(self.state, platform, step):
                    key = (platform, str(found["order_ref"]))
                    if key not in self._arrived:
                        self._arrived[key] = self._steps
                        self._reviewable[key] = self._steps

    def _review(self) -> dict[str, Any] | None:
        """The buyer of the order that arrived longest ago (REVIEW_AFTER_STEPS or more) decides, sometimes: most
        review every line they received with one rating, the rest never do. None when nobody wrote."""
        due = sorted((arrived, key) for key, arrived in self._reviewable.items()
                     if self._steps - arrived >= REVIEW_AFTER_STEPS)
        if not due or self.rng.random() >= REVIEW_CHANCE:
            return None
        _arrived, (platform, ref) = due[0]
        del self._reviewable[(platform, ref)]
        if self.rng.random() >= REVIEW_SHARE:
            return None
        lines = reviews.unreviewed_lines(self.state, platform, self.state.order(platform, ref))
        if not lines:
            return None  # reviewed already (by the admin API) or nothing received
        rating = self.rng.choices(STARS, STAR_WEIGHTS)[0]
        left, pictures = [], 0
        for line in lines:
            photos = self._review_photos(rating)
            try:
                left.append(reviews.leave_review(self.state, platform, ref, rating, self.rng.choice(
                    REVIEW_WORDS[rating]), photos, str(line["id"]))["ref"])
            except Refused as exc:  # reviewed through the admin API in between
                return {"action": "none", "platform": platform, "reason": exc.reason}
            pictures += len(photos)
        return {"action": "review", "platform": platform, "order": ref, "reviews": left, "rating": rating,
                "photos": pictures}

    def _review_photos(self, rating: int) -> list[str]:
        share = LOW_PHOTOS if rating <= LOW_RATING else HIGH_PHOTOS
        if self.rng.random() >= share:
            return []
        return [photo_path(self.rng.randrange(1, 100)) for _ in range(self.rng.randint(1, 3))]

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
