"""Search latency on a project of 100,000 regions (target: p95 <= 50 ms), against a scan.

The project is built fast with raw inserts inside the store's ``atomic()`` (the FTS triggers keep
the trigram index as they would in use). Queries are Hangul, digit and Latin substrings cut from
the stored texts (so most of them match), of 3-8 characters (the FTS5 trigram index) and of 1 and 2
characters (too short for trigrams: the character-pair index). The peer is what a tool without an
index does: the same question answered by a LIKE scan of every region.

Prints one line per figure: ``name value unit (peer value, ratio)``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "desktop"))

from hanji.jobs import quality as jq  # noqa: E402
from hanji.store import ProjectStore  # noqa: E402
from hanji.synth.corpus import sample_text  # noqa: E402


def build(path: Path, docs: int, per_doc: int) -> list[str]:
    rng = random.Random(0)
    store = ProjectStore.create(path)
    texts = []
    now = time.time()
    with store._tx() as conn:
        for d in range(docs):
            cur = conn.execute(
                "INSERT INTO documents(name, sha256, width, height, status, doc_type, path, attrs, added, updated) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                (f"영수증_{d:05d}.png", f"{d:064x}", 1000, 1400, "done", "receipt", None, "{}", now, now))
            doc_id = cur.lastrowid
            rows = []
            for k in range(per_doc):
                t = sample_text(rng)
                texts.append(t)
                y = 20 + 26 * k
                pts = json.dumps([[20, y], [600, y], [600, y + 22], [20, y + 22]])
                rows.append((doc_id, "quad", pts, t, "confirmed", "human", None, k, "", "[]", None, "{}", now))
            conn.executemany(
                "INSERT INTO regions(doc_id, kind, points, text, status, source, confidence, ord, label, tags, "
                "machine_text, attrs, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.executemany(
                "INSERT INTO keyvalues(doc_id, key, value, region_ids, source, confidence) VALUES (?,?,?,?,?,?)",
                [(doc_id, key, sample_text(rng), "[]", "human", None)
                 for key in ("store_name", "address", "date", "total", "phone")])
    store.close()
    return texts


def queries(texts: list[str], n: int, length: tuple[int, int], seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        t = rng.choice(texts).replace(" ", "")
        k = rng.randint(*length)
        if len(t) < k:
            continue
        i = rng.randint(0, len(t) - k)
        out.append(t[i:i + k])
    return out


def timed(fn, qs: list[str]) -> tuple[list[float], int]:
    times, hits = [], 0
    for q in qs:
        t0 = time.perf_counter()
        hits += len(fn(q))
        times.append((time.perf_counter() - t0) * 1000)
    return times, hits


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--per-doc", type=int, default=50)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--limit", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.hanji"
        t0 = time.perf_counter()
        texts = build(path, args.docs, args.per_doc)
        print(f"build_{len(texts)}_regions {time.perf_counter() - t0:.1f} s")
        store = ProjectStore.open(path, readonly=True)
        long_q = queries(texts, args.queries, (3, 8), 1)
        short_q = queries(texts, args.queries // 2, (2, 2), 2)

        def like_scan(q: str):
            esc = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return store.conn.execute(
                "SELECT id FROM regions WHERE text LIKE ? ESCAPE '\\' ORDER BY doc_id, ord LIMIT ?",
                ("%" + esc + "%", args.limit)).fetchall()

        def full_scan(q: str):  # a tool without an index, all hits (a count of matches)
            esc = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return store.conn.execute("SELECT id FROM regions WHERE text LIKE ? ESCAPE '\\'",
                                      ("%" + esc + "%",)).fetchall()

        for fn in (lambda q: store.search(q, args.limit), like_scan):  # warm the page cache
            timed(fn, long_q[:10])
        fts, n_fts = timed(lambda q: store.search(q, args.limit), long_q)
        peer, _ = timed(full_scan, long_q)
        peer_limited, _ = timed(like_scan, long_q)
        short, _ = timed(lambda q: store.search(q, args.limit), short_q)
        one, _ = timed(lambda q: store.search(q, args.limit), [q[0] for q in short_q])
        kv, _ = timed(lambda q: store.search_keyvalues(q, args.limit), long_q)
        end, n_end = timed(lambda q: jq.search(store, q, args.limit), long_q)
        store.close()
    n = len(texts)
    for name, xs, ref in (("search_regions_fts_p95", fts, peer), ("search_regions_fts_p50", fts, peer)):
        p = 95 if name.endswith("95") else 50
        v, r = pct(xs, p), pct(ref, p)
        print(f"{name}_{n} {v:.2f} ms (LIKE scan of all regions {r:.2f} ms, ratio {v / r:.3f})")
    v, r = pct(fts, 95), pct(peer_limited, 95)
    print(f"search_regions_fts_p95_{n} {v:.2f} ms (LIKE scan stopping at {args.limit} hits {r:.2f} ms, "
          f"ratio {v / r:.3f})")
    v, r = pct(short, 95), pct(peer, 95)
    print(f"search_regions_2char_p95_{n} {v:.2f} ms (LIKE scan of all regions {r:.2f} ms, ratio {v / r:.3f})")
    v = pct(one, 95)
    print(f"search_regions_1char_p95_{n} {v:.2f} ms (LIKE scan of all regions {r:.2f} ms, ratio {v / r:.3f})")
    print(f"search_keyvalues_fts_p95_{args.docs * 5} {pct(kv, 95):.2f} ms")
    print(f"search_end_to_end_p95_{n} {pct(end, 95):.2f} ms (regions + key-values + document names, "
          f"limit {args.limit}; target 50 ms, ratio {pct(end, 95) / 50:.3f})")
    print(f"search_mean_hits {n_fts / len(long_q):.1f} regions/query, {n_end / len(long_q):.1f} results/query")


if __name__ == "__main__":
    main()
