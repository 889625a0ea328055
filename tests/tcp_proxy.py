"""A byte-counting TCP proxy on 127.0.0.1 between the laptops and the hub: it cuts and restores the link and
counts the bytes each way, so the hub tests can flap a link, measure what a sale costs on the wire and aim a kill
at the moment a push or a pull is under way.

A cut closes every open connection at once with a reset (SO_LINGER 0: the client reads ECONNRESET, as when a
router drops; see socket(7) and tcp(7) on SO_LINGER) and answers each new connection the same way until the link
is restored ("reset"); or, with `hold=True`, accepts new connections and never answers them (a link that
swallows packets: the client's own timeout must end the wait). Counting is of payload bytes only (what crosses the
proxy's sockets; TCP/IP headers are not seen).
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

UP = "up"  # laptop → hub
DOWN = "down"  # hub → laptop
CHUNK = 65536
# One listener per byte crossing: direction, bytes in this chunk. Called on the proxy's threads.
Listener = Callable[[str, int], None]


@dataclass(frozen=True)
class Counts:
    up: int
    down: int
    connections: int
    cuts: int

    @property
    def total(self) -> int:
        return self.up + self.down


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN (a dropped link, not a polite goodbye)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    """`TcpProxy(target_port).start()` listens on 127.0.0.1:`port` and forwards each connection to the target."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1", listen_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listen_host = listen_host
        self.port = 0
        self._lock = threading.Lock()
        self._up = self._down = self._connections = self._cuts = 0
        self._open: set[socket.socket] = set()
        self._held: list[socket.socket] = []
        self._linked = True
        self._hold = False
        self._stopping = threading.Event()
        self._server: socket.socket | None = None
        self._listeners: list[Listener] = []
        self._threads: list[threading.Thread] = []
        self._flapper: threading.Thread | None = None
        self._flap_stop = threading.Event()

    # -- life ------------------------------------------------------------------------------------------------
    def start(self) -> TcpProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.listen_host, 0))
        server.listen(64)
        self._server = server
        self.port = server.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self.stop_flapping()
        self._stopping.set()
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux; close() alone does not
            with contextlib.suppress(OSError):
                self._server.close()
        self._drop_all()
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the link --------------------------------------------------------------------------------------------
    @property
    def linked(self) -> bool:
        return self._linked

    def cut(self, hold: bool = False) -> None:
        """Drop every open connection now; new ones are reset (or held unanswered with `hold`) until restored."""
        with self._lock:
            self._linked = False
            self._hold = hold
            self._cuts += 1
        self._drop_all()
        # the pumps close their sockets themselves: wait for them, so nothing is forwarded after cut() returns (on a
        # loaded machine a pump could still pass one more chunk after the shutdown)
        wait_until(lambda: not self._open_now(), timeout=5)

    def _open_now(self) -> bool:
        with self._lock:
            return bool(self._open)

    def restore(self) -> None:
        with self._lock:
            self._linked = True
            held, self._held = self._held, []
        for sock in held:
            _reset(sock)

    def flap(self, up_s: float, down_s: float) -> None:
        """Cut and restore the link over and over on a thread (up `up_s`, then down `down_s`) until stop_flapping."""
        self.stop_flapping()
        self._flap_stop.clear()

        def run() -> None:
            while not self._flap_stop.wait(up_s):
                self.cut()
                if self._flap_stop.wait(down_s):
                    break
                self.restore()
            self.restore()

        self._flapper = self._spawn(run)

    def stop_flapping(self) -> None:
        self._flap_stop.set()
        if self._flapper is not None:
            self._flapper.join(timeout=5)
            self._flapper = None
        self._flap_stop.clear()

    # -- counting --------------------------------------------------------------------------------------------
    def counts(self) -> Counts:
        with self._lock:
            return Counts(self._up, self._down, self._connections, self._cuts)

    def reset_counts(self) -> None:
        with self._lock:
            self._up = self._down = self._connections = 0

    def listen(self, listener: Listener) -> None:
        """Call `listener(direction, n)` for every chunk forwarded (on the proxy's threads; keep it short)."""
        with self._lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.remove(listener)

    @contextlib.contextmanager
    def watching(self, direction: str, after_bytes: int, action: Callable[[], None]) -> Iterator[None]:
        """Run `action` once, as soon as `after_bytes` more bytes have gone `direction` (an aimed kill)."""
        seen = [0, False]

        def listener(way: str, n: int) -> None:
            if way != direction or seen[1]:
                return
            seen[0] += n
            if seen[0] >= after_bytes:
                seen[1] = True
                action()

        self.listen(listener)
        try:
            yield
        finally:
            self.unlisten(listener)

    # -- the threads ------------------------------------------------------------------------------------------
    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        t = threading.Thread(target=target, args=args, daemon=True, name="tcp-proxy")
        t.start()
        self._threads = [x for x in self._threads if x.is_alive()] + [t]
        return t

    def _accept_loop(self) -> None:
        assert self._server is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                linked, hold = self._linked, self._hold
                if not linked and hold:
                    self._held.append(client)
                    continue
            if not linked:
                _reset(client)
                continue
            self._spawn(self._connect, client)

    def _connect(self, client: socket.socket) -> None:
        try:
            hub = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(client)
            return
        for s in (client, hub):
            s.settimeout(None)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if not self._linked:
                _reset(client)
                _reset(hub)
                return
            self._connections += 1
            self._open.update((client, hub))
        self._pump(client, hub)

    def _pump(self, client: socket.socket, hub: socket.socket) -> None:
        """Forward both ways on one thread until either side closes or the link is cut."""
        ends = {client: (hub, UP), hub: (client, DOWN)}
        try:
            while True:
                readable, _, _ = select.select(list(ends), [], [], 0.5)
                if self._stopping.is_set():
                    return
                for sock in readable:
                    data = sock.recv(CHUNK)
                    if not data:
                        return
                    other, way = ends[sock]
                    other.sendall(data)
                    self._count(way, len(data))
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._open.discard(client)
                self._open.discard(hub)
            for s in (client, hub):
                with contextlib.suppress(OSError):
                    s.close()

    def _count(self, way: str, n: int) -> None:
        with self._lock:
            if way == UP:
                self._up += n
            else:
                self._down += n
            listeners = list(self._listeners)
        for listener in listeners:
            listener(way, n)

    def _drop_all(self) -> None:
        """Wake each pump (SHUT_RD makes its recv return at once) with linger 0 set, so the pump's own close sends
        the RST. The pump closes its sockets itself: closing them here could hand their numbers to new sockets
        while the pump still selects on them."""
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RD)


def wait_until(check: Callable[[], bool], timeout: float = 30.0, step: float = 0.02) -> bool:
    """Poll `check` until it is true or `timeout` passes (a wait, never an assertion on time)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(step)
    return check()
