"""Convert PP-OCR's text-line direction classifier (ONNX, from the rapidocr-onnxruntime wheel) to
Hanji's torch ``DirectionNet``.

The weights sit in the graph as ``Constant`` nodes named as in Paddle (``conv2_expand_weights``,
``conv2_expand_bn_scale`` ...), so they are taken by name (:func:`hanji.models.direction.paddle_names`),
each checked by shape. Then the torch output is compared with onnxruntime's on rendered lines, upright
and upside down, and the state is written to ``resources/models/ppocr_cls_mobile.pt``
with its SHA-256 in ``MANIFEST.json``.

    .venv/bin/python tools/convert_ppocr_cls.py            # convert, verify, write, update manifest
    .venv/bin/python tools/convert_ppocr_cls.py --check    # verify the shipped file again
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ppocr_onnx import converter_args, max_abs_diff, onnx_constants, pour_weights, write_manifest_entry  # noqa: E402
from ppocr_onnx import onnx_path as _onnx_path  # noqa: E402

ONNX_NAME = "ch_ppocr_mobile_v2.0_cls_infer.onnx"


def onnx_path() -> Path:
    return _onnx_path(ONNX_NAME)


def convert(path: Path):
    from hanji.models.direction import DirectionNet, paddle_names

    net = DirectionNet().eval()
    tensors = onnx_constants(path)
    pairs = []
    for key, name in zip([k for k in net.state_dict() if not k.endswith("num_batches_tracked")], paddle_names()):
        if name not in tensors:
            raise SystemExit(f"{name} is not in {path}")
        pairs.append((name, tensors[name].T if key == "fc.weight" else tensors[name]))  # Paddle's Linear: (in, out)
    if len(pairs) != len(paddle_names()):
        raise SystemExit(f"the module has {len(pairs)} tensors, the name list {len(paddle_names())}")
    return net, pour_weights(net, pairs)


def test_lines() -> list[np.ndarray]:
    """Rendered Korean and English lines, each also turned upside down (RGB)."""
    from hanji.synth.lines import font_faces, render_line

    rng = random.Random(3)
    faces = font_faces()
    texts = ["영수증 번호 2024-0117", "서울특별시 종로구 세종대로 175", "합계 ₩12,500", "Thank you for shopping!",
             "대표자 김한지", "TOTAL 33,000", "사업자등록번호 123-45-67890", "카드번호 1234-****-****-5678"]
    lines = [render_line(t, rng.choice(faces), rng, strength=0.3) for t in texts]
    return lines + [np.ascontiguousarray(x[::-1, ::-1]) for x in lines]


def compare(net, path: Path, lines: list[np.ndarray]) -> float:
    from hanji.models.direction import preprocess

    return max_abs_diff(net, path, preprocess(lines))


def main(argv: list[str] | None = None) -> int:
    args, src = converter_args(__doc__, argv, onnx_path)
    from hanji.models.direction import WEIGHTS, load_direction_classifier
    from hanji.models.weights import save_state, sha256_file
    from hanji.resources import resource_path

    lines = test_lines()
    if args.check:
        diff = compare(load_direction_classifier().net, src, lines)
        print(f"max abs diff vs onnxruntime: {diff:.2e}")
        return 0 if diff <= 1e-4 else 1
    net, state = convert(src)
    diff = compare(net, src, lines)
    print(f"converted {len(state)} tensors; max abs diff vs onnxruntime: {diff:.2e}")
    if diff > 1e-4:
        raise SystemExit("the torch model does not match onnxruntime; not writing")
    out = resource_path("models", WEIGHTS)
    digest = save_state({"model": state, "version": "ch_ppocr_mobile_v2.0_cls"}, out)
    write_manifest_entry(out, {
        "sha256": digest,
        "kind": "direction_classifier",
        "licence": "Apache-2.0 (PaddleOCR, Copyright (c) PaddlePaddle Authors); see NOTICE-PaddleOCR.txt",
        "source": f"PaddleOCR {ONNX_NAME} as shipped in the rapidocr-onnxruntime 1.4.4 wheel; converted by "
                  "tools/convert_ppocr_cls.py",
        "source_sha256": sha256_file(src),
        "version": "ch_ppocr_mobile_v2.0_cls",
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
