"""One behaviour for every form: all its errors at once, each under its field in reading order, the first field
focused, what was typed never touched; Enter saves; an allowed-but-odd value (Rp0, stock below zero) asked first.

A form registers its fields in reading order (`FormErrors.add`), shows a failed save with `show(exc)` and clears
with `clear()`. The optional summary label near the Save button holds the one sentence, or how many boxes to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QBoxLayout, QComboBox, QFormLayout, QLabel, QLayout, QScrollArea, QWidget

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, Question, Unconfirmed, problems_of
from companion.gui.messages import confirm, error_text
from companion.i18n import N_, tr

NOT_SENT = N_("Not sent yet: fix the {n} boxes marked in red.")  # the summary of a form that sends, not saves
OUTLINE = "border: 2px solid #b00020; border-radius: 3px;"
T = TypeVar("T")


class FormErrors:
    """The fields of one form by key, each with the error label placed right under it."""

    def __init__(self, summary: QLabel | None = None,
                 several: str = N_("Not saved: fix the {n} boxes marked in red.")) -> None:
        """`several`: the summary's msgid (with {n}) when several boxes show different problems."""
        self.summary = summary
        self.several = several
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._style: dict[str, str] = {}
        self._shown: list[str] = []
        self._loose: list[str] = []
        if summary is not None:
            summary.hide()

    def add(self, key: str, widget: QWidget, label: QLabel | None = None) -> QLabel:
        """Register `widget` (call in reading order); without `label` one is put under it in its layout."""
        label = label or _place_under(widget)
        self.fields[key] = widget
        self.labels[key] = label
        self._style[key] = widget.styleSheet()
        _set_visible(label, False)
        return label

    def clear(self) -> None:
        for key, widget in self.fields.items():
            widget.setStyleSheet(self._style[key])
            self.labels[key].setText("")
            _set_visible(self.labels[key], False)
        self._shown = []
        self._loose = []
        if self.summary is not None:
            self.summary.setText("")
            self.summary.hide()

    def show(self, exc: BaseException, default_field: str = "") -> None:
        """A failed save: every field's sentence under it, the summary, the first field focused."""
        if isinstance(exc, UserError):
            self.show_problems(problems_of(exc, default_field))
        else:
            self.show_problems([], error_text(exc))

    def show_problems(self, problems: Sequence[FieldProblem], other: str = "") -> None:
        self.show_texts([(problem.field, problem.error.message()) for problem in problems], other)

    def show_texts(self, found: Sequence[tuple[str, str]], other: str = "") -> None:
        """Sentences already in words, by field key (a problem the caller got as text, such as a refused reply)."""
        self.clear()
        texts: dict[str, list[str]] = {}
        loose = [other] if other else []
        for key, sentence in found:
            if key in self.fields:
                texts.setdefault(key, []).append(sentence)
            else:
                loose.append(sentence)
        self._shown = [key for key in self.fields if key in texts]  # reading order, not the order found
        for key in self._shown:
            self.labels[key].setText(" ".join(dict.fromkeys(texts[key])))
            _set_visible(self.labels[key], True)
            self.fields[key].setStyleSheet(f"{self._style[key]} {OUTLINE}".strip())
        self._summarise(loose)
        if self._shown:
            self.focus(self._shown[0])

    def _summarise(self, loose: list[str]) -> None:
        self._loose = loose
        if self.summary is None:
            return
        text = self.summary_text()
        self.summary.setText(text)
        self.summary.setProperty("role", "error")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        self.summary.setVisible(bool(text))

    def summary_text(self) -> str:
        """One problem (or one sentence for several boxes): it; several: how many boxes to fix; then the rest."""
        count = len(self._shown)
        sentences = {self.labels[key].text() for key in self._shown}
        if count >= 1 and len(sentences) == 1 and not self._loose:  # one sentence about several boxes: say it
            text = sentences.pop()
        elif count > 1:
            text = tr(self.several, n=count)
        else:
            text = ""
        return " ".join([text, *self._loose]).strip()

    def focus(self, key: str) -> None:
        """Focus the field (scrolled into view when it sits in a scroll area), its text selected."""
        widget = self.fields.get(key)
        if widget is not None:
            _scroll_to(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if hasattr(widget, "selectAll"):
                widget.selectAll()

    def shown(self) -> list[str]:
        """The keys of the fields showing an error, in reading order."""
        return list(self._shown)

    def text(self, key: str) -> str:
        return self.labels[key].text() if key in self._shown else ""


def ask_first(parent: QWidget | None, question: Question) -> bool:
    """The question about an allowed-but-odd value; True when the person said yes."""
    return confirm(parent, tr("Check first"), tr(question.msgid, **dict(question.params)), tr(question.yes),
                   tr("Change it"))


def save_asking(parent: QWidget | None, errors: FormErrors, attempt: Callable[[frozenset[str]], T],
                default_field: str = "") -> T | None:
    """Run `attempt(answered)`, asking each question it raises; None when refused or answered no (shown)."""
    answered: set[str] = set()
    while True:
        try:
            return attempt(frozenset(answered))
        except Unconfirmed as exc:
            if not ask_first(parent, exc.question):
                errors.clear()
                errors.focus(exc.question.field)
                return None
            answered.add(exc.question.key)
        except UserError as exc:
            errors.show(exc, default_field)
            return None


class EnterSaves(QObject):
    """Enter in any of the form's fields saves (a plain QWidget page has no default button to do it)."""

    def __init__(self, owner: QWidget, save: Callable[[], object], fields: Sequence[QWidget]) -> None:
        super().__init__(owner)
        self.save = save
        for field in fields:
            target = field.lineEdit() if isinstance(field, QComboBox) and field.isEditable() else field
            if target is not None:
                target.installEventFilter(self)
            if isinstance(field, QComboBox) and field.isEditable():
                field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.save()
            return True
        return False


class EnterMovesOn(QObject):
    """Enter in a field a scanner fills (a barcode) goes to the next field instead of saving half a form."""

    def __init__(self, field: QWidget) -> None:
        super().__init__(field)
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(watched, QWidget)):
            watched.focusNextChild()
            return True
        return False


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setProperty("field_error", True)
    label.setWordWrap(True)
    return label


