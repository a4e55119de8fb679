"""Adding image files to a project."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hanji.errors import DiskFull, HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import ProjectStore
from hanji.store.images import image_files, read_image_file


@dataclass
class AddReport:
    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # added, but with something to say (pages left out, turned)


def shown(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes of a name that are not UTF-8 shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def add_images(store: ProjectStore, paths: list[str | Path], link: bool = False, progress: Progress = no_progress,
               cancel: CancelToken | None = None) -> AddReport:
    """Add files and folders of images. Each image is its own transaction; a duplicate is skipped,
    so running it again after a cancel adds nothing twice. A file that cannot be added (not an
    image, too large, a name that is not UTF-8 to link by) is reported and the rest go on; a full
    disk stops the job (a :class:`DiskFull`), with what was added before it kept."""
    files = image_files(list(paths))
    report = AddReport()
    for p in map(Path, paths):  # a folder's PDFs are not images: say so rather than pass them by
        pdfs = sum(1 for f in p.rglob("*") if f.suffix.lower() == ".pdf") if p.is_dir() else 0
        if pdfs:
            report.notes.append(f"{shown(p)}: {pdfs} PDF file(s) left out; save their pages as images (PNG or "
                                "TIFF) and add those")
    for i, f in enumerate(files):
        if cancel:
            cancel.check()
        name = shown(f.name)
        progress(i, len(files), name)
        try:
            if link and name != f.name:
                raise HanjiError("the file name is not valid UTF-8, so it cannot be linked; rename it or add it "
                                 "without --link", shown(f))
            info = read_image_file(f)
            if info.rotated and link:
                report.notes.append(f"{shown(f)}: turned upright by its EXIF orientation, so a copy is kept in the "
                                    "project instead of a link")
            if link and not info.rotated:
                doc, added = store.add_image(f, link=True, name=name)
            else:
                doc, added = store.add_image_info(info, name)
        except DiskFull:
            raise
        except HanjiError as e:
            report.errors.append(shown(str(e)))
            continue
        except OSError as e:  # a file that vanished or cannot be read halfway
            report.errors.append(f"{shown(f)}: cannot read the file: {e.strerror or e}")
            continue
        if added:
            report.added += 1
            if info.frames > 1:
                kind = "pages" if info.mime == "image/tiff" else "frames"
                report.notes.append(f"{shown(f)}: has {info.frames} {kind}; only the first was added")
            if info.rotated:
                report.notes.append(f"{shown(f)}: turned upright by its EXIF orientation")
        else:
            report.duplicates += 1
    progress(len(files), len(files), "")
    return report
