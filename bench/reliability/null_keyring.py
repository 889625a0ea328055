"""A keyring that keeps nothing, for the campaign's app processes: practice shops keep no secrets, and the test
machine has no system password store (`PYTHON_KEYRING_BACKEND=bench.reliability.null_keyring.NullKeyring`)."""

from __future__ import annotations

from keyring.backend import KeyringBackend


class NullKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None
