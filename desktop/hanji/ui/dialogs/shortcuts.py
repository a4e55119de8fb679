"""The F1 cheat sheet and the shortcut editor, both built from the action table."""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QMessageBox,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from hanji.ui import keymaps, settings
from hanji.ui.actions import ACTIONS, MENUS, apply_keys, display_keys, keys_for, shortcuts_for, spec
from hanji.ui.i18n import tr


def cheatsheet_html() -> str:
    parts = ["<style>td{padding:2px 10px} th{text-align:left;padding-top:8px}</style><table>"]
    for menu in MENUS:
        parts.append(f"<tr><th colspan=2>{html.escape(tr(menu))}</th></tr>")
        for a in ACTIONS:
            if a.menu != menu:
                continue
            keys = display_keys(shortcuts_for(a))
            parts.append(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(tr(a.title))}</td></tr>")
    parts.append(f"<tr><th colspan=2>{html.escape(tr('View'))}</th></tr>"
                 + "".join(f"<tr><td><b>{html.escape(tr(k))}</b></td><td>{html.escape(tr(v))}</td></tr>" for k, v in (
                     ("Space+drag, middle drag", "pan"), ("Ctrl+Wheel", "zoom at cursor"),
                     ("Wheel, Shift+Wheel", "scroll"),
                     ("Double-click edge / Alt+click vertex", "add / delete vertex"),
                     ("1-9, letters (Tags pane)", "tag the selected tokens"),
                     ("1-9 (canvas)", "tag the selected regions whole; 0 clears"))))
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
    """The keys of every action, with the keymap preset they start from. A key another action has
    is not taken silently (Qt would call both ambiguous and do nothing): the editor names the other
    action and offers to swap. Setting an action's key keeps its other keys."""

    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.actions = actions
        self.setWindowTitle(tr("Edit shortcuts…"))
        self.resize(640, 680)
        self.preset = QComboBox(self)
        self.preset.setObjectName("keymap_preset")
        for pid, (title, _) in keymaps.PRESETS.items():
            self.preset.addItem(title, pid)
        self.preset.setCurrentIndex(max(0, self.preset.findData(keymaps.preset() or keymaps.HANJI)))
        self.preset.activated.connect(self._preset_chosen)
        self.table = QTableWidget(len(ACTIONS), 3, self)
        self.table.setHorizontalHeaderLabels([tr("Action"), tr("Shortcut"), tr("Other keys")])
        self.edits: dict[str, QKeySequenceEdit] = {}
        self.keys: dict[str, list[str]] = {a.id: keys_for(a) for a in ACTIONS}  # what OK will save
        self._asking = False
        for i, a in enumerate(ACTIONS):
            self.table.setItem(i, 0, QTableWidgetItem(tr(a.title)))
            ed = QKeySequenceEdit(self)
            ed.setObjectName(f"key:{a.id}")
            self.table.setCellWidget(i, 1, ed)
            self.table.setItem(i, 2, QTableWidgetItem(""))
            self.edits[a.id] = ed
            ed.editingFinished.connect(lambda aid=a.id: self._edited(aid))
        self._show_all()
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Keymap preset"), self))
        top.addWidget(self.preset, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table)
        lay.addWidget(buttons)

    # ------------------------------------------------------------------ showing
    def _show(self, aid: str) -> None:
        row = [a.id for a in ACTIONS].index(aid)
        keys = self.keys[aid]
        ed = self.edits[aid]
        ed.blockSignals(True)
        ed.setKeySequence(QKeySequence(keys[0]) if keys else QKeySequence())
        ed.blockSignals(False)
        first = display_keys(keys[:1])  # Backtab beside Shift+Tab is the same key: not listed twice
        self.table.item(row, 2).setText(display_keys([k for k in keys[1:] if display_keys([k]) != first]))

    def _show_all(self) -> None:
        for a in ACTIONS:
            self._show(a.id)

    def _title(self, aid: str) -> str:
        return tr(spec(aid).title)

    # ------------------------------------------------------------------ editing
    def _edited(self, aid: str) -> None:
        """The person set ``aid``'s first key: keep its other keys; a key another action has is
        swapped only when they say so."""
        if self._asking:
            return
        seq = self.edits[aid].keySequence()
        new = seq.toString(QKeySequence.SequenceFormat.PortableText)
        old = self.keys[aid]
        if (old[0] if old else "") == new:
            return
        if not new:  # cleared: the first key goes, the others stay
            self.keys[aid] = old[1:]
            self._show(aid)
            return
        holder = next((b for b, ks in self.keys.items() if b != aid and new in ks), None)
        if holder is not None and not self.ask_swap(aid, holder, new):
            self._show(aid)  # back to what it was
            return
        if holder is not None:  # the other action gets this one's old first key in place of the taken one
            give = old[0] if old else ""
            self.keys[holder] = [give if k == new else k for k in self.keys[holder] if k != new or give]
            self.keys[holder] = list(dict.fromkeys(k for k in self.keys[holder] if k))
            self._show(holder)
        self.keys[aid] = [new] + [k for k in old[1:] if k != new]
        self._show(aid)

    def ask_swap(self, aid: str, holder: str, key: str) -> bool:
        """Whether to swap a taken key (a question; tests answer it through the box's buttons)."""
        native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
        old = self.keys[aid]
        give = QKeySequence(old[0]).toString(QKeySequence.SequenceFormat.NativeText) if old else ""
        text = (f"{native}: {tr('already the key of')} “{self._title(holder)}”.\n"
                + (f"{tr('Swap: give it')} {give} {tr('instead?')}" if give else
                   f"{tr('Take it from')} “{self._title(holder)}”?"))
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Key already used"), text, parent=self)
        box.setObjectName("key_taken")
        swap = box.addButton(tr("Swap") if give else tr("Take it"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        self._asking = True
        try:
            box.exec()
        finally:
            self._asking = False
        return box.clickedButton() is swap

    def _preset_chosen(self, index: int) -> None:
        pid = self.preset.itemData(index)
        self.keys = {a.id: keys_for(a, overrides={}, preset=pid) for a in ACTIONS}
        self._show_all()

    # ------------------------------------------------------------------ saving
    def restore_defaults(self) -> None:
        """The chosen preset's keys, without the person's own (saved at once)."""
        pid = self.preset.currentData() or keymaps.HANJI
        keymaps.set_preset(pid)
        for a in ACTIONS:
            settings.set_shortcut(a.id, None)
        self.keys = {a.id: keys_for(a, overrides={}, preset=pid) for a in ACTIONS}
        self._show_all()
        apply_keys(self.actions)

    def apply(self) -> None:
        # a key typed but not yet finished counts too
        for a in ACTIONS:
            self._edited(a.id)
        pid = self.preset.currentData() or keymaps.HANJI
        keymaps.set_preset(pid)
        for a in ACTIONS:
            base = keys_for(a, overrides={}, preset=pid)
            settings.set_shortcut(a.id, None if self.keys[a.id] == base else ";".join(self.keys[a.id]))
        apply_keys(self.actions)


class KeymapChooser(QDialog):
    """First run: which keys the labeler already knows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Keymap preset"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("Which tool's keys do you know? (Help → Edit shortcuts… changes it later.)"), self))
        self.buttons: dict[str, QRadioButton] = {}
        for pid, (title, _) in keymaps.PRESETS.items():
            b = QRadioButton(title, self)
            b.setObjectName(f"preset:{pid}")
            self.buttons[pid] = b
            lay.addWidget(b)
        self.buttons[keymaps.HANJI].setChecked(True)
        ok = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        ok.accepted.connect(self.accept)
        lay.addWidget(ok)

    def chosen(self) -> str:
        return next(pid for pid, b in self.buttons.items() if b.isChecked())


def maybe_choose_keymap(window) -> str | None:
    """Ask for the keymap preset the first time the app starts (none chosen yet); apply it."""
    if keymaps.preset() is not None:
        return None
    dlg = KeymapChooser(window)
    dlg.exec()
    pid = dlg.chosen()
    keymaps.set_preset(pid)
    apply_keys(window.actions_)
    return pid
