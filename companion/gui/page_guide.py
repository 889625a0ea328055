"""The first-use guide on each page: two or three plain sentences above the page, until "Mengerti" is pressed.

One table holds every page's guide so the wording can be read and kept consistent in one place. A dismissed guide
is remembered per page in the settings (services.first_use) and stays away across restarts; Settings can bring all
of them back. The panel is put above the page's own layout the first time the page is shown (pages/base.py), so the
pages themselves need not know about it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.gui.context import AppContext
from companion.gui.page_table import PAGES
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.first_use import dismiss_guide, guide_done, show_guides_again

GUIDES: dict[str, str] = {
    "home": N_("Home shows what needs doing today: buyers waiting, orders to ship and products running low. "
               "Start each day here and work down the checklist."),
    "inbox": N_("Questions from buyers in all your online shops arrive here, the most urgent first. "
                "Choose a conversation on the left and answer it; quick replies fill in the price and stock."),
    "counter": N_("Sell to customers in the shop here. Scan a barcode or type a product name, then press F12 "
                  "to pay."),
    "customers": N_("Your regular buyers and their kasbon: who owes what, since when, and who is late (red). "
                    "Open a customer to receive a payment or send a reminder by WhatsApp."),
    "orders": N_("Orders from your online shops arrive here by themselves, the one to ship first at the top. "
                 "Open an order to see what to pack; late ones are red."),
    "products": N_("Your products and how many of each are in stock. Add one with \"Add product\", or bring in "
                   "a whole list at once with \"Import\"."),
    "plan": N_("What to make or buy, and by when, so nothing runs out. First tell each product how it is "
               "restocked (in its product form); the plan then follows your sales."),
    "reports": N_("Your sales by day, week or month, by channel and by product, with the margin. Choose a period "
                  "first; every report can be saved to Excel."),
    "settings": N_("The shop's name, language, time zone and backups, and the online shops you link. Check the "
                   "shop name and time zone first."),
}
PANEL_STYLE = ("QFrame#page-guide-panel { background: #eaf4ee; border: 1px solid #b9d8c4; border-radius: 6px; }"
               " QLabel { background: transparent; border: none; }")


class PageGuide(QWidget):
    """A soft panel with the page's guide and a "Got it" button; hidden for good once pressed."""

    def __init__(self, ctx: AppContext, key: str, margins: tuple[int, int, int, int] = (0, 0, 0, 8)) -> None:
        super().__init__()
        self.ctx = ctx
        self.key = key
        self.setObjectName(f"guide-{key}")
        panel = QFrame()
        panel.setObjectName("page-guide-panel")
        panel.setStyleSheet(PANEL_STYLE)
        self.text = QLabel(tr(GUIDES[key]))
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-size: 12pt;")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.got_it = QPushButton(tr("Got it"))
        self.got_it.setMinimumSize(120, 38)  # a big target even where the app style is not applied
        self.got_it.setProperty("primary", True)
        self.got_it.clicked.connect(self.dismiss)
        row = QHBoxLayout(panel)
        row.setContentsMargins(14, 8, 10, 8)
        row.setSpacing(16)
        row.addWidget(self.text, 1)
        row.addWidget(self.got_it, 0, Qt.AlignmentFlag.AlignVCenter)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*margins)
        outer.addWidget(panel)
        ctx.changed.connect(self._on_change)
        self.setVisible(not guide_done(ctx.db, key))

    def dismiss(self) -> None:
        self.ctx.announce(dismiss_guide(self.ctx.db, self.key))
        self.hide()

    def _on_change(self, change: Change) -> None:
        if change.settings:
            self.setVisible(not guide_done(self.ctx.db, self.key))


def guide_key(page: QWidget) -> str | None:
    """The main window's key for `page` (from its module), when that page has a guide."""
    module = type(page).__module__
    key = next((k for k, _label, mod, _cls in PAGES if mod == module), None)
    return key if key in GUIDES else None


def place_guide(page: QWidget, ctx: AppContext) -> PageGuide | None:
    """Put the page's guide above what the page laid out (above the first column of a side-by-side page)."""
    key = guide_key(page)
    box = page.layout()
    if key is None or not isinstance(box, QBoxLayout):
        return None
    if box.direction() != QBoxLayout.Direction.TopToBottom:
        column = _first_column(box)
        if column is None:
            return None  # no place above the content (tests/test_page_guides.py checks every page has one)
        guide = PageGuide(ctx, key, (0, 0, 0, 8))
        column.insertWidget(0, guide)  # side by side (the counter): over the first column, the other keeps its height
        return guide
    flush = box.contentsMargins().left() == 0  # a scrolling page: its content has the margins, the guide needs its own
    guide = PageGuide(ctx, key, (18, 12, 18, 0) if flush else (0, 0, 0, 8))
    box.insertWidget(0, guide)
    return guide


def _first_column(box: QBoxLayout) -> QBoxLayout | None:
    """The first item of a side-by-side layout when it is itself a top-to-bottom column."""
    first = box.itemAt(0)
    column = first.layout() if first is not None else None
    if isinstance(column, QBoxLayout) and column.direction() == QBoxLayout.Direction.TopToBottom:
        return column
    return None


def show_all_guides(ctx: AppContext) -> None:
    """Bring back every page's guide, at once on the pages already open."""
    ctx.announce(show_guides_again(ctx.db, list(GUIDES)))
