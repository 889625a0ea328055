"""The hub tests' TCP proxy (tests/tcp_proxy.py) against a plain echo server: exact byte counts each way, a cut
that drops open connections and refuses new ones until restored, a held link, flapping, and an aimed action."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.tcp_proxy import DOWN, UP, TcpProxy, wait_until


@pytest.fixture()
def echo_port() -> Iterator[int]:
    """An echo server that answers every chunk with the same bytes twice (so up ≠ down)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the proxy's cuts reset this side too
            while data := conn.recv(4096):
                conn.sendall(data * 2)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    stop.set()
    server.close()


@pytest.fixture()
def proxy(echo_port: int) -> Iterator[TcpProxy]:
    with TcpProxy(echo_port) as p:
        yield p


def _talk(port: int, data: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        while len(got) < 2 * len(data):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        return got


def test_counts_bytes_each_way(proxy: TcpProxy) -> None:
    assert _talk(proxy.port, b"x" * 1000) == b"x" * 2000
    assert _talk(proxy.port, b"abc") == b"abcabc"
    assert wait_until(lambda: proxy.counts().down == 2006)
    counts = proxy.counts()
    assert (counts.up, counts.down, counts.connections, counts.total) == (1003, 2006, 2, 3009)
    proxy.reset_counts()
    assert proxy.counts().total == 0


def test_cut_drops_open_links_and_refuses_new_until_restored(proxy: TcpProxy) -> None:
    s = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    s.sendall(b"hi")
    assert s.recv(10) == b"hihi"
    proxy.cut()
    with pytest.raises(OSError):  # reset by the cut: the next read or write fails, no data comes
        s.sendall(b"again")
        if not s.recv(10):
            raise ConnectionResetError("closed")
    s.close()
    with pytest.raises(OSError):
        _talk(proxy.port, b"new")
    proxy.restore()
    assert _talk(proxy.port, b"back") == b"backback"
    assert proxy.counts().cuts == 1


def test_held_link_never_answers(proxy: TcpProxy) -> None:
    proxy.cut(hold=True)
    with pytest.raises(OSError):  # socket.timeout is an OSError: connected, but nothing comes back
        _talk(proxy.port, b"anyone?", timeout=0.3)
    proxy.restore()
    assert _talk(proxy.port, b"ok") == b"okok"


def test_flapping_link_cuts_and_comes_back(proxy: TcpProxy) -> None:
    proxy.flap(up_s=0.05, down_s=0.05)
    assert wait_until(lambda: proxy.counts().cuts >= 3)
    proxy.stop_flapping()
    assert proxy.linked
    assert _talk(proxy.port, b"steady") == b"steadysteady"


def test_watching_runs_its_action_once_after_the_bytes(proxy: TcpProxy) -> None:
    fired: list[str] = []
    with proxy.watching(UP, 500, lambda: fired.append("up")), proxy.watching(DOWN, 10**9, lambda: fired.append("x")):
        _talk(proxy.port, b"a" * 400)
        assert fired == []
        _talk(proxy.port, b"b" * 400)
        _talk(proxy.port, b"c" * 400)
    assert fired == ["up"]
