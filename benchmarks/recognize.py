"""Line recognition benchmark: Hanji's Korean recognizer vs Tesseract 5 (and PP-OCRv4 for English).

    .venv/bin/python benchmarks/recognize.py [--n 150] [--weights PATH] [--skip-tesseract]
        [--realistic 300] [--compare PATH]

Lines are rendered with the fonts held out of training (hanji.synth.lines.HELD_OUT_FONTS) and
text the training stream never produced: a separate seed of the generators plus hand-written
Korean sentences below (written for this benchmark; not from konlpy's corpora). Prints
``name value unit (peer value, ratio)`` lines; CER is edit distance over reference characters
(spaces count). Tesseract reads each line with ``--psm 7`` (kor for Korean, eng for English).

``--realistic N`` adds N print-reality lines (hanji.synth.printline: bitmap, dot-matrix, wide, heavy,
white-on-black, thermal, photo effects) in the held-out font families with held-out text (the Korean
gettext catalogs kept out of training), with CER by print style and by capture. ``--compare PATH`` reads
every set with a second Korean weights file too and prints its CER against the first (same lines, same run).
"""

from __future__ import annotations

import os
import sys

# this folder first on the path would let a benchmark named like a standard module shadow it
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "desktop"))

from hanji.models.recognize.decode import cer  # noqa: E402
from hanji.synth.corpus import english, sample_text  # noqa: E402
from hanji.synth.lines import can_render, font_faces, render_line  # noqa: E402

BENCH_SEED = 20_240_517

SENTENCES = [
    "오늘 회의는 오후 세 시에 본관 2층에서 열립니다.",
    "계약 기간은 2025년 1월 1일부터 12월 31일까지이다.",
    "위 금액을 정히 영수합니다.",
    "본 증명서는 발급일로부터 3개월간 유효합니다.",
    "택배 기사님께서 문 앞에 두고 가셨습니다.",
    "신청서는 담당 부서로 직접 제출해 주시기 바랍니다.",
    "환불은 구매일로부터 7일 이내에만 가능합니다.",
    "서울 지하철 2호선 강남역 11번 출구",
    "주차 요금은 30분당 1,500원입니다.",
    "아래와 같이 재직하고 있음을 증명합니다.",
    "보증금 5천만 원에 월세 80만 원",
    "관리비 납부 기한: 매월 25일",
    "고객님의 소중한 의견에 감사드립니다.",
    "배송지 주소를 다시 한번 확인해 주세요.",
    "점심 메뉴로 김치찌개와 공깃밥을 주문했다.",
    "이 문서는 대외비이므로 외부 유출을 금합니다.",
    "다음 주 월요일까지 보고서를 완성해야 한다.",
    "사용하신 카드의 승인이 취소되었습니다.",
    "부가가치세 포함 총 금액 33,000원",
    "병원 진료비 영수증 및 세부 내역서",
    "학생들은 도서관에서 조용히 공부하고 있었다.",
    "비가 많이 와서 행사가 연기되었습니다.",
    "회원 가입 시 휴대전화 인증이 필요합니다.",
    "세금계산서는 이메일로 발송해 드립니다.",
    "제3조(계약의 해지) 갑은 을에게 통보한다.",
    "공사 중이오니 통행에 불편을 드려 죄송합니다.",
    "물품 대금은 익월 10일에 일괄 지급한다.",
    "할머니께서 손수 담그신 된장이 맛있다.",
    "경찰서 민원실은 평일 오전 9시에 문을 엽니다.",
    "※ 본 영수증은 교환 및 환불 시 필요합니다.",
]


def rendered(texts: list[str], seed: int) -> list[tuple[np.ndarray, str]]:
    rng = random.Random(seed)
    faces = font_faces(held_out=True)
    out = []
    for t in texts:
        ok = [f for f in faces if can_render(f, t)]
        if not ok:
            continue
        out.append((render_line(t, rng.choice(ok), rng, strength=0.6), t))
    return out


def korean_set(n: int) -> list[tuple[np.ndarray, str]]:
    rng = random.Random(BENCH_SEED)
    gen = [sample_text(rng, [k for k in ("prose", "receipt", "address", "name", "date", "amount", "phone",
                                          "business", "number")], rng.randint(8, 24)) for _ in range(n)]
    return rendered(SENTENCES + gen, BENCH_SEED + 1)


