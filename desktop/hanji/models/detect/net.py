"""A DB text detector as a torch module, shaped like PP-OCRv4's mobile detector.

Backbone PP-LCNetV3 (scale 0.75, re-parameterised: one conv per block, as exported for inference),
neck RSE-FPN (96 channels, shortcut), head DB (probability map only, which is all inference needs).
The layers are declared in the order the ONNX graph uses them, so that ``tools/convert_ppocr_det.py``
can pour the exported tensors in one by one, each checked by shape.

Input: ``(N, 3, H, W)`` float, BGR, ``(x / 255 - 0.5) / 0.5``, H and W multiples of 32.
Output: ``(N, 1, H, W)`` text probability in [0, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from hanji.models.fastconv import affine_, conv_act, fold_bn, fusable

# (kernel, in, out, stride, squeeze-excite) per block, at scale 1; the detector uses scale 0.75.
NET_CONFIG = {
    "blocks2": [(3, 16, 32, 1, False)],
    "blocks3": [(3, 32, 64, 2, False), (3, 64, 64, 1, False)],
    "blocks4": [(3, 64, 128, 2, False), (3, 128, 128, 1, False)],
    "blocks5": [(3, 128, 256, 2, False), (5, 256, 256, 1, False), (5, 256, 256, 1, False),
                (5, 256, 256, 1, False), (5, 256, 256, 1, False)],
    "blocks6": [(5, 256, 512, 2, True), (5, 512, 512, 1, True), (5, 512, 512, 1, False),
                (5, 512, 512, 1, False)],
}
# channels of the four feature maps handed to the neck, at scale 1
DET_OUT_CHANNELS = (16, 24, 56, 480)


def make_divisible(v: float, divisor: int = 16) -> int:
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class Affine(nn.Module):
    """PP-LCNetV3's learnable affine block: ``scale * x + bias`` with two scalars."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x + self.bias


class RepConv(nn.Module):
    """A re-parameterised conv (one kernel), an affine block and, unless it strides, hard-swish + affine."""

    def __init__(self, cin: int, cout: int, k: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=True)
        self.lab = Affine()
        self.act = stride != 2
        if self.act:
            self.act_lab = Affine()

    @torch.no_grad()
    def fuse(self) -> None:
        """Fold the affine block into the conv (inference only): ``s*(Wx+b)+c = (sW)x + (sb+c)``."""
        if isinstance(self.lab, nn.Identity):
            return
        s, c = self.lab.scale, self.lab.bias
        self.conv.weight.mul_(s)
        self.conv.bias.mul_(s).add_(c)
        self.lab = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.lab, nn.Identity) and fusable(x):  # fused: convolution and hard-swish in one pass
            x = conv_act(self.conv, x, "hardswish" if self.act else "none")
            if self.act and isinstance(self.act_lab, Affine):
                affine_(x, self.act_lab.scale, self.act_lab.bias)
            return x
        x = self.lab(self.conv(x))
        if self.act:
            x = self.act_lab(F.hardswish(x))
        return x


