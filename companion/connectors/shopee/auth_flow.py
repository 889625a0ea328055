"""Linking a Shopee shop: the seller's "Seller In-house System" app (Partner ID and key), the auth_partner page,
then the code and shop id from the redirect exchanged for tokens."""

from __future__ import annotations

from collections.abc import Mapping

from companion.connectors.auth_flow import KEY, SECRET, AuthFlow, Field, Redirect
from companion.connectors.shopee import auth
from companion.connectors.shopee.credentials import HOST, ShopeeCredentials
from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.marketplace import TokenSet
from companion.i18n import N_

PRACTICE_HOST = "shopee"  # its key in the practice marketplace's base_urls


class ShopeeAuthFlow(AuthFlow):
    """State: Shopee's `auth_partner` link takes none and its redirect `?code=…&shop_id=…` carries none
    (marketplaces.md §1.4, [SHP-GUIDE] authorization-and-authentication); whether a query added to the signed
    `redirect` survives is UNCONFIRMED, so we do not rely on it. The redirect does carry the shop number (needed for
    the token call): a callback must carry a code and a numeric shop_id, and the dialog shows that number before
    linking (connectors/auth_flow.py)."""

    fields = (
        Field(KEY, N_("Partner ID"), number=True,
              not_a_number=N_("The Partner ID is a number: copy it again from your app's page.")),
        Field(SECRET, N_("Partner key"), secret=True),
    )
    help = N_("You need your own app on the Shopee Open Platform (open.shopee.com) of the type \"Seller "
              "In-house System\". When Shopee has approved it, open App List: the Partner ID and the live "
              "Partner Key are shown there. Put this address in the app as its redirect address: {redirect}")
    echoes_state = False
    callback_params = ("code", "shop_id")

    def check_redirect(self, redirect: Redirect) -> None:
        super().check_redirect(redirect)
        if not redirect.shop_id.isdigit():
            raise UserError(N_("Paste the whole address from the browser: Shopee puts the shop number in it."))

    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        return auth.auth_link(int(values[KEY]), values[SECRET], redirect_url, now_utc(),
                              base_url=hosts.get(PRACTICE_HOST, HOST))

    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[ShopeeCredentials, TokenSet]:
        base = hosts.get(PRACTICE_HOST, HOST)
        partner_id, shop_id = int(values[KEY]), int(redirect.shop_id)
        tokens = auth.exchange_code(partner_id, values[SECRET], redirect.code, shop_id, base_url=base)
        return ShopeeCredentials(partner_id, values[SECRET], shop_id, tokens.access_token, tokens.refresh_token,
                                 base), tokens
