"""What went wrong with a printer, in one sentence a cashier can act on."""

from __future__ import annotations

import errno
import socket
import sys

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.printing.config import Kind, PrinterConfig

import serial  # isort: skip


class SpoolerRefused(Exception):
    """lp is missing or refused the job; the text is lp's own (for the log)."""


class PrinterProblem(UserError):
    """The printer could not print (off, unplugged, busy, out of paper, not found); the message says what to do.

    `partial` is True when some of the document may already be on the paper (the printer stopped mid-way)."""

    def __init__(self, msgid: str, partial: bool = False, **params: object) -> None:
        super().__init__(msgid, **params)
        self.partial = partial


def worded(exc: BaseException, config: PrinterConfig, partial: bool) -> PrinterProblem:
    """A connection's error (pyserial, socket, pyusb, spooler, escpos) as the sentence the cashier reads."""
    root = _root(exc)
    where = config.target.strip() or "?"
    if partial:
        return PrinterProblem(STOPPED, partial=True, where=where)
    if isinstance(root, serial.SerialTimeoutException | TimeoutError):
        return PrinterProblem(NO_ANSWER, where=where, seconds=f"{config.timeout:g}")
    if _port_busy(root):
        return PrinterProblem(IN_USE, where=where)
    if isinstance(root, PermissionError) or getattr(root, "errno", None) == errno.EACCES:
        return PrinterProblem(NOT_ALLOWED, where=where)
    if isinstance(root, ConnectionRefusedError):
        return PrinterProblem(REFUSED, where=where)
    if isinstance(root, socket.gaierror | ValueError):
        return PrinterProblem(BAD_ADDRESS, where=where)
    if isinstance(root, SpoolerRefused):
        return PrinterProblem(SPOOLER, where=where)
    if config.kind is Kind.USB:
        return PrinterProblem(USB_MISSING, where=where)
    return PrinterProblem(NOT_FOUND, where=where)


def _root(exc: BaseException) -> BaseException:
    """The first error in the chain: escpos rewords socket and USB errors as DeviceNotFoundError."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return exc


def _port_busy(exc: BaseException) -> bool:
    """Another program holds the port: our exclusive lock refused (POSIX), or Windows' "Access is denied"."""
    text = str(exc).lower()
    if "exclusively lock" in text or getattr(exc, "errno", None) in (errno.EBUSY, errno.EAGAIN):
        return True
    return sys.platform == "win32" and ("access is denied" in text or "permissionerror" in text)


STOPPED = N_("The printer stopped in the middle of the receipt ({where}): the sale is saved; check the paper, "
             "power and cable, then press Reprint.")
NO_ANSWER = N_("The printer ({where}) did not answer within {seconds} seconds: check that it is switched on and "
               "connected, then press Reprint.")
IN_USE = N_("The printer's port {where} is in use by another program: close that program (or its print window), "
            "then press Reprint.")
NOT_ALLOWED = N_("This computer does not let the app use {where}: on Linux add your user to the dialout (serial) "
                 "or lp group, or choose the printer in Pengaturan again.")
REFUSED = N_("The printer at {where} refused the connection: check that it is switched on and that the address "
             "in Pengaturan is right.")
BAD_ADDRESS = N_("The printer address {where} cannot be used: type it as in Pengaturan's example, e.g. "
                 "192.168.1.50:9100, COM3 or 0416:5011.")
SPOOLER = N_("The installed printer {where} did not take the receipt: check its name in Pengaturan and that it is "
             "switched on.")
USB_MISSING = N_("No USB printer {where} was found: check that it is switched on and plugged in, then press "
                 "Reprint.")
NOT_FOUND = N_("No printer answers on {where}: check that it is switched on and plugged in (or paired), or choose "
               "another port in Pengaturan.")
OUT_OF_PAPER = N_("The printer ({where}) is out of paper: put in a new roll, then press Reprint.")
CANNOT_LAY_OUT = N_("This document cannot be printed on the thermal printer ({reason}): print it as PDF instead.")
