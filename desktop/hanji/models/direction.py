"""Text-line direction: is a crop upright or upside down?

PP-OCR's direction classifier (``ch_ppocr_mobile_v2.0_cls``: a MobileNetV3-small, scale 0.35, on a
3x48x192 line) written as a torch module; ``tools/convert_ppocr_cls.py`` pours the weights of the
ONNX file in the rapidocr-onnxruntime wheel into it. The pipeline turns a line the classifier calls
"180" with at least :data:`THRESHOLD` confidence before it is read, so a page scanned upside down
is read as well as one scanned the right way up.

    clf = load_direction_classifier()
    crops, turned = clf.upright(crops)      # turned[i]: crop i was rotated by 180 degrees
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from hanji.models.fastconv import conv_act, fold_bn, fusable

WEIGHTS = "ppocr_cls_mobile.pt"
INPUT_H, INPUT_W = 48, 192
THRESHOLD = 0.9  # PaddleOCR's cls_thresh
LABELS = (0, 180)

# (kernel, expanded channels, out channels, squeeze-excite, activation, stride)
_BLOCKS = [
    (3, 8, 8, True, "relu", (2, 1)),
    (3, 24, 8, False, "relu", (2, 1)),
    (3, 32, 8, False, "relu", 1),
    (5, 32, 16, True, "hardswish", (2, 1)),
    (5, 88, 16, True, "hardswish", 1),
    (5, 88, 16, True, "hardswish", 1),
    (5, 40, 16, True, "hardswish", 1),
    (5, 48, 16, True, "hardswish", 1),
    (5, 104, 32, True, "hardswish", (2, 1)),
    (5, 200, 32, True, "hardswish", 1),
    (5, 200, 32, True, "hardswish", 1),
]


def _act(name: str) -> nn.Module:
    return nn.ReLU() if name == "relu" else nn.Hardswish()


class ConvBN(nn.Sequential):
    def __init__(self, cin: int, cout: int, k: int, stride=1, groups: int = 1, act: str | None = None):
        layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                                   nn.BatchNorm2d(cout, eps=1e-5)]
        if act:
            layers.append(_act(act))
        super().__init__(*layers)
        self.act = act or "none"

    @torch.no_grad()
    def fuse(self) -> None:
        """Fold the batch norm into the convolution (inference only; see :meth:`DirectionNet.fuse`)."""
        if isinstance(self[1], nn.BatchNorm2d):
            self[0], self[1] = fold_bn(self[0], self[1]), nn.Identity()

    def forward(self, x):
        if isinstance(self[1], nn.Identity) and fusable(x):  # folded: convolution and activation in one pass
            return conv_act(self[0], x, self.act)
        return super().forward(x)


class SqueezeExcite(nn.Module):
    """Paddle's SE: hard sigmoid with slope 0.2 and offset 0.5 (not torch's 1/6)."""

    def __init__(self, c: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c // 4, 1)
        self.conv2 = nn.Conv2d(c // 4, c, 1)

    def gate(self, x):
        s = torch.relu(self.conv1(x.mean(dim=(2, 3), keepdim=True)))
        return torch.clamp(0.2 * self.conv2(s) + 0.5, 0.0, 1.0)

    def forward(self, x):
        return x * self.gate(x)


class Block(nn.Module):
    def __init__(self, cin: int, k: int, exp: int, cout: int, se: bool, act: str, stride):
        super().__init__()
        self.expand = ConvBN(cin, exp, 1, act=act)
        self.depthwise = ConvBN(exp, exp, k, stride, groups=exp, act=act)
        self.se = SqueezeExcite(exp) if se else None
        self.linear = ConvBN(exp, cout, 1)
        self.residual = cin == cout and stride == 1

    def forward(self, x):
        y = self.depthwise(self.expand(x))
        inplace = fusable(y)  # at inference y is this block's own tensor
        if self.se is not None:
            y = y.mul_(self.se.gate(y)) if inplace else self.se(y)
        y = self.linear(y)
        if not self.residual:
            return y
        return y.add_(x) if inplace else x + y


class DirectionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBN(3, 8, 3, 2, act="hardswish")
        blocks, c = [], 8
        for k, exp, cout, se, act, stride in _BLOCKS:
            blocks.append(Block(c, k, exp, cout, se, act, stride))
            c = cout
        self.blocks = nn.Sequential(*blocks)
        self.last = ConvBN(c, 200, 1, act="hardswish")
        self.fc = nn.Linear(200, len(LABELS))

    def forward(self, x):
        y = self.last(self.blocks(self.stem(x)))
        y = nn.functional.max_pool2d(y, 2, 2).mean(dim=(2, 3))
        return torch.softmax(self.fc(y), dim=1)

    def fuse(self) -> DirectionNet:
        """For inference only: each batch norm folded into its convolution (the same function up to
        float rounding), which then runs with its activation fused on the CPU
        (:mod:`hanji.models.fastconv`). The state dictionary no longer matches the file."""
        for m in self.modules():
            if isinstance(m, ConvBN):
                m.fuse()
        return self


def paddle_names() -> list[str]:
    """The ONNX tensor names of :class:`DirectionNet`'s state, in ``state_dict`` order."""
    names: list[str] = []

    def conv_bn(prefix: str) -> None:
        names.extend([f"{prefix}_weights", f"{prefix}_bn_scale", f"{prefix}_bn_offset", f"{prefix}_bn_mean",
                      f"{prefix}_bn_variance"])

    conv_bn("conv1")
    for i, (_, _, _, se, _, _) in enumerate(_BLOCKS, start=2):
        conv_bn(f"conv{i}_expand")
        conv_bn(f"conv{i}_depthwise")
        if se:
            names.extend([f"conv{i}_se_1_weights", f"conv{i}_se_1_offset", f"conv{i}_se_2_weights",
                          f"conv{i}_se_2_offset"])
        conv_bn(f"conv{i}_linear")
    conv_bn("conv_last")
    names.extend(["fc_0.w_0", "fc_0.b_0"])
    return names


