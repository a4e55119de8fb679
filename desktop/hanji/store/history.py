"""Undo history kept in the project file: each edit is a step of row deltas ``[table, key, before, after]``,
applied backwards to undo and forwards to redo, so undo works across documents and after a restart."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hanji.store import rows


@dataclass
class Change:
    """What an edit changed, for listeners (the window's panes). Qt-free."""

    table: str  # regions | documents | links | keyvalues | entity_types | project | models
    doc_ids: set[int] = field(default_factory=set)
    ids: set[Any] = field(default_factory=set)
    reason: str = "edit"  # edit | undo | redo | import | add | delete | remote (another seat's edit)
    seat: str = ""  # the seat (open store) it came from when another seat made it (store/notify.py)


def merge_changes(changes: list[Change]) -> list[Change]:
    merged: dict[tuple[str, str], Change] = {}
    for ch in changes:
        m = merged.setdefault((ch.table, ch.reason), Change(ch.table, reason=ch.reason))
        m.doc_ids |= ch.doc_ids
        m.ids |= ch.ids
    return list(merged.values())


def _doc_of(deltas: list[list[Any]]) -> int | None:
    """The document an entry's first delta touched (None for the label schema): who-did-what by document."""
    table, key, before, after = deltas[0]
    if table == "documents":
        return key
    row = after or before
    return row.get("doc_id") if isinstance(row, dict) else None


class History:
    """The history half of :class:`~hanji.store.project.ProjectStore` (it supplies ``conn``,
    ``atomic``, ``_mutex``, ``_emit``, ``_step`` and ``_group_depth``)."""

    def _record(self, conn: sqlite3.Connection, label: str, deltas: list[list[Any]]) -> None:
        if not deltas:
            return
        if getattr(conn, "is_postgres", False):  # the same three statements as one (pg_schema.PG2_RECORD)
            args = (self.user, self._step, label, json.dumps(deltas, ensure_ascii=False), time.time(), _doc_of(deltas))
            if self._group_depth and self._step is None:  # the group's later edits take its step
                self._step = conn.execute("SELECT hanji_record(?,?,?,?,?,?)", args).fetchone()[0]
            else:  # nothing to read back: sent with the COMMIT
                conn.defer("SELECT hanji_record(?,?,?,?,?,?)", args)
            return
        # a new edit drops the redo steps of its author only: other seats' redo stays (many writers)
        conn.execute("DELETE FROM history WHERE undone=1 AND author=?", (self.user,))
        if self._step is None:
            last = conn.execute("SELECT COALESCE(MAX(step), 0) FROM history").fetchone()[0]
            step = last + 1
            if self._group_depth:
                self._step = step
        else:
            step = self._step
        conn.execute(
            "INSERT INTO history(step, label, deltas, undone, at, author, doc_id) VALUES (?,?,?,0,?,?,?)",
            (step, label, json.dumps(deltas, ensure_ascii=False), time.time(), self.user, _doc_of(deltas)),
        )

    def _get_row(self, conn: sqlite3.Connection, table: str, key: Any) -> dict[str, Any] | None:
        cols = rows.COLUMNS[table]
        r = conn.execute(f"SELECT {','.join(cols)} FROM {table} WHERE {rows.KEYS[table]}=?", (key,)).fetchone()
        return dict(zip(cols, r)) if r else None

    def _put_row(self, conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> Any:
        cols = rows.COLUMNS[table]
        key = rows.KEYS[table]
        if row.get(key) is None:
            cols = tuple(c for c in cols if c != key)
        sql = f"INSERT INTO {table}({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
        if row.get(key) is not None:
            # an upsert, not REPLACE: REPLACE deletes first, which skips triggers and breaks links
            sets = ",".join(f"{c}=excluded.{c}" for c in cols if c != key)
            sql += f" ON CONFLICT({key}) DO UPDATE SET {sets}"
            if getattr(conn, "is_postgres", False) and conn.in_transaction and not getattr(self, "_savepoints", 0):
                # nothing is read back: sent with the edit's next statement (its claim) or the COMMIT, not
                # on a round trip of its own (issue 20: a status change 4 -> 3). Only at the transaction's
                # top level: an error there fails the whole edit wherever it surfaces, as it would here; in
                # a savepoint it must surface inside it, so that taking the savepoint back takes it back
                conn.defer(sql, [row[c] for c in cols])
                return row[key]
        cur = conn.execute(sql, [row[c] for c in cols])
        return row.get(key) if row.get(key) is not None else cur.lastrowid

    def _del_row(self, conn: sqlite3.Connection, table: str, key: Any) -> None:
        conn.execute(f"DELETE FROM {table} WHERE {rows.KEYS[table]}=?", (key,))

    def _apply(self, conn, deltas: list[list[Any]], undo: bool) -> Change:
        seq = reversed(deltas) if undo else deltas
        changed: dict[str, Change] = {}
        for table, key, before, after in seq:
            target = before if undo else after
            if target is None:
                self._del_row(conn, table, key)
            else:
                self._put_row(conn, table, target)
            ch = changed.setdefault(table, Change(table, reason="undo" if undo else "redo"))
            ch.ids.add(key)
            for r in (before, after):
                if r and table != "entity_types":
                    ch.doc_ids.add(r["doc_id"] if table != "documents" else r["id"])
        return list(changed.values())

    def undo(self) -> str | None:
        """Undo the last step (across documents and restarts). Returns its label, or None."""
        return self._undo_redo(undo=True)

    def redo(self) -> str | None:
        return self._undo_redo(undo=False)

    def _undo_redo(self, undo: bool) -> str | None:
        """Undo (redo) the last step of this store's person (``user``): with many writers one undoes
        one's own edits, never another's. The documents it touches are claimed as an edit's are."""
        with self._mutex:
            me = self.user
            q = ("SELECT MAX(step) FROM history WHERE undone=0 AND author=?" if undo
                 else "SELECT MIN(step) FROM history WHERE undone=1 AND author=?")
            changes: list[Change] = []
            with self._tx() as conn:
                step = conn.execute(q, (me,)).fetchone()[0]
                if step is None:
                    return None
                entries = conn.execute(
                    "SELECT id, label, deltas FROM history WHERE step=? AND author=? ORDER BY id", (step, me)
                ).fetchall()
                if undo:
                    entries = entries[::-1]
                for _, _, deltas in entries:
                    deltas = json.loads(deltas)
                    self._claim_docs(conn, deltas)
                    changes.extend(self._apply(conn, deltas, undo))
                conn.execute("UPDATE history SET undone=? WHERE step=? AND author=?", (1 if undo else 0, step, me))
                changes = merge_changes(changes)
                self._publish(conn, changes)
            for ch in changes:
                self._emit(ch)
            return entries[0][1]

    def can_undo(self) -> bool:
        return self.conn.execute("SELECT 1 FROM history WHERE undone=0 AND author=? LIMIT 1",
                                 (self.user,)).fetchone() is not None

    def can_redo(self) -> bool:
        return self.conn.execute("SELECT 1 FROM history WHERE undone=1 AND author=? LIMIT 1",
                                 (self.user,)).fetchone() is not None

    def _edit(self, label: str, deltas_fn: Callable[[sqlite3.Connection], list[list[Any]]],
              record: bool = True) -> list[list[Any]]:
        with self._mutex:
            with self._tx() as conn:
                deltas = deltas_fn(conn)
                if deltas:  # no two seats edit one document at once (store/claims.py)
                    self._claim_docs(conn, deltas)
                if record:
                    self._record(conn, label, deltas)
                changes: dict[str, Change] = {}
                for table, key, before, after in deltas:
                    ch = changes.setdefault(table, Change(table))
                    ch.ids.add(key)
                    for r in (before, after):
                        if r and table != "entity_types":
                            ch.doc_ids.add(r["doc_id"] if table != "documents" else r["id"])
                if not self._group_depth:  # other seats hear of it at commit (store/notify.py); a group's
                    self._publish(conn, list(changes.values()))  # changes are announced once, merged, at its end
            for ch in changes.values():
                self._emit(ch)
            return deltas
