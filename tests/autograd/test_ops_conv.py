"""Convolutions: what the op table cannot say. Output sizes against Keras's formulas, the "same"
padding rule, groups and depthwise kernels, conv_transpose2d as the gradient of conv2d, the
gradient equal to a slow composition of existing ops, and the error messages."""
import math

import numpy as np
import pytest

import autograd as ag
from conv_references import np_conv2d


def leaf(shape, seed=0):
    return ag.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True, dtype=np.float64)


# ---- output sizes ------------------------------------------------------------------------------
@pytest.mark.parametrize("length", [5, 6, 7, 28])
@pytest.mark.parametrize("kernel", [1, 2, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2])
def test_output_size_follows_keras(length, kernel, stride, dilation):
    span = (kernel - 1) * dilation + 1
    x = ag.Tensor(np.zeros((1, length, length + 1, 2)))
    w = ag.Tensor(np.zeros((kernel, kernel, 2, 3)))
    same = ag.conv2d(x, w, stride=stride, padding="same", dilation=dilation)
    assert same.shape == (1, math.ceil(length / stride), math.ceil((length + 1) / stride), 3)
    if span <= length:
        valid = ag.conv2d(x, w, stride=stride, padding="valid", dilation=dilation)
        expected = [math.ceil((n - span + 1) / stride) for n in (length, length + 1)]
        assert valid.shape == (1, *expected, 3)


def test_same_padding_puts_the_odd_cell_at_the_bottom_right():
    """Kernel 2, stride 1 pads one cell in all: none at the top/left, one at the bottom/right."""
    x_values = np.arange(16.0).reshape(1, 4, 4, 1)
    out = ag.conv2d(ag.Tensor(x_values, dtype=np.float64), np.ones((2, 2, 1, 1)), padding="same").data[0, :, :, 0]
    assert out.shape == (4, 4)
    assert out[0, 0] == 0 + 1 + 4 + 5  # the first window starts at the first cell: no top/left padding
    assert out[3, 3] == 15  # the last window holds one real cell and three padding zeros
    assert out[3, 0] == 12 + 13


def test_same_padding_with_stride_two_pads_the_bottom():
    """length 6, kernel 3, stride 2: three windows need 7 cells, the extra one at the end."""
    x_values = np.arange(6.0).reshape(1, 6, 1)
    out = ag.conv1d(ag.Tensor(x_values, dtype=np.float64), np.ones((3, 1, 1)), stride=2, padding="same")
    np.testing.assert_array_equal(out.data[0, :, 0], [0 + 1 + 2, 2 + 3 + 4, 4 + 5])


def test_explicit_padding_forms():
    x, w = np.random.default_rng(0).standard_normal((1, 4, 5, 2)), np.ones((3, 3, 2, 1))
    for padding, pads in [(1, ((1, 1), (1, 1))), ((0, 2), ((0, 0), (2, 2))), (((2, 0), (1, 3)), ((2, 0), (1, 3)))]:
        out = ag.conv2d(ag.Tensor(x, dtype=np.float64), w, padding=padding)
        np.testing.assert_allclose(out.data, np_conv2d(np.pad(x, ((0, 0),) + pads + ((0, 0),)), w), rtol=1e-12)


# ---- groups ------------------------------------------------------------------------------------
def test_groups_are_independent_convolutions():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 5, 5, 4)), rng.standard_normal((3, 3, 2, 6))
    grouped = ag.conv2d(ag.Tensor(x, dtype=np.float64), w, groups=2).data
    first = ag.conv2d(ag.Tensor(x[..., :2], dtype=np.float64), w[..., :3]).data
    second = ag.conv2d(ag.Tensor(x[..., 2:], dtype=np.float64), w[..., 3:]).data
    np.testing.assert_allclose(grouped, np.concatenate([first, second], axis=-1), rtol=1e-12)


