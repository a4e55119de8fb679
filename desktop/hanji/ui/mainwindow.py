"""The annotation studio window: documents left, canvas centre, panes right, all built from parts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog, QToolBar

from hanji.errors import HanjiError
from hanji.store import create_project, is_url, open_project
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge, layout, settings
from hanji.ui.actions import MENUS, TOOLBAR, build_actions
from hanji.ui.canvas.view import CanvasView
from hanji.ui.commands import Commands
from hanji.ui.i18n import tr
from hanji.ui.panes.documents import DocumentsPane
from hanji.ui.panes.keyvalues import KeyValuesPane
from hanji.ui.panes.regions import RegionsPane
from hanji.ui.panes.tags import TagsPane
from hanji.ui.panes.transcription import TranscriptionPane
from hanji.ui.session import Session
from hanji.ui.worker import Worker, wait_all


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, store: ProjectStore | None = None):
        super().__init__()
        from hanji.ui.i18n import install_qt_translations

        install_qt_translations()  # Qt's standard buttons and dialogs in the UI's language
        self.setWindowTitle("Hanji 한지")
        self.store: ProjectStore | None = None
        self._unsub = None
        self.session = Session()
        self.canvas = CanvasView(self.session, self)
        self.setCentralWidget(self.canvas)
        self.commands = Commands(self.session, self.canvas)
        self.documents = DocumentsPane(None, self.session)
        self.regions = RegionsPane(None, self.session)
        self.transcription = TranscriptionPane(None, self.session)
        self.tags = TagsPane(None, self.session)
        self.keyvalues = KeyValuesPane(None, self.session)
        self.transcription.give_back_focus.connect(lambda: self.canvas.setFocus())
        self.documents.add_images_requested.connect(self.add_images_dialog)
        self.documents.import_requested.connect(lambda: self.actions_["project.import"].trigger())
        self.docks: dict[str, QDockWidget] = {}
        self._dock("documents", tr("Documents"), self.documents, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("transcription", tr("Transcription"), self.transcription, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("regions", tr("Regions"), self.regions, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("tags", tr("Tags"), self.tags, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("keyvalues", tr("Key-values"), self.keyvalues, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["tags"], self.docks["keyvalues"])
        self.docks["tags"].raise_()
        self.dashboard = None  # the dashboard pane, in its own window (layout.show_dashboard)
        self.dashboard_window = None
        from hanji.ui.fonts import fit_to_screen

        fit_to_screen(self)
        layout.default_dock_sizes(self)
        self.actions_ = build_actions(self)
        self._menus()
        from hanji.ui import jobs_menu

        jobs_menu.install(self)
        from hanji.ui import autoread

        autoread.install(self)  # a drawn or reshaped box is read at once, on a worker
        from hanji.ui import editing

        editing.install(self)  # entity keys on the canvas, the documents' context menu
        from hanji.ui import review

        review.install(self)  # your name for the edits, review comments on the canvas (issue 21)
        from hanji.ui import seats

        seats.install(self)  # a shared project: claims, read-only documents, other seats' edits (issue 21)
        self.status_counts = QLabel()
        self.status_zoom = QLabel()
        self.status_tool = QLabel()
        for w in (self.status_tool, self.status_zoom, self.status_counts):
            self.statusBar().addPermanentWidget(w)
        self.canvas.zoom_changed.connect(lambda z: self.status_zoom.setText(f"{tr('zoom')} {z * 100:.0f}%"))
        self.canvas.tool_changed.connect(self._on_tool)
        self.session.message.connect(lambda m: self.statusBar().showMessage(m, 4000))
        self.session.document_changed.connect(self._on_document)
        self._on_tool("select")
        self.views = layout.DocumentViews(self)
        self.default_state = self.saveState()  # View → Reset layout goes back to it
        layout.restore(self, settings.window_geometry(), settings.window_state())
        if store is not None:
            self.set_store(store)
        else:
            self.statusBar().showMessage(tr("Open a project or create one from the File menu."))

    # ------------------------------------------------------------------ building
    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(f"dock.{name}")
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                      | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, d)
        self.docks[name] = d
        return d

    def _menus(self) -> None:
        from hanji.ui.actions import ACTIONS

        bar = self.menuBar()
        menus = {m: bar.addMenu(tr("&" + m)) for m in MENUS}
        for a in ACTIONS:
            menus[a.menu].addAction(self.actions_[a.id])
            if a.id == "label.schema":
                menus[a.menu].addSeparator()
        self.recent_menu = menus["File"].addMenu(tr("Recent projects"))
        menus["File"].insertMenu(self.actions_["app.quit"], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        view = menus["View"]
        view.addSeparator()
        for d in self.docks.values():
            view.addAction(d.toggleViewAction())
        tb = QToolBar("tools", self)
        tb.setObjectName("toolbar.main")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        from hanji.ui.actions import TOOLBAR_ICON_ONLY, display_keys

        for aid in TOOLBAR:
            act = self.actions_[aid]
            tb.addAction(act)
            keys = display_keys(act.shortcuts()[:1])
            act.setToolTip(f"{act.text()} ({keys})" if keys else act.text())
            if aid in TOOLBAR_ICON_ONLY:
                tb.widgetForAction(act).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBar(tb)
        self.toolbar = tb

    def _fill_recent(self) -> None:
        """File → Recent projects: the projects opened last, newest first (those still on disk)."""
        self.recent_menu.clear()
        current = str(self.store.path) if self.store is not None else None
        for path in settings.recent_projects():
            if path == current or not (is_url(path) or Path(path).exists()):
                continue
            act = self.recent_menu.addAction(path if is_url(path) else f"{Path(path).name} — {Path(path).parent}")
            act.setData(path)
            act.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction(tr("No recent projects")).setEnabled(False)

    def _jump(self, doc_id: int, region_id=None) -> None:
        self.session.set_document(doc_id)
        if region_id is not None:
            self.session.select({region_id}, region_id)
            self.canvas.ensure_visible(region_id)

    # ------------------------------------------------------------------ project
    def set_store(self, store: ProjectStore | None) -> None:
        self.session.set_document(None)
        if self.dashboard_window is not None:  # its worker reads the old store: let it finish first
            self.dashboard_window.set_store(None if store is None else store)
        if self._unsub:
            self._unsub()
            self._unsub = None
        old, self.store = self.store, store
        self.session.store = store
        for pane in (self.canvas, self.documents, self.regions, self.transcription, self.tags, self.keyvalues):
            pane.set_store(store)
        if old is not None and old is not store:
            old.close()
        if store is None:
            return
        self._unsub = bridge.subscribe(store, self._on_change)
        settings.set_last_project(str(store.path))
        self.setWindowTitle(f"Hanji 한지 — {store.path.name}")
        settings.add_recent_project(str(store.path))
        self.views.clear()
        from hanji.domain.schemas import schema_clashes

        if schema_clashes(store.entity_types()):  # a project from before keys followed the document type
            self.statusBar().showMessage(tr("Some entity types have no key or share a key or colour: "
                                            "Label → Entity schema… gives each its own."), 10000)
        first = self.views.reopen(store)  # the document open last time, with its view
        if first is not None:
            self.session.set_document(first)
        self._update_counts()

    def open_project(self, path: str | Path) -> bool:
        from hanji.errors import ReadOnlyProject

        try:
            try:
                store = open_project(path)  # a file, or a postgresql:// URL
            except ReadOnlyProject as e:  # a healthy project where it cannot be written: read it
                store = open_project(path, readonly=True)
                QMessageBox.information(self, tr("Read-only"), str(e))
        except HanjiError as e:
            QMessageBox.warning(self, tr("Error"), str(e))
            return False
        self.set_store(store)
        return True

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open project…"), settings.start_folder(),
                                              f"{tr('Hanji projects')} (*.hanji)")
        if path:
            self.open_project(path)

    def open_server_dialog(self) -> None:
        """File → Open server project…: a team's project on a PostgreSQL server, by its URL."""
        from PySide6.QtWidgets import QInputDialog

        last = next((p for p in settings.recent_projects() if is_url(p)), "postgresql://")
        url, ok = QInputDialog.getText(self, tr("Open server project…"),
                                       tr("A project on a PostgreSQL server: postgresql://user@host:port/database"),
                                       text=last)
        url = url.strip()
        if not ok or not url:
            return
        if not is_url(url):
            QMessageBox.warning(self, tr("Error"), f"{url}: not a postgresql:// URL")
            return
        self.open_project(url)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("New project…"), settings.start_folder(),
                                              f"{tr('Hanji projects')} (*.hanji)")
        if not path:
            return
        if not path.endswith(".hanji"):
            path += ".hanji"
        from hanji.domain.schemas import schema_entity_types
        from hanji.ui.dialogs.schema import choose_schema

        schema = choose_schema(self)  # which documents: the entity types, keys and colours follow
        if schema is None:
            return
        try:
            self.set_store(create_project(path, schema_entity_types(schema)))
        except HanjiError as e:
            QMessageBox.warning(self, tr("Error"), str(e))

    def add_images_dialog(self) -> None:
        if self.store is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Add images…"), settings.start_folder(),
                                                f"{tr('Images')} (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp)")
        if paths:
            from hanji.jobs.add import add_images

            self.run_job(add_images, self.store, paths)

    def run_job(self, fn, *args, gui_callbacks: dict | None = None, **kwargs) -> Worker:
        """Run a job on a worker thread with a cancellable progress dialog. ``gui_callbacks``
        (progress/finished/failed/cancelled) run on the GUI thread, like the dialog's own."""
        dlg = QProgressDialog(tr("Working…"), tr("Cancel"), 0, 0, self)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        w = Worker(fn, *args, **kwargs)

        def on_progress(done, total, msg):
            dlg.setMaximum(max(total, 0))
            dlg.setValue(done)
            dlg.setLabelText(msg or tr("Working…"))

        def on_failed(message):
            dlg.close()
            QMessageBox.warning(self, tr("Error"), message)

        # callbacks on the GUI thread: they touch widgets (a plain function connected to the worker's
        # signals would run on the worker's thread)
        w.on_gui(progress=on_progress, finished=lambda _r: dlg.close(), failed=on_failed, cancelled=dlg.close)
        if gui_callbacks:
            w.on_gui(**gui_callbacks)
        dlg.canceled.connect(w.token.cancel)  # direct: the worker's thread runs no event loop while it works
        self._worker = w
        w.start()
        return w

    # ------------------------------------------------------------------ navigation
    def next_doc_id(self, step: int) -> int | None:
        """The document ``step`` rows away in the documents list (its first when the current one is
        not in it): one indexed query, whatever the project's size."""
        return self.documents.next_id(self.session.doc_id, step)

    def go_document(self, step: int) -> None:
        nxt = self.next_doc_id(step)
        if nxt is not None:
            self.session.set_document(nxt)

    # ------------------------------------------------------------------ dialogs
    def show_cheatsheet(self) -> None:
        from hanji.ui.dialogs.shortcuts import CheatSheet

        self._cheatsheet = CheatSheet(self)
        self._cheatsheet.show()

    def edit_shortcuts(self) -> None:
        from hanji.ui.dialogs.shortcuts import ShortcutEditor

        dlg = ShortcutEditor(self.actions_, self)
        if dlg.exec():
            dlg.apply()

    def edit_schema(self) -> None:
        if self.store is None:
            return
        from hanji.ui.dialogs.schema import SchemaDialog

        dlg = SchemaDialog(self.store, self)
        if dlg.exec():
            dlg.apply()

    # ------------------------------------------------------------------ status
    def _on_tool(self, name: str) -> None:
        titles = {"select": "Select / edit", "rect": "Rectangle", "quad": "Quad (4 points)", "polygon": "Polygon",
                  "link": "Link question → answer"}
        self.status_tool.setText(tr(titles.get(name, name)))

    def _on_document(self, doc_id) -> None:
        if self.store is not None and doc_id is not None:
            d = self.store.document(doc_id)
            self.statusBar().showMessage(f"{d.name} · {d.width}×{d.height}", 3000)

    def _on_change(self, ch: Change) -> None:
        if ch.table == "regions" and ch.reason == "edit":
            QTimer.singleShot(0, lambda ids=set(ch.doc_ids): self._mark_in_progress(ids))
        if ch.table in ("regions", "documents", "links"):
            self._update_counts()

    def _mark_in_progress(self, doc_ids) -> None:
        if self.store is None:
            return
        for d in doc_ids:
            try:
                doc = self.store.document(d)
            except HanjiError:
                continue
            # a job's (model's) edits leave the status; a person's edit makes a region human
            if doc.status in ("new", "preannotated") and any(r.human for r in self.store.regions(d)):
                self.store.update_document(d, status="in_progress", record=False)

    def _update_counts(self) -> None:
        if self.store is None:
            self.status_counts.setText("")
            return
        c = self.store.counts()
        by = c["documents_by_status"]
        done = by.get("done", 0)
        confirmed = c["regions_by_status"].get("confirmed", 0)
        self.status_counts.setText(
            f"{tr('documents')} {done}/{c['documents']} {tr('done')} · {tr('regions')} {confirmed}/{c['regions']} "
            f"{tr('confirmed')} · {tr('links')} {c['links']}")

    # ------------------------------------------------------------------ closing
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            layout.first_shown(self)

    def closeEvent(self, ev) -> None:
        self.session.about_to_change.emit()  # a text being typed is saved
        wait_all(cancel=True)  # no job may be reading the project when it closes
        settings.save_window(self.saveGeometry(), self.saveState(),
                             0.0 if self.canvas.fitted else self.canvas.scale_factor())
        self.views.save()
        if self.dashboard_window is not None:
            self.dashboard_window.close()
        if self.store is not None:
            if self._unsub:
                self._unsub()
            self.set_store(None)
        super().closeEvent(ev)
        self.closed.emit()
