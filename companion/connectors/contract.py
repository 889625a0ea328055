"""Contracts: what a platform's published reference says one endpoint takes and gives, written down in our own
compact form with its source, so both sides can be checked against it — every request a connector builds and
every answer the practice marketplace gives (success and each documented error). A channel keeps its contracts in
its own package (`connectors/<name>/contracts.py`, a tuple `ENDPOINTS`); `tests/test_contracts.py` checks both sides.

Types are the JSON types the reference gives (an id the platform types as a string stays "str" even when it holds
digits). Where two pages of one platform disagree, `Endpoint.notes` says so and the contract keeps the stricter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# JSON types as the references name them; "number" takes int or float, "any" is not checked.
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "number": (int, float), "bool": (bool,), "list": (list,), "object": (dict,),
    "any": (object,),
}


@dataclass(frozen=True)
class Field:
    """One parameter or answer field. `children` describe an object's fields, or a list's items when
    `type == "list"` (its items then being objects); `item` names a list's scalar item type."""

    name: str
    type: str
    required: bool = True             # a request must send it / an answer always carries it
    low: float | None = None          # bounds for numbers, or for a string's length / a list's size
    high: float | None = None
    choices: tuple[object, ...] = ()  # the only values allowed, when the reference lists them
    item: str = ""                    # a list of scalars: their type
    children: tuple[Field, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in _TYPES or (self.item and self.item not in _TYPES):
            raise ValueError(f"{self.name}: unknown type {self.type!r}/{self.item!r}")


@dataclass(frozen=True)
class ErrorCode:
    """A documented error: the platform's code and what it means for us (one of MEANINGS)."""

    code: str
    meaning: str
    words: str = ""  # the reference's own description, shortened

    def __post_init__(self) -> None:
        if self.meaning not in MEANINGS:
            raise ValueError(f"{self.code}: meaning {self.meaning!r} is not one of {sorted(MEANINGS)}")


MEANINGS = frozenset({
    "auth_expired",   # the access token is no longer good: refresh it
    "relink",         # refreshing cannot help: the seller links the shop again
    "throttled",      # wait and try again
    "temporary",      # the platform's trouble: try again later
    "refused",        # this request is wrong or not allowed: do not repeat it as it is
    "item_refused",   # one item of a batch refused (its words kept on that item), the others went through
    "not_permitted",  # the app may not use this API for this shop (ask the platform; one sentence for the owner)
    "ip_not_allowed",  # the app key has an IP allow-list this connection is not on
    "clock",          # the request's timestamp was refused: the computer's clock is off
})


@dataclass(frozen=True)
class Endpoint:
    """One call. `path` may hold `{name}` segments. `query` and `body` are what a request may carry (required ones
    must be there, nothing unknown may be); `answer` the fields we read from a success (required ones always there);
    `errors` the documented codes and what each means for us; `source` where each fact comes from."""

    name: str
    method: str
    path: str
    source: str
    query: tuple[Field, ...] = ()
    body: tuple[Field, ...] = ()
    answer: tuple[Field, ...] = ()
    errors: tuple[ErrorCode, ...] = ()
    notes: str = ""
    extra_query: bool = False  # the platform's common parameters (signing, tokens) are checked by the client tests

    def matches(self, method: str, path: str) -> bool:
        if method.upper() != self.method.upper():
            return False
        want, have = self.path.strip("/").split("/"), path.strip("/").split("/")
        return len(want) == len(have) and all(w == h or (w.startswith("{") and w.endswith("}"))
                                              for w, h in zip(want, have, strict=True))

    def error(self, code: str) -> ErrorCode | None:
        return next((e for e in self.errors if e.code == code), None)


def find(endpoints: Sequence[Endpoint], method: str, path: str) -> Endpoint | None:
    return next((e for e in endpoints if e.matches(method, path)), None)


def check_fields(fields: Sequence[Field], value: Any, where: str, allow_unknown: bool) -> list[str]:
    """Every difference between `value` (a JSON object) and the declared fields, in plain words; empty when fine."""
    if not isinstance(value, Mapping):
        return [f"{where}: expected an object, got {type(value).__name__}"]
    problems: list[str] = []
    known = {f.name for f in fields}
    for f in fields:
        if f.name not in value or value[f.name] is None:
            if f.required:
                problems.append(f"{where}.{f.name}: missing")
            continue
        problems += _check_value(f, value[f.name], f"{where}.{f.name}")
    if not allow_unknown:
        problems += [f"{where}.{name}: not in the contract" for name in sorted(set(value) - known)]
    return problems


def _check_value(f: Field, value: Any, where: str) -> list[str]:
    if isinstance(value, bool) and f.type in ("int", "number"):
        return [f"{where}: expected {f.type}, got bool"]
    if not isinstance(value, _TYPES[f.type]):
        return [f"{where}: expected {f.type}, got {type(value).__name__} ({str(value)[:40]!r})"]
    problems: list[str] = []
    if f.choices and value not in f.choices:
        problems.append(f"{where}: {value!r} is not one of {list(f.choices)}")
    size = value if isinstance(value, int | float) and not isinstance(value, bool) else (
        len(value) if isinstance(value, str | list) else None)
    if size is not None and f.low is not None and size < f.low:
        problems.append(f"{where}: {size} is below {f.low:g}")
    if size is not None and f.high is not None and size > f.high:
        problems.append(f"{where}: {size} is above {f.high:g}")
    if f.type == "object" and f.children:
        problems += check_fields(f.children, value, where, allow_unknown=True)
    if f.type == "list" and isinstance(value, list):
        for n, item in enumerate(value):
            if f.children:
                problems += check_fields(f.children, item, f"{where}[{n}]", allow_unknown=True)
            elif f.item:
                problems += _check_value(Field(f.name, f.item), item, f"{where}[{n}]")
    return problems


@dataclass
class Exchange:
    """One request and its answer as seen on the wire (recorded at the practice marketplace)."""

    channel: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    answer: Any
    notes: list[str] = field(default_factory=list)


def check_request(endpoint: Endpoint, query: Mapping[str, str], body: Any) -> list[str]:
    """What the connector sent, against the contract (query strings arrive as text: their declared type is
    checked by parsing them)."""
    problems = []
    for f in endpoint.query:
        if f.name not in query:
            if f.required:
                problems.append(f"query.{f.name}: missing")
            continue
        problems += _check_value(f, _from_text(f, query[f.name]), f"query.{f.name}")
    if not endpoint.extra_query:
        known = {f.name for f in endpoint.query}
        problems += [f"query.{name}: not in the contract" for name in sorted(set(query) - known)]
    if endpoint.body:
        problems += check_fields(endpoint.body, body, "body", allow_unknown=False)
    return problems


def _from_text(f: Field, text: str) -> Any:
    """A query value as its declared type (a value that does not parse stays text, so the check names it)."""
    try:
        if f.type == "int":
            return int(text)
        if f.type == "number":
            return float(text)
        if f.type == "bool":
            return {"true": True, "false": False}.get(text.lower(), text)
    except ValueError:
        return text
    return text
