"""``hanji copy SRC DST``: a whole project into a new one, between a file and a PostgreSQL database
either way (:mod:`hanji.store.copying`)."""

from __future__ import annotations

import json

from hanji.cli import project_arg
from hanji.cli.progress import Bar


def register(sub) -> None:
    p = sub.add_parser("copy", help="copy a whole project into a new one: a file to a PostgreSQL database "
                                    "(postgresql://user@host/db) and back, losslessly")
    p.add_argument("source", type=project_arg, metavar="SRC", help="the project: a file or a postgresql:// URL")
    p.add_argument("destination", type=project_arg, metavar="DST",
                   help="a new file (must not exist) or an empty database (createdb NAME first)")
    p.add_argument("--json", action="store_true", help="what was copied, as one JSON object")
    p.set_defaults(func=cmd_copy)


def cmd_copy(args) -> int:
    from hanji.store.copying import copy_project

    with Bar("copying", "row") as bar:
        report = copy_project(args.source, args.destination, progress=bar)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"copied {report['source']} -> {report['destination']}: {report['documents']} documents, "
          f"{report['regions']} regions, {report['images']} images ({report['image_bytes'] / 1e6:.1f} MB), "
          f"{report['history_steps']} undo steps, {report['models']} models in {report['seconds']:.1f} s")
    return 0
