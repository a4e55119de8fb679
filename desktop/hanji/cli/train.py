"""``hanji train recognizer | detector | tagger``: train models on this machine (GPU when present)."""

from __future__ import annotations

import importlib
from pathlib import Path

from hanji.cli import project_arg
from hanji.errors import HanjiError

DEFAULT_RUN_DIR = Path("runs") / "ko_rec"
DEFAULT_TAGGER = Path("runs") / "tagger" / "tagger.pt"
FLYWHEEL_STEPS = 300
FLYWHEEL_TAGGER_STEPS = 300
FLYWHEEL_DETECTOR_STEPS = 200


def register(sub) -> None:
    p = sub.add_parser("train", help="train a model (recognizer, detector, tagger)")
    tsub = p.add_subparsers(dest="what", metavar="MODEL")

    r = tsub.add_parser("recognizer", help="fine-tune the recognizer on PROJECT's confirmed lines and keep it in the "
                                           "project (without PROJECT, or with --out: train on rendered lines)")
    r.add_argument("project", type=project_arg, nargs="?",
                   help="a .hanji project: fine-tune on its confirmed lines, measure on its held-out documents, keep "
                        "the model in it and use it for pre-annotation when it is better")
    r.add_argument("--steps", type=int, default=None,
                   help=f"optimizer steps in all (default {FLYWHEEL_STEPS} with a project, 2000 on rendered lines)")
    r.add_argument("--restart", action="store_true", help="with a project: start over instead of resuming")
    r.add_argument("--json", action="store_true", help="with a project: print the result as one JSON object")
    r.add_argument("--resume", action="store_true", help="continue from OUT/last.pt (rendered-line training)")
    r.add_argument("--out", type=Path, default=None,
                   help=f"run folder for rendered-line training (default {DEFAULT_RUN_DIR}); with a project, the "
                        "project's confirmed lines are then mixed into that recipe instead")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--batch-size", type=int, default=16)
    r.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    r.add_argument("--workers", type=int, default=0, help="processes rendering lines ahead (use on a GPU)")
    r.add_argument("--eval-size", type=int, default=200, help="held-out lines rendered for the CER log (0: none)")
    r.add_argument("--init", default=None,
                   help="start from this weights file, or 'shipped' for the shipped ko_rec.pt, instead of PP-OCRv4")
    r.add_argument("--realistic", type=float, default=0.0, metavar="SHARE",
                   help="share of each batch rendered by the print-reality engine (print styles, thermal, photo "
                        "effects, real Korean text; hanji.synth.printline), e.g. 0.6 (default 0: the plain line renderer)")
    r.add_argument("--hard", type=float, default=0.0, metavar="SHARE",
                   help="share of the print-reality lines drawn from its hard recipe (coarse dot grids, typewriters, "
                        "small photographed text; hanji.synth.printline.render_hard_line), e.g. 0.5 (default 0)")
    r.add_argument("--lr", type=float, default=None, help="backbone learning rate (the head's is 4x; default 5e-4)")
    r.add_argument("--freeze-blocks", type=int, default=None,
                   help="backbone blocks kept as they are (default 10; fewer adapts more, costs more CPU)")
    r.add_argument("--eval-every", type=int, default=500, help="steps between held-out evaluations")
    r.add_argument("--checkpoint-every", type=float, default=240.0, metavar="SECONDS",
                   help="seconds between checkpoints (OUT/last.pt)")
    r.add_argument("--export", type=Path, default=None,
                   help="after training, write the best weights (fp16) to this file for load_recognizer(path=...)")
    r.add_argument("--base", choices=("ko", "ppocr_en"), default=None,
                   help="with a project: start from this shipped recognizer (ppocr_en for English documents) instead "
                        "of the project's active one (default: the active one, else ko)")
    r.set_defaults(func=cmd_recognizer)

    d = tsub.add_parser("detector", help="fine-tune the text detector on PROJECT's fully labelled pages and keep it "
                                         "in the project")
    d.add_argument("project", type=project_arg)
    d.add_argument("--steps", type=int, default=None, help=f"optimizer steps (default {FLYWHEEL_DETECTOR_STEPS})")
    d.add_argument("--batch-size", type=int, default=2)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    d.add_argument("--restart", action="store_true", help="start over instead of resuming")
    d.add_argument("--json", action="store_true", help="print the result as one JSON object")
    d.set_defaults(func=cmd_detector)

    t = tsub.add_parser("tagger", help="fine-tune the key-value tagger on PROJECT's labelled documents and keep it in "
                                       "the project (without PROJECT, or with --out: train to a file)")
    t.add_argument("project", type=project_arg, nargs="?")
    t.add_argument("--out", type=Path, default=None,
                   help=f"train to this file instead of into the project (default without a project: {DEFAULT_TAGGER})")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--restart", action="store_true", help="start over instead of resuming from a checkpoint")
    t.add_argument("--json", action="store_true", help="with a project: print the result as one JSON object")
    t.add_argument("--synthetic", type=int, default=200,
                   help="with a project: generated Korean documents mixed in when its documents are of those types "
                        "(default 200)")
    t.set_defaults(func=cmd_tagger)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    m = sub.add_parser("models", help="the models trained on a project: list them, choose which one pre-annotation uses")
    m.add_argument("project", type=project_arg)
    m.add_argument("--activate", type=int, metavar="ID", help="make this trained model its task's active one")
    m.add_argument("--shipped", choices=("recognizer", "tagger", "detector"),
                   help="go back to the shipped model for this task")
    m.add_argument("--json", action="store_true", help="one JSON object per model")
    m.set_defaults(func=cmd_models)


