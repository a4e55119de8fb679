"""The F1 cheat sheet and the shortcut editor, both built from the action table."""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QKeySequenceEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from hanji.ui.actions import ACTIONS, MENUS, rebind, shortcuts_for
from hanji.ui.i18n import tr


def cheatsheet_html() -> str:
    parts = ["<style>td{padding:2px 10px} th{text-align:left;padding-top:8px}</style><table>"]
    for menu in MENUS:
        parts.append(f"<tr><th colspan=2>{html.escape(tr(menu))}</th></tr>")
        for a in ACTIONS:
            if a.menu != menu:
                continue
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts_for(a))
            parts.append(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(tr(a.title))}</td></tr>")
    parts.append(f"<tr><th colspan=2>{html.escape(tr('View'))}</th></tr>"
                 + "".join(f"<tr><td><b>{html.escape(tr(k))}</b></td><td>{html.escape(tr(v))}</td></tr>" for k, v in (
                     ("Space+drag, middle drag", "pan"), ("Wheel", "zoom at cursor"),
                     ("Double-click edge / Alt+click vertex", "add / delete vertex"),
                     ("1-9, letters (Tags pane)", "tag the selected tokens"))))
    parts.append("</table>")
    return "".join(parts)


class CheatSheet(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.resize(520, 640)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(cheatsheet_html())
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)


class ShortcutEditor(QDialog):
    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.actions = actions
        self.setWindowTitle(tr("Edit shortcuts…"))
        self.resize(560, 640)
        self.table = QTableWidget(len(ACTIONS), 2, self)
        self.table.setHorizontalHeaderLabels([tr("Action"), tr("Shortcut")])
        self.edits: dict[str, QKeySequenceEdit] = {}
        for i, a in enumerate(ACTIONS):
            self.table.setItem(i, 0, QTableWidgetItem(tr(a.title)))
            seqs = shortcuts_for(a)
            ed = QKeySequenceEdit(seqs[0] if seqs else QKeySequence(), self)
            self.table.setCellWidget(i, 1, ed)
            self.edits[a.id] = ed
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)

    def restore_defaults(self) -> None:
        for a in ACTIONS:
            rebind(self.actions, a.id, None)
            self.edits[a.id].setKeySequence(QKeySequence(a.shortcut))

    def apply(self) -> None:
        for a in ACTIONS:
            seq = self.edits[a.id].keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            current = [s.toString(QKeySequence.SequenceFormat.PortableText) for s in shortcuts_for(a)]
            if (current[0] if current else "") != seq:
                rebind(self.actions, a.id, seq)
