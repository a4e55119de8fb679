"""Build the Korean character language model that recognizers' beam search uses as a prior, into
``resources/models/ko_char_lm.txt.gz``, and record its SHA-256 in MANIFEST.json.

    .venv/bin/python tools/build_char_lm.py [--order 3] [--min-count 2] [--check]

Text: the recognizer's *training* sources of ``hanji.synth.textsource`` only: the Korean gettext
catalogs that are not held out, hunspell-ko's words and kiwipiepy-model's nouns. Never konlpy's
kolaw/kobill (evaluation), the held-out catalogs (the realistic benchmark's text) nor the
generators of ``hanji.synth.corpus`` (the recognize benchmark draws its lines from them). The
output is deterministic: the same sources give the same bytes. ``--check`` builds into memory and
says whether the shipped file is that build.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))


def training_text() -> list[str]:
    from hanji.synth import textsource

    lines = list(textsource.gettext_lines(held_out=False))
    lines += list(textsource.hunspell_words())
    lines += list(textsource.kiwi_words())
    return lines


def main(argv: list[str] | None = None) -> int:
    from hanji.models.recognize.lm import SHIPPED, CharLM
    from hanji.models.weights import sha256_file

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    from hanji.synth.textsource import source_report

    report = source_report()
    lines = training_text()
    lm = CharLM.build(lines, order=args.order, min_count=args.min_count)
    models = ROOT / "resources" / "models"
    out = models / SHIPPED
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d) / SHIPPED
        lm.save(tmp)
        digest = sha256_file(tmp)
        print(f"{len(lines)} lines, {sum(map(len, lines))} characters; sources {report}; "
              f"{len(lm.counts)} n-grams; {tmp.stat().st_size / 1e6:.2f} MB; sha256 {digest}")
        if args.check:
            same = out.exists() and sha256_file(out) == digest
            print("the shipped file is this build" if same else "the shipped file differs from this build")
            return 0 if same else 1
        out.write_bytes(tmp.read_bytes())
    manifest = models / "MANIFEST.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    entries[SHIPPED] = {
        "kind": "char_lm",
        "licence": "same as Hanji; counts of text from Debian's Korean gettext catalogs (their packages' licences), "
                   "hunspell-ko (MPL-1.1/GPL-2+/LGPL-2.1+) and kiwipiepy-model (LGPL-2.1)",
        "sha256": digest,
        "source": f"tools/build_char_lm.py --order {args.order} --min-count {args.min_count}: Witten-Bell character "
                  f"{args.order}-grams of the recognizer's training text (gettext catalogs not held out "
                  f"{report.get('gettext_train', 0)} lines, hunspell-ko {report.get('hunspell', 0)} words, "
                  f"kiwipiepy-model {report.get('kiwi', 0)} nouns); no konlpy, no held-out or benchmark text",
        "version": f"ko-char-{args.order}gram-1",
    }
    manifest.write_text(json.dumps(entries, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} and its manifest entry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
