"""Loading shipped weight files: checksum verified, ``weights_only=True``, clear errors.

Each shipped file is listed in ``resources/models/MANIFEST.json`` as
``{"file name": {"sha256": ..., "licence": ..., "source": ..., "version": ...}}``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.resources import resource_path

MANIFEST = "MANIFEST.json"


def manifest() -> dict[str, dict[str, Any]]:
    p = resource_path("models", MANIFEST)
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def shipped_path(name: str) -> Path:
    """Path of a shipped weights file, verified against the manifest's SHA-256."""
    path = resource_path("models", name)
    entry = manifest().get(name)
    if not path.exists():
        raise HanjiError("the model weights file is missing; reinstall Hanji", path)
    if entry is None:
        raise HanjiError("the model weights file is not listed in the manifest", path)
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        raise HanjiError(f"the model weights file is corrupt (SHA-256 {digest[:12]}…, expected "
                         f"{entry['sha256'][:12]}…); reinstall Hanji", path)
    return path


def load_state(path: str | Path, expected_sha256: str | None = None) -> dict[str, Any]:
    """Load a checkpoint (a dict of tensors and plain values) safely.

    Never unpickles code: ``torch.load(weights_only=True)``. A missing, corrupt or wrong file gets
    a :class:`HanjiError` naming it.
    """
    import torch

    path = Path(path)
    if not path.exists():
        raise HanjiError("the model weights file is missing", path)
    if expected_sha256 is not None and sha256_file(path) != expected_sha256:
        raise HanjiError("the model weights file does not match its checksum", path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for a bad file
        raise HanjiError(f"cannot read the model weights ({e.__class__.__name__}: {str(e)[:200]})", path) from e
    if not isinstance(state, dict):
        raise HanjiError("the model weights file does not hold a state dictionary", path)
    return state


def load_shipped(name: str) -> dict[str, Any]:
    return load_state(shipped_path(name))


def save_state(state: dict[str, Any], path: str | Path) -> str:
    """Save atomically (temporary name, then rename); returns the SHA-256."""
    import torch

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)
    return sha256_file(path)


def state_to_bytes(state: dict[str, Any]) -> bytes:
    """A state dictionary as the bytes ``torch.save`` writes (kept in a project's ``models`` table)."""
    import io

    import torch

    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def load_state_bytes(data: bytes, source: str | Path | None = None) -> dict[str, Any]:
    """:func:`load_state` for weights held in memory (a project's trained model); ``weights_only=True``."""
    import io

    import torch

    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for bad bytes
        raise HanjiError(f"cannot read the model weights ({e.__class__.__name__}: {str(e)[:200]})", source) from e
    if not isinstance(state, dict):
        raise HanjiError("the model weights do not hold a state dictionary", source)
    return state


def shipped_sha256(name: str) -> str:
    """The manifest's SHA-256 of a shipped weights file."""
    entry = manifest().get(name)
    if entry is None:
        raise HanjiError("the model weights file is not listed in the manifest", resource_path("models", name))
    return str(entry["sha256"])
