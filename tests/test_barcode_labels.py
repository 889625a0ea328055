"""Product barcode labels: the EAN-13 check digit against published numbers, which code a label carries, the A4
sheet PDF drawn by Qt read back (PDFium renders it, zxing-cpp decodes every barcode on the picture: the numbers
must be the products'), and the thermal label as a PrintDoc sent as ESC/POS to a file printer and read back."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pytestqt.qtbot import QtBot

from companion.domain.barcode_labels import (
    CODE128_CODE,
    EAN13_CODE,
    Label,
    LabelCode,
    NoCode,
    SheetLayout,
    bar_modules,
    cells,
    copies,
    ean13_check_digit,
    fits_thermal,
    is_ean13,
    label_code,
    label_doc,
    pages,
    product_label,
    readable,
)
from companion.domain.errors import UserError
from companion.domain.print_doc import Align, Barcode, Text, plain_lines
from companion.domain.product import ProductInput
from companion.domain.settings_keys import PRINTER_KIND, PRINTER_TARGET
from companion.gui.barcode_label_dialog import THERMAL, BarcodeLabelDialog
from companion.gui.barcode_sheet import write_pdf
from companion.gui.context import AppContext
from companion.printing import send
from companion.printing.config import Kind, PrinterConfig
from companion.services.printer_setup import save_printer
from companion.services.products import add_product
from companion.store import products as product_store

# Published EAN-13 numbers with their check digits: Wikipedia's EAN-13 example, the ISBN-13 example Wikipedia
# works through, and GS1's own example number.
PUBLISHED = ["4006381333931", "9780306406157", "5901234123457"]
KOPI_EAN = "8992761136017"  # an Indonesian (899) number with its check digit worked out by hand: 7
FORMATS = {"EAN13": EAN13_CODE, "Code128": CODE128_CODE}


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.mark.parametrize("number", PUBLISHED)
def test_check_digit_of_published_numbers(number: str) -> None:
    assert ean13_check_digit(number[:12]) == int(number[12])
    assert is_ean13(number)
    wrong = number[:12] + str((int(number[12]) + 1) % 10)
    assert not is_ean13(wrong)


def test_a_label_carries_ean13_only_for_a_valid_one() -> None:
    assert label_code("4006381333931", "KOPI") == LabelCode(EAN13_CODE, "4006381333931")
    assert label_code("4006381333932", "KOPI") == LabelCode(CODE128_CODE, "4006381333932")  # wrong check digit
    assert label_code("400638133393", "KOPI") == LabelCode(CODE128_CODE, "400638133393")  # twelve digits
    assert label_code(None, "KOPI-250") == LabelCode(CODE128_CODE, "KOPI-250")
    assert label_code("  ", "KOPI-250") == LabelCode(CODE128_CODE, "KOPI-250")
    with pytest.raises(NoCode, match="tidak punya barcode maupun SKU"):
        label_code(None, "", "Kopi")


def test_ean13_bars_have_the_standard_shape() -> None:
    bars = bar_modules(LabelCode(EAN13_CODE, "4006381333931"))
    assert len(bars) == 95
    assert bars.startswith("101") and bars.endswith("101") and bars[45:50] == "01010"
    assert len(bar_modules(LabelCode(CODE128_CODE, "KOPI-250"))) == 11 * 10 + 13  # start, 8, check, stop


def test_counts_and_pages() -> None:
    a = product_label("a", "Kopi", 15_000, "4006381333931", "KOPI")
    b = product_label("b", "Teh", 5_000, None, "TEH")
    labels = copies([(a, 20), (b, 5), (a, 0)])
    assert len(labels) == 25
    placed = pages(labels, SheetLayout.A4_3X8)
    assert [len(p) for p in placed] == [24, 1]
    assert placed[1][0][0] == b
    assert [len(p) for p in pages(labels, SheetLayout.A4_4X10)] == [25]
    with pytest.raises(UserError, match="harus dari 0 sampai 500"):
        copies([(a, 501)])


def _decoded(pdf: Path, layout: SheetLayout, dpi: int = 300) -> list[list[tuple[str, str] | None]]:
    """Every page of the PDF as a picture, cut into the layout's label places, each place's barcode decoded:
    (symbology, text) per place, page by page (None: nothing readable there)."""
    doc = pdfium.PdfDocument(str(pdf))
    k = dpi / 25.4
    try:
        out = []
        for index in range(len(doc)):
            page = doc[index]
            image: Image.Image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
            read = []
            for c in cells(layout):
                found = zxingcpp.read_barcodes(image.crop((round(c.x * k), round(c.y * k), round((c.x + c.w) * k),
                                                           round((c.y + c.h) * k))))
                assert len(found) <= 1
                read.append((FORMATS[found[0].format.name], found[0].text) if found else None)
            out.append(read)
        return out
    finally:
        doc.close()


def _expected(labels: list[Label], layout: SheetLayout) -> list[list[tuple[str, str] | None]]:
    n = len(cells(layout))
    return [[(label.code.symbology, label.code.data) for label, _cell in page] + [None] * (n - len(page))
            for page in pages(labels, layout)]


def _shop_labels() -> list[tuple[Label, int]]:
    return [(product_label("1", "Kopi Susu Gula Aren 250 gram", 35_000, KOPI_EAN, "KOPI-250"), 5),
            (product_label("2", "Teh Melati", 12_000, None, "TEH-50"), 4),
            (product_label("3", "Sambal Roa", 45_000, "0899123400017", "SMB-1"), 3),  # not EAN-13: Code 128
            (product_label("4", "Gula Pasir 1 kg", 16_500, "5901234123457", "GULA-1"), 2)]


@pytest.mark.parametrize("layout", [SheetLayout.A4_3X8, SheetLayout.A4_4X10])
def test_the_a4_sheet_reads_back_as_the_products_codes(layout: SheetLayout, qtbot: QtBot, tmp_path: Path) -> None:
    labels = copies(_shop_labels())
    found = _decoded(write_pdf(tmp_path / "labels.pdf", labels, layout), layout)
    assert found == _expected(labels, layout)
    assert Counter(found[0])[(EAN13_CODE, KOPI_EAN)] == 5
    assert Counter(found[0])[(CODE128_CODE, "0899123400017")] == 3


def test_a_second_page_and_the_label_printer_size(qtbot: QtBot, tmp_path: Path) -> None:
    label = product_label("1", "Kopi", 15_000, "4006381333931", "KOPI")
    labels = copies([(label, 26)])
    found = _decoded(write_pdf(tmp_path / "a.pdf", labels, SheetLayout.A4_3X8), SheetLayout.A4_3X8)
    assert found == _expected(labels, SheetLayout.A4_3X8) and len(found) == 2
    small = SheetLayout.LABEL_50X30
    assert _decoded(write_pdf(tmp_path / "b.pdf", labels[:2], small), small, dpi=600) == [
        [(EAN13_CODE, "4006381333931")]] * 2


def test_a_code_too_long_for_small_labels_or_the_roll_is_said() -> None:
    long_sku = LabelCode(CODE128_CODE, "SABUN-CUCI-PIRING-JERUK-NIPIS-800ML-REFILL")
    assert not readable(long_sku, 52.5 - 6)
    assert readable(LabelCode(CODE128_CODE, "SABUN-800"), 52.5 - 6)
    # the printer's own Code 128 (set B, 2 dots a module): 12 characters fit 384 dots, 13 do not; 80 mm takes 21
    assert fits_thermal(LabelCode(CODE128_CODE, "MADU-HTN-250"), 58)
    assert not fits_thermal(LabelCode(CODE128_CODE, "MADU-HTN-2500"), 58)
    assert fits_thermal(LabelCode(CODE128_CODE, "X" * 21), 80)
    assert not fits_thermal(LabelCode(CODE128_CODE, "X" * 22), 80)
    assert fits_thermal(LabelCode(EAN13_CODE, "4006381333931"), 58)


def _escpos_barcodes(data: bytes) -> list[tuple[str, str]]:
    """GS k barcodes in printer bytes: function B type 2 (EAN-13, NUL-ended) and 73 (Code 128, length first)."""
    found: list[tuple[str, str]] = []
    for m in re.finditer(rb"\x1dk(.)", data, re.S):
        kind, rest = m.group(1)[0], data[m.end():]
        if kind == 2:
            found.append((EAN13_CODE, rest[:rest.index(0)].decode()))
        elif kind == 73:
            body = rest[1:1 + rest[0]].decode()
            found.append((CODE128_CODE, body[2:] if body.startswith("{") else body))
    return found


def test_the_thermal_label_is_a_print_doc_the_printer_gets(tmp_path: Path) -> None:
    labels = copies([(product_label("1", "Kopi Susu", 15_000, "4006381333931", "K"), 2),
                     (product_label("2", "Teh", 5_000, None, "TEH-50"), 1)])
    doc = label_doc(labels, "Label barcode")
    assert doc.cut and not doc.open_drawer
    assert [i for i in doc.items if isinstance(i, Barcode)] == [
        Barcode("4006381333931", EAN13_CODE), Barcode("4006381333931", EAN13_CODE), Barcode("TEH-50", CODE128_CODE)]
    assert Text("Rp15.000", Align.CENTER, bold=True, big=True) in doc.items
    lines = plain_lines(doc, 32)
    assert [ln.strip() for ln in lines if ln.strip() in ("Kopi Susu", "Teh", "Rp15.000", "Rp5.000")] == [
        "Kopi Susu", "Rp15.000", "Kopi Susu", "Rp15.000", "Teh", "Rp5.000"]
    out = tmp_path / "printer.bin"
    send(PrinterConfig(Kind.FILE, str(out), 58), doc)
    assert _escpos_barcodes(out.read_bytes()) == [(EAN13_CODE, "4006381333931"), (EAN13_CODE, "4006381333931"),
                                                  (CODE128_CODE, "TEH-50")]


def test_the_dialog_names_what_it_cannot_print_and_saves_the_sheet(ctx: AppContext, qtbot: QtBot,
                                                                   tmp_path: Path) -> None:
    kopi, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000,
                                               barcode=KOPI_EAN))
    long_id, _ = add_product(ctx.db, ProductInput(sku="SABUN-CUCI-PIRING-JERUK-NIPIS-800ML-REFILL-BESAR",
                                                  name="Sabun", sell_price=9_000))
    products = [p for p in (product_store.get(ctx.db, i) for i in (kopi, long_id)) if p is not None]
    dialog = BarcodeLabelDialog(ctx, products)
    qtbot.addWidget(dialog)
    dialog.set_count(0, 3)
    dialog.choose_paper(SheetLayout.A4_4X10.value)
    assert "terlalu panjang" in dialog.problems.text() and "Sabun" in dialog.problems.text()
    assert dialog.summary.text() == "4 label di 1 halaman."
    saved = dialog.save_pdf(tmp_path / "label.pdf")
    assert saved is not None
    assert _decoded(saved, SheetLayout.A4_4X10)[0][:3] == [(EAN13_CODE, KOPI_EAN)] * 3
    dialog.choose_paper(THERMAL)
    assert not dialog.pdf_button.isEnabled() and "Kopi" in dialog.picture.text()
    assert not dialog.print_button.isEnabled() and "Printer thermal belum diatur" in dialog.problems.text()


def test_print_on_the_thermal_printer_sends_the_labels(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    """The dialog's thermal choice goes through PRINTING's background send: a file printer receives the bars."""
    out = tmp_path / "lp0"
    ctx.announce(save_printer(ctx.db, {PRINTER_KIND.key: "file", PRINTER_TARGET.key: str(out)}))
    kopi, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000, barcode=KOPI_EAN))
    product = product_store.get(ctx.db, kopi)
    assert product is not None
    long_id, _ = add_product(ctx.db, ProductInput(sku="SABUN-CUCI-800ML", name="Sabun", sell_price=9_000))
    long_sku = product_store.get(ctx.db, long_id)
    assert long_sku is not None
    dialog = BarcodeLabelDialog(ctx, [product, long_sku])
    qtbot.addWidget(dialog)
    dialog.choose_paper(THERMAL)
    dialog.set_count(0, 2)
    dialog.set_count(1, 0)
    assert dialog.print_button.isEnabled()
    assert dialog.problems.text() == ("Kode \"Sabun\" terlalu panjang untuk kertas 58 mm: pilih printer label atau "
                                      "kertas A4, atau beri SKU yang lebih pendek.")
    dialog.print_now()
    ctx.work.wait()
    assert _escpos_barcodes(out.read_bytes()) == [(EAN13_CODE, KOPI_EAN)] * 2
