"""Every registered channel's spec is whole and agrees with its own connector; the registry finds the built-in ones
by their packages and takes an added one without any shared list."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest
from fourth_channel.spec import SPEC as FOURTH

from companion.connectors import registry
from companion.connectors.base import Connector, Credentials
from companion.connectors.spec import ChannelSpec
from companion.domain.errors import UserError
from companion.i18n import catalog

BUILT_IN = [spec.name for spec in registry.channels()]


def test_the_built_in_channels_are_found_by_their_packages() -> None:
    assert len(BUILT_IN) >= 3 and len(set(BUILT_IN)) == len(BUILT_IN)
    assert [s.order for s in registry.channels()] == sorted(s.order for s in registry.channels())


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_spec_is_whole_and_agrees_with_its_connector(name: str) -> None:
    spec = registry.get(name)
    made = spec.connector(_sample_credentials(spec), None, lambda: None)  # type: ignore[arg-type,return-value]
    assert isinstance(made, Connector) and made.channel == name
    assert type(made).capabilities == spec.capabilities  # the engine runs what both declare
    for msgid in (spec.label, spec.long_label, spec.practice_name):
        assert catalog("id").get(msgid) and catalog("en").get(msgid), msgid
    assert spec.color.startswith("#") and len(spec.color) == 7
    assert set(spec.real_hosts) <= {f.name for f in fields(spec.credentials_type)}
    assert all(host.startswith("https://") for host in spec.real_hosts.values())
    assert spec.practice is not None and spec.practice.name == name
    assert spec.reply_rule is not None and spec.export_layouts and spec.auth is not None
    assert all(layout.channel == name for layout in spec.export_layouts)


def _sample_credentials(spec: ChannelSpec) -> Credentials:
    """The credentials type filled with harmless values (ints where the field is an int)."""
    assert is_dataclass(spec.credentials_type)
    values = {f.name: 1 if f.type in ("int", int) else "x" for f in fields(spec.credentials_type)
              if f.name not in ("base_url", "auth_base_url")}
    made: Credentials = spec.credentials_type(**values, base_url="https://127.0.0.1:9")
    assert isinstance(made, Credentials)
    return made


def test_credentials_go_to_the_keyring_as_json_and_come_back() -> None:
    for spec in registry.channels():
        creds = _sample_credentials(spec)
        assert spec.credentials_from_json(spec.credentials_to_json(creds)) == creds
        assert registry.for_credentials(creds) is spec


def test_an_added_channel_is_listed_after_the_built_in_ones_and_goes_away() -> None:
    registry.register(FOURTH)
    try:
        assert registry.names() == [*BUILT_IN, FOURTH.name]
        assert registry.label(FOURTH.name) == FOURTH.label
    finally:
        registry.unregister(FOURTH.name)
    assert registry.names() == BUILT_IN


def test_an_unknown_stored_channel_is_one_sentence() -> None:
    with pytest.raises(UserError) as caught:
        registry.get("pasar-lama")
    assert "(pasar-lama)" in caught.value.message() and caught.value.message().endswith("perbarui aplikasinya.")
    assert registry.label("pasar-lama") == "pasar-lama"
