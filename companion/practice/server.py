"""The practice marketplace's HTTP server: one local port, a base URL per platform host, faults on demand. It
serves the routes of every channel it is given, by default every registered channel's practice part.

    market = PracticeMarketplace(data_dir, port=0).start()
    market.base_urls[key]  # http://127.0.0.1:PORT/<prefix>, for each channel route's key
    market.stop()
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from companion.practice import admin
from companion.practice.buyers import BuyerSimulator
from companion.practice.channels import registered_channels
from companion.practice.credentials import credentials_json, ensure_credentials
from companion.practice.exchange import Context, Reply, Request
from companion.practice.faults import Faults
from companion.practice.network import Network, NetworkConfig, registered_limits
from companion.practice.plugin import Handler, PracticeChannel
from companion.practice.state import PracticeState

ADMIN = "/_practice"
IDLE_WAKE_S = 5.0  # the server thread wakes this often with nothing to do; stop() knocks rather than waiting
Mount = tuple[str, str, str, Handler]  # (base path, key in base_urls, platform, handler)


def mounts(channels: Sequence[PracticeChannel]) -> list[Mount]:
    """Every channel's routes, longer prefixes first (so "/x-auth" is never taken for "/x"); two channels may not
    share a name, a base path or a base_urls key."""
    found: list[Mount] = []
    names, prefixes, keys = set(), {ADMIN}, {"admin"}
    for channel in channels:
        if channel.name in names:
            raise ValueError(f"two practice channels are called {channel.name}")
        names.add(channel.name)
        for route in channel.routes:
            if route.prefix in prefixes or route.key in keys or not route.prefix.startswith("/"):
                raise ValueError(f"practice route {route.prefix} ({route.key}) of {channel.name} is taken or bad")
            prefixes.add(route.prefix)
            keys.add(route.key)
            found.append((route.prefix, route.key, channel.name, route.handler))
    return sorted(found, key=lambda mount: -len(mount[0]))


class PracticeMarketplace:
    """Stand-ins for every channel's platform on 127.0.0.1, with their own record in data_dir. `channels`
    defaults to the practice part of every registered channel."""

    def __init__(self, data_dir: Path | str, port: int = 0, host: str = "127.0.0.1",
                 channels: Sequence[PracticeChannel] | None = None, network: NetworkConfig | None = None) -> None:
        """`network`: latency, jitter and the platforms' call limits (practice/network.py; limits on by default)."""
        self.data_dir = Path(data_dir)
        self.host, self.port = host, port
        self.channels = {c.name: c for c in (registered_channels() if channels is None else channels)}
        self.mounts = mounts(list(self.channels.values()))
        self.state = PracticeState(self.data_dir, list(self.channels.values()))
        ensure_credentials(self.state)
        self.faults = Faults()
        self.network = Network(registered_limits(self.channels), network)
        self.buyers = BuyerSimulator(self.state)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Called with (channel, request, reply) after every platform call: the contract tests record the wire here.
        self.recorders: list[Callable[[str, Request, Reply], None]] = []

    def start(self) -> PracticeMarketplace:
        market = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that went away mid-answer (an app killed or closed during a call) is normal here; other
                failures go to the log, not to a console nobody reads."""
                if isinstance(sys.exc_info()[1], ConnectionError):
                    return
                logging.getLogger("companion.practice").exception("request from %s failed", client_address)

        class Handler(_Handler):
            marketplace = market

        self._httpd = Server((self.host, self.port), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": IDLE_WAKE_S},
                                        name="practice-marketplace", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.buyers.stop()
        if self._httpd is not None:
            self._shut_down(self._httpd)
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None
        self.state.close()

    def _shut_down(self, httpd: ThreadingHTTPServer) -> None:
        """`shutdown()` is only seen when the server's wait for a connection ends: knock (connect and close) until
        it has been, rather than waking every 0.1 s for the whole session (~0.1 s of CPU a minute while idle)."""
        stopping = threading.Thread(target=httpd.shutdown, name="practice-stop", daemon=True)
        stopping.start()
        while stopping.is_alive():
            with contextlib.suppress(OSError):  # not listening any more: the wait ends within IDLE_WAKE_S
                socket.create_connection((self.host, self.port), timeout=0.5).close()
            stopping.join(0.05)

    def __enter__(self) -> PracticeMarketplace:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_urls(self) -> dict[str, str]:
        urls = {key: self.root_url + prefix for prefix, key, _, _ in self.mounts}
        urls["admin"] = self.root_url + ADMIN
        return urls

    def credentials(self) -> dict[str, Any]:
        return credentials_json(self.state, self.base_urls)

    def advance_clock(self, seconds: float) -> float:
        """Move the platforms' clock forward (tokens expire, timestamps go stale) without waiting."""
        return self.state.advance_clock(seconds)

    def handle(self, method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Reply:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path == ADMIN or parts.path.startswith(ADMIN + "/"):
            return admin.handle(self, Request(method, parts.path[len(ADMIN):] or "/", query, body, headers))
        for prefix, _key, platform, handler in self.mounts:
            if parts.path.startswith(prefix + "/"):
                request = Request(method, parts.path[len(prefix):], query, body, headers)
                ctx = Context(self.state, self.faults, platform, headers.get("host") or f"{self.host}:{self.port}")
                reply = self._platform_call(ctx, handler, request)
                for record in self.recorders:
                    record(platform, request, reply)
                return reply
        return Reply(404, {"error": f"nothing at {parts.path}", "base_urls": self.base_urls})

    def _platform_call(self, ctx: Context, handler: Handler, request: Request) -> Reply:
        arrival = self.network.arrive(ctx.platform, request)  # counted on arrival, then the wire's delay
        arrival.wait()
        if not arrival.admitted:
            return self.channels[ctx.platform].throttled()
        plan = self.faults.plan
        if ctx.fires("timeout"):
            time.sleep(plan.timeout_seconds)
            return Reply(drop=True)
        if ctx.fires("server_error"):
            status = self.faults.pick([500, 502, 503])
            return Reply(status, f"{status} practice server error", {"Content-Type": "text/plain"})
        if ctx.fires("throttle"):
            return self.channels[ctx.platform].throttled()
        if ctx.fires("slow"):
            time.sleep(plan.slow_seconds)
        reply = handler(ctx, request)
        if ctx.fires("lost_response"):
            return Reply(drop=True)  # the work is committed; the answer never arrives
        return reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this each reply waits ~40 ms
    marketplace: PracticeMarketplace

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and the demo read stdout
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.marketplace.handle(self.command, self.path, body, headers)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = Reply(500, {"error": "practice server bug", "message": traceback.format_exc(limit=3)})
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if isinstance(reply.payload, bytes | str):
            data = reply.payload.encode("utf-8") if isinstance(reply.payload, str) else reply.payload
            content_type = "text/plain; charset=utf-8"
        else:
            data = json.dumps(reply.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        self.send_response(reply.status)
        headers = {"Content-Type": content_type, **reply.headers, "Content-Length": str(len(data))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
