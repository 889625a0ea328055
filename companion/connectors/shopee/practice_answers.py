"""The practice Shopee's answer envelope: a success and a refusal as the reference shapes them (request_id always,
error "" on success)."""

from __future__ import annotations

from typing import Any

from companion.practice.exchange import Reply, request_id


def ok(response: Any = None, **top: Any) -> Reply:
    body: dict[str, Any] = {"error": "", "message": "", "warning": "", "request_id": request_id(), **top}
    if response is not None:
        body["response"] = response
    return Reply(200, body)


def err(code: str, message: str, status: int = 200, **extra: Any) -> Reply:
    return Reply(status, {"error": code, "message": message, "request_id": request_id(), **extra})
