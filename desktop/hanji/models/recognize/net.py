"""The PP-OCRv4 mobile recognition network (PP-LCNetV3 backbone, SVTR neck, CTC head) in torch.

This mirrors the *inference* form of PaddleOCR's ``ch_PP-OCRv4_rec`` model: the backbone's
re-parameterisable convolutions are already merged into single convolutions with a bias, each
followed by a learnable affine (``scale * x + bias``), hard-swish and a second learnable affine.
Input: ``(B, 3, 48, W)`` float in [-1, 1] (BGR channel order, as PaddleOCR was trained); output:
CTC logits ``(B, W / 8, classes)`` with class 0 the CTC blank.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from hanji.models.fastconv import affine_, conv_act, fold_bn, fusable

# (kernel, in, out, stride, squeeze-excite) for the depthwise/pointwise pairs of PP-LCNetV3 (scale 0.95)
BLOCKS = [
    (3, 16, 32, 1, False), (3, 32, 64, 1, False), (3, 64, 64, 1, False),
    (3, 64, 128, (2, 1), False), (3, 128, 128, 1, False),
    (3, 128, 240, (1, 2), False), (5, 240, 240, 1, False), (5, 240, 240, 1, False),
    (5, 240, 240, 1, False), (5, 240, 240, 1, False),
    (5, 240, 480, (2, 1), True), (5, 480, 480, 1, True), (5, 480, 480, (2, 1), False),
    (5, 480, 480, 1, False),
]
INPUT_HEIGHT = 48


class Affine(nn.Module):
    """PaddleOCR's LearnableAffineBlock: one learnable scale and bias for the whole tensor."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))
        self.folded = False  # set by RecNet.fuse(): the affine lives in a neighbouring convolution

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.folded else self.scale * x + self.bias


class RepConv(nn.Module):
    """Merged convolution, affine, hard-swish, affine."""

    def __init__(self, cin: int, cout: int, k: int, stride=1, groups: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=True)
        self.lab = Affine()
        self.act_lab = Affine()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.lab.folded and fusable(x):  # fused: convolution and hard-swish in one pass, the affine in place
            y = conv_act(self.conv, x, "hardswish")
            return y if self.act_lab.folded else affine_(y, self.act_lab.scale, self.act_lab.bias)
        return self.act_lab(F.hardswish(self.lab(self.conv(x))))


class SE(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c, c // 4, 1)
        self.conv2 = nn.Conv2d(c // 4, c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean(dim=(2, 3), keepdim=True)
        gate = F.hardsigmoid(self.conv2(F.relu(self.conv1(s))))
        return x.mul_(gate) if fusable(x) else x * gate  # in place at inference: x is its block's own tensor


class Block(nn.Module):
    def __init__(self, k: int, cin: int, cout: int, stride, se: bool) -> None:
        super().__init__()
        self.dw = RepConv(cin, cin, k, stride, groups=cin)
        self.se = SE(cin) if se else nn.Identity()
        self.pw = RepConv(cin, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pw(self.se(self.dw(x)))


class Backbone(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 2, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        self.blocks = nn.Sequential(*(Block(*b) for b in BLOCKS))

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        """``start`` > 0: ``x`` is already the output of the stem and the first ``start`` blocks."""
        if start == 0:
            x = self.stem_bn(self.stem(x))  # the batch norm is an identity once RecNet.fuse() folded it
        x = self.blocks[start:](x)
        return F.avg_pool2d(x, (3, 2))  # (B, 480, 1, W/8) for 48-pixel input


class ConvBNSwish(nn.Module):
    def __init__(self, cin: int, cout: int, k) -> None:
        super().__init__()
        pad = (0, 1) if k == (1, 3) else 0
        self.conv = nn.Conv2d(cin, cout, k, padding=pad, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.bn, nn.Identity):  # folded by RecNet.fuse()
            return conv_act(self.conv, x, "swish")
        return F.silu(self.bn(self.conv(x)))


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        att = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, n, c))


class MixerBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.silu(self.fc1(self.norm2(x))))


class SVTRNeck(nn.Module):
    def __init__(self, cin: int = 480, dim: int = 120, depth: int = 2, heads: int = 8) -> None:
        super().__init__()
        self.conv1 = ConvBNSwish(cin, cin // 8, (1, 3))
        self.conv2 = ConvBNSwish(cin // 8, dim, 1)
        self.blocks = nn.ModuleList(MixerBlock(dim, heads, dim * 2) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.conv3 = ConvBNSwish(dim, cin, 1)
        self.conv4 = ConvBNSwish(2 * cin, cin // 8, (1, 3))
        self.conv1x1 = ConvBNSwish(cin // 8, dim, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv2(self.conv1(x))
        b, c, hh, w = h.shape
        z = h.flatten(2).transpose(1, 2)
        for blk in self.blocks:
            z = blk(z)
        z = self.norm(z).reshape(b, hh, w, c).permute(0, 3, 1, 2)
        z = self.conv3(z)
        z = self.conv1x1(self.conv4(torch.cat([x, z], dim=1)))
        return z.squeeze(2).transpose(1, 2)  # (B, T, dim)


class RecNet(nn.Module):
    """Backbone + neck + linear CTC head over ``num_classes`` (blank first)."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.backbone = Backbone()
        self.neck = SVTRNeck()
        self.head = nn.Linear(120, num_classes)

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        return self.head(self.neck(self.backbone(x, start)))

    @torch.no_grad()
    def fuse(self) -> RecNet:
        """For inference only: fold each affine into the convolution before it, the depthwise
        stage's output affine into the 1x1 convolution after it, and each batch norm (the stem's,
        the neck's) into its convolution (exact up to rounding). On the CPU the convolutions then
        run with their activation fused (:mod:`hanji.models.fastconv`). The state dictionary no
        longer matches the file; don't train or save a fused network."""
        fuse_blocks(self.backbone.blocks)
        bb = self.backbone
        if isinstance(bb.stem_bn, nn.BatchNorm2d):
            bb.stem, bb.stem_bn = fold_bn(bb.stem, bb.stem_bn), nn.Identity()
        for m in self.neck.modules():
            if isinstance(m, ConvBNSwish) and isinstance(m.bn, nn.BatchNorm2d):
                m.conv, m.bn = fold_bn(m.conv, m.bn), nn.Identity()
        return self


@torch.no_grad()
def fuse_blocks(blocks) -> None:
    """Fold the affines of backbone blocks into their convolutions (see :meth:`RecNet.fuse`)."""
    for blk in blocks:
        for rc in (blk.dw, blk.pw):
            if not rc.lab.folded:
                s, b = rc.lab.scale, rc.lab.bias
                rc.conv.weight.mul_(s)
                rc.conv.bias.mul_(s).add_(b)
                rc.lab.folded = True
        if isinstance(blk.se, nn.Identity) and not blk.dw.act_lab.folded:
            s, b = blk.dw.act_lab.scale, blk.dw.act_lab.bias
            w = blk.pw.conv.weight  # 1x1, no padding: conv(s*y + b) = (s*W) y + (bias + b * sum W)
            blk.pw.conv.bias.add_(b * w.sum(dim=(1, 2, 3)))
            w.mul_(s)
            blk.dw.act_lab.folded = True
