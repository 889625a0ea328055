"""An installed CUPS printer (Linux, macOS) given raw ESC/POS bytes through `lp -d NAME -o raw`.

escpos's LP class runs the same command, but sends lp's errors to /dev/null, never looks at its exit status and
starts a second lp job when flushed; here one job gets the whole document and lp's own sentence comes back when it
refuses (no such printer, CUPS not running). Its timeout keeps a stuck spooler from holding the counter.
"""

from __future__ import annotations

import shutil
import subprocess

from companion.printing import escpos_loading  # noqa: F401  (before escpos: keeps its import harmless)
from companion.printing.problems import SpoolerRefused

from escpos.escpos import Escpos  # isort: skip


class LpSpooler(Escpos):
    def __init__(self, name: str, timeout: float) -> None:
        super().__init__()
        self.name = name
        self.timeout = timeout
        self.pending: list[bytes] = []

    def open(self, raise_not_found: bool = True) -> None:
        if shutil.which("lp") is None:
            raise SpoolerRefused("lp not found")

    def _raw(self, msg: bytes) -> None:
        self.pending.append(msg)

    def close(self) -> None:
        """Nothing is sent until flush(): a job that failed to lay out never reaches the spooler."""
        self.pending.clear()

    def flush(self) -> None:
        data = b"".join(self.pending)
        self.pending.clear()
        if not data:
            return
        done = subprocess.run(["lp", "-d", self.name, "-t", "Seller Companion", "-o", "raw"], input=data,
                              capture_output=True, timeout=max(self.timeout, 10.0), check=False)
        if done.returncode != 0:
            raise SpoolerRefused(done.stderr.decode("utf-8", "replace").strip() or f"lp exit {done.returncode}")
