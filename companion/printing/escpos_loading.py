"""python-escpos imported so that it leaves nothing behind.

At import escpos.capabilities makes a fresh temporary folder (mkdtemp, even when ESCPOS_CAPABILITIES_PICKLE_DIR
names one) for a pickled copy of its printer database, writes the pickle there and calls logging.basicConfig().
Every start of the app would leave one more folder in the temp directory, and the root logger would gain a stderr
handler. So the import runs with the pickle folder (and mkdtemp's answer, for that moment only) pointed at a
temporary folder we remove straight after (the pickle is only read at import), and any root handler escpos added is
taken off again. We never point it at a lasting folder: a pickle there would be loaded the next time.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

_PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _quiet_import() -> None:
    root = logging.getLogger()
    handlers = list(root.handlers)
    folder = tempfile.mkdtemp(prefix="companion-escpos-")
    previous = os.environ.get(_PICKLE_DIR)
    os.environ[_PICKLE_DIR] = folder
    real_mkdtemp = tempfile.mkdtemp
    # escpos calls mkdtemp() even when the folder is given (it is the default of environ.get): let it get ours
    tempfile.mkdtemp = lambda *_args, **_kw: folder  # type: ignore[assignment]
    try:
        import escpos.capabilities  # noqa: F401  (runs the loader once, here)
    finally:
        tempfile.mkdtemp = real_mkdtemp
        if previous is None:
            os.environ.pop(_PICKLE_DIR, None)
        else:
            os.environ[_PICKLE_DIR] = previous
        shutil.rmtree(folder, ignore_errors=True)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        logging.getLogger("escpos").setLevel(logging.WARNING)


_quiet_import()
