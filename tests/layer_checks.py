"""The house rules that import-linter cannot state, as plain functions over the source: import cycles (also through
imports inside functions), what the practice marketplace may import, and where SQL may be written."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import grimp

SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|WITH|BEGIN|COMMIT|"
                       r"ROLLBACK|VACUUM|ATTACH)\b", re.IGNORECASE)
SQL_BODY = re.compile(r"\b(FROM|INTO|SET|TABLE|VALUES|WHERE)\b")  # capitals: an English sentence is not SQL
SQL_MODULES = ("sqlite3", "sqlite_utils")
RUNS_SQL = ("execute", "executemany", "executescript")
TAKES_SQL = ("query", "one", "scalar")  # store.database.Database's readers
DB_INSIDES = ("conn", "utils")  # Database's sqlite3 connection and sqlite-utils handle


def import_graph(package: str = "companion") -> grimp.ImportGraph:
    """Every import between `package`'s modules, those inside functions too; `if TYPE_CHECKING:` ones left out
    (they name types and never run, so they cannot close a cycle at run time)."""
    return grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)


def import_cycles(graph: grimp.ImportGraph, allowed: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    """The strongly connected groups of modules (each one at least one cycle), after dropping `allowed` imports."""
    skip = set(allowed)
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if (m, n) not in skip)
             for m in graph.modules}
    return [group for group in _components(edges) if len(group) > 1]


def _components(edges: dict[str, list[str]]) -> Iterator[list[str]]:
    """Tarjan's strongly connected components, without recursion (the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                yield sorted(group)


def describe_cycle(graph: grimp.ImportGraph, group: list[str]) -> str:
    """The imports inside one group, with their line numbers, so the reader sees which one to move."""
    lines = []
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in group:
                at = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                lines.append(f"  {importer} -> {imported} (line {', '.join(map(str, at))})")
    return "\n".join(lines)


def sql_outside_store(path: Path) -> Iterator[tuple[int, str]]:
    """(line, what) for each sign of SQL in one source file: an sqlite import, a cursor call, SQL text handed to a
    Database reader, the database's own connection, or a string that reads as SQL."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        found = _sql_sign(node)
        if found:
            yield node.lineno, found  # type: ignore[attr-defined]  # every node with a sign is a statement/expr


def _sql_sign(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name.split(".")[0] in SQL_MODULES]
        return f"import {names[0]}" if names else None
    if isinstance(node, ast.ImportFrom):
        return f"from {node.module} import" if (node.module or "").split(".")[0] in SQL_MODULES else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in RUNS_SQL:
            return f".{node.func.attr}(...)"
        first = node.args[0] if node.args else None
        if node.func.attr in TAKES_SQL and isinstance(first, ast.Constant) and _reads_as_sql(first.value):
            return f".{node.func.attr}(SQL)"
    if isinstance(node, ast.Attribute) and node.attr in DB_INSIDES and _names_a_database(node.value):
        return f"database .{node.attr}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _reads_as_sql(node.value) \
            and SQL_BODY.search(node.value):
        return "SQL text"
    return None


def _reads_as_sql(value: object) -> bool:
    return isinstance(value, str) and SQL_START.match(value) is not None


def _names_a_database(node: ast.expr) -> bool:
    """`db`, `self.db`, `ctx.db`, `self.ctx.db`…: how the code names a Database."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name == "db" or name.endswith("_db")
