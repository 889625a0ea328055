"""A job's answer that is still on its way to the GUI thread when the app closes its database must not reach a
page (CI, stop 26: a return's photo download answered after the order desk had closed, and its page read a closed
database)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from companion.gui.context import AppContext
from companion.store.database import Database


def test_an_answer_queued_when_the_context_closes_is_dropped(data_dir: Path, qtbot: QtBot) -> None:
    ctx = AppContext(data_dir)
    heard: list[object] = []

    def answer(value: object) -> None:
        heard.append(ctx.db.query("SELECT count(*) FROM products")[0][0] if value else value)

    ctx.work.run(lambda db, _progress: db.query("SELECT 1")[0][0], answer)
    ctx.close()  # the job has ended; its answer is queued, not yet delivered
    qtbot.wait(50)
    assert heard == []
    assert ctx.work._running == 0  # the busy indicator still hears the job ended


def test_answers_reach_their_page_while_the_context_is_open(data_dir: Path, qtbot: QtBot) -> None:
    ctx = AppContext(data_dir)
    heard: list[object] = []

    def job(db: Database, _progress: object) -> int:
        return int(db.query("SELECT 41 + 1")[0][0])

    ctx.work.run(job, heard.append)
    qtbot.waitUntil(lambda: heard == [42])
    ctx.close()
