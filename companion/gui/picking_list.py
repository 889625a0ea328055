"""The packer's papers for the chosen orders: ONE picking list (every item to take from the shelf, summed per
product) and a packing slip per order (what goes in the parcel, to tick off and put inside). Both are shown,
printed or saved as PDF like the other prints (document_preview.py).

A line mapped to one of the shop's products is counted under that product (its SKU, name and stock); an unmapped
line under the platform's own name and variant, so nothing is left off the list. Fully cancelled lines are left
out: nothing to take for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from companion.domain.clock import now_utc
from companion.domain.money import format_quantity
from companion.domain.settings_keys import SHOP_NAME, TIME_ZONE
from companion.gui.channel_names import channel_label
from companion.gui.context import AppContext
from companion.gui.document_preview import DocumentPreview
from companion.gui.durations import local_time_text
from companion.i18n import tr
from companion.store import order_desk
from companion.store import products as product_store
from companion.store.order_desk import DeskItem, DeskRow

STYLE = ("body { font-family: 'DejaVu Sans', 'Segoe UI', sans-serif; font-size: 10.5pt; } "
         "th { background: #eef5f0; } td.n { text-align: right; } .muted { color: #555; }")
BOX = "☐"  # a box to tick by hand


@dataclass(frozen=True)
class PickLine:
    """One product to take from the shelf for all the chosen orders."""

    product_id: str | None      # None: the platform's listing, not linked to a product of the shop yet
    sku: str
    name: str
    quantity: int
    orders: int                 # how many of the chosen orders want it
    on_hand: int | None         # the shop's stock (None when not linked)


def item_name(item: DeskItem) -> str:
    """The shop's own product where linked, else the listing's name and variant as the buyer bought it."""
    if item.product_name:
        return item.product_name
    return f"{item.name} – {item.variant}" if item.variant and item.variant not in item.name else item.name


def pick_lines(items: Mapping[str, Sequence[DeskItem]], on_hand: Mapping[str, tuple[str, int]]) -> list[PickLine]:
    """Sum the orders' items per product (`on_hand`: product id → (SKU, stock)); by name for the unlinked ones."""
    sums: dict[tuple[str, str], list[int]] = {}
    first: dict[tuple[str, str], DeskItem] = {}
    orders: dict[tuple[str, str], set[str]] = {}
    for order_id, order_items in items.items():
        for item in order_items:
            if item.quantity <= 0:
                continue
            key = ("p", item.product_id) if item.product_id else ("l", f"{item.seller_sku}\x1f{item_name(item)}")
            sums.setdefault(key, [0])[0] += item.quantity
            first.setdefault(key, item)
            orders.setdefault(key, set()).add(order_id)
    lines = []
    for key, (quantity,) in sums.items():
        item = first[key]
        sku, stock = on_hand.get(item.product_id or "", (item.seller_sku, None))
        lines.append(PickLine(item.product_id, sku, item_name(item), quantity, len(orders[key]), stock))
    return sorted(lines, key=lambda line: (line.product_id is None, line.name.casefold(), line.sku))


def picking_lines(ctx: AppContext, order_ids: Sequence[str]) -> list[PickLine]:
    """The picking list of the chosen orders, read now."""
    items = order_desk.items_of(ctx.db, order_ids)
    wanted = {i.product_id for its in items.values() for i in its if i.product_id}
    products = {p: product_store.get(ctx.db, p) for p in wanted}
    stock = {p: (row.sku, row.on_hand) for p, row in products.items() if row is not None}
    return pick_lines(items, stock)


