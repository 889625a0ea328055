"""Printing to the counter's printers: ESC/POS thermal printers (USB, COM/Bluetooth, network, an installed
Windows/CUPS printer) through python-escpos. Beside store and connectors: it talks to devices, never to the database
and never to Qt; documents arrive as domain.print_doc records."""

from companion.printing.config import Kind, PrinterConfig
from companion.printing.problems import PrinterProblem
from companion.printing.sending import send

__all__ = ["Kind", "PrinterConfig", "PrinterProblem", "send"]
