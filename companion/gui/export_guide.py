"""The export guide: how to download today's orders from each seller centre, one picture and one sentence a step,
ending in the order-file import. For owners without a developer app key (most of them): the seller centre's export
file brings the same orders in, with no key at all.

The channels and every word about them come from the registry (`ChannelSpec.export_guide`); this file names no
platform. `exec()` answers Accepted when the owner pressed "choose the file", and the caller opens the import.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.connectors.spec import ChannelSpec
from companion.gui.export_pictures import SIZE, draw_step
from companion.i18n import tr

GUIDE_SIZE = (880, 540)
CHOSEN = "QPushButton:checked { border: 2px solid #1b7a43; background: #eaf4ee; }"


def guided_channels() -> list[ChannelSpec]:
    """The channels whose seller centre export the app reads and explains, in their registry order."""
    return [spec for spec in registry.channels() if spec.export_guide is not None and spec.export_layouts]


class ExportGuideDialog(QDialog):
    """A channel switch on top, then the chosen channel's steps one at a time (Back / Next)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export-guide")
        self.setWindowTitle(tr("Orders from the seller centre"))
        self.channels = guided_channels()
        self.channel = self.channels[0] if self.channels else None
        self.index = 0
        self.title = QLabel(tr("Your online orders without an app key"))
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.intro = QLabel(tr("Every seller centre lets you download your orders as a file, with no app key. "
                               "Download today's file, then import it here: the orders come in as they would from "
                               "a linked shop."))
        self.intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.channel_buttons = self._channel_row()
        self.counter = QLabel()
        self.counter.setProperty("role", "hint")
        self.picture = QLabel()
        self.picture.setFixedSize(*SIZE)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet("font-size: 14pt;")
        self.sentence.setMinimumWidth(220)
        self.back_button = QPushButton(tr("Back"))
        self.back_button.clicked.connect(lambda: self.show_step(self.index - 1))
        self.next_button = QPushButton(tr("Next"))
        self.next_button.clicked.connect(lambda: self.show_step(self.index + 1))
        self.import_button = QPushButton(tr("I have the file: choose it…"))
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.accept)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self._lay_out()
        self.resize(GUIDE_SIZE[0], self.sizeHint().height())
        if self.channels:
            self.choose(self.channels[0].name)

    def _channel_row(self) -> dict[str, QPushButton]:
        buttons: dict[str, QPushButton] = {}
        for spec in self.channels:
            button = QPushButton(tr(spec.long_label))
            button.setCheckable(True)
            button.setMinimumHeight(36)
            button.setStyleSheet(CHOSEN)
            button.clicked.connect(lambda _checked=False, name=spec.name: self.choose(name))
            self.group.addButton(button)
            buttons[spec.name] = button
        return buttons

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        for button in self.channel_buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.close_button)
        actions.addStretch(1)
        actions.addWidget(self.back_button)
        actions.addWidget(self.next_button)
        actions.addWidget(self.import_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 18, 24, 18)
        box.setSpacing(10)
        box.addWidget(self.title)
        box.addWidget(self.intro)
        box.addLayout(row)
        box.addWidget(self.counter)
        step = QHBoxLayout()  # the picture and its sentence side by side: the whole step fits a 720-pixel screen
        step.setSpacing(18)
        step.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        step.addWidget(self.sentence, 1, Qt.AlignmentFlag.AlignTop)
        box.addLayout(step)
        box.addStretch(1)
        box.addLayout(actions)

    def choose(self, channel: str) -> None:
        """Show the named channel's guide from its first step."""
        self.channel = next(spec for spec in self.channels if spec.name == channel)
        self.channel_buttons[channel].setChecked(True)
        self.show_step(0)

    def show_step(self, index: int) -> None:
        spec = self.channel
        if spec is None or spec.export_guide is None:
            return
        steps = spec.export_guide.steps
        self.index = max(0, min(index, len(steps) - 1))
        step = steps[self.index]
        self.counter.setText(tr("Step {n} of {total}", n=self.index + 1, total=len(steps)))
        ratio = self.devicePixelRatioF() or 1.0
        self.picture.setPixmap(draw_step(spec.export_guide, step, spec.color, tr(spec.long_label), ratio))
        self.sentence.setText(tr(step.text))
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(steps) - 1)
        last = self.index == len(steps) - 1
        (self.import_button if last else self.next_button).setDefault(True)
