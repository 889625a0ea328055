"""A data folder that is a file, read-only, or missing its parent: one sentence each, no traceback, exit 1 where
something failed, and never "damaged" for a folder that is only read-only.

Read-only is real here: a read-only bind mount of the shop folder (root ignores permission bits, so chmod would
prove nothing); the tests are skipped where `mount` is not allowed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import cli
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import backup
from companion.store.database import Database
from companion.store.location import db_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_sentence(err: str) -> str:
    said = err.strip()
    assert "Traceback" not in said and len(said.splitlines()) == 1, said
    return said


def test_a_file_given_as_the_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")
    for folder in (file, file / "inside"):
        code, _out, err = _run(capsys, "--data-dir", str(folder), "doctor")
        assert code == 1
        assert _one_sentence(err) == (f"{file} is a file, not a folder: give a folder as the data folder "
                                      "(--data-dir), then try again.")
    assert file.read_text() == "not a folder"


def test_backup_to_a_folder_that_does_not_exist(db: Database, data_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    add_product(db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    code, _out, err = _run(capsys, "--data-dir", str(data_dir), "backup", "--to", str(tmp_path / "gone" / "x.sqlite3"))
    assert code == 1
    assert _one_sentence(err).startswith(f"The folder {tmp_path / 'gone'} does not exist:")


@pytest.fixture
def read_only(db: Database, data_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """The shop's folder, with a product in it, seen through a read-only bind mount."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    add_product(db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    db.close()
    view = tmp_path / "read-only"
    view.mkdir()
    bound = subprocess.run(["mount", "--bind", str(data_dir), str(view)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"mount --bind not allowed here: {bound.stderr.decode().strip()}")
    try:
        made = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True)
        if made.returncode != 0:
            pytest.skip("a read-only remount is not allowed here")
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_doctor_says_read_only_not_damaged(read_only: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--data-dir", str(read_only), "doctor")
    assert code == 1 and not err
    assert f"[X ] Data folder: {read_only} is read-only; the data is not damaged" in out
    assert "[OK] Integrity check: passed." in out and "[OK] Schema: exactly what version" in out
    assert "damaged;" not in out and "restore" not in out


@pytest.mark.parametrize("command", [["sync", "--once"], ["import", "orders.csv"]])
def test_commands_that_write_say_the_folder_is_read_only(read_only: Path, command: list[str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--data-dir", str(read_only), *command)
    assert code == 1
    assert _one_sentence(err) == (f"The data folder {read_only} is read-only, so the shop's data cannot be changed "
                                  "there (the data is not damaged): make the folder writable, then try again.")


def test_backup_in_a_read_only_folder_points_to_backup_to(read_only: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--data-dir", str(read_only), "backup")
    assert code == 1
    assert "is read-only, so no backup can be kept in it" in _one_sentence(err) and "backup --to" in err
    target = tmp_path / "elsewhere.sqlite3"
    code, out, err = _run(capsys, "--data-dir", str(read_only), "backup", "--to", str(target))
    assert code == 0 and out.strip() == str(target) and not err
    assert backup.quick_check(target)


def test_restore_into_a_read_only_folder_changes_nothing(read_only: Path, data_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    saved = backup.make_backup(read_only, tmp_path / "saved.sqlite3")
    before = db_path(data_dir).read_bytes()
    code, _out, err = _run(capsys, "--data-dir", str(read_only), "restore", str(saved))
    assert code == 1
    assert "is read-only, so no backup can be restored into it (the data is not damaged)" in _one_sentence(err)
    assert db_path(data_dir).read_bytes() == before
