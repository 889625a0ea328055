"""Thermal printing end to end: documents laid out as ESC/POS, sent to capture printers (a serial pseudo-terminal
and a TCP listener on 127.0.0.1), and the bytes read back into lines, cuts and drawer kicks at both paper widths;
the faults a counter meets (printer off, port refused or held by another program, out of paper, gone mid-receipt)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from companion.domain.payments import Payment
from companion.domain.print_doc import (
    Align,
    Barcode,
    Feed,
    Logo,
    Pair,
    PrintDoc,
    QrCode,
    Rule,
    Text,
    columns,
    plain_lines,
)
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.i18n import set_language
from companion.printing import Kind, PrinterConfig, PrinterProblem, send
from companion.printing import problems as wording
from companion.printing.plain_text import ascii_text
from companion.printing.render import render
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.services.receipts import sale_receipt
from companion.services.sales import record_sale
from companion.store.database import Database
from tests.capture_printers import PAPER_OUT, NetworkCapture, SerialCapture
from tests.escpos_decoder import decode

WIDTHS = (58, 80)
PTY = pytest.mark.skipif(not hasattr(os, "openpty"), reason="the serial capture printer is a POSIX pseudo-terminal")


def _split_kasbon_sale(db: Database) -> str:
    """Coffee and sugar, paid part QRIS, part cash with change, the rest on kasbon for Bu Sari."""
    kopi, _ = add_product(db, ProductInput(sku="KOPI-1", name="Kopi Bubuk Kapal Api Spesial 165 gr × 2",
                                           sell_price=15_000), 50)
    gula, _ = add_product(db, ProductInput(sku="GULA-1", name="Gula Pasir Gulaku Premium Kemasan 1 kg é",
                                           sell_price=18_000), 50)
    customer, _ = add_customer(db, "Bu Sari", "0812 3456 789")
    payment = Payment({PaymentMethod.QRIS: 20_000}, cash_given=20_000, credit=10_000, customer_id=customer,
                      due_date=date.today() + timedelta(days=7))
    lines = [LineInput(kopi, 2, 15_000, 1_000), LineInput(gula, 1, 18_000)]
    return record_sale(db, lines, payment=payment).sale_id


def _doc_with_everything() -> PrintDoc:
    return PrintDoc((Logo(), Text("Toko Maju Jaya", Align.CENTER, bold=True, big=True),
                     Text("Jl. Mawar 1", Align.RIGHT), Rule(), Pair("Kopi × 2 é 漢字", "Rp10.000"),
                     Pair("Total", "Rp10.000", bold=True), Feed(),
                     QrCode("00020101021126", "Scan QRIS"), Barcode("BRG-0001"), Text("Terima kasih")),
                    open_drawer=True, title="test")


def _lines(doc: PrintDoc, width: int) -> list[str]:
    out = [ascii_text(line) for line in plain_lines(doc, width)]
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("paper", WIDTHS)
def test_a_document_reads_back_line_for_line(paper: int, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (1000, 300), "red").save(logo)
    doc = _doc_with_everything()
    config = PrinterConfig(Kind.FILE, "-", paper_mm=paper, drawer=True, logo=str(logo))
    paper_out = decode(render(doc, config))
    assert paper_out.text_lines(columns(paper)) == _lines(doc, columns(paper))
    assert paper_out.events[0] == ("kick", 0)  # the drawer opens first: change is given while it prints
    assert paper_out.count("cut") == 1 and paper_out.events[-1] == ("cut",)
    assert paper_out.of("qr") == [("qr", "00020101021126")]
    assert paper_out.of("barcode") == [("barcode", "CODE128", "BRG-0001")]
    [(_, width, height)] = paper_out.of("image")
    assert width == config.dots and 0 < int(str(height)) <= config.dots // 2
    big = next(line for line in paper_out.lines() if line.text == "Toko Maju Jaya")
    assert big.wide and big.bold and big.align == 1


def test_no_cut_no_kick_when_the_printer_has_neither() -> None:
    doc = _doc_with_everything()
    paper_out = decode(render(doc, PrinterConfig(Kind.FILE, "-", cut=False, drawer=False)))
    assert paper_out.count("cut") == 0 and paper_out.count("kick") == 0
    assert paper_out.count("image") == 0  # no logo file set: no picture, no failure


@PTY
@pytest.mark.parametrize("paper", WIDTHS)
def test_split_and_kasbon_receipt_through_a_serial_printer(paper: int, db: Database) -> None:
    sale_id = _split_kasbon_sale(db)
    doc = sale_receipt(db, sale_id, open_drawer=True)
    with SerialCapture() as printer:
        send(PrinterConfig(Kind.SERIAL, printer.port, paper_mm=paper, drawer=True), doc)
        received = printer.stop()
    assert received.startswith(b"\x10\x04\x04")  # asked about paper before anything was printed
    paper_out = decode(received)
    width = columns(paper)
    text = paper_out.text_lines(width)
    assert text == _lines(doc, width)
    assert all(len(line) <= width for line in text)
    joined = "\n".join(text)
    for part in ("QRIS", "Rp20.000", "Tunai", "Kembalian", "Rp10.000", "Bu Sari", "Kasbon", "Kopi Bubuk Kapal Api"):
        assert part in joined, part
    assert "Kopi Bubuk Kapal Api Spesial 165 gr x 2" in joined.replace("\n", " ")
    assert paper_out.count("kick") == 1 and paper_out.count("cut") == 1


@pytest.mark.parametrize("paper", WIDTHS)
def test_receipt_through_a_network_printer(paper: int, db: Database) -> None:
    sale_id = _split_kasbon_sale(db)
    doc = sale_receipt(db, sale_id)
    with NetworkCapture() as printer:
        send(PrinterConfig(Kind.NETWORK, printer.address, paper_mm=paper, cut=True), doc)
        assert printer.done.wait(10)
    [job] = printer.jobs
    paper_out = decode(job)
    assert paper_out.text_lines(columns(paper)) == _lines(doc, columns(paper))
    assert paper_out.count("cut") == 1 and paper_out.count("kick") == 0  # not asked to open the drawer
    assert paper_out.of("status") == [("status", 4), ("status", 1)]  # paper before, still there after


def test_cash_sale_kicks_the_drawer_only_when_asked_and_paid_in_cash(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="TEH-1", name="Teh", sell_price=4_000), 10)
    cash = record_sale(db, [LineInput(pid, 1, 4_000)], PaymentMethod.CASH).sale_id
    qris = record_sale(db, [LineInput(pid, 1, 4_000)], PaymentMethod.QRIS).sale_id
    assert sale_receipt(db, cash, open_drawer=True).open_drawer
    assert not sale_receipt(db, cash).open_drawer
    assert not sale_receipt(db, qris, open_drawer=True).open_drawer


def test_out_of_paper_prints_nothing_and_says_so() -> None:
    with NetworkCapture(paper=PAPER_OUT) as printer:
        with pytest.raises(PrinterProblem) as caught:
            send(PrinterConfig(Kind.NETWORK, printer.address), _doc_with_everything())
        assert printer.done.wait(10)
    assert caught.value.msgid == wording.OUT_OF_PAPER and not caught.value.partial
    assert printer.jobs == [b"\x10\x04\x04"]  # only the question went out
    set_language("id")
    assert "kertas" in caught.value.message().lower()


@PTY
def test_serial_out_of_paper() -> None:
    with SerialCapture(paper=PAPER_OUT) as printer:
        with pytest.raises(PrinterProblem) as caught:
            send(PrinterConfig(Kind.SERIAL, printer.port), _doc_with_everything())
        assert printer.stop() == b"\x10\x04\x04"
    assert caught.value.msgid == wording.OUT_OF_PAPER


@PTY
def test_a_printer_without_status_still_prints() -> None:
    with SerialCapture(paper=None) as printer:
        send(PrinterConfig(Kind.SERIAL, printer.port), _doc_with_everything())
        paper_out = decode(printer.stop())
    assert "Terima kasih" in [line.text for line in paper_out.lines()]


def test_network_printer_switched_off_refuses() -> None:
    with NetworkCapture() as printer:
        address = printer.address
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.NETWORK, address, timeout=2), _doc_with_everything())
    assert caught.value.msgid == wording.REFUSED and not caught.value.partial


def test_network_printer_gone_mid_receipt_says_the_receipt_may_be_cut_short() -> None:
    with NetworkCapture(close_after=40) as printer, pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.NETWORK, printer.address, timeout=2), _doc_with_everything())
    assert caught.value.msgid == wording.STOPPED and caught.value.partial
    set_language("id")
    assert "tersimpan" in caught.value.message()


def test_serial_port_that_is_not_there() -> None:
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.SERIAL, "/dev/ttyNO-SUCH-PRINTER"), _doc_with_everything())
    assert caught.value.msgid == wording.NOT_FOUND


@PTY
def test_serial_printer_that_stops_taking_bytes_does_not_hang() -> None:
    """Nobody reads the pty: its buffer fills, the write timeout ends the wait (no freeze at the counter)."""
    big = PrintDoc(tuple(Pair(f"Barang nomor {n}", "Rp1.000") for n in range(1500)))
    with SerialCapture(read=False) as printer, pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.SERIAL, printer.port, timeout=1), big)
    assert caught.value.msgid == wording.STOPPED and caught.value.partial


@PTY
def test_serial_printer_unplugged_mid_receipt() -> None:
    big = PrintDoc(tuple(Pair(f"Barang nomor {n}", "Rp1.000") for n in range(1500)))
    with SerialCapture(unplug_after=200) as printer, pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.SERIAL, printer.port, timeout=2), big)
    assert caught.value.msgid == wording.STOPPED and caught.value.partial


@PTY
def test_serial_port_held_by_another_program() -> None:
    with SerialCapture() as printer:
        holder = subprocess.Popen(
            [sys.executable, "-c", "import serial, sys; p = serial.Serial(sys.argv[1], exclusive=True); "
             "print('held', flush=True); sys.stdin.read()", printer.port],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            with pytest.raises(PrinterProblem) as caught:
                send(PrinterConfig(Kind.SERIAL, printer.port), _doc_with_everything())
        finally:
            holder.communicate("")
        assert printer.stop() == b""  # not one byte went to the other program's port
    assert caught.value.msgid == wording.IN_USE
    set_language("id")
    assert printer.port in caught.value.message()


def test_addresses_that_cannot_be_used() -> None:
    for kind, target in ((Kind.NETWORK, "printer:notaport"), (Kind.USB, "zz:yy"), (Kind.NETWORK, ":9100")):
        with pytest.raises(PrinterProblem) as caught:
            send(PrinterConfig(kind, target), _doc_with_everything())
        assert caught.value.msgid == wording.BAD_ADDRESS, target


def test_text_of_any_script_prints_as_ascii() -> None:
    assert ascii_text("Café × 2 – “ok” … naïve ½") == 'Cafe x 2 - "ok" ... naive 1/2'
    assert ascii_text("漢字 🍜") == "?? ?"
    paper_out = decode(render(PrintDoc((Text("Kué 漢字 🍜 ×3"),)), PrinterConfig(Kind.FILE, "-")))
    assert paper_out.lines()[0].text == "Kue ?? ? x3"


def test_importing_escpos_leaves_no_cache_folder_behind(tmp_path: Path) -> None:
    """escpos.capabilities makes a temporary folder and a pickle at import; ours removes it straight after. The
    child's temporary folder is this test's own: other tests (or test workers) make files in the shared one."""
    code = ("import tempfile, pathlib; listed = lambda: set(pathlib.Path(tempfile.gettempdir()).iterdir()); "
            "before = listed(); import logging, companion.printing.render, escpos.capabilities; "
            "print(len(listed() - before), len(logging.getLogger().handlers), 'escpos' in str(escpos.capabilities))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert out.stdout.split() == ["0", "0", "True"]


def test_product_label_barcodes_and_a_code_the_printer_cannot_take() -> None:
    label = PrintDoc((Text("Kopi Bubuk 250 g", Align.CENTER), Barcode("8991234567895", "EAN13"),
                      Text("Rp35.000", Align.CENTER, bold=True)), title="label")
    paper_out = decode(render(label, PrinterConfig(Kind.FILE, "-")))
    assert paper_out.of("barcode") == [("barcode", "EAN13", "8991234567895")]
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.FILE, "-"), PrintDoc((Barcode("not-digits", "EAN13"),)))
    assert caught.value.msgid == wording.CANNOT_LAY_OUT


def test_whole_sale_on_kasbon_shows_what_is_owed_and_by_when(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="BERAS-5", name="Beras 5 kg", sell_price=70_000), 10)
    customer, _ = add_customer(db, "Pak Budi", "0813 1111 2222")
    due = date.today() + timedelta(days=14)
    sale_id = record_sale(db, [LineInput(pid, 1, 70_000)],
                          payment=Payment({}, cash_given=0, credit=70_000, customer_id=customer, due_date=due)).sale_id
    set_language("id")
    text = "\n".join(plain_lines(sale_receipt(db, sale_id), 32))
    assert "Pelanggan: Pak Budi" in text and "Kasbon (utang)" in text and "Rp70.000" in text
    assert "Bayar paling lambat" in text and "Kembalian" not in text


def test_usb_printer_not_plugged_in() -> None:
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.USB, "0416:5011"), _doc_with_everything())
    assert caught.value.msgid == wording.USB_MISSING


@pytest.mark.skipif(sys.platform == "win32", reason="lp is the spooler on Linux and macOS")
def test_installed_printer_the_spooler_does_not_know() -> None:
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.INSTALLED, "no-such-printer-here"), _doc_with_everything())
    assert caught.value.msgid == wording.SPOOLER and not caught.value.partial


def test_a_missing_usb_serial_port_is_not_called_a_usb_printer() -> None:
    with pytest.raises(PrinterProblem) as caught:
        send(PrinterConfig(Kind.SERIAL, "/dev/ttyUSB97"), _doc_with_everything())
    assert caught.value.msgid == wording.NOT_FOUND


def test_escpos_waits_for_the_first_print() -> None:
    """Start-up imports the printing API and the setup page but not escpos (its printer list costs ~0.3 s)."""
    code = ("import sys, companion.printing, companion.services.printer_setup, companion.gui.printer_setup; "
            "print('escpos' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.split() == ["False"]
