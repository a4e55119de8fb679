"""The window's jobs: pre-annotation, re-recognition, detection in a box, tag proposals, the next
most useful document. Each runs on a worker thread with a progress dialog and a cancel button;
the models are built once, lazily, on the worker (never on the GUI thread) and reused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from hanji.ui.i18n import tr
from hanji.ui.model_cache import ModelCache
from hanji.ui.progress import JobProgress
from hanji.ui.worker import Worker


def install(window) -> None:
    """Called once by the window: documents can be multi-selected for "pre-annotate selected"."""
    from hanji.ui.fonts import register_fonts

    register_fonts()
    window.models = ModelCache()
    window.job = None  # the worker of the running job, if any
    window.documents.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)


# ---------------------------------------------------------------------------------------- running
class _Relay(QObject):
    """Receives a worker's signals on the GUI thread (a QObject receiver makes them queued; a plain
    function would run on the worker thread and touch widgets there)."""

    def __init__(self, parent, progress, finished, cancelled, failed):
        super().__init__(parent)
        self._p, self._f, self._c, self._e = progress, finished, cancelled, failed

    @Slot(int, int, str)
    def on_progress(self, done, total, msg):
        self._p(done, total, msg)

    @Slot(object)
    def on_finished(self, result):
        self._f(result)
        self.deleteLater()

    @Slot()
    def on_cancelled(self):
        self._c()
        self.deleteLater()

    @Slot(str)
    def on_failed(self, message):
        self._e(message)
        self.deleteLater()


def start_job(window, title: str, fn: Callable, *args, on_done: Callable[[Any], None] | None = None,
              show_after_ms: int = 300, modal: bool = True, **kwargs) -> Worker | None:
    """Run ``fn(*args, progress=, cancel=, **kwargs)`` on a worker with a cancellable progress
    dialog (shown if the job takes more than ``show_after_ms``) and progress in the status bar.
    A job on the open document alone (``modal=False``) leaves the window usable while it runs."""
    if window.job is not None and window.job.thread.isRunning():
        window.statusBar().showMessage(tr("Another job is running; wait for it or cancel it."), 5000)
        return None
    # progress only recorded, the dialog updated from its own timer, never touched after the end (progress.py)
    prog = JobProgress(window, title, show_after_ms, modal=modal, status=window.statusBar().showMessage)
    w = Worker(fn, *args, **kwargs)
    w.dialog = prog.dialog
    w.title = title

    def end(then):
        def after():
            if window.job is w:
                window.job = None
            then()

        prog.end(after)

    def finished(result):
        end(lambda: on_done(result) if on_done is not None else None)

    def cancelled():
        end(lambda: window.statusBar().showMessage(f"{title}: {tr('cancelled; run it again to resume')}", 6000))

    def failed(message):
        def show():
            window.statusBar().showMessage(f"{title}: {tr('failed')}", 6000)
            QMessageBox.warning(window, title, message)

        end(show)

    relay = _Relay(window, prog.report, finished, cancelled, failed)
    w.relay = relay
    w.progress.connect(relay.on_progress)
    prog.canceled.connect(w.token.cancel)  # direct: the worker's thread runs no event loop while it works
    w.finished.connect(relay.on_finished)
    w.cancelled.connect(relay.on_cancelled)
    w.failed.connect(relay.on_failed)
    window.job = w
    window.statusBar().showMessage(title)
    w.start()
    return w


def _need_store(window) -> bool:
    if window.store is None:
        window.statusBar().showMessage(tr("Open a project first."), 4000)
        return False
    return True


# ---------------------------------------------------------------------------------- pre-annotation
def _preannotate_job(store, doc_ids, models: ModelCache, include_done: bool, progress, cancel):
    from hanji.jobs.preannotate import preannotate

    progress(0, len(doc_ids) if doc_ids is not None else -1, tr("loading the models…"))
    return preannotate(store, doc_ids, pipeline=models.pipeline(store), include_done=include_done,
                       progress=progress, cancel=cancel)


def _report_preannotate(window, rep) -> None:
    from hanji.ui.i18n import plural

    msg = (f"{tr('Pre-annotated')} {plural(rep.documents, 'document', 'documents')}: "
           f"{plural(rep.added, 'region added', 'regions added')}, "
           f"{rep.review} {tr('to review')}, {rep.kept} {tr('kept (yours)')}")
    if rep.resumed:
        msg += f", {rep.resumed} {tr('already done before')}"
    window.statusBar().showMessage(msg, 10000)
    if rep.errors:
        show_report(window, tr("Pre-annotation"), msg, rep.errors)


def preannotate_docs(window, doc_ids: list[int] | None, title: str) -> Worker | None:
    if not _need_store(window):
        return None
    include_done = doc_ids is not None  # named documents are done even when not new
    return start_job(window, title, _preannotate_job, window.store, doc_ids, window.models, include_done,
                     on_done=lambda rep: _report_preannotate(window, rep),
                     modal=doc_ids is None or len(doc_ids) > 1)


def preannotate_current(window) -> Worker | None:
    if window.session.doc_id is None:
        return None
    return preannotate_docs(window, [window.session.doc_id], tr("Pre-annotate this document"))


def selected_documents(window) -> list[int]:
    """The documents selected in the documents pane (the current one if none)."""
    view = window.documents.view
    ids = [ix.data(Qt.ItemDataRole.UserRole) for ix in view.selectionModel().selectedIndexes()]
    ids = [i for i in ids if i is not None]
    if not ids and window.session.doc_id is not None:
        ids = [window.session.doc_id]
    order = {d: k for k, d in enumerate(window.documents.visible_ids())}
    return sorted(set(ids), key=lambda d: order.get(d, 1 << 30))


def preannotate_selected(window) -> Worker | None:
    ids = selected_documents(window)
    if not ids:
        return None
    return preannotate_docs(window, ids, tr("Pre-annotate selected documents"))


def preannotate_project(window) -> Worker | None:
    """Every document still new (resumes an interrupted run: the job records what it did)."""
    return preannotate_docs(window, None, tr("Pre-annotate whole project"))


def _rerecognize_job(store, region_ids, models: ModelCache, progress, cancel):
    from hanji.jobs.preannotate import rerecognize_region

    pipe = models.pipeline(store)
    out = []
    for k, rid in enumerate(region_ids):
        cancel.check()
        progress(k, len(region_ids), "")
        out.append(rerecognize_region(store, rid, pipeline=pipe))
    return out


def rerecognize(window, every: bool = False) -> Worker | None:
    """Read the selected region(s) again, e.g. after a box was moved (Ctrl+R); with ``every``, all
    the document's regions (PPOCRLabel's Ctrl+Shift+R)."""
    if not _need_store(window):
        return None
    ids = sorted(window.session.selection)
    if every and window.session.doc_id is not None:
        ids = [r.id for r in window.store.regions(window.session.doc_id)]
    if not ids:
        window.statusBar().showMessage(tr("Select a region to re-recognize."), 4000)
        return None
    window.session.about_to_change.emit()  # text being typed is saved first

    def done(regions):
        texts = " · ".join(r.text for r in regions[:3])
        window.statusBar().showMessage(f"{tr('Re-recognized')}: {texts}", 8000)

    return start_job(window, tr("Re-recognize region"), _rerecognize_job, window.store, ids, window.models,
                     on_done=done, show_after_ms=800)


def _detect_job(store, doc_id, box, drawn_id, models: ModelCache, progress, cancel):
    from hanji.domain import geometry
    from hanji.jobs.preannotate import detect_in_box

    pipe = models.pipeline(store)
    cancel.check()
    progress(0, 1, "")
    with store.group("detect text inside box"):  # one undo step: the drawn box goes, the text comes
        if drawn_id is not None:
            store.delete_regions([drawn_id])
        added = detect_in_box(store, doc_id, geometry.as_points(box), pipeline=pipe)
    progress(1, 1, "")
    return added


def detect_in_box(window) -> Worker | None:
    """Find the text inside the selected box (a rectangle drawn for the purpose, which is replaced by
    what is found when it has no text of its own; else it stays)."""
    if not _need_store(window) or window.session.doc_id is None:
        return None
    ids = sorted(window.session.selection)
    if len(ids) != 1:
        window.statusBar().showMessage(tr("Draw or select one box to detect text inside."), 4000)
        return None
    window.session.about_to_change.emit()
    region = window.store.region(ids[0])
    from hanji.domain import geometry

    x0, y0, x1, y1 = geometry.bbox(region.points)
    box = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    drawn = region.id if not region.text.strip() and not region.tags else None

    def done(added):
        if added:
            window.session.select({r.id for r in added})
        window.statusBar().showMessage(f"{tr('Found')} {len(added)} {tr('regions inside the box')}", 8000)

    return start_job(window, tr("Detect text inside box"), _detect_job, window.store, window.session.doc_id, box,
                     drawn, window.models, on_done=done, show_after_ms=800)


# ------------------------------------------------------------------------------ tags and key-values
def _propose_job(store, doc_ids, models: ModelCache, progress, cancel):
    from hanji.jobs.propose import propose

    progress(0, len(doc_ids), tr("loading the tagger…"))
    return propose(store, doc_ids, predictor=models.predictor(store), resume=False, progress=progress, cancel=cancel)


def propose(window) -> Worker | None:
    """Propose BIO tags and key-values for the current document (confirm them in the panes)."""
    if not _need_store(window) or window.session.doc_id is None:
        return None
    window.session.about_to_change.emit()

    def done(rep):
        if rep.skipped:
            msg = tr("Left alone: a person already tagged this document.")
        else:
            msg = (f"{tr('Proposed')} {rep.tagged_regions} {tr('tagged regions')}, {rep.keyvalues} "
                   f"{tr('key-values')}")
        window.statusBar().showMessage(msg, 8000)
        if rep.errors:
            show_report(window, tr("Propose tags and key-values"), msg, rep.errors)

    return start_job(window, tr("Propose tags and key-values"), _propose_job, window.store, [window.session.doc_id],
                     window.models, on_done=done)


# ---------------------------------------------------------------------------------- the flywheel
def _train_job(store, task: str, progress, cancel):
    if task == "recognizer":
        from hanji.jobs.flywheel import train_recognizer

        return train_recognizer(store, progress=progress, cancel=cancel)
    if task == "detector":
        from hanji.jobs.flywheel_detector import train_detector

        return train_detector(store, progress=progress, cancel=cancel)
    from hanji.jobs.flywheel_tagger import train_tagger

    return train_tagger(store, progress=progress, cancel=cancel)


def train_summary(res) -> str:
    """One line about a flywheel run for the status bar."""
    m = res.metrics
    if m.get("metric") == "cer":
        change = f"{tr('held-out CER')} {100 * m['before']:.1f}% → {100 * m['after']:.1f}%"
    elif m.get("metric") == "hmean":
        change = f"{tr('held-out H-mean')} {m['before']:.3f} → {m['after']:.3f}"
    else:
        change = f"{tr('held-out F1')} {m['before']:.3f} → {m['after']:.3f}"
    verdict = tr("now used for pre-annotation") if res.activated else f"{tr('not better; still using')} {m['base']}"
    return f"{res.name}: {change} — {verdict}"


def train(window, task: str) -> Worker | None:
    """Fine-tune the recognizer or the tagger on the project's confirmed labels (a cancel keeps a
    checkpoint; running it again resumes). The window's models follow the project's active model."""
    if not _need_store(window):
        return None
    title = {"recognizer": tr("Train recognizer on this project"), "detector": tr("Train detector on this project"),
             "tagger": tr("Train tagger on this project")}[task]

    def done(res):
        window.statusBar().showMessage(train_summary(res), 15000)

    return start_job(window, title, _train_job, window.store, task, on_done=done, show_after_ms=0)


# ---------------------------------------------------------------------------- what to label next
def _next_job(store, progress, cancel):
    from hanji.jobs.quality import next_documents

    return next_documents(store, n=1, progress=progress, cancel=cancel)


def next_useful(window) -> Worker | None:
    """Jump to the unlabelled document the models are least sure of (and least like the labelled ones)."""
    if not _need_store(window):
        return None
    window.session.about_to_change.emit()

    def done(picks):
        if not picks:
            window.statusBar().showMessage(tr("Nothing left to label."), 6000)
            return
        p = picks[0]
        window.session.set_document(p.doc_id)
        window.statusBar().showMessage(f"{tr('Next most useful')}: {p.name} — {p.reason}", 8000)

    return start_job(window, tr("Next most useful document"), _next_job, window.store, on_done=done,
                     show_after_ms=1000)


# ---------------------------------------------------------------------------------- dialogs
def show_report(window, title: str, summary: str, lines: list[str]):
    from hanji.ui.dialogs.transfer import ReportDialog

    dlg = ReportDialog(title, summary, lines, window)
    window._report = dlg
    dlg.show()
    return dlg


def import_dialog(window):
    from hanji.ui.dialogs.transfer import ImportDialog

    if not _need_store(window):
        return None
    dlg = ImportDialog(window)
    window._transfer_dialog = dlg
    dlg.open()
    return dlg


def export_dialog(window):
    from hanji.ui.dialogs.transfer import ExportDialog

    if not _need_store(window):
        return None
    dlg = ExportDialog(window)
    window._transfer_dialog = dlg
    dlg.open()
    return dlg


def show_tour(window):
    from hanji.ui.dialogs.tour import show_tour as _show

    return _show(window)
