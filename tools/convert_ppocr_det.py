"""Convert PP-OCRv4's mobile text detector (ONNX, from the rapidocr-onnxruntime wheel) to Hanji's torch DBNet.

paddle2onnx keeps the weights as ``Constant`` nodes rather than initializers, which trips generic
converters, so this script reads them itself: it walks the graph in order, collects every weight
tensor a Conv/BatchNorm/affine node consumes, and pours them into ``hanji.models.detect.net.DBNet``,
whose layers are declared in the same order; each tensor is checked by shape. Then it checks the
torch probability map against onnxruntime's on a test image, writes the state dict to
``resources/models/<name>`` and records its SHA-256 in ``MANIFEST.json``.

    .venv/bin/python tools/convert_ppocr_det.py            # convert, verify, write, update manifest
    .venv/bin/python tools/convert_ppocr_det.py --check    # only verify the shipped file again

The shipped file is now a fine-tune of this conversion (hanji.jobs.train_detector, issue 15): the
first command would put the plain conversion back, and ``--check`` no longer holds for it.
``save_converted(FILE)`` writes the conversion elsewhere, the base to train from and blend with.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ppocr_onnx import converter_args, max_abs_diff, onnx_constants, pour_weights, write_manifest_entry  # noqa: E402
from ppocr_onnx import onnx_path as _onnx_path  # noqa: E402

OUT_NAME = "ppocrv4_det_mobile.pt"
LICENCE_FILE = "LICENSE-PP-OCRv4-det-Apache-2.0.txt"


def onnx_path() -> Path:
    return _onnx_path("ch_PP-OCRv4_det_infer.onnx")


def onnx_weights(path: Path) -> list[tuple[str, np.ndarray]]:
    """The weight tensors of the graph in the order its nodes consume them (helper constants skipped)."""
    import onnx

    graph = onnx.load(str(path)).graph
    consts = onnx_constants(path)
    out, seen = [], set()
    for n in graph.node:
        if n.op_type not in ("Conv", "ConvTranspose", "BatchNormalization", "Mul", "Add"):
            continue
        for name in n.input:
            if name in consts and not name.startswith("p2o.helper") and name not in seen:
                seen.add(name)
                out.append((name, consts[name]))
    return out


def convert(path: Path):
    from hanji.models.detect.net import DBNet

    net = DBNet().eval()
    new = pour_weights(net, onnx_weights(path))
    return net, {k: v.clone() for k, v in new.items()}


def save_converted(dest: str | Path, src: Path | None = None) -> str:
    """The converted weights, checked against onnxruntime, written to ``dest`` (the manifest and the
    shipped file untouched): the base the shipped fine-tune started from and was blended with
    (hanji.jobs.train_detector's ``base``). Returns the SHA-256."""
    from hanji.models.weights import save_state

    src = src or onnx_path()
    net, state = convert(src)
    if compare(net, src, test_image()) > 1e-3:
        raise SystemExit("the torch model does not match onnxruntime; not writing")
    return save_state(state, dest)


def test_image() -> np.ndarray:
    """A page of Korean and English lines rendered with the shipped font (BGR, 640x480)."""
    from PIL import Image, ImageDraw, ImageFont

    from hanji.synth.fonts import korean_fonts

    img = Image.new("RGB", (480, 640), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(korean_fonts()[0]), 22)
    lines = ["영수증 번호 2024-0117", "서울특별시 종로구 세종대로 175", "합계 ₩12,500", "Thank you for shopping!"]
    for i, t in enumerate(lines * 3):
        d.text((30, 30 + i * 48), t, fill="black", font=font)
    return np.asarray(img)[:, :, ::-1].copy()


def compare(net, path: Path, bgr: np.ndarray) -> float:
    return max_abs_diff(net, path, ((bgr.astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None])


def main(argv: list[str] | None = None) -> int:
    args, src = converter_args(__doc__, argv, onnx_path)
    from hanji.models.weights import save_state, sha256_file
    from hanji.resources import resource_path

    out = resource_path("models", OUT_NAME)
    if args.check:
        from hanji.models.detect import load_dbnet

        diff = compare(load_dbnet(), src, test_image())
        print(f"max abs diff vs onnxruntime: {diff:.2e}")
        return 0 if diff <= 1e-3 else 1
    net, state = convert(src)
    diff = compare(net, src, test_image())
    print(f"converted {len(state)} tensors; max abs diff vs onnxruntime: {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("the torch model does not match onnxruntime; not writing")
    digest = save_state(state, out)
    write_manifest_entry(out, {
        "sha256": digest,
        "licence": "Apache-2.0",
        "licence_file": LICENCE_FILE,
        "source": "PaddleOCR PP-OCRv4 mobile text detection (ch_PP-OCRv4_det_infer.onnx), as shipped in the "
                  "rapidocr-onnxruntime 1.4.4 wheel; converted by tools/convert_ppocr_det.py",
        "source_sha256": sha256_file(src),
        "version": "PP-OCRv4-det-mobile",
        "kind": "detector",
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
