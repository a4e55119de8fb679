"""``hanji new | add | info | remove | demo``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hanji.cli import project_arg
from hanji.cli.progress import Bar
from hanji.errors import HanjiError


def register(sub) -> None:
    p = sub.add_parser("new", help="create an empty project file")
    p.add_argument("project", type=project_arg)
    p.add_argument("--schema", default="default",
                   help="label schema to start with: default (all document types), funsd, sroie, none")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("add", help="add images (files or folders) to a project")
    p.add_argument("project", type=project_arg)
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--link", action="store_true", help="keep images where they are instead of copying them in")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("info", help="counts by status")
    p.add_argument("project", type=project_arg)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("remove", help="remove documents (by id or name) with their labels, as one undoable step")
    p.add_argument("project", type=project_arg)
    p.add_argument("documents", nargs="+", metavar="DOC", help="a document's id or its name")
    p.add_argument("--purge", action="store_true",
                   help="for good: their images leave the file too, and the removal cannot be undone")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("demo", help="write a demo project of fake Korean documents")
    p.add_argument("project", type=Path, nargs="?", default=Path("demo.hanji"))
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_demo)


def cmd_new(args) -> int:
    from hanji.domain.schemas import schema_entity_types
    from hanji.store import create_project

    create_project(args.project, schema_entity_types(args.schema)).close()
    print(f"created {args.project}")
    return 0


def cmd_add(args) -> int:
    from hanji.jobs.add import add_images
    from hanji.store import open_project

    with open_project(args.project) as store, Bar("adding images", "img") as bar:
        report = add_images(store, args.images, link=args.link, progress=bar)
    print(f"added {report.added}, duplicates skipped {report.duplicates}, errors {len(report.errors)}")
    for n in report.notes:
        print(f"  note: {n}")
    for e in report.errors:
        print(f"  {e}", file=sys.stderr)
    return 1 if report.errors and not report.added else 0


def cmd_info(args) -> int:
    from hanji.cli.packages import package_info, print_packages
    from hanji.cli.team import claims_json, print_claims
    from hanji.store import open_project

    with open_project(args.project, readonly=True) as store:
        counts = store.counts()
        claims = claims_json(store)  # documents seats have open for editing (issue 21)
        packages = package_info(store)  # work packages out, merge conflicts (issue 22)
    if args.json:
        print(json.dumps(dict(counts, claims=claims, packages=packages), ensure_ascii=False))
        return 0
    print(f"{args.project}")
    print(f"  documents: {counts['documents']}  " + "  ".join(
        f"{k}: {v}" for k, v in sorted(counts["documents_by_status"].items())))
    print(f"  regions:   {counts['regions']}  " + "  ".join(
        f"{k}: {v}" for k, v in sorted(counts["regions_by_status"].items())))
    print(f"  links: {counts['links']}  key-values: {counts['keyvalues']}  entity types: {counts['entity_types']}")
    print(f"  images: {counts['image_bytes'] / 1e6:.1f} MB inside, {counts['linked_images']} linked")
    print(f"  undo steps: {counts['history_steps']}  schema: {counts['schema_version']}")
    print_claims(claims)
    print_packages(packages)
    return 0


def cmd_remove(args) -> int:
    from hanji.store import open_project

    with open_project(args.project) as store:
        docs = store.documents()
        by_id = {d.id: d for d in docs}
        by_name: dict[str, list] = {}
        for d in docs:
            by_name.setdefault(d.name, []).append(d)
        chosen = []
        for ref in args.documents:  # every one is checked before anything is removed
            if ref in by_name and len(by_name[ref]) == 1:
                chosen.append(by_name[ref][0])
            elif ref in by_name:
                raise HanjiError(f"{len(by_name[ref])} documents are named {ref!r}; give their ids "
                                 f"({', '.join(str(d.id) for d in by_name[ref])})", args.project)
            elif ref.isdigit() and int(ref) in by_id:
                chosen.append(by_id[int(ref)])
            else:
                raise HanjiError(f"no document {ref!r} (neither an id nor a name) in the project", args.project)
        chosen = list({d.id: d for d in chosen}.values())
        if args.purge:
            for d in chosen:
                store.delete_document(d.id)
        else:
            store.remove_documents([d.id for d in chosen])
    if args.json:
        print(json.dumps({"removed": [{"id": d.id, "name": d.name} for d in chosen], "purged": args.purge},
                         ensure_ascii=False))
    else:
        how = "for good, images too" if args.purge else "undo in the window brings them back"
        print(f"removed {len(chosen)}: {', '.join(d.name for d in chosen)} ({how})")
    return 0


def cmd_demo(args) -> int:
    from hanji.jobs.demo import write_demo

    if args.project.exists():
        if not args.force:
            raise HanjiError("a file of that name already exists; use --force to replace it", args.project)
        args.project.unlink()
    with Bar("rendering demo", "doc") as bar:
        write_demo(args.project, progress=bar)
    print(f"wrote {args.project}")
    return 0
