"""The tagger's flywheel: does labelling more receipts of a kind the shipped tagger never saw make
``hanji train tagger PROJECT`` extract their key-values better? Held-out F1 for N labelled receipts.

    .venv/bin/python benchmarks/flywheel_tagger.py [--ns 5 10 20 38] [--steps 400] [--heldout 20]

The domain: SROIE's English receipts (../shared/data/sroie; skipped when absent), whose fields
(company, date, address, total) the shipped Korean tagger does not have. A project is made per N
from the same import: the last ``--heldout`` receipts by name are pinned held-out
(``attrs["split"]``), N of the others (the first N by name) are the labelled training documents,
the rest are deleted. The key files' values become tags (``hanji.domain.fields``), as for any
import with key-values. Then the product's flywheel (:func:`hanji.jobs.flywheel_tagger.train_tagger`,
what ``hanji train tagger PROJECT`` runs) measures the active tagger on the held-out receipts,
fine-tunes it from the shipped one (its encoder; new output heads), and keeps it.

Prints per N: the flywheel's own held-out entity F1 (exact spans) before and after, and field F1
on the held-out receipts through ``hanji extract``'s path (tagger plus the general receipt rules;
fields compared with spaces removed, case ignored, like benchmarks/kie.py). One torch thread.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
DATA = ROOT / ".." / "shared" / "data" / "sroie"
KEYS = ["company", "date", "address", "total"]


def field_f1(store, doc_ids: list[int], predictor) -> float:
    from hanji.domain.fields import field_counts, prf
    from hanji.jobs.extract import extract_regions

    tot = [0, 0, 0]
    for i in doc_ids:
        gold = {kv.key: [kv.value] for kv in store.keyvalues(i) if kv.key in KEYS}
        res = extract_regions(store.regions(i), "sroie", predictor)
        got = {k: (v if isinstance(v, list) else [v]) for k, v in res["fields"].items() if k in KEYS}
        for counts in field_counts(gold, got, KEYS).values():
            for j, x in enumerate(counts):
                tot[j] += x
    return prf(*tot)[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ns", type=int, nargs="+", default=[5, 10, 20, 38])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--heldout", type=int, default=20)
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"# skipped: {DATA} not found")
        return 0
    import torch

    from hanji.jobs.flywheel_tagger import SHIPPED_TAGGER, train_tagger
    from hanji.jobs.transfer import import_path
    from hanji.models.kie.predictor import KiePredictor
    from hanji.models.weights import load_shipped, load_state_bytes
    from hanji.store import ProjectStore

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "sroie.hanji"
        store = ProjectStore.create(base)
        import_path(store, DATA, "sroie")
        docs = sorted(store.documents(), key=lambda d: d.name)
        pool, held = docs[: -args.heldout], docs[-args.heldout:]
        print(f"# SROIE: {len(docs)} receipts; held out the last {len(held)} by name; N from the first "
              f"{len(pool)}; {args.steps} steps each, one thread", flush=True)
        shipped = field_f1(store, [d.id for d in held], KiePredictor(load_shipped(SHIPPED_TAGGER)))
        print(f"flywheel_tagger.n0.field_f1 {shipped:.4f} F1 (the shipped tagger + receipt rules)", flush=True)
        store.close()
        for n in args.ns:
            if n > len(pool):
                print(f"# N = {n} skipped: only {len(pool)} receipts to train on")
                continue
            path = Path(tmp) / f"n{n}.hanji"
            shutil.copy(base, path)
            store = ProjectStore.open(path)
            train = {d.id for d in pool[:n]}
            for d in docs:
                if d in held:
                    store.update_document(d.id, record=False, attrs={**d.attrs, "split": "heldout"})
                elif d.id in train:
                    store.update_document(d.id, record=False, attrs={**d.attrs, "split": "train"})
                else:
                    store.delete_document(d.id)
            t0 = time.perf_counter()
            res = train_tagger(store, steps=args.steps, seed=0, n_synthetic=0, threads=1, resume=False,
                               batch_size=8, config={"dropout": 0.2}, o_weight=0.5)
            m = res.metrics
            model = store.models.active("tagger")  # what extraction then uses: the active one, else the shipped one
            state = load_state_bytes(store.models.weights(model.id), path) if model else load_shipped(SHIPPED_TAGGER)
            f1 = field_f1(store, [d.id for d in held], KiePredictor(state))
            print(f"flywheel_tagger.n{n}.entity_f1 {m['after']:.4f} F1 (shipped tagger {m['before']:.4f}; "
                  f"{'activated' if res.activated else 'not activated'}; {time.perf_counter() - t0:.0f} s)")
            print(f"flywheel_tagger.n{n}.field_f1 {f1:.4f} F1 (held-out receipts, tagger + receipt rules)",
                  flush=True)
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
