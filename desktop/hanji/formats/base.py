"""What every format module shares: the record it reads and writes, and careful file reading.

A format module exposes ``read(path, **options) -> Iterator[Sample | Skipped]`` and
``write(samples, out, **options) -> list[str]`` (notes about what the format could not carry).
A :class:`Sample` is one document with its image source and annotations, pure of the store:
links and key-values point at regions by their index in ``Sample.regions``.
A bad entry does not stop reading: it comes out as :class:`Skipped` with a :class:`HanjiError`
naming the file and the line or entry, and the import job decides to stop or go on.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unicodedata import normalize

from hanji.domain.model import REGION_STATUSES, KeyValue, Link, Region
from hanji.errors import HanjiError, OutsideDataset

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif")


@dataclass
class Sample:
    """One document as a format holds it: image source, size, regions, links, key-values.

    ``links[i].src``/``dst`` and ``keyvalues[i].region_ids`` are indices into ``regions``.
    ``image_path`` or ``image_bytes`` or ``image_loader`` gives the encoded image; a sample with
    none of them (CoNLL) annotates a document already in the project, found by ``name``.
    ``width``/``height`` are 0 when the format does not say.
    """

    name: str
    image_path: Path | None = None
    image_bytes: bytes | None = None
    width: int = 0
    height: int = 0
    regions: list[Region] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    keyvalues: list[KeyValue] = field(default_factory=list)
    doc_type: str = ""
    status: str | None = None  # document status, when the format carries one
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the annotation file and entry it came from, for messages
    image_loader: Callable[[], bytes] | None = None

    @property
    def has_image(self) -> bool:
        return self.image_path is not None or self.image_bytes is not None or self.image_loader is not None

    def read_image(self) -> bytes:
        if self.image_bytes is not None:
            return self.image_bytes
        if self.image_loader is not None:
            return self.image_loader()
        if self.image_path is None:
            raise HanjiError(f"no image for {self.name!r}", self.source or None)
        try:
            return Path(self.image_path).read_bytes()
        except FileNotFoundError as e:
            raise HanjiError("the image file is missing", self.image_path,
                             f"named in {self.source}" if self.source else None) from e
        except OSError as e:
            raise HanjiError(f"cannot read the image: {e.strerror}", self.image_path) from e


@dataclass
class Skipped:
    """A bad entry met while reading; the import reports it (``--skip-bad``) or stops on it."""

    error: HanjiError


@dataclass
class Note:
    """Something read but not kept as regions (a labelme circle kept in the document's attrs ...)."""

    message: str
    path: str = ""
    where: str = ""


Item = Sample | Skipped | Note


# ---------------------------------------------------------------------------------------- reading
def read_text(path: Path, encoding: str = "utf-8") -> str:
    """A text file as ``str``; a BOM is dropped; undecodable bytes name the line and column."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as e:
        raise HanjiError("no such file", path) from e
    except OSError as e:
        raise HanjiError(f"cannot read the file: {e.strerror}", path) from e
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        hint = ""
        try:
            data.decode("cp949")
            hint = " (it looks like CP949/EUC-KR; save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise HanjiError(f"the file is not valid UTF-8{hint}", path, f"line {line}, column {col}") from e
    return text


def parse_json(text: str, path: Path | str, where: str | None = None) -> Any:
    """``json.loads`` with an error naming the file, the line (and the entry, when given)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        place = f"line {e.lineno}, column {e.colno}"
        if where:
            place = f"{where}, column {e.colno}"
        raise HanjiError(f"broken JSON ({e.msg})", path, place) from e
    except RecursionError as e:
        raise HanjiError("the JSON is nested too deep to read", path, where) from e


def load_json(path: Path) -> Any:
    return parse_json(read_text(path), path)


DETECT_MAX_BYTES = 256 * 2**20


def sniff_json(path: Path) -> Any:
    """A JSON file parsed whole for format detection (keys may come in any order and a long value
    may come first), or None when it is not JSON, not UTF-8, too deep or larger than 256 MB."""
    try:
        if path.stat().st_size > DETECT_MAX_BYTES:
            return None
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None


def points_of(value: Any, path: Path | str, where: str, min_points: int = 1) -> list[tuple[float, float]]:
    """Points from ``[[x, y], ...]`` or a flat ``[x0, y0, ...]`` list, with a clear error."""
    if not isinstance(value, (list, tuple)) or not value:
        raise HanjiError(f"points must be a non-empty list, got {value!r:.60}", path, where)
    if not isinstance(value[0], (list, tuple)):
        if len(value) % 2:
            raise HanjiError(f"a point list of odd length ({len(value)} numbers)", path, where)
    pts: list[tuple[float, float]] = []
    flat = not isinstance(value[0], (list, tuple))
    pairs = [value[i:i + 2] for i in range(0, len(value), 2)] if flat else value
    for p in pairs:
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise HanjiError(f"a point has two coordinates, got {p!r:.60}", path, where)
        try:
            x, y = float(p[0]), float(p[1])
        except (TypeError, ValueError) as e:
            raise HanjiError(f"a coordinate is not a number: {p!r:.60}", path, where) from e
        if x != x or y != y or x in (float("inf"), float("-inf")) or y in (float("inf"), float("-inf")):
            raise HanjiError(f"a coordinate is not finite: {p!r:.60}", path, where)
        pts.append((x, y))
    if len(pts) < min_points:
        raise HanjiError(f"needs at least {min_points} points, got {len(pts)}", path, where)
    return pts


def numbers_of(fields: Sequence[str], path: Path | str, where: str) -> list[float]:
    out = []
    for f in fields:
        try:
            v = float(f.strip())
        except ValueError as e:
            raise HanjiError(f"a coordinate is not a number: {f.strip()!r:.40}", path, where) from e
        if v != v or v in (float("inf"), float("-inf")):
            raise HanjiError(f"a coordinate is not finite: {f.strip()!r}", path, where)
        out.append(v)
    return out




def make_region(path: Path | str, where: str, **kw: Any) -> Region:
    """``Region(**kw)`` with its ValueError turned into a HanjiError naming the entry."""
    try:
        return Region(**kw)
    except ValueError as e:
        raise HanjiError(str(e), path, where) from e


_new = object.__new__


def plain_region(r: Any) -> Region | None:
    """The region of a JSON object already in the shape Hanji writes it (every field of the right
    type, a quad of four ``[x, y]`` number pairs or a polygon of three or more, finite, a known
    status), built without :func:`points_of`, :func:`make_region` and the Region's own checks (an
    import of millions of regions spent a third of its time on them), or None for anything else:
    the caller then takes the checked way, which gives the same region or names what is wrong."""
    if type(r) is not dict:
        return None
    g = r.get
    kind, status, text, pts = g("kind", "quad"), g("status", "edited"), g("text", ""), g("points")
    if type(pts) is not list or type(text) is not str or status not in REGION_STATUSES:
        return None
    n = len(pts)
    if not (n == 4 if kind == "quad" else kind == "polygon" and n >= 3):  # a rect (2 points become 4): checked
        return None
    source, label, confidence, order = g("source", "human"), g("label", ""), g("confidence"), g("order")
    if type(source) is not str or type(label) is not str:
        return None
    if confidence is not None and type(confidence) is not float and type(confidence) is not int:
        return None
    if order is not None and type(order) is not int:
        return None
    tags, machine, attrs = g("tags") or [], g("machine_text"), g("attrs") or {}
    if type(tags) is not list or type(attrs) is not dict or (machine is not None and type(machine) is not str):
        return None
    for t in tags:
        if type(t) is not str:
            return None
    points = []
    total = 0.0
    try:
        for p in pts:
            if type(p) is not list or len(p) != 2:
                return None
            x, y = float(p[0]), float(p[1])  # what the checked way does to a coordinate
            total += x + y
            points.append((x, y))
    except (TypeError, ValueError, OverflowError):
        return None
    if total - total != 0.0:  # an infinity or NaN among them (or a sum too large: the checked way decides)
        return None
    out = _new(Region)
    out.__dict__.update(points=points, kind=kind, text=normalize("NFC", text), status=status, source=source,
                        confidence=confidence, order=order, label=label, tags=tags, machine_text=machine,
                        attrs=attrs, id=None, doc_id=None)
    return out


# ---------------------------------------------------------------------------------- the dataset folder
@dataclass(frozen=True)
class Scope:
    """The folders an import may read images from: the dataset folder the user chose, and the
    folders they allowed besides it (``--allow-outside``). Paths are compared after symlinks."""

    root: Path
    allowed: tuple[Path, ...] = ()

    def admits(self, p: Path | str) -> bool:
        real = Path(os.path.realpath(p))
        return any(real == r or r in real.parents for r in (self.root, *self.allowed))

    def refusal(self, ref: str, path: Path | str | None = None, where: str | None = None,
                target: Path | str | None = None) -> OutsideDataset:
        # the same words whether or not something is there: an outside path is never looked at
        folder = os.path.dirname(os.path.realpath(target)) if target is not None else ""
        return OutsideDataset(f"the image {ref!r} lies outside the dataset folder {self.root}; it was not read "
                              "(pass --allow-outside FOLDER to read images from another folder)", path, where,
                              folder=folder)


_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("hanji_dataset_scope", default=None)


def make_scope(root: Path | str, allowed: Iterable[Path | str] = ()) -> Scope:
    return Scope(Path(os.path.realpath(root)), tuple(Path(os.path.realpath(a)) for a in allowed))


@contextlib.contextmanager
def dataset_scope(root: Path | str, allowed: Iterable[Path | str] = ()) -> Iterator[Scope]:
    """Readers called inside read images only under ``root`` (and ``allowed``)."""
    scope = make_scope(root, allowed)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def scoped(items: Iterator[Any], scope: Scope) -> Iterator[Any]:
    """A reader's items, each read with ``scope`` in force (a generator runs its code at each ``next``)."""
    while True:
        token = _SCOPE.set(scope)
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            _SCOPE.reset(token)
        yield item


def current_scope() -> Scope | None:
    return _SCOPE.get()


def pick_image(cands: Iterable[Path], ref: str, path: Path | str | None = None, where: str | None = None,
               suffixes: Iterable[str] | None = None) -> Path | None:
    """The first candidate that is an image file inside the dataset scope; None when none is there.
    A candidate outside the scope is never looked at; when only such candidates could have been the
    image, the refusal says so (and nothing about whether a file is there)."""
    scope = _SCOPE.get()
    outside: Path | None = None
    for c in cands:
        if scope is not None and not scope.admits(c):
            outside = outside or c
            continue
        try:
            if c.is_file() and (suffixes is None or c.suffix.lower() in suffixes):
                return c
        except (OSError, ValueError):  # a name too long or with a NUL byte is no file
            continue
    if outside is not None and scope is not None:
        raise scope.refusal(ref, path, where, target=outside)
    return None


def find_image(base: Path, ref: str, *extra_dirs: Path, path: Path | str | None = None,
               where: str | None = None) -> Path | None:
    """The image a format names: relative to ``base`` and to each of ``extra_dirs``, then by file
    name in them (inside the dataset scope, see :func:`pick_image`)."""
    ref = ref.replace("\\", "/")
    name = ref.rsplit("/", 1)[-1]
    dirs = (base, *extra_dirs)
    cand = [d / ref for d in dirs] + [d / name for d in dirs]
    return pick_image(cand, ref, path, where)


def image_beside(stem: str, dirs: Iterable[Path]) -> Path | None:
    """The image named ``stem`` with any image suffix, in the first of ``dirs`` that has one (an
    annotation file's image in datasets that pair ``annotations/X.json`` with ``images/X.png``)."""
    return pick_image([d / (stem + ext) for d in dirs for ext in IMAGE_SUFFIXES], stem)



def with_images(files: Iterable[Path], image_folders: Sequence[str]) -> list[tuple[Path, Path | None]]:
    """Each annotation file with its image (:func:`image_beside`): ``STEM.*`` in the first of
    ``image_folders`` beside the file's own folder that has one, else beside the file itself
    (``json/X.json`` with ``image/X.png``; None when there is none)."""
    return [(f, image_beside(f.stem, tuple(f.parent.parent / d for d in image_folders) + (f.parent,))) for f in files]


def read_pairs(pairs: Sequence[tuple[Path, Path | None]], path: Path | str, none_here: str,
               read_one: Callable[[Path, Path | None], Sample]) -> Iterator[Sample | Skipped]:
    """The samples of a dataset of (annotation file, image) pairs (:func:`with_images`), one
    ``read_one(file, image)`` a pair: a pair that fails comes out as :class:`Skipped` naming its file
    and reading goes on; no pairs at all, one :class:`Skipped` saying ``none_here`` of ``path``."""
    if not pairs:
        yield Skipped(HanjiError(none_here, path))
        return
    for f, img in pairs:
        try:
            sample = read_one(f, img)
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, f, None))
            continue
        yield sample


