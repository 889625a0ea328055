"""A packaged app started by a double click has no console: a failed start must still be said, in a window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion import cli


def test_a_failed_start_without_a_console_is_shown_in_a_window(qtbot: QtBot, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "shop-file"
    not_a_folder.write_text("a file where the data folder should be")
    monkeypatch.setattr("sys.stderr", None)  # what a windowed (console=False) executable gets
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.buttons()[0].click()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    try:
        code = cli.main(["--data-dir", str(not_a_folder), "--lang", "en"])
    finally:
        timer.stop()
    assert code == 1
    assert len(seen) == 1 and seen[0] == (f"{not_a_folder} is a file, not a folder: give a folder as the data "
                                          "folder (--data-dir), then try again.")  # issue 13: clear words
    assert not_a_folder.read_text() == "a file where the data folder should be"


def test_with_a_console_the_sentence_goes_to_stderr_and_no_window_opens(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "shop-file"
    not_a_folder.write_text("x")
    assert cli.main(["--data-dir", str(not_a_folder), "--lang", "en", "doctor"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{not_a_folder} is a file, not a folder")  # issue 13: clear words


def test_a_data_folder_given_before_the_command_is_the_one_used() -> None:
    assert cli.parser().parse_args(["--data-dir", "X", "doctor"]).data_dir == "X"
    assert cli.parser().parse_args(["doctor", "--data-dir", "Y"]).data_dir == "Y"
    assert cli.parser().parse_args(["doctor"]).data_dir is None
