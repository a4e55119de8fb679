"""Fit the label -> value link model of hanji.domain.kv_link on FUNSD's question -> answer links.

    .venv/bin/python tools/fit_kv_link.py [--data ../shared/data/funsd]

For every question with linked answers in the training forms, each linked answer is a positive
pair and every other answer entity of the form within 25 question heights a negative; the features
are :func:`hanji.domain.kv_link.link_features` of the two boxes. A logistic regression (L2, Newton
steps, numpy) is fitted; prints the weights to paste into ``LINK_WEIGHTS``/``LINK_BIAS`` and the
share of the test forms' linked questions whose best-scoring answer is a linked one, against the
nearest-answer baseline (the answer whose box is closest).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from hanji.domain.kv_link import link_features  # noqa: E402


def pairs(folder: Path):
    """Per linked question of each form: (question box, [(answer box, linked?)])."""
    for p in sorted((folder / "annotations").glob("*.json")):
        form = json.loads(p.read_text(encoding="utf-8"))["form"]
        by_id = {e["id"]: e for e in form}
        answers = [e for e in form if e["label"] == "answer"]
        for q in form:
            if q["label"] != "question":
                continue
            linked = {b for a, b in q.get("linking", []) if a == q["id"] and by_id.get(b, {}).get("label") == "answer"}
            if not linked:
                continue
            qb = tuple(float(x) for x in q["box"])
            h = max(1.0, qb[3] - qb[1])
            cands = []
            for a in answers:
                ab = tuple(float(x) for x in a["box"])
                dist = math.hypot((ab[0] + ab[2] - qb[0] - qb[2]) / 2, (ab[1] + ab[3] - qb[1] - qb[3]) / 2)
                if a["id"] in linked or dist < 25 * h:
                    cands.append((ab, a["id"] in linked))
            yield qb, cands


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 30) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        g = xb.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, g)
    return w


def _gap(qb, ab) -> float:
    return math.hypot(max(0.0, ab[0] - qb[2], qb[0] - ab[2]), max(0.0, ab[1] - qb[3], qb[1] - ab[3]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / ".." / "shared" / "data" / "funsd"))
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "training_data").is_dir():
        print(f"FUNSD not found at {data}")
        return 1
    xs, ys = [], []
    for qb, cands in pairs(data / "training_data"):
        for ab, pos in cands:
            xs.append(link_features(qb, ab))
            ys.append(1.0 if pos else 0.0)
    x, y = np.array(xs), np.array(ys)
    w = fit(x, y)
    print(f"# {int(y.sum())} linked pairs, {int(len(y) - y.sum())} unlinked, training forms")
    print("LINK_WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w[:-1]) + ")")
    print(f"LINK_BIAS = {w[-1]:.3f}")
    right = near = n = 0
    for qb, cands in pairs(data / "testing_data"):
        if len(cands) < 2:
            continue
        n += 1
        scores = [float(np.r_[link_features(qb, ab), 1.0] @ w) for ab, _ in cands]
        right += cands[int(np.argmax(scores))][1]

        near += min(cands, key=lambda c, qb=qb: _gap(qb, c[0]))[1]
    print(f"# test forms: best-scoring answer is a linked one for {right}/{n} questions ({right / max(1, n):.3f}); "
          f"nearest answer {near}/{n} ({near / max(1, n):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
