"""``hanji review | agreement``: the review queue and its decisions, and labeling consistency.

Every command that edits takes ``--user NAME`` (else ``$HANJI_USER``, else the login name): the
person the edits and decisions are recorded under."""

from __future__ import annotations

import json

from hanji.cli import project_arg
from hanji.cli.progress import Bar
from hanji.errors import HanjiError


def register(sub) -> None:
    p = sub.add_parser("review", help="the review queue; submit, take, accept or reject documents")
    p.add_argument("project", type=project_arg)
    p.add_argument("--json", action="store_true")
    p.add_argument("--reviewer", metavar="NAME", help="only the documents this reviewer took (and untaken ones)")
    p.add_argument("--labeler", metavar="NAME", help="only this labeler's rejected documents in 'returned'")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--submit", metavar="DOC", help="hand a labelled document in for review (its status: done)")
    g.add_argument("--start", metavar="DOC", help="take a document into review")
    g.add_argument("--accept", metavar="DOC", help="accept a document")
    g.add_argument("--reject", metavar="DOC", help="send a document back to its labeler (needs --comment)")
    g.add_argument("--note", metavar="DOC", help="add a comment (--comment, --region) to a document")
    g.add_argument("--pick", metavar="DOC", help="make one labeler's version (--version-of NAME) the document's")
    p.add_argument("--comment", metavar="TEXT", help="the comment of --reject, --accept or --note")
    p.add_argument("--region", type=int, metavar="ID", help="pin the comment to this region of the document")
    p.add_argument("--version-of", metavar="NAME", help="with --pick: whose version")
    p.add_argument("--claim-expiry", type=float, metavar="SECONDS",
                   help="set the project's claim expiry: a document a seat has open is free for others after "
                        "this long without its edits (600 by default)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("agreement", help="labeling consistency: agreement of labelers given the same documents")
    p.add_argument("project", type=project_arg)
    p.add_argument("--json", action="store_true")
    p.add_argument("--share", type=float, metavar="FRACTION",
                   help="first give this share of the documents (0.05 = 5 %%) to the --labelers")
    p.add_argument("--labelers", metavar="A,B", help="with --share: the labelers, comma-separated")
    p.add_argument("--from", dest="copy", type=project_arg, metavar="COPY",
                   help="bring --labeler's versions from their own copy of the project")
    p.add_argument("--labeler", metavar="NAME", help="with --from: whose copy it is")
    p.add_argument("--min-iou", type=float, default=0.9, help="paired boxes under this IoU disagree (0.9)")
    p.add_argument("--max-cer", type=float, default=0.0, help="transcriptions over this CER disagree (0)")
    p.add_argument("--no-send", action="store_true", help="measure only; send nothing to review")
    p.set_defaults(func=cmd_agreement)


def _doc(store, ref: str):
    """A document by id or by name."""
    docs = store.documents()
    named = [d for d in docs if d.name == ref]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise HanjiError(f"{len(named)} documents are named {ref!r}; give its id", store.path)
    if ref.isdigit():
        for d in docs:
            if d.id == int(ref):
                return d
    raise HanjiError(f"no document {ref!r} (neither an id nor a name) in the project", store.path)


def cmd_review(args) -> int:
    from hanji.store import open_project

    action = next(((a, getattr(args, a)) for a in ("submit", "start", "accept", "reject", "note", "pick")
                   if getattr(args, a)), None)
    did = None
    with open_project(args.project, readonly=action is None and args.claim_expiry is None) as store:
        if args.claim_expiry is not None:
            store.set_claim_expiry(args.claim_expiry)
        if action:
            name, ref = action
            doc = _doc(store, ref)
            if name == "submit":
                store.submit(doc.id)
            elif name == "start":
                store.start_review(doc.id)
            elif name == "accept":
                store.accept(doc.id, args.comment or "")
            elif name == "reject":
                if not args.comment:
                    raise HanjiError("--reject needs --comment TEXT: why, for the labeler", args.project)
                store.reject(doc.id, args.comment, region_id=args.region)
            elif name == "note":
                if not args.comment:
                    raise HanjiError("--note needs --comment TEXT", args.project)
                store.add_review_comment(doc.id, args.comment, region_id=args.region)
            elif name == "pick":
                if not args.version_of:
                    raise HanjiError("--pick needs --version-of NAME: whose version to keep", args.project)
                store.restore_version(doc.id, args.version_of)
            did = {"action": name, "id": doc.id, "name": doc.name, "state": store.review_state(doc.id),
                   "user": store.user}
        queue = store.review_queue(reviewer=args.reviewer)
        returned = store.returned(labeler=args.labeler)
        states: dict[str, int] = {}
        for s in store.review_states().values():
            states[s] = states.get(s, 0) + 1
        claims = claims_json(store)
    if args.json:
        out = {"queue": queue, "returned": returned, "states": states, "claims": claims}
        if did:
            out["did"] = did
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if did:
        print(f"{did['action']}: {did['name']} (id {did['id']}) is now {did['state'].replace('_', ' ')}")
    print("  ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(states.items())))
    print(f"review queue: {len(queue)}")
    for q in queue:
        who = f", reviewer {q['reviewer']}" if q["reviewer"] else ""
        print(f"  {q['id']:>6}  {q['name']}  {q['state'].replace('_', ' ')}  labeler {q['labeler'] or '?'}{who}"
              + (f"  comments {q['comments']}" if q["comments"] else ""))
    print_claims(claims)
    if returned:
        print(f"returned to their labelers: {len(returned)}")
        for r in returned:
            print(f"  {r['id']:>6}  {r['name']}  labeler {r['labeler'] or '?'}")
            for c in r["comments"]:
                where = f" (region {c['region_id']})" if c["region_id"] else ""
                print(f"          {c['author']}{where}: {c['comment']}")
    return 0


def claims_json(store) -> list[dict]:
    """The documents seats have open for editing now (live claims, issue 21): ``{id, name, holder,
    taken, renewed, expires_in}``, by document id; a command's own seat holds none."""
    out = []
    for doc_id, c in sorted(store.claims().items()):
        if c.mine:
            continue
        try:
            name = store.document(doc_id).name
        except HanjiError:  # a removed document's claim, waiting to expire
            continue
        out.append({"id": doc_id, "name": name, "holder": c.holder, "taken": c.taken, "renewed": c.renewed,
                    "expires_in": round(c.expires_in, 1)})
    return out


def print_claims(claims: list[dict]) -> None:
    if not claims:
        return
    import time

    print(f"being edited now: {len(claims)}")
    for c in claims:
        since = time.strftime("%H:%M", time.localtime(c["taken"]))
        print(f"  {c['id']:>6}  {c['name']}  by {c['holder'] or '?'} since {since} (free in {c['expires_in']:.0f} s "
              "without edits)")


def cmd_agreement(args) -> int:
    from hanji.jobs.team import give_share, measure_agreement, versions_from
    from hanji.store import open_project

    writes = bool(args.share or args.copy or not args.no_send)
    with open_project(args.project, readonly=not writes) as store:
        given = None
        if args.share is not None:
            names = [n.strip() for n in (args.labelers or "").split(",") if n.strip()]
            given = give_share(store, args.share, names)
        brought = None
        if args.copy:
            if not args.labeler:
                raise HanjiError("--from needs --labeler NAME: whose copy it is", args.copy)
            brought = versions_from(store, args.copy, args.labeler)
        with Bar("comparing versions", "doc") as bar:
            out = measure_agreement(store, send=not args.no_send, min_iou=args.min_iou, max_cer=args.max_cer,
                                    progress=bar)
    if given:
        out["share"] = given
    if brought is not None:
        out["versions_brought"] = brought
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if given:
        print(f"given to {args.labelers}: {given['assigned']} new, {given['documents']} in all")
    if brought is not None:
        print(f"versions of {args.labeler} brought from {args.copy}: {brought}")
    print(f"documents given to several labelers: {out['given']}, waiting for versions: "
          f"{len(out['waiting_for_versions'])}")
    for p in out["pairs"] + [dict(out["overall"], labelers=["all"])]:
        print(f"  {' / '.join(p['labelers'])}: {p['documents']} documents, {p['disagreeing']} disagree;  "
              f"box IoU {_f(p['box_iou'])}  box F1 {_f(p['box_f1'])}  CER {_f(p['cer'])}  "
              f"tag F1 {_f(p['tag_f1'])}  key-value F1 {_f(p['keyvalue_f1'])}")
    for e, f in out["overall"]["per_entity"].items():
        print(f"    {e}: tag F1 {_f(f['tag_f1'])}  key-value F1 {_f(f['keyvalue_f1'])}")
    print(f"sent to review: {len(out['sent_to_review'])}")
    return 0


def _f(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def print_people(people: list[dict]) -> None:
    """``hanji stats``' per-person section."""
    if not people:
        return
    print("people:      edits  documents  docs/hour  s/document  submitted  rejected")
    for p in people:
        rate = "-" if p["rejection_rate"] is None else f"{p['rejected']}/{p['reviewed']} ({100 * p['rejection_rate']:.0f}%)"
        print(f"  {(p['user'] or '(unnamed)')[:10]:10} {p['edits']:>6}  {p['documents']:>9}  "
              f"{_n(p['documents_per_hour']):>9}  {_n(p['seconds_per_document']):>10}  {p['submitted']:>9}  {rate}")


def _n(v) -> str:
    return "-" if v is None else f"{v:g}"
