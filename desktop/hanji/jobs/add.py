"""Adding image files to a project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import ProjectStore
from hanji.store.images import image_files


@dataclass
class AddReport:
    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def add_images(store: ProjectStore, paths: list[str | Path], link: bool = False, progress: Progress = no_progress,
               cancel: CancelToken | None = None) -> AddReport:
    """Add files and folders of images. Each image is its own transaction; a duplicate is skipped,
    so running it again after a cancel adds nothing twice. Unreadable files are reported, not added."""
    files = image_files(list(paths))
    report = AddReport()
    for i, f in enumerate(files):
        if cancel:
            cancel.check()
        progress(i, len(files), f.name)
        try:
            _, added = store.add_image(f, link=link)
        except HanjiError as e:
            report.errors.append(str(e))
            continue
        if added:
            report.added += 1
        else:
            report.duplicates += 1
    progress(len(files), len(files), "")
    return report
