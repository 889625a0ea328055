"""Catching the marketplace's redirect after the seller says yes: a one-shot web server on 127.0.0.1.

The platform sends the browser to http://127.0.0.1:<port>/callback?code=…; we take that one request, answer the
browser with a short "done" page and stop. Nothing else is served and nothing listens beyond this computer. Only a
callback that answers our link is taken (`accept`: the channel's flow checks the state and the parameters its
platform sends, connectors/auth_flow.py); any other is refused and we keep waiting. The port is fixed because the
seller registers the address once: when another program holds it we say so (PortTaken), never move elsewhere.
Qt-free; it lives in gui/ because only the link dialog uses it.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from companion.connectors.auth_flow import Redirect as Redirect  # re-exported: the listener hands these out
from companion.domain.errors import UserError
from companion.i18n import N_

DEFAULT_PORT = 48765  # fixed, so the seller can register http://127.0.0.1:48765/callback in their app once
CALLBACK_PATH = "/callback"
TIMEOUT_SECONDS = 600.0  # the codes themselves live 10-30 minutes
LOCAL = "127.0.0.1"
Accept = Callable[[Mapping[str, str]], bool]  # the callback's single-valued query parameters -> ours?
DONE_PAGE = ("<!doctype html><html lang='id'><meta charset='utf-8'><title>Seller Companion</title>"
             "<body style='font-family:sans-serif;font-size:20px;margin:3em'>"
             "<h1>Selesai, kembali ke aplikasi</h1><p>Done, go back to the app. Halaman ini boleh ditutup.</p>"
             "</body></html>")


def parse_redirect(text: str) -> Redirect:
    """A pasted redirect address (or only its query), or a bare code."""
    text = text.strip()
    if "code=" not in text and "error" not in text:
        return Redirect(code=text.split()[0] if text else "")
    query = urlsplit(text).query if "://" in text or text.startswith("/") else text.lstrip("?")
    params = parse_qs(query)

    def first(name: str) -> str:
        return (params.get(name) or [""])[0].strip()

    return Redirect(code=first("code"), shop_id=first("shop_id"), error=first("error") or first("error_description"),
                    state=first("state") or first("uuid"))


def single_params(query: str) -> dict[str, str] | None:
    """The query's parameters when each appears once (None: a repeated one, which no platform sends)."""
    params = parse_qs(query, keep_blank_values=True)
    if any(len(values) != 1 for values in params.values()):
        return None
    return {name: values[0] for name, values in params.items()}


class PortTaken(UserError):
    """Another program listens on the fixed callback port."""


class AuthListener:
    """Serves one /callback request (or gives up after `timeout`), then calls `on_result` on its own thread."""

    def __init__(self, on_result: Callable[[Redirect | None], None], port: int = DEFAULT_PORT,
                 timeout: float = TIMEOUT_SECONDS, state: str = "", accept: Accept | None = None) -> None:
        """`state`: when set, only a callback carrying exactly this state is taken (the platform echoes the one
        in our permission link); any other page on the port could otherwise slip a stranger's code in. `accept`:
        the channel flow's own check of the callback's parameters. Raises PortTaken when `port` is in use."""
        self.on_result = on_result
        self.timeout = timeout
        self._stop = threading.Event()
        self._server = _bind(port)
        self._server.state = state
        self._server.accept = accept
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._serve, name="auth-listener", daemon=True)
        self._thread.start()

    def expect_state(self, state: str) -> None:
        """From now on take only a callback carrying `state` ("" takes any: some platforms' redirects carry none)."""
        self._server.state = state

    def expect(self, accept: Accept | None) -> None:
        """From now on take only a callback whose parameters `accept` takes (None: any with a code or an error)."""
        self._server.accept = accept

    @property
    def refused(self) -> int:
        """Callbacks turned away so far (not ours, repeated parameters, not from this computer)."""
        return self._server.refused

    @property
    def redirect_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def stop(self) -> None:
        """Stop waiting; `on_result` is not called."""
        self._stop.set()
        self._thread.join(timeout=2)

    def _serve(self) -> None:
        deadline = time.monotonic() + self.timeout
        result: Redirect | None = None
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                self._server.handle_request()  # returns after a request or after server.timeout
                result = getattr(self._server, "result", None)
                if result is not None:
                    break
        finally:
            self._server.server_close()
        if not self._stop.is_set():
            self.on_result(result)


class _Handler(BaseHTTPRequestHandler):
    server: _OneShotServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self.send_error(404)
            return
        if not self._ours(parts.query):
            self.server.refused += 1  # counted before the answer leaves: whoever sees the 400 sees the count
            self.send_error(400, "not the answer to this link")  # keep waiting for the real one
            return
        data = DONE_PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.server.result = parse_redirect(self.path)

    def _ours(self, query: str) -> bool:
        """From this computer, each parameter once, our state when one is expected, and what the flow wants."""
        params = single_params(query)
        if params is None or self.client_address[0] != LOCAL or self.server.result is not None:
            return False
        if self.server.state and params.get("state") != self.server.state:
            return False
        if self.server.accept is not None:
            return self.server.accept(params)
        return bool(params.get("code") or params.get("error"))

    def log_message(self, format: str, *args: Any) -> None:  # the query holds a code: never log it
        return


class _OneShotServer(HTTPServer):
    timeout = 0.2
    result: Redirect | None = None
    state = ""
    accept: Accept | None = None
    refused = 0
    # Windows lets SO_REUSEADDR bind over another program's listening port: there the port is taken exclusively.
    allow_reuse_address = sys.platform != "win32"

    def server_bind(self) -> None:
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        if exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        super().server_bind()


def _bind(port: int) -> _OneShotServer:
    """The fixed port, or PortTaken in one sentence: the address the seller registered must not change."""
    try:
        return _OneShotServer((LOCAL, port), _Handler)
    except OSError:
        raise PortTaken(N_("Another program is using this app's link address (port {port}), perhaps another Seller "
                           "Companion window: close it and press the button again, or press it again now, allow "
                           "access and paste the address the browser shows."), port=str(port)) from None
