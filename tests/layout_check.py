"""A layout check for a shown widget tree: what a person would see as broken on a small screen.

Reports, as one readable line each:
- visible sibling widgets that overlap (a layout squeezed below its minimum stacks its widgets on each other);
- label and button text that does not fit (QFontMetrics over the widget's contents rect; word-wrapped labels are
  measured wrapped at their width);
- controls narrower than their text (combo boxes, placeholders of line edits, check boxes);
- widgets outside their parent's area (a layout squeezed below its minimum pushes them out).

The inside of Qt's own compound widgets (a scroll area's bars, a combo box's line edit, an item view's viewport) is
not walked: Qt places those itself. The content of a scroll area is walked, and may be larger than its viewport.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

SLACK = 1  # rounding between a font's metrics and a layout's pixels
# Qt's compound widgets: their insides are placed by Qt, not by our layouts
OPAQUE = (QAbstractItemView, QComboBox, QAbstractSpinBox, QCalendarWidget, QTabBar, QMenu, QTextEdit, QLineEdit,
          QAbstractButton, QAbstractScrollArea)


def check_layout(root: QWidget) -> list[str]:
    """Every finding under `root` (shown, laid out), one sentence each; empty when the layout is right."""
    findings: list[str] = []
    for widget in _shown_tree(root):
        findings += _text_findings(widget)
        findings += _sibling_findings(widget)
    return findings


def name_of(widget: QWidget) -> str:
    """A widget named for a person reading a finding: its class, object name, text and its page."""
    text = _text(widget)
    name = widget.objectName()
    parts = [type(widget).__name__]
    if name and not name.startswith("qt_"):
        parts.append(f"#{name}")
    if text:
        parts.append(repr(text[:40]))
    owner = widget.parentWidget()
    while owner is not None and not owner.objectName().startswith(("holder-", "page-")):
        if type(owner).__module__.startswith("companion.gui.pages"):
            parts.append(f"on {type(owner).__name__}")
            break
        owner = owner.parentWidget()
    return " ".join(parts)


def _shown_tree(root: QWidget) -> Iterator[QWidget]:
    """`root` and every visible widget under it that our layouts place."""
    yield root
    for child in _placed_children(root):
        yield from _shown_tree(child)


def _placed_children(widget: QWidget) -> list[QWidget]:
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        return [inner] if inner is not None and inner.isVisible() else []
    if isinstance(widget, OPAQUE):
        return []
    if isinstance(widget, QStackedWidget):
        current = widget.currentWidget()
        return [current] if current is not None and current.isVisible() else []
    return [c for c in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if c.isVisible() and not c.isWindow() and c.width() > 0 and c.height() > 0]


def _sibling_findings(parent: QWidget) -> list[str]:
    """Children overlapping each other, or reaching out of their parent."""
    if isinstance(parent, QScrollArea | QStackedWidget):
        return []
    children = _placed_children(parent)
    area = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
    findings = [f"{name_of(c)} lies outside its parent {name_of(parent)} ({_box(c.geometry())} in "
                f"{parent.width()}×{parent.height()})" for c in children if not area.contains(c.geometry())]
    for n, first in enumerate(children):
        for second in children[n + 1:]:
            both = first.geometry().adjusted(SLACK, SLACK, -SLACK, -SLACK).intersected(second.geometry())
            if both.width() > 0 and both.height() > 0:
                findings.append(f"{name_of(first)} overlaps {name_of(second)} ({_box(first.geometry())} and "
                                f"{_box(second.geometry())})")
    return findings


def _text_findings(widget: QWidget) -> list[str]:
    if isinstance(widget, QLabel):
        return _label_findings(widget)
    if isinstance(widget, QCheckBox | QRadioButton):
        return _check_findings(widget)
    if isinstance(widget, QPushButton | QToolButton):
        return _button_findings(widget)
    if isinstance(widget, QComboBox):
        return _combo_findings(widget)
    if isinstance(widget, QLineEdit):
        return _line_edit_findings(widget)
    return []


def _label_findings(label: QLabel) -> list[str]:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    inner = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    if label.indent() > 0:
        inner.setLeft(inner.left() + label.indent())
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if label.wordWrap():
        need_w, need_h = _wrapped_size(label, text, rich, inner.width())
    else:
        need_w, need_h = _unwrapped_size(label, text, rich)
    if need_w > inner.width() + SLACK or need_h > inner.height() + SLACK:
        return [f"{name_of(label)} is clipped: its text needs {need_w}×{need_h}, it has {inner.width()}×"
                f"{inner.height()}"]
    return []


def _wrapped_size(label: QLabel, text: str, rich: bool, width: int) -> tuple[int, int]:
    """The text laid out at `width`: its widest line (a word longer than the width overflows it), its height."""
    doc = _document(label, text, rich)
    doc.setTextWidth(max(width, 1))
    return int(doc.idealWidth() + 0.5), int(doc.size().height() + 0.5)


def _unwrapped_size(label: QLabel, text: str, rich: bool) -> tuple[int, int]:
    if rich:
        doc = _document(label, text, rich)
        return int(doc.idealWidth() + 0.5), int(doc.size().height() + 0.5)
    metrics = QFontMetrics(label.font())
    lines = text.split("\n")
    return max(metrics.horizontalAdvance(line) for line in lines), metrics.height() * len(lines)


def _document(label: QLabel, text: str, rich: bool) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    if rich:
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc


def _button_findings(button: QPushButton | QToolButton) -> list[str]:
    text = _text(button)
    if not text:
        return []
    metrics = QFontMetrics(button.font())
    need = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    if not button.icon().isNull() and (not isinstance(button, QToolButton)
                                       or button.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextOnly):
        need += button.iconSize().width() + 4
    room = _button_room(button)
    height = metrics.height() * len(text.split("\n"))
    fits = button.width() >= button.sizeHint().width()  # the style's own size for its text and padding
    if not fits and (need > room.width() + SLACK or height > button.height()):
        return [f"{name_of(button)} is clipped: its text needs {need}×{height}, it has {room.width()}×"
                f"{button.height()}"]
    return []


def _button_room(button: QPushButton | QToolButton) -> QRect:
    """Where the style draws a push button's text (inside its frame and padding)."""
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        button.initStyleOption(option)
        return button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    return button.rect().adjusted(3, 0, -3, 0)


