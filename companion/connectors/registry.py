"""The channel registry: every channel's spec by name. Built-in channels are the subpackages of
`companion.connectors` that have a `spec` module with a `SPEC`; another one (a test's, a plugin's) calls
`register(spec)`. Nothing else in the app lists channels."""

from __future__ import annotations

import importlib
import pkgutil
import threading

from companion.connectors.spec import ChannelSpec
from companion.domain.errors import UserError
from companion.i18n import N_, tr

_lock = threading.Lock()
_specs: dict[str, ChannelSpec] = {}
_loaded = False


def _load_builtin() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        import companion.connectors as package

        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if not info.ispkg:
                continue
            try:
                module = importlib.import_module(f"{package.__name__}.{info.name}.spec")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package.__name__}.{info.name}.spec":
                    raise
                continue
            spec = getattr(module, "SPEC", None)
            if isinstance(spec, ChannelSpec):
                _specs.setdefault(spec.name, spec)
        _loaded = True


def register(spec: ChannelSpec) -> None:
    """Add a channel (tests, plugins). Registering the same name again replaces it."""
    _load_builtin()
    with _lock:
        _specs[spec.name] = spec


def unregister(name: str) -> None:
    with _lock:
        _specs.pop(name, None)


def channels() -> list[ChannelSpec]:
    """Every registered channel, in its declared order."""
    _load_builtin()
    with _lock:
        return sorted(_specs.values(), key=lambda s: (s.order, s.name))


def names() -> list[str]:
    return [spec.name for spec in channels()]


def find(name: str) -> ChannelSpec | None:
    _load_builtin()
    with _lock:
        return _specs.get(name)


def get(name: str) -> ChannelSpec:
    """The spec of a stored channel name; an unknown one (a plugin removed, a foreign file) is one sentence."""
    spec = find(name)
    if spec is None:
        raise UserError(N_("This shop belongs to a channel this version of the app does not know ({channel}): "
                           "update the app."), channel=name)
    return spec


def label(name: str) -> str:
    """A stored channel's name as people read it (its spec's label, translated); an unknown name as stored."""
    spec = find(name)
    return tr(spec.label) if spec is not None else name


def for_credentials(credentials: object) -> ChannelSpec:
    for spec in channels():
        if spec.owns(credentials):
            return spec
    raise TypeError(f"no channel for {type(credentials).__name__}")
