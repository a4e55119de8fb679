"""Nothing outside ``hanji.store`` reaches around the store's API: no private name of the store
(``store._emit``, ``store._mutex``) and not its connection (``store.conn``). Import-linter cannot
see attribute access, so this test reads the source. A second backend (PostgreSQL) can then
implement the same API without the jobs or the window noticing."""

from __future__ import annotations

import ast
from pathlib import Path

import hanji

PACKAGE = Path(hanji.__file__).parent
# the names the code gives a store object
STORE_NAMES = {"store", "project", "_store", "src", "dst", "s"}


def _store_reaches(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else None
        if name not in STORE_NAMES:
            continue
        attr = node.attr
        if attr == "conn" or (attr.startswith("_") and not attr.startswith("__")):
            found.append((node.lineno, f"{name}.{attr}"))
    return sorted(found)


def test_the_check_sees_a_reach_around():
    assert _store_reaches("with store._mutex:\n    store.conn.execute('x')\nself.store._emit(c)\n") == [
        (1, "store._mutex"), (2, "store.conn"), (3, "store._emit")]
    assert _store_reaches("store.atomic()\nstore.__class__\nother._x\n") == []


def test_no_module_outside_store_reaches_around_it():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "store":
            continue
        bad += [f"{rel}:{line}: {what}" for line, what in _store_reaches(path.read_text(encoding="utf-8"))]
    assert not bad, "use the store's API instead of its private names or connection:\n" + "\n".join(bad)
