"""Small signed callers for the practice marketplace tests (the tests' own signing, not the connectors')."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import requests

from companion.connectors.call_pacing import pace
from companion.practice.server import PracticeMarketplace

TIMEOUT = 5


def start_market(folder: Path) -> PracticeMarketplace:
    return PracticeMarketplace(folder).start()


def admin(m: PracticeMarketplace, call: str, body: dict[str, Any] | None = None) -> Any:
    url = m.base_urls["admin"] + call
    r = requests.post(url, json=body or {}, timeout=TIMEOUT) if body is not None else requests.get(url, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()


def _hex(key: str, msg: str) -> str:
    return hmac.new(key.encode(), msg.encode(), hashlib.sha256).hexdigest()


def shopee(m: PracticeMarketplace, method: str, path: str, params: dict[str, Any] | None = None,
           body: dict[str, Any] | None = None, *, token: str | None = None, ts: int | None = None,
           sign: str | None = None, public: bool = False, timeout: float = TIMEOUT) -> requests.Response:
    c = m.credentials()["shopee"]
    ts = int(time.time()) if ts is None else ts
    token = c["access_token"] if token is None else token
    common: dict[str, Any] = {"partner_id": c["partner_id"], "timestamp": ts}
    if public:
        base = f"{c['partner_id']}{path}{ts}"
    else:
        base = f"{c['partner_id']}{path}{ts}{token}{c['shop_id']}"
        common.update(access_token=token, shop_id=c["shop_id"])
    common["sign"] = sign or _hex(c["partner_key"], base)
    pace("shopee", str(c["partner_id"]), "" if public else str(c["shop_id"]), path)  # a client's pace
    return requests.request(method, c["base_url"] + path, params={**common, **(params or {})}, json=body,
                            timeout=timeout)


def tiktok(m: PracticeMarketplace, method: str, path: str, params: dict[str, Any] | None = None,
           body: Any = None, *, token: str | None = None, ts: int | None = None, sign: str | None = None,
           timeout: float = TIMEOUT) -> requests.Response:
    c = m.credentials()["tiktok"]
    shop = {} if path.startswith("/authorization/") else {"shop_cipher": c["shop_cipher"]}  # not shop-scoped there
    q = {"app_key": c["app_key"], "timestamp": str(int(time.time()) if ts is None else ts),
         **shop, **{k: str(v) for k, v in (params or {}).items()}}
    raw = json.dumps(body, separators=(",", ":")) if body is not None else ""
    text = path + "".join(f"{k}{q[k]}" for k in sorted(q)) + raw
    q["sign"] = sign or _hex(c["app_secret"], c["app_secret"] + text + c["app_secret"])
    pace("tiktok", c["app_key"], q.get("shop_cipher", ""), path)  # a client's pace
    headers = {"x-tts-access-token": c["access_token"] if token is None else token,
               "Content-Type": "application/json"}
    return requests.request(method, c["base_url"] + path, params=q, data=raw.encode() if raw else None,
                            headers=headers, timeout=timeout)


def lazada(m: PracticeMarketplace, path: str, params: dict[str, Any] | None = None, *, method: str = "GET",
           token: str | None = None, ts_ms: int | None = None, sign: str | None = None, auth: bool = False,
           timeout: float = TIMEOUT) -> requests.Response:
    c = m.credentials()["lazada"]
    p = {"app_key": c["app_key"], "sign_method": "sha256",
         "timestamp": str(int(time.time() * 1000) if ts_ms is None else ts_ms),
         **{k: str(v) for k, v in (params or {}).items()}}
    if not auth:
        p["access_token"] = c["access_token"] if token is None else token
    p["sign"] = sign or _hex(c["app_secret"], path + "".join(f"{k}{p[k]}" for k in sorted(p))).upper()
    url = (c["auth_base_url"] if auth else c["base_url"]) + path
    pace("lazada", c["app_key"], "", path)  # a client's pace
    if method == "POST":
        return requests.post(url, data=p, timeout=timeout)
    return requests.get(url, params=p, timeout=timeout)
