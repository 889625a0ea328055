"""How fast one app may call one Shopee shop: our guess, since Shopee publishes no figure.

Sources looked at: lazykern/ecommerce-api-docs data/raw/shopee/apis/*.json carry a `rate_limit` field that is
"[0, 0, 0]" or empty for every API; the guides (getting-started/api-calls.md, terms-of-service.md) mention "maximum
permitted API calls" without a number (../shared/reference/marketplaces.md §1.6: UNCONFIRMED). The throttle answer is
the common error `error_rate_limit` (and `error_limit` for the daily quota), HTTP status and retry hint undocumented.
Third-party guesses disagree: ~100 calls a minute (one code comment), ~100 calls a second working (an issue report).

Our stricter plausible choice: counted per shop over ALL APIs together (stricter than per API, which we cannot
confirm), 10 calls a second: stricter than the other platforms' published 50 a second per API and than the issue
report. The 100-a-minute comment is unexplained; if Shopee ever throttles below our pace, lower this figure.
"""

from __future__ import annotations

from companion.domain.call_limits import CallLimit

CALL_LIMIT = CallLimit(
    calls=10, seconds=1.0, per_api=False, confirmed=False,
    source="Shopee Open Platform v2 publishes no figure (API schemas' rate_limit [0, 0, 0]); our guess: 10 calls a "
           "second per shop over all APIs; throttle error_rate_limit (HTTP status undocumented)",
)
