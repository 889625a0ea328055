"""Linking a Lazada seller: the seller's self-developed app (key and secret), the oauth page, the code exchange."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from companion.connectors.auth_flow import KEY, SECRET, AuthFlow, Field, Redirect
from companion.connectors.lazada import auth
from companion.connectors.lazada.credentials import AUTH_HOST, HOST, LazadaCredentials
from companion.domain.marketplace import TokenSet
from companion.i18n import N_

FIXED_STATE = "sellercompanion"  # Lazada's callback is not checked against a state: a fixed one marks our link


class LazadaAuthFlow(AuthFlow):
    """Lazada tokens are per seller: no shop number is needed from the redirect."""

    fields = (
        Field(KEY, N_("App key")),
        Field(SECRET, N_("App secret"), secret=True),
    )
    help = N_("You need your own self-developed app on the Lazada Open Platform (open.lazada.com). App "
              "Management shows its App Key and App Secret. Put this address in the app as its callback "
              "address: {redirect}")
    echoes_state = False

    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        return auth.authorize_link(values[KEY], redirect_url, state=FIXED_STATE)

    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[LazadaCredentials, TokenSet]:
        bare = LazadaCredentials(values[KEY], values[SECRET], base_url=hosts.get("lazada", HOST),
                                 auth_base_url=hosts.get("lazada_auth", AUTH_HOST))
        tokens = auth.exchange_code(bare, redirect.code)
        return replace(bare, access_token=tokens.access_token, refresh_token=tokens.refresh_token), tokens
