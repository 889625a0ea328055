"""Run in a fresh process by bench/app_measures.py: the app started as a person starts it
(`companion.gui.app.run`), or a bare QApplication + QMainWindow, then one measure; prints one JSON line.

    python -m bench.app_child idle bare|off|practice|buyers DATA_DIR SETTLE_S WINDOW_S
    python -m bench.app_child memory bare|app DATA_DIR PAGE_MS
    python -m bench.app_child inbox DATA_DIR SAMPLES SPACING_S

Modes of the app: `off` = practice mode declined (no online shop), `practice` = practice shops linked and
syncing with the simulated buyers paused, `buyers` = practice mode as a new user gets it (buyers every 45 s).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

POLL_MS = 100  # how often the child looks whether start-up is done or a message is shown (not during idle)
STARTUP_LIMIT_S = 300.0
_TIMERS: list[QTimer] = []  # parentless timers live as long as the child


def peak_rss_mb() -> float:
    """The process's peak resident set so far.

    Linux: VmHWM of /proc/self/status. Not ru_maxrss: Linux carries the parent's peak across fork and exec into
    it, so a child of a bench process that had grown to 336 MB (after the order-file import) reported 336 MB for
    every page and for the bare window alike. Elsewhere ru_maxrss (macOS: bytes).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def report(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


def every(ms: int, check: Callable[[], bool]) -> QTimer:
    """Call `check` every `ms` until it returns True."""
    timer = QTimer()

    def tick() -> None:
        if check():
            timer.stop()

    timer.timeout.connect(tick)
    timer.start(ms)
    _TIMERS.append(timer)
    return timer


# --- starting ----------------------------------------------------------------------------------------------

def bare_window() -> tuple[QApplication, QMainWindow]:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
    return app, window


def _started(window: Any) -> bool:
    """The start after the first paint is done (gui/startup_later.py: the sync and practice mode are set up, and
    practice mode, when it starts, has its server answering): what the measures below talk to."""
    from companion.gui.practice_mode import practice_mode

    return window.ctx.sync is not None and not practice_mode(window.ctx).busy


def run_app(data_dir: Path, ready: Callable[[Any], None]) -> int:
    """`companion.gui.app.run` itself; `ready(main_window)` is called once the event loop is running."""
    from companion.gui.app import application, run
    from companion.gui.main_window import MainWindow

    application()

    def find_window() -> bool:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and _started(w)]
        if found:
            ready(found[0])
        return bool(found)

    keep = every(POLL_MS, find_window)
    code = run(data_dir)
    keep.stop()
    return code


def when_online_settled(window: Any, pause_buyers: bool, then: Callable[[], None]) -> None:
    """Wait until practice mode runs (when it should) and the first sync round has finished."""
    from companion.domain.settings_keys import PRACTICE_DECLINED
    from companion.gui.practice_mode import practice_mode

    ctx = window.ctx
    practice = practice_mode(ctx)
    started = time.monotonic()

    def check() -> bool:
        if time.monotonic() - started > STARTUP_LIMIT_S:
            report({"error": "start-up did not settle (practice mode or the first sync round)"})
            QApplication.quit()
            return True
        wants_practice = not ctx.setting(PRACTICE_DECLINED)
        if practice.busy or (wants_practice and not practice.running):
            return False
        if ctx.sync is None or not ctx.sync.running or ctx.sync.last_summary is None or ctx.sync.in_round:
            return False
        if wants_practice and pause_buyers:
            practice.session.set_pace(0)
        then()
        return True

    every(POLL_MS, check)


# --- idle CPU ----------------------------------------------------------------------------------------------

def idle(mode: str, data_dir: Path, settle_s: float, window_s: float) -> None:
    def measure() -> None:
        cpu0, wall0 = time.process_time(), time.perf_counter()  # process-wide: every thread's user + system time

        def done() -> None:
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            report({"cpu_s": cpu, "wall_s": wall, "percent": 100 * cpu / wall, "peak_rss_mb": peak_rss_mb()})
            QApplication.quit()

        QTimer.singleShot(int(window_s * 1000), done)

    if mode == "bare":
        app, _window = bare_window()
        QTimer.singleShot(int(settle_s * 1000), measure)
        app.exec()
        return

    def ready(window: Any) -> None:
        when_online_settled(window, mode == "practice", lambda: QTimer.singleShot(int(settle_s * 1000), measure))

    run_app(data_dir, ready)