def realistic_set(n: int) -> tuple[list[tuple[np.ndarray, str]], list]:
    from hanji.synth.printline import LineInfo, PrintLineSampler

    sampler = PrintLineSampler(BENCH_SEED + 5, held_out=True, max_chars=24)
    lines, infos = [], []
    for _ in range(n):
        info = LineInfo()
        lines.append(sampler.sample(info))
        infos.append(info)
    return lines, infos


def by_kind(preds: list[str], refs: list[str], infos: list) -> dict[str, tuple[float, int]]:
    """CER of the lines of each print style and of each capture (thermal, photo, scan, clean)."""
    groups: dict[str, list[int]] = {}
    for i, info in enumerate(infos):
        groups.setdefault(f"style_{info.style}", []).append(i)
        cap = "scan" if "scan" in info.effects else "photo" if set(info.effects) - {"thermal", "scan"} else "clean"
        groups.setdefault(f"capture_{cap}", []).append(i)
        if "thermal" in info.effects:
            groups.setdefault("thermal", []).append(i)
        if info.text_kind == "spaced":
            groups.setdefault("letter_spaced", []).append(i)
    return {k: (cer([preds[i] for i in ix], [refs[i] for i in ix]), len(ix)) for k, ix in sorted(groups.items())}


def english_set(n: int) -> list[tuple[np.ndarray, str]]:
    rng = random.Random(BENCH_SEED + 2)
    return rendered([english(rng, rng.randint(8, 28)) for _ in range(n)], BENCH_SEED + 3)


def tesseract(lines: list[tuple[np.ndarray, str]], lang: str) -> tuple[list[str], float]:
    out = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        for i, (img, _) in enumerate(lines):
            p = Path(d) / f"{i}.png"
            Image.fromarray(img).save(p)
            r = subprocess.run(["tesseract", str(p), "-", "-l", lang, "--psm", "7"], capture_output=True, text=True)
            out.append(" ".join(r.stdout.split()))
    return out, time.perf_counter() - t0


def ours(lines, name: str, weights: Path | None, prior: bool | None = None, int8: bool = False) -> tuple[list[str], float]:
    """Readings and seconds; ``prior=False`` decodes greedily (no Korean character prior); ``int8``:
    the recognizer's Linear layers quantised to int8 (dynamic, per channel)."""
    import torch

    from hanji.models import zoo

    torch.set_num_threads(1)
    rec = zoo.recognizer(name, "cpu", path=weights if name == "ko" else None)
    if int8:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        rec.net = quantize_dynamic(rec.net, {torch.nn.Linear: per_channel_dynamic_qconfig})
    rec.predict([lines[0][0]])  # warm up
    t0 = time.perf_counter()
    preds = [t for t, _ in rec.predict([img for img, _ in lines], prior=prior)]
    return preds, time.perf_counter() - t0


def norm_space(s: str) -> str:
    return " ".join(s.split())


