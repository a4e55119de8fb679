"""``hanji ocr IMAGE...`` and ``hanji preannotate PROJECT``.

``hanji ocr`` prints (or writes with ``--out``) one JSON object per image, one per line:
``{"image": path, "regions": [{"points": [[x, y], ...], "text": str, "score": float}]}``, regions in
reading order. This output is the interface used to evaluate Hanji's OCR: keep it stable.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hanji.cli import project_arg
from hanji.cli.jsonl import emit_jsonl
from hanji.cli.progress import Bar
from hanji.errors import HanjiError


def register(sub) -> None:
    p = sub.add_parser("ocr", help="read images: text regions with their text, as JSON lines")
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--mode", choices=("page", "line"), default="page",
                   help="page: find the text lines, then read them; line: the whole image is one line")
    p.add_argument("--out", type=Path, help="write the JSON lines to this file instead of standard output")
    p.add_argument("--recognizer", default="ko", help="ko (Korean, default) or ppocr_en (Chinese/English)")
    p.add_argument("--min-score", type=float, default=0.5,
                   help="drop lines read with less confidence than this, as RapidOCR does (page mode; default 0.5)")
    p.add_argument("--device", default=None, help="cpu, cuda (default: cuda when there is one)")
    p.add_argument("--project", type=project_arg, default=None,
                   help="read with this project's active recognizer (trained with hanji train recognizer PROJECT)")
    p.set_defaults(func=cmd_ocr)

    p = sub.add_parser("preannotate", help="find and read text in a project's documents (resumable)")
    p.add_argument("project", type=project_arg)
    p.add_argument("--docs", nargs="+", type=int, metavar="ID",
                   help="document ids (default: every document not yet pre-annotated)")
    p.add_argument("--all", action="store_true", help="also redo documents that were pre-annotated before")
    p.add_argument("--recognizer", default="ko",
                   help="ko (Korean, default: the project's active recognizer when it has one) or ppocr_en")
    p.add_argument("--review-below", type=float, default=0.8,
                   help="mark readings with less confidence than this for review (default 0.8)")
    p.add_argument("--restart", action="store_true", help="ignore an interrupted run instead of resuming it")
    p.add_argument("--device", default=None, help="cpu, cuda (default: cuda when there is one)")
    p.set_defaults(func=cmd_preannotate)


def cmd_ocr(args) -> int:
    from hanji.jobs.ocr import ocr_images, ocr_pipeline

    for p in args.images:
        if not p.is_file():
            raise HanjiError("no such image file", p)
    if args.project is not None:
        from hanji.store import open_project

        if isinstance(args.project, Path) and not args.project.exists():
            raise HanjiError("no such project file", args.project)
        with open_project(args.project, readonly=True) as store:
            pipeline = ocr_pipeline(args.recognizer, args.device, args.min_score, store)
    else:
        pipeline = ocr_pipeline(args.recognizer, args.device, args.min_score)
    _ = pipeline.recognizer  # load it now: a missing or unknown model is reported before any work
    emit_jsonl(lambda progress: ocr_images(args.images, args.mode, pipeline=pipeline, progress=progress),
               args.out, "reading")
    return 0


def cmd_preannotate(args) -> int:
    from hanji.jobs.preannotate import preannotate
    from hanji.jobs.project_models import project_pipeline
    from hanji.store import open_project

    with open_project(args.project) as store, Bar("pre-annotating", "doc") as bar:
        # the project's active recognizer when it has one; loaded now, so a bad model is reported before any work
        pipeline = project_pipeline(store, args.recognizer, device=args.device, low_confidence=args.review_below)
        _ = pipeline.recognizer
        report = preannotate(store, args.docs, pipeline=pipeline, include_done=args.all,
                             resume=not args.restart, progress=bar)
    print(f"pre-annotated {report.documents} document(s)"
          + (f" (+{report.resumed} done before the interruption)" if report.resumed else "")
          + f": {report.added} regions added ({report.review} to review), {report.replaced} earlier model "
          f"regions replaced, {report.kept} detections left to people's regions")
    for e in report.errors:
        print(f"  {e}", file=sys.stderr)
    return 1 if report.errors and not report.documents else 0
