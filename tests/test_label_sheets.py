"""Label sheets: many orders' label PDFs composed into one PDF (thermal 100×150 mm, A6, or four per A4 page),
scaled to fit with the aspect kept and never cropped; a missing or broken label is one sentence, never a crash."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.fulfilment import ShippingDocument
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.gui.context import AppContext
from companion.gui.label_printing import LabelPrintDialog, print_labels, setup_printer
from companion.practice.label_pdf import Label, label_pdf
from companion.services.accounts import link_practice_accounts
from companion.services.label_sheets import (
    FILE_GONE,
    FORMATS,
    MM,
    NO_LABEL,
    UNREADABLE,
    LabelSource,
    SheetLayout,
    compose,
)
from companion.services.online_orders import apply_orders
from companion.services.shipping_labels import save_label
from companion.store import label_files
from companion.store import online_orders as order_store
from companion.store.database import Database

pytestmark = pytest.mark.usefixtures("qapp")  # QPdfWriter draws the test labels' text


def make_label(path: Path, number: str, width_mm: float = 100, height_mm: float = 150, pages: int = 1) -> Path:
    """A label PDF the way a platform hands one out: a framed page with the order number on it."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    painter = QPainter(writer)
    for page in range(pages):
        if page:
            writer.newPage()
        w, h = writer.width(), writer.height()
        painter.fillRect(QRectF(0, 0, w, h), QColor("#f4f4f4"))  # the whole page: its bounds are the label's
        painter.drawRect(QRectF(20, 20, w - 40, h - 40))
        painter.setFont(QFont("DejaVu Sans", 14))
        painter.drawText(QRectF(60, 60, w - 120, h / 3), f"ORDER {number} / {page + 1}")
    painter.end()
    return path


def sources(folder: Path, count: int) -> list[LabelSource]:
    return [LabelSource(f"o{n}", f"2412{n:04d}", make_label(folder / f"l{n}.pdf", f"2412{n:04d}"))
            for n in range(count)]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc.get_page_size(i) for i in range(len(doc))]
    finally:
        doc.close()


