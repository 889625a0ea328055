"""The first-run welcome: three steps (language, shop name, how to start) before the main window opens.

Decisions, so the start-up stays predictable:
- A new shop is one with no `welcome_done` = "1" and nothing in it yet. A shop already in use (products, a shop name or
  a linked real shop: someone upgrading) is marked done silently and never sees the wizard.
- Finishing saves the shop name, the language and the choice in one transaction (services.first_use).
- Practice mode: choosing it leaves practice mode to start on its own, as for every new shop. The order files,
  importing a catalogue or linking a real shop switch it off (the "left practice mode" setting), because pretend
  buyers would order from the shop's real stock and pretend orders would mix with real ones; it can be started any
  time in Settings → Online shops. Once the main window is up, the order files open the export guide (each seller
  centre's download, in pictures) on the online orders page, ending in the order-file import; import opens the
  product import dialog on the Products page; linking opens the link-shop dialog on the Settings page. Linking
  needs the owner's own developer app key, which few owners have; the seller centres' export files bring the same
  orders with no key. Closing any of these dialogs leaves the owner there, practice mode off.
- Closing the wizard ("Later", Escape or the window's X) saves nothing and restores the language from before: the app
  starts as it always has (practice mode for a new shop) and the wizard comes back at the next start, until it is
  finished or the shop has products or a name (set in Settings), when it is marked done silently as above.
- The shop name is required: an empty or blank one is refused with one sentence; it heads the window and the
  daily recap, and there is no sensible default name for someone's shop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from companion import i18n
from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.owner_pin_dialogs import OwnerPinOffer
from companion.gui.welcome_pages import LanguageStep, NameStep, StartStep
from companion.i18n import tr
from companion.services.first_use import Start, clean_shop_name, finish_welcome

if TYPE_CHECKING:
    from companion.gui.main_window import MainWindow

WIZARD_SIZE = (760, 600)  # step 3's four choices in full; fits a 1280×720 screen


class WelcomeWizard(QDialog):
    """`chosen` is the start picked when the wizard was finished, None when it was closed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: Start | None = None
        self.language_before = i18n.language()
        self.setObjectName("welcome-wizard")
        self.resize(*WIZARD_SIZE)
        self.setMinimumSize(640, 520)
        self.language_step, self.name_step, self.start_step = LanguageStep(), NameStep(), StartStep()
        self.language_step.chosen.connect(self.choose_language)
        step_box = self.name_step.layout()
        if isinstance(step_box, QVBoxLayout):  # before the stretch: the optional owner PIN (gui/owner_pin_dialogs.py)
            step_box.insertWidget(step_box.count() - 1, OwnerPinOffer(ctx))
        self.steps = QStackedWidget()
        for step in (self.language_step, self.name_step, self.start_step):
            self.steps.addWidget(step)
        self.counter = QLabel()
        self.counter.setProperty("role", "hint")
        self.error = self.name_step.error  # the only thing to refuse is the name
        self.later_button = QPushButton()
        self.later_button.clicked.connect(self.reject)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton()
        self.next_button.setProperty("primary", True)
        self.next_button.setMinimumWidth(160)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        # Enter in the name reaches the dialog, whose default button is Next: one step per Enter (a returnPressed
        # hook as well would take two, finishing the wizard from the name step)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 24, 32, 24)
        box.setSpacing(12)
        box.addWidget(self.counter)
        box.addWidget(self.steps, 1)
        box.addLayout(buttons)
        self.retranslate()
        self.show_step(0)

    def retranslate(self) -> None:
        """Every text again in the current language (after a language button, or at the start)."""
        self.setWindowTitle(tr("Welcome"))
        self.later_button.setText(tr("Later"))
        self.back_button.setText(tr("Back"))
        for step in (self.language_step, self.name_step, self.start_step):
            step.retranslate()
        self.show_step(self.steps.currentIndex())

    def show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        last = index == self.steps.count() - 1
        self.counter.setText(tr("Step {n} of {total}", n=index + 1, total=self.steps.count()))
        self.next_button.setText(tr("Start") if last else tr("Next"))
        self.back_button.setVisible(index > 0)
        if self.steps.currentWidget() is self.name_step:
            self.name_step.name.setFocus()
        elif self.steps.currentWidget() is self.start_step:
            self.start_step.choices[self.start_step.start].setFocus()  # Enter starts with the chosen way

    def choose_language(self, lang: str) -> None:
        i18n.set_language(lang)
        self.name_step.clear_problem()
        self.retranslate()

    def back(self) -> None:
        self.name_step.clear_problem()
        self.show_step(max(self.steps.currentIndex() - 1, 0))

    def next(self) -> None:
        """On to the next step; the name step refuses an empty name; the last step saves and closes."""
        self.name_step.clear_problem()
        try:
            if self.steps.currentWidget() is self.name_step:
                clean_shop_name(self.name_step.name.text())
            if self.steps.currentWidget() is self.start_step:
                self.finish()
                return
        except UserError as exc:
            self.show_step(self.steps.indexOf(self.name_step))
            self.name_step.show_problem(exc)
            return
        self.show_step(self.steps.currentIndex() + 1)

    def finish(self) -> None:
        start = self.start_step.start
        change = finish_welcome(self.ctx.db, self.name_step.name.text(), i18n.language(), start)
        self.chosen = start
        self.ctx.announce(change)
        self.accept()

    def reject(self) -> None:
        """Closed without finishing: nothing saved, the language from before (the wizard comes back next time)."""
        if i18n.language() != self.language_before:
            i18n.set_language(self.language_before)
        super().reject()


def greet_new_shop(ctx: AppContext) -> Start | None:
    """Before the main window: the wizard for a new shop (None when closed or not needed)."""
    from companion.services.first_use import shop_in_use, skip_welcome, welcome_done

    if welcome_done(ctx.db):
        return None
    if shop_in_use(ctx.db):
        ctx.announce(skip_welcome(ctx.db))
        return None
    wizard = WelcomeWizard(ctx)
    wizard.setWindowModality(Qt.WindowModality.ApplicationModal)
    wizard.exec()
    return wizard.chosen


def open_first_task(window: MainWindow, start: Start | None) -> None:
    """Once the main window is up: the export guide, the import dialog or the link-shop dialog the owner chose."""
    from companion.gui.pages.products import ProductsPage
    from companion.gui.pages.settings import SettingsPage

    if start is None or start is Start.PRACTICE:
        return  # practice mode starts with the window (gui.app.start_online)
    if start is Start.EXPORT:
        guide_to_order_import(window)
    elif start is Start.IMPORT:
        products = window.open_page("products")
        assert isinstance(products, ProductsPage)
        products.import_products()
    else:
        settings = window.open_page("settings")
        assert isinstance(settings, SettingsPage)
        settings.online.open_link_dialog()


def guide_to_order_import(window: MainWindow) -> None:
    """The online orders page, the export guide over it, then the order-file import when the owner has the file."""
    from companion.gui.export_guide import ExportGuideDialog
    from companion.gui.pages.online_orders import OnlineOrdersPage

    orders = window.open_page("orders")
    assert isinstance(orders, OnlineOrdersPage)
    if ExportGuideDialog(window).exec() == QDialog.DialogCode.Accepted:
        orders.open_order_import()
