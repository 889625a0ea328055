"""How the counter's thermal printer is reached and what its paper can do, as one plain record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PAPER_WIDTHS = (58, 80)
DOTS = {58: 384, 80: 576}  # printable dots across the paper at 203 dpi (what a logo is scaled to)
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)


class Kind(StrEnum):
    SERIAL = "serial"  # a COM port: USB-serial cables and paired Bluetooth printers
    NETWORK = "network"  # host:port, usually port 9100
    USB = "usb"  # vendor:product in hex, e.g. 0416:5011 (straight to the device, no driver)
    INSTALLED = "installed"  # a printer installed in Windows or CUPS, by its name (raw bytes through the spooler)
    FILE = "file"  # a device file such as /dev/usb/lp0 (or a file, to look at what would be printed)


@dataclass(frozen=True)
class PrinterConfig:
    kind: Kind
    target: str  # COM port / host:port / vendor:product / printer name / file path
    paper_mm: int = 58
    cut: bool = True  # the printer has a cutter and the shop wants the paper cut
    drawer: bool = False  # a cash drawer hangs on the printer's drawer port
    baud: int = 9600  # serial only
    logo: str = ""  # path of the logo picture ("" = none); printed where a document has a Logo item
    timeout: float = 4.0  # seconds to wait for the printer before saying it does not answer

    @property
    def dots(self) -> int:
        return DOTS.get(self.paper_mm, DOTS[58])


def network_address(target: str) -> tuple[str, int]:
    """"192.168.1.50" or "192.168.1.50:9100" → (host, port); ValueError for anything else."""
    host, _, port = target.rpartition(":") if ":" in target else (target, "", "9100")
    number = int(port)
    if not _HOST.fullmatch(host) or not 0 < number < 65536:
        raise ValueError(target)
    return host, number


_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")  # a name or an IPv4 address: no spaces, no scheme


def usb_ids(target: str) -> tuple[int, int]:
    """"0416:5011" (hex, as lsusb and Windows show them) → (vendor, product); ValueError for anything else."""
    vendor, _, product = target.partition(":")
    ids = int(vendor, 16), int(product, 16)
    if not all(0 < n <= 0xFFFF for n in ids):
        raise ValueError(target)
    return ids
