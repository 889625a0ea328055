"""The OS file lock, tried with real second processes: shared with shared, exclusive alone, gone with a kill."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.store.file_lock import FileLock

_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from companion.store.file_lock import FileLock
    lock = FileLock(Path(sys.argv[1]), program=sys.argv[3])
    got = lock.acquire(exclusive=sys.argv[2] == "ex", timeout=0)
    print("got" if got else "refused", flush=True)
    sys.stdin.readline()  # hold until told (or killed)
    """
)


class Child:
    """A second process holding (or refused) the lock until it is told to stop or is killed."""

    def __init__(self, path: Path, exclusive: bool, program: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(path), "ex" if exclusive else "sh", program],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.answer = self.proc.stdout.readline().strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
        self.proc.wait(timeout=30)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "companion.lock"


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.kill()


def test_shared_holders_share_and_keep_an_exclusive_one_out(lock_path: Path, children: list[Child]) -> None:
    children.append(Child(lock_path, exclusive=False, program="the app"))
    children.append(Child(lock_path, exclusive=False, program="companion import"))
    assert [c.answer for c in children] == ["got", "got"]
    restore = FileLock(lock_path, program="companion restore")
    assert restore.acquire(exclusive=True, timeout=0.2) is False
    assert not restore.held
    said = restore.holder()
    assert "the app (pid " in said and "companion import (pid " in said
    assert str(children[0].proc.pid) in said


def test_an_exclusive_holder_refuses_a_shared_one(lock_path: Path, children: list[Child]) -> None:
    children.append(Child(lock_path, exclusive=True, program="companion restore"))
    assert children[0].answer == "got"
    mine = FileLock(lock_path, program="the app")
    assert mine.acquire(exclusive=False, timeout=0) is False
    assert mine.holder().startswith("companion restore (pid ")
    children[0].stop()
    assert mine.acquire(exclusive=False, timeout=0) is True
    mine.release()


def test_the_lock_dies_with_a_killed_process(lock_path: Path, children: list[Child]) -> None:
    children.append(Child(lock_path, exclusive=False, program="companion sync"))
    assert children[0].answer == "got"
    mine = FileLock(lock_path, program="companion restore")
    assert mine.acquire(exclusive=True, timeout=0) is False
    children[0].kill()
    assert mine.acquire(exclusive=True, timeout=5) is True
    assert mine.holder() == ""  # the dead holder's record says nothing any more
    second = Child(lock_path, exclusive=False, program="the app")
    children.append(second)
    assert second.answer == "refused"
    mine.release()
    assert FileLock(lock_path).holder() == ""


def test_waiting_gets_the_lock_when_the_holder_lets_go(lock_path: Path, children: list[Child]) -> None:
    children.append(Child(lock_path, exclusive=True, program="companion restore"))
    waiter = subprocess.Popen(
        [sys.executable, "-c", _HOLDER.replace("timeout=0", "timeout=None"), str(lock_path), "sh", "the app"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        children[0].stop()
        assert waiter.stdout is not None
        assert waiter.stdout.readline().strip() == "got"
    finally:
        waiter.kill()
        waiter.wait(timeout=30)


def test_context_manager_and_release_are_safe_to_repeat(lock_path: Path) -> None:
    with FileLock(lock_path, program="companion doctor") as lock:
        assert lock.held and not lock.exclusive
        other = FileLock(lock_path)
        assert other.acquire(exclusive=False) is True  # shared beside shared, in one process too
        other.release()
        other.release()
    assert not lock.held
    assert FileLock(lock_path).acquire(exclusive=True) is True


def test_a_missing_folder_is_an_os_error_for_the_caller(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        FileLock(tmp_path / "gone" / "companion.lock").acquire(exclusive=False)
