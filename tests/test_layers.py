"""The house rules checked on every test run: the import contracts in pyproject.toml ([tool.importlinter], run by
import-linter), no import cycles (imports inside functions included), what the practice marketplace may import, SQL
only in companion/store/ — and proof that a wrong-way import really fails the contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from layer_checks import describe_cycle, import_cycles, import_graph, sql_outside_store

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "companion"

# Imports that close a cycle today, each with the move that removes it. Empty: keep it so. (When a cycle in a file
# someone else is rewriting cannot be fixed at once, list its closing import here and delete the line with the fix.)
KNOWN_CYCLE_IMPORTS: set[tuple[str, str]] = set()

# companion.practice is the practice marketplace: a stand-in for the platforms' servers. Its core may use only these
# (the channels' practice parts are found through the registry); the channel packages may import it, not the reverse.
PRACTICE_MAY_IMPORT = ("companion.practice", "companion.domain", "companion.i18n", "companion.connectors.registry",
                       "companion.connectors.spec")
KNOWN_PRACTICE_BREAKS: set[tuple[str, str]] = set()  # none left: add one only with its fix planned

# SQL outside companion/store/ that is not the shop's data: the practice marketplace keeps its own fake server state;
# companion/hub/ speaks PostgreSQL to the shop's hub (its contract "hub-no-sqlite" keeps sqlite3 and the store out).
SQL_ELSEWHERE = {"companion/practice/state.py"}
SQL_PACKAGES = ("store", "hub")


def lint_imports(cwd: Path, *, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """import-linter's command on the pyproject.toml in `cwd` (the package found first on `extra_path` when given)."""
    command = Path(sys.executable).with_name("lint-imports")
    env = dict(os.environ, COLUMNS="200")  # contract names on one line each (it wraps at the terminal's width)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([str(command), "--no-cache", "--no-logo", str(cwd / "pyproject.toml")], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_import_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_wrong_way_import_breaks_the_contracts(tmp_path: Path) -> None:
    """A copy of the package where domain imports the GUI, Qt and sqlite3: three contracts must say BROKEN."""
    shutil.copytree(PACKAGE, tmp_path / "companion", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "companion" / "domain" / "wrong_way.py").write_text(
        '"""A rule broken on purpose."""\n\nimport sqlite3\n\nfrom PySide6.QtCore import QObject\n\n'
        "from companion.gui import app\n\n__all__ = [\"QObject\", \"app\", \"sqlite3\"]\n", encoding="utf-8")
    done = lint_imports(tmp_path, extra_path=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "companion.domain.wrong_way -> companion.gui.app" in out
    for contract in ("Imports go one way", "domain does no I/O", "PySide6 only in companion.gui"):
        assert any(line.startswith(contract) and line.rstrip().endswith("BROKEN") for line in out.splitlines()), out
    assert "practice core reaches only domain, i18n and the channel registry" in out and "3 broken" in out


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    graph = import_graph()
    cycles = import_cycles(graph, KNOWN_CYCLE_IMPORTS)
    assert not cycles, "Import cycles (move the shared part down a layer or into its own module):\n" + "\n".join(
        describe_cycle(graph, group) for group in cycles)


def test_known_cycle_imports_are_still_there() -> None:
    """A fixed cycle leaves its line in KNOWN_CYCLE_IMPORTS: delete it, so the list only shrinks."""
    graph = import_graph()
    gone = {(a, b) for a, b in KNOWN_CYCLE_IMPORTS if not graph.direct_import_exists(importer=a, imported=b)}
    assert not gone, f"fixed, delete from KNOWN_CYCLE_IMPORTS: {sorted(gone)}"


def test_practice_imports_only_domain_i18n_itself_and_the_registry() -> None:
    graph = import_graph()
    wrong = {(m, n) for m in graph.find_descendants("companion.practice") | {"companion.practice"}
             for n in graph.find_modules_directly_imported_by(m)
             if n.startswith("companion.") and not n.startswith(PRACTICE_MAY_IMPORT)}
    assert wrong <= KNOWN_PRACTICE_BREAKS, f"practice imports more than it may: {sorted(wrong - KNOWN_PRACTICE_BREAKS)}"


def test_sql_is_written_only_in_store() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: {what}"
             for path in sorted(PACKAGE.rglob("*.py"))
             if path.relative_to(PACKAGE).parts[0] not in SQL_PACKAGES
             and path.relative_to(ROOT).as_posix() not in SQL_ELSEWHERE
             for line, what in sql_outside_store(path)]
    assert not found, "SQL outside companion/store/ (add a store query function and call it):\n" + "\n".join(found)


def test_the_sql_check_sees_sql(tmp_path: Path) -> None:
    """The check itself, on code that breaks the rule in each way it looks for (and on code that does not)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlite3\n"
                   "def f(db):\n"
                   "    db.conn.execute('x')\n"
                   "    db.scalar('SELECT 1 FROM sales')\n"
                   "    return 'UPDATE products SET name = ?'\n", encoding="utf-8")
    assert sorted(sql_outside_store(bad)) == [(1, "import sqlite3"), (3, ".execute(...)"), (3, "database .conn"),
                                              (4, ".scalar(SQL)"), (4, "SQL text"), (5, "SQL text")]
    good = tmp_path / "good.py"
    good.write_text("def f(db, dialog):\n    dialog.exec()\n    return 'Select from the list'\n", encoding="utf-8")
    assert list(sql_outside_store(good)) == []
