"""Which channels the practice marketplace serves by default: the practice part of every registered channel.
The one place in the practice core that asks the channel registry."""

from __future__ import annotations

from companion.connectors import registry
from companion.practice.plugin import PracticeChannel


def registered_channels() -> list[PracticeChannel]:
    """Every registered channel that has a practice part, in the registry's order."""
    return [spec.practice for spec in registry.channels() if spec.practice is not None]
