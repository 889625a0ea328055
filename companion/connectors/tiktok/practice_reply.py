"""The envelope every practice TikTok answer carries: `{code, message, request_id, data}` (reference §2.1)."""

from __future__ import annotations

from typing import Any

from companion.practice.exchange import Reply, request_id


def ok(data: Any) -> Reply:
    return Reply(200, {"code": 0, "message": "Success", "request_id": request_id(), "data": data})


def err(code: int, message: str, status: int = 400) -> Reply:
    return Reply(status, {"code": code, "message": message, "request_id": request_id(), "data": None})
