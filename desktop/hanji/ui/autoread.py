"""A new box is read at once (PPOCRLabel's auto-recognition): drawing or reshaping a region on the
canvas reads it on a worker thread, unless a person already typed its text (the rules are in
:mod:`hanji.jobs.autoread`). Ctrl+R stays for reading a region again on demand.

The controller follows the window's store: it remembers the shapes of the open document's regions,
and on each edit (not undo, redo or import) it collects the regions that were added without text
or changed shape; a short timer gathers a drag's burst into one job. One job runs at a time; what
is asked for meanwhile waits for the next. Off (View -> Read new boxes at once, unchecked, or
``HANJI_AUTOREAD=0``), nothing is read.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer

from hanji.ui import bridge, settings
from hanji.ui.i18n import tr
from hanji.ui.worker import Worker

DELAY_MS = 200  # after the last edit of a burst
MANY = 64  # a change touching more regions than this is compared against one fetch of the document


def enabled() -> bool:
    if os.environ.get("HANJI_AUTOREAD", "").strip() in ("0", "false", "no", "off"):
        return False
    return settings.auto_read()


def _read_job(store, ids, models, progress, cancel):
    from hanji.jobs.autoread import read_regions

    pipe = models.pipeline(store)
    progress(0, len(ids), "")
    return read_regions(store, ids, pipe, cancel)


class AutoRead(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.store = None
        self._unsub = None
        self.doc_id = None
        self.shapes: dict[int, list] = {}
        self.pending: list[int] = []
        self.worker: Worker | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self._start)
        window.session.document_changed.connect(self._on_document)
        self._on_document(window.session.doc_id)

    # ------------------------------------------------------------------ following the store
    def _follow(self) -> None:
        store = getattr(self.w, "store", None)
        if store is self.store:
            return
        if self._unsub:
            self._unsub()
            self._unsub = None
        self.store, self.pending = store, []
        if store is not None:
            self._unsub = bridge.subscribe(store, self._on_change)

    def _on_document(self, doc_id) -> None:
        self._follow()
        self.doc_id = doc_id
        self.shapes = {}
        if self.store is not None and doc_id is not None:
            self.shapes = {r.id: list(r.points) for r in self.store.regions(doc_id)}

    def _on_change(self, ch) -> None:
        if ch.table != "regions" or self.store is None or self.doc_id not in ch.doc_ids:
            return
        from hanji.jobs.autoread import wants_reading

        if len(ch.ids) > MANY:
            regions = {r.id: r for r in self.store.regions(self.doc_id)}
            changed = [regions[i] for i in ch.ids if i in regions]
        else:
            changed = []
            for rid in ch.ids:
                try:
                    changed.append(self.store.region(rid))
                except Exception:
                    self.shapes.pop(rid, None)  # deleted
        for r in changed:
            if r.doc_id != self.doc_id:
                continue
            old = self.shapes.get(r.id)
            self.shapes[r.id] = list(r.points)
            if ch.reason == "edit" and enabled() and wants_reading(r, old) and r.id not in self.pending:
                self.pending.append(r.id)
        if self.pending:
            self.timer.start()

    # ------------------------------------------------------------------ reading
    def _start(self) -> None:
        if not self.pending or self.store is None:
            return
        if self.worker is not None and self.worker.thread.isRunning():
            self.timer.start()  # try again once the running job has ended
            return
        ids, self.pending = self.pending, []
        w = Worker(_read_job, self.store, ids, self.w.models)
        self.worker = w
        w.on_gui(finished=self._done, failed=self._failed, cancelled=self._next)
        w.start()

    def _done(self, regions) -> None:
        if regions:
            texts = " · ".join(r.text for r in regions[:3])
            self.w.statusBar().showMessage(f"{tr('Read')}: {texts}", 5000)
        self._next()

    def _failed(self, message: str) -> None:
        self.w.statusBar().showMessage(f"{tr('Reading the new box failed')}: {message.splitlines()[0] if message else ''}",
                                       8000)
        self._next()

    def _next(self, *_) -> None:
        if self.pending:
            self.timer.start()


def install(window) -> AutoRead:
    window.autoread = AutoRead(window)
    return window.autoread
