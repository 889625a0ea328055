"""Unexpected errors in the GUI: logged scrubbed, shown as one sentence with "Salin detail" that copies the
scrubbed support text, never twenty times in a row, and the app keeps answering afterwards."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.errors import UserError
from companion.error_log import close_logging, log_path, remove_presenter
from companion.gui.background import BackgroundWork
from companion.gui.error_dialog import ErrorDialog, install_error_handling, reporter
from companion.gui.messages import show_error
from companion.i18n import N_
from companion.store.database import Database
from companion.store.location import db_path
from companion.store.secrets import set_secret

pytestmark = pytest.mark.qt_no_exception_capture  # our own hooks must see the exceptions, as in the app

SECRET = "kr-tiktok-secret-0fa93b"
URL = "https://open-api.tiktokglobalshop.com/order?app_key=12ab&access_token=tok-in-url-5566&sign=9f9f9f9f"


class DialogAnswers:
    """Answers each message box: on an error dialog presses Salin detail (and notes the clipboard), then OK."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        seen: dict[str, object] = {"text": box.text(), "buttons": sorted(b.text() for b in box.buttons()),
                                   "gui_thread": box.thread() is QApplication.instance().thread()}
        if isinstance(box, ErrorDialog):
            QGuiApplication.clipboard().clear()
            box.copy_button.click()
            seen["clipboard"] = QGuiApplication.clipboard().text()
            seen["open_after_copy"] = box.isVisible()
            seen["copy_label"] = box.copy_button.text()
        self.seen.append(seen)
        next(b for b in box.buttons() if b.text() == "OK").click()

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def answers(data_dir: Path) -> Iterator[DialogAnswers]:
    hooks = sys.excepthook, threading.excepthook
    set_secret("tiktok-1", "app_secret", SECRET)
    install_error_handling(data_dir)
    reporter().clock = lambda: 0.0  # every error "at the same moment" unless a test moves the clock
    reporter()._last.clear()
    answering = DialogAnswers()
    yield answering
    answering.stop()
    reporter().clock = time.monotonic
    reporter()._last.clear()
    remove_presenter(reporter().present)  # the hooks are restored below: no dialog outside these tests
    close_logging()
    sys.excepthook, threading.excepthook = hooks


def the_log(data_dir: Path) -> str:
    return log_path(data_dir).read_text(encoding="utf-8")


def assert_scrubbed(text: str) -> None:
    for secret in (SECRET, "tok-in-url-5566", "9f9f9f9f"):
        assert secret not in text, secret


def failing_button(qtbot: QtBot) -> tuple[QWidget, QPushButton, QPushButton, list[int]]:
    """A window with a button whose slot raises, and one that counts clicks (is the app still answering?)."""
    window = QWidget()
    layout = QVBoxLayout(window)
    broken, working = QPushButton("Simpan"), QPushButton("Hitung")
    layout.addWidget(broken)
    layout.addWidget(working)
    counted: list[int] = []

    def save() -> None:
        raise RuntimeError(f"could not call {URL} with secret {SECRET}")

    broken.clicked.connect(save)
    working.clicked.connect(lambda: counted.append(1))
    qtbot.addWidget(window)
    window.show()
    return window, broken, working, counted


def test_an_exception_in_a_slot_is_logged_and_shown_with_copy_details(answers: DialogAnswers, qtbot: QtBot,
                                                                       data_dir: Path) -> None:
    _window, broken, working, counted = failing_button(qtbot)
    qtbot.mouseClick(broken, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(answers.seen) == 1)
    seen = answers.seen[0]
    assert seen["text"] == ("Terjadi kesalahan dan tidak ada yang tersimpan. Coba lagi; bila terus terjadi, tekan "
                            "Salin detail lalu kirimkan ke bantuan.")
    assert seen["buttons"] == ["OK", "Salin detail"]
    assert seen["open_after_copy"] and seen["copy_label"] == "Tersalin"
    copied = str(seen["clipboard"])
    assert copied.startswith("Seller Companion ") and "RuntimeError: could not call" in copied
    assert f"Log file: {log_path(data_dir)}" in copied and "Qt: " in copied and "OS: " in copied
    assert "access_token=***" in copied
    assert_scrubbed(copied)
    written = the_log(data_dir)
    assert "Unexpected error in MainThread" in written and "RuntimeError: could not call" in written
    assert_scrubbed(written)
    qtbot.mouseClick(working, Qt.MouseButton.LeftButton)  # the app goes on
    assert counted == [1]