# --- peak memory -------------------------------------------------------------------------------------------

def memory(mode: str, data_dir: Path, page_ms: int) -> None:
    if mode == "bare":
        app, window = bare_window()
        app.processEvents()
        window.grab()
        report({"peak_rss_mb": peak_rss_mb()})
        return

    def visit(window: Any) -> None:
        from companion.gui.main_window import PAGES

        keys = [key for key, *_rest in PAGES]
        peaks = {"settled": peak_rss_mb()}

        def next_page() -> None:
            if not keys:
                window.ctx.work.wait()
                QApplication.processEvents()
                window.grab()
                report({"peak_rss_mb": peak_rss_mb(), "pages": len(PAGES), "peak_after": peaks})
                QApplication.quit()
                return
            key = keys.pop(0)
            window.open_page(key)
            window.grab()  # painted, as on screen

            def loaded() -> None:  # background loads (reports, plan) have had their time
                peaks[key] = peak_rss_mb()
                next_page()

            QTimer.singleShot(page_ms, loaded)

        when_online_settled(window, True, next_page)

    run_app(data_dir, visit)


# --- a buyer's message to the inbox ------------------------------------------------------------------------

def inbox(data_dir: Path, samples: int, spacing_s: float) -> None:
    """Messages from distinct practice buyers at random moments (so they fall anywhere in the poll cycle);
    each one's time from the admin call to its text being in the inbox page's model."""
    import requests

    rng = random.Random(8)
    sent: dict[str, float] = {}
    shown: dict[str, float] = {}

    def start(window: Any) -> None:
        from companion.connectors import registry
        from companion.domain.marketplace import Capability
        from companion.gui.practice_mode import practice_mode

        page = window.open_page("inbox")
        admin = practice_mode(window.ctx).base_urls["admin"]
        # Lazada forbids polling its chats (read when the person asks: connectors/lazada/spec.py): its messages
        # would never arrive by themselves, so only the channels the sync polls are timed.
        polled = [spec.name for spec in registry.channels()
                  if Capability.CHAT in spec.capabilities and spec.chat_pull == "poll" and spec.practice]

        def post(n: int) -> None:
            text = f"Kak, stok masih ada? (bench {n}-{rng.randrange(10**6)})"
            platform = polled[n % len(polled)]
            reply = requests.post(f"{admin}/messages", json={"platform": platform, "text": text, "buyer": 900 + n},
                                  timeout=10)
            reply.raise_for_status()
            sent[text] = time.perf_counter()
            if n + 1 < samples:
                QTimer.singleShot(int(rng.uniform(0.5, 1.5) * spacing_s * 1000), lambda: post(n + 1))

        def look() -> bool:
            now = time.perf_counter()
            for row, _clock in page.model.entries:
                if row.last_text in sent and row.last_text not in shown:
                    shown[row.last_text] = now
            if len(shown) == samples:
                report({"latencies_s": [shown[t] - sent[t] for t in sent]})
                QApplication.quit()
                return True
            return False

        def begin() -> None:  # the first one at a random moment after the settled round, as the rest
            QTimer.singleShot(int(rng.uniform(0, spacing_s) * 1000), lambda: post(0))
            every(POLL_MS, look)

        when_online_settled(window, True, begin)

    run_app(data_dir, start)


def main(argv: list[str]) -> None:
    what = argv[0]
    if what == "idle":
        idle(argv[1], Path(argv[2]), float(argv[3]), float(argv[4]))
    elif what == "memory":
        memory(argv[1], Path(argv[2]), int(argv[3]))
    elif what == "inbox":
        inbox(Path(argv[1]), int(argv[2]), float(argv[3]))
    else:
        raise SystemExit(f"unknown measure {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(0)  # the figures are out; skip Qt's and Python's teardown
