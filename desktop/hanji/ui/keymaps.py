"""Keymap presets: the keys a labeler already knows from another tool.

A preset is a layer over Hanji's own keys (the action table's defaults): for each action it names,
its keys (``;`` between several; ``""`` leaves the action to its menu). A person's own rebinding
(the shortcut editor) is a layer over the preset. The preset is chosen on first run and in the
shortcut editor, and kept in QSettings (``keys/preset``).

PPOCRLabel's keys are those of its README (2.x); labelme's and X-AnyLabeling's are their configs'
``shortcuts`` (labelme 5/6 ``default_config.yaml``, X-AnyLabeling ``xanylabeling_config.yaml``).
Where a peer's key means something Hanji does not have, the key is left alone; where two of
Hanji's actions would share a key, the one the peer does not use moves to a key of its own.
"""

from __future__ import annotations

from hanji.ui import settings

HANJI = "hanji"

# preset id -> (title, {action id: keys})
PRESETS: dict[str, tuple[str, dict[str, str]]] = {
    HANJI: ("Hanji", {}),
    "ppocrlabel": ("PPOCRLabel", {
        "go.next_doc": "D;PgDown",
        "go.prev_doc": "A;PgUp",
        "tool.rect": "W",
        "tool.quad": "Q",
        "label.edit_text": "Ctrl+E;Return;Enter",
        "label.schema": "",
        "label.confirm_doc": "Ctrl+V;Ctrl+Return;Ctrl+Enter",
        "edit.copy": "",
        "edit.paste": "",
        "edit.duplicate": "Ctrl+C;Ctrl+D",
        "jobs.rerecognize": "Ctrl+R",
        "jobs.rerecognize_all": "Ctrl+Shift+R",
        "jobs.detect_in_box": "Ctrl+Alt+R",
        "label.sort": "Ctrl+B",
        "doc.remove": "Ctrl+Shift+D",
        "label.difficult": "X",
    }),
    "labelme": ("labelme", {
        "go.next_doc": "D;Ctrl+Shift+D;PgDown",
        "go.prev_doc": "A;Ctrl+Shift+A;PgUp",
        "tool.rect": "Ctrl+R",
        "tool.polygon": "Ctrl+N",
        "tool.select": "Ctrl+J;V",
        "project.new": "",
        "label.edit_text": "Ctrl+E;Return;Enter",
        "label.schema": "",
        "edit.duplicate": "Ctrl+D",
        "doc.remove": "Ctrl+Delete",
        "view.fit": "Ctrl+F;F",
        "jobs.rerecognize": "Alt+R",
        "go.next_useful": "Ctrl+Shift+J",
        "label.difficult": "X",
    }),
    "xanylabeling": ("X-AnyLabeling", {
        "go.next_doc": "D;PgDown",
        "go.prev_doc": "A;PgUp",
        "tool.rect": "R;Ctrl+R",
        "tool.polygon": "P;Ctrl+N",
        "tool.quad": "O",
        "view.order": "Alt+O",
        "tool.select": "Ctrl+J;V",
        "project.new": "",
        "label.edit_text": "Ctrl+E;Return;Enter",
        "label.schema": "",
        "edit.duplicate": "Ctrl+D",
        "doc.remove": "Ctrl+Delete",
        "view.fit": "Ctrl+F;F",
        "jobs.preannotate_doc": "Ctrl+M",
        "jobs.rerecognize": "Alt+R",
        "go.next_useful": "Ctrl+Shift+J",
        "label.difficult": "X",
    }),
}


def preset() -> str | None:
    """The chosen preset, or None before the first run has asked."""
    v = settings.settings().value("keys/preset")
    return str(v) if v and str(v) in PRESETS else None


def set_preset(name: str) -> None:
    if name not in PRESETS:
        raise KeyError(name)
    s = settings.settings()
    s.setValue("keys/preset", name)
    s.sync()


def preset_keys(name: str | None = None) -> dict[str, str]:
    """The preset's layer: action id -> keys (``;`` between them)."""
    return PRESETS.get(name or preset() or HANJI, PRESETS[HANJI])[1]


def markdown_table() -> str:
    """Every action's keys in every preset, as docs/KEYS.md shows them (``python -m hanji.ui.keymaps``)."""
    from hanji.ui.actions import ACTIONS, keys_for

    names = list(PRESETS)
    lines = ["| action | " + " | ".join(PRESETS[p][0] for p in names) + " |",
             "|---|" + "---|" * len(names)]
    for a in ACTIONS:
        # Qt's Backtab is Shift+Tab as a person reads it
        cells = [", ".join(dict.fromkeys(k.replace("Backtab", "Shift+Tab") for k in keys_for(a, overrides={}, preset=p)))
                 or "—" for p in names]
        lines.append(f"| {a.title} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