def label_boxes(pdf: bytes, page: int) -> list[tuple[float, float, float, float]]:
    """The bounds of each placed label (one form object each) on a page of the sheet."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [tuple(obj.get_bounds()) for obj in doc[page].get_objects(max_depth=0)
                if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM]
    finally:
        doc.close()


@pytest.mark.parametrize("count", range(1, 10))
@pytest.mark.parametrize("layout", list(SheetLayout))
def test_page_count_and_size_for_one_to_nine_labels(tmp_path: Path, count: int, layout: SheetLayout) -> None:
    sheet = compose(sources(tmp_path, count), layout)
    fmt = FORMATS[layout]
    assert sheet.labels == count and len(sheet.placed) == count and not sheet.unprinted
    assert sheet.pages == math.ceil(count / fmt.per_page)
    sizes = page_sizes(sheet.pdf)
    assert len(sizes) == sheet.pages
    for width, height in sizes:
        assert width == pytest.approx(fmt.width, abs=0.5) and height == pytest.approx(fmt.height, abs=0.5)
    if layout is SheetLayout.THERMAL:
        assert sizes[0] == pytest.approx((100 * MM, 150 * MM), abs=0.5)
    if layout is SheetLayout.A4:
        assert sizes[0] == pytest.approx((595.3, 841.9), abs=0.5)


def test_a4_labels_fit_their_quarter_with_the_aspect_kept(tmp_path: Path) -> None:
    sheet = compose(sources(tmp_path, 4), SheetLayout.A4)
    boxes = label_boxes(sheet.pdf, 0)
    assert len(boxes) == 4
    for left, bottom, right, top in boxes:
        assert left >= 0 and bottom >= 0 and right <= 210 * MM and top <= 297 * MM  # never off the page
        assert (right - left) / (top - bottom) == pytest.approx(100 / 150, rel=0.01)
        assert (right - left) < 105 * MM and (top - bottom) < 148.5 * MM  # within its quarter
    lefts = sorted({round(b[0]) for b in boxes})
    assert len(lefts) == 2  # two columns, two rows
    assert len({round(b[1]) for b in boxes}) == 2
    guides = [obj for obj in pdfium.PdfDocument(sheet.pdf)[0].get_objects(max_depth=0)
              if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH]
    assert len(guides) == 2  # one cut line down the middle, one across
    # the four places do not overlap
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5


def test_a_landscape_label_is_turned_to_fill_a_roll_label(tmp_path: Path) -> None:
    path = make_label(tmp_path / "wide.pdf", "W1", width_mm=150, height_mm=100)
    sheet = compose([LabelSource("w", "W1", path)], SheetLayout.THERMAL)
    (left, bottom, right, top), = label_boxes(sheet.pdf, 0)
    assert (right - left) == pytest.approx(100 * MM, abs=1) and (top - bottom) == pytest.approx(150 * MM, abs=1)


def test_an_a4_label_is_shrunk_whole_onto_a_roll_label(tmp_path: Path) -> None:
    path = make_label(tmp_path / "a4.pdf", "A4", width_mm=210, height_mm=297)
    sheet = compose([LabelSource("a", "A4", path)], SheetLayout.THERMAL)
    (left, bottom, right, top), = label_boxes(sheet.pdf, 0)
    assert left >= -0.5 and bottom >= -0.5 and right <= 100 * MM + 0.5 and top <= 150 * MM + 0.5
    assert (right - left) / (top - bottom) == pytest.approx(210 / 297, rel=0.01)


def test_every_page_of_a_two_page_label_gets_a_place(tmp_path: Path) -> None:
    two = make_label(tmp_path / "two.pdf", "T2", pages=2)
    sheet = compose([LabelSource("t", "T2", two), *sources(tmp_path, 3)], SheetLayout.A4)
    assert sheet.labels == 5 and sheet.pages == 2 and sheet.placed[0] == "t"


def test_missing_broken_and_absent_labels_are_named_not_crashed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not really a pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    chosen = [*sources(tmp_path, 2), LabelSource("x1", "111", None), LabelSource("x2", "222", tmp_path / "gone.pdf"),
              LabelSource("x3", "333", broken), LabelSource("x4", "444", empty), LabelSource("x5", "555", tmp_path)]
    sheet = compose(chosen, SheetLayout.THERMAL)
    assert sheet.placed == ("o0", "o1") and sheet.pages == 2
    problems = {u.order_id: u.problem for u in sheet.unprinted}
    assert problems == {"x1": NO_LABEL, "x2": FILE_GONE, "x3": UNREADABLE, "x4": UNREADABLE, "x5": FILE_GONE}
    for language in ("id", "en"):
        i18n.set_language(language)
        for u in sheet.unprinted:
            text = u.text()
            assert u.number in text and text.count(".") <= 2 and "{" not in text
    i18n.set_language("id")


def test_nothing_to_print_is_an_empty_sheet(tmp_path: Path) -> None:
    sheet = compose([LabelSource("x", "9", None)], SheetLayout.A4)
    assert sheet.pdf == b"" and sheet.pages == 0 and len(sheet.unprinted) == 1
    assert compose([], SheetLayout.THERMAL).pages == 0


# --- the print dialog, on stored labels ---------------------------------------------------------------------------


def seed_orders(db: Database, count: int, labelled: int) -> list[str]:
    """`count` paid practice orders; the first `labelled` have the practice marketplace's real label stored."""
    (account,), _ = link_practice_accounts(db, {"tiktok": TikTokCredentials("a", "s", base_url="http://127.0.0.1:1")})
    now = now_utc()
    apply_orders(db, account, [Order("tiktok", f"57{n:04d}", "AWAITING_COLLECTION", OrderStatus.READY_TO_SHIP,
                                     now - timedelta(hours=3), now - timedelta(hours=1), now + timedelta(hours=20),
                                     "Dewi", (OrderLine("1", "11", "0", "KOPI-250", "Kopi Arabika 250g", 1, 35_000),))
                               for n in range(count)])
    ids = [order_store.by_platform_id(db, account, f"57{n:04d}").id for n in range(count)]
    for n, order_id in enumerate(ids[:labelled]):
        pdf = label_pdf(Label("J&T Express", f"JT57{n:08d}", f"57{n:04d}", "Dewi", "Bandung",
                              items=(("Kopi Arabika 250g", 1),)))
        save_label(db, order_id, ShippingDocument(order_id, f"PK{n}", pdf))
    return ids


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_the_dialog_names_orders_without_a_label_and_prints_the_rest(ctx: AppContext, qtbot: QtBot,
                                                                      tmp_path: Path) -> None:
    ids = seed_orders(ctx.db, 7, labelled=6)
    dialog = print_labels(None, ctx, ids)
    qtbot.addWidget(dialog)
    assert dialog.layout_chosen() is SheetLayout.THERMAL
    assert "6 dari 7 label, di 6 lembar" in dialog.summary.text()
    assert "Pesanan 570006 belum punya label" in dialog.problems.text()
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    dialog.choose_layout(SheetLayout.A4)
    assert "di 2 lembar" in dialog.summary.text()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    setup_printer(printer, SheetLayout.A4)
    assert dialog.print_to(printer)
    assert page_sizes((tmp_path / "printed.pdf").read_bytes()) == [pytest.approx((595.3, 841.9), abs=1)] * 2
    assert "6 label sudah dikirim ke printer" in dialog.status.text()
    printed = {i for i in ids if (row := label_files.get(ctx.db, i)) is not None and row.printed_at}
    assert printed == set(ids[:6])


