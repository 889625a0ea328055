"""The self-test's font step (Qt stays inside companion/gui/): Qt knows at least one font family, and a receipt
saved as PDF really holds its words. A Windows build under Qt's offscreen platform once found no fonts, said ok,
and wrote receipts of black boxes; this step fails on exactly that."""

from __future__ import annotations

import pypdfium2 as pdfium

from companion.domain.print_doc import Align, Pair, PrintDoc, Rule, Text
from companion.gui.app import application
from companion.gui.fonts import real_families
from companion.gui.print_doc_page import doc_document
from companion.gui.receipt import save_pdf
from companion.i18n import tr
from companion.self_test_trial import FAILED, OK, Outcome, Trial

WORDS = ("TOKO SELF TEST", "Kopi Gayo", "Rp15.000")


def fonts_and_pdf(trial: Trial) -> Outcome:
    application()
    families = real_families()
    if not families:
        return FAILED, tr("Qt found no font at all: every word would be drawn as a box")
    doc = PrintDoc((Text(WORDS[0], Align.CENTER, bold=True), Rule(), Pair(WORDS[1], WORDS[2])), title="self-test")
    trial.folder.mkdir(parents=True, exist_ok=True)
    path = save_pdf(doc_document(doc, paper_mm=58), trial.folder / "self-test-receipt.pdf", 58)
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    letters = "".join(text.split())  # the roll's monospace layout places glyphs one by one: compare without spaces
    missing = [word for word in WORDS if "".join(word.split()) not in letters]
    if missing:
        return FAILED, tr("a receipt PDF lacks its words ({words}): its font did not embed",
                          words=", ".join(missing))
    return OK, tr("{count} font families; a receipt PDF holds its words", count=len(families))
