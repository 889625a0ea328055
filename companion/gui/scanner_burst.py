"""A barcode scanner is a keyboard that types a whole code in a few milliseconds and presses Enter. At the counter,
a code scanned while the cursor sits in another field (the cash given, the discount, a quantity) must not land there
and must never finish a sale: this filter recognises such a burst by its timing and hands the code to the product
search instead, putting the field back as it was.

People type at most ~15 keys a second (a gap of 60 ms or more); scanners send keys 1–20 ms apart. A burst is
`MIN_CODE` or more printable keys, each at most `MAX_GAP_MS` after the previous, ended by Enter within the same gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

MIN_CODE = 4      # shorter bursts are left alone (a quick "50" then Enter is a person)
MAX_GAP_MS = 35   # the widest gap between a scanner's keys (fast typists stay above ~60 ms)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _Burst:
    text_before: str = ""
    cursor_before: int = 0
    keys: list[str] = field(default_factory=list)
    last_ms: int = -1


class ScannerBurstFilter(QObject):
    """Watches line edits; a scanned code typed into one goes to `on_code(code)` and the field is restored."""

    def __init__(self, on_code: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_code = on_code
        self._bursts: dict[int, _Burst] = {}

    def watch(self, edit: QLineEdit) -> None:
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QLineEdit) \
                or not isinstance(event, QKeyEvent):
            return False
        now = int(event.timestamp())
        if now == 0:  # a key made by software (tests, input tools) carries no time: never take it for a scanner
            return False
        burst = self._bursts.setdefault(id(watched), _Burst())
        fast = burst.last_ms >= 0 and 0 <= now - burst.last_ms <= MAX_GAP_MS
        if event.key() in ENTER_KEYS:
            code = "".join(burst.keys)
            self._bursts.pop(id(watched), None)
            if fast and len(code) >= MIN_CODE:
                watched.setText(burst.text_before)
                watched.setCursorPosition(burst.cursor_before)
                self._on_code(code)
                return True  # the Enter belonged to the scanner: it finishes nothing here
            return False
        char = event.text()
        if not char or not char.isprintable() or event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                                      | Qt.KeyboardModifier.AltModifier):
            self._bursts.pop(id(watched), None)
            return False
        if not fast:  # a new run starts: remember the field as it is before this key
            burst.text_before, burst.cursor_before, burst.keys = watched.text(), watched.cursorPosition(), []
        burst.keys.append(char)
        burst.last_ms = now
        return False
