"""Linking a TikTok Shop (and Tokopedia) shop: the seller's self-developed app (key, secret, service id), the
authorize page (which echoes our state), the code exchange, then the authorised shop's cipher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from companion.connectors.auth_flow import KEY, SECRET, AuthFlow, Field, Redirect
from companion.connectors.tiktok import auth
from companion.connectors.tiktok.credentials import AUTH_HOST, HOST, TikTokCredentials
from companion.domain.errors import UserError
from companion.domain.marketplace import TokenSet
from companion.i18n import N_

SERVICE_ID = "service_id"


class TikTokAuthFlow(AuthFlow):
    """The permission link needs the app's Service ID. State: the authorize link takes an optional `state` and the
    redirect is `?code=…&state=…` (marketplaces.md §2.3, [TTS-DOCS] authorization-guide-202309): echoed, so a
    callback without our exact state is refused."""

    fields = (
        Field(KEY, N_("App key")),
        Field(SECRET, N_("App secret"), secret=True),
        Field(SERVICE_ID, N_("Service ID"), missing=N_("Fill in the Service ID from your app's page first.")),
    )
    help = N_("You need your own self-developed app in TikTok Shop Partner Center (partner.tiktokshop.com); "
              "it serves Tokopedia shops too. The app's page shows its App key, App secret and Service ID. "
              "Put this address in the app as its redirect address: {redirect}")
    echoes_state = True

    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        return auth.authorize_link(values[SERVICE_ID], state=state)

    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[TikTokCredentials, TokenSet]:
        bare = TikTokCredentials(values[KEY], values[SECRET], base_url=hosts.get("tiktok", HOST),
                                 auth_base_url=hosts.get("tiktok_auth", AUTH_HOST))
        tokens = auth.exchange_code(bare, redirect.code)
        with_tokens = replace(bare, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        shops = auth.authorized_shops(with_tokens)
        if not shops:
            raise UserError(N_("TikTok Shop gave permission but shows no shop for this account: check that the shop "
                               "is approved, then try again."))
        return replace(with_tokens, shop_cipher=shops[0].cipher), tokens
