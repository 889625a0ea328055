"""Linking a real shop once the platform has said yes: the channel's own flow exchanges the code for tokens, then
the account is kept (key, secret and tokens in the keyring only). The GUI calls this off its thread."""

from __future__ import annotations

from collections.abc import Mapping

from companion.connectors import registry
from companion.connectors.auth_flow import AuthFlow, Redirect
from companion.domain.errors import UserError
from companion.i18n import N_
from companion.services.accounts import link_account
from companion.services.change import Change
from companion.store.database import Database


def auth_flow(channel: str) -> AuthFlow:
    """The channel's linking flow; a channel without one (files or practice only) is one sentence."""
    spec = registry.get(channel)
    if spec.auth is None:
        raise UserError(N_("This kind of online shop cannot be linked with app keys: import its order files "
                           "instead."))
    return spec.auth


def exchange_and_link(db: Database, channel: str, values: Mapping[str, str], redirect: Redirect, name: str,
                      hosts: Mapping[str, str]) -> tuple[str, Change]:
    """Code → tokens with the platform, then the account. Returns the account id and what changed."""
    flow = auth_flow(channel)
    credentials, tokens = flow.exchange(flow.check(values), redirect, hosts)
    return link_account(db, name, credentials, tokens)
