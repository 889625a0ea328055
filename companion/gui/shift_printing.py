"""Where a shift report goes to paper: PRINTING's print_document (the thermal printer in the background; with none
set up, the report on screen with Print and Save PDF)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from companion.domain.print_doc import COLUMNS, PrintDoc, columns
from companion.gui.context import AppContext
from companion.gui.receipt_printing import print_document
from companion.services.printer_setup import printer_config

WIDE = COLUMNS[80]


def has_thermal_printer(ctx: AppContext) -> bool:
    return printer_config(ctx.db) is not None


def paper_columns(ctx: AppContext) -> int:
    """Characters per line of the shop's receipt paper (80 mm's 48 when no thermal printer is set up)."""
    config = printer_config(ctx.db)
    return WIDE if config is None else columns(config.paper_mm)


def print_report(parent: QWidget, ctx: AppContext, doc: PrintDoc) -> None:
    """Send the report to the printer without holding the counter up; a failed print says so and offers again."""
    print_document(parent, ctx, doc)