def test_depthwise_matches_keras_depthwise_kernel_layout():
    """groups == channels with a Keras DepthwiseConv2D kernel (kh, kw, in, mult) reshaped to
    (kh, kw, 1, in * mult): output channel c * mult + m filters input channel c with [:, :, c, m]."""
    rng = np.random.default_rng(2)
    channels, multiplier = 3, 2
    x, depthwise = rng.standard_normal((2, 6, 5, channels)), rng.standard_normal((3, 2, channels, multiplier))
    out = ag.conv2d(ag.Tensor(x, dtype=np.float64), depthwise.reshape(3, 2, 1, channels * multiplier),
                    stride=(2, 1), padding="same", groups=channels).data
    for c in range(channels):
        for m in range(multiplier):
            alone = ag.conv2d(ag.Tensor(x[..., c:c + 1], dtype=np.float64), depthwise[:, :, c:c + 1, m:m + 1],
                              stride=(2, 1), padding="same").data
            np.testing.assert_allclose(out[..., c * multiplier + m], alone[..., 0], rtol=1e-12)


def test_conv1d_is_conv2d_over_a_height_of_one():
    x, w = leaf((2, 7, 3)), leaf((3, 3, 4), seed=1)
    out = ag.conv1d(x, w, stride=2, padding="same", dilation=1)
    expected = ag.conv2d(x[:, None], w[None], stride=(1, 2), padding="same")
    np.testing.assert_allclose(out.data, expected.data[:, 0], rtol=1e-12)


# ---- conv_transpose2d --------------------------------------------------------------------------
@pytest.mark.parametrize("stride, padding, size, dilation", [
    (1, "valid", 3, 1), (2, "valid", 3, 1), (3, "valid", 2, 1), (2, "same", 3, 1), (2, "same", 4, 1),
    (2, "valid", 2, 2), ((2, 1), "same", 3, 1)])
def test_conv_transpose2d_is_the_gradient_of_conv2d(stride, padding, size, dilation):
    """With Keras's default output size, conv_transpose2d(g, w) = d/dx sum(conv2d(x, w) * g)."""
    z, w = leaf((2, 3, 4, 3)), leaf((size, size, 2, 3), seed=1)
    out = ag.conv_transpose2d(z, w, stride=stride, padding=padding, dilation=dilation)
    step = (stride, stride) if isinstance(stride, int) else stride
    span = (size - 1) * dilation + 1
    expected_hw = [n * s if padding == "same" else n * s + max(span - s, 0) for n, s in zip((3, 4), step)]
    assert out.shape == (2, *expected_hw, 2)  # Keras's Conv2DTranspose output size
    x = leaf(out.shape, seed=2)
    (grad_x,) = ag.grad((ag.conv2d(x, w, stride=stride, padding=padding, dilation=dilation) * z).sum(), [x])
    np.testing.assert_allclose(out.data, grad_x.data, rtol=1e-12, atol=1e-12)


def test_conv_transpose2d_output_padding_and_explicit_padding():
    z, w = ag.Tensor(np.ones((1, 3, 3, 1))), ag.Tensor(np.ones((3, 3, 2, 1)))
    assert ag.conv_transpose2d(z, w, stride=2, padding="valid", output_padding=1).shape == (1, 8, 8, 2)
    assert ag.conv_transpose2d(z, w, stride=2, padding="same", output_padding=(0, 1)).shape == (1, 5, 6, 2)
    assert ag.conv_transpose2d(z, w, stride=2, padding=1, output_padding=1).shape == (1, 6, 6, 2)  # torch's sizes


# ---- the gradient of the primitive equals that of a slow composition ----------------------------
def composed_conv2d(x, w, stride, dilation):
    """conv2d ("valid") written with existing ops: one strided slice and one matmul per kernel cell."""
    kh, kw = w.shape[:2]
    out_h = (x.shape[1] - (kh - 1) * dilation - 1) // stride + 1
    out_w = (x.shape[2] - (kw - 1) * dilation - 1) // stride + 1
    total = None
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dilation, a * dilation + (out_h - 1) * stride + 1, stride)
            cols = slice(b * dilation, b * dilation + (out_w - 1) * stride + 1, stride)
            term = x[:, rows, cols, :] @ w[a, b]
            total = term if total is None else total + term
    return total


