"""An operating-system lock on a file that dies with its process, shared or exclusive.

Two processes on one data folder must not both swap or write the shop file unseen (issue 13: an import and a
restore in two processes lost 20,000 orders). SQLite's own lock lasts one transaction; this one lasts as long as
a command or the app runs, and the OS drops it when the process ends however it ends (a kill, a crash), so a
stale lock file never locks anyone out.

Each holder also writes who it is (program, pid, since) into a small record file beside the lock, itself locked
while the holder lives, so the one refused can say what holds the folder; records of dead holders are unlocked
and ignored (and removed).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

POLL_SECONDS = 0.05
_OPEN_FLAGS = os.O_RDWR | getattr(os, "O_BINARY", 0)

# On Windows a locked byte range cannot be read by others, so the lock sits far past the text a holder writes.
_WIN_LOCK_OFFSET = 0x7FFF_0000
_WIN_LOCK_LENGTH = 1


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: the program's name (say "the app" or "companion import"), its pid and since when."""

    program: str
    pid: int
    since: str

    def describe(self) -> str:
        return f"{self.program} (pid {self.pid}, since {self.since})"


def default_program() -> str:
    """A name for this process when the caller gives none: the command line's program and first word."""
    name = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "python"
    words = [name, *[a for a in sys.argv[1:2] if not a.startswith("-")]]
    return " ".join(words)


class FileLock:
    """A lock on `path` (created if missing) held by this object until `release()` or the end of the process."""

    def __init__(self, path: Path, program: str | None = None) -> None:
        self.path = Path(path)
        self.program = program or default_program()
        self._fd: int | None = None
        self._exclusive = False
        self._record_fd: int | None = None
        self._record_path: Path | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    @property
    def exclusive(self) -> bool:
        return self._fd is not None and self._exclusive

    @property
    def records_dir(self) -> Path:
        """Where the holders' records live: `<lock file>.holders/` beside the lock file."""
        return self.path.with_name(self.path.name + ".holders")

    def acquire(self, exclusive: bool, timeout: float | None = 0) -> bool:
        """Take the lock; False when it was not got within `timeout` seconds (None waits for ever, 0 tries once).

        OSError (a missing or read-only folder) goes to the caller, who says it in words.
        """
        if self._fd is not None:
            raise RuntimeError("FileLock.acquire called twice; release first")
        fd = os.open(self.path, _OPEN_FLAGS | os.O_CREAT, 0o644)
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        try:
            while not _try_lock(fd, exclusive):
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._exclusive = fd, exclusive
        self._write_record()
        return True

    def release(self) -> None:
        """Let go (nothing happens when not held)."""
        self._drop_record()
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def holders(self) -> list[Holder]:
        """The live holders other than this object, oldest first; records of dead ones are tidied away."""
        found: list[Holder] = []
        try:
            entries = sorted(self.records_dir.iterdir())
        except OSError:
            return found
        for entry in entries:
            if entry == self._record_path:
                continue
            holder = _live_record(entry)
            if holder is not None:
                found.append(holder)
        return sorted(found, key=lambda h: h.since)

    def holder(self) -> str:
        """What the current holders wrote about themselves, for a "held by …" sentence ("" when unknown)."""
        return ", ".join(h.describe() for h in self.holders())

    def __enter__(self) -> FileLock:
        if not self.held and not self.acquire(exclusive=False, timeout=None):
            raise RuntimeError("unreachable: a lock taken with no timeout was not got")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def _write_record(self) -> None:
        """Leave a locked record saying who holds the lock; a folder that refuses it only costs the name."""
        record = Holder(self.program, os.getpid(), datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
        path = self.records_dir / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
        try:
            self.records_dir.mkdir(exist_ok=True)
            fd = os.open(path, _OPEN_FLAGS | os.O_CREAT | os.O_TRUNC, 0o644)
        except OSError:
            return
        try:
            os.write(fd, json.dumps(record.__dict__).encode())
            _try_lock(fd, exclusive=True)
        except OSError:
            os.close(fd)
            return
        self._record_fd, self._record_path = fd, path

    def _drop_record(self) -> None:
        fd, path = self._record_fd, self._record_path
        self._record_fd = self._record_path = None
        if fd is None or path is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):  # Windows: someone reads it this moment; the next reader tidies it
            path.unlink(missing_ok=True)


def _live_record(path: Path) -> Holder | None:
    """The holder a record names while its process still holds it; None (and the file removed) when it is stale."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if _try_lock(fd, exclusive=True):  # nobody holds it: its writer is gone (or is just writing it)
            _unlock(fd)
            os.close(fd)
            fd = -1
            _remove_if_old(path)
            return None
        text = _read_all(fd)
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        data = json.loads(text)
        return Holder(str(data["program"]), int(data["pid"]), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def _remove_if_old(path: Path) -> None:
    """A stale record is removed, but not one a second old: its writer may be between writing and locking it."""
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > 1.0:
            path.unlink()


def _read_all(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


if sys.platform == "win32":
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2
    _ERROR_LOCK_VIOLATION = 33
    _ERROR_IO_PENDING = 997

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_size_t),
            ("InternalHigh", ctypes.c_size_t),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.LockFileEx.argtypes = [
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
    ]
    _kernel32.LockFileEx.restype = wintypes.BOOL
    _kernel32.UnlockFileEx.argtypes = [
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
    ]
    _kernel32.UnlockFileEx.restype = wintypes.BOOL

    def _overlapped() -> _Overlapped:
        ov = _Overlapped()
        ov.Offset = _WIN_LOCK_OFFSET & 0xFFFF_FFFF
        ov.OffsetHigh = _WIN_LOCK_OFFSET >> 32
        return ov

    def _try_lock(fd: int, exclusive: bool) -> bool:
        """LockFileEx on a byte range past the text, without waiting; False when another holds it."""
        handle = msvcrt.get_osfhandle(fd)
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        ov = _overlapped()
        if _kernel32.LockFileEx(handle, flags, 0, _WIN_LOCK_LENGTH, 0, ctypes.byref(ov)):
            return True
        error = ctypes.get_last_error()
        if error in (_ERROR_LOCK_VIOLATION, _ERROR_IO_PENDING):
            return False
        raise ctypes.WinError(error)

    def _unlock(fd: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        ov = _overlapped()
        if not _kernel32.UnlockFileEx(handle, 0, _WIN_LOCK_LENGTH, 0, ctypes.byref(ov)):
            raise ctypes.WinError(ctypes.get_last_error())

else:
    import errno
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        """flock without waiting; False when another open file holds it the other way."""
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
