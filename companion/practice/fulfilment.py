"""Shipping, labels, cancellations and returns as every practice platform has them, without any platform's shapes:
each channel's practice routes call these and translate to and from their own fields and error codes.

The rules kept here are the strict ones the platforms share: only a paid, open order ships; a pickup slot that has
started or a branch that closed is refused; a label is made asynchronously (LABEL_DELAY practice-clock seconds); a
cancelled unit goes back to the listing exactly once; a return is answered once. Raw order statuses come from the
channel's OrderStatuses; a platform without e.g. a `packed` status keeps the status the order had.
The records (packages, cancel_requests, returns, return_lines) live in the practice record (state.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from companion.practice.label_pdf import Label, label_pdf
from companion.practice.state import NotFound, PracticeState

REASONS = frozenset({
    "not_found", "unpaid", "cancelled", "already_arranged", "slot_expired", "branch_closed", "bad_address",
    "bad_provider", "tracking_required", "not_packed", "already_shipped", "label_not_ready", "request_not_open",
    "return_not_open", "amount_too_high", "bad_lines"})
METHODS = ("pickup", "dropoff", "own_courier")
JAKARTA = timezone(timedelta(hours=7))
SLOT_HOURS = ((9, 12), (13, 17))       # pickup windows, Asia/Jakarta
SLOT_DAYS = 3                          # slots offered for the next three days of the practice clock
LABEL_DELAY = 2.0                      # practice-clock seconds a label takes to make
ANSWER_SECONDS = 2 * 86400             # a buyer's cancel request or return waits this long for the seller
PICKUP_ADDRESSES = (
    ("4001", "Jl. Melati No. 12, Kebayoran Baru, Jakarta Selatan, DKI Jakarta 12130"),
    ("4002", "Ruko Sentra Niaga Blok B-7, Cikarang Utara, Bekasi, Jawa Barat 17530"),
)
BRANCHES = (
    ("5001", "Drop Point Kebayoran", "Jl. Kyai Maja No. 8, Jakarta Selatan"),
    ("5002", "Drop Point Tebet", "Jl. Tebet Raya No. 41, Jakarta Selatan"),
    ("5003", "Drop Point Cikarang", "Jl. Raya Industri No. 3, Bekasi"),
)
PROVIDERS = ("J&T Express", "JNE", "SiCepat", "Ninja Xpress")
CITIES = ("Jakarta Selatan", "Bandung", "Surabaya", "Medan", "Yogyakarta", "Semarang", "Makassar", "Denpasar",
          "Malang", "Bekasi")
# A package's own steps (platform-neutral); the order's raw status follows through OrderStatuses.
SHIPPED_STEPS = ("shipped", "delivered", "completed")
NEXT_STEP = {"arranged": "shipped", "shipped": "delivered", "delivered": "completed"}
RETURN_STATES = ("requested", "accepted", "refused", "refunded", "closed")


class Refused(Exception):
    """The platform refuses the call; `reason` (one of REASONS) is what each platform's route maps to its own
    error code and words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown refusal {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# -- reading ---------------------------------------------------------------------------------------------------
def _order(state: PracticeState, platform: str, order_ref: str) -> dict[str, Any]:
    try:
        return state.order(platform, order_ref)
    except NotFound:
        raise Refused("not_found", f"order {order_ref}") from None


def _raw(state: PracticeState, platform: str, step: str) -> str | None:
    """The platform's raw status for a step, None when it has none (the order keeps its status)."""
    return getattr(state.channel(platform).statuses, step, None)


def buyer_city(order: dict[str, Any]) -> str:
    """The practice buyer's city: always the same one for the same buyer."""
    key = str(order.get("buyer_id", ""))
    return CITIES[(int(key) if key.isdigit() else sum(map(ord, key))) % len(CITIES)]


def package(state: PracticeState, platform: str, package_ref: str) -> dict[str, Any]:
    found = state.records("packages", platform=platform, ref=package_ref)
    if not found:
        raise Refused("not_found", f"package {package_ref}")
    return _package_view(state, found[0])


def package_of_order(state: PracticeState, platform: str, order_ref: str) -> dict[str, Any] | None:
    found = state.records("packages", platform=platform, order_ref=order_ref)
    return _package_view(state, found[0]) if found else None


def packages(state: PracticeState, platform: str, status: str | None = None) -> list[dict[str, Any]]:
    """A platform's packages in the order they were made (only those at `status` when given)."""
    equals: dict[str, Any] = {"platform": platform, **({"status": status} if status else {})}
    rows = state.records("packages", **equals)
    return [_package_view(state, row) for row in rows]


def _package_view(state: PracticeState, row: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in row.items() if k not in ("id", "platform", "document_requested")}
    view["document"] = _document_state(state, row)
    return view


# -- shipping options ------------------------------------------------------------------------------------------
def slots(now: float) -> list[dict[str, Any]]:
    """Pickup slots not yet started within the next SLOT_DAYS days: 09:00–12:00 and 13:00–17:00 Jakarta time."""
    today = datetime.fromtimestamp(now, JAKARTA).replace(hour=0, minute=0, second=0, microsecond=0)
    found = []
    for day in range(SLOT_DAYS + 1):
        for start_hour, end_hour in SLOT_HOURS:
            start = int((today + timedelta(days=day, hours=start_hour)).timestamp())
            end = int((today + timedelta(days=day, hours=end_hour)).timestamp())
            if now < start <= now + SLOT_DAYS * 86400:
                found.append({"id": str(start), "start": start, "end": end})
    return found


def _closed_key(platform: str) -> str:
    return f"practice:closed_branches:{platform}"


def close_branch(state: PracticeState, platform: str, branch_id: str, closed: bool = True) -> list[str]:
    """The admin closes (or opens again) a drop-off branch; the branches closed now."""
    state.channel(platform)
    now_closed = set(state.get_meta(_closed_key(platform), []))
    (now_closed.add if closed else now_closed.discard)(branch_id)
    state.set_meta(_closed_key(platform), sorted(now_closed))
    return sorted(now_closed)


def open_all_branches(state: PracticeState, platform: str) -> None:
    """Every branch open again (the admin's reset)."""
    state.set_meta(_closed_key(platform), [])


def providers(state: PracticeState, platform: str) -> list[str]:
    courier = state.channel(platform).courier
    return [courier, *(p for p in PROVIDERS if p != courier)]


def shipping_options(state: PracticeState, platform: str, order_ref: str) -> dict[str, Any]:
    """What the platform offers for one order now: pickup addresses with their slots, open branches, providers
    and the courier it assigns."""
    _order(state, platform, order_ref)
    offered = slots(state.now())
    closed = set(state.get_meta(_closed_key(platform), []))
    courier = state.channel(platform).courier
    return {"addresses": [{"id": i, "text": t, "slots": [dict(s) for s in offered]} for i, t in PICKUP_ADDRESSES],
            "branches": [{"id": i, "name": f"{courier} {n}", "address": a} for i, n, a in BRANCHES
                         if i not in closed],
            "providers": providers(state, platform), "courier": courier}


# -- pack and arrange ------------------------------------------------------------------------------------------
def _check_shippable(state: PracticeState, platform: str, order: dict[str, Any],
                     existing: dict[str, Any] | None) -> None:
    """Refuse an order that cannot be arranged now: unpaid, cancelled, being cancelled, or arranged already."""
    statuses = state.channel(platform).statuses
    if order["status"] == statuses.cancelled or (existing and existing["status"] == "cancelled"):
        raise Refused("cancelled", order["ref"])
    if order["status"] == statuses.unpaid:
        raise Refused("unpaid", order["ref"])
    if _open_request(state, platform, order["ref"]) is not None:
        raise Refused("cancelled", f"{order['ref']}: the buyer asked to cancel")
    if existing is not None and existing["status"] in SHIPPED_STEPS:
        raise Refused("already_shipped", order["ref"])
    if existing is not None and existing["status"] != "packed":
        raise Refused("already_arranged", order["ref"])
    if order["status"] not in {statuses.open, statuses.packed}:
        raise Refused("already_arranged", f"{order['ref']} is {order['status']}")


def _provider(state: PracticeState, platform: str, provider: str) -> str:
    if not provider:
        return state.channel(platform).courier
    if provider not in providers(state, platform):
        raise Refused("bad_provider", provider)
    return provider


def _new_package(state: PracticeState, platform: str, order_ref: str, values: dict[str, Any]) -> None:
    channel = state.channel(platform)
    number = state.count_up(platform, "package")
    tracking = state.count_up(platform, "tracking")
    now = state.now()
    state.add_record("packages", {
        "platform": platform, "ref": f"{channel.package_prefix}{7_100_000_000_000 + number}", "order_ref": order_ref,
        "tracking": f"{channel.tracking_prefix}{300_000_000_000 + tracking}", "created": now, "updated": now,
        **values})


def pack(state: PracticeState, platform: str, order_ref: str, provider: str = "") -> dict[str, Any]:
    """Pack an order (a platform's first step before ready-to-ship): a package with status "packed", the
    provider's tracking number, and the order at the platform's packed status."""
    with state.locked():
        order = _order(state, platform, order_ref)
        existing = package_of_order(state, platform, order_ref)
        _check_shippable(state, platform, order, existing)
        if existing is not None:
            raise Refused("already_arranged", f"{order_ref} is packed")
        courier = _provider(state, platform, provider)
        _new_package(state, platform, order_ref, {"provider": courier, "courier": courier, "status": "packed"})
        state.set_order_status(platform, order_ref, _raw(state, platform, "packed"))
        return package_of_order(state, platform, order_ref) or {}


def _pickup(state: PracticeState, address_id: str, slot_id: str) -> dict[str, Any]:
    if address_id and address_id not in {i for i, _ in PICKUP_ADDRESSES}:
        raise Refused("bad_address", address_id)
    offered = {s["id"]: s for s in slots(state.now())}
    if not slot_id:
        slot_id = min(offered, key=lambda k: offered[k]["start"])
    if slot_id not in offered:
        raise Refused("slot_expired", slot_id)
    slot = offered[slot_id]
    return {"address_id": address_id or PICKUP_ADDRESSES[0][0], "slot_id": slot_id, "slot_start": slot["start"],
            "slot_end": slot["end"]}


def _dropoff(state: PracticeState, platform: str, branch_id: str) -> dict[str, Any]:
    closed = set(state.get_meta(_closed_key(platform), []))
    open_ids = [i for i, _, _ in BRANCHES if i not in closed]
    if not branch_id and open_ids:
        branch_id = open_ids[0]
    if branch_id not in open_ids:
        raise Refused("branch_closed", branch_id)
    return {"branch_id": branch_id}


def _how(state: PracticeState, platform: str, method: str, address_id: str, slot_id: str, branch_id: str,
         tracking: str) -> dict[str, Any]:
    """The package fields a method sets, or the refusal of a bad choice."""
    if method == "pickup":
        return _pickup(state, address_id, slot_id)
    if method == "dropoff":
        return _dropoff(state, platform, branch_id)
    if method == "own_courier":
        if not tracking.strip():
            raise Refused("tracking_required")
        return {"tracking": tracking.strip()}
    raise ValueError(f"method must be one of {', '.join(METHODS)}")


def arrange(state: PracticeState, platform: str, order_ref: str, method: str, *, address_id: str = "",
            slot_id: str = "", branch_id: str = "", provider: str = "", tracking: str = "", courier: str = "",
            require_packed: bool = False) -> dict[str, Any]:
    """Arrange the shipment: pickup at an address in a slot (empty: the first address, the earliest slot),
    drop-off at a branch (empty: the first open one) or the seller's own courier with a tracking number. The
    order moves to the platform's arranged status. `require_packed`: the platform wants `pack` first."""
    with state.locked():
        order = _order(state, platform, order_ref)
        existing = package_of_order(state, platform, order_ref)
        _check_shippable(state, platform, order, existing)
        if require_packed and existing is None:
            raise Refused("not_packed", order_ref)
        values = _how(state, platform, method, address_id, slot_id, branch_id, tracking)
        chosen = _provider(state, platform, provider or (existing or {}).get("provider", ""))
        values.update(method=method, provider=chosen, status="arranged", updated=state.now(),
                      courier=(courier.strip() or chosen) if method == "own_courier" else chosen)
        if existing is None:
            _new_package(state, platform, order_ref, values)
        else:
            state.change_records("packages", values, platform=platform, ref=existing["ref"])
        state.set_order_status(platform, order_ref, _raw(state, platform, "arranged"))
        return package_of_order(state, platform, order_ref) or {}


# -- labels ----------------------------------------------------------------------------------------------------
def _document_state(state: PracticeState, row: dict[str, Any]) -> str:
    asked = row.get("document_requested")
    if asked is None:
        return "none"
    return "ready" if state.now() >= float(asked) + LABEL_DELAY else "processing"


def request_document(state: PracticeState, platform: str, package_ref: str) -> dict[str, Any]:
    """Ask for the package's label; it is ready LABEL_DELAY seconds later. Asking again changes nothing."""
    with state.locked():
        found = package(state, platform, package_ref)
        if found["status"] == "cancelled":
            raise Refused("cancelled", package_ref)
        if found["document"] == "none":
            state.change_records("packages", {"document_requested": state.now()}, platform=platform,
                                 ref=package_ref)
        return package(state, platform, package_ref)


def document_status(state: PracticeState, platform: str, package_ref: str) -> str:
    """"processing" or "ready"; a label never asked for is refused as not ready."""
    found = package(state, platform, package_ref)
    if found["document"] == "none":
        raise Refused("label_not_ready", f"no label asked for {package_ref}")
    return str(found["document"])


def document_pdf(state: PracticeState, platform: str, package_ref: str) -> bytes:
    """The label as a one-page 100×150 mm PDF, once ready."""
    if document_status(state, platform, package_ref) != "ready":
        raise Refused("label_not_ready", package_ref)
    found = package(state, platform, package_ref)
    if found["status"] == "cancelled":
        raise Refused("cancelled", package_ref)
    order = _order(state, platform, found["order_ref"])
    return label_pdf(Label(
        courier=found["courier"], tracking=found["tracking"], order_ref=order["ref"], buyer=order["buyer_name"],
        city=buyer_city(order), service=_service(found),
        items=tuple((_line_name(li), li["quantity"] - li["cancelled"]) for li in order["lines"]
                    if li["quantity"] > li["cancelled"])))


def _line_name(line: dict[str, Any]) -> str:
    return f"{line['name']} - {line['model_name']}" if line["model_name"] else str(line["name"])


def _service(found: dict[str, Any]) -> str:
    if found["method"] == "pickup" and found["slot_start"]:
        start = datetime.fromtimestamp(found["slot_start"], JAKARTA)
        return f"Pickup {start:%d-%m %H:%M}"
    return {"dropoff": "Drop-off", "own_courier": "Kurir sendiri"}.get(found["method"], "")


# -- the parcels move on ---------------------------------------------------------------------------------------
def advance_shipments(state: PracticeState, platform: str | None = None, everything: bool = False) -> int:
    """Move parcels one step: arranged → shipped once the pickup slot started (drop-off and own courier: at
    the next call; everything=True: at once), shipped → delivered → completed on later calls. Cancel requests
    left unanswered past their deadline are accepted (as the platforms do) and accepted returns get refunded.
    Each move bumps the order's update_time. Returns how many things moved."""
    moved = 0
    with state.locked():
        for name in [platform] if platform else list(state.channel_names):
            moved += _advance_packages(state, name, everything)
            moved += _expire_requests(state, name)
            moved += _refund_accepted(state, name)
    return moved


def _advance_packages(state: PracticeState, platform: str, everything: bool) -> int:
    moved, now = 0, state.now()
    waiting = {r["order_ref"] for r in state.records("cancel_requests", platform=platform, state="open")}
    moving = [row for status in NEXT_STEP for row in state.records("packages", platform=platform, status=status)]
    for row in sorted(moving, key=lambda r: int(r["id"])):
        step = NEXT_STEP[row["status"]]
        if row["order_ref"] in waiting or (
                row["status"] == "arranged" and not everything and row["slot_start"] > now):
            continue  # a parcel whose buyer asked to cancel waits for the seller's answer
        state.change_records("packages", {"status": step, "updated": now}, id=row["id"])
        state.set_order_status(platform, row["order_ref"], _raw(state, platform, step))
        moved += 1
    return moved


def _expire_requests(state: PracticeState, platform: str) -> int:
    late = [r for r in state.records("cancel_requests", platform=platform, state="open")
            if r["answer_by"] <= state.now()]
    for request in late:
        answer_cancel(state, platform, request["order_ref"], True)
    return len(late)


def _refund_accepted(state: PracticeState, platform: str) -> int:
    accepted = state.records("returns", platform=platform, state="accepted")
    for row in accepted:
        state.change_records("returns", {"state": "refunded", "updated": state.now(),
                                         "refund": row["refund"] or row["amount"]}, id=row["id"])
    return len(accepted)


# -- cancelling ------------------------------------------------------------------------------------------------
def _check_cancellable(state: PracticeState, platform: str, order: dict[str, Any]) -> None:
    statuses = state.channel(platform).statuses
    if order["status"] == statuses.cancelled:
        raise Refused("cancelled", order["ref"])
    found = package_of_order(state, platform, order["ref"])
    shipped_raw = {_raw(state, platform, s) for s in SHIPPED_STEPS} - {None}
    if (found is not None and found["status"] in SHIPPED_STEPS) or order["status"] in shipped_raw:
        raise Refused("already_shipped", order["ref"])


def _cancel_whole(state: PracticeState, platform: str, order_ref: str, reason: str, by: str) -> None:
    state.cancel_order(platform, order_ref, state.channel(platform).statuses.cancelled, by, reason)
    state.change_records("packages", {"status": "cancelled", "updated": state.now()}, platform=platform,
                         order_ref=order_ref)


def _checked_lines(order: dict[str, Any], lines: Iterable[tuple[str, int]]) -> dict[int, int]:
    """Units per order line id, refused as bad_lines beyond what each line has left (or for another order's)."""
    left = {int(li["id"]): li["quantity"] - li["cancelled"] for li in order["lines"]}
    wanted: dict[int, int] = {}
    for line_ref, quantity in lines:
        key = int(line_ref) if str(line_ref).isdigit() else -1
        if key not in left or int(quantity) < 1:
            raise Refused("bad_lines", f"line {line_ref} x {quantity}")
        wanted[key] = wanted.get(key, 0) + int(quantity)
        if wanted[key] > left[key]:
            raise Refused("bad_lines", f"line {line_ref}: {wanted[key]} > {left[key]}")
    return wanted


def seller_cancel(state: PracticeState, platform: str, order_ref: str, reason: str,
                  lines: list[tuple[str, int]] | None = None, by: str = "seller") -> dict[str, Any]:
    """Cancel the whole order (lines None or empty) or some units of some lines ((order line ref, quantity));
    every cancelled unit goes back to its listing once. Cancelling every unit left cancels the order."""
    with state.locked():
        order = _order(state, platform, order_ref)
        _check_cancellable(state, platform, order)
        if lines:
            for line_id, units in _checked_lines(order, lines).items():
                state.cancel_units(platform, order_ref, line_id, units)
            order = state.order(platform, order_ref)
            if any(li["quantity"] > li["cancelled"] for li in order["lines"]):
                return order
        _cancel_whole(state, platform, order_ref, reason, by)
        state.change_records("cancel_requests", {"state": "accepted", "updated": state.now()}, platform=platform,
                             order_ref=order_ref, state="open")
        return state.order(platform, order_ref)


def _open_request(state: PracticeState, platform: str, order_ref: str) -> dict[str, Any] | None:
    found = state.records("cancel_requests", platform=platform, order_ref=order_ref, state="open")
    return found[0] if found else None


def _request_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"ref": row["ref"], "order_ref": row["order_ref"], "reason": row["reason"], "created": row["created"],
            "answer_by": row["answer_by"], "state": row["state"]}