@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_conv2d_gradients_equal_the_composition(stride, dilation):
    x, w = leaf((2, 7, 6, 3)), leaf((3, 2, 3, 4), seed=1)
    v_x, v_w = leaf(x.shape, seed=3).data, leaf(w.shape, seed=4).data
    results = []
    for conv in (lambda x, w: ag.conv2d(x, w, stride=stride, dilation=dilation),
                 lambda x, w: composed_conv2d(x, w, stride, dilation)):
        out = conv(x, w)
        g = ag.Tensor(np.random.default_rng(5).standard_normal(out.shape), dtype=np.float64)
        grad_x, grad_w = ag.grad((ag.tanh(out) * g).sum(), [x, w], create_graph=True)
        second = ag.grad((grad_x * v_x).sum() + (grad_w * v_w).sum(), [x, w])  # Hessian times v
        results.append([out.data, grad_x.data, grad_w.data] + [h.data for h in second])
    for ours, composed in zip(*results):
        np.testing.assert_allclose(ours, composed, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("conv, x_shape, w_shape", [(ag.conv2d, (2, 5, 4, 3), (3, 2, 3, 4)),
                                                    (ag.conv1d, (2, 6, 3), (3, 3, 4))])
def test_the_fused_bias_equals_adding_it_afterwards(conv, x_shape, w_shape):
    """conv(x, w, bias=b) against conv(x, w) + b: values, gradients and Hessian-vector products."""
    x, w, b = leaf(x_shape), leaf(w_shape, seed=1), leaf((w_shape[-1],), seed=2)
    vectors = [leaf(t.shape, seed=3 + i).data for i, t in enumerate((x, w, b))]
    results = []
    for run in (lambda: conv(x, w, padding="same", bias=b), lambda: conv(x, w, padding="same") + b):
        out = run()
        g = ag.Tensor(np.random.default_rng(6).standard_normal(out.shape), dtype=np.float64)
        grads = ag.grad((ag.tanh(out) * g).sum(), [x, w, b], create_graph=True)
        second = ag.grad(sum((grad * v).sum() for grad, v in zip(grads, vectors)), [x, w, b])
        results.append([out.data] + [grad.data for grad in grads] + [h.data for h in second])
    for fused, separate in zip(*results):
        np.testing.assert_allclose(fused, separate, rtol=1e-10, atol=1e-12)
    float32 = ag.conv2d(np.ones((1, 3, 3, 1), dtype=np.float32), np.ones((2, 2, 1, 2), dtype=np.float32), bias=[1, 2])
    assert float32.dtype == np.float32 and float32.data[0, 0, 0].tolist() == [5.0, 6.0]


def test_a_bias_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"conv2d: the bias must have shape \(4,\), one value per output channel"):
        ag.conv2d(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 4)), bias=np.ones(3))


def test_second_derivative_through_a_small_convnet():
    """Gradients of gradients through conv -> tanh -> pool -> conv agree with central differences."""
    w2 = np.random.default_rng(7).standard_normal((2, 2, 2, 1))

    def gradient_norm(x, w1):
        hidden = ag.avg_pool2d(ag.tanh(ag.conv2d(x, w1, padding="same")), 2)
        loss = ag.conv2d(hidden, w2).sum()
        (g,) = ag.grad(loss, [w1], create_graph=True)
        return (g * g).sum()

    assert ag.gradcheck(gradient_norm, leaf((1, 5, 4, 1)).data, leaf((3, 3, 1, 2), seed=1).data)


def test_float32_stays_float32_and_backward_keeps_columns_once():
    x = ag.Tensor(np.ones((2, 5, 5, 3)), requires_grad=True)
    w = ag.Tensor(np.ones((3, 3, 3, 4)), requires_grad=True)
    out = ag.conv2d(x, w, padding="same")
    out.sum().backward()
    assert out.dtype == x.grad.dtype == w.grad.dtype == np.float32
    assert out.grad_fn.saved is None  # the im2col matrix is released with the graph
    with pytest.raises(RuntimeError, match="second time"):
        out.sum().backward()


