"""The documents of the project: thumbnails, whole names (wrapped, never cut), status; filters by name,
status and document type; an empty project says how to fill it. Picking one opens it."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from hanji.domain.model import Document
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import doc_type_name, status_name, tr
from hanji.ui.session import Session

THUMB = 72
DOC_ROLE = Qt.ItemDataRole.UserRole + 2  # the Document itself
NAME_FLAGS = Qt.TextFlag.TextWrapAnywhere  # a file name wraps anywhere: it is never cut
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
        if role == DOC_ROLE:
            return d
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


class DocumentFilter(QSortFilterProxyModel):
    """Documents whose name contains the text, of the status and the document type chosen ('' any)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text, self.status, self.doc_type = "", "", None

    def set(self, text: str | None = None, status: str | None = None, doc_type: str | None = None) -> None:
        begin = getattr(self, "beginFilterChange", None)  # Qt 6.10+; invalidateFilter before
        if begin is not None:
            begin()
        if text is not None:
            self.text = text.casefold()
        if status is not None:
            self.status = status
        self.doc_type = doc_type if doc_type != "*" else None
        if begin is not None:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        d = self.sourceModel().docs[row]
        return ((not self.text or self.text in d.name.casefold()) and (not self.status or d.status == self.status)
                and (self.doc_type is None or d.doc_type == self.doc_type))


class DocumentDelegate(QStyledItemDelegate):
    """A row: the thumbnail, the whole file name wrapped to the width left beside it, the status below."""

    def __init__(self, view: QListView):
        super().__init__(view)
        self.view = view

    def text_width(self) -> int:
        return max(40, self.view.viewport().width() - 2 * self.view.spacing() - THUMB - 14)

    def name_rect(self, option, name: str) -> QRect:
        fm = option.fontMetrics
        return fm.boundingRect(QRect(0, 0, self.text_width(), 10000), int(NAME_FLAGS), name)

    def sizeHint(self, option, index) -> QSize:
        h = self.name_rect(option, index.data(Qt.ItemDataRole.UserRole + 1) or "").height()
        return QSize(self.view.viewport().width() - 2 * self.view.spacing(),
                     max(THUMB + 6, h + option.fontMetrics.height() + 10))

    def paint(self, painter, option, index) -> None:
        d = index.data(DOC_ROLE)
        if d is None:
            return super().paint(painter, option, index)
        painter.save()
        r = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        painter.fillRect(r, pal.highlight() if selected else index.data(Qt.ItemDataRole.BackgroundRole))
        pm = index.data(Qt.ItemDataRole.DecorationRole)
        if pm is not None:
            painter.drawPixmap(r.x() + 3 + (THUMB - pm.width()) // 2, r.y() + 3 + (THUMB - pm.height()) // 2, pm)
        x = r.x() + THUMB + 10
        name = self.name_rect(option, d.name)
        painter.setPen(pal.highlightedText().color() if selected else pal.text().color())
        painter.drawText(QRect(x, r.y() + 4, self.text_width(), name.height()), int(NAME_FLAGS), d.name)
        status = status_name(d.status) + (f" · {doc_type_name(d.doc_type)}" if d.doc_type else "")
        painter.setPen(pal.highlightedText().color() if selected else QColor("#777"))
        painter.drawText(QRect(x, r.y() + 6 + name.height(), self.text_width(), option.fontMetrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft), option.fontMetrics.elidedText(
                             status, Qt.TextElideMode.ElideRight, self.text_width()))
        painter.restore()


class DocumentsPane(QWidget, bridge.StoreBound):
    add_images_requested = Signal()  # the empty project's buttons: the window runs the dialogs
    import_requested = Signal()

    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.store = None
        self._unsub = None
        self._syncing = False
        self.model = DocumentsModel()
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(tr("Filter by name"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda t: self._filter(text=t))
        self.status_filter = QComboBox(self)
        self.status_filter.addItem(tr("All statuses"), "")
        for st in ("new", "preannotated", "in_progress", "done"):
            self.status_filter.addItem(status_name(st), st)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.type_filter = QComboBox(self)
        for combo in (self.status_filter, self.type_filter):  # narrow enough for a small screen's dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        self.type_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setSpacing(2)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrap their names at a new width
        self.view.setItemDelegate(DocumentDelegate(self.view))
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.empty = QWidget(self)  # an empty project says what to do
        self.empty.setObjectName("empty_project")
        el = QVBoxLayout(self.empty)
        el.setContentsMargins(6, 12, 6, 6)
        self.empty_text = QLabel(tr("No documents yet. Add scans or photos of documents, or import a "
                                    "dataset you already have (PPOCRLabel, labelme, FUNSD, …)."), self.empty)
        self.empty_text.setWordWrap(True)
        add = QPushButton(tr("Add images…"), self.empty)
        add.clicked.connect(self.add_images_requested)
        imp = QPushButton(tr("Import…"), self.empty)
        imp.clicked.connect(self.import_requested)
        el.addWidget(self.empty_text)
        el.addWidget(add)
        el.addWidget(imp)
        el.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.filter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status_filter, 1)
        row.addWidget(self.type_filter, 1)
        lay.addLayout(row)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.empty, 1)
        session.document_changed.connect(self._select_doc)
        self.set_store(store)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self.model.store = store
        self.model.thumbs.clear()
        self._reload()
        self._select_doc(self.session.doc_id)

    def _reload(self) -> None:
        self.model.reload()
        types = sorted({d.doc_type for d in self.model.docs})
        current = self.type_filter.currentData()
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem(tr("All types"), "*")
        for t in types:
            self.type_filter.addItem(doc_type_name(t) if t else tr("(no type)"), t)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(current)))
        self.type_filter.blockSignals(False)
        self._filter()
        empty = self.store is not None and not self.model.docs
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)
        for w in (self.filter, self.status_filter, self.type_filter):
            w.setEnabled(bool(self.model.docs))

    def _filter(self, text: str | None = None) -> None:
        self.proxy.set(text=text, status=self.status_filter.currentData() or "",
                       doc_type=self.type_filter.currentData() if self.type_filter.count() else "*")

    def visible_ids(self) -> list[int]:
        """Document ids in the order shown (after the filter): next/previous follow this."""
        return [self.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(self.proxy.rowCount())]

    def _on_change(self, ch: Change) -> None:
        if ch.table == "documents":
            self._syncing = True
            try:
                self._reload()
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
