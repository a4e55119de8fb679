"""Modules split by idea keep their old import paths: what callers imported from the old module is
the same object from the new one."""

from __future__ import annotations


def test_package_conflicts_still_importable_from_the_merge_and_packages():
    from hanji.jobs import package_conflicts, package_merge, packages

    for name in ("resolve", "describe", "conflict_json"):
        assert getattr(package_merge, name) is getattr(package_conflicts, name)
        assert getattr(packages, name) is getattr(package_conflicts, name)
