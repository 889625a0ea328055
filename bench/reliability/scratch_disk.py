"""A data folder whose disk can really fill up or turn read-only, with the best mechanism this machine allows.

As root with mount permission (the development machine): a small tmpfs holds the data folder; "full" is a filler
file written until the kernel answers ENOSPC, and "read-only" is a second, read-only bind mount of the same tmpfs
through which a fresh handle is opened (a mounted disk with open writers cannot be remounted read-only, so the
write-protected view stands for the disk as a new handle finds it). Without that (CI as a normal user): "full"
is SQLite's own `PRAGMA max_page_count` (the same SQLITE_FULL the app would see) and "read-only" is a chmod of
the folder and file before the handle opens (SQLite then opens the file read-only, as on a write-protected disk).
The mechanism in use is printed and shown in the campaign table, never skipped silently; RELIABILITY_NO_MOUNT=1
forces the fallback (to try it as root).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from companion.store.database import Database

MAX_PAGES = 1_073_741_823  # SQLite's default max_page_count


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


class ScratchDisk:
    """`folder` is the data folder; `fill`/`free` and `protect`/`unprotect` change what the disk allows."""

    def __init__(self, root: Path, size_mb: int = 24) -> None:
        self.root = root
        self.disk = root / "disk"
        self.size_mb = size_mb
        self.mounted = False
        self.views: list[Path] = []  # read-only views, one per protect(); kept for the handle opened through it
        self.filler = self.disk / "filler.bin"

    def __enter__(self) -> ScratchDisk:
        self.disk.mkdir(parents=True, exist_ok=True)
        if os.name == "posix" and os.geteuid() == 0 and not os.environ.get("RELIABILITY_NO_MOUNT"):
            self.mounted = _mount("-t", "tmpfs", "-o", f"size={self.size_mb}m", "tmpfs", str(self.disk))
        print(f"disk trouble: {self.mechanism}")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for view in self.views:
            subprocess.run(["umount", "--lazy", str(view)], capture_output=True, check=False)
        if self.mounted:
            subprocess.run(["umount", "--lazy", str(self.disk)], capture_output=True, check=False)
        else:
            for p in (self.disk, self.disk / "data"):
                if p.exists():
                    p.chmod(0o755)

    @property
    def mechanism(self) -> str:
        if self.mounted:
            return f"real: a {self.size_mb} MB tmpfs filled with a file (ENOSPC), a read-only bind mount (EROFS)"
        return "SQLite-level: PRAGMA max_page_count (SQLITE_FULL), chmod before opening (read-only open)"

    @property
    def short_mechanism(self) -> str:
        return "tmpfs + ro bind mount" if self.mounted else "SQLite-level (max_page_count, chmod, RLIMIT_FSIZE)"

    @contextlib.contextmanager
    def full_for_backup(self, db: Database) -> Iterator[None]:
        """A full disk for a new file: the filler on the tmpfs, or else a file-size limit (EFBIG) on this process."""
        if self.mounted:
            self.fill(db)
            try:
                yield
            finally:
                self.free(db)
            return
        import resource  # POSIX only, like the rest of the fallback

        old = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, old[1]))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, old)
            signal.signal(signal.SIGXFSZ, handler)

    @property
    def folder(self) -> Path:
        path = self.disk / "data"
        path.mkdir(exist_ok=True)
        return path

    def fill(self, db: Database) -> None:
        """No room for one more page: the WAL is emptied first so the next commit needs new disk blocks."""
        db.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
        if not self.mounted:
            db.conn.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count')}")
            return
        with open(self.filler, "ab", buffering=0) as f:
            for size in (1 << 20, 4096, 1):  # big blocks, then what is left, down to the last byte
                try:
                    while f.write(b"\0" * size):
                        pass
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise

    def free(self, db: Database) -> None:
        if self.mounted:
            with contextlib.suppress(FileNotFoundError):
                self.filler.unlink()
        else:
            db.conn.execute(f"PRAGMA max_page_count = {MAX_PAGES}")

    def protect(self, file_name: str) -> Path:
        """The path through which a handle opened now finds the disk write-protected."""
        if self.mounted:
            # A fresh view each time: SQLite keeps a closed handle's file open while another connection holds
            # locks on the same file, which keeps the previous view busy.
            view = self.root / f"read-only-view-{len(self.views)}"
            view.mkdir(exist_ok=True)
            if not _mount("--bind", str(self.disk), str(view)):
                raise RuntimeError("could not make the bind mount")
            self.views.append(view)
            if not _mount("-o", "remount,bind,ro", str(view)):
                raise RuntimeError("could not make the bind mount read-only")
            return view / "data" / file_name
        if os.name == "posix" and os.geteuid() == 0:
            raise RuntimeError("root without mount permission: chmod cannot protect the disk")
        (self.folder / file_name).chmod(stat.S_IRUSR | stat.S_IRGRP)
        self.folder.chmod(0o555)
        return self.folder / file_name

    def unprotect(self, file_name: str) -> None:
        if self.mounted:
            if not _mount("-o", "remount,bind,rw", str(self.views[-1])):
                raise RuntimeError("could not make the bind mount writable again")
            return
        self.folder.chmod(0o755)
        (self.folder / file_name).chmod(0o644)
