"""Ship the Korean recognizer: export a training run's best checkpoint as fp16 weights into
``resources/models/ko_rec.pt`` and record it in MANIFEST.json.

    .venv/bin/python tools/ship_ko_rec.py [RUN_DIR=runs/ko_rec] [--source TEXT] [--note TEXT]

``--source`` says how the run was made (the command line and commit); ``--note`` what the held-out
figure measures. The file must stay under 20 MB; ``load_shipped`` checks its SHA-256.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))


def main(argv: list[str]) -> int:
    import argparse

    from hanji.jobs.train_recognizer import export_best
    from hanji.models.weights import load_state, sha256_file

    ap = argparse.ArgumentParser()
    ap.add_argument("run", nargs="?", type=Path, default=ROOT / "runs" / "ko_rec")
    ap.add_argument("--source", default="trained by Hanji: `hanji train recognizer` (hanji.jobs.train_recognizer, seed 0) "
                                        "on lines rendered by hanji.synth.lines from the training fonts, starting from "
                                        "ppocr_en_rec.pt")
    ap.add_argument("--note", default=None)
    ap.add_argument("--which", choices=("best", "last"), default="best", help="the run's checkpoint to ship")
    ap.add_argument("--blend-shipped", type=float, default=None, metavar="ALPHA",
                    help="ship ALPHA x the run's weights + (1 - ALPHA) x the ko_rec.pt shipped now (WiSE-FT)")
    args = ap.parse_args(argv)
    run = args.run
    dest = ROOT / "resources/models/ko_rec.pt"
    export_best(run, dest, args.which, args.blend_shipped)
    if dest.stat().st_size > 20e6:
        raise SystemExit(f"{dest} is {dest.stat().st_size / 1e6:.1f} MB: over the 20 MB limit for shipped weights")
    meta = load_state(dest)["meta"]
    man_path = dest.parent / "MANIFEST.json"
    man = json.loads(man_path.read_text(encoding="utf-8")) if man_path.exists() else {}
    man[dest.name] = {
        "sha256": sha256_file(dest),
        "licence": "Apache-2.0 (Hanji); fine-tuned from PaddleOCR PP-OCRv4 rec (Apache-2.0), see NOTICE-PaddleOCR.txt",
        "source": args.source,
        "version": meta["version"],
        "held_out_cer": round(float(meta.get("held_out_cer", float("nan"))), 4),
    }
    if args.note:
        man[dest.name]["held_out_cer_note"] = args.note
    man_path.write_text(json.dumps(man, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB), version {meta['version']}, "
          f"held-out CER {meta.get('held_out_cer')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
