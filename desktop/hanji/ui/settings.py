"""Window state in QSettings: layout, zoom, last project and rebound shortcuts. Nothing else."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORG, APP = "Hanji", "Hanji"


def settings() -> QSettings:
    """The application's settings (``run`` names the application; tests point them at a temp folder)."""
    return QSettings()


def last_project() -> str | None:
    v = settings().value("project/last")
    return str(v) if v else None


def set_last_project(path: str) -> None:
    s = settings()
    s.setValue("project/last", path)
    s.sync()


def shortcut_overrides() -> dict[str, str]:
    s = settings()
    s.beginGroup("shortcuts")
    out = {k: str(s.value(k) or "") for k in s.childKeys()}
    s.endGroup()
    return out


def set_shortcut(action_id: str, sequence: str | None) -> None:
    s = settings()
    key = f"shortcuts/{action_id}"
    if sequence is None:
        s.remove(key)
    else:
        s.setValue(key, sequence)
    s.sync()


def wheel_zooms() -> bool:
    """Whether the wheel alone zooms the canvas (Hanji's first behaviour); by default it scrolls and
    Ctrl+wheel zooms, as in the peers."""
    v = settings().value("canvas/wheel_zooms", False)
    return v in (True, "true", "1", 1)


def set_wheel_zooms(on: bool) -> None:
    s = settings()
    s.setValue("canvas/wheel_zooms", bool(on))
    s.sync()


def auto_read() -> bool:
    """Whether a box drawn or reshaped on the canvas is read at once (on by default, as PPOCRLabel's
    auto-recognition)."""
    v = settings().value("jobs/auto_read", True)
    return v in (True, "true", "1", 1)


def set_auto_read(on: bool) -> None:
    s = settings()
    s.setValue("jobs/auto_read", bool(on))
    s.sync()


def user_name() -> str:
    """The name this seat's edits are recorded under (Review → Your name…); '' for the default
    (``$HANJI_USER``, else the login name)."""
    v = settings().value("team/user")
    return str(v) if v else ""


def set_user_name(name: str) -> None:
    s = settings()
    s.setValue("team/user", name)
    s.sync()


def save_window(geometry: QByteArray, state: QByteArray, zoom: float) -> None:
    s = settings()
    s.setValue("window/geometry", geometry)
    s.setValue("window/state", state)
    s.setValue("canvas/zoom", float(zoom))
    s.sync()


def window_geometry() -> QByteArray | None:
    v = settings().value("window/geometry")
    return v if isinstance(v, QByteArray) else None


def window_state() -> QByteArray | None:
    v = settings().value("window/state")
    return v if isinstance(v, QByteArray) else None


def zoom() -> float | None:
    """The saved zoom; 0 means "fit to window"."""
    v = settings().value("canvas/zoom")
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _project_key(path: str) -> str:
    import hashlib

    return "projects/" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


def set_project_document(path: str, doc_id: int, view: tuple[float, float, float] | None = None) -> None:
    """The document open last in the project at ``path``, and its view (zoom, centre x, y; None: fitted)."""
    s = settings()
    key = _project_key(path)
    s.setValue(f"{key}/document", int(doc_id))
    s.setValue(f"{key}/view", ",".join(f"{v:.6g}" for v in view) if view else "")
    s.sync()


def project_document(path: str) -> tuple[int | None, tuple[float, float, float] | None]:
    s = settings()
    key = _project_key(path)
    try:
        doc = int(s.value(f"{key}/document"))
    except (TypeError, ValueError):
        return None, None
    try:
        parts = [float(v) for v in str(s.value(f"{key}/view") or "").split(",") if v]
    except ValueError:
        parts = []
    return doc, (parts[0], parts[1], parts[2]) if len(parts) == 3 and parts[0] > 0 else None


def recent_projects() -> list[str]:
    v = settings().value("project/recent")
    if isinstance(v, str):
        v = [v] if v else []
    return [str(p) for p in (v or [])]


def add_recent_project(path: str, keep: int = 8) -> None:
    s = settings()
    items = [path] + [p for p in recent_projects() if p != path]
    s.setValue("project/recent", items[:keep])
    s.sync()


def start_folder() -> str:
    """Where Open/New/Add dialogs start: the user's documents folder (home when there is none)."""
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())
