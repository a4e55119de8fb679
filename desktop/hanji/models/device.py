"""Where models run: CUDA when present (and not disabled with HANJI_DEVICE=cpu), else the CPU."""

from __future__ import annotations

import os


def pick_device(preferred: str | None = None):
    import torch

    want = preferred or os.environ.get("HANJI_DEVICE", "auto")
    if want == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if want.startswith("cuda") and not torch.cuda.is_available():
        return torch.device("cpu")
    return torch.device(want)
