"""Emptying a layout that is filled again on every reload (rows of shops, commands, response figures)."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout


def clear_layout(layout: QLayout) -> None:
    """Take every item out; its widget is hidden at once (no flicker of stale rows) and deleted by Qt later."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