def request_cancel(state: PracticeState, platform: str, order_ref: str, reason: str) -> dict[str, Any]:
    """A buyer asks to cancel a paid order not shipped yet; the seller answers before answer_by. The order
    moves to the platform's in-cancel status where it has one. Asking twice gives the open request."""
    with state.locked():
        order = _order(state, platform, order_ref)
        _check_cancellable(state, platform, order)
        if order["status"] == state.channel(platform).statuses.unpaid:
            raise Refused("unpaid", order_ref)
        existing = _open_request(state, platform, order_ref)
        if existing is not None:
            return _request_view(existing)
        now = state.now()
        number = state.count_up(platform, "cancel_request")
        state.add_record("cancel_requests", {
            "platform": platform, "ref": str(3_000_000_000 + number), "order_ref": order_ref, "reason": reason,
            "state": "open", "prev_status": order["status"], "created": now, "answer_by": now + ANSWER_SECONDS,
            "updated": now})
        state.set_order_status(platform, order_ref, _raw(state, platform, "in_cancel"))
        return cancel_request(state, platform, order_ref) or {}


def cancel_request(state: PracticeState, platform: str, order_ref: str) -> dict[str, Any] | None:
    """The order's newest buyer cancel request, whatever its state; None when the buyer never asked."""
    found = state.records("cancel_requests", newest_first=True, platform=platform, order_ref=order_ref)
    return _request_view(found[0]) if found else None


