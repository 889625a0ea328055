"""A shop's long walk in words for the sync strip: "Shopee · Toko Maju: 3.200 pesanan · ±1 menit lagi".

Numbers and spans go through Babel (the shop's Indonesian formats in both languages). Which walks are shown at all
(none shorter than SHOW_AFTER, none finished) is the bridge's (`SyncBridge.walks`); this module only words them.
"""

from __future__ import annotations

import math
from datetime import timedelta

from companion.domain.money import format_quantity
from companion.gui.durations import span_text
from companion.i18n import babel_locale, tr
from companion.sync.progress import ShopProgress

SHOW_AFTER = 2.0      # seconds a walk runs before the strip mentions it: a normal round's few pages never flicker
ALMOST_DONE = 10.0    # below this many seconds left the estimate is "almost done", not a count that jumps


def left_text(seconds: float) -> str:
    """The estimate rounded the way a person says it: "sebentar lagi", "±40 detik lagi", "±3 menit lagi",
    "±1 jam 20 menit lagi" (up to the next 10 s below 55 s, else to the nearest minute)."""
    if seconds < ALMOST_DONE:
        return tr("almost done")
    if seconds < 55:
        from babel.dates import format_timedelta  # imported on first use: not needed to open the window

        shown = timedelta(seconds=min(50, math.ceil(seconds / 10) * 10))
        return tr("about {time} left", time=format_timedelta(shown, threshold=1, locale=babel_locale()))
    minutes = max(1, round(seconds / 60))
    return tr("about {time} left", time=span_text(timedelta(minutes=minutes), units=2))


def count_text(progress: ShopProgress) -> str:
    """What the walk has recorded so far, in the words of its phase."""
    count = format_quantity(progress.recorded)
    if progress.phase == "listings":
        return tr("1 listing") if progress.recorded == 1 else tr("{count} listings", count=count)
    return tr("1 order") if progress.recorded == 1 else tr("{count} orders", count=count)


def progress_line(shop: str, progress: ShopProgress) -> str:
    """One shop's line; the estimate only when the engine has one (a pace needs a few pages first)."""
    text = tr("{shop}: {count}", shop=shop, count=count_text(progress))
    if progress.seconds_left is None:
        return text
    return f"{text} · {left_text(progress.seconds_left)}"
