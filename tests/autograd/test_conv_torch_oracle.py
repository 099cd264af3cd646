"""PyTorch as an oracle for convolution and pooling: values, gradients and Hessian-vector
products agree with torch.nn.functional (NCHW there, NHWC here). Skipped without torch."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")
functional = pytest.importorskip("torch.nn.functional")


def to_torch_image(x):
    """NHWC -> NCHW."""
    return torch.tensor(x.transpose(0, 3, 1, 2), dtype=torch.float64, requires_grad=True)


def to_torch_kernel(w):
    """HWIO (conv) or HW,out,in (transposed conv) -> torch's (O, I, kh, kw) / (in, out, kh, kw)."""
    return torch.tensor(w.transpose(3, 2, 0, 1), dtype=torch.float64, requires_grad=True)


def ours_and_torch(ours, theirs, arrays, torch_arrays):
    """Value, gradient and Hessian-vector product of sum(tanh(f(inputs)) * u) in both libraries;
    the first input is an image (NHWC here), the second a kernel (HWIO here)."""
    rng = np.random.default_rng(9)
    leaves = [ag.Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    out = ours(*leaves)
    u = rng.standard_normal(out.shape)
    directions = [rng.standard_normal(a.shape) for a in arrays]
    grads = ag.grad((ag.tanh(out) * u).sum(), leaves, create_graph=True)
    hvp = ag.grad(sum((g * v).sum() for g, v in zip(grads, directions)), leaves)

    t_out = theirs(*torch_arrays)
    t_u = torch.tensor(u.transpose(0, 3, 1, 2))
    t_grads = torch.autograd.grad((torch.tanh(t_out) * t_u).sum(), torch_arrays, create_graph=True)
    t_dirs = [torch.tensor(v.transpose((0, 3, 1, 2) if i == 0 else (3, 2, 0, 1)))
              for i, v in enumerate(directions)]
    t_hvp = torch.autograd.grad(sum((g * v).sum() for g, v in zip(t_grads, t_dirs)), torch_arrays,
                                allow_unused=True)
    np.testing.assert_allclose(out.data, t_out.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-12)
    for position, (g, t_g, h, t_h) in enumerate(zip(grads, t_grads, hvp, t_hvp)):
        back = (0, 2, 3, 1) if position == 0 else (2, 3, 1, 0)
        np.testing.assert_allclose(g.data, t_g.detach().numpy().transpose(back), rtol=1e-10, atol=1e-12)
        t_h = np.zeros(h.shape) if t_h is None else t_h.numpy().transpose(back)
        np.testing.assert_allclose(h.data, t_h, rtol=1e-9, atol=1e-11)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("stride, padding, dilation, groups", [
    (1, 0, 1, 1), (2, 1, 1, 1), ((2, 1), (0, 2), 1, 1), (1, 2, 2, 1), (2, 1, 1, 2), (1, 1, 1, 4),
    (1, "same", 1, 1)])
def test_conv2d_agrees_with_torch(stride, padding, dilation, groups):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 7, 6, 4)), rng.standard_normal((3, 2, 4 // groups, 4))
    ours_and_torch(
        lambda x, w: ag.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups),
        lambda x, w: functional.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups),
        [x, w], [to_torch_image(x), to_torch_kernel(w)])


@pytest.mark.parametrize("stride, padding, output_padding, dilation, groups", [
    (1, 0, 0, 1, 1), (2, 0, 1, 1, 1), (2, 1, 1, 1, 2), ((3, 2), (1, 0), (2, 1), 1, 1), (2, 1, 0, 2, 1)])
def test_conv_transpose2d_agrees_with_torch(stride, padding, output_padding, dilation, groups):
    rng = np.random.default_rng(1)
    z, w = rng.standard_normal((2, 4, 3, 4)), rng.standard_normal((3, 2, 6 // groups, 4))
    ours_and_torch(
        lambda z, w: ag.conv_transpose2d(z, w, stride=stride, padding=padding, output_padding=output_padding,
                                         dilation=dilation, groups=groups),
        lambda z, w: functional.conv_transpose2d(z, w, stride=stride, padding=padding,
                                                 output_padding=output_padding, dilation=dilation, groups=groups),
        [z, w], [to_torch_image(z), to_torch_kernel(w)])


@pytest.mark.parametrize("ours, theirs", [(ag.max_pool2d, functional.max_pool2d),
                                         (ag.avg_pool2d, functional.avg_pool2d)])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), ((2, 3), (1, 2))])
def test_pooling_agrees_with_torch(ours, theirs, size, stride):
    x = np.random.default_rng(2).integers(0, 4, (2, 7, 6, 3)).astype(np.float64)  # many ties
    ours_and_torch(lambda x: ours(x, size, stride), lambda x: theirs(x, size, stride), [x], [to_torch_image(x)])
