"""Asking a printer about its paper (DLE EOT), where the printer can answer.

What is knowable: a serial or network ESC/POS printer answers DLE EOT 4 (paper roll sensor) with one byte at once,
even while it is printing; bits 5-6 set mean the paper has run out, bits 2-3 that it is nearly out (not every
printer has that sensor). A printer that does not answer within a moment is taken to be fine (many Bluetooth and
cheap printers never answer). USB printers answer on their IN endpoint only if they implement it, an installed
printer's spooler and a file cannot be asked at all: there, out of paper shows only as a receipt that did not come
out, and the cashier presses "Cetak ulang".
"""

from __future__ import annotations

import socket
from enum import Enum
from typing import Any

PAPER_QUERY = b"\x10\x04\x04"  # DLE EOT 4
ONLINE_QUERY = b"\x10\x04\x01"  # DLE EOT 1
ASK_SECONDS = 0.8


class Paper(Enum):
    OK = "ok"
    LOW = "low"
    OUT = "out"
    UNKNOWN = "unknown"  # the printer did not answer, or cannot be asked
    GONE = "gone"  # the connection was closed by the printer's side


def read_paper(answer: bytes) -> Paper:
    """One DLE EOT 4 answer byte: fixed bits 0xx1xx10; 0x60 paper end, 0x0C near end."""
    if not answer or (answer[0] & 0x93) != 0x12:
        return Paper.UNKNOWN
    if answer[0] & 0x60:
        return Paper.OUT
    if answer[0] & 0x0C:
        return Paper.LOW
    return Paper.OK


def ask_serial(port: Any, query: bytes = PAPER_QUERY) -> Paper:
    """Ask through an open pyserial port; no answer in ASK_SECONDS = UNKNOWN."""
    port.reset_input_buffer()
    port.write(query)
    saved = port.timeout
    port.timeout = ASK_SECONDS
    try:
        return read_paper(port.read(1)) if query == PAPER_QUERY else _answered(port.read(1))
    finally:
        port.timeout = saved


def ask_socket(sock: socket.socket, query: bytes = PAPER_QUERY) -> Paper:
    """Ask through an open socket; the peer closing shows as GONE (a printer never closes first)."""
    sock.sendall(query)
    saved = sock.gettimeout()
    sock.settimeout(ASK_SECONDS)
    try:
        answer = sock.recv(1)
    except TimeoutError:
        return Paper.UNKNOWN
    finally:
        sock.settimeout(saved)
    if not answer:
        return Paper.GONE
    return read_paper(answer) if query == PAPER_QUERY else _answered(answer)


def _answered(answer: bytes) -> Paper:
    return Paper.OK if answer else Paper.UNKNOWN
