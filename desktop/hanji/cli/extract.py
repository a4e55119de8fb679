"""``hanji extract IMAGE...`` and ``hanji propose PROJECT``: key-value extraction.

``hanji extract`` prints (or writes with ``--out``) one JSON object per image, one per line:
``{"image": path, "doc_type": str, "fields": {key: value}, "regions": [{"points", "text", "score",
"key"}], "flags": [{"key", "value", "level", "reason"}], "corrections": [{"key", "read", "value",
"words"}]}``. A key with several values (receipt items) maps to a list; ``corrections`` lists the values
``--vocab`` corrected. This output is the interface used to evaluate Hanji's key-value extraction.
"""

from __future__ import annotations

from pathlib import Path

from hanji.cli import project_arg
from hanji.cli.jsonl import emit_jsonl
from hanji.cli.progress import Bar
from hanji.errors import HanjiError

TYPES = ("auto", "receipt", "id_card", "business_registration", "credit_card", "funsd", "sroie")


def register(sub) -> None:
    p = sub.add_parser("extract", help="key-value extraction: document type and fields of images, as JSON lines")
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--type", dest="doc_type", choices=TYPES, default="auto",
                   help="document type (default auto: classified from the text and layout)")
    p.add_argument("--out", type=Path, help="write the JSON lines to this file instead of standard output")
    p.add_argument("--model", type=Path, default=None,
                   help="a tagger trained with 'hanji train tagger' (default: the shipped Korean one)")
    p.add_argument("--mask", action="store_true",
                   help="mask personal numbers and names (resident and card numbers keep their first digits)")
    p.add_argument("--vocab", type=project_arg, default=None, metavar="PROJECT",
                   help="correct OCR slips in the values' words against this project's confirmed key-values "
                        "(BANOAR -> BANDAR when BANDAR is a word of the field there); its schema's field titles "
                        "are read as labels too")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("propose", help="propose tags and key-values for a project's documents (machine "
                                       "proposals to confirm)")
    p.add_argument("project", type=project_arg)
    p.add_argument("--docs", nargs="+", type=int, metavar="ID", help="document ids (default: all with text)")
    p.add_argument("--model", type=Path, default=None, help="a tagger file (default: the shipped Korean one)")
    p.add_argument("--overwrite", action="store_true", help="also documents a person has tagged")
    p.set_defaults(func=cmd_propose)


def cmd_extract(args) -> int:
    from hanji.jobs.extract import extract_images

    for p in args.images:
        if not p.is_file():
            raise HanjiError("no such image file", p)
    if args.model is not None and not args.model.is_file():
        raise HanjiError("no such model file", args.model)
    vocab, labels = None, None
    if args.vocab is not None:
        from hanji.jobs.propose import project_labels
        from hanji.jobs.vocab import project_vocabulary
        from hanji.store import open_project

        with open_project(args.vocab, readonly=True) as store:
            vocab = project_vocabulary(store)
            labels = project_labels(store)
    emit_jsonl(lambda progress: extract_images(args.images, args.doc_type, model=args.model, mask=args.mask,
                                               progress=progress, vocab=vocab, labels=labels), args.out, "extracting")
    return 0


def cmd_propose(args) -> int:
    from hanji.jobs.propose import propose
    from hanji.store import open_project

    if isinstance(args.project, Path) and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    with open_project(args.project) as store, Bar("proposing", "doc") as bar:
        rep = propose(store, args.docs, model=args.model, overwrite=args.overwrite, progress=bar)
    print(f"proposed tags for {rep.documents} document(s): {rep.tagged_regions} regions tagged, "
          f"{rep.keyvalues} key-values; {rep.skipped} document(s) a person tagged were left alone")
    return 0
