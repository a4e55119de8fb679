"""CoNLL BIO: one ``token<TAB>tag`` per line, a blank line between documents.

Hanji writes a ``-DOCSTART-<TAB>NAME`` line before each document (readers such as the conll2003
loaders skip it) so that the tags can find their document again. A document's tokens are its
regions' whitespace tokens in reading order. CoNLL carries no images or boxes: importing it puts
the tags on documents already in the project (by name, or by position when the file has no
``-DOCSTART-`` names), and the tokens must match the regions' text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.formats.base import Sample, Skipped, file_head, read_text, write_lines

NAME = "conll"
DESCRIPTION = "CoNLL BIO text: token TAB tag, blank line between documents (tags onto existing documents)"
DOCSTART = "-DOCSTART-"
SUFFIXES = (".conll", ".bio", ".tsv", ".txt", ".iob", ".iob2")


def _valid_tag(tag: str) -> bool:
    if tag == "O":
        return True
    prefix, dash, name = tag.partition("-")
    return bool(dash) and prefix in ("B", "I") and bool(name)


def detect(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    head = file_head(path, 2000, "utf-8-sig")
    if head is None:
        return False
    lines = [ln for ln in head.splitlines()[:20] if ln.strip() and not ln.startswith(DOCSTART)]
    if not lines:
        return head.startswith(DOCSTART)
    return all(_valid_tag(ln.split("\t")[-1].strip() if "\t" in ln else ln.split()[-1]) for ln in lines[:-1] or lines)


def count(path: Path) -> int | None:
    return None


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    path = Path(path)
    if path.is_dir():
        yield Skipped(HanjiError("name a CoNLL file, not a folder", path))
        return
    try:
        text = read_text(path)
    except HanjiError as e:
        yield Skipped(e)
        return
    name: str | None = None
    toks: list[str] = []
    tags: list[str] = []
    start = 0
    position = 0
    bad: HanjiError | None = None

    def flush() -> Sample | Skipped | None:
        nonlocal position
        if bad is not None:
            return Skipped(bad)
        if not toks and name is None:
            return None
        position += 1
        return Sample(name=name or "", attrs={"conll": {"tokens": list(toks), "tags": list(tags),
                                                          "position": position}},
                      source=f"{path}, line {start}")

    lines = text.splitlines()
    for i, line in enumerate(lines + [""], 1):
        stripped = line.strip()
        if stripped.startswith(DOCSTART):
            item = flush()
            if item is not None:
                yield item
            rest = stripped[len(DOCSTART):].strip()
            if rest.startswith("-X-"):  # conll2003's "-DOCSTART- -X- -X- O"
                rest = ""
            name, toks, tags, start, bad = rest or None, [], [], i, None
            continue
        if not stripped:
            if toks:
                item = flush()
                if item is not None:
                    yield item
                name, toks, tags, bad = None, [], [], None
            continue
        if not toks and name is None:
            start = i
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) < 2:
            bad = bad or HanjiError("expected token TAB tag", path, f"line {i}")
            toks.append("?")
            continue
        tok, tag = fields[0].strip(), fields[-1].strip()
        if not _valid_tag(tag):
            bad = bad or HanjiError(f"{tag!r} is not a BIO tag (O, B-X or I-X)", path, f"line {i}")
        toks.append(tok)
        tags.append(tag)


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    lines: list[str] = []
    stale = 0
    for s in samples:
        lines.append(f"{DOCSTART}\t{s.name}")
        lines.append("")
        n = 0
        for r in s.regions:
            pairs = r.token_tags()
            if pairs and len(r.tags) != len(pairs):
                stale += 1
            for tok, tag in pairs:
                lines.append(f"{tok}\t{tag}")
                n += 1
        if n:
            lines.append("")
    write_lines(Path(out), lines)
    return [f"{stale} regions had tags out of step with their text; written as O"] if stale else []
