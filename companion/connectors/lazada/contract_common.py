"""What every Lazada Open Platform call shares, from its published reference as scraped in
lazykern/ecommerce-api-docs: the common parameters, the answer envelope and the error codes every API page repeats.
Kept apart so each group of contracts (contracts.py, contracts_fulfilment.py) stays a small file."""

from __future__ import annotations

from companion.connectors.contract import ErrorCode, Field

DOCS = "lazykern/ecommerce-api-docs"
API = f"{DOCS}: data/raw/lazada/apis"
GUIDES = f"{DOCS}: data/processed/lazada/guides"

COMMON = (
    Field("app_key", "str", low=1),
    Field("timestamp", "int"),  # milliseconds, within 7200 s of UTC
    Field("sign_method", "str", choices=("sha256",)),
    Field("sign", "str", low=64, high=64),  # uppercase hex HMAC-SHA256
    Field("access_token", "str", required=False),  # every seller API; never on the auth host
)

# Every answer's envelope ([LZD-DOCS] developers-guide/error-messages: SYSTEM, ISV and ISP errors; marketplaces.md
# §3.1): a success carries code "0"; an error its code, type and message.
ENVELOPE = (Field("code", "str", choices=("0",)), Field("request_id", "str", low=1))
ERROR_ENVELOPE = (Field("code", "str", low=1), Field("type", "str", choices=("SYSTEM", "ISV", "ISP")),
                  Field("message", "str"), Field("request_id", "str", low=1))

# The codes every API page repeats (system-api pages and the API error tables); what each means for us.
COMMON_ERRORS = (
    ErrorCode("IllegalAccessToken", "auth_expired", "The specified access token is invalid or expired"),
    ErrorCode("IncompleteSignature", "refused", "The request signature does not conform to lazop standards"),
    ErrorCode("MissingParameter", "refused", "the input parameter that is mandatory for processing this request is "
                                             "not supplied"),
    ErrorCode("901", "throttled", "Limit service request speed in server side temporarily: retry in the next second"),
    # the gateway's API-level limit (guides/.../create-update-product-q-a.md Q10): "this ban will last 1 seconds"
    ErrorCode("ApiCallLimit", "throttled", "Api access frequency exceeds the limit. this ban will last 1 seconds."),
)


def errors_with(*codes: ErrorCode) -> tuple[ErrorCode, ...]:
    return COMMON_ERRORS + codes