def report(name: str, value: float, unit: str, peer: str | None = None, peer_value: float | None = None) -> None:
    if peer is None or peer_value is None:
        print(f"{name} {value:.4f} {unit}")
    else:
        ratio = value / peer_value if peer_value else float("inf")
        print(f"{name} {value:.4f} {unit} ({peer} {peer_value:.4f}, ratio {ratio:.2f})")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=150, help="generated lines per set (plus the fixed sentences)")
    ap.add_argument("--weights", type=Path, default=None, help="ko weights or checkpoint instead of the shipped file")
    ap.add_argument("--skip-tesseract", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print this many Korean readings")
    ap.add_argument("--realistic", type=int, default=0, help="print-reality held-out lines (0: none)")
    ap.add_argument("--compare", type=Path, default=None, help="a second ko weights file read on the same lines")
    ap.add_argument("--skip-english", action="store_true")
    ap.add_argument("--int8", action="store_true", help="read the Korean sets with the int8-quantised recognizer too")
    args = ap.parse_args()
    has_tess = shutil.which("tesseract") is not None and not args.skip_tesseract

    ko = korean_set(args.n)
    refs = [t for _, t in ko]
    print(f"# {len(ko)} Korean lines ({len(SENTENCES)} fixed sentences), held-out fonts: "
          f"{', '.join(f.name for f in font_faces(held_out=True))}")
    p_ko, t_ko = ours(ko, "ko", args.weights)
    c_ko = cer([norm_space(p) for p in p_ko], refs)
    c_sent = cer([norm_space(p) for p in p_ko[: len(SENTENCES)]], refs[: len(SENTENCES)])
    if has_tess:
        p_t, t_t = tesseract(ko, "kor")
        c_t = cer(p_t, refs)
        c_t_sent = cer(p_t[: len(SENTENCES)], refs[: len(SENTENCES)])
        report("ko_line_cer_korean", c_ko, "CER", "tesseract-kor", c_t)
        report("ko_line_cer_korean_sentences", c_sent, "CER", "tesseract-kor", c_t_sent)
        report("ko_lines_per_s", len(ko) / t_ko, "lines/s", "tesseract-kor", len(ko) / t_t)
    else:
        report("ko_line_cer_korean", c_ko, "CER")
        report("ko_line_cer_korean_sentences", c_sent, "CER")
        report("ko_lines_per_s", len(ko) / t_ko, "lines/s")
    p_g, _ = ours(ko, "ko", args.weights, prior=False)
    if args.int8:
        p_q, t_q = ours(ko, "ko", args.weights, int8=True)
        report("int8_line_cer_korean", cer([norm_space(p) for p in p_q], refs), "CER", "fp32", c_ko)
        report("int8_lines_per_s", len(ko) / t_q, "lines/s", "fp32", len(ko) / t_ko)
    report("ko_line_cer_korean_prior", c_ko, "CER", "greedy", cer([norm_space(p) for p in p_g], refs))
    for p, r in list(zip(p_ko, refs))[: args.show]:
        print(f"#   {r!r} -> {p!r}")
    if args.compare:
        p_c, _ = ours(ko, "ko", args.compare)
        report("compare_line_cer_korean", cer([norm_space(p) for p in p_c], refs), "CER", "weights", c_ko)
        report("compare_line_cer_korean_sentences", cer([norm_space(p) for p in p_c[: len(SENTENCES)]],
                                                        refs[: len(SENTENCES)]), "CER", "weights", c_sent)
    if args.realistic:
        real, infos = realistic_set(args.realistic)
        refs_r = [t for _, t in real]
        print(f"# {len(real)} realistic lines (held-out families, held-out gettext text, print/photo effects)")
        p_r = [norm_space(p) for p in ours(real, "ko", args.weights)[0]]
        c_r = cer(p_r, refs_r)
        p_tr = tesseract(real, "kor")[0] if has_tess else None
        if p_tr is not None:
            report("ko_line_cer_realistic", c_r, "CER", "tesseract-kor", cer(p_tr, refs_r))
        else:
            report("ko_line_cer_realistic", c_r, "CER")
        p_rc = [norm_space(p) for p in ours(real, "ko", args.compare)[0]] if args.compare else None
        if p_rc is not None:
            report("compare_line_cer_realistic", cer(p_rc, refs_r), "CER", "weights", c_r)
        p_rg = [norm_space(p) for p in ours(real, "ko", args.weights, prior=False)[0]]
        if args.int8:
            p_rq = [norm_space(p) for p in ours(real, "ko", args.weights, int8=True)[0]]
            report("int8_line_cer_realistic", cer(p_rq, refs_r), "CER", "fp32", c_r)
        report("ko_line_cer_realistic_prior", c_r, "CER", "greedy", cer(p_rg, refs_r))
        kinds = by_kind(p_r, refs_r, infos)
        kinds_t = by_kind(p_tr, refs_r, infos) if p_tr is not None else {}
        kinds_c = by_kind(p_rc, refs_r, infos) if p_rc is not None else {}
        for k, (v, n_k) in kinds.items():
            extra = "".join(f" {name} {d[k][0]:.4f}" for name, d in (("compare", kinds_c), ("tesseract-kor", kinds_t)) if d)
            print(f"#   realistic {k} ({n_k} lines): weights {v:.4f}{extra}")
        for p, r in list(zip(p_rc or p_r, refs_r))[: args.show]:
            print(f"#   {r!r} -> {p!r}")
    if args.skip_english:
        return 0

    en = english_set(args.n)
    refs_en = [t for _, t in en]
    p_en_ko, _ = ours(en, "ko", args.weights)
    p_en_pp, _ = ours(en, "ppocr_en", None)
    c_en_ko = cer([norm_space(p) for p in p_en_ko], refs_en)
    c_en_pp = cer([norm_space(p) for p in p_en_pp], refs_en)
    if has_tess:
        p_te, _ = tesseract(en, "eng")
        c_te = cer(p_te, refs_en)
        report("ko_line_cer_english", c_en_ko, "CER", "tesseract-eng", c_te)
        report("ppocr_en_line_cer_english", c_en_pp, "CER", "tesseract-eng", c_te)
    else:
        report("ko_line_cer_english", c_en_ko, "CER", "ppocr_en", c_en_pp)
        report("ppocr_en_line_cer_english", c_en_pp, "CER")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
