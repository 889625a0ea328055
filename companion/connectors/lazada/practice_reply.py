"""The practice Lazada's answer envelopes (reference §3.1): a success with code "0", an error with its code, type and
message; and the fulfilment calls' nested `result` (contracts_fulfilment.py)."""

from __future__ import annotations

from typing import Any

from companion.practice.exchange import Reply, request_id


def ok(data: Any = None, **top: Any) -> Reply:
    body: dict[str, Any] = {"code": "0", "request_id": request_id(), **top}
    if data is not None:
        body["data"] = data
    return Reply(200, body)


def err(code: str, message: str, kind: str = "ISV", **extra: Any) -> Reply:
    return Reply(200, {"code": code, "type": kind, "message": message, "request_id": request_id(), **extra})


def result(data: dict[str, Any]) -> Reply:
    """A fulfilment call that went through (each item still carries its own item_err_code)."""
    return ok(None, result={"success": True, "data": data})


def refused(code: str, words: str) -> Reply:
    """A fulfilment call refused as a whole: success false with Lazada's code and words in `result`."""
    return ok(None, result={"success": False, "error_code": code, "error_msg": words})