def _place_under(widget: QWidget) -> QLabel:
    """A new error label right under `widget` in the layout that holds it (a form row or a column)."""
    label = error_label()
    layout = _holder(widget)
    if isinstance(layout, QFormLayout):
        position: Any = layout.getWidgetPosition(widget)  # (row, role); typed loosely by PySide6
        layout.insertRow(int(position[0]) + 1, "", label)
    elif isinstance(layout, QBoxLayout):
        layout.insertWidget(layout.indexOf(widget) + 1, label)
    else:
        raise ValueError("place the error label yourself: the field is not in a form or a column")
    return label


def _holder(widget: QWidget) -> QLayout | None:
    parent = widget.parentWidget()
    top = parent.layout() if parent is not None else None
    return _search(top, widget) if top is not None else None


def _search(layout: QLayout, widget: QWidget) -> QLayout | None:
    if layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        item = layout.itemAt(i)
        inner = item.layout() if item is not None else None
        if inner is not None:
            found = _search(inner, widget)
            if found is not None:
                return found
    return None


def _scroll_to(widget: QWidget) -> None:
    """Every scroll area holding `widget` shows it (with its error line under it)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 10, 60)
        parent = parent.parentWidget()


def _set_visible(label: QLabel, on: bool) -> None:
    """Hide the label's whole form row (no empty gap under every field), or just the label elsewhere."""
    layout = _holder(label)
    if isinstance(layout, QFormLayout):
        layout.setRowVisible(label, on)
    else:
        label.setVisible(on)
