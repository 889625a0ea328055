"""How fast one app may call one TikTok Shop shop, as TikTok publishes it.

Source: lazykern/ecommerce-api-docs data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/
rate-limits.md: "a default rate limit of 50 QPS ... for each API", counted per (app, shop); calls over it are
throttled with HTTP 429 (common-errors.md: code 36009002 "Too many requests. You've made too many requests in a short
period of time."). The page names no Retry-After header: it asks for "a random exponential backoff", so the client
picks its own wait.
"""

from __future__ import annotations

from companion.domain.call_limits import CallLimit

CALL_LIMIT = CallLimit(
    calls=50, seconds=1.0, per_api=True,
    source="TikTok Shop Partner API, Rate limits (tiktok-shop-api-concepts/rate-limits.md): 50 QPS per API per "
           "(app, shop); HTTP 429, code 36009002, no retry hint",
)
