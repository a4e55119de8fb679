"""``hanji import | export | formats``: dataset files of other tools into and out of a project."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from hanji.cli import project_arg
from hanji.cli.progress import Bar


class _Every:
    """Pass progress on to the bar at most every ``seconds`` (and always at the end): a redraw per
    document would cost more than the import of a small one."""

    def __init__(self, bar: Bar, seconds: float = 0.1):
        self.bar, self.seconds, self.last = bar, seconds, 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self.last >= self.seconds or (total is not None and done >= total):
            self.last = now
            self.bar(done, total, message)


def register(sub) -> None:
    p = sub.add_parser("import", help="import a dataset (PPOCRLabel, ICDAR, labelme, FUNSD, ...) into a project")
    p.add_argument("project", type=project_arg)
    p.add_argument("path", type=Path, help="the dataset file or folder")
    p.add_argument("--format", "-f", dest="fmt", help="format name (detected when left out); see `hanji formats`")
    p.add_argument("--skip-bad", action="store_true", help="go on past bad entries and list them at the end")
    p.add_argument("--create", action="store_true", help="create the project if it does not exist")
    p.add_argument("--opt", action="append", metavar="KEY=VALUE", help="a format option (repeatable)")
    p.add_argument("--allow-outside", action="append", metavar="PATH", type=Path, default=[],
                   help="also read images from this folder (repeatable); images named outside the dataset "
                        "folder are refused otherwise")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export a project in another tool's format")
    p.add_argument("project", type=project_arg)
    p.add_argument("--format", "-f", dest="fmt", required=True, help="format name; see `hanji formats`")
    p.add_argument("out", type=Path, help="the file or folder to write (must not exist, unless --overwrite)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists (only once the export is done)")
    p.add_argument("--opt", action="append", metavar="KEY=VALUE",
                   help="a format option (repeatable), e.g. rec=yes, embed=yes, val=0.1")
    p.add_argument("--mask-personal", action="store_true",
                   help="mask the fields marked personal in the project's schema (ID and card numbers keep their "
                        "first digits, names their first and last syllable) in every text written; the project "
                        "and the images are not changed")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("formats", help="list the dataset formats Hanji reads and writes")
    p.set_defaults(func=cmd_formats)


def cmd_import(args) -> int:
    from hanji.jobs.transfer import import_path, parse_options
    from hanji.store import create_project, open_project

    options = parse_options(args.opt)
    if args.create and _missing(args.project):
        create_project(args.project).close()
    with open_project(args.project) as store, Bar("importing", "doc") as bar:
        report = import_path(store, args.path, args.fmt, skip_bad=args.skip_bad, options=options,
                             progress=_Every(bar), allow_outside=args.allow_outside)
    if args.json:
        print(json.dumps({
            "format": report.format, "documents": report.documents, "annotated": report.annotated,
            "duplicates": report.duplicates, "regions": report.regions, "links": report.links,
            "keyvalues": report.keyvalues, "notes": report.notes,
            "skipped": [{"path": s.path, "where": s.where, "message": s.message} for s in report.skipped],
        }, ensure_ascii=False))
    else:
        print(f"{report.format}: {report.summary()}")
        for n in report.notes[:20]:
            print(f"  note: {n}")
        if len(report.notes) > 20:
            print(f"  ... and {len(report.notes) - 20} more notes")
        if report.skipped:
            print("skipped:", file=sys.stderr)
            for s in report.skipped:
                print(f"  {s}", file=sys.stderr)
    return 1 if report.skipped and not (report.documents or report.annotated) else 0


def cmd_export(args) -> int:
    from hanji.jobs.transfer import export_project, parse_options
    from hanji.store import open_project

    options = parse_options(args.opt)
    with open_project(args.project, readonly=True) as store, Bar("exporting", "doc") as bar:
        report = export_project(store, args.fmt, args.out, options=options, overwrite=args.overwrite,
                                mask=args.mask_personal, progress=_Every(bar))
    if args.json:
        print(json.dumps({"format": report.format, "out": str(report.out), "documents": report.documents,
                          "regions": report.regions, "masked": report.masked, "personal": report.personal,
                          "notes": report.notes}, ensure_ascii=False))
    else:
        print(f"{report.format}: {report.summary()}")
        for n in report.notes:
            print(f"  note: {n}")
    return 0


def cmd_formats(args) -> int:
    from hanji.formats import registry

    for name in registry.names():
        mod = registry.get(name)
        print(f"{name:18} {mod.DESCRIPTION}")
    return 0


def _missing(project) -> bool:
    """Whether ``--create`` should make the project: no such file, or an empty PostgreSQL database."""
    if isinstance(project, Path):
        return not project.exists()
    from hanji.errors import HanjiError
    from hanji.store import open_project

    try:
        open_project(project, readonly=True).close()
    except HanjiError as e:
        if "database is empty" in e.reason:
            return True
        raise
    return False
