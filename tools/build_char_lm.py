"""Build the character language models that recognizers' beam search uses as a prior, into
``resources/models/ko_char_lm.txt.gz`` (Korean) or ``en_char_lm.txt.gz`` (``--lang en``: English and
Latin receipts, for ``ppocr_en``), and record the SHA-256 in MANIFEST.json.

    .venv/bin/python tools/build_char_lm.py [--lang ko|en] [--order 3] [--min-count 2] [--check]

Text: the recognizer's *training* sources of ``hanji.synth.textsource`` only: the Korean gettext
catalogs that are not held out, hunspell-ko's words and kiwipiepy-model's nouns. Never konlpy's
kolaw/kobill (evaluation), the held-out catalogs (the realistic benchmark's text) nor the
generators of ``hanji.synth.corpus`` (the recognize benchmark draws its lines from them). The
output is deterministic: the same sources give the same bytes. ``--check`` builds into memory and
says whether the shipped file is that build.

English text (``--lang en``): the English source strings (msgids) of the Debian gettext catalogs that
are not held out (:func:`hanji.synth.textsource.is_held_out_domain`), as written and in upper case
(receipts print upper case), and the line transcriptions of the SROIE *training* receipts
(``../shared/data/sroie/box``, the receipts before ``SROIE_TEST_FROM`` by name; the benchmark's 20 test
receipts are never read).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))


ENGLISH_VOCAB = 100  # the uniform floor of the English model: printable ASCII and a few more


def training_text() -> list[str]:
    from hanji.synth import textsource

    lines = list(textsource.gettext_lines(held_out=False))
    lines += list(textsource.hunspell_words())
    lines += list(textsource.kiwi_words())
    return lines


SROIE = ROOT / ".." / "shared" / "data" / "sroie"
SROIE_TEST_FROM = "040"  # benchmarks/kie.py tests on the last 20 receipts (040-059): never read here


def english_msgids() -> list[str]:
    """The English msgids of the Debian gettext catalogs not held out (one catalog per domain), format
    directives taken out, each line once."""
    import glob
    import re

    from hanji.synth.textsource import is_held_out_domain, read_catalog

    domains: dict[str, str] = {}
    for p in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/*.mo")):
        domains.setdefault(Path(p).stem, p)
    fmt = re.compile(r"%(\d+\$)?[-+ #0]*(\*|\d+)?(\.\d+)?[a-zA-Z%]")
    seen: set[str] = set()
    out: list[str] = []
    for domain, p in sorted(domains.items()):
        if is_held_out_domain(domain):
            continue
        catalog = read_catalog(p)
        if catalog is None:
            continue
        for k in catalog:
            k = k[0] if isinstance(k, tuple) else k
            if not isinstance(k, str):
                continue
            for line in k.split("\n"):
                line = " ".join(fmt.sub(" ", line).split())
                if len(line) >= 3 and line.isascii() and line not in seen:
                    seen.add(line)
                    out.append(line)
    return out


def sroie_training_lines() -> list[str]:
    """The line text of the SROIE receipts before :data:`SROIE_TEST_FROM` (none when absent)."""
    from hanji.formats.sroie import read_boxes

    box = SROIE / "box"
    if not box.is_dir():
        return []
    return [r.text for f in sorted(box.glob("*.csv")) if f.stem < SROIE_TEST_FROM
            for r in read_boxes(f) if r.text.strip()]


def english_text() -> tuple[list[str], dict[str, int]]:
    msgids = english_msgids()
    receipts = sroie_training_lines()
    return msgids + [m.upper() for m in msgids] + receipts, {"msgids": len(msgids), "sroie_train": len(receipts)}


def main(argv: list[str] | None = None) -> int:
    from hanji.models.recognize.lm import SHIPPED, SHIPPED_EN, CharLM
    from hanji.models.weights import sha256_file

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", choices=("ko", "en"), default="ko")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    if args.lang == "en":
        lines, report = english_text()
        lm = CharLM.build(lines, order=args.order, min_count=args.min_count, vocab=ENGLISH_VOCAB)
        name = SHIPPED_EN
    else:
        from hanji.synth.textsource import source_report

        report = source_report()
        lines = training_text()
        lm = CharLM.build(lines, order=args.order, min_count=args.min_count)
        name = SHIPPED
    models = ROOT / "resources" / "models"
    out = models / name
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d) / name
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
    entries[name] = {
        "kind": "char_lm",
        "licence": "same as Hanji; counts of text from Debian's Korean gettext catalogs (their packages' licences), "
                   "hunspell-ko (MPL-1.1/GPL-2+/LGPL-2.1+) and kiwipiepy-model (LGPL-2.1)",
        "sha256": digest,
        "source": f"tools/build_char_lm.py --order {args.order} --min-count {args.min_count}: Witten-Bell character "
                  f"{args.order}-grams of the recognizer's training text (gettext catalogs not held out "
                  f"{report.get('gettext_train', 0)} lines, hunspell-ko {report.get('hunspell', 0)} words, "
                  f"kiwipiepy-model {report.get('kiwi', 0)} nouns); no konlpy, no held-out or benchmark text",
        "version": f"ko-char-{args.order}gram-1",
    } if args.lang == "ko" else {
        "kind": "char_lm",
        "licence": "same as Hanji; counts of text from Debian's gettext catalogs (their packages' licences) and the "
                   "SROIE sample's training receipts (shared/data/sroie, its LICENSE)",
        "sha256": digest,
        "source": f"tools/build_char_lm.py --lang en --order {args.order} --min-count {args.min_count}: Witten-Bell "
                  f"character {args.order}-grams of {report['msgids']} English msgid lines of the gettext catalogs not "
                  f"held out (as written and upper case) and {report['sroie_train']} line transcriptions of the SROIE "
                  f"training receipts (before {SROIE_TEST_FROM}; never the test receipts)",
        "version": f"en-char-{args.order}gram-1",
    }
    manifest.write_text(json.dumps(entries, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} and its manifest entry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
