"""Convert PaddleOCR's PP-OCRv4 mobile recognizer (ONNX, as shipped in rapidocr-onnxruntime) to torch.

    .venv/bin/python tools/convert_ppocr_rec.py [--onnx PATH] [--out resources/models/ppocr_en_rec.pt]

The paddle2onnx graph keeps every weight in a ``Constant`` node; they are read in graph order and
matched, by kind and shape, to the parameters of :class:`hanji.models.recognize.net.RecNet`.
The dictionary (6,623 characters) is in the model's metadata under ``character``; classes are the
CTC blank, those characters, then a space. The output file is a plain state dictionary saved with
``torch.save`` (loaded back with ``weights_only=True``) plus ``charset`` and ``meta``, its floating
point tensors stored in fp16 like ``ko_rec.pt`` (5.5 MB instead of 10.9; the loader computes in
fp32, and English line CER is unchanged; ``--fp32`` keeps full precision).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ppocr_onnx import onnx_path, write_manifest_entry  # noqa: E402

VERSION = "ch_PP-OCRv4_rec_infer (rapidocr-onnxruntime 1.4.4)"
LICENCE = "Apache-2.0 (PaddleOCR, Copyright (c) PaddlePaddle Authors); see NOTICE-PaddleOCR.txt"


def default_onnx() -> Path:
    return onnx_path("ch_PP-OCRv4_rec_infer.onnx")


def read_onnx(path: Path):
    """(conv weights+biases, batch norms, affines, layer norms, linears, charset) in graph order."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    meta = {p.key: p.value for p in model.metadata_props}
    charset = meta["character"].split("\n")
    consts: dict[str, np.ndarray] = {}
    nodes = []
    for n in model.graph.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        else:
            nodes.append(n)
    convs, bns, affines, lns, linears = [], [], [], [], []

    def const(name):
        return consts.get(name)

    for i, n in enumerate(nodes):
        nxt = nodes[i + 1] if i + 1 < len(nodes) else None
        if n.op_type == "Conv":
            w = const(n.input[1])
            b = const(n.input[2]) if len(n.input) > 2 else None
            convs.append((w, b))
        elif n.op_type == "BatchNormalization":
            scale, bias, mean, var = (const(x) for x in n.input[1:5])
            eps = [a.f for a in n.attribute if a.name == "epsilon"][0]
            bns.append((scale, bias, mean, var, eps))
        elif n.op_type == "Mul" and nxt is not None and nxt.op_type == "Add" and nxt.input[0] == n.output[0]:
            a, b = const(n.input[0]), const(n.input[1])
            c = const(nxt.input[1])
            k = a if a is not None else b
            if k is None or c is None:
                continue
            if k.size == 1 and c.size == 1:
                affines.append((float(k.reshape(-1)[0]), float(c.reshape(-1)[0])))
            elif k.ndim == 1 and k.size == c.size and n.input[0].startswith("p2o.Div"):
                lns.append((k, c))
        elif n.op_type == "MatMul" and const(n.input[1]) is not None:
            assert nxt is not None and nxt.op_type == "Add"
            linears.append((const(n.input[1]), const(nxt.input[1])))
    return convs, bns, affines, lns, linears, charset


def convert(path: Path | None = None) -> dict:
    """The torch state dictionary, the charset and metadata of the ONNX recognizer."""
    import torch

    from hanji.models.recognize.net import RecNet

    path = Path(path) if path else default_onnx()
    convs, bns, affines, lns, linears, charset = read_onnx(path)
    num_classes = linears[-1][0].shape[1]
    classes = ["<blank>"] + charset + [" "]
    if len(classes) != num_classes:
        raise ValueError(f"charset has {len(classes)} classes, head has {num_classes}")
    net = RecNet(num_classes)
    t_convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    t_bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    t_aff = [m for m in net.modules() if m.__class__.__name__ == "Affine"]
    t_lns = [m for m in net.modules() if isinstance(m, torch.nn.LayerNorm)]
    t_lin = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    counts = [(len(convs), len(t_convs)), (len(bns), len(t_bns)), (len(affines), len(t_aff)),
              (len(lns), len(t_lns)), (len(linears), len(t_lin))]
    if any(a != b for a, b in counts):
        raise ValueError(f"layer counts differ (onnx, torch): {counts}")
    with torch.no_grad():
        for (w, b), m in zip(convs, t_convs):
            assert tuple(m.weight.shape) == w.shape, (m, w.shape)
            m.weight.copy_(torch.from_numpy(np.array(w)))
            if m.bias is not None:
                m.bias.copy_(torch.from_numpy(np.array(b)))
            else:
                assert b is None
        for (s, b, mu, var, eps), m in zip(bns, t_bns):
            m.weight.copy_(torch.from_numpy(np.array(s)))
            m.bias.copy_(torch.from_numpy(np.array(b)))
            m.running_mean.copy_(torch.from_numpy(np.array(mu)))
            m.running_var.copy_(torch.from_numpy(np.array(var)))
            m.eps = eps
        for (s, b), m in zip(affines, t_aff):
            m.scale.fill_(s)
            m.bias.fill_(b)
        for (w, b), m in zip(lns, t_lns):
            m.weight.copy_(torch.from_numpy(np.array(w)))
            m.bias.copy_(torch.from_numpy(np.array(b)))
        for (w, b), m in zip(linears, t_lin):
            assert tuple(m.weight.shape) == w.T.shape, (m, w.shape)
            m.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
            m.bias.copy_(torch.from_numpy(np.array(b)))
    return {"model": net.state_dict(), "charset": classes[1:],
            "meta": {"name": "ppocr_en", "version": VERSION, "arch": "pplcnetv3-svtr-ctc", "height": 48,
                     "channels": "bgr", "min_width": 320}}


def to_fp16(state: dict) -> dict:
    """``state`` with the model's floating point tensors in fp16 (what is shipped)."""
    model = {k: v.half() if v.is_floating_point() else v for k, v in state["model"].items()}
    return {**state, "model": model}


def main(argv: list[str] | None = None) -> int:
    from hanji.models.weights import save_state

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "resources/models/ppocr_en_rec.pt")
    ap.add_argument("--fp32", action="store_true", help="keep the weights in fp32 (twice the size)")
    args = ap.parse_args(argv)
    state = convert(args.onnx)
    if not args.fp32:
        state = to_fp16(state)
    digest = save_state(state, args.out)
    write_manifest_entry(args.out, {"sha256": digest, "licence": LICENCE,
                                    "source": "PaddleOCR ch_PP-OCRv4_rec via rapidocr-onnxruntime 1.4.4, converted "
                                              "by tools/convert_ppocr_rec.py" + ("" if args.fp32 else " (fp16)"),
                                    "version": VERSION})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
