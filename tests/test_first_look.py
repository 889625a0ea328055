"""The start's first look at the shop file (gui/startup_first.py, store/schema_version.py): the schema's newest
version is known without the migration scripts, the file is opened once and that handle is the window's, and an
unexpected error before the first paint is logged at once and shown once the error dialog is set up."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from companion.error_log import close_logging, install_logging, log_path, remove_presenter
from companion.gui.context import AppContext
from companion.gui.error_dialog import ErrorDialog, reporter
from companion.gui.startup_first import HeldErrors, open_if_current, opens_cleanly
from companion.store import migrations
from companion.store.database import Database, open_database
from companion.store.location import db_path
from companion.store.schema_version import LATEST_VERSION, current_version

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.qt_no_exception_capture  # the app's own hooks must see the exceptions


def test_the_cheap_latest_version_is_the_migrations_latest() -> None:
    assert LATEST_VERSION == migrations.latest_version() == migrations.MIGRATIONS[-1][0]


def test_an_up_to_date_file_opens_without_loading_the_migration_scripts(data_dir: Path) -> None:
    open_database(db_path(data_dir)).close()  # made and migrated
    probe = ("import sys; from pathlib import Path; from companion.store.database import open_database; "
             "db = open_database(Path(sys.argv[1])); print('companion.store.migrations' in sys.modules); db.close()")
    done = subprocess.run([sys.executable, "-c", probe, str(db_path(data_dir))], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_file_due_a_migration_is_still_migrated_on_open(data_dir: Path) -> None:
    path = db_path(data_dir)
    db = Database(path)
    migrations.migrate(db, target=LATEST_VERSION - 1)
    db.close()
    assert open_if_current(data_dir) is None and not opens_cleanly(data_dir)  # the full check comes first
    db = open_database(path)
    assert current_version(db) == LATEST_VERSION
    db.close()


def test_the_first_look_hands_its_handle_to_the_window(data_dir: Path) -> None:
    assert open_if_current(data_dir) is None and opens_cleanly(data_dir)  # a new shop: nothing to check
    open_database(db_path(data_dir)).close()
    first = open_if_current(data_dir)
    assert first is not None
    ctx = AppContext(data_dir, db=first)
    try:
        assert ctx.db is first
        assert first.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # as every window's handle
    finally:
        ctx.close()


@pytest.fixture
def held(data_dir: Path) -> Iterator[HeldErrors]:
    hooks = sys.excepthook, threading.excepthook
    install_logging(data_dir)  # as cli.py does before the GUI starts
    keeper = HeldErrors()
    yield keeper
    remove_presenter(keeper.keep)
    remove_presenter(reporter().present)
    close_logging()
    sys.excepthook, threading.excepthook = hooks


def test_an_error_before_the_paint_is_logged_then_shown_once_the_dialog_is_set_up(
        held: HeldErrors, qtbot: QtBot, data_dir: Path) -> None:
    button = QPushButton("Simpan")
    qtbot.addWidget(button)

    def fail() -> None:
        raise RuntimeError("broken before the paint")

    button.clicked.connect(fail)
    button.click()
    assert "broken before the paint" in log_path(data_dir).read_text(encoding="utf-8")
    assert [str(exc) for exc, _details in held.held] == ["broken before the paint"]
    assert QApplication.activeModalWidget() is None  # nothing shown yet
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, ErrorDialog):
            shown.append(box.details)
            box.ok_button.click()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    try:
        held.release(data_dir)
        held.release(data_dir)  # once only
        qtbot.waitUntil(lambda: len(shown) == 1)
        qtbot.wait(100)
    finally:
        timer.stop()
    assert len(shown) == 1 and "broken before the paint" in shown[0]
    assert held.held == []


@pytest.mark.parametrize("argv", [[], ["--data-dir", "X"], ["--data-dir=X", "--lang", "en", "--exit-when-ready"],
                                  ["--lang=id"], ["--self-test"], ["--data", "X"],  # (argparse's abbreviations)
                                  ["--data-dir", "X", "doctor"], ["doctor", "--data-dir", "Y"],
                                  ["backup", "--to", "Z"], ["--data-dir", "X", "hub", "status"]])
def test_the_quick_read_of_the_app_start_equals_the_full_parser(argv: list[str]) -> None:
    from companion import cli

    assert vars(cli.parse(argv)) == vars(cli.parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["--lang", "fr"], ["nonsense"], ["--version"], ["--help"], ["--data-dir"]])
def test_what_the_quick_read_does_not_know_is_said_by_the_full_parser(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from companion import cli

    with pytest.raises(SystemExit) as quick:
        cli.parse(argv)
    said = capsys.readouterr()
    with pytest.raises(SystemExit) as full:
        cli.parser().parse_args(argv)
    assert quick.value.code == full.value.code and said == capsys.readouterr()
