"""The support log: a rotating file in the data folder, secrets scrubbed, and hooks that send every
unexpected exception there (any thread) before anyone is told.

Outside gui/ because the command line and the sync thread log too; the GUI adds a presenter that
shows a dialog (companion/gui/error_dialog.py).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from companion.log_scrubbing import ScrubbingFormatter, scrub

LOG_NAME = "companion.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 4  # companion.log plus .1 … .4: at most ~5 MB, enough for weeks of ordinary use
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


class _LogFile(RotatingFileHandler):
    """A full or locked disk must not stop the app, and logging's own error report would print the
    unscrubbed record to stderr: a record that cannot be written is dropped."""

    def handleError(self, record: logging.LogRecord) -> None:
        return


log = logging.getLogger("companion")
# Told about each unexpected exception after it is logged: (exception, scrubbed traceback text). Any thread.
Presenter = Callable[[BaseException, str], None]
_presenters: list[Presenter] = []
_handler: _LogFile | None = None
_lock = threading.Lock()
_LOGGED = "__companion_logged__"
_previous_hooks: tuple[Callable[..., object], Callable[..., object]] | None = None


def log_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


def log_path(data_dir: Path) -> Path:
    return log_dir(data_dir) / LOG_NAME


def current_log_path() -> Path | None:
    """The file this process logs to, or None before `install_logging`."""
    return Path(_handler.baseFilename) if _handler is not None else None


def install_logging(data_dir: Path, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT) -> Path:
    """Send this process's log records to <data dir>/logs/companion.log (rotating) and hook unexpected
    exceptions. Calling it again for another folder moves the log there (tests, a --data-dir command)."""
    global _handler
    path = log_path(data_dir)
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) == path.resolve():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _LogFile(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        handler.setFormatter(ScrubbingFormatter(FORMAT))
        root = logging.getLogger()
        if _handler is not None:
            root.removeHandler(_handler)
            _close(_handler)
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        _handler = handler
    install_hooks()
    return path


def close_logging() -> None:
    """Detach and close the log file and put the earlier exception hooks back (a command run in-process
    leaves the process as it found it; a test's folder can go; Windows can move the file)."""
    global _handler
    _restore_hooks()
    with _lock:
        if _handler is not None:
            logging.getLogger().removeHandler(_handler)
            _close(_handler)
            _handler = None


def _close(handler: logging.Handler) -> None:
    with contextlib.suppress(OSError, ValueError):  # the disk went away: its last lines are lost, the app goes on
        handler.close()


def traceback_text(exc: BaseException) -> str:
    """The scrubbed traceback of `exc`; the text a background job captured on its own thread when there is one."""
    captured = getattr(exc, "__traceback_text__", None)
    text = captured if isinstance(captured, str) else "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    return scrub(text)


def log_unexpected(exc: BaseException, where: str = "") -> str:
    """Log `exc` with its traceback once (however many layers report it); returns the scrubbed traceback."""
    text = traceback_text(exc)
    try:
        if getattr(exc, _LOGGED, False):
            return text
        setattr(exc, _LOGGED, True)
    except AttributeError:  # an exception type with __slots__: log it, maybe twice
        pass
    log.error("Unexpected error%s:\n%s", f" in {where}" if where else "", text.rstrip())
    return text


def add_presenter(presenter: Presenter) -> None:
    if presenter not in _presenters:
        _presenters.append(presenter)


def remove_presenter(presenter: Presenter) -> None:
    if presenter in _presenters:
        _presenters.remove(presenter)


def _present(exc: BaseException, text: str) -> None:
    for presenter in list(_presenters):
        try:
            presenter(exc, text)
        except Exception:  # a broken presenter must not hide the original error, nor loop back here
            log.exception("The error presenter failed")


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    _present(exc, log_unexpected(exc, threading.current_thread().name))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    exc = args.exc_value
    if exc.__traceback__ is None:
        exc = exc.with_traceback(args.exc_traceback)
    thread = args.thread.name if args.thread is not None else "a thread"
    _present(exc, log_unexpected(exc, thread))


def install_hooks() -> None:
    """sys.excepthook (which PySide also calls for exceptions in slots) and threading.excepthook."""
    global _previous_hooks
    if not hooks_installed():
        _previous_hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def _restore_hooks() -> None:
    global _previous_hooks
    if _previous_hooks is not None and hooks_installed():
        sys.excepthook, threading.excepthook = _previous_hooks
    _previous_hooks = None


def hooks_installed() -> bool:
    return sys.excepthook is _excepthook and threading.excepthook is _thread_excepthook
