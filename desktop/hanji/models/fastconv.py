"""A convolution and the activation after it in one pass, for inference on the CPU.

PyTorch runs ``F.hardswish(conv(x))`` as two passes over memory: oneDNN writes the convolution's
output, then ATen reads it back, writes a new tensor for the activation, and frees the first. On
these small mobile networks (PP-LCNetV3 in the detector and the recognizer) such elementwise passes
cost about as much as the depthwise convolutions themselves. oneDNN can apply the activation as
the convolution writes its output (a *post-op*, as onnxruntime fuses Conv+activation); PyTorch
exposes that as ``torch.ops.mkldnn._convolution_pointwise`` (what ``torch.compile`` emits on CPU).

:func:`conv_act` takes that path when it can (CPU, float32, no autograd, oneDNN built in) and the
plain one otherwise (CUDA, training, a build without oneDNN); both compute the same function, up
to float rounding (oneDNN's hard-swish rounds its last bit differently from ATen's).
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

ENABLED = True  # False: always the plain path (to compare the two in one process)

# the activations oneDNN can fuse (PyTorch's names for them) and their plain equivalents
_PLAIN = {
    "none": lambda x: x,
    "hardswish": F.hardswish,
    "relu": F.relu,
    "swish": F.silu,
    "sigmoid": torch.sigmoid,
}


@functools.lru_cache(maxsize=1)
def _fused_op():
    """``torch.ops.mkldnn._convolution_pointwise`` when this torch has it, else None."""
    if not torch.backends.mkldnn.is_available():
        return None
    try:
        return torch.ops.mkldnn._convolution_pointwise
    except (AttributeError, RuntimeError):
        return None


def fusable(x: torch.Tensor) -> bool:
    """Whether :func:`conv_act` on ``x`` takes the fused path (inference on the CPU in float32)."""
    return (ENABLED and x.device.type == "cpu" and x.dtype == torch.float32 and not torch.is_grad_enabled()
            and _fused_op() is not None)


def conv_act(conv: nn.Conv2d, x: torch.Tensor, act: str = "none") -> torch.Tensor:
    """``act(conv(x))``, fused into one oneDNN call when :func:`fusable`; ``act`` one of
    ``none``, ``hardswish``, ``relu``, ``swish`` (SiLU), ``sigmoid``. The result is a new tensor
    (the caller may change it in place)."""
    if fusable(x) and conv.padding_mode == "zeros" and not isinstance(conv.padding, str):
        return _fused_op()(x, conv.weight, conv.bias, list(conv.padding), list(conv.stride),
                           list(conv.dilation), conv.groups, act, [], "")
    return _PLAIN[act](conv(x))


@torch.no_grad()
def fold_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """A convolution (with a bias) that computes ``bn(conv(x))`` in eval mode: the batch norm's
    running statistics and affine folded into its weights (inference only)."""
    std = torch.sqrt(bn.running_var + bn.eps)
    k = bn.weight / std
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                    conv.dilation, conv.groups, bias=True, padding_mode=conv.padding_mode)
    out = out.to(device=conv.weight.device, dtype=conv.weight.dtype)
    out.weight.copy_(conv.weight * k.reshape(-1, 1, 1, 1))
    b = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    out.bias.copy_((b - bn.running_mean) * k + bn.bias)
    return out


def affine_(y: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``scale * y + bias`` (one-element ``scale`` and ``bias``: PP-LCNetV3's learnable affine)
    written into ``y`` in one pass (two in-place passes, ``mul_`` then ``add_``, took 6x as long on
    a channels-last tensor); equal up to float rounding."""
    return torch.add(bias.detach(), y, alpha=float(scale.detach()), out=y)
