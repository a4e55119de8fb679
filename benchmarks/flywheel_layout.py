"""The tagger's flywheel on a layout Hanji has never seen: value F1 on held-out documents of one
template family of ``benchmarks/kie_layouts.py`` after a labeller confirms N documents of it.

    .venv/bin/python benchmarks/flywheel_layout.py [--type business_registration] [--family 2]
                                                   [--ns 0 5 10 20] [--steps 200] [--heldout 16]

Per N a project is made: N documents of the family (their drawn lines as confirmed regions with their
tags, as a labeller leaves them) pinned to train, ``--heldout`` others (other seeds) pinned held out
(``attrs["split"]``). N = 0 is the shipped tagger; otherwise the product's flywheel
(:func:`hanji.jobs.flywheel_tagger.train_tagger`, what ``hanji train tagger PROJECT`` runs) fine-tunes it
on the N documents. Then extraction (``hanji extract``'s path, true text and boxes, no OCR) on the
held-out documents, with the label linking and without it (the tagger and receipt rules alone).
Fields compared with spaces removed, case ignored. One torch thread.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _add_doc(store, doc_type: str, family: int, seed: int, font, split: str):
    from kie_layouts import make

    from hanji.domain.model import Region

    img, regions, gold = make(doc_type, family, seed, font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    d, _ = store.add_image_bytes(f"{doc_type}_{family}_{seed}.png", buf.getvalue())
    store.add_regions(d.id, [Region(points=r.points, text=r.text, tags=list(r.tags), status="confirmed",
                                    attrs={"tags_source": "human"}) for r in regions if r.text.strip()])
    store.update_document(d.id, doc_type=doc_type, attrs={"split": split})
    return d.id, regions, gold


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--type", default="business_registration")
    ap.add_argument("--family", type=int, default=2)
    ap.add_argument("--ns", type=int, nargs="+", default=[0, 5, 10, 20])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--heldout", type=int, default=16)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    from hanji.domain.fields import field_counts, prf
    from hanji.jobs.extract import extract_regions, load_predictor
    from hanji.jobs.flywheel_tagger import train_tagger
    from hanji.jobs.train_tagger import split_fonts
    from hanji.store import ProjectStore

    fonts = split_fonts(held_out=True)
    print(f"# flywheel on a new layout: {args.type} family {args.family} of benchmarks/kie_layouts.py; "
          f"{args.heldout} held-out documents; {args.steps} steps per N; true text (no OCR)")
    for n in args.ns:
        with tempfile.TemporaryDirectory() as tmp:
            store = ProjectStore.create(Path(tmp) / "p.hanji")
            for i in range(n):
                _add_doc(store, args.type, args.family, 600_000 + i, fonts[i % len(fonts)], "train")
            held = [_add_doc(store, args.type, args.family, 700_000 + i, fonts[(i + 1) % len(fonts)], "heldout")
                    for i in range(args.heldout)]
            t0 = time.perf_counter()
            if n:
                from hanji.models import zoo

                res = train_tagger(store, steps=args.steps, threads=1, seed=0)
                # the fine-tuned weights, kept in the project (active or not: what the fine-tuning gives)
                pred = zoo.tagger(weights=zoo.Stored(name=res.name, data=store.models.weights(res.model_id),
                                                     sha256=res.sha256, source="project"))
                print(f"#   N={n}: flywheel held-out entity F1 {res.metrics.get('before', 0):.4f} -> "
                      f"{res.metrics.get('after', 0):.4f}; {'activated' if res.activated else 'not activated'}")
            else:
                pred = load_predictor()
            train_s = time.perf_counter() - t0
            for link in (False, True):
                tot = defaultdict(lambda: [0, 0, 0])
                for _, regions, gold in held:
                    out = extract_regions(regions, "auto", pred, link=link)
                    got = {k: (v if isinstance(v, list) else [v]) for k, v in out["fields"].items() if k in gold}
                    for k, c in field_counts(gold, got).items():
                        for j in range(3):
                            tot[k][j] += c[j]
                f1 = prf(*[sum(c[j] for c in tot.values()) for j in range(3)])[2]
                name = "with_linking" if link else "tagger_alone"
                print(f"kie.flywheel_layout.n{n}.{name} {f1:.4f} F1 (N={n} confirmed documents; training {train_s:.0f} s)",
                      flush=True)
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
