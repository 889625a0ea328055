"""The app process's output read as it comes (a reader thread), so the campaign can time its kill to a line - the
start of a stocktake, of a restore - and keeps every line even when the process dies mid-write."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO


class ChildOutput:
    """Lines of one stream with the moment each arrived; `wait_for` blocks until a line matches."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            if not line.endswith("\n"):
                break  # the last line cut off by the kill: never printed whole, so never reported
            with self._changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, match: Callable[[str], bool], timeout: float, after: int = 0) -> int | None:
        """Index of the first line from `after` on that matches (None when the stream ended or time ran out)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for n in range(after, len(self.lines)):
                    if match(self.lines[n][1]):
                        return n
                after = len(self.lines)
                left = deadline - time.monotonic()
                if self._ended or left <= 0:
                    return None
                self._changed.wait(left)

    def finish(self, timeout: float = 60) -> list[str]:
        """Every whole line, once the process is gone."""
        self._thread.join(timeout)
        with self._changed:
            return [line for _, line in self.lines]
