"""Files shipped with Hanji (weights, fonts, translations, icons), found the same way from source,
from a wheel and from a frozen build."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource file (it may not exist; callers check)."""
    base = resources.files("hanji.resources")
    return Path(str(base.joinpath(*parts)))
