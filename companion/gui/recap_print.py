"""The daily recap (rekap harian) for whoever keeps the books: one A4 page, printed or saved as PDF."""

from __future__ import annotations

from html import escape
from pathlib import Path

from babel.dates import format_date
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from companion.domain.money import format_quantity, format_rupiah
from companion.gui.document_preview import print_document, write_pdf
from companion.gui.payment_words import method_label
from companion.i18n import babel_locale, tr
from companion.services.reports import RecapData, channel_name


def _rows(items: list[tuple[str, str, str]]) -> str:
    return "".join(f"<tr><td>{escape(a)}</td><td align='right'>{escape(b)}</td><td align='right'>{escape(c)}</td>"
                   "</tr>" for a, b, c in items)


def _method(code: str) -> str:
    return method_label(code)  # 'kasbon' included: the part of the day's sales left on credit


def recap_html(data: RecapData) -> str:
    """Simple HTML that QTextDocument lays out the same on screen, paper and PDF."""
    day = format_date(data.day, format="full", locale=babel_locale())
    methods = [(_method(m), tr("{count} sales", count=format_quantity(n)), format_rupiah(v))
               for m, n, v in data.by_method] or [(tr("No counter sales"), "", format_rupiah(0))]
    refunds = tr("Refunds paid back ({count})", count=format_quantity(data.refund_count))
    counter = _rows(methods) + (
        f"<tr><td><b>{escape(tr('Counter takings'))}</b></td><td></td>"
        f"<td align='right'><b>{format_rupiah(data.counter_gross)}</b></td></tr>"
        f"<tr><td>{escape(refunds)}</td><td></td>"
        f"<td align='right'>−{format_rupiah(data.refunds)}</td></tr>"
        f"<tr><td><b>{escape(tr('Counter takings after refunds'))}</b></td><td></td>"
        f"<td align='right'><b>{format_rupiah(data.counter_net)}</b></td></tr>")
    voided_text = tr("Cancelled sales (not counted): {count}, {amount}", count=format_quantity(data.voided),
                     amount=format_rupiah(data.voided_amount))
    voided = f"<p>{escape(voided_text)}</p>" if data.voided else ""
    online = _rows([(channel_name(c), tr("{count} orders", count=format_quantity(n)), format_rupiah(v))
                    for c, n, v in data.online]) + (
        f"<tr><td><b>{escape(tr('Online takings'))}</b></td><td></td>"
        f"<td align='right'><b>{format_rupiah(data.online_total)}</b></td></tr>")
    top = _rows([(r.name, format_quantity(r.units), format_rupiah(r.takings)) for r in data.top_products]) or (
        f"<tr><td>{escape(tr('Nothing sold on this day.'))}</td></tr>")
    return f"""
<html><head><style>
 body {{ font-family: 'DejaVu Sans', 'Segoe UI', sans-serif; font-size: 10.5pt; }}
 h2 {{ margin-bottom: 0; }} h3 {{ margin-top: 14px; margin-bottom: 4px; color: #1b7a43; }}
 td {{ padding: 2px 6px; }} .muted {{ color: #555; }}
</style></head><body>
<h2>{escape(tr("Daily recap"))} · {escape(data.shop_name or "Seller Companion")}</h2>
<p class='muted'>{escape(day)} ({escape(data.zone)})</p>
<h3>{escape(tr("Shop counter"))}</h3><table width='100%' cellspacing='0'>{counter}</table>{voided}
<h3>{escape(tr("Online orders (paid, not cancelled)"))}</h3><table width='100%' cellspacing='0'>{online}</table>
<h3>{escape(tr("Best sellers"))}</h3><table width='100%' cellspacing='0'>
<tr class='muted'><td>{escape(tr("Product"))}</td><td align='right'>{escape(tr("Units"))}</td>
<td align='right'>{escape(tr("Takings"))}</td></tr>{top}</table>
<h3>{escape(tr("Total takings"))}: {format_rupiah(data.counter_net + data.online_total)}</h3>
</body></html>"""


def recap_document(data: RecapData) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(recap_html(data))
    return doc


def save_recap_pdf(data: RecapData, path: Path) -> Path:
    """Write the recap as a PDF (to send to the bookkeeper by chat or e-mail)."""
    path = Path(path)
    return write_pdf(recap_document(data), path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))


def print_recap(parent: QWidget | None, data: RecapData) -> bool:
    """Ask which printer, then print; False when the person cancelled."""
    return print_document(parent, recap_document(data), tr("Print daily recap"))