def preprocess(crops: list[np.ndarray]) -> np.ndarray:
    """RGB line crops to PP-OCR's cls input: BGR, height 48, width up to 192 (aspect kept), scaled to
    [-1, 1], zero-padded on the right."""
    from PIL import Image

    out = np.zeros((len(crops), 3, INPUT_H, INPUT_W), np.float32)
    for i, crop in enumerate(crops):
        h, w = crop.shape[:2]
        rw = max(1, min(INPUT_W, int(math.ceil(INPUT_H * w / max(h, 1)))))
        im = np.asarray(Image.fromarray(np.ascontiguousarray(crop[:, :, ::-1])).resize((rw, INPUT_H), Image.BILINEAR))
        out[i, :, :, :rw] = ((im.astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
    return out


class DirectionClassifier:
    """Predicts 0 or 180 degrees for line crops (HxWx3 uint8 RGB)."""

    name = "ppocr_cls"

    def __init__(self, net: DirectionNet, device: Any = None, threshold: float = THRESHOLD, batch_size: int = 64):
        self.device = torch.device(device or "cpu")
        self.net = net.to(self.device).eval().fuse()
        self._cpu = self.device.type == "cpu"
        if self._cpu:  # oneDNN's preferred layout: the classifier ran 1.6x faster in it (issue 15)
            self.net = self.net.to(memory_format=torch.channels_last)
        self.threshold = threshold
        self.batch_size = batch_size

    def predict(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        """(angle, confidence) per crop."""
        out: list[tuple[int, float]] = []
        for i in range(0, len(crops), self.batch_size):
            x = torch.from_numpy(preprocess(crops[i:i + self.batch_size])).to(self.device)
            if self._cpu:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.inference_mode():
                p = self.net(x).float().cpu().numpy()
            out.extend((LABELS[int(k)], float(row[k])) for row, k in zip(p, p.argmax(axis=1)))
        return out

    def upright(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[bool]]:
        """The crops turned the right way up, and which of them were turned."""
        if not crops:
            return [], []
        turned = [angle == 180 and score >= self.threshold for angle, score in self.predict(crops)]
        return ([np.ascontiguousarray(c[::-1, ::-1]) if t else c for c, t in zip(crops, turned)], turned)


def load_direction_classifier(device: Any = None) -> DirectionClassifier:
    """The shipped classifier (checksum verified; a clear error naming the file when it is missing or bad)."""
    from hanji.models.weights import load_shipped

    state = load_shipped(WEIGHTS)
    net = DirectionNet()
    net.load_state_dict({k: v.float() for k, v in state["model"].items()})
    return DirectionClassifier(net, device)
