"""What a page of the main window offers the window."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from companion.gui.context import AppContext
from companion.gui.page_guide import PageGuide, place_guide
from companion.services.change import Change


class Page(QWidget):
    """A page refreshes itself when told what changed; `title_msgid` names it in the navigation."""

    title_msgid = ""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.guide: PageGuide | None = None  # the first-use guide, placed above the content when first shown
        self._guide_placed = False
        ctx.changed.connect(self.on_change)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the page is shown its layout is complete: the first-use guide goes on top of it."""
        if not self._guide_placed:
            self._guide_placed = True
            self.guide = place_guide(self, self.ctx)
        super().showEvent(event)

    def set_scrolling_content(self, content: QWidget) -> None:
        """The page's content in a frameless scroll area: a small laptop screen scrolls instead of squeezing."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        scroll.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def on_change(self, change: Change) -> None:
        """Refresh what `change` touched; the default reloads the whole page."""
        self.reload()

    def reload(self) -> None:
        """Read the page's data again."""

    def on_shown(self) -> None:
        """Called each time the page comes to the front."""
        self.reload()
