"""The window's layout: dock widths for the screen, View → Reset layout, a saved layout that does not
fit the screen put right, the dashboard in a window of its own, and a view (zoom and scroll) per
document. The canvas is the main area: nothing here lets a pane take it over."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QToolBar

from hanji.ui import settings
from hanji.ui.i18n import tr

# the canvas keeps at least this share of the window's width when docks are restored or resized
MIN_CANVAS_SHARE = 0.42


def default_dock_sizes(window) -> None:
    """The first dock widths: narrower on a small screen, the canvas always the widest part."""
    w = window.width()
    left = max(110, min(230, int(w * 0.15)))
    right = max(200, min(430, int(w * 0.27)))
    docks = window.docks
    window.resizeDocks([docks["documents"]], [left], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["transcription"]], [right], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["transcription"], docks["regions"], docks["tags"]], [200, 330, 300],
                       Qt.Orientation.Vertical)


def fits_screen(window) -> bool:
    screen = window.screen()
    if screen is None:
        return True
    avail = screen.availableGeometry()
    f = window.frameGeometry()
    return f.width() <= avail.width() + 2 and f.height() <= avail.height() + 2


def restore(window, geometry, state) -> None:
    """Restore a saved geometry and dock layout, but never wider or taller than the screen and never
    with docks that leave the canvas less than ``MIN_CANVAS_SHARE`` of the width."""
    from hanji.ui.fonts import fit_to_screen

    if geometry is not None:
        window.restoreGeometry(geometry)
        if not (window.isMaximized() or window.isFullScreen()) and not fits_screen(window):
            fit_to_screen(window)
    if state is not None:
        window.restoreState(state)


def first_shown(window) -> None:
    """Once the window is on screen (dock widths are known only then): a restored layout whose docks
    crowd the canvas is put back to the default widths."""
    QTimer.singleShot(0, lambda: keep_canvas_room(window))


def canvas_share(window) -> float:
    return window.canvas.width() / max(1, window.width())


def keep_canvas_room(window) -> bool:
    """Shrink the docks back to their default widths if they leave the canvas too little room."""
    if not window.isVisible() or canvas_share(window) >= MIN_CANVAS_SHARE:
        return False
    default_dock_sizes(window)
    return True


def reset_layout(window) -> None:
    """View → Reset layout: every dock back where it started, sized for this screen."""
    from hanji.ui.fonts import fit_to_screen

    if window.isMaximized() or window.isFullScreen():
        window.showNormal()
    window.restoreState(window.default_state)
    for d in window.docks.values():
        d.setFloating(False)
        d.show()
    window.docks["tags"].raise_()
    fit_to_screen(window)
    default_dock_sizes(window)
    for tb in window.findChildren(QToolBar):
        tb.show()


# ---------------------------------------------------------------------- the dashboard
class DashboardWindow(QMainWindow):
    """The dashboard in a window of its own (beside the studio, not inside one of its docks). The pane
    is built the first time the window is shown: plots are heavy and startup stays fast."""

    def __init__(self, studio):
        super().__init__(studio, Qt.WindowType.Window)
        self.setObjectName("window.dashboard")
        self.studio = studio
        self.pane = None
        self.setWindowTitle(tr("Dashboard"))
        screen = studio.screen()
        avail = screen.availableGeometry() if screen is not None else None
        w, h = (1100, 760) if avail is None else (min(1100, int(avail.width() * 0.85)),
                                                  min(760, int(avail.height() * 0.85)))
        self.resize(w, h)
        geo = settings.settings().value("dashboard/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
            if not fits_screen(self):
                self.resize(w, h)

    def ensure_pane(self):
        if self.pane is not None:
            return self.pane
        from hanji.ui.panes.dashboard import DashboardPane

        pane = DashboardPane(self.studio.store)
        pane.jump.connect(self.studio._jump)
        pane.status.connect(lambda m: self.studio.statusBar().showMessage(m, 6000))
        pane.setMinimumSize(0, 0)
        self.setCentralWidget(pane)
        self.pane = pane
        return pane

    def set_store(self, store) -> None:
        if store is not None:
            self.setWindowTitle(f"{tr('Dashboard')} — {store.path.name}")
        if self.pane is not None:
            self.pane.stop()
            self.pane.set_store(store)

    def closeEvent(self, ev) -> None:
        s = settings.settings()
        s.setValue("dashboard/geometry", self.saveGeometry())
        s.sync()
        if self.pane is not None:
            self.pane.stop()
        super().closeEvent(ev)


def show_dashboard(window) -> DashboardWindow | None:
    """View → Dashboard: open (or raise) the dashboard window."""
    if window.store is None:
        window.statusBar().showMessage(tr("Open a project first."), 4000)
        return None
    dw = window.dashboard_window
    if dw is None:
        dw = window.dashboard_window = DashboardWindow(window)
    try:
        pane = dw.ensure_pane()
    except Exception as e:  # a broken optional pane must not take the window down
        window.statusBar().showMessage(f"{tr('dashboard unavailable')}: {e}", 6000)
        return None
    window.dashboard = pane
    dw.set_store(window.store)
    dw.show()
    dw.raise_()
    dw.activateWindow()
    return dw


# ---------------------------------------------------------------------- a view per document
class DocumentViews:
    """Each document keeps its own zoom and scroll while the window is open; a document opened for
    the first time is fitted to the window. The last document's view is saved with the project's
    last document (settings), so a restart shows the page as it was left."""

    def __init__(self, window):
        self.window = window
        self.views: dict[int, tuple[float, float, float] | None] = {}  # None: fitted
        window.session.about_to_change.connect(self.remember)
        window.session.document_changed.connect(self._on_document)

    def current(self) -> tuple[float, float, float] | None:
        c = self.window.canvas
        if c.fitted:
            return None
        centre = c.mapToScene(c.viewport().rect().center())
        return c.scale_factor(), centre.x(), centre.y()

    def remember(self) -> None:
        doc = self.window.session.doc_id
        if doc is not None and self.window.store is not None:
            self.views[doc] = self.current()

    def apply(self, view) -> None:
        c = self.window.canvas
        if not view:
            c.fit()
            return
        z, x, y = view
        c.set_zoom(z)
        c.settle_zoom()
        c.centerOn(QPointF(x, y))

    def _on_document(self, doc_id) -> None:
        if doc_id is None or self.window.store is None:
            return
        self.apply(self.views.get(doc_id))  # the canvas fitted the page already; a kept view goes back
        settings.set_project_document(str(self.window.store.path), doc_id)

    def clear(self) -> None:
        self.views.clear()

    def save(self) -> None:
        """The current document's view, for the next start."""
        store, doc = self.window.store, self.window.session.doc_id
        if store is not None and doc is not None:
            settings.set_project_document(str(store.path), doc, self.current())

    def reopen(self, store) -> int | None:
        """The document to open with ``store``: the one open last time (with its view), else the first
        not done, else the first."""
        docs = store.documents()
        if not docs:
            return None
        last, view = settings.project_document(str(store.path))
        ids = {d.id for d in docs}
        if last in ids:
            self.views[last] = view
            return last
        return next((d.id for d in docs if d.status != "done"), docs[0].id)
