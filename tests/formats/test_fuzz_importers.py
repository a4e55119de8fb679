"""Fuzz tests (hypothesis, bounded): every importer and ``hanji add`` on mangled input (issue 18).

Each example takes a dataset Hanji wrote in a format and mangles one of its files: bytes flipped,
inserted or cut, JSON nested deep, image paths swapped for ones outside the dataset folder (``../``,
absolute, Label Studio's ``local-files?d=``, a symlink out). Whatever comes in, the import either
finishes or stops with one HanjiError (no other exception), a strict import that stops leaves the
project as it was, and no file outside the dataset folder is opened. ``hanji add`` gets random
files under random names (bytes that are not UTF-8, very long ones) and never raises.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from fmt_helpers import dump, small_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanji.errors import HanjiError
from hanji.formats import registry
from hanji.jobs.add import add_images
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from hanji.store.images import IMAGE_SUFFIXES
from helpers import png_bytes

FUZZ = settings(max_examples=int(os.environ.get("HANJI_FUZZ_EXAMPLES", "12")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
TEXT_SUFFIXES = {".json", ".jsonl", ".txt", ".csv", ".tsv", ".cach", ".conll", ".bio", ".iob", ".tags"}
READABLE = [n for n in registry.names() if getattr(registry.get(n), "CAN_READ", True)
            and getattr(registry.get(n), "CAN_WRITE", True)]

# every file this process opens while an import runs (an audit hook cannot be removed: it looks at a flag)
_OPENED: list[str] = []
_WATCH = threading.local()


def _audit(event: str, args: tuple) -> None:
    if event == "open" and getattr(_WATCH, "on", False) and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def seeds():
    """Every format's export of one small project (with a link and key-values), the fuzzing's seeds."""
    root = Path(tempfile.mkdtemp(prefix="hanji-fuzz-seed-", dir=FAST_TMP))
    with small_project(root / "p.hanji") as store:
        for fmt in READABLE:
            (root / fmt).mkdir()
            export_project(store, fmt, root / fmt / "out")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _world(seeds: Path, fmt: str) -> tuple[Path, Path, Path, Path]:
    """A fresh copy of a format's seed in ``data/``, with ``outside/`` beside it (an image and a file);
    and the path to import (the copy, or the file in it when the format writes one file)."""
    world = Path(tempfile.mkdtemp(prefix="hanji-fuzz-", dir=FAST_TMP))
    data = world / "data"
    seed = seeds / fmt / "out"
    if seed.is_dir():
        shutil.copytree(seed, data, symlinks=True)
        src = data
    else:
        data.mkdir()
        src = data / seed.name
        shutil.copy(seed, src)
    outside = world / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png_bytes(30, 20))
    (outside / "secret.txt").write_text("nothing to see")
    return world, data, outside, src


def _hostile_paths(outside: Path) -> list[str]:
    return ["../outside/secret.png", str(outside / "secret.png"), "../outside/secret.txt",
            f"/data/local-files/?d={outside / 'secret.png'}", "/data/local-files/?d=../outside/secret.png",
            "../../../../../../etc/passwd", "a" * 5000 + ".png", "x\\..\\..\\outside\\secret.png", ""]


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=12)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.integers(1, 400)),
    st.tuples(st.just("path"), st.integers(0, 100), st.integers(0, 8)),
    st.tuples(st.just("deep"), st.integers(0, 10**6), st.sampled_from([1000, 100_000])),
    st.tuples(st.just("symlink"), st.integers(0, 100), st.just(0)),
    st.tuples(st.just("type"), st.integers(0, 10**6), st.sampled_from([b"null", b"-1e999", b'"\\ud800"', b"{}",
                                                                       b"[]", b"true", b"1e400", b'"../x"'])),
)


def _mangle(data: Path, outside: Path, muts: list[tuple], which: int) -> None:
    files = sorted(p for p in data.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    images = sorted(p for p in data.rglob("*") if p.is_file() and p.suffix.lower() in (".png", ".jpg"))
    if not files:
        return
    f = files[which % len(files)]
    raw = f.read_bytes()
    for kind, pos, arg in muts:
        at = pos % (len(raw) + 1)
        if kind == "flip" and raw:
            at = pos % len(raw)
            raw = raw[:at] + bytes([arg]) + raw[at + 1:]
        elif kind == "insert":
            raw = raw[:at] + arg + raw[at:]
        elif kind == "cut":
            raw = raw[:at] + raw[at + arg:]
        elif kind == "type":
            # a value of another type where a value was: after a colon or a comma
            k = raw.find(b":", at)
            if k >= 0:
                raw = raw[:k + 1] + arg + raw[k + 1:]
        elif kind == "deep":
            raw = raw[:at] + b"[" * arg + b"]" * arg + raw[at:]
        elif kind == "path" and images:
            img = images[pos % len(images)]
            bad = _hostile_paths(outside)[arg].encode("utf-8")
            raw = raw.replace(img.name.encode("utf-8"), bad) if img.name.encode() in raw else raw
        elif kind == "symlink" and images:
            img = images[pos % len(images)]
            img.unlink()
            os.symlink(outside / "secret.png", img)
    f.write_bytes(raw)


def _outside_opened(outside: Path) -> list[str]:
    out = os.path.realpath(outside)
    return [p for p in _OPENED if os.path.realpath(p) == out or os.path.realpath(p).startswith(out + os.sep)]


@pytest.mark.parametrize("fmt", READABLE)
@FUZZ
@given(muts=st.lists(mutation, min_size=1, max_size=4), which=st.integers(0, 50), skip_bad=st.booleans(),
       detect=st.booleans())
def test_importers_survive_mangled_files(seeds, fmt, muts, which, skip_bad, detect):
    world, data, outside, src = _world(seeds, fmt)
    try:
        _mangle(data, outside, muts, which)
        p = world / "p.hanji"
        ProjectStore.create(p).close()
        before = dump(p)
        _OPENED.clear()
        _WATCH.on = True
        try:
            with ProjectStore.open(p) as store:
                try:
                    import_path(store, src, None if detect else fmt, skip_bad=skip_bad)
                    stopped = False
                except HanjiError as e:
                    assert str(e)  # one message, naming what was wrong
                    stopped = True
        finally:
            _WATCH.on = False
        assert not _outside_opened(outside), _outside_opened(outside)
        if stopped and not skip_bad:
            assert dump(p) == before  # a strict import that stops leaves the project as it was
        with ProjectStore.open(p, readonly=True) as ro:
            assert ro.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        shutil.rmtree(world, ignore_errors=True)


names = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
            max_size=40).map(lambda s: s.encode("utf-8")),
    st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b),
    st.just(b"\xff\xfe.png"), st.just(("\uac00" * 80).encode("utf-8")),
).filter(lambda b: b not in (b".", b".."))

contents = st.one_of(
    st.binary(max_size=300),
    st.integers(1, 400).map(lambda n: png_bytes(40, 20)[:n]),
    st.just(b"%PDF-1.4\n%%EOF\n"),
    st.tuples(st.integers(1, 80), st.integers(1, 80)).map(lambda wh: png_bytes(*wh)),
)


@FUZZ
@given(files=st.lists(st.tuples(names, st.sampled_from([b".png", b".jpg", b".tif", b".gif", b""]), contents),
                      min_size=1, max_size=6), link=st.booleans())
def test_hanji_add_survives_odd_files(files, link):
    world = Path(tempfile.mkdtemp(prefix="hanji-fuzz-add-", dir=FAST_TMP))
    try:
        folder = os.path.join(os.fsencode(world), b"imgs")
        os.mkdir(folder)
        for stem, suffix, data in files:
            name = stem[:200] + suffix
            try:
                with open(os.path.join(folder, name), "wb") as f:
                    f.write(data)
            except OSError:
                continue  # a name this file system does not take
        with ProjectStore.create(world / "p.hanji") as store:
            report = add_images(store, [os.fsdecode(folder)], link=link)
            tried = [n for n in os.listdir(folder) if os.fsdecode(os.path.splitext(n)[1]).lower() in IMAGE_SUFFIXES]
            assert report.added + report.duplicates + len(report.errors) == len(tried)
            for e in report.errors:
                str(e).encode("utf-8")  # printable
            assert len(store.documents()) == report.added
    finally:
        shutil.rmtree(world, ignore_errors=True)
