"""Starting practice asks one thing: what the pretend buyers order. "Pakai contoh toko" puts a sample grocery
catalogue (photos, stock, barcodes) in the practice book; "pakai produk saya" copies the shop's own products there.
Either way every practice order is for a product the practice shop has. One click on a choice starts practice.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.domain.money import format_quantity
from companion.gui.context import AppContext
from companion.gui.practice_mode import PracticeMode
from companion.i18n import N_, tr
from companion.services.sample_shop import CATALOG, PracticeProducts, sample_photos
from companion.store import products as product_store

OPTION_STYLE = ("QPushButton { min-height: 96px; border: 2px solid #c9d6ce; border-radius: 8px; background: #ffffff;"
                " text-align: left; padding: 8px 16px; }"
                " QPushButton:focus, QPushButton:hover { border-color: #1b7a43; background: #eaf4ee; }"
                " QPushButton:disabled { background: #f3f5f4; }")
PHOTOS_SHOWN = 7
PHOTO_SIZE = 44
HEADINGS = {PracticeProducts.SAMPLE: N_("Use the sample shop"), PracticeProducts.OWN: N_("Use my products")}


class OptionButton(QPushButton):
    """A big button with a bold heading, one plain sentence and, for the sample shop, a strip of its photos."""

    def __init__(self, heading: str, sentence: str, photos: list[tuple[str, bytes]] | None = None) -> None:
        super().__init__()
        self.setStyleSheet(OPTION_STYLE)
        self.setAccessibleName(heading)
        self.heading = _plain(heading, "font-size: 14pt; font-weight: bold;")
        self.sentence = _plain(sentence, "font-size: 11pt; color: #333;")
        self.sentence.setWordWrap(True)
        self.box = box = QVBoxLayout(self)
        box.setContentsMargins(16, 10, 16, 10)
        box.setSpacing(4)
        box.addWidget(self.heading)
        box.addWidget(self.sentence)
        if photos:
            box.addWidget(_photo_strip(photos))
        box.addStretch(1)  # taller than its words (a disabled choice): the words stay at the top

    def sizeHint(self) -> QSize:  # the labels inside decide the height
        return self.box.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.box.minimumSize()


class PracticeStartDialog(QDialog):
    """The choice; `chosen` holds it after exec() returns Accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Start practice"))
        self.chosen: PracticeProducts | None = None
        own_count = product_store.count(ctx.db)
        title = _plain(tr("Practise with which products?"), "font-size: 18pt; font-weight: bold;")
        hint = _plain(tr("The practice buyers order these products. The shop's real record does not change."),
                      "color: #555;")
        hint.setWordWrap(True)
        self.sample = OptionButton(
            tr(HEADINGS[PracticeProducts.SAMPLE]),
            tr("{count} products of a small grocery shop, with photos, stock and barcodes.",
               count=format_quantity(len(CATALOG))), sample_photos(PHOTOS_SHOWN))
        self.own = OptionButton(tr(HEADINGS[PracticeProducts.OWN]), _own_sentence(own_count))
        self.own.setEnabled(own_count > 0)
        self.cancel = QPushButton(tr("Cancel"))
        self.sample.clicked.connect(lambda: self.choose(PracticeProducts.SAMPLE))
        self.own.clicked.connect(lambda: self.choose(PracticeProducts.OWN))
        self.cancel.clicked.connect(self.reject)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(12)
        for widget in (title, hint, self.sample, self.own):
            box.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel)
        box.addLayout(row)
        (self.own if own_count else self.sample).setDefault(True)  # Enter takes the likelier choice
        (self.own if own_count else self.sample).setFocus()
        self.setMinimumWidth(560)

    def choose(self, products: PracticeProducts) -> None:
        self.chosen = products
        self.accept()


def ask_products(ctx: AppContext, parent: QWidget | None = None) -> PracticeProducts | None:
    """The owner's choice, or None when they closed the dialog."""
    dialog = PracticeStartDialog(ctx, parent)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


def start_practice(practice: PracticeMode, parent: QWidget | None = None) -> bool:
    """Ask what to practise with when there is no practice book yet, then start practice mode with it (a practice
    book from before is carried on as it is); False when the owner closed the dialog."""
    if practice.session.book_path.exists():
        practice.start()
        return True
    chosen = ask_products(practice.ctx, parent)
    if chosen is None:
        return False
    practice.start(products=chosen)
    return True


def _own_sentence(count: int) -> str:
    if count == 0:
        return tr("The shop has no products yet: add them in Products & Stock, or use the sample shop.")
    return tr("The practice buyers order from the shop's own products ({count}); the real stock does not change.",
              count=format_quantity(count))


def _plain(text: str, style: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(style + " background: transparent;")
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return label


def _photo_strip(photos: list[tuple[str, bytes]]) -> QWidget:
    strip = QWidget()
    strip.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    strip.setStyleSheet("background: transparent;")
    row = QHBoxLayout(strip)
    row.setContentsMargins(0, 4, 0, 0)
    row.setSpacing(6)
    for name, png in photos:
        picture = QLabel()
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        picture.setPixmap(pixmap.scaled(PHOTO_SIZE, PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation))
        picture.setToolTip(name)
        row.addWidget(picture)
    row.addStretch(1)
    return strip
