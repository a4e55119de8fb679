"""SROIE receipts outside the shared sample, for benchmarks/kie.py (``--sroie-unseen``, ``--sroie-train-extra``).

The full SROIE task-3 set (626 receipts, the same ``img/ box/ key/`` layout as ../shared/data/sroie)
lives outside the repository; nothing here is committed or needed by the tests. Receipts 000-059 of
it are the shared sample; the rest is split once, before anyone looked at it:

- **060-399: development.** Misses may be read, rules tuned and taggers trained on them.
- **400-625: final test.** Never read its misses, never tune or train on it; measure it at the end,
  once or twice. The benchmark prints no per-receipt miss for it, even with ``--verbose``.

A receipt whose image is byte-identical to one of an earlier block (the shared sample, or a lower
number) is left out (076 = 625, 277 = 452, 074 = 624), so the final block holds no copy of a receipt
that development read. Receipts of the same shops do recur across the blocks, as in SROIE's own
train/test split.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

DEV = (60, 399)
FINAL = (400, 625)
KEYS = ["company", "date", "address", "total"]


def parse_range(text: str) -> tuple[int, int]:
    """``'60-399'`` -> (60, 399), inclusive; ``'400'`` -> (400, 400)."""
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def _number(name: str) -> int | None:
    stem = Path(name).stem
    return int(stem) if stem.isdigit() else None


def samples(folder: str | Path, lo: int, hi: int, shared: Path) -> list:
    """The SROIE samples of ``folder`` numbered ``lo..hi`` that are not in the shared sample (by name) and
    whose image is no byte copy of the shared sample's or of a lower-numbered receipt's."""
    from hanji.formats import sroie as fmt
    from hanji.formats.base import Skipped

    seen: set[str] = set()
    if (shared / "img").is_dir():
        seen = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (shared / "img").iterdir()}
    shared_names = {p.stem for p in (shared / "img").iterdir()} if (shared / "img").is_dir() else set()
    out, copies = [], []
    for s in sorted((s for s in fmt.read(Path(folder)) if not isinstance(s, Skipped)), key=lambda s: s.name):
        n = _number(s.name)
        if n is None or Path(s.name).stem in shared_names:
            continue
        digest = hashlib.sha256(Path(s.image_path).read_bytes()).hexdigest()
        if n <= hi and digest in seen:
            if lo <= n:
                copies.append(s.name)
            continue
        seen.add(digest)
        if lo <= n <= hi:
            out.append(s)
    if copies:
        print(f"#   left out as byte copies of an earlier receipt: {', '.join(copies)}")
    return out


def gold_of(sample) -> dict[str, list[str]]:
    return {kv.key: [kv.value] for kv in sample.keyvalues if kv.key in KEYS}


def read_pages(pipe, items: list, cache_path: str | None) -> dict:
    """The OCR pipeline's page of each sample, by name; pages in ``cache_path`` are not read again, and the
    cache is written as it grows (every 10 receipts), so a stopped run goes on where it was."""
    from hanji.models.pipeline import load_image

    cache = {}
    if cache_path and Path(cache_path).exists():
        cache = pickle.loads(Path(cache_path).read_bytes())
    todo = [s for s in items if s.name not in cache]
    print(f"#   unseen receipts: {len(items)}; {len(items) - len(todo)} pages cached, {len(todo)} to read", flush=True)
    t0 = time.perf_counter()
    for i, s in enumerate(todo, 1):
        cache[s.name] = pipe.page(load_image(s.image_path))
        if cache_path and (i % 10 == 0 or i == len(todo)):
            tmp = Path(cache_path).with_suffix(".part")
            tmp.write_bytes(pickle.dumps(cache))
            tmp.replace(cache_path)
        if i % 20 == 0:
            print(f"#   read {i}/{len(todo)} in {time.perf_counter() - t0:.0f} s", flush=True)
    return cache


def evaluate(args, taggers: list, vocab, pipe, line, peer: str, shared: Path,
             trained_on: dict[str, set[str]] | None = None) -> None:
    """``kie.sroie.unseen.*``: the same end-to-end F1s as ``kie.sroie.f1_end_to_end_ocr*`` on the receipts
    of ``args.sroie_unseen`` in ``args.sroie_unseen_range``, with the same taggers. ``trained_on``: per
    tagger name, receipts it trained on, left out of its figure."""
    from hanji.domain.fields import field_counts, prf, tags_from_keyvalues
    from hanji.domain.order import reading_order
    from hanji.jobs.extract import extract_regions

    lo, hi = parse_range(args.sroie_unseen_range)
    final = lo <= FINAL[1] and hi >= FINAL[0]
    block = "final test block: no per-receipt misses printed" if final else "development block"
    items = samples(args.sroie_unseen, lo, hi, shared)
    print(f"# SROIE unseen receipts {lo:03d}-{hi:03d} of {args.sroie_unseen} ({block}): {len(items)} receipts, "
          "read by the OCR pipeline, extracted with the taggers trained above", flush=True)
    pages = read_pages(pipe, items, args.sroie_unseen_pages)
    in_ocr = defaultdict(int)
    n_gold = 0
    for s in items:
        page = pages[s.name]
        kvs = [kv for kv in s.keyvalues if kv.key in KEYS]
        n_gold += len(kvs)
        ordered = [page[i] for i in reading_order([r.points for r in page])]
        for k in {t[2:] for tg in tags_from_keyvalues(ordered, kvs, min_ratio=0.999) for t in tg if t != "O"}:
            in_ocr[k] += 1
    n = len(items)
    line("kie.sroie.unseen.values_in_ocr_text", sum(in_ocr.values()) / max(1, n_gold),
         f"(share of true values written exactly in the OCR text of the {n} receipts: "
         + ", ".join(f"{k} {in_ocr[k]}/{n}" for k in KEYS) + ")")
    for name, tagger, what in taggers:
        skip = (trained_on or {}).get(name, set())
        counts = defaultdict(lambda: [0, 0, 0])
        used = 0
        misses = []
        for s in items:
            if s.name in skip:
                continue
            used += 1
            gold = gold_of(s)
            res = extract_regions(copy.deepcopy(pages[s.name]), "sroie", tagger, vocab=vocab.get(name) if
                                  isinstance(vocab, dict) else vocab)
            got = {k: (v if isinstance(v, list) else [v]) for k, v in res["fields"].items() if k in KEYS}
            for k, c in field_counts(gold, got, KEYS).items():
                for j in range(3):
                    counts[k][j] += c[j]
                if (c[1] or c[2]) and args.verbose and not final:
                    misses.append(f"#   unseen {name} {k} miss {s.name}: true {gold.get(k, [''])[0]!r}, got {got.get(k)!r}")
        if not used:
            print(f"#   {name}: every receipt of the range was in its training set; no figure")
            continue
        tot = [sum(c[j] for c in counts.values()) for j in range(3)]
        left = f", {len(skip & {s.name for s in items})} receipts it trained on left out" if skip else ""
        line(f"kie.sroie.unseen.{name}", prf(*tot)[2],
             f"F1 ({used} unseen receipts {lo:03d}-{hi:03d} read by the OCR pipeline; {what}{left})", peer)
        for k in KEYS:
            line(f"kie.sroie.unseen.{k}.{name}", prf(*counts[k])[2], "F1")
        for m in misses:
            print(m)


def extra_project(tmp: str, shared: Path, train_names: list[str], folder: str, rng: str):
    """A project holding the shared sample's training receipts (``train_names``) and the receipts of
    ``folder`` in ``rng`` (copies of the files in a temporary folder: the import reads only inside
    its dataset folder). Returns ``(store, doc ids to train on, names of the extra receipts)``."""
    from hanji.jobs.transfer import import_path
    from hanji.store import ProjectStore

    lo, hi = parse_range(rng)
    if lo <= FINAL[1] and hi >= FINAL[0]:
        raise SystemExit(f"--sroie-train-extra-range {rng} reaches into the final test block {FINAL[0]}-{FINAL[1]}")
    items = samples(folder, lo, hi, shared)
    root = Path(tmp) / "extra_sroie"
    for sub in ("img", "box", "key"):
        (root / sub).mkdir(parents=True)
    srcs = [(shared, Path(n).stem) for n in train_names] + [(Path(folder), Path(s.name).stem) for s in items]
    for base, stem in srcs:
        for sub, ext in (("img", ".jpg"), ("box", ".csv"), ("key", ".json")):
            src = base / sub / (stem + ext)
            if src.exists():
                shutil.copyfile(src, root / sub / src.name)
    store = ProjectStore.create(Path(tmp) / "extra.hanji")
    import_path(store, root, "sroie")
    docs = store.documents()
    return store, [d.id for d in docs], {s.name for s in items}


def train_extra(args, train_names: list[str], shared: Path, train_tagger, load_predictor, project_vocabulary):
    """A tagger trained on the shared sample's training receipts plus ``--sroie-train-extra`` receipts,
    on the dataset's line text (as the canonical line-text tagger), with the field vocabulary of all
    of them. Returns ``(predictor, vocab, names of the extra receipts)``."""
    tmp = tempfile.mkdtemp(prefix="kie_extra_")
    try:
        store, ids, names = extra_project(tmp, shared, train_names, args.sroie_train_extra,
                                          args.sroie_train_extra_range)
        model = Path(args.sroie_extra_model) if args.sroie_extra_model else Path(tmp) / "extra_tagger.pt"
        if not (args.sroie_extra_model and model.exists()):
            t0 = time.perf_counter()
            res = train_tagger(store, model, steps=args.sroie_extra_steps, seed=0, synthetic=False, doc_ids=ids,
                               batch_size=8, threads=1, init=args.sroie_init or None, config={"dropout": 0.2},
                               o_weight=0.5, log=lambda m: None)
            print(f"#   extra tagger: {len(ids)} receipts ({len(names)} from {args.sroie_train_extra} "
                  f"{args.sroie_train_extra_range}), {res['steps']} steps in {time.perf_counter() - t0:.0f} s, "
                  f"final loss {res['loss']:.4f}", flush=True)
        pred = load_predictor(model)
        vocab = (None if args.sroie_no_vocab else
                 project_vocabulary(store, ids, args.sroie_vocab_min_count, args.sroie_vocab_min_length))
        store.close()
        return pred, vocab, names
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
