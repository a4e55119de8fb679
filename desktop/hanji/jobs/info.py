"""What this installation has: the torch device it would use and the shipped models."""

from __future__ import annotations

import platform
import sys


def runtime_info() -> dict[str, str]:
    info = {"python": f"{platform.python_version()} ({sys.platform})"}
    try:
        import torch

        from hanji.models.device import pick_device

        dev = pick_device()
        name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.processor() or "cpu"
        info["torch"] = torch.__version__
        info["device"] = f"{dev} ({name})"
    except Exception as e:  # torch missing or broken: say so, don't fail --version
        info["device"] = f"unavailable ({e.__class__.__name__}: {e})"
    from hanji.models.weights import manifest

    for fname, entry in sorted(manifest().items()):
        info[f"model {fname}"] = f"{entry.get('version', '?')} sha256 {entry.get('sha256', '?')[:12]}"
    return info
