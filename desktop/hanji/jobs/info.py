"""What this installation has: the torch device it would use and the shipped models."""

from __future__ import annotations

import platform
import sys

from hanji.models.device import describe
from hanji.models.weights import manifest


def runtime_info() -> dict[str, str]:
    info = {"python": f"{platform.python_version()} ({sys.platform})"}
    try:
        info.update(describe())
    except Exception as e:  # torch missing or broken: say so, don't fail --version
        info["device"] = f"unavailable ({e.__class__.__name__}: {e})"
    for fname, entry in sorted(manifest().items()):
        info[f"model {fname}"] = f"{entry.get('version', '?')} sha256 {entry.get('sha256', '?')[:12]}"
    return info