def cmd_recognizer(args) -> int:
    from hanji.cli.progress import Bar
    from hanji.jobs.train_recognizer import export_best, run

    if isinstance(args.project, Path) and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    if args.project is not None and args.out is None:
        return _flywheel(args, "recognizer")
    args.out = args.out or DEFAULT_RUN_DIR
    args.steps = args.steps or 2000
    if args.resume and not (args.out / "last.pt").exists():
        raise HanjiError("nothing to resume: no last.pt in the run folder", args.out)
    from hanji.jobs.base import Cancelled

    try:
        with Bar("training recognizer", "step") as bar:
            res = run(args.out, steps=args.steps, resume=args.resume, seed=args.seed, batch_size=args.batch_size,
                      init=args.init, threads=args.threads, project=args.project, progress=bar,
                      eval_size=args.eval_size, workers=args.workers, realistic=args.realistic, hard=args.hard, lr=args.lr,
                      freeze_blocks=args.freeze_blocks, eval_every=args.eval_every,
                      checkpoint_every_s=args.checkpoint_every, log=lambda m: bar.bar.write(m))
    except Cancelled:
        print(f"stopped; checkpoint in {args.out / 'last.pt'} (continue with --resume)")
        return 130
    print(f"step {res['step']}, best held-out CER {res['best_cer']:.4f}, checkpoints in {res['out']}")
    if args.export:
        path = export_best(args.out, args.export)
        print(f"wrote {path}")
    return 0


def cmd_detector(args) -> int:
    if isinstance(args.project, Path) and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    return _flywheel(args, "detector")


def cmd_tagger(args) -> int:
    try:
        mod = importlib.import_module("hanji.jobs.train_tagger")
    except ModuleNotFoundError as e:
        if e.name != "hanji.jobs.train_tagger":
            raise
        raise HanjiError("the key-value tagger trainer is not part of this build (hanji.jobs.train_tagger)") from e
    if isinstance(args.project, Path) and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    if args.project is not None and args.out is None:
        return _flywheel(args, "tagger")
    args.out = args.out or DEFAULT_TAGGER
    from hanji.cli.progress import Bar

    kwargs = {"seed": args.seed, "resume": not args.restart}
    if args.steps is not None:
        kwargs["steps"] = args.steps
    args.out.parent.mkdir(parents=True, exist_ok=True)
    store = None
    if args.project is not None:
        from hanji.store import open_project

        store = open_project(args.project, readonly=True)
    try:
        with Bar("training tagger", "step") as bar:
            res = mod.run(store, args.out, progress=bar, log=lambda m: bar.bar.write(str(m)), **kwargs)
    finally:
        if store is not None:
            store.close()
    print(res)
    return 0


