"""``hanji split | merge | conflicts``: offline seats (work packages on a USB stick) and their merge.

    hanji split PROJECT OUTDIR --seats N [--by status|type|KEY=V,...] [--user NAME ...] [--json]
    hanji merge PROJECT PACKAGE ... [--json]
    hanji conflicts PROJECT [--json] [--take ours|theirs ID] [--edited ID]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hanji.cli.progress import Bar
from hanji.errors import HanjiError


def register(sub) -> None:
    p = sub.add_parser("split", help="hand documents out as work packages for offline seats")
    p.add_argument("project")
    p.add_argument("outdir", type=Path, nargs="?", help="where the packages go (OUTDIR/<project>-<seat>.hanji)")
    p.add_argument("--seats", type=int, metavar="N", help="how many packages (default: one per --user)")
    p.add_argument("--by", metavar="status|type|KEY=V,...",
                   help="deal documents so each seat gets its share of each status or type, or hand out only "
                        "those a filter names (status=new,in_progress or type=receipt); default: runs of ids")
    p.add_argument("--user", dest="users", nargs="+", metavar="NAME",
                   help="the seats' labelers, one a seat (the packages are named after them)")
    p.add_argument("--release", metavar="SEAT",
                   help="take back a package that will never be merged (a lost stick) by its seat or id: its "
                        "documents can be handed out again")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("merge", help="merge work packages back (three-way, conflicts kept for review)")
    p.add_argument("project")
    p.add_argument("packages", nargs="+", type=Path, metavar="PACKAGE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("conflicts", help="the open merge conflicts; take one side or mark one resolved")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--take", nargs=2, metavar=("ours|theirs", "ID"),
                   help="resolve conflict ID with the project's version (ours) or the package's (theirs)")
    g.add_argument("--edited", type=int, metavar="ID", help="mark conflict ID resolved as the project holds it now")
    p.set_defaults(func=cmd_conflicts)


def _open(project: str, readonly: bool = False):
    from hanji.store import open_project

    return open_project(project, readonly=readonly)  # a path, or a postgresql:// URL


def cmd_split(args) -> int:
    from hanji.jobs.packages import split

    if args.release:
        with _open(args.project) as store:
            out = [p for p in store.packages() if p["merged"] is None and not p["info"].get("released")
                   and (p["seat"] == args.release or p["id"].startswith(args.release))]
            if len(out) != 1:
                raise HanjiError(f"{'no' if not out else len(out)} packages out match {args.release!r} "
                                 "(hanji info PROJECT lists them)", args.project)
            n = store.release_package(out[0]["id"])
        if args.json:
            print(json.dumps({"released": out[0]["id"], "seat": out[0]["seat"], "documents": n}))
        else:
            print(f"package of seat {out[0]['seat']} taken back: {n} documents can be handed out again "
                  "(merging it now is refused)")
        return 0
    if args.outdir is None:
        raise HanjiError("say where the packages go: hanji split PROJECT OUTDIR --seats N")
    if args.seats is None and not args.users:
        raise HanjiError("say how many packages: --seats N (or name the seats' labelers with --user)")
    with _open(args.project) as store, Bar("split", unit="doc") as bar:
        outs = split(store, args.outdir, args.seats, by=args.by, users=args.users, progress=bar)
    if args.json:
        print(json.dumps({"packages": [o.as_json() for o in outs]}, ensure_ascii=False, indent=2))
    else:
        for o in outs:
            print(f"{o.path}: seat {o.seat}, {o.documents} documents, {o.regions} regions")
    return 0


def cmd_merge(args) -> int:
    from hanji.jobs.packages import describe, merge

    with _open(args.project) as store, Bar("merge", unit="doc") as bar:
        reports = merge(store, args.packages, progress=bar)
    if args.json:
        print(json.dumps({"packages": [r.as_json() for r in reports]}, ensure_ascii=False, indent=2))
        return 0
    for r in reports:
        if r.already_merged:
            print(f"{r.package} (seat {r.seat}): merged before; nothing changed")
            continue
        t = r.taken
        parts = [f"{v} {k.replace('_', ' ')}" for k, v in t.items() if v and k != "documents"]
        print(f"{r.package} (seat {r.seat}): {r.documents} documents; taken from {t['documents']}"
              + (f" ({', '.join(parts)})" if parts else "") + f"; {len(r.conflicts)} conflicts")
        for c in r.conflicts:
            print("  " + describe(c))
    return 0


def cmd_conflicts(args) -> int:
    from hanji.jobs.packages import conflict_json, describe, resolve

    editing = bool(args.take or args.edited is not None)
    with _open(args.project, readonly=not editing) as store:
        if args.take:
            side, ref = args.take
            if side not in ("ours", "theirs"):
                raise HanjiError(f"--take ours ID or --take theirs ID, not {side!r}")
            if not ref.isdigit():
                raise HanjiError(f"{ref!r} is not a conflict id (hanji conflicts PROJECT lists them)")
            c = resolve(store, int(ref), side)
            print(json.dumps(conflict_json(c), ensure_ascii=False) if args.json
                  else f"conflict {c['id']}: took {side}")
            return 0
        if args.edited is not None:
            c = resolve(store, args.edited, "edited")
            print(json.dumps(conflict_json(c), ensure_ascii=False) if args.json
                  else f"conflict {c['id']}: resolved as edited")
            return 0
        found = store.conflicts(state=None if args.all else "open")
        names = {d.id: d.name for d in store.documents()} if found else {}
    if args.json:
        print(json.dumps({"conflicts": [dict(conflict_json(c), document=names.get(c["doc_id"], ""))
                                        for c in found]}, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no open conflicts")
        return 0
    for c in found:
        print(f"{describe(c)}  [{names.get(c['doc_id'], '?')}]")
    print("resolve: hanji conflicts PROJECT --take ours|theirs ID (or --edited ID after fixing it by hand)")
    return 0


def package_info(store) -> dict[str, Any]:
    """For ``hanji info``: the packages still out and their documents, open conflicts, and where a
    package came from."""
    out = [p for p in store.packages() if p["merged"] is None and not p["info"].get("released")]
    return {"checked_out": len(store.checkouts()),
            "out": [{"id": p["id"], "seat": p["seat"], "path": p["path"], "documents": p["docs"]} for p in out],
            "open_conflicts": len(store.conflicts()), "origin": store.package_origin()}


def print_packages(info: dict[str, Any]) -> None:
    o = info["origin"]
    if o:
        print(f"  a work package of {o.get('base_name', '?')} (seat {o.get('seat', '?')}): "
              f"merge it back with hanji merge PROJECT THIS_FILE")
    if info["out"]:
        print(f"  checked out: {info['checked_out']} documents in {len(info['out'])} packages ("
              + ", ".join(f"seat {p['seat']}: {p['documents']}" for p in info["out"]) + ")")
    if info["open_conflicts"]:
        print(f"  merge conflicts open: {info['open_conflicts']} (hanji conflicts PROJECT)")
