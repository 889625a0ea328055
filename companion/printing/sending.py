"""Sending one document to the counter's printer: lay it out, open, ask about paper, write, confirm, close.

The whole document is laid out first (a barcode the printer cannot take fails before anything is printed). Serial
and network printers are asked about their paper before (out of paper: nothing is sent) and asked once more after
the bytes are written: a network printer that dropped the connection mid-way shows up there even when the bytes
fitted in the network buffers. Every failure is one PrinterProblem sentence; `partial` says paper may have come out.
"""

from __future__ import annotations

from typing import Any

from companion.domain.print_doc import PrintDoc
from companion.printing import escpos_loading  # noqa: F401  (before escpos: keeps its import harmless)
from companion.printing.config import Kind, PrinterConfig
from companion.printing.connections import Network, Serial, connect
from companion.printing.problems import CANNOT_LAY_OUT, OUT_OF_PAPER, STOPPED, PrinterProblem, worded
from companion.printing.render import render
from companion.printing.spooler import LpSpooler
from companion.printing.status import ONLINE_QUERY, Paper, ask_serial, ask_socket

from escpos.exceptions import Error as EscposError  # isort: skip


def send(config: PrinterConfig, doc: PrintDoc) -> None:
    """Print `doc` on the printer of `config`, or raise PrinterProblem saying what to do. Blocks up to a few
    timeouts: the GUI calls it on a background thread."""
    data = _laid_out(doc, config)
    try:
        printer = connect(config)
    except Exception as exc:  # every connection library has its own errors; all are worded for people
        raise worded(exc, config, partial=False) from exc
    try:
        if _ask(printer, config) is Paper.OUT:
            raise PrinterProblem(OUT_OF_PAPER, where=config.target)
        _write(printer, data, config)
    finally:
        _close(printer)


def _laid_out(doc: PrintDoc, config: PrinterConfig) -> bytes:
    try:
        return render(doc, config)
    except (EscposError, ValueError) as exc:
        raise PrinterProblem(CANNOT_LAY_OUT, reason=str(exc)[:80]) from exc


def _ask(printer: Any, config: PrinterConfig, query: bytes | None = None) -> Paper:
    """Paper state where the connection can be asked (serial, network); UNKNOWN elsewhere."""
    try:
        if config.kind is Kind.SERIAL:
            return ask_serial(printer.device, *([query] if query else []))
        if config.kind is Kind.NETWORK:
            return ask_socket(printer.device, *([query] if query else []))
    except Exception as exc:  # the port or socket failed while asking: nothing was printed yet
        raise worded(exc, config, partial=query is not None) from exc
    return Paper.UNKNOWN


def _write(printer: Any, data: bytes, config: PrinterConfig) -> None:
    spooled = config.kind is Kind.INSTALLED  # the spooler takes the whole job at the end, or nothing
    try:
        printer._raw(data)
        if spooled:
            _hand_over(printer)
    except Exception as exc:  # mid-way: some of the receipt may be on the paper
        raise worded(exc, config, partial=not spooled) from exc
    if _ask(printer, config, ONLINE_QUERY) is Paper.GONE:
        raise PrinterProblem(STOPPED, partial=True, where=config.target)


def _hand_over(printer: Any) -> None:
    """Give the spooler the finished job: lp's one run, or Win32Raw's EndDocPrinter (in its close())."""
    if isinstance(printer, LpSpooler):
        printer.flush()
    else:
        printer.close()


def _close(printer: Any) -> None:
    """Close without draining: pyserial's flush() (in escpos's close) waits for ever on a port nobody reads."""
    try:
        if isinstance(printer, Serial | Network):
            device = printer._device
            if device:
                device.close()
            printer._device = False
        else:
            printer.close()
    except Exception:
        return  # closing a port that already failed: nothing left to tell anyone
