"""Actions are data: one table of id, title, shortcut, icon and handler.

The window builds its menus, toolbar, the shortcut editor and the F1 cheat sheet from this table.
``scope="canvas"`` actions fire only while the canvas has the keyboard, so typing in a text field
never triggers them; ``scope="window"`` actions work anywhere in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

from hanji.ui import settings
from hanji.ui.i18n import tr


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    shortcut: str
    menu: str
    handler: Callable  # handler(window)
    icon: str = ""  # a QStyle standard pixmap name, shown in the toolbar
    scope: str = "window"  # window | canvas
    extra: tuple[str, ...] = ()  # more default shortcuts
    checked: Callable | None = None  # a checkable (on/off) action: its state now, read from settings


def _jobs():
    from hanji.ui import jobs_menu  # imported on first use: jobs and models stay out of startup

    return jobs_menu


def _layout():
    from hanji.ui import layout

    return layout


def _editing():
    from hanji.ui import editing  # keys of issue 17: confirm-and-next, remove a document, order, tags pane

    return editing


def _review():
    from hanji.ui import review  # issue 21: your name, submit, accept, reject, the queue

    return review


def _conflicts():
    from hanji.ui import conflicts  # issue 22: merged work packages' conflicts, ours / theirs side by side

    return conflicts


def _tool(name):
    return lambda w: w.canvas.set_tool(name)


ACTIONS: list[ActionSpec] = [
    ActionSpec("project.new", "New project…", "Ctrl+N", "File", lambda w: w.new_project()),
    ActionSpec("project.open", "Open project…", "Ctrl+O", "File", lambda w: w.open_project_dialog(), "SP_DialogOpenButton"),
    ActionSpec("project.open_server", "Open server project…", "", "File", lambda w: w.open_server_dialog()),
    ActionSpec("project.add_images", "Add images…", "Ctrl+I", "File", lambda w: w.add_images_dialog()),
    ActionSpec("project.import", "Import…", "Ctrl+Shift+I", "File", lambda w: _jobs().import_dialog(w)),
    ActionSpec("project.export", "Export…", "Ctrl+Shift+E", "File", lambda w: _jobs().export_dialog(w)),
    ActionSpec("doc.remove", "Remove document", "Ctrl+Shift+Delete", "File", lambda w: _editing().remove_documents(w)),
    ActionSpec("app.quit", "Quit", "Ctrl+Q", "File", lambda w: w.close()),
    ActionSpec("edit.undo", "Undo", "Ctrl+Z", "Edit", lambda w: w.commands.undo(), "SP_ArrowBack"),
    ActionSpec("edit.redo", "Redo", "Ctrl+Shift+Z", "Edit", lambda w: w.commands.redo(), "SP_ArrowForward",
               extra=("Ctrl+Y",)),
    ActionSpec("edit.copy", "Copy", "Ctrl+C", "Edit", lambda w: w.commands.copy(), scope="canvas"),
    ActionSpec("edit.paste", "Paste", "Ctrl+V", "Edit", lambda w: w.commands.paste(), scope="canvas"),
    ActionSpec("edit.paste_next", "Paste to next document", "Ctrl+Shift+V", "Edit",
               lambda w: w.commands.paste_to_next(w.next_doc_id(1)), scope="canvas"),
    ActionSpec("edit.duplicate", "Duplicate", "Ctrl+D", "Edit", lambda w: w.commands.duplicate(), scope="canvas"),
    ActionSpec("edit.delete", "Delete", "Delete", "Edit", lambda w: w.commands.delete(), "SP_TrashIcon",
               scope="canvas"),
    ActionSpec("edit.delete_vertex", "Delete vertex", "Backspace", "Edit", lambda w: w.commands.backspace(),
               scope="canvas"),
    ActionSpec("edit.select_all", "Select all", "Ctrl+A", "Edit", lambda w: w.commands.select_all(), scope="canvas"),
    ActionSpec("tool.select", "Select / edit", "V", "Tools", _tool("select"), scope="canvas"),
    ActionSpec("tool.rect", "Rectangle", "R", "Tools", _tool("rect"), scope="canvas"),
    ActionSpec("tool.quad", "Quad (4 points)", "Q", "Tools", _tool("quad"), scope="canvas"),
    ActionSpec("tool.polygon", "Polygon", "P", "Tools", _tool("polygon"), scope="canvas"),
    ActionSpec("tool.link", "Link question → answer", "L", "Tools", _tool("link"), scope="canvas"),
    ActionSpec("view.zoom_in", "Zoom in", "Ctrl+=", "View", lambda w: w.canvas.zoom_by(1.25), extra=("Ctrl++",)),
    ActionSpec("view.zoom_out", "Zoom out", "Ctrl+-", "View", lambda w: w.canvas.zoom_by(0.8)),
    ActionSpec("view.fit", "Fit to window", "F", "View", lambda w: w.canvas.fit(), scope="canvas", extra=("Ctrl+0",)),
    ActionSpec("view.order", "Show reading order", "O", "View", lambda w: w.commands.toggle_order(), scope="canvas"),
    ActionSpec("view.dashboard", "Dashboard", "F9", "View", lambda w: _layout().show_dashboard(w)),
    ActionSpec("view.reset_layout", "Reset layout", "", "View", lambda w: _layout().reset_layout(w)),
    ActionSpec("view.wheel_zooms", "Wheel zooms (without Ctrl)", "", "View",
               lambda w: settings.set_wheel_zooms(w.actions_["view.wheel_zooms"].isChecked()),
               checked=lambda: settings.wheel_zooms()),
    ActionSpec("go.next_doc", "Next document", "PgDown", "Go", lambda w: w.go_document(1), "SP_MediaSeekForward",
               extra=("Ctrl+Right",)),
    ActionSpec("go.prev_doc", "Previous document", "PgUp", "Go", lambda w: w.go_document(-1), "SP_MediaSeekBackward",
               extra=("Ctrl+Left",)),
    ActionSpec("go.next_region", "Next region", "Tab", "Go", lambda w: w.commands.step_region(1)),
    ActionSpec("go.prev_region", "Previous region", "Shift+Tab", "Go", lambda w: w.commands.step_region(-1),
               extra=("Backtab",)),
    ActionSpec("label.edit_text", "Edit text", "Return", "Label", lambda w: w.commands.edit_text(), scope="canvas",
               extra=("Enter",)),
    ActionSpec("label.confirm", "Confirm region", "C", "Label", lambda w: w.commands.set_status("confirmed"),
               "SP_DialogApplyButton", scope="canvas"),
    ActionSpec("label.confirm_doc", "Confirm document and go to the next one not done", "Ctrl+Return", "Label",
               lambda w: _editing().confirm_and_next(w), extra=("Ctrl+Enter",)),
    ActionSpec("label.difficult", "Mark difficult", "D", "Label", lambda w: w.commands.set_status("difficult"),
               scope="canvas"),
    ActionSpec("label.schema", "Entity schema…", "Ctrl+E", "Label", lambda w: w.edit_schema()),
    ActionSpec("label.sort", "Re-sort regions by position", "Ctrl+B", "Label", lambda w: _editing().resort(w)),
    ActionSpec("label.move_up", "Move region up in the order", "Alt+Up", "Label",
               lambda w: _editing().move_in_order(w, -1), scope="canvas"),
    ActionSpec("label.move_down", "Move region down in the order", "Alt+Down", "Label",
               lambda w: _editing().move_in_order(w, 1), scope="canvas"),
    ActionSpec("label.link_next", "Link to the next region", "Ctrl+L", "Label", lambda w: _editing().link_next(w),
               scope="canvas"),
    ActionSpec("go.tags", "Go to the Tags pane", "T", "Go", lambda w: _editing().focus_tags(w), scope="canvas"),
    ActionSpec("canvas.nudge_left", "Nudge left", "Left", "Edit", lambda w: w.canvas.nudge(-1, 0), scope="canvas",
               extra=("Shift+Left",)),
    ActionSpec("canvas.nudge_right", "Nudge right", "Right", "Edit", lambda w: w.canvas.nudge(1, 0), scope="canvas",
               extra=("Shift+Right",)),
    ActionSpec("canvas.nudge_up", "Nudge up", "Up", "Edit", lambda w: w.canvas.nudge(0, -1), scope="canvas",
               extra=("Shift+Up",)),
    ActionSpec("canvas.nudge_down", "Nudge down", "Down", "Edit", lambda w: w.canvas.nudge(0, 1), scope="canvas",
               extra=("Shift+Down",)),
    ActionSpec("jobs.preannotate_doc", "Pre-annotate this document", "Ctrl+Shift+P", "Jobs",
               lambda w: _jobs().preannotate_current(w), "SP_MediaPlay"),
    ActionSpec("jobs.preannotate_selected", "Pre-annotate selected documents", "", "Jobs",
               lambda w: _jobs().preannotate_selected(w)),
    ActionSpec("jobs.preannotate_all", "Pre-annotate whole project", "", "Jobs",
               lambda w: _jobs().preannotate_project(w)),
    ActionSpec("jobs.rerecognize", "Re-recognize region", "Ctrl+R", "Jobs", lambda w: _jobs().rerecognize(w)),
    ActionSpec("jobs.rerecognize_all", "Re-recognize all regions", "", "Jobs",
               lambda w: _jobs().rerecognize(w, every=True)),
    ActionSpec("jobs.auto_read", "Read new boxes at once", "", "Jobs",
               lambda w: settings.set_auto_read(w.actions_["jobs.auto_read"].isChecked()),
               checked=lambda: settings.auto_read()),
    ActionSpec("jobs.detect_in_box", "Detect text inside box", "Ctrl+Shift+R", "Jobs",
               lambda w: _jobs().detect_in_box(w)),
    ActionSpec("jobs.propose", "Propose tags and key-values", "Ctrl+Shift+K", "Jobs", lambda w: _jobs().propose(w)),
    ActionSpec("jobs.train_recognizer", "Train recognizer on this project", "", "Jobs",
               lambda w: _jobs().train(w, "recognizer")),
    ActionSpec("jobs.train_detector", "Train detector on this project", "", "Jobs",
               lambda w: _jobs().train(w, "detector")),
    ActionSpec("jobs.train_tagger", "Train tagger on this project", "", "Jobs", lambda w: _jobs().train(w, "tagger")),
    ActionSpec("go.next_useful", "Next most useful document", "Ctrl+J", "Go", lambda w: _jobs().next_useful(w),
               "SP_MediaSkipForward"),
    ActionSpec("review.user", "Your name…", "", "Review", lambda w: _review().set_user_dialog(w)),
    ActionSpec("review.submit", "Submit for review", "", "Review", lambda w: _review().submit(w)),
    ActionSpec("review.queue", "Review queue…", "", "Review", lambda w: _review().show_queue(w)),
    ActionSpec("review.accept", "Accept document", "", "Review", lambda w: _review().accept(w)),
    ActionSpec("review.reject", "Reject document…", "", "Review", lambda w: _review().reject_dialog(w)),
    ActionSpec("review.pick", "Keep a labeler's version…", "", "Review", lambda w: _review().pick_version_dialog(w)),
    ActionSpec("review.conflicts", "Merge conflicts…", "", "Review", lambda w: _conflicts().show(w)),
    ActionSpec("help.tour", "Keyboard tour", "", "Help", lambda w: _jobs().show_tour(w)),
    ActionSpec("help.cheatsheet", "Cheat sheet", "F1", "Help", lambda w: w.show_cheatsheet()),
    ActionSpec("help.shortcuts", "Edit shortcuts…", "Ctrl+K", "Help", lambda w: w.edit_shortcuts()),
]
# canvas actions that also work from the regions list (keys the list does not use itself)
LIST_TOO = {"label.confirm", "label.difficult", "edit.delete", "edit.copy", "edit.paste", "edit.duplicate",
            "edit.paste_next", "label.move_up", "label.move_down", "go.tags"}
MENUS = ["File", "Edit", "View", "Tools", "Go", "Label", "Review", "Jobs", "Help"]
# the toolbar, most needed first: a narrow window hides its right end in the overflow menu, so the
# jobs a person looks for (pre-annotate, next useful) come before the drawing tools, which have keys
TOOLBAR = ["project.open", "jobs.preannotate_doc", "label.confirm", "go.next_useful", "edit.undo", "edit.redo",
           "go.prev_doc", "go.next_doc", "tool.select", "tool.rect", "tool.quad", "tool.polygon", "tool.link"]
TOOLBAR_ICON_ONLY = {"edit.undo", "edit.redo", "go.prev_doc", "go.next_doc"}  # their arrows say enough


def spec(action_id: str) -> ActionSpec:
    for a in ACTIONS:
        if a.id == action_id:
            return a
    raise KeyError(action_id)


def keys_for(a: ActionSpec, overrides: dict[str, str] | None = None, preset: str | None = None) -> list[str]:
    """The action's keys (portable text): the person's rebinding if any, else the keymap preset's
    (keymaps.py), else Hanji's defaults."""
    from hanji.ui import keymaps

    overrides = settings.shortcut_overrides() if overrides is None else overrides
    layer = keymaps.preset_keys(preset)
    if a.id in overrides:
        keys = overrides[a.id].split(";")
    elif a.id in layer:
        keys = layer[a.id].split(";")
    else:
        keys = [a.shortcut, *a.extra]
    return [QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText) for k in keys if k]


