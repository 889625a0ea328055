"""The control API under /_practice/ (plain JSON, unsigned) used by tests and the app's practice mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from companion.practice import fulfilment, reviews
from companion.practice.buyers import BuyerSimulator, buyer_says, buyer_shows, place_order
from companion.practice.credentials import issue_code
from companion.practice.exchange import Reply, Request
from companion.practice.faults import Faults
from companion.practice.fulfilment import Refused
from companion.practice.network import Network
from companion.practice.photos import PREFIX, photo_for, photo_path
from companion.practice.state import NotFound, OutOfStock, PracticeState


class PracticeMarketplace(Protocol):
    """What the control API drives (server.PracticeMarketplace; named here so admin never imports the server)."""

    state: PracticeState
    faults: Faults
    network: Network
    buyers: BuyerSimulator

    def credentials(self) -> dict[str, Any]: ...

    def advance_clock(self, seconds: float) -> float: ...


class BadInput(ValueError):
    """The admin call is missing something or names an unknown platform."""


def _known(m: PracticeMarketplace, platform: str) -> str:
    names = m.state.channel_names
    if platform not in names:
        raise BadInput(f"platform must be one of {', '.join(names)}")
    return platform


def _platform(m: PracticeMarketplace, body: dict[str, Any]) -> str:
    return _known(m, str(body.get("platform", "")))


def _listing_id(m: PracticeMarketplace, body: dict[str, Any]) -> int:
    if "listing_id" in body:
        return int(body["listing_id"])
    return int(m.state.listing_by_sku(_platform(m, body), str(body["seller_sku"]))["id"])


def credentials(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    return m.credentials()


def listings(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    return {"listings": m.state.listings(body.get("platform") or None)}


def add_listing(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    return m.state.add_listing(_platform(m, body), str(body["name"]), str(body["seller_sku"]),
                               int(body.get("stock", 0)), int(body.get("price", 10000)), str(body.get("variant", "")),
                               str(body["item_id"]) if body.get("item_id") else None, str(body.get("item_sku", "")))


def remove_listing(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    m.state.remove_listing(_listing_id(m, body))
    return {"removed": True}


def set_stock(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    listing_id = _listing_id(m, body)
    stock = int(body["stock"])
    if stock < 0:
        raise BadInput("stock must be 0 or more")
    m.state.set_stock(listing_id, stock)
    return m.state.listing(listing_id)


def orders(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    return {"orders": m.state.orders(_platform(m, body))}


def create_order(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform":…, "lines":[{"seller_sku":…, "quantity":…}], "buyer": 0, "paid": true}; refused beyond the
    listing's stock. "paid": false leaves the order unpaid (the platform's own unpaid status)."""
    platform = _platform(m, body)
    lines = [(_listing_id(m, {"platform": platform, **line}), int(line.get("quantity", 1))) for line in body["lines"]]
    status = None if body.get("paid", True) else m.state.channel(platform).statuses.unpaid
    return place_order(m.state, platform, lines, int(body.get("buyer", 0)), status)