def _flywheel(args, task: str) -> int:
    """Fine-tune on the project, keep the model in it; Ctrl-C stops after the current step (a rerun resumes)."""
    import json
    import signal
    import threading

    from hanji.cli.progress import Bar
    from hanji.jobs.base import Cancelled, CancelToken
    from hanji.store import open_project

    cancel = CancelToken()

    def on_sigint(*_):
        if cancel.cancelled:  # a second Ctrl-C does not wait for the step (or the measuring) to end
            raise KeyboardInterrupt
        cancel.cancel()

    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGINT, on_sigint)
    try:
        with open_project(args.project) as store, Bar(f"training {task}", "step") as bar:
            log = (lambda m: None) if args.json else (lambda m: bar.bar.write(str(m)))
            common = {"seed": args.seed, "resume": not args.restart, "progress": bar, "cancel": cancel, "log": log}
            if task == "recognizer":
                from hanji.jobs.flywheel import train_recognizer

                res = train_recognizer(store, steps=args.steps or FLYWHEEL_STEPS, batch_size=args.batch_size,
                                       threads=args.threads, base=args.base, **common)
            elif task == "detector":
                from hanji.jobs.flywheel_detector import train_detector

                res = train_detector(store, steps=args.steps or FLYWHEEL_DETECTOR_STEPS, batch_size=args.batch_size,
                                     threads=args.threads, **common)
            else:
                from hanji.jobs.flywheel_tagger import train_tagger

                res = train_tagger(store, steps=args.steps or FLYWHEEL_TAGGER_STEPS, n_synthetic=args.synthetic,
                                   **common)
    except Cancelled:
        if args.json:
            print(json.dumps({"task": task, "project": str(args.project), "cancelled": True}))
        else:
            print(f"stopped; the checkpoint is kept, run the same command again to resume ({args.project})")
        return 130
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
    if args.json:
        print(json.dumps({"project": str(args.project), "cancelled": False, **res.as_json()}, ensure_ascii=False))
        return 0
    m = res.metrics
    if m["metric"] == "cer":
        what = f"held-out CER {100 * m['before']:.2f}% -> {100 * m['after']:.2f}%"
    elif m["metric"] == "hmean":
        what = f"held-out H-mean {m['before']:.3f} -> {m['after']:.3f}"
    else:
        what = f"held-out entity F1 {m['before']:.3f} -> {m['after']:.3f}"
    print(f"{res.name}: {what} on {m['n_heldout_docs']} held-out document(s), trained on {m['n_train_docs']} "
          f"document(s), {m['steps']} steps (from {m['base']})")
    if res.activated:
        print(f"activated: pre-annotation in this project now uses {res.name}")
    else:
        print(f"not activated (no better than {m['base']}); kept in the project, pre-annotation keeps {m['base']}")
    return 0


def cmd_models(args) -> int:
    import json

    from hanji.store import open_project

    if isinstance(args.project, Path) and not args.project.exists():
        raise HanjiError("no such project file", args.project)
    change = args.activate is not None or args.shipped is not None
    with open_project(args.project, readonly=not change) as store:
        if args.activate is not None:
            store.models.activate(args.activate)
        if args.shipped is not None:
            store.models.deactivate(args.shipped)
        models = store.models.list()
    for mo in models:
        if args.json:
            print(json.dumps(mo.as_json(), ensure_ascii=False))
            continue
        mt = mo.metrics
        what = mt.get("metric", "")
        figures = f"{what} {mt['before']:.4f} -> {mt['after']:.4f}" if "before" in mt and "after" in mt else ""
        print(f"{mo.id:>4} {'*' if mo.active else ' '} {mo.task:<10} {mo.name:<14} {figures:<28} "
              f"train docs {mt.get('n_train_docs', '?')}, held-out {mt.get('n_heldout_docs', '?')}, "
              f"sha256 {mo.sha256[:12]}")
    if not models and not args.json:
        print("no trained models in this project (hanji train recognizer|tagger PROJECT)")
    return 0
