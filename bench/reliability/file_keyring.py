"""A keyring kept in one JSON file, for the kill cycles' real-style shop: the campaign runs without a desktop
password store, and the app process it SIGKILLs and the campaign itself must see the same secrets.

`PYTHON_KEYRING_BACKEND=bench.reliability.file_keyring.FileKeyring` with `COMPANION_TEST_KEYRING_FILE` naming the
file. Each write replaces the file whole (temporary file, fsync, `os.replace`), so a kill leaves the old secrets or
the new ones, never half a file - as a real keyring would.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties

FILE_VARIABLE = "COMPANION_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        """Viable only with its file named (keyring tries every backend it knows when it picks one)."""
        if FILE_VARIABLE not in os.environ:
            raise RuntimeError(f"the test keyring needs {FILE_VARIABLE}")
        return 1

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ.get(FILE_VARIABLE, "keyring.json"))

    def _all(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _save(self, values: dict[str, str]) -> None:
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        with open(partial, "w", encoding="utf-8") as f:
            json.dump(values, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        values = self._all()
        values[f"{service}/{username}"] = password
        self._save(values)

    def delete_password(self, service: str, username: str) -> None:
        values = self._all()
        values.pop(f"{service}/{username}", None)
        self._save(values)
