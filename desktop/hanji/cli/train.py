"""``hanji train recognizer | detector | tagger``: train models on this machine (GPU when present)."""

from __future__ import annotations

import importlib
from pathlib import Path

from hanji.errors import HanjiError

DEFAULT_RUN_DIR = Path("runs") / "ko_rec"


def register(sub) -> None:
    p = sub.add_parser("train", help="train a model (recognizer, detector, tagger)")
    tsub = p.add_subparsers(dest="what", metavar="MODEL")

    r = tsub.add_parser("recognizer", help="train the Korean line recognizer on rendered lines "
                                           "(plus the confirmed lines of PROJECT, when given)")
    r.add_argument("project", type=Path, nargs="?", help="a .hanji project whose confirmed lines are mixed in")
    r.add_argument("--steps", type=int, default=2000, help="optimizer steps in all (default 2000)")
    r.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    r.add_argument("--out", type=Path, default=DEFAULT_RUN_DIR, help=f"run folder (default {DEFAULT_RUN_DIR})")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--batch-size", type=int, default=16)
    r.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    r.add_argument("--workers", type=int, default=0, help="processes rendering lines ahead (use on a GPU)")
    r.add_argument("--eval-size", type=int, default=200, help="held-out lines rendered for the CER log (0: none)")
    r.add_argument("--init", default=None,
                   help="start from this weights file, or 'shipped' for the shipped ko_rec.pt, instead of PP-OCRv4")
    r.add_argument("--export", type=Path, default=None,
                   help="after training, write the best weights (fp16) to this file for load_recognizer(path=...)")
    r.set_defaults(func=cmd_recognizer)

    d = tsub.add_parser("detector", help="fine-tune the text detector (not yet available)")
    d.add_argument("project", type=Path)
    d.set_defaults(func=cmd_detector)

    t = tsub.add_parser("tagger", help="train the key-value tagger on a project's labelled documents "
                                       "(and generated Korean documents)")
    t.add_argument("project", type=Path, nargs="?")
    t.add_argument("--out", type=Path, default=Path("runs") / "tagger" / "tagger.pt")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--restart", action="store_true", help="start over instead of resuming from OUT's checkpoint")
    t.set_defaults(func=cmd_tagger)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def cmd_recognizer(args) -> int:
    from hanji.cli.progress import Bar
    from hanji.jobs.train_recognizer import export_best, run

    if args.project is not None and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    if args.resume and not (args.out / "last.pt").exists():
        raise HanjiError("nothing to resume: no last.pt in the run folder", args.out)
    from hanji.jobs.base import Cancelled

    try:
        with Bar("training recognizer", "step") as bar:
            res = run(args.out, steps=args.steps, resume=args.resume, seed=args.seed, batch_size=args.batch_size,
                      init=args.init, threads=args.threads, project=args.project, progress=bar,
                      eval_size=args.eval_size, workers=args.workers, log=lambda m: bar.bar.write(m))
    except Cancelled:
        print(f"stopped; checkpoint in {args.out / 'last.pt'} (continue with --resume)")
        return 130
    print(f"step {res['step']}, best held-out CER {res['best_cer']:.4f}, checkpoints in {res['out']}")
    if args.export:
        path = export_best(args.out, args.export)
        print(f"wrote {path}")
    return 0


def cmd_detector(args) -> int:
    raise HanjiError("training the detector is not available yet; the shipped PP-OCRv4 detector is used as is")


def cmd_tagger(args) -> int:
    try:
        mod = importlib.import_module("hanji.jobs.train_tagger")
    except ModuleNotFoundError as e:
        if e.name != "hanji.jobs.train_tagger":
            raise
        raise HanjiError("the key-value tagger trainer is not part of this build (hanji.jobs.train_tagger)") from e
    from hanji.cli.progress import Bar

    if args.project is not None and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    kwargs = {"seed": args.seed, "resume": not args.restart}
    if args.steps is not None:
        kwargs["steps"] = args.steps
    args.out.parent.mkdir(parents=True, exist_ok=True)
    store = None
    if args.project is not None:
        from hanji.store import ProjectStore

        store = ProjectStore.open(args.project, readonly=True)
    try:
        with Bar("training tagger", "step") as bar:
            res = mod.run(store, args.out, progress=bar, log=lambda m: bar.bar.write(str(m)), **kwargs)
    finally:
        if store is not None:
            store.close()
    print(res)
    return 0
