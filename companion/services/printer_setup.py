"""The counter printer's setup in Pengaturan: how it is connected, its paper, cutter and drawer, and what the
receipt's header and footer say. Saved checked, all fields at once; read back as a printing.PrinterConfig."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.settings_keys import (
    PRINTER_BAUD,
    PRINTER_CUT,
    PRINTER_DRAWER,
    PRINTER_KIND,
    PRINTER_PAPER_MM,
    PRINTER_SETTINGS,
    PRINTER_TARGET,
    RECEIPT_ADDRESS,
    RECEIPT_FOOTER,
    RECEIPT_LOGO,
    RECEIPT_PHONE,
    Setting,
)
from companion.i18n import N_
from companion.printing import Kind, PrinterConfig
from companion.printing.config import network_address, usb_ids
from companion.printing.logo_file import store_logo
from companion.services.change import Change
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.location import PRACTICE_BOOK_NAME

PRINTING_FOLDER = "printing"  # in the shop's data folder: the logo
TARGET_PROBLEMS = {
    Kind.SERIAL: N_("Choose the printer's port (COM3, /dev/rfcomm0 …): pair a Bluetooth printer first."),
    Kind.NETWORK: N_("Type the printer's network address, e.g. 192.168.1.50 or 192.168.1.50:9100."),
    Kind.USB: N_("Type the printer's USB id as vendor:product, e.g. 0416:5011."),
    Kind.INSTALLED: N_("Type the name of the printer as the computer lists it."),
    Kind.FILE: N_("Type the device file of the printer, e.g. /dev/usb/lp0."),
}


def printer_config(db: Database) -> PrinterConfig | None:
    """The counter's thermal printer, or None when none is set up (receipts then go to the system printer)."""
    kind = settings_store.get(db, PRINTER_KIND)
    target = settings_store.get(db, PRINTER_TARGET)
    if not kind or not target:
        return None
    return PrinterConfig(Kind(kind), target, paper_mm=settings_store.get(db, PRINTER_PAPER_MM),
                         cut=settings_store.get(db, PRINTER_CUT), drawer=settings_store.get(db, PRINTER_DRAWER),
                         baud=settings_store.get(db, PRINTER_BAUD),
                         logo=logo_path(db))


def logo_path(db: Database) -> str:
    """The logo file receipts show ("" = none)."""
    logo = settings_store.get(db, RECEIPT_LOGO)
    return str(printing_folder(db) / logo) if logo else ""


def printer_values(db: Database) -> dict[str, Any]:
    """Every printer setting as stored (by key), for the setup form."""
    return {s.key: settings_store.get(db, s) for s in PRINTER_SETTINGS}


def clean_printer(values: Mapping[str, str]) -> dict[str, str]:
    """The form's values (by setting key) trimmed and checked; FieldProblems names every failing field."""
    found: list[FieldProblem] = []
    out: dict[str, str] = {}
    for key, raw in values.items():
        setting = _editable(key)
        text = " ".join(str(raw).split()) if setting.kind is str else str(raw).strip()
        problem = setting.problem_with(text)
        if problem:
            found.append(FieldProblem(key, UserError(problem)))
        out[key] = text
    kind = out.get(PRINTER_KIND.key, "")
    if kind and not any(p.field == PRINTER_KIND.key for p in found):
        problem = _target_problem(Kind(kind), out.get(PRINTER_TARGET.key, ""))
        if problem:
            found.append(FieldProblem(PRINTER_TARGET.key, UserError(problem)))
    raise_problems(found)
    return out


def save_printer(db: Database, values: Mapping[str, str]) -> Change:
    """Check and store the printer settings together in one transaction."""
    clean = clean_printer(values)
    with db.write():
        for key, text in clean.items():
            setting = _editable(key)
            settings_store.put(db, setting, setting.read(text))
    return Change(settings=True)


def save_logo(db: Database, source: Path) -> Change:
    """Copy the chosen picture into the data folder as the receipt's logo (UserError when it is not a picture)."""
    name = store_logo(source, printing_folder(db))
    with db.write():
        settings_store.put(db, RECEIPT_LOGO, name)
    return Change(settings=True)


def remove_logo(db: Database) -> Change:
    """No logo on receipts any more (the copied file stays: a restore of an older backup may name it)."""
    with db.write():
        settings_store.put(db, RECEIPT_LOGO, "")
    return Change(settings=True)


def printing_folder(db: Database) -> Path:
    """<data folder>/printing, for the shop's book and the practice book (<data folder>/practice/book…) alike."""
    folder = db.path.parent
    if db.path.name == PRACTICE_BOOK_NAME:
        folder = folder.parent
    return folder / PRINTING_FOLDER


def _editable(key: str) -> Setting[Any]:
    setting = next((s for s in PRINTER_SETTINGS if s.key == key and s is not RECEIPT_LOGO), None)
    if setting is None:
        raise ValueError(f"not a printer setting: {key!r}")
    return setting


def _target_problem(kind: Kind, target: str) -> str:
    """The msgid of what is wrong with the port/address for this kind of connection ("" when usable)."""
    try:
        if not target:
            raise ValueError(target)
        if kind is Kind.NETWORK:
            network_address(target)
        elif kind is Kind.USB:
            usb_ids(target)
    except ValueError:
        return TARGET_PROBLEMS[kind]
    return ""


__all__ = ["RECEIPT_ADDRESS", "RECEIPT_FOOTER", "RECEIPT_PHONE", "clean_printer", "logo_path", "printer_config",
           "printer_values", "remove_logo", "save_logo", "save_printer"]
