"""The packaged app: its one-folder size, how its start compares with starting from source, and its start on the
large shop against the bare PySide6 window the window measure uses (bench/window_child.py), as issue 21 asks.

Builds build_scripts/dist/SellerCompanion with build_scripts/build.py when it is missing or older than the
sources (needs the [build] extra: `./dev build` installs it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Result

if TYPE_CHECKING:
    from bench.measures import Setup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build_scripts"))
import build as app_build  # noqa: E402  (build_scripts/build.py: where the app lands and how its size is counted)

SOURCES = ("companion", "resources", "build_scripts/companion.spec", "pyproject.toml")


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file() and "__pycache__" not in
                                               f.parts]
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def built_app() -> Path:
    """The one-folder app, rebuilt first when a source file changed after the last build."""
    program = app_build.console_program(onefile=False)
    if not program.exists() or program.stat().st_mtime < _newest_source():
        subprocess.run([sys.executable, str(ROOT / "build_scripts" / "build.py")], check=True, cwd=ROOT)
    return app_build.app_path(onefile=False)


def _start_data_dir(work: Path) -> Path:
    """A migrated shop whose welcome is done, so both starts go straight to the main window."""
    from companion.domain.settings_keys import WELCOME_DONE
    from companion.store import settings
    from companion.store.database import open_database
    from companion.store.location import db_path

    folder = work / "packaging-start"
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(db_path(folder))
    with db.write():
        settings.put(db, WELCOME_DONE, True)
    db.close()
    return folder


def _large_shop_dir(setup: Setup) -> Path:
    """A fresh copy of the large shop, as the window measure starts on (no backups or practice book from before)."""
    import shutil

    from bench.measures import scratch_copy

    folder = setup.work / "packaging-large-shop"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    scratch_copy(setup, "packaging-large-shop.sqlite3").replace(folder / "companion.sqlite3")
    return folder


def _seconds_to_ready(command: list[str], stop_at_ready: bool = False) -> float:
    """Wall time from spawning the process until it prints "ready" (its window has painted). `stop_at_ready`: end it
    there (the rest of the start on a 270 MB shop, its start-up backup, is nothing anybody waits for)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            env=env)
    assert proc.stdout is not None
    line = ""
    for line in proc.stdout:
        if line.strip() == "ready":
            break
    elapsed = time.perf_counter() - start
    if stop_at_ready:
        proc.kill()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if line.strip() != "ready":
        raise RuntimeError(f"{command[0]} never said ready (exit {proc.returncode})")
    return elapsed


def icu_data_sizes(app: Path) -> tuple[int, int] | None:
    """(bytes of the app's ICU data library, bytes of Qt's own) on Linux, where the build trims it
    (build_scripts/icu_data.py); None where the app carries none (Windows and macOS use the system's ICU)."""
    import PySide6

    found = sorted(app.rglob("libicudata.so.*"))
    if not found:
        return None
    own = Path(str(PySide6.__file__)).parent / "Qt" / "lib" / found[0].name
    return found[0].stat().st_size, own.stat().st_size


def packaging(setup: Setup) -> list[Result]:
    """(a) one-folder size against the 120 MB ceiling; (b) frozen start against `python -m companion`, same data;
    (c) the frozen start on the large shop against a bare PySide6 window; (d) on Linux, the trimmed ICU data
    library against Qt's own (the trimming still takes)."""
    from bench.measures import _compile_package

    app = built_app()
    size_mb = app_build.size_bytes(app) / 1e6
    data = _start_data_dir(setup.work)
    frozen = [str(app_build.console_program(onefile=False)), "--data-dir", str(data), "--exit-when-ready"]
    source = [sys.executable, "-m", "companion", "--data-dir", str(data), "--exit-when-ready"]
    _compile_package()  # the frozen app carries byte-code; so does an installed copy
    runs = 2 if setup.quick else 5
    _seconds_to_ready(frozen)  # warm the disk cache and the practice record for both sides
    _seconds_to_ready(source)
    frozen_ms: list[float] = []
    source_ms: list[float] = []
    for _ in range(runs):
        frozen_ms.append(_seconds_to_ready(frozen) * 1000)
        source_ms.append(_seconds_to_ready(source) * 1000)
    results = [
        Result(f"one-folder app size ({sys.platform})", size_mb, "MB", target=120.0),
        Result(f"frozen start vs from source (window painted, median of {runs})", statistics.median(frozen_ms),
               "ms", statistics.median(source_ms), target_ratio=1.3),
    ]
    results.append(_frozen_against_bare(setup, runs))
    icu = icu_data_sizes(app)
    if icu is not None:
        results.append(Result("ICU data library in the app vs Qt's own (linux)", icu[0] / 1e6, "MB", icu[1] / 1e6,
                              target_ratio=0.1))
    return results


def _frozen_against_bare(setup: Setup, runs: int) -> Result:
    """The packaged app's own start on a copy of the large shop until its window has painted, against the window
    measure's bare PySide6 window (from source: a frozen bare window would be a second build), runs alternating."""
    shop = _large_shop_dir(setup)
    frozen = [str(app_build.console_program(onefile=False)), "--data-dir", str(shop), "--exit-when-ready"]
    bare = [sys.executable, "-m", "bench.window_child", "bare", str(shop)]
    _seconds_to_ready(frozen, stop_at_ready=True)  # warm the disk cache for both sides
    _seconds_to_ready(bare)
    frozen_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(runs):
        frozen_ms.append(_seconds_to_ready(frozen, stop_at_ready=True) * 1000)
        bare_ms.append(_seconds_to_ready(bare) * 1000)
    return Result(f"frozen start on the large shop vs a bare PySide6 window (painted, median of {runs})",
                  statistics.median(frozen_ms), "ms", statistics.median(bare_ms), target_ratio=1.5)
