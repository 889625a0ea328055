"""A damaged data file is offered a restore, never silently used: before the window when the file does not open
(gui/startup_first.py), else over the window once its full check has run (gui/startup_later.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from PySide6.QtWidgets import QMessageBox, QWidget

from companion.domain.clock import shop_zone
from companion.domain.errors import UserError
from companion.i18n import babel_locale, tr
from companion.store import backup
from companion.store.location import db_path


def check_database_or_recover(data_dir: Path, parent: QWidget | None = None) -> bool:
    """True when the app may open the data; False when the person chose to quit."""
    path = db_path(data_dir)
    if not path.exists() or backup.quick_check(path):
        return True
    return recover(data_dir, parent)


def recover(data_dir: Path, parent: QWidget | None = None) -> bool:
    """The file failed its check: offer the newest good backup. True once restored; False when the person chose to
    quit or there is no good backup (the file is left as it was)."""
    path = db_path(data_dir)
    good = backup.newest_good_backup(data_dir)
    if good is None:
        _tell(parent, tr("The data file is damaged and there is no good backup: keep the file {file} and contact "
                         "support.", file=path))
        return False
    when = next((i.time for i in backup.list_backups(data_dir) if i.path == good), None)
    question = tr("The data file is damaged: restore the newest good backup from {time}?", time=show_time(when))
    if not _ask_restore(parent, question):
        return False
    try:
        kept = backup.restore(data_dir, good)
    except (UserError, OSError) as exc:
        text = exc.message() if isinstance(exc, UserError) else tr(
            "The backup could not be restored ({reason}): keep the file {file} and contact support.",
            reason=exc.strerror or type(exc).__name__, file=path)
        _tell(parent, text)
        return False
    _tell(parent, tr("Restored. The data from before was kept in {file}.", file=kept or path), warning=False)
    return True


def show_time(moment: datetime | None, zone: str = "WIB") -> str:
    """A backup's time in the shop's zone, the way people write it."""
    if moment is None:
        return "?"
    return format_datetime(moment.astimezone(shop_zone(zone)), "d MMM y, HH.mm", locale=babel_locale())


def _ask_restore(parent: QWidget | None, question: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Data file damaged"), question, parent=parent)
    restore = box.addButton(tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def _tell(parent: QWidget | None, text: str, warning: bool = True) -> None:
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, tr("Seller Companion"), text, parent=parent)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
