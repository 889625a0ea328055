"""How fast one app may call one Lazada seller: our stricter reading of what Lazada publishes.

Sources (lazykern/ecommerce-api-docs):
- data/processed/lazada/guides/api-best-practice/product-operation/product-inventory-management/
  inventory-management-api.md: "Each seller can only call the inventory API 50 times per second".
- .../product-management/create-update-product-q-a.md Q9/Q10: "GetBrandByPages API Total QPS: 30"; the gateway's
  ApiCallLimit "Api access frequency exceeds the limit. this ban will last 1 seconds" is an "API level traffic limit,
  each API will have a different traffic limit ... wait for the next second to retry".
- data/raw/lazada/apis/product-api/*.json: code 901 "Limit service request speed in server side temporarily",
  solution "API level QPS limiting flow, please retry in the next second" (HTTP status not stated; Lazada's
  envelope errors come with HTTP 200).

Only the inventory APIs' figure is published per seller and other APIs have "a different traffic limit", so we take
the lowest figure published for any API, 30 a second, for every API per seller: confirmed=False.
"""

from __future__ import annotations

from companion.domain.call_limits import CallLimit

CALL_LIMIT = CallLimit(
    calls=30, seconds=1.0, per_api=True, confirmed=False,
    source="Lazada Open Platform: per API per seller; 50/s published for the inventory APIs only, 30 QPS the lowest "
           "published (GetBrandByPages); throttle code 901 (or ApiCallLimit), retry in the next second",
)
