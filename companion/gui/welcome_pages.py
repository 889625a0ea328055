"""The welcome wizard's three steps: language, the shop's name, and how to start (practice, the seller centres'
order files without any app key, a product list, or linking with the owner's own app key).

Each step builds its widgets once and sets every text in `retranslate()`, so choosing a language on the first step
re-labels the whole wizard at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from companion import i18n
from companion.connectors import registry
from companion.domain.errors import UserError
from companion.domain.settings_keys import SHOP_NAME
from companion.gui.channel_names import AND, platforms_text
from companion.gui.form_errors import FormErrors
from companion.i18n import N_, tr
from companion.services.first_use import Start
from companion.services.settings import MAX_SHOP_NAME

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}  # each in its own language: never translated
CHOICES: dict[Start, tuple[str, str]] = {
    Start.PRACTICE: (N_("Try it first in practice mode"),
                     N_("Practice shops on {platforms} with pretend buyers, so you can try everything without "
                        "risk.")),
    Start.EXPORT: (N_("Bring in my online orders from order files"),
                   N_("No app key needed: download the orders file from the seller centre of {platforms} and "
                      "import it. We show you where to click.")),
    Start.IMPORT: (N_("Import my product list"),
                   N_("Choose an Excel or CSV file with your products. Practice mode does not start, so the "
                      "stock stays your real stock.")),
    Start.LINK: (N_("Link my online shop"),
                 N_("Needs your own developer app key from {platforms}, which few shops have. Practice mode "
                    "does not start.")),
}
BIG_BUTTON = ("QPushButton { font-size: 14pt; min-height: 56px; border: 2px solid #c9d6ce; border-radius: 8px;"
              " background: #ffffff; text-align: left; padding: 6px 16px; }"
              " QPushButton:checked { border-color: #1b7a43; background: #eaf4ee; }")


def _title() -> QLabel:
    label = QLabel()
    label.setProperty("role", "title")
    label.setWordWrap(True)
    return label


def _text() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("font-size: 12pt;")
    return label


class LanguageStep(QWidget):
    """Step 1: a greeting and two big language buttons; a click switches the app's language at once."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.title, self.text = _title(), _text()
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        box = QVBoxLayout(self)
        box.setSpacing(14)
        box.addWidget(self.title)
        box.addWidget(self.text)
        for code in i18n.LANGUAGES:
            button = QPushButton(LANGUAGE_NAMES[code])
            button.setCheckable(True)
            button.setAutoDefault(False)  # Enter always goes on to the next step
            button.setStyleSheet(BIG_BUTTON)
            button.clicked.connect(lambda _checked=False, c=code: self.chosen.emit(c))
            self.group.addButton(button)
            self.buttons[code] = button
            box.addWidget(button)
        box.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(tr("Welcome to Seller Companion"))
        self.text.setText(tr("The record of everything your shop sells, at the counter and online, with or without "
                             "internet. First choose the language of the app."))
        self.buttons[i18n.language()].setChecked(True)


class NameStep(QWidget):
    """Step 2: the shop's name, required (it heads the window and the daily recap)."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.text = _title(), _text()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_SHOP_NAME)
        self.name.setStyleSheet("font-size: 14pt; min-height: 44px;")
        self.error = QLabel()  # right under the field it is about
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setSpacing(14)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addWidget(self.name)
        box.addWidget(self.error)
        box.addStretch(1)
        self.errors = FormErrors()  # the same look and rule as the shop name in Settings (SHOP_NAME's check)
        self.errors.add(SHOP_NAME.key, self.name, self.error)

    def show_problem(self, exc: UserError) -> None:
        """The shared rule's sentence under the name, the box outlined and focused, the typed name kept."""
        self.errors.show(exc, SHOP_NAME.key)

    def clear_problem(self) -> None:
        self.errors.clear()

    def retranslate(self) -> None:
        self.title.setText(tr("What is your shop called?"))
        self.text.setText(tr("The name shows at the top of the app and on the daily recap. You can change it later "
                             "in Settings."))
        self.name.setPlaceholderText(tr("For example: Toko Berkah Jaya"))


class ChoiceButton(QPushButton):
    """A big checkable button with a bold heading and one plain sentence under it."""

    def __init__(self, start: Start) -> None:
        super().__init__()
        self.start = start
        self.setCheckable(True)
        self.setAutoDefault(False)  # Enter on a focused choice means the wizard's "Mulai", never "choose me again"
        self.setStyleSheet(BIG_BUTTON.replace("min-height: 56px", "min-height: 72px"))
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold; background: transparent;")
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet("font-size: 11pt; color: #333; background: transparent;")
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 8, 16, 8)
        box.setSpacing(2)
        for label in (self.heading, self.sentence):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(label)

    def retranslate(self) -> None:
        heading, sentence = CHOICES[self.start]
        self.heading.setText(tr(heading))
        self.sentence.setText(tr(sentence, platforms=self._platforms()))

    def _platforms(self) -> str:
        """The channels this choice is about, from the registry: practice shops or linkable ones."""
        if self.start is Start.PRACTICE:
            return platforms_text([s for s in registry.channels() if s.practice_credentials is not None],
                                  joiner=AND)
        if self.start is Start.EXPORT:
            return platforms_text([s for s in registry.channels() if s.export_guide is not None])
        return platforms_text([s for s in registry.channels() if s.auth is not None])


class StartStep(QWidget):
    """Step 3: practice mode (chosen unless changed), the seller centres' order files (no app key), importing a
    catalogue, or linking a real shop with the owner's own app key."""

    def __init__(self) -> None:
        super().__init__()
        self.title = _title()
        self.group = QButtonGroup(self)
        self.choices: dict[Start, ChoiceButton] = {}
        box = QVBoxLayout(self)
        box.setSpacing(10)
        box.addWidget(self.title)
        for start in Start:
            button = ChoiceButton(start)
            self.group.addButton(button)
            self.choices[start] = button
            box.addWidget(button)
        self.choices[Start.PRACTICE].setChecked(True)
        box.addStretch(1)

    @property
    def start(self) -> Start:
        return next(s for s, b in self.choices.items() if b.isChecked())

    def retranslate(self) -> None:
        self.title.setText(tr("How would you like to start?"))
        for button in self.choices.values():
            button.retranslate()
