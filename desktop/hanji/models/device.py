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


def is_cpu(device) -> bool:
    """Whether ``device`` (a torch.device, a name like ``"cpu"``) is the CPU."""
    return getattr(device, "type", str(device)) == "cpu"


def set_threads(n: int) -> None:
    """Let torch use ``n`` CPU threads (0 leaves its default)."""
    if n:
        import torch

        torch.set_num_threads(n)


def seed_torch(n: int) -> None:
    """Seed torch's random numbers (weights' initialisation, dropout) for a repeatable run."""
    import torch

    torch.manual_seed(n)


def describe() -> dict[str, str]:
    """torch's version and the device models run on, named (``hanji --version``)."""
    import platform

    import torch

    dev = pick_device()
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.processor() or "cpu"
    return {"torch": torch.__version__, "device": f"{dev} ({name})"}
