"""The realistic Korean figures of benchmarks/ocr.py (pages from benchmarks/realistic_pages.py).

For each system, in the same run, on the same pages (each page through every system in turn):
- ``realistic_line_cer``: CER of the ground-truth line boxes read one by one, each cut with the
  margin Hanji reads a drawn box with (``hanji.models.pipeline.BOX_MARGIN``; every system gets the
  same crops); ``realistic_line_cer_tight``: Hanji on the same boxes cut at their edge (the
  figure before that margin);
- ``realistic_page_cer``: CER of the page's whole text, the system's lines in its reading order
  against the true reading order (spaces ignored);
- ``realistic_det_hmean``: line detection H-mean, IoU >= 0.5, one-to-one;
- ``realistic_order_accuracy``: of the pairs of true lines both found (matched one-to-one), the
  share the system puts in the true relative order (Kendall's concordance);
- ``realistic_order_accuracy_gt_boxes``: the same for the reading order alone, given the true
  boxes shuffled (Hanji's ``reading_order`` against RapidOCR's top-to-bottom box sort);
- ``realistic_pipeline_speed_cpu``: pages per second of the whole page pipeline.
"""

from __future__ import annotations

import random
import time

from hanji.domain import geometry


def match_pairs(found, truth, thr: float = 0.5) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by IoU, best pairs first: ``(found index, truth index)``."""
    pairs = []
    tb = [geometry.bbox(t) for t in truth]
    for i, f in enumerate(found):
        fx0, fy0, fx1, fy1 = geometry.bbox(f)
        for j, (x0, y0, x1, y1) in enumerate(tb):
            if x1 <= fx0 or fx1 <= x0 or y1 <= fy0 or fy1 <= y0:
                continue
            u = geometry.iou(f, truth[j])
            if u >= thr:
                pairs.append((u, i, j))
    return geometry.one_to_one(pairs)


def concordant(pairs: list[tuple[int, int]]) -> tuple[int, int]:
    """(concordant pairs, all pairs) between the found order (first) and the true order (second)."""
    pairs = sorted(pairs)
    good = total = 0
    for a in range(len(pairs)):
        for b in range(a + 1, len(pairs)):
            total += 1
            good += pairs[a][1] < pairs[b][1]
    return good, total


def rapidocr_sort(quads) -> list[int]:
    """RapidOCR's (PaddleOCR's) ``sorted_boxes``: by top-left y then x, then neighbours less than
    10 px apart in y swapped into left-to-right order."""
    idx = sorted(range(len(quads)), key=lambda i: (quads[i][0][1], quads[i][0][0]))
    for i in range(len(idx) - 1):
        for j in range(i, -1, -1):
            a, b = quads[idx[j]], quads[idx[j + 1]]
            if abs(b[0][1] - a[0][1]) < 10 and b[0][0] < a[0][0]:
                idx[j], idx[j + 1] = idx[j + 1], idx[j]
            else:
                break
    return idx


def run(pages, systems, line_systems, line, cer, prh_cls, crop_region, max_lines: int = 10_000,
        orders: list | None = None) -> None:
    """Print the realistic figures; ``systems[0]`` (and ``line_systems[0]``) is Hanji, the rest peers.
    ``orders``: ``(name, reading_order function)`` also judged on the true boxes shuffled."""
    from hanji.domain.order import reading_order

    names = [s.name for s in systems]
    prh = {n: prh_cls() for n in names}
    times = dict.fromkeys(names, 0.0)
    page_pred = {n: [] for n in names}
    order = {n: [0, 0] for n in names}
    truth_pages = []
    warm = pages[0].image[: max(64, pages[0].image.shape[0] // 4)]
    for s in systems:  # first calls load and set up (weights, thread pools): not timed
        s.page(warm)
    for p in pages:
        quads = [q for q, _ in p.lines]
        truth_pages.append("".join(t for _, t in p.lines))
        for s in systems:
            t0 = time.perf_counter()
            out = s.page(p.image)
            times[s.name] += time.perf_counter() - t0
            found = [q for q, _ in out]
            prh[s.name].update(found, quads)
            page_pred[s.name].append("".join(t for _, t in out))
            g, n = concordant(match_pairs(found, quads))
            order[s.name][0] += g
            order[s.name][1] += n

    def report(name, values, unit=""):
        ours = names[0]
        line(name, values[ours], unit, [(n, values[n]) for n in names[1:]])

    report("realistic_page_cer", {n: cer(page_pred[n], truth_pages) for n in names})
    report("realistic_det_hmean", {n: prh[n].values()[2] for n in names})
    report("realistic_order_accuracy", {n: order[n][0] / max(1, order[n][1]) for n in names})
    report("realistic_pipeline_speed_cpu", {n: len(pages) / times[n] if times[n] else 0.0 for n in names},
           "pages/s")

    # the reading order alone, on the true boxes shuffled
    rng = random.Random(0)
    sorts = [("ours", reading_order)] + list(orders or []) + [("rapidocr_sort", rapidocr_sort)]
    ok = dict.fromkeys([n for n, _ in sorts], 0)
    total = 0
    for p in pages:
        quads = [q for q, _ in p.lines]
        perm = list(range(len(quads)))
        rng.shuffle(perm)
        shuffled = [quads[i] for i in perm]
        for name, sort in sorts:
            g, n = concordant([(k, perm[i]) for k, i in enumerate(sort(shuffled))])
            ok[name] += g
        total += n
    line("realistic_order_accuracy_gt_boxes", ok["ours"] / max(1, total), "",
         [(n, ok[n] / max(1, total)) for n, _ in sorts[1:]])

    from hanji.models.pipeline import BOX_MARGIN

    crops, tight, truths = [], [], []
    for p in pages:
        for q, t in p.lines:
            if len(crops) < max_lines:
                crops.append(crop_region(p.image, q, BOX_MARGIN))
                tight.append(crop_region(p.image, q))
                truths.append(t)
    ln = {s.name: cer(s.lines(crops), truths) for s in line_systems}
    lnames = [s.name for s in line_systems]
    line("realistic_line_cer", ln[lnames[0]], "", [(n, ln[n]) for n in lnames[1:]])
    ours = [s for s in line_systems if s.name.startswith("hanji")]
    lt = {s.name: cer(s.lines(tight), truths) for s in ours}
    line("realistic_line_cer_tight", lt[ours[0].name], "", [(s.name, lt[s.name]) for s in ours[1:]])
    print(f"# realistic set: {len(pages)} pages, {sum(len(p.lines) for p in pages)} lines "
          f"({len(crops)} read for the line CER)", flush=True)
