"""The regions of the current document in reading order: drag to reorder; selection follows the canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.canvas.style import STATUS_COLORS
from hanji.ui.i18n import tr
from hanji.ui.session import Session


class RegionTree(QTreeWidget):
    def __init__(self, pane):
        super().__init__(pane)
        self.pane = pane

    def dropEvent(self, ev) -> None:
        super().dropEvent(ev)
        self.pane.order_from_view()


class RegionsPane(QWidget, bridge.StoreBound):
    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._syncing = False
        self.tree = RegionTree(self)
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["#", tr("Text"), tr("Status"), tr("Conf.")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.tree.setColumnWidth(0, 36)
        self.tree.setColumnWidth(1, 170)
        self.tree.setColumnWidth(2, 70)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        session.document_changed.connect(lambda _: self.reload())
        session.selection_changed.connect(self._sync_selection)
        self.set_store(store)

    def _on_change(self, ch: Change) -> None:
        if ch.table == "regions" and self.session.doc_id in ch.doc_ids:
            self.reload()

    def reload(self) -> None:
        self._syncing = True
        try:
            self.tree.clear()
            if self.store is None or self.session.doc_id is None:
                return
            items = []
            for n, r in enumerate(self.store.regions(self.session.doc_id)):
                conf = "" if r.confidence is None else f"{r.confidence:.2f}"
                it = QTreeWidgetItem([str(n + 1), r.text, tr(r.status), conf])
                it.setData(0, Qt.ItemDataRole.UserRole, r.id)
                it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                it.setForeground(2, QColor(STATUS_COLORS.get(r.status, "#444")))
                if r.confidence is not None and r.confidence < 0.8:
                    it.setForeground(3, QColor("#e94e77"))
                items.append(it)
            self.tree.addTopLevelItems(items)
            self._apply_selection(self.session.selection)
        finally:
            self._syncing = False

    def ids(self) -> list[int]:
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(self.tree.topLevelItemCount())]

    def order_from_view(self) -> None:
        if self.store is not None and self.session.doc_id is not None:
            self.store.set_order(self.session.doc_id, self.ids())

    def _on_selection(self) -> None:
        if self._syncing:
            return
        ids = {it.data(0, Qt.ItemDataRole.UserRole) for it in self.tree.selectedItems()}
        cur = self.tree.currentItem()
        cid = cur.data(0, Qt.ItemDataRole.UserRole) if cur is not None and cur.isSelected() else -1
        self.session.select(ids, cid)

    def _sync_selection(self, ids) -> None:
        was, self._syncing = self._syncing, True
        try:
            self._apply_selection(ids)
        finally:
            self._syncing = was

    def _apply_selection(self, ids) -> None:
        self.tree.clearSelection()
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            if it.data(0, Qt.ItemDataRole.UserRole) in ids:
                it.setSelected(True)
                if it.data(0, Qt.ItemDataRole.UserRole) == self.session.current:
                    self.tree.scrollToItem(it)