def test_a_kernel_without_gradient_keeps_no_columns():
    """The im2col matrix serves only the kernel gradient: a frozen kernel lets it go at once, and a
    kernel that asks for a gradient after the forward pass still gets the right one."""
    x = ag.Tensor(np.random.default_rng(0).standard_normal((2, 5, 5, 3)), requires_grad=True)
    w = ag.Tensor(np.random.default_rng(1).standard_normal((3, 3, 3, 4)))
    out = ag.conv2d(x, w)
    assert out.grad_fn.saved is None
    w.requires_grad_(True)
    out.sum().backward()
    fresh = ag.Tensor(w.data, requires_grad=True)
    ag.conv2d(ag.Tensor(x.data), fresh).sum().backward()
    np.testing.assert_allclose(w.grad.data, fresh.grad.data, rtol=1e-12)
    assert x.grad.shape == x.shape


def test_an_empty_batch_gives_empty_outputs_and_zero_kernel_gradients():
    x, w = ag.Tensor(np.ones((0, 5, 5, 2)), requires_grad=True), ag.Tensor(np.ones((3, 3, 2, 4)), requires_grad=True)
    out = ag.conv2d(x, w, stride=2, padding="same")
    assert out.shape == (0, 3, 3, 4)
    out.sum().backward()
    assert x.grad.shape == (0, 5, 5, 2)
    np.testing.assert_array_equal(w.grad.data, np.zeros((3, 3, 2, 4)))


# ---- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape, w_shape, kwargs, message", [
    ((5, 5, 3), (3, 3, 3, 4), {}, r"conv2d: the input must be 4-D \(batch, height, width, channels\).*x\[None\]"),
    ((1, 5, 5, 3), (3, 3, 4), {}, r"conv2d: the kernel must be 4-D \(kernel_height, kernel_width"),
    ((1, 5, 5, 3), (3, 3, 2, 4), {}, r"reads 2 channels per group.*needs an input with 2 channels.*has 3"),
    ((1, 5, 5, 4), (3, 3, 2, 3), {"groups": 2}, r"groups=2 must divide.*3 output channels"),
    ((1, 5, 5, 3), (3, 3, 1, 4), {"groups": 2}, r"groups=2 must divide both the input's 3 channels"),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"groups": 0}, r"groups must be a positive int"),
    ((1, 2, 5, 3), (3, 3, 3, 4), {},
     r"kernel of size 3 along height does not fit.*\(1, 2, 5, 3\).*padding=\"same\""),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"dilation": 3}, r"size 3 \(dilated to 7\) along height"),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"padding": "full"}, r'padding must be "valid", "same"'),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"padding": -1}, r"non-negative ints"),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"stride": 0}, r"stride must be an int or a tuple of 2 ints, each positive"),
    ((1, 5, 5, 3), (3, 3, 3, 4), {"stride": (1, 2, 3)}, r"stride must be"),
])
def test_conv2d_errors_name_the_op_shapes_and_fix(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ag.conv2d(np.ones(x_shape), np.ones(w_shape), **kwargs)


def test_conv1d_errors_speak_of_one_dimension():
    with pytest.raises(ValueError, match=r"conv1d: the input must be 3-D \(batch, length, channels\)"):
        ag.conv1d(np.ones((1, 5, 5, 3)), np.ones((3, 3, 4)))
    with pytest.raises(ValueError, match=r"conv1d: the kernel of size 4 along length does not fit"):
        ag.conv1d(np.ones((1, 3, 2)), np.ones((4, 2, 1)))
    with pytest.raises(ValueError, match=r"conv1d: padding must be .*\(1, 2\)"):
        ag.conv1d(np.ones((1, 3, 2)), np.ones((2, 2, 1)), padding=((1, 2), (3, 4)))


def test_conv_transpose2d_errors():
    z = np.ones((1, 3, 3, 2))
    with pytest.raises(ValueError, match=r"takes 3 input channels .*has 2"):
        ag.conv_transpose2d(z, np.ones((3, 3, 1, 3)))
    with pytest.raises(ValueError, match=r"output_padding \(2, 2\) must be smaller than the stride"):
        ag.conv_transpose2d(z, np.ones((3, 3, 1, 2)), stride=2, output_padding=(2, 2))
    with pytest.raises(ValueError, match=r"change output_padding"):
        ag.conv_transpose2d(z, np.ones((2, 2, 1, 2)), padding="same", output_padding=0)
