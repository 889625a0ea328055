"""Test setup: Qt offscreen, a throwaway data directory per test, an in-memory keyring, the practice marketplace."""

from __future__ import annotations

import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from companion import error_log, i18n
from companion.practice.server import PracticeMarketplace
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path

pytest_plugins = ["tests.pg_cluster"]  # the `pg_cluster` fixture: a private PostgreSQL (hub tests)


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    # No test reaches the desktop's own password store: on Linux an unusable keyring would otherwise fall back to
    # the Secret Service on the session bus (store/secrets.py). tests/test_secret_service.py starts a private one.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def error_hooks() -> Iterator[None]:
    """Each test leaves the exception hooks and the error presenters as it found them: a presenter left by a test
    that ran the app's start would show a later test's thread error as a modal dialog nobody closes (the suite
    hung in test_security_gaps that way)."""
    hooks, presenters = (sys.excepthook, threading.excepthook), list(error_log._presenters)
    yield
    sys.excepthook, threading.excepthook = hooks
    error_log._presenters[:] = presenters


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("COMPANION_DATA_DIR", str(folder))
    i18n.set_language("id")
    yield folder
    close_thread_databases()
    i18n.set_language("id")


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    """The practice marketplace, a real HTTP server on 127.0.0.1 with its own state folder (a test may define its
    own `market` to start it differently)."""
    m = PracticeMarketplace(tmp_path / "practice").start()
    yield m
    m.stop()


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = open_database(db_path(data_dir))
    yield database
    database.close()
