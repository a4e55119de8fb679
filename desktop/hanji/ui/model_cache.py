"""The window's models: the OCR pipeline and the tagger, built once on a worker thread and kept.

``window.models`` is a :class:`ModelCache`; the jobs of :mod:`hanji.ui.jobs_menu` ask it for the
pipeline or the tagger on their worker thread (never on the GUI thread). It builds again when the
project's active trained model changed (the flywheel activated one)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hanji.jobs.project_models import active_key, pipeline_key, project_pipeline, project_predictor


def _default_pipeline_factory(store=None):
    """The project's active models when it has any (``hanji train recognizer PROJECT``), else the shipped ones."""
    return project_pipeline(store)


def _default_predictor_factory(store=None):
    return project_predictor(store)


# tests replace these with tiny fakes; the window never loads a model anywhere else. A factory is
# called with the project's store when the project has an active trained model of that task.
PIPELINE_FACTORY: Callable[..., Any] = _default_pipeline_factory
PREDICTOR_FACTORY: Callable[..., Any] = _default_predictor_factory


class ModelCache:
    """The OCR pipeline and the tagger of one window, built on first use on the calling (worker)
    thread and kept for the next job; built again when the project's active trained model changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pipeline = None
        self._predictor = None
        self._keys: dict[str, str | None] = {}
        self.builds = 0

    def _build(self, task: str, current, factory, store):
        key = pipeline_key(store) if task == "pipeline" else active_key(store, task)
        if current is not None and self._keys.get(task) == key:
            return current
        self._keys[task] = key
        self.builds += 1
        return factory(store) if key is not None else factory()

    def pipeline(self, store=None):
        with self._lock:
            self._pipeline = self._build("pipeline", self._pipeline, PIPELINE_FACTORY, store)
            return self._pipeline

    def predictor(self, store=None):
        with self._lock:
            self._predictor = self._build("tagger", self._predictor, PREDICTOR_FACTORY, store)
            return self._predictor
