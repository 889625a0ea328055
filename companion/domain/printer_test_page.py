"""The page "Cetak tes" prints: the shop's header as receipts will show it, a ruler to see that the paper width is
right (a full line of digits must fit exactly), a sample line with an amount, a QR code, then the cut and the
drawer kick when they are switched on, so one press checks everything the counter will use."""

from __future__ import annotations

from companion.domain.money import format_rupiah
from companion.domain.print_doc import Align, Feed, Item, Logo, Pair, PrintDoc, QrCode, Rule, Text, columns
from companion.i18n import tr


def printer_test_doc(shop_name: str, address: str, phone: str, footer: str, paper_mm: int, logo: bool,
              drawer: bool) -> PrintDoc:
    width = columns(paper_mm)
    items: list[Item] = [Logo()] if logo else []
    items.append(Text(shop_name or "Seller Companion", Align.CENTER, bold=True, big=True))
    items.extend(Text(t, Align.CENTER) for t in (address, phone) if t.strip())
    items += [Rule(), Text(tr("Printer test: {mm} mm paper, {n} characters a line", mm=paper_mm, n=width)),
              Text(("1234567890" * 5)[:width]), Pair(tr("Sample item"), format_rupiah(15_000)),
              Pair(tr("TOTAL"), format_rupiah(15_000), bold=True), Rule(),
              QrCode("https://example.com/struk", tr("The QR code should be sharp.")), Feed(),
              Text(footer or tr("Thank you for shopping!"), Align.CENTER), Feed()]
    return PrintDoc(tuple(items), cut=True, open_drawer=drawer, title=tr("Printer test"))