def root_above(path: Path, folder: str) -> Path:
    """The dataset folder of a format that keeps its annotation files in ``folder/`` beside the
    images' folder: the folder above a file's own, the parent of ``folder`` itself, else ``path``."""
    path = Path(path)
    if path.is_file():
        return path.parent.parent
    return path.parent if path.name == folder else path


def file_head(path: Path, nbytes: int, encoding: str = "utf-8") -> str | None:
    """The first ``nbytes`` bytes of ``path`` as text (bytes that do not decode replaced), for
    detection; None when the file cannot be read."""
    try:
        return path.read_bytes()[:nbytes].decode(encoding, errors="replace")
    except OSError:
        return None


def heads_match(files: Sequence[Path], nbytes: int, test: Callable[[str], bool]) -> bool:
    """Whether the head (:func:`file_head`) of one of the first three ``files`` passes ``test``;
    False at the first that cannot be read."""
    for f in files[:3]:
        head = file_head(f, nbytes)
        if head is None:
            return False
        if test(head):
            return True
    return False


# ---------------------------------------------------------------------------------------- writing
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


MAX_NAME_BYTES = 160  # file systems take 255 bytes a name; formats add "gt_", ".json", "_crop_12.jpg"


def _cut(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` UTF-8 bytes, on a character boundary."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:max(1, limit)].decode("utf-8", "ignore").rstrip(". ") or "image"


class NameAllocator:
    """File names for exported images: safe, unique within one export, the suffix kept."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, name: str, suffix_from: str | None = None) -> str:
        name = _UNSAFE.sub("_", name).strip(". ") or "image"
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, (suffix_from or "png")
        stem = _cut(stem, MAX_NAME_BYTES - len(ext.encode()) - 8)  # room for "_N", a prefix and a sidecar's suffix
        cand = f"{stem}.{ext}"
        i = 2
        while cand.lower() in self.used:
            cand = f"{stem}_{i}.{ext}"
            i += 1
        self.used.add(cand.lower())
        return cand


def image_suffix(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tif"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"GIF8"):
        return "gif"
    return "png"


def write_image(folder: Path, names: NameAllocator, sample: Sample) -> tuple[str, bytes]:
    """Write a sample's image into ``folder`` under a unique safe name; returns (name, bytes)."""
    data = sample.read_image()
    suffix = image_suffix(data)
    base = sample.name
    if "." in base.rsplit("/", 1)[-1]:
        stem = base.rsplit(".", 1)[0]
        base = f"{stem}.{suffix}" if base.rsplit(".", 1)[1].lower() not in _same(suffix) else base
    name = names(base.rsplit("/", 1)[-1], suffix)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name, data


def _same(suffix: str) -> tuple[str, ...]:
    return {"jpg": ("jpg", "jpeg"), "tif": ("tif", "tiff")}.get(suffix, (suffix,))


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_lines(path: Path, lines: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line)
            f.write("\n")


def json_line(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def num(v: float) -> float | int:
    """A coordinate for writing: an int when it is whole, else rounded to 3 decimals."""
    r = round(float(v), 3)
    return int(r) if r == int(r) else r












def one_line(text: str) -> str:
    """Text for a line-based list file: tabs and line breaks become spaces."""
    return " ".join(text.replace("\t", " ").splitlines())


# what a JSON value of the wrong type or shape raises deep inside a reader
SHAPE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError,
                OverflowError)  # int() of a number JSON reads as infinity (1e999)


def as_error(e: Exception, path: Path | str, where: str | None = None) -> HanjiError:
    """A HanjiError for any error met reading an entry (wrong types in valid JSON, for instance)."""
    if isinstance(e, HanjiError):
        return e
    if isinstance(e, RecursionError):
        return HanjiError("an entry nested too deep to read", path, where)
    detail = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return HanjiError(f"an entry of an unexpected shape ({detail[:120]})", path, where)


def check_types(s: Sample, where: str) -> None:
    """Fields of the right type before they reach the project (a reader may pass on odd JSON values)."""

    def bad(what: str, v: Any) -> HanjiError:
        return HanjiError(f"{what} has the wrong type ({type(v).__name__}: {v!r:.40})", where)

    def opt_num(v: Any) -> bool:
        return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))

    if not isinstance(s.doc_type, str):
        raise bad("the document type", s.doc_type)
    if not isinstance(s.attrs, dict):
        raise bad("the document attrs", s.attrs)
    for i, r in enumerate(s.regions, 1):
        c, o, m, tags = r.confidence, r.order, r.machine_text, r.tags
        if (type(r.text) is str and type(r.label) is str and type(r.source) is str  # the usual region, at once
                and (c is None or type(c) is float or type(c) is int) and (o is None or type(o) is int)
                and (m is None or type(m) is str) and type(r.attrs) is dict and type(tags) is list
                and (not tags or all(type(t) is str for t in tags))):
            continue
        for name in ("text", "label", "source"):
            if not isinstance(getattr(r, name), str):
                raise bad(f"region {i}'s {name}", getattr(r, name))
        if not opt_num(r.confidence):
            raise bad(f"region {i}'s confidence", r.confidence)
        if r.order is not None and (not isinstance(r.order, int) or isinstance(r.order, bool)):
            raise bad(f"region {i}'s order", r.order)
        if not isinstance(r.tags, list) or not all(isinstance(t, str) for t in r.tags):
            raise bad(f"region {i}'s tags", r.tags)
        if r.machine_text is not None and not isinstance(r.machine_text, str):
            raise bad(f"region {i}'s machine text", r.machine_text)
        if not isinstance(r.attrs, dict):
            raise bad(f"region {i}'s attrs", r.attrs)
    for lk in s.links:
        if not isinstance(lk.key, str):
            raise bad("a link's key", lk.key)
    for kv in s.keyvalues:
        if not isinstance(kv.source, str) or not opt_num(kv.confidence):
            raise bad(f"key-value {kv.key!r}'s source or confidence", (kv.source, kv.confidence))
        if not all(isinstance(i, int) for i in kv.region_ids):
            raise bad(f"key-value {kv.key!r}'s regions", kv.region_ids)
