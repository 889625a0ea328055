"""What a handler sees (Request, Context) and gives back (Reply): plain data, independent of the HTTP plumbing."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from companion.practice.faults import Faults
from companion.practice.shapes import ChannelShapes
from companion.practice.state import PracticeState


@dataclass
class Request:
    method: str
    path: str  # the platform API path, after the base URL (this is what clients sign)
    query: dict[str, list[str]]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def params(self) -> dict[str, str]:
        """First value of each query parameter."""
        return {k: v[0] for k, v in self.query.items() if v}

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The JSON body, or None when it is missing or broken."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Reply:
    status: int = 200
    payload: Any = None  # JSON-able, or str/bytes sent as text
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


@dataclass
class Context:
    """One request's view of the marketplace: the record, the fault dice and the platform's name."""

    state: PracticeState
    faults: Faults
    platform: str
    host: str = ""  # the Host the client called (pictures are served from the same address)

    def fires(self, kind: str) -> bool:
        return self.faults.fires(self.platform, kind)

    def creds(self) -> dict[str, Any]:
        return dict(self.state.get_meta("credentials", {})[self.platform])

    def channel(self) -> ChannelShapes:
        """The platform's facts (token lifetimes, statuses, id shapes)."""
        return self.state.channel(self.platform)

    def chat_approved(self) -> bool:
        """False while a platform whose chat needs approval has not had it switched on (admin POST /chat)."""
        return self.state.chat_approved(self.platform)

    def served_start(self, start: int, page_size: int) -> int:
        """Where a page really starts: with the repeat_page fault it overlaps the previous page."""
        if start > 0 and self.fires("repeat_page"):
            return max(0, start - max(1, page_size // 2))
        return start


def request_id() -> str:
    return secrets.token_hex(16)


def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except ValueError:
        return None
