"""The documents of the project: thumbnails, status, a name filter; picking one opens it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QBuffer, QByteArray, QModelIndex, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QImageReader, QPixmap
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from hanji.domain.model import Document
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import tr
from hanji.ui.session import Session

THUMB = 72
STATUS_COLORS = {"new": "#8e8e93", "preannotated": "#f5a623", "in_progress": "#0a84ff", "done": "#27ae60"}


class DocumentsModel(QAbstractListModel):
    def __init__(self, store: ProjectStore | None = None):
        super().__init__()
        self.store = store
        self.docs: list[Document] = []
        self.thumbs: dict[str, QPixmap] = {}

    def reload(self) -> None:
        self.beginResetModel()
        self.docs = self.store.documents() if self.store else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.docs)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d = self.docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{d.name}\n{tr(d.status)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnail(d)
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{d.name} · {d.width}×{d.height} · {tr(d.status)}"
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        if role == Qt.ItemDataRole.UserRole + 1:
            return d.name
        if role == Qt.ItemDataRole.BackgroundRole:
            c = QColor(STATUS_COLORS.get(d.status, "#8e8e93"))
            c.setAlpha(28)
            return c
        return None

    def thumbnail(self, d: Document) -> QPixmap:
        """Decoded at thumbnail size on first paint (JPEG decodes scaled, so this is cheap)."""
        pm = self.thumbs.get(d.sha256)
        if pm is None:
            pm = QPixmap(THUMB, THUMB)
            pm.fill(QColor("#555"))
            try:
                data = QByteArray(self.store.image_bytes(d.id))
                buf = QBuffer(data)
                buf.open(QBuffer.OpenModeFlag.ReadOnly)
                reader = QImageReader(buf)
                s = QSize(d.width, d.height).scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio)
                reader.setScaledSize(s)
                img = reader.read()
                if not img.isNull():
                    pm = QPixmap.fromImage(img)
            except Exception:  # a missing linked image shows a grey tile; the canvas reports why
                pass
            self.thumbs[d.sha256] = pm
        return pm

    def row_of(self, doc_id: int) -> int:
        for i, d in enumerate(self.docs):
            if d.id == doc_id:
                return i
        return -1


class DocumentsPane(QWidget, bridge.StoreBound):
    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.store = None
        self._unsub = None
        self._syncing = False
        self.model = DocumentsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.ItemDataRole.UserRole + 1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(tr("Filter by name"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(2)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.filter)
        lay.addWidget(self.view)
        session.document_changed.connect(self._select_doc)
        self.set_store(store)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self.model.store = store
        self.model.thumbs.clear()
        self.model.reload()
        self._select_doc(self.session.doc_id)

    def visible_ids(self) -> list[int]:
        """Document ids in the order shown (after the filter): next/previous follow this."""
        return [self.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(self.proxy.rowCount())]

    def _on_change(self, ch: Change) -> None:
        if ch.table == "documents":
            self._syncing = True
            try:
                self.model.reload()
                self._select_doc(self.session.doc_id)
            finally:
                self._syncing = False

    def _on_current(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if self._syncing or not cur.isValid():
            return
        self.session.set_document(cur.data(Qt.ItemDataRole.UserRole))

    def _select_doc(self, doc_id) -> None:
        row = self.model.row_of(doc_id) if doc_id is not None else -1
        idx = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        was, self._syncing = self._syncing, True
        try:
            if idx.isValid():
                self.view.setCurrentIndex(idx)
                self.view.scrollTo(idx)
            else:
                self.view.clearSelection()
        finally:
            self._syncing = was