def answer_cancel(state: PracticeState, platform: str, order_ref: str, accept: bool) -> dict[str, Any]:
    """Accept (the order is cancelled, its stock back once) or refuse (the order goes on as it was)."""
    with state.locked():
        request = _open_request(state, platform, order_ref)
        if request is None:
            raise Refused("request_not_open", order_ref)
        state.change_records("cancel_requests", {"state": "accepted" if accept else "refused",
                                                 "updated": state.now()}, id=request["id"])
        if accept:
            _cancel_whole(state, platform, order_ref, request["reason"], "buyer")
        else:
            in_cancel = _raw(state, platform, "in_cancel")
            order = _order(state, platform, order_ref)
            back = request["prev_status"] if in_cancel and order["status"] == in_cancel else None
            state.set_order_status(platform, order_ref, back)
        return cancel_request(state, platform, order_ref) or {}


# -- returns ---------------------------------------------------------------------------------------------------
def _returnable(state: PracticeState, platform: str, order: dict[str, Any]) -> dict[int, int]:
    """Units per line a buyer may still ask to return: delivered, not cancelled, not in another live return."""
    found = package_of_order(state, platform, order["ref"])
    if found is None or found["status"] not in ("delivered", "completed"):
        raise Refused("return_not_open", f"{order['ref']} is not delivered")
    left = {int(li["id"]): li["quantity"] - li["cancelled"] for li in order["lines"]}
    for row in state.records("returns", platform=platform, order_ref=order["ref"]):
        if row["state"] in ("refused", "closed"):
            continue
        for line in state.records("return_lines", return_id=row["id"]):
            left[int(line["line_id"])] -= int(line["quantity"])
    return left


