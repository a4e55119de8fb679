"""Export: a project (or some of its documents) written in another tool's format.

The format writes under a temporary name beside the output; it is renamed into place at the end,
so a failed or cancelled export leaves no half file. With ``mask`` the personal values are masked
in every text and painted over in every image the export writes.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain.fields import mask_document
from hanji.domain.model import KeyValue, Link
from hanji.domain.schemas import DOC_TYPES
from hanji.errors import DiskFull, HanjiError
from hanji.formats import registry
from hanji.formats.base import Sample
from hanji.imaging import mask_image
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import ProjectStore


@dataclass
class ExportReport:
    format: str
    out: Path
    documents: int = 0
    regions: int = 0
    masked: int = 0  # documents with personal data masked (``mask=True``)
    personal: list[str] | None = None  # the fields masked; None when the export did not mask
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        s = f"exported {self.documents} documents ({self.regions} regions) to {self.out}"
        if self.personal is not None:
            s += (f", personal data masked in {self.masked} ({', '.join(self.personal)})" if self.personal
                  else ", nothing masked: no field is marked personal")
        return s


def personal_types(store: ProjectStore) -> set[str]:
    """The project's entity types marked as personal data (the built-in schema's when it has none)."""
    types = store.entity_types()
    if not types:
        return {name for fields in DOC_TYPES.values() for name, _, personal in fields if personal}
    return {e.name for e in types if e.personal}


def project_samples(store: ProjectStore, doc_ids: list[int] | None = None, progress: Progress = no_progress,
                    cancel: CancelToken | None = None, counter: ExportReport | None = None,
                    personal: set[str] | None = None) -> Iterator[Sample]:
    """The documents of a project as samples (links and key-values by region index), lazily.
    ``personal``: fields whose values are masked (:func:`hanji.domain.fields.mask_document`)."""
    if doc_ids is not None:
        wanted = set(doc_ids)
        docs = [d for d in store.documents() if d.id in wanted]
        total = len(docs)
        items = ((d, store.regions(d.id), store.links(d.id), store.keyvalues(d.id)) for d in docs)
    else:  # the whole project: a page of documents at a time (four statements a page, nothing held)
        total = store.document_count()
        items = store.iter_annotated()
    progress(0, total, "")
    for i, (doc, regions, doc_links, doc_kvs) in enumerate(items):
        if cancel:
            cancel.check()
        index = {r.id: k for k, r in enumerate(regions)}
        links = [Link(index[lk.src], index[lk.dst], lk.key) for lk in doc_links
                 if lk.src in index and lk.dst in index]
        kvs = [KeyValue(kv.key, kv.value, [index[r] for r in kv.region_ids if r in index], kv.source, kv.confidence)
               for kv in doc_kvs]
        for r in regions:
            r.id = r.doc_id = None
        attrs = dict(doc.attrs)
        doc_id = doc.id
        loader = lambda doc_id=doc_id: store.image_bytes(doc_id)  # noqa: E731
        if personal:
            masked = mask_document(regions, kvs, personal, attrs)
            if counter is not None and (masked[0] != regions or masked[1] != kvs or masked[2] != attrs):
                counter.masked += 1
            # the regions whose text held a personal value are painted over in the image too
            hidden = [r.points for r, m in zip(regions, masked[0]) if m.text != r.text or r.label in personal]
            if hidden:
                loader = lambda doc_id=doc_id, hidden=hidden: mask_image(store.image_bytes(doc_id), hidden)  # noqa: E731
            regions, kvs, attrs = masked
        yield Sample(
            name=doc.name, width=doc.width, height=doc.height, regions=regions, links=links, keyvalues=kvs,
            doc_type=doc.doc_type, status=doc.status, attrs=attrs, source=f"document {doc.id}",
            image_loader=loader,
        )
        if counter is not None:
            counter.documents += 1
            counter.regions += len(regions)
        progress(i + 1, total, doc.name)


def export_project(store: ProjectStore, fmt: str, out: str | Path, *, options: dict[str, Any] | None = None,
                   doc_ids: list[int] | None = None, overwrite: bool = False, mask: bool = False,
                   progress: Progress = no_progress, cancel: CancelToken | None = None) -> ExportReport:
    """Write the project (or ``doc_ids``) in format ``fmt`` to ``out`` (a file or folder, per format).

    ``mask``: the values of the fields marked personal in the project's schema (ID and card numbers
    keep their first digits, names their first and last syllable) are masked in every text the export
    writes: region texts, tags' tokens, key-values, words kept in attrs; and the images a format writes
    have the regions that held such values painted over (:func:`hanji.imaging.mask_image`). The project is not changed."""
    t0 = time.perf_counter()
    name = registry.canonical(fmt)
    mod = registry.get(name)
    if not getattr(mod, "CAN_WRITE", True):
        raise HanjiError(f"the {name} format can be imported but not exported", out)
    out = Path(out)
    if not out.parent.exists():
        raise HanjiError("the folder does not exist", out.parent)
    report = ExportReport(format=name, out=out)
    report.notes.extend(clean_stale(out))  # what killed exports left beside it
    if out.exists() and not overwrite:
        raise HanjiError("already exists; choose another name or remove it first", out)
    registry.check_options(mod, "write", options, out)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        tmp.mkdir()
        target = tmp / out.name
        kwargs = dict(options or {})
        if getattr(mod, "WANTS_ENTITY_TYPES", False):
            kwargs["entity_types"] = store.entity_types()
        if getattr(mod, "WANTS_FINAL_PATH", False):
            kwargs["final_path"] = out.resolve()
        personal = personal_types(store) if mask else None
        samples = project_samples(store, doc_ids, progress, cancel, report, personal)
        notes = mod.write(samples, target, **kwargs) or []
        report.notes.extend(notes)
        if not target.exists():
            raise HanjiError("the export wrote nothing", out)
        _put_in_place(target, out)
    except OSError as e:
        raise _write_error(e, out) from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if mask:
        report.personal = sorted(personal or [])
    report.seconds = time.perf_counter() - t0
    return report


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale(out: Path) -> list[str]:
    """Remove what exports to ``out`` killed midway left beside it (``.OUT.partial-PID`` folders), and
    when a kill fell between the two renames of ``overwrite`` (``out`` gone, ``.OUT.old-PID`` kept), put
    the old output back. Only leftovers of processes no longer running are touched."""
    notes: list[str] = []
    pat = re.compile(rf"^\.{re.escape(out.name)}\.(partial|old)-(\d+)$")
    try:
        entries = sorted(out.parent.iterdir(), key=lambda p: p.name)
    except OSError:
        return notes
    for p in entries:
        m = pat.match(p.name)
        if not m or _alive(int(m.group(2))):
            continue
        if m.group(1) == "old" and not os.path.lexists(out):
            os.replace(p, out)
            notes.append(f"{out}: an export killed while replacing it had left it aside; it was put back")
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        notes.append(f"removed {p.name}, left by an export that was killed")
    return notes


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    else:
        p.unlink()


def _put_in_place(target: Path, out: Path) -> None:
    """Move the finished export to ``out``. Replacing an old one never leaves nothing under ``out``: a
    file replaces a file in one rename, a folder is swapped in one step where the system can; elsewhere
    the old one is first renamed aside, and a kill between the two renames is undone by the next export."""
    if not os.path.lexists(out):
        os.replace(target, out)
        return
    if target.is_dir() == out.is_dir() and not target.is_dir():
        os.replace(target, out)
        return
    if target.is_dir() and out.is_dir() and not out.is_symlink() and _exchange(target, out):
        _remove(target)  # the old export, now where the new one was written
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.replace(out, old)
    os.replace(target, out)
    _remove(old)


def _write_error(e: OSError, out: Path) -> HanjiError:
    if e.errno == errno.ENOSPC:
        return DiskFull("the disk is full: the export was not written (nothing was left half-written; free "
                        "some space and export again)", out)
    if e.errno == errno.ENAMETOOLONG:
        return HanjiError(f"a file name is too long for this file system: {e.filename}", out)
    return HanjiError(f"cannot write the export: {e.strerror or e}" + (f" ({e.filename})" if e.filename else ""),
                      out)


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """``["key=value", ...]`` from the command line into a dict, with a clear error."""
    out: dict[str, str] = {}
    for p in pairs or []:
        k, eq, v = p.partition("=")
        if not eq or not k.strip():
            raise HanjiError(f"an option is written KEY=VALUE, got {p!r}")
        out[k.strip().replace("-", "_")] = v.strip()
    return out