def _table(headers: Sequence[tuple[str, bool, int]], rows: Sequence[Sequence[str]]) -> str:
    """A bordered table; each header is (words, right-aligned, width in per cent). Numbers in bold: packers read
    them from arm's length."""
    head = "".join(f"<th align='{'right' if right else 'left'}' width='{width}%'>{escape(h)}</th>"
                   for h, right, width in headers)
    body = "".join("<tr>" + "".join(f"<td align='right'><b>{escape(c)}</b></td>" if headers[i][1]
                                    else f"<td>{escape(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table width='100%' cellspacing='0' cellpadding='4' border='1'><tr>{head}</tr>{body}</table>"


def _page(body: str) -> str:
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def picking_html(lines: Sequence[PickLine], orders: int, shop_name: str, made: str) -> str:
    """The picking list as simple HTML that QTextDocument lays out the same on screen, paper and PDF."""
    units = sum(line.quantity for line in lines)
    rows = [(BOX, line.name, line.sku, format_quantity(line.quantity), format_quantity(line.orders),
             "" if line.on_hand is None else format_quantity(line.on_hand)) for line in lines]
    headers = ((tr("Taken"), False, 8), (tr("Item"), False, 44), (tr("SKU"), False, 16), (tr("Take"), True, 10),
               (tr("Orders"), True, 10), (tr("In stock"), True, 12))
    unlinked = sum(1 for line in lines if line.product_id is None)
    note = tr("{count} items are not linked to your products yet: they show the name from the platform.",
              count=unlinked) if unlinked else ""
    table = _table(headers, rows) if rows else f"<p>{escape(tr('Nothing to take from the shelf.'))}</p>"
    counts = tr("{orders} orders, {units} items in all · made {made}", orders=orders, units=format_quantity(units),
                made=made)
    return _page(f"<h2>{escape(tr('Picking list'))} – {escape(shop_name or 'Seller Companion')}</h2>"
                 f"<p>{escape(counts)}</p>{table}<p class='muted'>{escape(note)}</p>")


def _slip(row: DeskRow, shop_name: str, last: bool) -> str:
    order = row.order
    facts = [(tr("Order"), order.platform_order_id), (tr("Shop"), f"{channel_label(order.channel)} · "
                                                                  f"{tr(order.account_name)}"),
             (tr("Buyer"), ", ".join(p for p in (order.buyer_name, row.buyer_city) if p) or "–"),
             (tr("Courier"), " · ".join(p for p in (row.courier, row.tracking_number) if p) or "–")]
    fact_rows = "".join(f"<tr><td class='muted'>{escape(k)}</td><td><b>{escape(v)}</b></td></tr>" for k, v in facts)
    items = [(BOX, item_name(item), item.seller_sku, format_quantity(item.quantity)) for item in row.items]
    headers = ((tr("Packed"), False, 10), (tr("Item"), False, 58), (tr("SKU"), False, 18), (tr("Quantity"), True, 14))
    brk = "" if last else " style='page-break-after: always'"
    return (f"<div{brk}><h2>{escape(tr('Packing slip'))} – {escape(shop_name or 'Seller Companion')}</h2>"
            f"<table cellspacing='0' cellpadding='3'>{fact_rows}</table><br/>{_table(headers, items)}"
            f"<p>{escape(tr('{units} items in this parcel.', units=format_quantity(row.units)))}</p>"
            f"<p class='muted'>{escape(tr('Thank you for shopping with us!'))}</p></div>")


def slips_html(rows: Sequence[DeskRow], shop_name: str) -> str:
    """One packing slip per order, each on its own page."""
    if not rows:
        return _page(f"<p>{escape(tr('No order chosen.'))}</p>")
    return _page("".join(_slip(row, shop_name, i == len(rows) - 1) for i, row in enumerate(rows)))


def _document(html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc


def picking_document(ctx: AppContext, order_ids: Sequence[str]) -> QTextDocument:
    made = local_time_text(now_utc(), ctx.setting(TIME_ZONE), "d MMM yyyy, HH:mm")
    ids = [row.id for row in order_desk.desk_rows_by_id(ctx.db, order_ids)]
    return _document(picking_html(picking_lines(ctx, ids), len(ids), ctx.setting(SHOP_NAME), made))


def slips_document(ctx: AppContext, order_ids: Sequence[str]) -> QTextDocument:
    return _document(slips_html(order_desk.desk_rows_by_id(ctx.db, order_ids), ctx.setting(SHOP_NAME)))


class PickingListDialog(DocumentPreview):
    """The picking list as it will look on paper, with Print and Save PDF."""

    def __init__(self, ctx: AppContext, order_ids: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(picking_document(ctx, order_ids), print_title=tr("Print the picking list"),
                         printed=tr("The picking list was sent to the printer."), pdf_name="daftar-ambil-barang.pdf",
                         pdf_title=tr("Save the picking list as PDF"), parent=parent)
        self.setWindowTitle(tr("Picking list"))
        self.resize(760, 700)
        self.print_button.setProperty("primary", True)


class PackingSlipsDialog(DocumentPreview):
    """The packing slips, one per order and page, with Print and Save PDF."""

    def __init__(self, ctx: AppContext, order_ids: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(slips_document(ctx, order_ids), print_title=tr("Print the packing slips"),
                         printed=tr("The packing slips were sent to the printer."), pdf_name="slip-pesanan.pdf",
                         pdf_title=tr("Save the packing slips as PDF"), parent=parent)
        self.setWindowTitle(tr("Packing slips"))
        self.resize(760, 700)
        self.print_button.setProperty("primary", True)


def print_picking_list(parent: QWidget | None, ctx: AppContext, order_ids: Sequence[str]) -> PickingListDialog:
    """The entry point for the order list: the picking list of the chosen orders (not modal)."""
    dialog = PickingListDialog(ctx, order_ids, parent)
    dialog.open()
    return dialog


def print_packing_slips(parent: QWidget | None, ctx: AppContext, order_ids: Sequence[str]) -> PackingSlipsDialog:
    """The entry point for the order list: a packing slip per chosen order (not modal)."""
    dialog = PackingSlipsDialog(ctx, order_ids, parent)
    dialog.open()
    return dialog
