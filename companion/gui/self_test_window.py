"""The self-test's two Qt steps (Qt stays inside companion/gui/): the main window builds and paints offscreen,
and the app starts as a person starts it."""

from __future__ import annotations

import contextlib
import io

from PySide6.QtCore import QTimer

from companion import i18n
from companion.domain.settings_keys import WELCOME_DONE
from companion.error_log import add_presenter, remove_presenter
from companion.i18n import tr
from companion.self_test_trial import FAILED, OK, START_LIMIT_S, Outcome, Trial


def main_window(trial: Trial) -> Outcome:
    """Qt's offscreen platform plugin loads, the app's icon is bundled, and the main window builds and paints."""
    trial.database()
    from companion.gui.app import application
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow

    app = application()
    if app.windowIcon().isNull():
        return FAILED, tr("the app icon is missing from the resources")
    ctx = AppContext(trial.folder)
    try:
        window = MainWindow(ctx)
        window.show()
        app.processEvents()
        image = window.grab()
        window.close()
    finally:
        ctx.close()
    if image.isNull() or image.width() < 100:
        return FAILED, tr("the main window did not paint")
    return OK, tr("built and painted offscreen ({width}×{height}, {platform})", width=image.width(),
                  height=image.height(), platform=app.platformName())


def app_start(trial: Trial) -> Outcome:
    """The start a person gets from `companion`: start-up checks, error handling, practice mode, the window's first
    paint, then a normal quit. Finds a module the start imports late that a build left out."""
    from companion.gui.app import application, run
    from companion.store import settings

    db = trial.database()
    with db.write():
        settings.put(db, WELCOME_DONE, True)  # the welcome wizard would wait for a person
    app = application()
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(app.quit)  # a start that waits for someone must not hang the self-test
    watchdog.start(START_LIMIT_S * 1000)
    said = io.StringIO()
    unexpected: list[BaseException] = []  # errors the start met after the window was up (the Windows build's

    def keep(exc: BaseException, _text: str) -> None:  # first try: a page failed to import, yet said "ok")
        unexpected.append(exc)

    add_presenter(keep)
    try:
        with contextlib.redirect_stdout(said):
            code = run(trial.folder, i18n.language(), exit_when_ready=True)
    finally:
        remove_presenter(keep)
    watchdog.stop()
    if unexpected:
        first = unexpected[0]
        words = str(first).strip().splitlines()[0] if str(first).strip() else ""
        return FAILED, tr("an unexpected error during the start: {error}", error=f"{type(first).__name__} {words}")
    if said.getvalue().split() != ["ready"]:
        return FAILED, tr("the app did not show its window within {seconds} s", seconds=START_LIMIT_S)
    if code != 0:
        return FAILED, tr("the app ended with code {code}", code=code)
    return OK, tr("started as from the desktop, painted its window and quit")