def display_keys(seqs) -> str:
    """Key sequences as a person reads them: Qt's ``Backtab`` is Shift+Tab, and no key twice."""
    out: list[str] = []
    for seq in seqs:
        text = QKeySequence(seq).toString(QKeySequence.SequenceFormat.NativeText).replace("Backtab", "Shift+Tab")
        if text and text not in out:
            out.append(text)
    return ", ".join(out)


def shortcuts_for(a: ActionSpec, overrides: dict[str, str] | None = None) -> list[QKeySequence]:
    """The action's key sequences (see keys_for)."""
    return [QKeySequence(k) for k in keys_for(a, overrides)]


def conflicts(keymap: dict[str, list[str]]) -> dict[str, list[str]]:
    """Keys bound to more than one action (key -> action ids): Qt would call them ambiguous and do
    nothing. Every action counts, whatever its scope: a canvas key also reaches the window's."""
    by_key: dict[str, list[str]] = {}
    for aid, keys in keymap.items():
        for k in keys:
            by_key.setdefault(k, []).append(aid)
    return {k: ids for k, ids in by_key.items() if len(ids) > 1}


def apply_keys(actions: dict[str, QAction]) -> None:
    """Set every action's keys again (after the preset or a rebinding changed)."""
    overrides = settings.shortcut_overrides()
    for a in ACTIONS:
        if a.id in actions:
            actions[a.id].setShortcuts(shortcuts_for(a, overrides))


def build_actions(window) -> dict[str, QAction]:
    """One QAction per spec, bound to ``window``; canvas-scoped ones live on the canvas widget."""
    out: dict[str, QAction] = {}
    overrides = settings.shortcut_overrides()
    style = window.style()
    for a in ACTIONS:
        act = QAction(tr(a.title), window)
        act.setObjectName(a.id)
        act.setShortcuts(shortcuts_for(a, overrides))
        if a.icon:
            act.setIcon(style.standardIcon(getattr(QStyle.StandardPixmap, a.icon)))
        if a.checked is not None:
            act.setCheckable(True)
            act.setChecked(bool(a.checked()))
        act.triggered.connect(lambda checked=False, a=a: a.handler(window))
        if a.scope == "canvas":
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            window.canvas.addAction(act)
            if a.id in LIST_TOO:  # also while the regions list has the keyboard
                window.regions.tree.addAction(act)
        else:
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(act)
        out[a.id] = act
    return out


def rebind(actions: dict[str, QAction], action_id: str, sequence: str | None) -> None:
    """Save a new shortcut (``None`` restores the default) and apply it at once."""
    settings.set_shortcut(action_id, sequence)
    actions[action_id].setShortcuts(shortcuts_for(spec(action_id)))
