"""The fused inference path (oneDNN conv + activation, batch norms folded, in-place elementwise
steps) computes what the plain layers compute, and is the path taken on the CPU."""

import copy

import pytest
import torch

from hanji.models import fastconv

pytestmark = pytest.mark.skipif(fastconv._fused_op() is None, reason="this torch has no oneDNN fused convolution")


@pytest.mark.parametrize("act", ["none", "hardswish", "relu", "swish", "sigmoid"])
@pytest.mark.parametrize("groups", [1, 8])
def test_conv_act_matches_the_plain_layers(act, groups):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(16, 16, 5, (2, 1), 2, groups=groups).eval()
    x = torch.randn(3, 16, 12, 40).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        assert fastconv.fusable(x)
        got = fastconv.conv_act(conv, x, act)
        want = fastconv._PLAIN[act](conv(x))
    assert got.shape == want.shape
    assert torch.allclose(got, want, atol=1e-5, rtol=1e-5)


def test_the_plain_path_where_fusing_does_not_apply():
    x = torch.randn(1, 4, 8, 8, requires_grad=True)
    assert not fastconv.fusable(x)  # autograd on: training takes the plain layers
    with torch.inference_mode():
        assert not fastconv.fusable(x.double())


def test_fold_bn_and_affine_():
    torch.manual_seed(1)
    conv = torch.nn.Conv2d(8, 6, 3, 1, 1, bias=False)
    bn = torch.nn.BatchNorm2d(6).eval()
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-1, 1)
    x = torch.randn(2, 8, 9, 11)
    with torch.no_grad():
        assert torch.allclose(fastconv.fold_bn(conv, bn)(x), bn(conv(x)), atol=1e-5)
        y = torch.randn(2, 6, 5, 7).contiguous(memory_format=torch.channels_last)
        want = torch.tensor([1.3]) * y + torch.tensor([-0.2])
        got = fastconv.affine_(y, torch.tensor([1.3]), torch.tensor([-0.2]))
        assert got.data_ptr() == y.data_ptr()  # in place
        assert torch.allclose(got, want, atol=1e-6)


def _both(net, x):
    """The network's output with the fused path and with the plain one."""
    with torch.inference_mode():
        fused = net(x.clone())
        fastconv.ENABLED = False
        try:
            plain = net(x.clone())
        finally:
            fastconv.ENABLED = True
    return fused, plain


def test_detector_fused_equals_unfused():
    from hanji.models.detect.net import DBNet

    torch.manual_seed(2)
    net = DBNet().eval()
    for m in net.modules():  # batch norms with statistics of their own, so folding them means something
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
    x = torch.randn(1, 3, 96, 128)
    with torch.inference_mode():
        ref = net(x)
    fused = copy.deepcopy(net).fuse().to(memory_format=torch.channels_last)
    got, plain = _both(fused, x.contiguous(memory_format=torch.channels_last))
    assert torch.allclose(got, ref, atol=1e-4) and torch.allclose(plain, ref, atol=1e-4)


def test_recognizer_and_direction_fused_equal_unfused():
    from hanji.models.direction import DirectionNet
    from hanji.models.recognize.net import RecNet

    torch.manual_seed(3)
    for net, shape in ((RecNet(50), (2, 3, 48, 96)), (DirectionNet(), (2, 3, 48, 192))):
        net.eval()
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
        x = torch.randn(*shape)
        with torch.inference_mode():
            ref = net(x)
        got, plain = _both(copy.deepcopy(net).fuse(), x)
        assert torch.allclose(got, ref, atol=1e-4), type(net).__name__
        assert torch.allclose(plain, ref, atol=1e-4), type(net).__name__
