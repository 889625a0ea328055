"""Opening the counter's printer by its kind, on python-escpos's connection classes, with short timeouts.

escpos opens a serial port without a write timeout and without an exclusive lock, so a printer that stops taking
bytes would hang the print for ever and two programs could interleave their receipts on one port: our Serial opens
the port itself with both. Its USB class writes to endpoint 0x01 and reads 0x82 whatever the printer has: ours takes
the bulk endpoints the printer declares, through libusb-package's bundled libusb. An installed printer is Win32Raw
(the Windows spooler, RAW) on Windows and `lp -d NAME -o raw` elsewhere (see spooler.py).
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from companion.printing import escpos_loading  # noqa: F401  (before escpos: keeps its import harmless)
from companion.printing.config import Kind, PrinterConfig, network_address, usb_ids
from companion.printing.spooler import LpSpooler

import serial  # isort: skip
from escpos.escpos import Escpos  # isort: skip
from escpos.printer import File  # isort: skip
from escpos.printer import Network as EscposNetwork  # isort: skip
from escpos.printer import Serial as EscposSerial  # isort: skip
from escpos.printer import Usb as EscposUsb  # isort: skip


class Serial(EscposSerial):
    """escpos's serial printer with a write timeout and the port held exclusively (another program is refused)."""

    def __init__(self, devfile: str, baudrate: int, timeout: float) -> None:
        # No DSR/DTR handshake (escpos's default): on Windows it makes every write wait for DSR, which many
        # USB-serial chips and 3-wire cables never raise (the print would time out). A thermal printer takes bytes
        # far faster than 9600-115200 baud bring them, so no flow control is needed.
        super().__init__(devfile=devfile, baudrate=baudrate, timeout=timeout, dsrdtr=False)

    def open(self, raise_not_found: bool = True) -> None:
        # SerialException and OSError go up as they are: problems.py words them (in use / not there / refused).
        self.device = serial.Serial(port=self.devfile, baudrate=self.baudrate, bytesize=self.bytesize,
                                    parity=self.parity, stopbits=self.stopbits, timeout=self.timeout,
                                    write_timeout=self.timeout, xonxoff=self.xonxoff, dsrdtr=self.dsrdtr,
                                    exclusive=True)


class Network(EscposNetwork):
    """escpos's network printer, its connection errors left as they are (escpos words them all "not found")."""

    def open(self, raise_not_found: bool = True) -> None:
        self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)


class Usb(EscposUsb):
    """escpos's USB printer on libusb-package's libusb, writing to the endpoints the printer declares."""

    def __init__(self, vendor: int, product: int, timeout: float) -> None:
        import libusb_package  # only with a USB printer: a native library
        super().__init__(idVendor=vendor, idProduct=product, timeout=int(timeout * 1000),
                         usb_args={"backend": libusb_package.get_libusb1_backend()})

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        ends: tuple[int, int] = _bulk_endpoints(self.device, getattr(self, "out_ep", 1), getattr(self, "in_ep", 0x82))
        self.out_ep, self.in_ep = ends


def _bulk_endpoints(device: Any, out_ep: int, in_ep: int) -> tuple[int, int]:
    """The first bulk OUT and IN endpoints of the printer's first interface (escpos's defaults when unreadable)."""
    import usb.util
    try:
        interface = device.get_active_configuration()[(0, 0)]
    except Exception:  # pyusb raises several kinds; escpos's defaults stay
        return out_ep, in_ep
    for endpoint in interface:
        if usb.util.endpoint_type(endpoint.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
            continue
        if usb.util.endpoint_direction(endpoint.bEndpointAddress) == usb.util.ENDPOINT_OUT:
            out_ep = endpoint.bEndpointAddress
        else:
            in_ep = endpoint.bEndpointAddress
    return out_ep, in_ep


def connect(config: PrinterConfig) -> Escpos:
    """An opened escpos printer for `config`; errors go up raw for problems.py to word."""
    printer = _printer(config)
    printer.open()
    return printer


def _printer(config: PrinterConfig) -> Escpos:
    target = config.target.strip()
    if config.kind is Kind.SERIAL:
        return Serial(target, config.baud, config.timeout)
    if config.kind is Kind.NETWORK:
        host, port = network_address(target)
        return Network(host, port, timeout=config.timeout)
    if config.kind is Kind.USB:
        vendor, product = usb_ids(target)
        return Usb(vendor, product, config.timeout)
    if config.kind is Kind.INSTALLED:
        if sys.platform == "win32":
            from escpos.printer import Win32Raw  # needs pywin32: Windows only
            return Win32Raw(target)
        return LpSpooler(target, config.timeout)
    return File(target, auto_flush=False)
