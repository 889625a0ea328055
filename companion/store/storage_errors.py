"""A disk that is full, read-only or failing, told to people in one sentence instead of an SQLite code.

SQLite reports these as `sqlite3.OperationalError`/`DatabaseError` with a result code; the cashier needs
what happened and what to do. "database is locked" (SQLITE_BUSY) is left alone: it is a timing matter the
busy timeout already handles, not a disk problem.
"""

from __future__ import annotations

import errno
import sqlite3

from companion.domain.errors import UserError
from companion.i18n import N_

SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14

FULL = N_("The disk is full and nothing was saved: free some disk space, then try again.")
READ_ONLY = N_("The data folder cannot be written to and nothing was saved: make the disk writable again "
               "(or plug it back in), then try again.")
WRITE_FAILED = N_("Writing to the disk failed: check the disk is connected and working, then try again.")
CANNOT_OPEN = N_("The data file could not be opened and nothing was saved: check the disk is connected and the "
                 "data folder is still there, then try again.")

_MESSAGES = {SQLITE_FULL: FULL, SQLITE_READONLY: READ_ONLY, SQLITE_IOERR: WRITE_FAILED, SQLITE_CANTOPEN: CANNOT_OPEN}


class StorageUnavailable(UserError):
    """The disk refused a write; `code` is SQLite's extended result code, `reopen` says the file handle is suspect."""

    def __init__(self, msgid: str, code: int, name: str) -> None:
        super().__init__(msgid)
        self.code = code
        self.name = name

    @property
    def reopen(self) -> bool:
        """A handle opened while the disk was read-only (or lost) stays that way: open a fresh one next time."""
        return self.code & 0xFF in (SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN)


def storage_error(exc: BaseException) -> StorageUnavailable | None:
    """The person-facing error for a disk problem, or None when `exc` is something else (locked, a bug)."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    msgid = _MESSAGES.get(code & 0xFF)
    if msgid is None:
        return None
    return StorageUnavailable(msgid, code, str(getattr(exc, "sqlite_errorname", "")))


def os_storage_error(exc: OSError) -> StorageUnavailable:
    """The same sentences for a file the app writes itself (a backup): no room, write-protected, or failing."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageUnavailable(FULL, SQLITE_FULL, errno.errorcode.get(exc.errno or 0, "ENOSPC"))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageUnavailable(READ_ONLY, SQLITE_READONLY, errno.errorcode.get(exc.errno or 0, "EROFS"))
    return StorageUnavailable(WRITE_FAILED, SQLITE_IOERR, errno.errorcode.get(exc.errno or 0, "EIO"))
