"""The printer at the counter through the GUI: set up in Pengaturan, receipts printed in the background, a failed
print saying the sale is saved and offering "Cetak ulang", and the same receipt as a PDF (looked at as an image)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import PRINTER_KIND, PRINTER_PAPER_MM, PRINTER_TARGET, RECEIPT_ADDRESS
from companion.gui.context import AppContext
from companion.gui.printer_setup import PrinterSetup
from companion.gui.receipt import ReceiptDialog
from companion.gui.receipt_printing import _open, print_sale_receipt
from companion.i18n import set_language
from companion.printing import Kind
from companion.services.printer_setup import printer_config, save_printer
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import sales as sale_store
from tests.capture_printers import NetworkCapture
from tests.escpos_decoder import decode

SHOTS = Path("/tmp/w/shots18/printing")


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    set_language("id")
    context = AppContext(data_dir)
    yield context
    context.work.wait()
    context.close()
    for widget in list(_open):
        widget.close()
    _open.clear()


@pytest.fixture
def sale_id(ctx: AppContext) -> str:
    pid, _ = add_product(ctx.db, ProductInput(sku="TEH-1", name="Teh Botol Sosro 450 ml", sell_price=5_000), 20)
    return record_sale(ctx.db, [LineInput(pid, 3, 5_000)], PaymentMethod.CASH, amount_paid=20_000).sale_id


def _use_network(ctx: AppContext, address: str, paper: int = 58) -> None:
    ctx.announce(save_printer(ctx.db, {PRINTER_KIND.key: "network", PRINTER_TARGET.key: address,
                                       PRINTER_PAPER_MM.key: str(paper)}))


def test_setup_checks_the_address_and_saves(qtbot: QtBot, ctx: AppContext) -> None:
    setup = PrinterSetup(ctx)
    qtbot.addWidget(setup)
    setup.kind.setCurrentIndex(setup.kind.findData("network"))
    setup.target.setCurrentText("printer di kasir")
    assert not setup.save()
    assert "192.168.1.50" in setup.errors.text(PRINTER_TARGET.key)
    assert printer_config(ctx.db) is None
    setup.target.setCurrentText("192.168.1.50")
    setup.paper.setCurrentIndex(setup.paper.findData(80))
    setup.address.setText("Jl.  Mawar 12,   Bandung")
    assert setup.save()
    config = printer_config(ctx.db)
    assert config is not None and (config.kind, config.target, config.paper_mm) == (Kind.NETWORK, "192.168.1.50", 80)
    assert ctx.setting(RECEIPT_ADDRESS) == "Jl. Mawar 12, Bandung"


def test_logo_is_copied_and_a_non_picture_refused(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    setup = PrinterSetup(ctx)
    qtbot.addWidget(setup)
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not a picture")
    setup.use_logo(bad)
    assert "PNG" in setup.note.text() and printer_config(ctx.db) is None
    good = tmp_path / "toko.png"
    Image.new("RGBA", (2000, 1000), (200, 0, 0, 255)).save(good)
    setup.use_logo(good)
    _use_network(ctx, "127.0.0.1:9100")
    config = printer_config(ctx.db)
    assert config is not None and Path(config.logo).is_file() and Path(config.logo).parent.parent == ctx.data_dir
    with Image.open(config.logo) as copied:
        assert copied.width <= 576 and copied.height <= 288
    good.unlink()  # the original may go: the copy stays
    assert Path(config.logo).is_file()


def test_receipt_prints_in_the_background(qtbot: QtBot, ctx: AppContext, sale_id: str) -> None:
    with NetworkCapture() as printer:
        _use_network(ctx, printer.address)
        print_sale_receipt(QApplication.activeWindow(), ctx, sale_id, open_drawer=True)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bool(printer.jobs))
    sale = sale_store.get(ctx.db, sale_id)
    assert sale is not None
    paper = decode(printer.jobs[0])
    text = "\n".join(paper.text_lines(32))
    assert sale.number in text and "Rp15.000" in text and "Kembalian" in text and "Rp5.000" in text
    assert paper.count("kick") == 0  # the drawer is not switched on in the setup


def test_a_failed_print_says_the_sale_is_saved_and_prints_again(qtbot: QtBot, ctx: AppContext,
                                                                sale_id: str) -> None:
    with NetworkCapture() as gone:
        address = gone.address
    _use_network(ctx, address)
    print_sale_receipt(QApplication.activeWindow(), ctx, sale_id)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) for w in _open))
    box = next(w for w in _open if isinstance(w, QMessageBox))
    assert "Penjualan sudah tersimpan" in box.text() and "menolak" in box.informativeText()
    again = next(b for b in box.buttons() if b.text() == "Cetak ulang")
    with NetworkCapture() as printer:
        _use_network(ctx, printer.address)  # the owner switched the printer on (here: a new address)
        again.click()
        qtbot.waitUntil(lambda: bool(printer.jobs))
    assert sale_store.get(ctx.db, sale_id) is not None
    assert len(sale_store.recent(ctx.db, "0000", "9999")) == 1  # printing again never records the sale again


def test_without_a_thermal_printer_the_receipt_opens_on_screen(qtbot: QtBot, ctx: AppContext, sale_id: str) -> None:
    print_sale_receipt(QApplication.activeWindow(), ctx, sale_id)  # type: ignore[arg-type]
    [dialog] = [w for w in _open if isinstance(w, ReceiptDialog)]
    assert "Kembalian" in dialog.text()


@pytest.mark.parametrize("paper", (58, 80))
def test_pdf_receipt_is_as_wide_as_the_roll(qtbot: QtBot, ctx: AppContext, sale_id: str, paper: int,
                                            tmp_path: Path) -> None:
    ctx.announce(save_printer(ctx.db, {PRINTER_KIND.key: "file", PRINTER_TARGET.key: "/dev/null",
                                       PRINTER_PAPER_MM.key: str(paper)}))
    dialog = ReceiptDialog(ctx, sale_id, after_sale=False)
    qtbot.addWidget(dialog)
    target = tmp_path / "struk.pdf"
    dialog.save_pdf(target)
    pdf = pdfium.PdfDocument(str(target))
    page = pdf[0]
    width_mm = page.get_width() / 72 * 25.4
    assert abs(width_mm - paper) < 1
    text = page.get_textpage().get_text_range()
    assert "Rp15.000" in text and "Kembalian" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.render(scale=3).to_pil().save(SHOTS / f"receipt-pdf-{paper}mm.png")
    pdf.close()


def test_settings_page_has_the_printer_section(qtbot: QtBot, ctx: AppContext) -> None:
    from companion.gui.pages.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert isinstance(page.printer, PrinterSetup)
    page.printer.kind.setCurrentIndex(page.printer.kind.findData("usb"))
    page.printer.target.setCurrentText("printer")
    assert not page.printer.save()
    assert "0416:5011" in page.printer.target_error.text()