def request_return(state: PracticeState, platform: str, order_ref: str, reason: str, lines: list[tuple[str, int]],
                   photos: Iterable[str] = (), note: str = "", needs_item_back: bool = True) -> dict[str, Any]:
    """A buyer asks to return some units of a delivered order ((order line ref, quantity)), with the reason,
    pictures (URLs or practice photo paths) and a note; the seller answers before answer_by."""
    with state.locked():
        order = _order(state, platform, order_ref)
        left = _returnable(state, platform, order)
        wanted = _checked_lines({**order, "lines": [{**li, "quantity": left[int(li["id"])], "cancelled": 0}
                                                    for li in order["lines"]]}, lines)
        if not wanted:
            raise Refused("bad_lines", "no line to return")
        price = {int(li["id"]): int(li["price"]) for li in order["lines"]}
        now = state.now()
        ref = str(2_000_000_000 + state.count_up(platform, "return"))
        return_id = state.add_record("returns", {
            "platform": platform, "ref": ref, "order_ref": order_ref, "state": "requested", "reason": reason,
            "note": note, "photos": json.dumps(list(photos)), "amount": sum(price[k] * q for k, q in wanted.items()),
            "needs_item_back": int(needs_item_back), "created": now, "updated": now, "answer_by": now + ANSWER_SECONDS})
        for line_id, quantity in wanted.items():
            state.add_record("return_lines", {"return_id": return_id, "line_id": line_id, "quantity": quantity})
        state.set_order_status(platform, order_ref)
        return return_(state, platform, ref)


