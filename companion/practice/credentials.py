"""Practice app credentials and token lifetimes: made once per data folder and kept in its SQLite file."""

from __future__ import annotations

import secrets
from typing import Any

from companion.practice.state import PracticeState

HOUR = 3600
DAY = 86400
# Lifetimes from the reference (§1.4, §2.3, §3.3).
LIFETIMES = {
    "shopee": {"access": 4 * HOUR, "refresh": 30 * DAY, "code": 10 * 60},
    "tiktok": {"access": 7 * DAY, "refresh": 30 * DAY, "code": 30 * 60},  # refresh lifetime UNCONFIRMED: 30 days
    "lazada": {"access": 7 * DAY, "refresh": 30 * DAY, "code": 30 * 60},  # a test-status app's lifetimes
}
# Whether an old access token survives a refresh is UNCONFIRMED; we let it live 5 more minutes, then it is refused.
REFRESH_GRACE = 300
TIKTOK_WAREHOUSE_ID = "7068517275539719942"


def ensure_credentials(state: PracticeState) -> dict[str, Any]:
    """Generate the practice app keys on first start, and usable tokens whenever no refresh token is still valid."""
    creds = state.get_meta("credentials")
    if creds is None:
        creds = {
            "shopee": {"partner_id": 2_000_000 + secrets.randbelow(900_000),
                       "partner_key": "shpk" + secrets.token_hex(30),
                       "shop_id": 100_000_000 + secrets.randbelow(800_000_000)},
            "tiktok": {"app_key": "6" + secrets.token_hex(6), "app_secret": secrets.token_hex(20),
                       "shop_cipher": "ROW_" + secrets.token_urlsafe(18), "shop_id": str(7_494_000_000_000_000_000
                                                                            + secrets.randbelow(10**15)),
                       "open_id": secrets.token_urlsafe(12)},
            "lazada": {"app_key": str(100_000 + secrets.randbelow(899_999)), "app_secret": secrets.token_urlsafe(24),
                       "seller_id": str(1_000_000_000 + secrets.randbelow(10**9)), "user_id": str(
                           200_000_000 + secrets.randbelow(10**8))},
        }
        state.set_meta("credentials", creds)
    for platform in LIFETIMES:
        refresh = state.latest_token(platform, "refresh")
        if refresh is None or refresh["expires_at"] <= state.now():
            issue_pair(state, platform)
    return dict(creds)


def issue_pair(state: PracticeState, platform: str) -> tuple[str, float, str, float]:
    """A fresh access + refresh token, as after the seller authorizes the app."""
    life = LIFETIMES[platform]
    access, access_exp = state.issue_token(platform, "access", life["access"])
    refresh, refresh_exp = state.issue_token(platform, "refresh", life["refresh"])
    return access, access_exp, refresh, refresh_exp


def issue_code(state: PracticeState, platform: str) -> str:
    """A single-use authorization code, as the platform's redirect would deliver it."""
    code, _ = state.issue_token(platform, "code", LIFETIMES[platform]["code"])
    return code


def credentials_json(state: PracticeState, base_urls: dict[str, str]) -> dict[str, Any]:
    """The line `companion practice-server` prints first: everything a connector needs to talk to us."""
    creds = state.get_meta("credentials")

    def tokens(platform: str) -> dict[str, str]:
        access = state.latest_token(platform, "access")
        refresh = state.latest_token(platform, "refresh")
        return {"access_token": access["token"] if access else "", "refresh_token": refresh["token"] if refresh else ""}

    s, t, z = creds["shopee"], creds["tiktok"], creds["lazada"]
    return {
        "shopee": {"base_url": base_urls["shopee"], "partner_id": s["partner_id"], "partner_key": s["partner_key"],
                   "shop_id": s["shop_id"], **tokens("shopee")},
        "tiktok": {"base_url": base_urls["tiktok"], "auth_base_url": base_urls["tiktok_auth"], "app_key": t["app_key"],
                   "app_secret": t["app_secret"], "shop_cipher": t["shop_cipher"], **tokens("tiktok")},
        "lazada": {"base_url": base_urls["lazada"], "auth_base_url": base_urls["lazada_auth"],
                   "app_key": z["app_key"], "app_secret": z["app_secret"], **tokens("lazada")},
    }
