"""Practice app credentials and token lifetimes: made once per data folder and kept in its SQLite file."""

from __future__ import annotations

from typing import Any

from companion.practice.state import PracticeState

# Whether an old access token survives a refresh is UNCONFIRMED; we let it live 5 more minutes, then it is refused.
REFRESH_GRACE = 300


def ensure_credentials(state: PracticeState) -> dict[str, Any]:
    """Generate a platform's practice app keys on its first start, and usable tokens whenever no refresh token is
    still valid."""
    creds = dict(state.get_meta("credentials") or {})
    missing = [channel for name, channel in state.channels.items() if name not in creds]
    for channel in missing:
        creds[channel.name] = channel.make_keys()
    if missing:
        state.set_meta("credentials", creds)
    for platform in state.channels:
        refresh = state.latest_token(platform, "refresh")
        if refresh is None or refresh["expires_at"] <= state.now():
            issue_pair(state, platform)
    return creds


def issue_pair(state: PracticeState, platform: str) -> tuple[str, float, str, float]:
    """A fresh access + refresh token, as after the seller authorizes the app."""
    life = state.channel(platform).lifetimes
    access, access_exp = state.issue_token(platform, "access", life.access)
    refresh, refresh_exp = state.issue_token(platform, "refresh", life.refresh)
    return access, access_exp, refresh, refresh_exp


def issue_code(state: PracticeState, platform: str) -> str:
    """A single-use authorization code, as the platform's redirect would deliver it."""
    code, _ = state.issue_token(platform, "code", state.channel(platform).lifetimes.code)
    return code


def latest_tokens(state: PracticeState, platform: str) -> dict[str, str]:
    """The newest unused access and refresh token of a platform ("" when there is none)."""
    access = state.latest_token(platform, "access")
    refresh = state.latest_token(platform, "refresh")
    return {"access_token": access["token"] if access else "", "refresh_token": refresh["token"] if refresh else ""}


def credentials_json(state: PracticeState, base_urls: dict[str, str]) -> dict[str, Any]:
    """The line `companion practice-server` prints first: everything a connector needs to talk to us, keyed by
    channel name."""
    creds = state.get_meta("credentials") or {}
    return {name: channel.export_credentials(creds[name], latest_tokens(state, name), base_urls)
            for name, channel in state.channels.items()}
