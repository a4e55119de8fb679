"""What the PP-OCR converters share: where the rapidocr wheel keeps its ONNX files, the weight tensors
of a paddle2onnx graph (kept as ``Constant`` nodes as well as initializers), and the manifest entry
that records a shipped weights file's SHA-256 and licence."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "desktop") not in sys.path:
    sys.path.insert(0, str(ROOT / "desktop"))


def onnx_path(filename: str) -> Path:
    """A model file inside the installed rapidocr-onnxruntime wheel."""
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).parent / "models" / filename


def converter_args(doc: str, argv: list[str] | None, default_onnx: Callable[[], Path]) -> tuple[argparse.Namespace, Path]:
    """The command line of the detector and direction-classifier converters: ``--onnx`` (default:
    ``default_onnx()``, the rapidocr wheel's file) and ``--check``. The arguments and the ONNX file."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", type=Path, default=None, help="the ONNX file (default: the rapidocr wheel's)")
    ap.add_argument("--check", action="store_true", help="verify the shipped weights against onnxruntime only")
    args = ap.parse_args(argv)
    return args, args.onnx or default_onnx()


def onnx_constants(path: Path) -> dict[str, np.ndarray]:
    """Every initializer and ``Constant`` output of the graph, by name."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    out = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            out[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return out


def write_manifest_entry(weights: Path, entry: dict[str, Any]) -> None:
    """Set ``weights``' entry in the MANIFEST.json beside it (sorted, UTF-8, trailing newline)."""
    path = weights.parent / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    manifest[weights.name] = entry
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {weights} ({weights.stat().st_size / 1e6:.2f} MB, sha256 {entry['sha256'][:12]}…) "
          "and its manifest entry")


def max_abs_diff(net, path: Path, x: np.ndarray) -> float:
    """Largest difference between the torch module's output and onnxruntime's on the input ``x``."""
    import onnxruntime as ort
    import torch

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    ref = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    with torch.inference_mode():
        got = net(torch.from_numpy(x)).numpy()
    return float(np.abs(ref - got).max())


def pour_weights(net, tensors: list[tuple[str, np.ndarray]]) -> dict:
    """Load ``(source name, array)`` pairs into ``net``'s tensors in ``state_dict`` order (batch-norm
    counters keep their own values); each array must have the tensor's size, and its shape too where
    both are multi-dimensional or have as many dimensions. Returns the new state."""
    import torch

    state = net.state_dict()
    keys = [k for k in state if not k.endswith("num_batches_tracked")]
    if len(keys) != len(tensors):
        raise SystemExit(f"the module has {len(keys)} tensors, the source {len(tensors)}")
    new = {}
    for key, (name, arr) in zip(keys, tensors):
        want = tuple(state[key].shape)
        same_rank = arr.ndim == len(want) or (arr.ndim > 1 and len(want) > 1)
        if arr.size != state[key].numel() or (same_rank and tuple(arr.shape) != want):
            raise SystemExit(f"shape mismatch: {key} {want} <- {name} {arr.shape}")
        new[key] = torch.from_numpy(np.array(arr, copy=True)).reshape(want).to(state[key].dtype)
    for k in state:
        if k.endswith("num_batches_tracked"):
            new[k] = state[k]
    net.load_state_dict(new)
    return new
