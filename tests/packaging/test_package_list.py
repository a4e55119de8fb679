"""The wheel holds every package: pyproject.toml lists them (the top-level resources/ folder is mapped
into the package as hanji.resources, which setuptools' find cannot combine with), so a new subpackage
missing from that list must fail here, not in a user's install."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import find_packages

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_code_package_is_listed():
    listed = set(_config()["packages"])
    found = set(find_packages(str(REPO / "desktop")))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    # the mapped resources folder and its data folders (listed so that setuptools keeps shipping them)
    assert listed - found == {"hanji.resources", "hanji.resources.fonts", "hanji.resources.models"}


def test_resources_are_the_top_level_folder():
    cfg = _config()
    assert cfg["package-dir"]["hanji.resources"] == "resources"
    assert (REPO / "resources" / "__init__.py").exists()
    assert (REPO / "resources" / "models" / "MANIFEST.json").exists()
    assert not (REPO / "desktop" / "hanji" / "resources").exists()


def test_importlib_resources_finds_the_shipped_files():
    from hanji.resources import resource_path

    assert resource_path("models", "MANIFEST.json").is_file()
    assert resource_path("fonts", "NanumGothic.ttf").is_file()