def return_(state: PracticeState, platform: str, ref: str) -> dict[str, Any]:
    found = state.records("returns", platform=platform, ref=ref)
    if not found:
        raise Refused("not_found", f"return {ref}")
    return _return_view(state, platform, found[0])


def _return_view(state: PracticeState, platform: str, row: dict[str, Any]) -> dict[str, Any]:
    order = state.order(platform, row["order_ref"])
    by_id = {int(li["id"]): li for li in order["lines"]}
    lines = []
    for line in state.records("return_lines", return_id=row["id"]):
        li = by_id[int(line["line_id"])]
        lines.append({"line_ref": str(li["id"]), "item_id": li["item_id"], "model_id": li["model_id"],
                      "seller_sku": li["seller_sku"], "name": _line_name(li), "quantity": line["quantity"],
                      "price": li["price"]})
    return {"ref": row["ref"], "order_ref": row["order_ref"], "state": row["state"], "reason": row["reason"],
            "note": row["note"], "photos": json.loads(row["photos"]), "lines": lines, "amount": row["amount"],
            "refund": row["refund"], "answer_reason": row["answer_reason"], "created": row["created"],
            "updated": row["updated"], "answer_by": row["answer_by"], "needs_item_back": bool(row["needs_item_back"])}


def returns_page(state: PracticeState, platform: str, updated_from: float | None, updated_to: float | None,
                 offset: int = 0, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """Returns updated within [updated_from, updated_to] in (updated, id) order: one page and the total."""
    rows, total = state.returns_between(platform, updated_from, updated_to, offset, limit)
    return [_return_view(state, platform, row) for row in rows], total


def answer_return(state: PracticeState, platform: str, ref: str, action: str, amount: int = 0,
                  reason: str = "") -> dict[str, Any]:
    """The seller's answer to a requested return: accept (the item comes back, then the refund; a refund-only
    return is refunded at once), refuse with a reason, or a partial refund of 1..amount asked."""
    with state.locked():
        found = return_(state, platform, ref)
        if found["state"] != "requested":
            raise Refused("return_not_open", f"return {ref} is {found['state']}")
        values: dict[str, Any] = {"updated": state.now(), "answer_reason": reason}
        if action == "accept":
            values.update(state="accepted" if found["needs_item_back"] else "refunded", refund=found["amount"])
        elif action == "refuse":
            values.update(state="refused")
        elif action == "partial_refund":
            if not 0 < int(amount) <= found["amount"]:
                raise Refused("amount_too_high", f"{amount} of {found['amount']}")
            values.update(state="refunded", refund=int(amount))
        else:
            raise ValueError("action must be accept, refuse or partial_refund")
        state.change_records("returns", values, platform=platform, ref=ref)
        state.set_order_status(platform, found["order_ref"])
        return return_(state, platform, ref)
