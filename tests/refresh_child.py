"""A second process for the token-refresh tests: one sync round of the real-style shops in a data folder, with the
keyring kept in a JSON file both processes share (as the desktop's password store would be shared).

Usage: python tests/refresh_child.py <data dir> <keyring file> <go file>; waits for <go file>, runs one round, prints
one line per shop: "result <account id> <ok 0|1> <problem kind or -> <sentence or ->".
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.store.file_lock import FileLock


class JsonFileKeyring(KeyringBackend):
    """Secrets in one JSON file, each change under an OS lock and written whole (for tests with several processes)."""

    priority = 1

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)

    def _change(self, key: str, value: str | None) -> None:
        lock = FileLock(self.path.with_suffix(".lock"), program="test keyring")
        if not lock.acquire(exclusive=True, timeout=30):
            raise RuntimeError("keyring file busy")
        try:
            items = self._all()
            if value is None:
                items.pop(key, None)
            else:
                items[key] = value
            part = self.path.with_suffix(f".{os.getpid()}.part")
            part.write_text(json.dumps(items), encoding="utf-8")
            os.replace(part, self.path)
        finally:
            lock.release()

    def _all(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}\t{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._change(f"{service}\t{username}", password)

    def delete_password(self, service: str, username: str) -> None:
        self._change(f"{service}\t{username}", None)


def main(argv: list[str]) -> int:
    from companion.store.database import open_database
    from companion.store.location import db_path
    from companion.sync.composition import sync_engine

    data_dir, keyring_file, go = Path(argv[0]), Path(argv[1]), Path(argv[2])
    keyring.set_keyring(JsonFileKeyring(keyring_file))
    db_file = db_path(data_dir)
    open_database(db_file).close()
    engine = sync_engine(db_file)
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    summary = engine.sync_once()
    for result in summary.accounts:
        problem = result.problem
        print("result", result.account_id, int(result.ok), problem.kind if problem else "-",
              problem.sentence_msgid if problem else "-", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