class SqueezeExcite(nn.Module):
    """Channel attention: ``x * hardsigmoid(conv2(relu(conv1(mean(x)))))``."""

    def __init__(self, c: int, reduction: int = 4, slope: float = 1 / 6) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c, c // reduction, 1)
        self.conv2 = nn.Conv2d(c // reduction, c, 1)
        self.slope = slope

    def gate(self, x: torch.Tensor) -> torch.Tensor:
        s = F.adaptive_avg_pool2d(x, 1)
        s = self.conv2(F.relu(self.conv1(s)))
        return torch.clamp(s * self.slope + 0.5, 0.0, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(x)


class LCNetBlock(nn.Module):
    def __init__(self, cin: int, cout: int, k: int, stride: int, se: bool) -> None:
        super().__init__()
        self.dw = RepConv(cin, cin, k, stride, groups=cin)
        self.se = SqueezeExcite(cin) if se else None
        self.pw = RepConv(cin, cout, 1)

    @torch.no_grad()
    def fuse(self) -> None:
        """Fold the convs' affines into them and, with no squeeze-excite between, the depthwise
        stage's output affine into the 1x1 conv after it: ``W(s*y + c) + b = (sW)y + (b + c*sum W)``."""
        self.dw.fuse()
        self.pw.fuse()
        if self.se is None and self.dw.act and isinstance(self.dw.act_lab, Affine):
            s, c = self.dw.act_lab.scale, self.dw.act_lab.bias
            w = self.pw.conv.weight
            self.pw.conv.bias.add_(c * w.sum(dim=(1, 2, 3)))
            w.mul_(s)
            self.dw.act_lab = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dw(x)
        if self.se is not None:
            x = x.mul_(self.se.gate(x)) if fusable(x) else self.se(x)  # in place at inference: x is this block's own
        return self.pw(x)


class Backbone(nn.Module):
    """PP-LCNetV3 for detection: four feature maps at strides 4, 8, 16, 32."""

    def __init__(self, scale: float = 0.75) -> None:
        super().__init__()
        c0 = make_divisible(16 * scale)
        self.conv1 = nn.Conv2d(3, c0, 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c0)
        self.stages = nn.ModuleList()
        for name in ("blocks2", "blocks3", "blocks4", "blocks5", "blocks6"):
            self.stages.append(nn.Sequential(*[
                LCNetBlock(make_divisible(cin * scale), make_divisible(cout * scale), k, s, se)
                for k, cin, cout, s, se in NET_CONFIG[name]
            ]))
        outs = [make_divisible(NET_CONFIG[n][-1][2] * scale) for n in ("blocks3", "blocks4", "blocks5", "blocks6")]
        self.out_channels = [int(c * scale) for c in DET_OUT_CHANNELS]
        self.heads = nn.ModuleList(nn.Conv2d(c, o, 1) for c, o in zip(outs, self.out_channels))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.bn1(self.conv1(x))
        x = self.stages[0](x)
        feats = []
        for stage in self.stages[1:]:
            x = stage(x)
            feats.append(x)
        return [head(f) for head, f in zip(self.heads, feats)]


class RSELayer(nn.Module):
    def __init__(self, cin: int, cout: int, k: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.se = SqueezeExcite(cout, slope=0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if fusable(x):  # x + x * gate in one pass, in place (x is this layer's own)
            return x.addcmul_(x, self.se.gate(x))
        return x + self.se(x)


def _up(x: torch.Tensor, factor: int) -> torch.Tensor:
    return F.interpolate(x, scale_factor=factor, mode="nearest")


def _blocks(t: torch.Tensor, factor: int) -> torch.Tensor:
    """A view of ``t`` (N, C, H, W) as (N, C, H / factor, factor, W / factor, factor): each pixel of
    a map ``factor`` times smaller, nearest-upsampled, covers one ``factor x factor`` block."""
    n, c, h, w = t.shape
    return t.unflatten(2, (h // factor, factor)).unflatten(4, (w // factor, factor))


def _add_up(x: torch.Tensor, small: torch.Tensor, factor: int) -> torch.Tensor:
    """``x + _up(small, factor)``, in place into ``x`` at inference (no upsampled copy)."""
    if fusable(x) and x.shape[2] == small.shape[2] * factor and x.shape[3] == small.shape[3] * factor:
        _blocks(x, factor).add_(small[:, :, :, None, :, None])
        return x
    return x + _up(small, factor)


def _cat_up(maps: list[torch.Tensor], factors: list[int]) -> torch.Tensor:
    """``torch.cat([_up(m, f) for m, f in zip(maps, factors)], dim=1)``; at inference each map is
    written straight into its channels of the result (no upsampled copies)."""
    n, _, h, w = maps[-1].shape
    if not (fusable(maps[-1]) and all(m.shape[2] * f == h and m.shape[3] * f == w for m, f in zip(maps, factors))):
        return torch.cat([_up(m, f) if f > 1 else m for m, f in zip(maps, factors)], dim=1)
    fmt = torch.channels_last if maps[-1].is_contiguous(memory_format=torch.channels_last) else torch.contiguous_format
    out = torch.empty((n, sum(m.shape[1] for m in maps), h, w), dtype=maps[-1].dtype, memory_format=fmt)
    c = 0
    for m, f in zip(maps, factors):
        part = out[:, c:c + m.shape[1]]
        if f > 1:
            _blocks(part, f).copy_(m[:, :, :, None, :, None])
        else:
            part.copy_(m)
        c += m.shape[1]
    return out


class RSEFPN(nn.Module):
    """Top-down feature pyramid with squeeze-excite layers; fuses four scales at stride 4."""

    def __init__(self, in_channels: list[int], out_channels: int = 96) -> None:
        super().__init__()
        # declared coarse to fine: the order the exported graph runs them in
        self.ins = nn.ModuleList(RSELayer(c, out_channels, 1) for c in reversed(in_channels))
        self.inp = nn.ModuleList(RSELayer(out_channels, out_channels // 4, 3) for _ in in_channels)

    def forward(self, feats: list[torch.Tensor]) -> torch.Tensor:
        c2, c3, c4, c5 = feats
        in5, in4, in3, in2 = (m(c) for m, c in zip(self.ins, (c5, c4, c3, c2)))
        out4 = _add_up(in4, in5, 2)
        out3 = _add_up(in3, out4, 2)
        out2 = _add_up(in2, out3, 2)
        p5, p4, p3, p2 = (m(c) for m, c in zip(self.inp, (in5, out4, out3, out2)))
        return _cat_up([p5, p4, p3, p2], [8, 4, 2, 1])


class DBHead(nn.Module):
    """Differentiable-binarisation head, probability branch: conv, two 2x transposed convs, sigmoid."""

    def __init__(self, c: int = 96) -> None:
        super().__init__()
        q = c // 4
        self.conv1 = nn.Conv2d(c, q, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(q)
        self.up1 = nn.ConvTranspose2d(q, q, 2, 2)
        self.bn2 = nn.BatchNorm2d(q)
        self.up2 = nn.ConvTranspose2d(q, 1, 2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.bn1, nn.Identity) and fusable(x):  # folded by DBNet.fuse(): relu fused, the rest in place
            x = self.up1(conv_act(self.conv1, x, "relu")).relu_()
            return self.up2(x).sigmoid_()
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.up1(x)))
        return torch.sigmoid(self.up2(x))


class DBNet(nn.Module):
    """The whole detector: image in, text probability map (same size) out."""

    def __init__(self, scale: float = 0.75, neck_channels: int = 96) -> None:
        super().__init__()
        self.backbone = Backbone(scale)
        self.neck = RSEFPN(self.backbone.out_channels, neck_channels)
        self.head = DBHead(neck_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.neck(self.backbone(x)))

    @torch.no_grad()
    def fuse(self) -> DBNet:
        """Fold affine blocks and the batch norms (the stem's, the head's) into their convs, for
        inference on CPU, where the convolutions then run with their activation fused
        (:mod:`hanji.models.fastconv`).

        The result computes the same function (to float rounding); the state dict changes, so fuse
        after loading weights, never before saving them."""
        for m in self.modules():
            if isinstance(m, LCNetBlock):
                m.fuse()
        bb = self.backbone
        if isinstance(bb.bn1, nn.BatchNorm2d):
            bb.conv1, bb.bn1 = fold_bn(bb.conv1, bb.bn1), nn.Identity()
        head = self.head
        if isinstance(head.bn1, nn.BatchNorm2d):
            head.conv1, head.bn1 = fold_bn(head.conv1, head.bn1), nn.Identity()
        if isinstance(head.bn2, nn.BatchNorm2d):  # a transposed conv's output channels are its weight's dim 1
            bn, up = head.bn2, head.up1
            k = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            up.weight.mul_(k.reshape(1, -1, 1, 1))
            up.bias.copy_((up.bias - bn.running_mean) * k + bn.bias)
            head.bn2 = nn.Identity()
        return self
