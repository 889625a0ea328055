"""Run in a fresh process by the window measure: start a window, paint it once, print "ready".

    python -m bench.window_child app|bare DATA_DIR

"app" is the app's own start, exactly as `companion --data-dir DATA_DIR` runs it (folder lock, logging, the data
file's check and migration, language, the welcome and cashier questions when due, the main window with its first page,
practice mode and the sync after the paint): `companion.cli.main` with the hidden `--exit-when-ready`, which prints
"ready" once the window has painted (gui/startup_later.py), the same path the packaged app's measure times
(bench/packaging_measures.py). "bare" is a plain QApplication and QMainWindow of the app's size, painted once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
    app.processEvents()
    window.grab()  # renders the window: it is painted
    print("ready", flush=True)
    os._exit(0)  # the measure ends at "ready"; skip teardown


def main(mode: str, data_dir: Path) -> None:
    if mode == "bare":
        bare()
    from companion.cli import main as companion_main

    sys.exit(companion_main(["--data-dir", str(data_dir), "--exit-when-ready"]))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
