"""The project's entity schema: name, title, key, colour, personal data. Saved through the store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hanji.domain.model import EntityType
from hanji.domain.schemas import PALETTE
from hanji.store.project import ProjectStore
from hanji.ui.i18n import tr

COLS = ["Name", "Title", "Key", "Colour", "Personal", "Doc type"]


class SchemaDialog(QDialog):
    def __init__(self, store: ProjectStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(tr("Entity types"))
        self.resize(640, 480)
        self.table = QTableWidget(0, len(COLS), self)
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLS])
        self.table.cellDoubleClicked.connect(self._pick_color)
        self.original = store.entity_types()
        for e in self.original:
            self._append(e)
        add, rem = QPushButton(tr("Add")), QPushButton(tr("Remove"))
        self.fill = QPushButton(tr("Give every type a key and a colour of its own"))
        self.fill.setToolTip(tr("Types without a key, or with a key or colour another type of the same document "
                                "type has, get free ones (colour-blind-safe colours); the others keep theirs."))
        self.fill.clicked.connect(self.fill_keys_and_colours)
        add.clicked.connect(lambda: self._append(EntityType(name=f"type_{self.table.rowCount() + 1}",
                                                            color=PALETTE[self.table.rowCount() % len(PALETTE)])))
        rem.clicked.connect(lambda: [self.table.removeRow(r) for r in
                                     sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(rem)
        row.addWidget(self.fill)
        row.addStretch(1)
        row.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(row)

    def _append(self, e: EntityType) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, v in enumerate([e.name, e.title, e.key, e.color, "", e.doc_type]):
            self.table.setItem(r, c, QTableWidgetItem(v))
        self.table.item(r, 3).setBackground(QColor(e.color))
        self.table.item(r, 3).setFlags(self.table.item(r, 3).flags() & ~Qt.ItemFlag.ItemIsEditable)
        p = self.table.item(r, 4)
        p.setFlags((p.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
        p.setCheckState(Qt.CheckState.Checked if e.personal else Qt.CheckState.Unchecked)

    def fill_keys_and_colours(self) -> None:
        """Keys and colours for the types in the table that have none of their own (applied with OK)."""
        from hanji.domain.schemas import fill_keys_and_colours

        types = self.entity_types()
        fixed = {e.name: e for e in fill_keys_and_colours(types)}
        for r in range(self.table.rowCount()):
            e = fixed.get(self.table.item(r, 0).text().strip())
            if e is None:
                continue
            self.table.item(r, 2).setText(e.key)
            self.table.item(r, 3).setText(e.color)
            self.table.item(r, 3).setBackground(QColor(e.color))

    def _pick_color(self, row: int, col: int) -> None:
        if col != 3:
            return
        c = QColorDialog.getColor(QColor(self.table.item(row, 3).text()), self)
        if c.isValid():
            self.table.item(row, 3).setText(c.name())
            self.table.item(row, 3).setBackground(c)

    def entity_types(self) -> list[EntityType]:
        out = []
        for r in range(self.table.rowCount()):
            name = self.table.item(r, 0).text().strip()
            if not name:
                continue
            out.append(EntityType(name=name, title=self.table.item(r, 1).text().strip(),
                                  key=self.table.item(r, 2).text().strip()[:1], color=self.table.item(r, 3).text(),
                                  personal=self.table.item(r, 4).checkState() == Qt.CheckState.Checked,
                                  doc_type=self.table.item(r, 5).text().strip()))
        return out

    def apply(self) -> None:
        """Write the table to the store as one undo step."""
        new = self.entity_types()
        names = {e.name for e in new}
        with self.store.group("label schema"):
            for e in self.original:
                if e.name not in names:
                    self.store.delete_entity_type(e.name)
            for i, e in enumerate(new):
                self.store.set_entity_type(e, position=i)


def schema_choices() -> list[tuple[str, str]]:
    """``(schema name, what the person reads)`` for a new project, the default first."""
    from hanji.domain.schemas import SCHEMAS, doc_type_name
    from hanji.ui.i18n import language

    out = []
    for name in SCHEMAS:
        if name == "default":
            text = tr("Korean documents (receipt, ID card, business registration, credit card)")
        elif name == "none":
            text = tr("No entity types (transcription only)")
        else:
            text = doc_type_name(name, language())
        out.append((name, text))
    return out


def choose_schema(parent) -> str | None:
    """Ask which entity schema a new project starts with; None if the person cancelled."""
    from PySide6.QtWidgets import QInputDialog

    choices = schema_choices()
    text, ok = QInputDialog.getItem(parent, tr("New project…"), tr("Which documents will this project label?"),
                                    [t for _, t in choices], 0, False)
    if not ok:
        return None
    return next((n for n, t in choices if t == text), "default")
