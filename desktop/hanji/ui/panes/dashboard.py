"""The dashboard: statistics plots, the review queue of check findings, duplicates, likely label
errors, what to label next, and search. Everything is computed by ``hanji.jobs.quality`` on a
worker thread; this pane only shows it. Activating a row emits ``jump(doc_id, region_id)``
(``region_id`` may be None); the window opens that document and selects the region."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hanji.jobs import quality as jq
from hanji.jobs.overview import Overview, overview
from hanji.store import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import plural, tr
from hanji.ui.worker import Worker

ROLE = Qt.ItemDataRole.UserRole
# edits refresh the dashboard by themselves while a refresh takes at most this long; on larger
# projects the pane says it is out of date and waits for the Refresh button
AUTO_REFRESH_SECONDS = 3.0
OUT_OF_DATE = " · out of date: Refresh"


class ChartView(QWidget):
    """The statistics charts, rendered by ``hanji.quality.charts`` (Pillow) at the widget's own size
    in device pixels: a resize shows the last image scaled and renders again once the size has
    settled. Hovering a bar shows its label and value."""

    POINTS_PX = 100 / 72  # charts' text sizes are in points, at 100 logical dpi

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.charts: list = []
        self._pixmap: QPixmap | None = None
        self._rendered_for: tuple[int, int] | None = None
        self._hits: list = []
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.update)
        self.setMinimumSize(480, 360)
        self.setMouseTracking(True)

    def set_charts(self, charts: list) -> None:
        self.charts = charts
        self._pixmap = None
        self._rendered_for = None
        self.update()

    def render_image(self):
        """The charts as a PIL image at this widget's size in device pixels."""
        from hanji.quality.charts import render

        dpr = self.devicePixelRatioF()
        self._hits = []
        img = render(self.charts, round(self.width() * dpr), round(self.height() * dpr),
                     scale=self.POINTS_PX * dpr, hits=self._hits)
        return img, dpr

    def _render(self) -> None:
        img, dpr = self.render_image()
        qimg = QImage(img.tobytes(), img.width, img.height, 3 * img.width, QImage.Format.Format_RGB888).copy()
        self._pixmap = QPixmap.fromImage(qimg)
        self._pixmap.setDevicePixelRatio(dpr)
        self._rendered_for = (self.width(), self.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._pixmap is not None:
            self._timer.start()  # re-render when the size has settled; until then scale the last one

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        if not self.charts:
            return
        size = (self.width(), self.height())
        if self._pixmap is None or (self._rendered_for != size and not self._timer.isActive()):
            self._render()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawPixmap(self.rect(), self._pixmap)

    def hit_text(self, x: float, y: float) -> str:
        """The label and value of the bar at widget position (x, y), or ''."""
        if self._rendered_for is None:
            return ""
        fx = self._pixmap.width() / max(1, self.width())
        fy = self._pixmap.height() / max(1, self.height())
        for x0, y0, x1, y1, text in reversed(self._hits):
            if x0 <= x * fx <= x1 and y0 <= y * fy <= y1:
                return text
        return ""

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            at = QCursor.pos()
            pos = self.mapFromGlobal(at)
            text = self.hit_text(pos.x(), pos.y())
            if text:
                QToolTip.showText(at, text, self, QRect())
            else:
                QToolTip.hideText()
            return True
        return super().event(e)


def chart_list(store: ProjectStore | None, stats) -> list:
    """The statistics charts as the UI shows them: titles in the UI's language, statuses, document
    types, entities and key-value keys by the schema's display names (not the internal ids)."""
    from hanji.quality.plots import Naming, charts
    from hanji.ui.i18n import doc_type_name, entity_name, status_name

    titles = {e.name: e.title for e in store.entity_types()} if store is not None else {}

    def label(kind: str, key: str) -> str:
        if kind == "status":
            return status_name(key)
        if kind == "doc_type":
            return doc_type_name(key) if key else tr("(none)")
        if kind in ("entity", "key"):
            return entity_name(key, titles.get(key, ""))
        return tr(key)

    return charts(stats, naming=Naming(text=tr, label=label))


def _tree(headers: list[str]) -> QTreeWidget:
    t = QTreeWidget()
    t.setHeaderLabels(headers)
    t.setRootIsDecorated(False)
    t.setAlternatingRowColors(True)
    t.setUniformRowHeights(True)
    t.header().setStretchLastSection(True)
    return t


def _column(*widgets: QWidget) -> QWidget:
    """A tab's page: ``widgets`` one above the other, without margins."""
    page = QWidget()
    lay = QVBoxLayout(page)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    return page


def _item(values: list[Any], doc_id: int | None, region_id: int | None = None) -> QTreeWidgetItem:
    it = QTreeWidgetItem([str(v) for v in values])
    it.setData(0, ROLE, (doc_id, region_id))
    return it


class DashboardPane(QWidget):
    """``DashboardPane(store)``; ``set_store`` to switch projects; ``refresh()`` recomputes."""

    jump = Signal(int, object)  # doc_id, region_id or None
    updated = Signal()  # after a refresh has been shown
    status = Signal(str)  # one-line messages for the status bar

    def __init__(self, store: ProjectStore | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self.data: Overview | None = None
        self._worker: Worker | None = None
        self._again = False
        self._retired: Worker | None = None
        self._last_seconds = 0.0
        self._started = 0.0
        self._unsubscribe = None
        self._stale = False
        self._debounce = QTimer(self, singleShot=True, interval=1500)
        self._debounce.timeout.connect(self._refresh_if_shown)
        lay = QVBoxLayout(self)
        lay.addLayout(self._toolbar())
        lay.addWidget(self._build_tabs(), 1)
        self.set_store(store)

    def _toolbar(self) -> QHBoxLayout:
        """Refresh, the exports, the forbidden words and a one-line summary."""
        self.refresh_button = QPushButton(tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.csv_button = QPushButton(tr("Export CSV…"))
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.png_button = QPushButton(tr("Export PNG…"))
        self.png_button.clicked.connect(lambda: self.export_dialog("png"))
        self.forbid_button = QPushButton(tr("Forbidden words…"))
        self.forbid_button.clicked.connect(self.edit_forbidden_words)
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long summary must not hold the window wider than the screen: it is cut, whole in its tooltip
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        for w in (self.refresh_button, self.csv_button, self.png_button, self.forbid_button):
            bar.addWidget(w)
        bar.addWidget(self.info, 1)
        return bar

    def _build_tabs(self) -> QTabWidget:
        """Statistics, review queue, duplicates, likely errors, what to label next, search."""
        self.chart_view = ChartView()

        # review queue
        self.check_filter = QComboBox()
        self.check_filter.currentIndexChanged.connect(self._fill_findings)
        self.findings = _tree([tr("Check"), tr("Document"), tr("Message")])
        queue = _column(self.check_filter, self.findings)

        self.duplicates = _tree([tr("Group"), tr("Document"), tr("Kind")])
        self.keep_button = QPushButton(tr("Keep the selected one, delete the rest of its group"))
        self.keep_button.clicked.connect(lambda: self.keep_selected())
        dups = _column(self.duplicates, self.keep_button)

        self.suspects = _tree([tr("Document"), tr("Label"), tr("Model reads"), tr("Conf."), tr("Flagged")])
        self.picks = _tree([tr("Rank"), tr("Document"), tr("Score"), tr("Why")])

        srch = self._search_tab()

        self.tabs = QTabWidget()
        self.tabs.addTab(self.chart_view, tr("Statistics"))
        self.tabs.addTab(queue, tr("Review queue"))
        self.tabs.addTab(dups, tr("Duplicates"))
        self.empty_notes: dict[QTreeWidget, QLabel] = {}  # why a tab is empty, in words
        self.tabs.addTab(self._with_note(self.suspects), tr("Likely errors"))
        self.tabs.addTab(self._with_note(self.picks), tr("Label next"))
        self.tabs.addTab(srch, tr("Search"))
        from hanji.ui.review import people_tab

        self.people = people_tab()  # who did what and labelers' agreement (issue 21)
        self.tabs.addTab(self.people, tr("People"))
        for t in (self.findings, self.duplicates, self.suspects, self.picks, self.results):
            t.itemActivated.connect(self._activated)
            t.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return self.tabs

    def _search_tab(self) -> QWidget:
        """A search box over transcriptions and key-values, its results, and a copy button."""
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(tr("Search transcriptions and key-values"))
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        self.results = _tree([tr("Document"), tr("Where"), tr("Text")])
        self.copy_button = QPushButton(tr("Copy the text of the selected document"))
        self.copy_button.clicked.connect(self.copy_document_text)
        return _column(self.search_box, self.results, self.copy_button)

    def _with_note(self, tree: QTreeWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        note = QLabel(box)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid); padding: 8px;")
        note.hide()
        lay.addWidget(note)
        lay.addWidget(tree, 1)
        self.empty_notes[tree] = note
        return box

    def _explain_empty(self, data: Overview) -> None:
        """Say why Likely errors or Label next has nothing to show (it is not a failure)."""
        s = data.stats
        confirmed = s.regions_by_status.get("confirmed", 0) if s is not None else 0
        if not confirmed:
            why = tr("Nothing to compare yet. This tab lists confirmed texts that the model read differently, "
                     "and tags the tagger disagrees with: confirm some pre-annotated regions first.")
        else:
            why = tr("No likely errors: every confirmed region agrees with the model's reading, or was drawn "
                     "and typed by hand, so there is no model reading to compare it with.")
        nxt = tr("Nothing left to label: every document is done or has regions a person edited. Add images "
                 "or import a dataset to get more.")
        for tree, text in ((self.suspects, why), (self.picks, nxt)):
            note = self.empty_notes[tree]
            note.setText(text)
            note.setVisible(tree.topLevelItemCount() == 0)

    # ------------------------------------------------------------------ store
    def set_store(self, store: ProjectStore | None) -> None:
        self.stop()
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.store = store
        self.searcher = jq.Searcher(store) if store is not None else None
        self.data = None
        for w in (self.refresh_button, self.csv_button, self.png_button, self.forbid_button, self.keep_button,
                  self.search_box):
            w.setEnabled(store is not None)
        if store is not None:
            self._unsubscribe = bridge.subscribe(store, self._on_change)
            self._stale = True
            if self.isVisible():
                self.refresh()
        self._show(self.data)

    def _on_change(self, change: Change) -> None:
        if change.table == "claims":  # a seat opening a document (shared projects) changes no figure
            return
        self._stale = True
        if self._last_seconds <= AUTO_REFRESH_SECONDS:
            self._debounce.start()
        elif self.data is not None and not self.info.text().endswith(OUT_OF_DATE):
            self.info.setText(self.info.text() + OUT_OF_DATE)

    def _refresh_if_shown(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.store is not None:
            QTimer.singleShot(0, self.refresh)

    # ------------------------------------------------------------------ computing
    def refresh(self) -> None:
        """Recompute everything on a worker thread. A refresh asked for while one runs cancels it
        and starts again when its thread has ended (never blocking the GUI thread)."""
        if self.store is None:
            return
        self._stale = False
        if self._worker is not None and self._worker.thread.isRunning():
            self._again = True
            self._worker.cancel()
            return
        self._start()

    def _start(self) -> None:
        self._again = False
        self._started = time.monotonic()
        self.info.setText(tr("Computing…"))
        w = Worker(overview, self.store)
        # on the GUI thread (a lambda connected to the worker's signals would run on the worker's)
        w.on_gui(progress=lambda d, t, m: self.info.setText(f"{tr('Computing…')} {m}"), finished=self._finished,
                 failed=lambda m: (self.info.setText(m.splitlines()[0]), self.status.emit(m)))
        w.thread.finished.connect(self._thread_ended)
        self._retired = self._worker  # not freed inside its own thread's finished signal
        self._worker = w  # kept until the next refresh: a QThread must not die while it runs
        w.start()

    def _thread_ended(self) -> None:
        if self._again and self.store is not None:
            self._start()

    def _finished(self, data: Overview) -> None:
        self._last_seconds = time.monotonic() - self._started
        if not self._again:
            self._show(data)
            self.updated.emit()

    def stop(self) -> None:
        """Cancel a running refresh and wait for its thread (for closing)."""
        self._again = False
        w = self._worker
        if w is not None and w.thread.isRunning():
            w.cancel()
            w.thread.quit()  # its quit would otherwise be queued to this (blocked) thread
            w.thread.wait()

    # ------------------------------------------------------------------ showing
    def _show(self, data: Overview | None) -> None:
        self.data = data
        if data is None:
            self.chart_view.set_charts([])
            for t in (self.findings, self.duplicates, self.suspects, self.picks):
                t.clear()
            self.info.setText("" if self.store else tr("No project"))
            return
        self.chart_view.set_charts(chart_list(self.store, data.stats))
        self.check_filter.blockSignals(True)
        self.check_filter.clear()
        counts: dict[str, int] = {}
        for f in data.findings:
            counts[f.check] = counts.get(f.check, 0) + 1
        self.check_filter.addItem(f"{tr('All checks')} ({len(data.findings)})", None)
        for name, n in sorted(counts.items()):
            self.check_filter.addItem(f"{name} ({n})", name)
        self.check_filter.blockSignals(False)
        self._fill_findings()

        self.duplicates.clear()
        for gi, g in enumerate(data.duplicates, 1):
            for d in g.doc_ids:
                it = _item([gi, data.names.get(d, d), g.kind], d)
                it.setData(1, ROLE, (gi - 1, d))
                self.duplicates.addTopLevelItem(it)
        self.suspects.clear()
        for s in data.suspects:
            self.suspects.addTopLevelItem(_item([data.names.get(s.doc_id, s.doc_id), s.given, s.predicted,
                                                 f"{s.confidence:.2f}", "●" if s.flagged else ""],
                                                s.doc_id, s.region_id))
        for t, _ in data.tag_suspects:
            self.suspects.addTopLevelItem(_item([data.names.get(t.doc_id, t.doc_id), f"{t.token}: {t.given}",
                                                 f"{t.token}: {t.predicted}", f"{t.confidence:.2f}", "●"],
                                                t.doc_id, t.region_id))
        self.picks.clear()
        for i, p in enumerate(data.picks, 1):
            self.picks.addTopLevelItem(_item([i, p.name, f"{p.score:.2f}", p.reason], p.doc_id))
        for t in (self.findings, self.duplicates, self.suspects, self.picks):
            for c in range(t.columnCount() - 1):
                t.resizeColumnToContents(c)
        self._explain_empty(data)
        self.people.fill(data.people, data.agreement)
        s = data.stats
        flagged = sum(x.flagged for x in data.suspects) + len(data.tag_suspects)
        self.info.setText(f"{plural(s.documents, 'document', 'documents')}, {plural(s.regions, 'region', 'regions')} · "
                          f"{len(data.findings)} {tr('findings')} · {len(data.duplicates)} {tr('duplicate groups')}"
                          f" · {flagged} {tr('likely label errors')}")
        self.info.setToolTip(self.info.text())
        self.tabs.setTabText(1, f"{tr('Review queue')} ({len(data.findings)})")

    def _fill_findings(self) -> None:
        self.findings.clear()
        if self.data is None:
            return
        only = self.check_filter.currentData()
        for f in self.data.findings:
            if only is None or f.check == only:
                it = _item([f.check, f.document, f.message], f.doc_id, f.region_id)
                it.setToolTip(2, f.message)
                self.findings.addTopLevelItem(it)

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        doc_id, region_id = item.data(0, ROLE)
        if doc_id is not None:
            self.jump.emit(int(doc_id), region_id)

    # ------------------------------------------------------------------ actions
    def search(self, query: str) -> list:
        self.results.clear()
        if self.store is None or not query.strip():
            return []
        hits = self.searcher.search(query, 200)
        for h in hits:
            where = f"{tr('region')} {h.region_id}" if h.kind == "region" else f"{tr('key-value')} {h.key}"
            self.results.addTopLevelItem(_item([h.document, where, h.text], h.doc_id, h.region_id))
        self.tabs.setCurrentIndex(5)
        return hits

    def set_forbidden_words(self, words: list[str]) -> None:
        jq.set_forbidden_words(self.store, words)
        self.refresh()

    def edit_forbidden_words(self) -> None:
        if self.store is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self, tr("Forbidden words"), tr("Documents containing any of these words (one a line) are flagged:"),
            "\n".join(jq.forbidden_words(self.store)))
        if ok:
            self.set_forbidden_words(text.splitlines())

    def copy_document_text(self) -> str:
        """The selected result's document, in reading order, to the clipboard."""
        item = self.results.currentItem()
        if item is None or self.store is None:
            return ""
        doc_id, _ = item.data(0, ROLE)
        text = jq.document_text(self.store, doc_id)
        QApplication.clipboard().setText(text)
        self.status.emit(tr("Copied the document text"))
        return text

    def keep_selected(self, ask: bool = True) -> list[int]:
        """Keep the selected document of a duplicate group and delete the others (asks first)."""
        item = self.duplicates.currentItem()
        if item is None or self.data is None or self.store is None:
            return []
        group_index, keep = item.data(1, ROLE)
        group = self.data.duplicates[group_index]
        others = [self.data.names.get(d, str(d)) for d in group.doc_ids if d != keep]
        if ask and QMessageBox.question(
                self, tr("Keep one"), tr("Delete these documents and their labels? This cannot be undone.") +
                "\n\n" + "\n".join(others)) != QMessageBox.StandardButton.Yes:
            return []
        gone = jq.keep_one(self.store, group.doc_ids, keep)
        self.refresh()
        return gone

    def export(self, kind: str, folder: str) -> list:
        if self.data is None:
            return []
        paths = (jq.export_csv if kind == "csv" else jq.export_png)(self.data.stats, folder)
        self.status.emit(f"{len(paths)} {kind.upper()} {tr('files written to')} {folder}")
        return paths

    def export_dialog(self, kind: str) -> None:
        if self.data is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Export statistics to folder"))
        if folder:
            self.export(kind, folder)

    def closeEvent(self, event) -> None:
        self.stop()
        if self._unsubscribe:
            self._unsubscribe()
        super().closeEvent(event)
