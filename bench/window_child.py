"""Run in a fresh process by the window measure: start a window, paint it once, print "ready".

    python -m bench.window_child app|bare DATA_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(mode: str, data_dir: Path) -> None:
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1200, 760)
    else:
        from companion.gui.app import application
        from companion.gui.context import AppContext
        from companion.gui.main_window import MainWindow

        app = application()
        ctx = AppContext(data_dir)
        window = MainWindow(ctx)
    window.show()
    app.processEvents()
    window.grab()  # renders every visible widget: the first page is painted
    print("ready", flush=True)
    os._exit(0)  # the measure ends at "ready"; skip teardown


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
