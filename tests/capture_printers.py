"""Stand-in thermal printers for tests: a serial pseudo-terminal and a TCP listener on 127.0.0.1 that keep every
byte they receive and answer the real-time status queries (DLE EOT n) the way an ESC/POS printer does.

`paper` is the DLE EOT 4 answer: 0x12 paper present, 0x72 paper out (bits 5-6), None = never answer (a printer
without status). `close_after` makes the network printer drop the connection after that many receipt bytes (the
printer switched off mid-receipt); `unplug_after` closes the serial printer's end after that many bytes (the cable
pulled out mid-receipt).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import threading
from types import TracebackType

PAPER_OK, PAPER_OUT = 0x12, 0x72
ONLINE = 0x12  # DLE EOT 1: fixed bits only = online, no error


def _answers(data: bytes, start: int, paper: int | None) -> tuple[bytes, int]:
    """Replies to the DLE EOT queries in data[start:], and where the next scan starts."""
    out = bytearray()
    i = data.find(b"\x10\x04", start)
    while i != -1 and i + 2 < len(data):
        n = data[i + 2]
        if paper is not None:
            out.append(paper if n == 4 else ONLINE)
        start = i + 3
        i = data.find(b"\x10\x04", start)
    return bytes(out), start


class SerialCapture:
    """A pty: the app opens `port` (the slave) as its COM port; what it writes arrives at the master, read here."""

    def __init__(self, paper: int | None = PAPER_OK, read: bool = True, unplug_after: int | None = None) -> None:
        self.master, self.slave = os.openpty()
        self.port = os.ttyname(self.slave)
        self.paper, self.read, self.unplug_after = paper, read, unplug_after
        self.unplugged = False
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SerialCapture:
        if self.read:
            self._thread.start()
        return self

    def _run(self) -> None:
        scanned = 0
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                if self._stop.is_set():
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.received += chunk
            reply, scanned = _answers(bytes(self.received), scanned, self.paper)
            if reply:
                os.write(self.master, reply)
            if self.unplug_after is not None and len(self.received) >= self.unplug_after:
                os.close(self.master)  # the cable pulled: the app's next write fails
                self.unplugged = True
                return

    def __exit__(self, *exc: object) -> None:
        self.stop()
        os.close(self.slave)
        if not self.unplugged:
            os.close(self.master)

    def stop(self) -> bytes:
        """Everything written so far (the app's writes have returned, so it is all readable at the master)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return bytes(self.received)


class NetworkCapture:
    """A printer on 127.0.0.1: one connection at a time, bytes kept per connection."""

    def __init__(self, paper: int | None = PAPER_OK, close_after: int | None = None) -> None:
        self.paper, self.close_after = paper, close_after
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.jobs: list[bytes] = []
        self.done = threading.Event()  # a connection ended (closed by the app or dropped here)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> NetworkCapture:
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self.jobs.append(self._serve(conn))
            self.done.set()

    def _serve(self, conn: socket.socket) -> bytes:
        received, scanned = bytearray(), 0
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
            reply, scanned = _answers(bytes(received), scanned, self.paper)
            if reply:
                conn.sendall(reply)
            receipt_bytes = len(received.replace(b"\x10\x04\x04", b"").replace(b"\x10\x04\x01", b""))
            if self.close_after is not None and receipt_bytes >= self.close_after:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break  # closing with SO_LINGER 0: a reset, as a printer losing power mid-receipt
        return bytes(received)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes accept(): a bare close leaves the port listening
        self.server.close()
        self._thread.join(timeout=5)
