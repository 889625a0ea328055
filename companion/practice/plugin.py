"""What a channel hands the practice marketplace: its routes (and, as the practice split grows, its id shapes,
statuses and credentials). The practice core knows no platform by name; each channel's practice module fills this."""

from __future__ import annotations

from typing import Protocol


class PracticeChannel(Protocol):
    """A channel's part of the practice marketplace."""

    name: str
