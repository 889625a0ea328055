"""Channel names and colours as the screens show them, all from the channel registry (no Qt): a channel added
to the registry appears in lists, charts and sentences without a change here."""

from __future__ import annotations

from collections.abc import Iterable

from companion.connectors import registry
from companion.connectors.spec import ChannelSpec
from companion.i18n import N_, tr

COUNTER_COLOR = "#1b7a43"  # the shop counter is not a channel, but charts draw it beside them
UNKNOWN_COLOR = "#777777"  # a channel this version does not know (a plugin removed): still drawn, in grey
COUNTER = "counter"


def channel_label(channel: str) -> str:
    """The short name (`spec.label`) in lists, charts and the sync strip; an unknown name stays as stored."""
    return registry.label(channel)


def channel_long_label(channel: str) -> str:
    """The long name (`spec.long_label`, with a sister brand if any): where the seller chooses a platform."""
    spec = registry.find(channel)
    return tr(spec.long_label) if spec is not None else channel


def channel_color(channel: str) -> str:
    if channel == COUNTER:
        return COUNTER_COLOR
    spec = registry.find(channel)
    return spec.color if spec is not None else UNKNOWN_COLOR


def channel_labels() -> dict[str, str]:
    """{channel name: label msgid} for every registered channel, in its declared order (filters, pickers)."""
    return {spec.name: spec.label for spec in registry.channels()}


OR = N_("{first} or {last}")
AND = N_("{first} and {last}")


def platforms_text(specs: Iterable[ChannelSpec] | None = None, *, long: bool = False, joiner: str = OR) -> str:
    """"A, B or C": the registered channels (or `specs`) in one phrase, for sentences that list the platforms;
    "your online shops" when there is none."""
    chosen = registry.channels() if specs is None else list(specs)
    labels = [tr(spec.long_label if long else spec.label) for spec in chosen]
    if len(labels) < 2:
        return labels[0] if labels else tr("your online shops")
    return tr(joiner, first=", ".join(labels[:-1]), last=labels[-1])