def _check_findings(box: QCheckBox | QRadioButton) -> list[str]:
    text = _text(box)
    if not text:
        return []
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(box, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonContents)
    room = box.style().subElementRect(element, option, box)
    need = QFontMetrics(box.font()).horizontalAdvance(text)
    if need > room.width() + SLACK:
        return [f"{name_of(box)} is clipped: its text needs {need}, it has {room.width()}"]
    return []


def _combo_findings(combo: QComboBox) -> list[str]:
    text = combo.currentText()
    if not text or combo.isEditable():
        return []
    need = QFontMetrics(combo.font()).horizontalAdvance(text)
    room = combo.width() - _combo_frame(combo)
    if need > room + SLACK:
        return [f"{name_of(combo)} is narrower than its text {text!r}: needs {need}, has {room}"]
    return []


def _combo_frame(combo: QComboBox) -> int:
    """The arrow and frame a combo box draws around its text (from its own size hint for an empty text)."""
    metrics = QFontMetrics(combo.font())
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    return max(combo.sizeHint().width() - widest, 20)


def _line_edit_findings(edit: QLineEdit) -> list[str]:
    shown = edit.text() or edit.placeholderText()
    if not shown or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return []
    need = QFontMetrics(edit.font()).horizontalAdvance(shown)
    room = edit.contentsRect().width() - edit.textMargins().left() - edit.textMargins().right() - 4
    if not edit.text() and need > room + SLACK:
        return [f"{name_of(edit)} is narrower than its placeholder {shown!r}: needs {need}, has {room}"]
    return []


def _text(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    if isinstance(widget, QAbstractButton):
        text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return text


def _box(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()} at {rect.x()},{rect.y()}"
