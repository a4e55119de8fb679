"""Models trained on a project's labels, kept in the project file (the ``models`` table).

Each row is one trained model of a task (``recognizer``, ``tagger``, ``detector``): its weights as
bytes, their SHA-256, its metrics on the project's held-out documents (JSON) and whether it is the
task's active model, the one pre-annotation uses. At most one model per task is active; none
active means the shipped model.

    store.models.add("recognizer", "rec-3", data, {"before": 0.21, "after": 0.08}, active=True)
    store.models.active("recognizer")   # -> TrainedModel | None
    store.models.weights(model.id)      # -> bytes, checked against the SHA-256
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from hanji.errors import HanjiError
from hanji.store.history import Change

TASKS = ("recognizer", "tagger", "detector")
_COLUMNS = "id, task, name, sha256, metrics, active, created, length(weights)"


@dataclass
class TrainedModel:
    id: int
    task: str
    name: str
    sha256: str
    metrics: dict[str, Any] = field(default_factory=dict)
    active: bool = False
    created: float = 0.0
    size: int = 0  # bytes of weights

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "task": self.task, "name": self.name, "sha256": self.sha256, "metrics": self.metrics,
                "active": self.active, "created": self.created, "size": self.size}


def _row(r) -> TrainedModel:
    return TrainedModel(id=r[0], task=r[1], name=r[2], sha256=r[3], metrics=json.loads(r[4] or "{}"),
                        active=bool(r[5]), created=float(r[6]), size=int(r[7] or 0))


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise HanjiError(f"unknown model task {task!r}; choose one of {', '.join(TASKS)}")


class ModelTable:
    """The project's trained models (``store.models``). Writes are one transaction each."""

    def __init__(self, store: Any) -> None:  # the ProjectStore (not imported: it imports this module)
        self.store = store

    def _query(self, sql: str, args: tuple = ()) -> list:
        with self.store._mutex:
            return self.store.conn.execute(sql, args).fetchall()

    def _changed(self) -> None:
        self.store._emit(Change(table="models"))

    def add(self, task: str, name: str, weights: bytes, metrics: dict[str, Any] | None = None,
            active: bool = False) -> TrainedModel:
        """Keep a trained model; with ``active`` it becomes the task's active model (the others stop being)."""
        _check_task(task)
        if not weights:
            raise HanjiError("refusing to keep a model without weights", self.store.path)
        digest = hashlib.sha256(weights).hexdigest()
        text = json.dumps(metrics or {}, ensure_ascii=False, allow_nan=False)
        with self.store._tx() as conn:
            if active:
                conn.execute("UPDATE models SET active=0 WHERE task=?", (task,))
            cur = conn.execute("INSERT INTO models(task, name, weights, sha256, metrics, active, created) "
                               "VALUES (?,?,?,?,?,?,?)", (task, name, weights, digest, text, int(active), time.time()))
            model_id = cur.lastrowid
        self._changed()
        return self.get(model_id)

    def get(self, model_id: int) -> TrainedModel:
        rows = self._query(f"SELECT {_COLUMNS} FROM models WHERE id=?", (int(model_id),))
        if not rows:
            raise HanjiError(f"the project has no trained model {model_id}", self.store.path)
        return _row(rows[0])

    def list(self, task: str | None = None) -> list[TrainedModel]:
        """Trained models, oldest first (of one task, or all)."""
        if task is None:
            rows = self._query(f"SELECT {_COLUMNS} FROM models ORDER BY id")
        else:
            rows = self._query(f"SELECT {_COLUMNS} FROM models WHERE task=? ORDER BY id", (task,))
        return [_row(r) for r in rows]

    def active(self, task: str) -> TrainedModel | None:
        """The task's active model, or None (the shipped model is used)."""
        rows = self._query(f"SELECT {_COLUMNS} FROM models WHERE task=? AND active=1 ORDER BY id DESC LIMIT 1",
                           (task,))
        return _row(rows[0]) if rows else None

    def activate(self, model_id: int) -> TrainedModel:
        """Make a model its task's active one."""
        m = self.get(model_id)
        with self.store._tx() as conn:
            conn.execute("UPDATE models SET active=0 WHERE task=?", (m.task,))
            conn.execute("UPDATE models SET active=1 WHERE id=?", (m.id,))
        self._changed()
        return self.get(model_id)

    def deactivate(self, task: str) -> None:
        """Go back to the shipped model for ``task``."""
        _check_task(task)
        with self.store._tx() as conn:
            conn.execute("UPDATE models SET active=0 WHERE task=?", (task,))
        self._changed()

    def weights(self, model_id: int) -> bytes:
        """The model's weights, checked against the SHA-256 they were stored with."""
        rows = self._query("SELECT weights, sha256 FROM models WHERE id=?", (int(model_id),))
        if not rows:
            raise HanjiError(f"the project has no trained model {model_id}", self.store.path)
        data, digest = bytes(rows[0][0]), rows[0][1]
        if hashlib.sha256(data).hexdigest() != digest:
            raise HanjiError(f"the weights of trained model {model_id} do not match their checksum", self.store.path)
        return data

    def delete(self, model_id: int) -> None:
        self.get(model_id)
        with self.store._tx() as conn:
            conn.execute("DELETE FROM models WHERE id=?", (int(model_id),))
        self._changed()
