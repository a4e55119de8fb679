"""``hanji check | search | stats | next | duplicates | suspects``: the data engine on the command line.

``hanji check --json`` prints one JSON object a line per finding,
``{"check", "document", "doc_id", "region_id", "message"}``, and exits 1 when there are findings.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

from hanji.cli import project_arg
from hanji.cli.progress import Bar
from hanji.errors import HanjiError


def register(sub) -> None:
    p = sub.add_parser("check", help="run the dataset checks; exit 1 when something is found")
    p.add_argument("project", type=project_arg, nargs="?")
    p.add_argument("--json", action="store_true", help="one JSON object per finding")
    p.add_argument("--only", action="append", metavar="CHECK",
                   help="run only this check (repeatable); `hanji check --list` names them")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.add_argument("--integrity", action="store_true",
                   help="first check every page of the project file (SQLite's integrity_check; a large "
                        "project is otherwise checked only after it was not closed cleanly)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("forbid", help="the project's forbidden words (ads, abuse) that `hanji check` flags")
    p.add_argument("project", type=project_arg)
    p.add_argument("words", nargs="*", help="words to add; with none, list the words")
    p.add_argument("--remove", nargs="+", default=[], metavar="WORD", help="words to take off the list")
    p.add_argument("--clear", action="store_true", help="empty the list")
    p.set_defaults(func=cmd_forbid)

    p = sub.add_parser("search", help="full-text search over transcriptions and key-values")
    p.add_argument("project", type=project_arg)
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", help="dataset statistics; --csv/--png write them to folders")
    p.add_argument("project", type=project_arg)
    p.add_argument("--csv", type=Path, metavar="DIR", help="write one CSV file per table here")
    p.add_argument("--png", type=Path, metavar="DIR", help="write the plots here as PNG")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("next", help="the unlabelled documents most worth labelling next")
    p.add_argument("project", type=project_arg)
    p.add_argument("-n", type=int, default=10)
    p.add_argument("--no-diversity", action="store_true", help="rank by model uncertainty alone")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_next)

    p = sub.add_parser("duplicates", help="exact and near-duplicate images, grouped")
    p.add_argument("project", type=project_arg)
    p.add_argument("--keep-first", action="store_true",
                   help="delete all but the first document of each group (not undoable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_duplicates)

    p = sub.add_parser("suspects", help="confirmed transcriptions the model disagrees with, likeliest errors first")
    p.add_argument("project", type=project_arg)
    p.add_argument("--all", action="store_true", help="also unflagged disagreements (below the threshold)")
    p.add_argument("--model", metavar="NAME",
                   help="read the confirmed regions again with this recognizer (ko, ppocr_en) instead of using "
                        "the readings kept from pre-annotation")
    p.add_argument("--weights", type=Path, metavar="FILE", help="read them with this recognizer weights file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suspects)


def _open(path: Path, readonly: bool = True, integrity: bool | None = None):
    from hanji.store import open_project

    if integrity:
        print("checking the project file's integrity…", file=sys.stderr)
    return open_project(path, readonly=readonly, integrity=integrity)


def _open_keeping(path: Path):
    """Open for writing where the project allows it, so that what a job works out once (the image
    fingerprints of ``next`` and ``duplicates``) is kept for the next run; read-only where another
    program holds the project or the file cannot be written (then it is worked out again each run)."""
    from hanji.errors import HanjiError
    from hanji.store import open_project

    try:
        return open_project(path)
    except HanjiError:
        return open_project(path, readonly=True)  # a missing or damaged file says so here


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def cmd_check(args) -> int:
    from hanji.jobs.quality import run_checks
    from hanji.quality.checks import REGISTRY

    if args.list:
        for name, cls in REGISTRY.items():
            print(f"{name:20} {cls.title}")
        return 0
    if args.project is None:
        raise HanjiError("name the project to check: hanji check PROJECT")
    unknown = [n for n in args.only or [] if n not in REGISTRY]
    if unknown:
        raise HanjiError(f"unknown check(s) {', '.join(unknown)}; the checks are {', '.join(REGISTRY)}")
    with _open(args.project, integrity=args.integrity or None) as store, Bar("checking", "doc") as bar:
        findings = run_checks(store, names=args.only, progress=bar)
    if args.json:  # what _print_json prints a finding (Finding.as_dict's keys in order), many lines at a time
        write = sys.stdout.write
        for i in range(0, len(findings), 10000):
            write("".join([_finding_line(f) for f in findings[i:i + 10000]]))
    else:
        for f in findings:
            where = f"region {f.region_id}" if f.region_id is not None else "document"
            print(f"{f.document} [{where}] {f.check}: {f.message}")
        print(f"{len(findings)} finding(s)" if findings else "no findings")
    return 1 if findings else 0


_encode_str = json.JSONEncoder(ensure_ascii=False).encode


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """A document's or check's name as JSON (a project of 100,000 documents has millions of findings
    naming a few thousand documents at a time)."""
    return _encode_str(text)


def _finding_line(f) -> str:
    """One finding as ``json.dumps(f.as_dict(), ensure_ascii=False)`` writes it, and a newline: the
    same bytes, without a dictionary made and walked for each of millions of findings."""
    rid = "null" if f.region_id is None else int(f.region_id)
    return (f'{{"check": {_quoted(f.check)}, "document": {_quoted(f.document)}, "doc_id": {int(f.doc_id)}, '
            f'"region_id": {rid}, "message": {_encode_str(f.message)}}}\n')


def cmd_forbid(args) -> int:
    from hanji.domain.text import nfc
    from hanji.jobs.quality import forbidden_words, set_forbidden_words

    changing = bool(args.words or args.remove or args.clear)
    with _open(args.project, readonly=not changing) as store:
        words = [] if args.clear else forbidden_words(store)
        if changing:
            gone = {nfc(w).strip() for w in args.remove}
            set_forbidden_words(store, [w for w in words if w not in gone] + list(args.words))
            words = forbidden_words(store)
    print("\n".join(words) if words else "no forbidden words")
    return 0


def cmd_search(args) -> int:
    from hanji.jobs.quality import search

    with _open(args.project) as store:
        hits = search(store, args.query, args.limit)
    for h in hits:
        if args.json:
            _print_json(h.as_dict())
        elif h.kind == "region":
            print(f"{h.document} [region {h.region_id}] {h.text}")
        else:
            print(f"{h.document} [key-value {h.key}] {h.text}")
    if not args.json:
        print(f"{len(hits)} hit(s)")
    return 0


def cmd_stats(args) -> int:
    import numpy as np

    from hanji.jobs.quality import export_csv, export_png, statistics
    from hanji.jobs.team import people_stats

    with _open(args.project) as store, Bar("statistics", "doc") as bar:
        s = statistics(store, progress=bar)
        people = people_stats(store)  # who did what (issue 21): cli.team prints it
    if args.csv:
        print(f"wrote {len(export_csv(s, args.csv))} CSV files to {args.csv}")
    if args.png:
        print(f"wrote {len(export_png(s, args.png))} PNG files to {args.png}")
    if args.json:
        _print_json({name: rows for name, (_, rows) in s.tables(regions=False).items() if name != "characters"}
                    | {"people": people})
        return 0
    print(f"documents: {s.documents}  " + "  ".join(f"{k}: {v}" for k, v in sorted(s.documents_by_status.items())))
    print(f"regions:   {s.regions}  " + "  ".join(f"{k}: {v}" for k, v in sorted(s.regions_by_status.items())))
    if s.documents_by_type:
        print("types:     " + "  ".join(f"{k or '(none)'}: {v}" for k, v in s.documents_by_type.most_common()))
    for title, counter in (("entities", s.entities), ("labels", s.region_labels), ("key-values", s.keyvalue_keys)):
        if counter:
            print(f"{title + ':':12}" + "  ".join(f"{k}: {v}" for k, v in counter.most_common(12)))
    total = sum(v for k, v in s.char_classes.items() if k != "space")
    if total:
        print("characters: " + "  ".join(f"{k} {100 * v / total:.1f}%" for k, v in s.char_classes.most_common()
                                         if k != "space"))
    if len(s.text_lengths):
        lens, hs = np.sort(s.text_lengths), np.sort(s.heights)
        print(f"text length: median {lens[len(lens) // 2]}, max {lens[-1]};  "
              f"region height: median {hs[len(hs) // 2]:.0f} px")
    if s.charset_size:
        miss = s.missing_chars.most_common(20)
        print(f"characters the recognizer lacks: {len(s.missing_chars)}" +
              (" (" + " ".join(f"{c}×{n}" for c, n in miss) + ")" if miss else ""))
    from hanji.cli.team import print_people

    print_people(people)
    return 0


def cmd_next(args) -> int:
    from hanji.jobs.quality import next_documents

    with _open_keeping(args.project) as store, Bar("ranking", "doc") as bar:
        picks = next_documents(store, args.n, diversity=not args.no_diversity, progress=bar)
    for i, p in enumerate(picks, 1):
        if args.json:
            _print_json({"rank": i, "document": p.name, "doc_id": p.doc_id, "score": round(p.score, 4),
                         "uncertainty": round(p.uncertainty, 4), "novelty": round(p.novelty, 4),
                         "reason": p.reason})
        else:
            print(f"{i:3}. {p.name}  score {p.score:.2f}  ({p.reason})")
    if not picks and not args.json:
        print("no unlabelled documents")
    return 0


def cmd_duplicates(args) -> int:
    from hanji.jobs.quality import find_duplicates, keep_one

    with (_open(args.project, readonly=False) if args.keep_first else _open_keeping(args.project)) as store, \
            Bar("fingerprints", "img") as bar:
        groups = find_duplicates(store, progress=bar)
        names = {d: store.document(d).name for g in groups for d in g.doc_ids}  # only the documents shown
        for g in groups:
            if args.json:
                _print_json({"kind": g.kind, "doc_ids": g.doc_ids, "documents": [names[d] for d in g.doc_ids],
                             "distance": round(g.distance, 4)})
            else:
                print(f"{g.kind}: " + ", ".join(names[d] for d in g.doc_ids) +
                      (f"  (differ in {100 * g.distance:.0f}% of hash bits)" if g.kind == "near" else ""))
            if args.keep_first:
                gone = keep_one(store, g.doc_ids, g.doc_ids[0])
                if not args.json:
                    print(f"  kept {names[g.doc_ids[0]]}, deleted {len(gone)}")
    if not groups and not args.json:
        print("no duplicates")
    return 0


def cmd_suspects(args) -> int:
    from hanji.jobs.quality import likely_label_errors, model_recognizer

    recognizer = None
    if args.model or args.weights:
        recognizer = model_recognizer(args.model or "ko", path=args.weights)
    with _open(args.project) as store, Bar("comparing", "doc") as bar:
        suspects = likely_label_errors(store, recognizer, progress=bar)
        names = {d.id: d.name for d in store.documents()}
    shown = [s for s in suspects if s.flagged or args.all]
    for s in shown:
        if args.json:
            _print_json({"document": names[s.doc_id], "doc_id": s.doc_id, "region_id": s.region_id,
                         "given": s.given, "predicted": s.predicted, "confidence": round(s.confidence, 4),
                         "cer": round(s.distance, 4), "score": round(s.score, 4), "flagged": s.flagged})
        else:
            print(f"{names[s.doc_id]} [region {s.region_id}] label {s.given!r}, model reads {s.predicted!r} "
                  f"({s.confidence:.2f}){'' if s.flagged else '  (model unsure)'}")
    if not args.json:
        print(f"{sum(s.flagged for s in suspects)} likely label error(s) among {len(suspects)} disagreement(s)")
    return 0
