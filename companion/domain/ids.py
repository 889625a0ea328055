"""Record ids: UUIDs made on the laptop, ordered by time (UUID version 7, RFC 9562).

Every record gets a UUID at creation so records from several laptops (and retries) never collide.
Time-ordered ids keep each new row at the right-hand end of its indexes, so saving a sale dirties a
few pages instead of one random page per index: the cashier's Enter waits on every page written.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id() -> str:
    """A UUIDv7 string; ids made later in this process always sort after earlier ones."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:  # same millisecond (or the clock stepped back): keep order with a counter
            ms = _last_ms
            _counter += 1
        else:
            _counter = 0
        _last_ms = ms
        counter = _counter & 0xFFF
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand
    text = f"{value:032x}"  # str(uuid.UUID(int=value)) without building the object: a page of orders makes hundreds
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_ids(count: int) -> list[str]:
    """`count` UUIDv7 strings made at once, in increasing order and after every id made before: a page of
    orders needs hundreds, and one clock read and one random read serve them all."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        counter = -1
        if ms <= _last_ms:
            ms, counter = _last_ms, _counter  # above 0xFFF (new_id wrapped): the loop moves to the next ms
        stamps = []
        for _ in range(count):
            counter += 1
            if counter > 0xFFF:  # more ids than the counter holds in one millisecond: borrow the next one
                ms, counter = ms + 1, 0
            stamps.append((ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62)
        if count:
            _last_ms, _counter = ms, counter
    noise = os.urandom(8 * count)
    out = []
    for n, head in enumerate(stamps):
        text = f"{head | int.from_bytes(noise[8 * n:8 * n + 8], 'big') & ((1 << 62) - 1):032x}"
        out.append(f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}")
    return out


# Fixed for ever: changing it would give every outside fact already recorded a second id.
FACT_NAMESPACE = uuid.UUID("5c0b6a52-7d1e-4f43-9b2a-3e8f0d6c1a74")


def fact_id(key: str) -> str:
    """The id of an outside fact (an order line taken, a platform order), made from its key (UUID version 5,
    RFC 9562 §5.5): every laptop that records the same fact gives it the same id, so the hub's union by id keeps
    one row where random ids would keep two."""
    return str(uuid.uuid5(FACT_NAMESPACE, key))