def test_identical_errors_in_a_row_are_logged_but_shown_once(answers: DialogAnswers, qtbot: QtBot,
                                                            data_dir: Path) -> None:
    _window, broken, working, counted = failing_button(qtbot)
    for _ in range(5):
        qtbot.mouseClick(broken, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(working, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: counted == [1] and len(answers.seen) == 1)
    QApplication.processEvents()
    assert len(answers.seen) == 1 and reporter().not_shown == 4
    assert the_log(data_dir).count("RuntimeError: could not call") == 5
    reporter().clock = lambda: 61.0  # a minute later the same error is news again
    qtbot.mouseClick(broken, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(answers.seen) == 2)


def test_an_exception_in_a_background_job_is_logged_and_shown(answers: DialogAnswers, qtbot: QtBot,
                                                              data_dir: Path, db: Database) -> None:
    work = BackgroundWork(db_path(data_dir))
    heard: list[BaseException] = []

    def job(_db: Database, _progress: object) -> None:
        {"app_secret": SECRET}["missing key " + URL]

    work.run(job, on_error=heard.append)
    qtbot.waitUntil(lambda: len(answers.seen) == 1)
    assert len(heard) == 1 and isinstance(heard[0], KeyError)  # the caller still hears of it first
    copied = str(answers.seen[0]["clipboard"])
    assert "KeyError" in copied and "in job" in copied  # the job's own traceback, from the pool thread
    assert_scrubbed(copied)
    written = the_log(data_dir)
    assert "Unexpected error in a background job" in written and "KeyError" in written
    assert_scrubbed(written)
    assert work.wait()


def test_a_user_error_in_a_background_job_stays_the_callers_sentence(answers: DialogAnswers, qtbot: QtBot,
                                                                     data_dir: Path, db: Database) -> None:
    work = BackgroundWork(db_path(data_dir))
    heard: list[BaseException] = []

    def job(_db: Database, _progress: object) -> None:
        raise UserError(N_("Cannot do that"))

    work.run(job, on_error=heard.append)
    qtbot.waitUntil(lambda: len(heard) == 1)
    for _ in range(3):
        QApplication.processEvents()
    assert answers.seen == [] and isinstance(heard[0], UserError)
    assert work.wait()


def test_show_error_keeps_the_sentence_for_user_errors_and_disk_problems(answers: DialogAnswers,
                                                                          qtbot: QtBot) -> None:
    show_error(None, UserError(N_("Code {code} was not found: check the code or search by name."), code="X1"))
    show_error(None, OSError(28, "No space left on device"))
    assert [s["buttons"] for s in answers.seen] == [["OK"], ["OK"]]
    assert answers.seen[0]["text"] == "Kode X1 tidak ditemukan: periksa kodenya atau cari dengan nama."
    assert "No space left on device" in str(answers.seen[1]["text"])


def test_show_error_adds_details_for_anything_unexpected(answers: DialogAnswers, data_dir: Path) -> None:
    i18n.set_language("en")
    show_error(None, ZeroDivisionError(f"division by zero near {URL}"))
    assert answers.seen[0]["buttons"] == ["Copy details", "OK"]
    assert answers.seen[0]["text"] == ("Something went wrong and nothing was saved. Try again; if it keeps "
                                       "happening, press Copy details and send them to support.")
    assert_scrubbed(str(answers.seen[0]["clipboard"]))
    assert "ZeroDivisionError" in the_log(data_dir)


def test_an_exception_on_another_thread_is_shown_in_the_gui_thread(answers: DialogAnswers, qtbot: QtBot,
                                                                  data_dir: Path) -> None:
    def sync_round() -> None:
        raise ValueError(f"bad answer from {URL}")

    worker = threading.Thread(target=sync_round, name="sync")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(answers.seen) == 1)
    assert answers.seen[0]["gui_thread"] is True
    assert "ValueError: bad answer" in str(answers.seen[0]["clipboard"])
    assert "Unexpected error in sync" in the_log(data_dir)
