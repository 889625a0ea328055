"""Linking a Lazada seller: the seller's self-developed app (key and secret), the oauth page, the code exchange."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from companion.connectors.auth_flow import KEY, SECRET, AuthFlow, Field, Redirect
from companion.connectors.lazada import auth
from companion.connectors.lazada.credentials import AUTH_HOST, HOST, LazadaCredentials
from companion.domain.marketplace import TokenSet
from companion.i18n import N_


class LazadaAuthFlow(AuthFlow):
    """Lazada tokens are per seller: no shop number is needed from the redirect. State: the authorize link takes an
    optional `uuid`/state (marketplaces.md §3.3, [LZD-DOCS] seller-authorization-introduction) and our random state
    rides in `uuid`; whether the callback echoes it (as `state` or `uuid`) is UNCONFIRMED, so one that carries
    either must carry ours and one without is bound by the listener's other rules (connectors/auth_flow.py)."""

    fields = (
        Field(KEY, N_("App key")),
        Field(SECRET, N_("App secret"), secret=True),
    )
    help = N_("You need your own self-developed app on the Lazada Open Platform (open.lazada.com). App "
              "Management shows its App Key and App Secret. Put this address in the app as its callback "
              "address: {redirect}")
    echoes_state = False  # UNCONFIRMED
    state_params = ("state", "uuid")

    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        return auth.authorize_link(values[KEY], redirect_url, state=state)

    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[LazadaCredentials, TokenSet]:
        bare = LazadaCredentials(values[KEY], values[SECRET], base_url=hosts.get("lazada", HOST),
                                 auth_base_url=hosts.get("lazada_auth", AUTH_HOST))
        tokens = auth.exchange_code(bare, redirect.code)
        return replace(bare, access_token=tokens.access_token, refresh_token=tokens.refresh_token), tokens