def test_thermal_pages_print_at_label_size_and_save_as_one_pdf(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    ids = seed_orders(ctx.db, 3, labelled=3)
    dialog = LabelPrintDialog(ctx, ids)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "roll.pdf"))
    setup_printer(printer, SheetLayout.THERMAL)
    assert dialog.print_to(printer)
    assert page_sizes((tmp_path / "roll.pdf").read_bytes()) == [pytest.approx((100 * MM, 150 * MM), abs=1)] * 3
    assert dialog.save_pdf(tmp_path / "labels")
    assert len(page_sizes((tmp_path / "labels.pdf").read_bytes())) == 3


def test_a_damaged_stored_label_is_named_and_the_rest_print(ctx: AppContext, qtbot: QtBot, data_dir: Path) -> None:
    ids = seed_orders(ctx.db, 3, labelled=3)
    (data_dir / "labels" / f"{ids[1]}.pdf").write_bytes(b"%PDF-1.4 damaged")
    (data_dir / "labels" / f"{ids[2]}.pdf").unlink()
    dialog = LabelPrintDialog(ctx, ids)
    qtbot.addWidget(dialog)
    assert "1 dari 3 label" in dialog.summary.text()
    assert "Label pesanan 570001 tidak bisa dibaca" in dialog.problems.text()
    assert "Label pesanan 570002 tidak ada di komputer ini" in dialog.problems.text()


def test_nothing_to_print_disables_the_buttons(ctx: AppContext, qtbot: QtBot) -> None:
    ids = seed_orders(ctx.db, 2, labelled=0)
    dialog = LabelPrintDialog(ctx, ids)
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()
    assert dialog.problems.text().count("belum punya label") == 2


def test_other_paper_chosen_in_the_print_dialog_shrinks_the_label_never_stretches_it(ctx: AppContext, qtbot: QtBot,
                                                                                      tmp_path: Path) -> None:
    ids = seed_orders(ctx.db, 1, labelled=1)
    dialog = LabelPrintDialog(ctx, ids)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "a4.pdf"))
    setup_printer(printer, SheetLayout.A4)  # a 100×150 mm label sent to an A4 printer
    assert dialog.print_to(printer)
    doc = pdfium.PdfDocument((tmp_path / "a4.pdf").read_bytes())
    try:
        (image,) = [o for o in doc[0].get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
        left, bottom, right, top = image.get_bounds()
    finally:
        doc.close()
    assert (right - left) / (top - bottom) == pytest.approx(100 / 150, rel=0.01)
    assert (top - bottom) == pytest.approx(297 * MM, rel=0.01)  # as tall as the paper, centred across