def cancel_order(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    platform = _platform(m, body)
    return m.state.cancel_order(platform, str(body["order"]), m.state.channel(platform).statuses.cancelled,
                                str(body.get("by", "buyer")))


def advance_shipments(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform"?, "everything"?}: parcels move one step (arranged → shipped once the slot started, or at once
    with everything; shipped → delivered → completed)."""
    platform = _known(m, str(body["platform"])) if body.get("platform") else None
    return {"moved": fulfilment.advance_shipments(m.state, platform, bool(body.get("everything", False)))}


def close_branch(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "branch_id", "closed"?: true}: a drop-off branch closes (or opens again with false)."""
    return {"closed": fulfilment.close_branch(m.state, _platform(m, body), str(body["branch_id"]),
                                              bool(body.get("closed", True)))}


def packages(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    return {"packages": fulfilment.packages(m.state, _platform(m, body), body.get("status") or None)}


def ask_cancel(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "order", "reason"?}: the buyer asks the seller to cancel the order."""
    return fulfilment.request_cancel(m.state, _platform(m, body), str(body["order"]),
                                     str(body.get("reason") or "Berubah pikiran"))


def _return_lines(m: PracticeMarketplace, platform: str, order_ref: str, wanted: Any) -> list[tuple[str, int]]:
    """[{"line_id" or "seller_sku", "quantity"?}] as (order line ref, quantity); none given: every unit left."""
    order = m.state.order(platform, order_ref)
    if not wanted:
        return [(str(li["id"]), li["quantity"] - li["cancelled"]) for li in order["lines"]
                if li["quantity"] > li["cancelled"]]
    found = []
    for line in wanted:
        ref = str(line.get("line_id") or next((li["id"] for li in order["lines"]
                                                if li["seller_sku"] == line.get("seller_sku")), ""))
        found.append((ref, int(line.get("quantity", 1))))
    return found


def request_return(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "order", "lines"?, "reason"?, "note"?, "photos"?: how many pictures or a list of URLs,
    "needs_item_back"?: true}: the buyer asks to return part (or all) of a delivered order."""
    platform, ref = _platform(m, body), str(body["order"])
    return fulfilment.request_return(m.state, platform, ref, str(body.get("reason") or "Barang rusak"),
                                     _return_lines(m, platform, ref, body.get("lines")), _photos(body),
                                     str(body.get("note", "")), bool(body.get("needs_item_back", True)))


def returns(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    rows, total = fulfilment.returns_page(m.state, _platform(m, body), None, None, 0, -1)
    return {"returns": rows, "total": total}


def _photos(body: dict[str, Any]) -> list[str]:
    """"photos": how many practice pictures (1, 2, …), or a list of URLs / practice photo paths."""
    wanted = body.get("photos", 0)
    return [str(x) for x in wanted] if isinstance(wanted, list) else [photo_path(n + 1) for n in range(int(wanted))]


def leave_review(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "order", "rating": 1–5, "text"?, "photos"?: how many pictures or a list of URLs, "line"?:
    order line id or seller SKU (default: the first line not reviewed)}: the buyer reviews a delivered order."""
    rating = body["rating"]
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)
    line = body.get("line")
    return reviews.leave_review(m.state, _platform(m, body), str(body["order"]), rating, str(body.get("text", "")),
                                _photos(body), str(line) if line not in (None, "") else None)


def hide_review(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "ref"}: the buyer deletes the review; it takes no reply from now on."""
    return reviews.hide(m.state, _platform(m, body), str(body["ref"]))


def reply_review(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "ref", "text", "max_length"?}: the seller answers in the platform's seller centre (not through
    the app), under the same one-reply rule."""
    return reviews.reply(m.state, _platform(m, body), str(body["ref"]), str(body["text"]),
                         int(body.get("max_length", 0)))


def list_reviews(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "order"?}: every review of the platform (or of one order), hidden ones too, oldest change first."""
    platform = _platform(m, body)
    if body.get("order"):
        rows = reviews.reviews_of_order(m.state, platform, str(body["order"]))
        return {"reviews": rows, "total": len(rows)}
    rows, total = reviews.reviews_page(m.state, platform, None, None, 0, -1)
    return {"reviews": rows, "total": total}


def add_message(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"platform", "text", "buyer"}; or {"platform", "kind": image|product|order, "ref", "buyer"}: a picture
    (ref: a URL, default a practice photo), a product card (ref: seller SKU or item id), an order card (ref: the
    order number, default the buyer's newest)."""
    platform, buyer = _platform(m, body), int(body.get("buyer", 0))
    kind = str(body.get("kind") or "text")
    if kind == "text":
        return buyer_says(m.state, platform, str(body["text"]), buyer)
    return buyer_shows(m.state, platform, kind, str(body.get("ref") or ""), buyer, int(body.get("photo", 1)))


def static(m: PracticeMarketplace, name: str) -> Reply:
    """The practice buyers' pictures (PNG drawn on request)."""
    data = photo_for(name)
    if data is None:
        return Reply(404, {"error": f"no picture {name}"})
    return Reply(200, data, {"Content-Type": "image/png", "Cache-Control": "max-age=86400"})


def messages(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    platform = _platform(m, body)
    return {"conversations": [{**c, "messages": m.state.messages(platform, c["ref"])}
                              for c in m.state.conversations(platform)]}


def faults(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    if body:
        m.faults.configure_from(body)
    return m.faults.describe()


def network(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"latency_ms": 150, "jitter_ms": 50, "seed": 1, "limits": true} (keys left out keep their value; limits go off
    only with "limits_off_for" naming a purpose in practice/network.py); answers the settings and the counts."""
    if body:
        m.network.configure(m.network.config.updated(body))
    return m.network.describe()


def buyers(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """{"seed": 1, "pace_seconds": 2} starts buyers, {"pace_seconds": 0} stops them, {"steps": 10} runs 10 now."""
    if "seed" in body:
        m.buyers.reseed(int(body["seed"]))
    done = [m.buyers.step() for _ in range(int(body.get("steps", 0)))]
    if "pace_seconds" in body:
        pace = float(body["pace_seconds"])
        if pace > 0:
            m.buyers.start(pace)
        else:
            m.buyers.stop()
    return {"running": m.buyers.running, "pace_seconds": m.buyers.pace_seconds, "steps": done}


def chat(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """Some platforms answer chat calls only for approved apps: off until switched on here.
    {"channel" (or "platform"): name, "enabled": bool} switches one; {"enabled": bool} every channel that needs
    approval."""
    needing = [name for name, c in m.state.channels.items() if c.chat_needs_approval]
    one = body.get("channel") or body.get("platform")
    if "enabled" in body:
        chosen = [_known(m, str(one))] if one else needing
        for name in chosen:
            if name not in needing:
                raise BadInput(f"{name} chat needs no approval")
            m.state.set_chat_approved(name, bool(body["enabled"]))
    approved = {name: m.state.chat_approved(name) for name in m.state.channel_names}
    return {"chat_approved": approved, **{f"{name}_chat": approved[name] for name in needing}}


def clock(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    if "advance_seconds" in body:
        m.advance_clock(float(body["advance_seconds"]))
    return {"now": m.state.now()}


def auth_code(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    """The code a seller's authorization redirect would carry (single use)."""
    return {"code": issue_code(m.state, _platform(m, body))}


def reset(m: PracticeMarketplace, body: dict[str, Any]) -> Any:
    m.buyers.stop()
    m.faults.clear()
    m.state.reset()
    for name, channel in m.state.channels.items():
        fulfilment.open_all_branches(m.state, name)
        if channel.chat_needs_approval:
            m.state.set_chat_approved(name, False)
    return {"reset": True}


ROUTES: dict[tuple[str, str], Callable[[PracticeMarketplace, dict[str, Any]], Any]] = {
    ("GET", "/credentials"): credentials,
    ("GET", "/listings"): listings,
    ("POST", "/listings"): add_listing,
    ("POST", "/listings/remove"): remove_listing,
    ("POST", "/stock"): set_stock,
    ("GET", "/orders"): orders,
    ("POST", "/orders"): create_order,
    ("POST", "/orders/cancel"): cancel_order,
    ("POST", "/orders/cancel_request"): ask_cancel,
    ("POST", "/orders/return"): request_return,
    ("GET", "/returns"): returns,
    ("POST", "/returns"): returns,
    ("GET", "/reviews"): list_reviews,
    ("POST", "/reviews"): list_reviews,
    ("POST", "/reviews/leave"): leave_review,
    ("POST", "/reviews/hide"): hide_review,
    ("POST", "/reviews/reply"): reply_review,
    ("GET", "/packages"): packages,
    ("POST", "/packages"): packages,
    ("POST", "/shipments/advance"): advance_shipments,
    ("POST", "/branches/close"): close_branch,
    ("GET", "/messages"): messages,
    ("POST", "/messages"): add_message,
    ("GET", "/faults"): faults,
    ("POST", "/faults"): faults,
    ("GET", "/network"): network,
    ("POST", "/network"): network,
    ("GET", "/buyers"): buyers,
    ("POST", "/buyers"): buyers,
    ("GET", "/chat"): chat,
    ("POST", "/chat"): chat,
    ("GET", "/clock"): clock,
    ("POST", "/clock"): clock,
    ("POST", "/auth_code"): auth_code,
    ("POST", "/reset"): reset,
}


def handle(m: PracticeMarketplace, req: Request) -> Reply:
    if req.method == "GET" and req.path.startswith("/" + PREFIX):
        return static(m, req.path[len(PREFIX) + 1:])
    route = ROUTES.get((req.method, req.path))
    if route is None:
        return Reply(404, {"error": f"unknown admin call {req.method} {req.path}", "calls": sorted(
            f"{a} {b}" for a, b in ROUTES)})
    body = req.json() if req.method == "POST" else req.params()
    if not isinstance(body, dict):
        body = {}
    try:
        return Reply(200, route(m, body))
    except OutOfStock as exc:
        return Reply(409, {"error": f"not enough stock: {exc}"})
    except Refused as exc:
        return Reply(409, {"error": f"refused: {exc}", "reason": exc.reason})
    except NotFound as exc:
        return Reply(404, {"error": f"not found: {exc}"})
    except (BadInput, KeyError, ValueError, TypeError) as exc:
        return Reply(400, {"error": f"bad input: {exc!r}"})
