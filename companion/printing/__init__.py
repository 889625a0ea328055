"""Printing to the counter's printers: ESC/POS thermal printers (USB, COM/Bluetooth, network, an installed
Windows/CUPS printer) through python-escpos. Beside store and connectors: it talks to devices, never to the database
and never to Qt; documents arrive as domain.print_doc records."""

from companion.domain.print_doc import PrintDoc
from companion.printing.config import Kind, PrinterConfig
from companion.printing.problems import PrinterProblem


def send(config: PrinterConfig, doc: PrintDoc) -> None:
    """Print `doc` on the printer of `config`, or raise PrinterProblem (see sending.py). escpos is imported on the
    first print, not at start-up: it parses its printer list then (~0.3 s)."""
    from companion.printing.sending import send as send_now

    send_now(config, doc)


__all__ = ["Kind", "PrinterConfig", "PrinterProblem", "send"]
