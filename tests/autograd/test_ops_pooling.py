"""Pooling: what the op table cannot say. Output sizes, "same" padding (max pads with -inf,
average leaves padded cells out of its count), the tie rule of max pooling, the gradient
equal to a composition of existing ops, and the error messages."""
import math

import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True, dtype=np.float64)


@pytest.mark.parametrize("pool", [ag.max_pool2d, ag.avg_pool2d])
@pytest.mark.parametrize("length", [4, 5, 7])
@pytest.mark.parametrize("size, stride", [(2, None), (3, None), (3, 1), (2, 3)])
def test_output_size_follows_keras(pool, length, size, stride):
    x = ag.Tensor(np.zeros((2, length, length + 1, 3)))
    step = size if stride is None else stride
    assert pool(x, size, stride, "valid").shape == (
        2, (length - size) // step + 1, (length + 1 - size) // step + 1, 3)
    assert pool(x, size, stride, "same").shape == (2, math.ceil(length / step), math.ceil((length + 1) / step), 3)


def test_average_pooling_leaves_padding_out_of_the_count():
    """Length 5, window 2, stride 2, "same": the last window holds one real cell and one pad."""
    x = leaf(np.arange(5.0).reshape(1, 5, 1))
    out = ag.avg_pool1d(x, 2, padding="same")
    np.testing.assert_allclose(out.data[0, :, 0], [0.5, 2.5, 4.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data[0, :, 0], [0.5, 0.5, 0.5, 0.5, 1.0])


def test_average_of_ones_with_same_padding_is_one_everywhere():
    out = ag.avg_pool2d(ag.Tensor(np.ones((1, 5, 4, 2))), (3, 2), stride=1, padding="same")
    np.testing.assert_allclose(out.data, 1.0)


def test_max_pooling_pads_with_minus_infinity():
    """All-negative inputs: a zero padding would win the border windows; -inf never does."""
    x = leaf(-np.arange(1.0, 6.0).reshape(1, 5, 1))
    out = ag.max_pool1d(x, 2, padding="same")
    np.testing.assert_array_equal(out.data[0, :, 0], [-1, -3, -5])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, 0], [1, 0, 1, 0, 1])


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    """Row-major order inside each window, as PyTorch and TensorFlow do."""
    x = leaf(np.array([[1.0, 3.0, 3.0, 0.0], [3.0, 3.0, 2.0, 3.0]]).reshape(1, 2, 4, 1))
    ag.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, :, 0], [[0, 1, 1, 0], [0, 0, 0, 0]])


def test_overlapping_windows_add_their_gradients():
    x = leaf(np.array([0.0, 5.0, 1.0, 2.0]).reshape(1, 4, 1))
    ag.max_pool1d(x, 2, stride=1).sum().backward()  # windows (0,5) (5,1) (1,2)
    np.testing.assert_array_equal(x.grad.data[0, :, 0], [0, 2, 0, 1])


def test_pooling_treats_channels_and_examples_separately():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 6, 2))
    out = ag.max_pool2d(ag.Tensor(x, dtype=np.float64), (2, 3)).data
    np.testing.assert_array_equal(out, x.reshape(3, 2, 2, 2, 3, 2).max(axis=(2, 4)))
    out = ag.avg_pool2d(ag.Tensor(x, dtype=np.float64), (2, 3)).data
    np.testing.assert_allclose(out, x.reshape(3, 2, 2, 2, 3, 2).mean(axis=(2, 4)), rtol=1e-12)


def composed_pool(x, size, stride, reduce):
    """Pooling ("valid") with existing ops: one strided slice per window cell, stacked and reduced."""
    out_h, out_w = ((x.shape[1 + a] - size) // stride + 1 for a in (0, 1))
    cells = [x[:, a:a + (out_h - 1) * stride + 1:stride, b:b + (out_w - 1) * stride + 1:stride, :]
             for a in range(size) for b in range(size)]
    return reduce(ag.stack(cells, axis=0), axis=0)


@pytest.mark.parametrize("pool, reduce", [(ag.max_pool2d, ag.max), (ag.avg_pool2d, ag.mean)])
@pytest.mark.parametrize("size, stride", [(2, 2), (3, 1), (2, 3)])
def test_pooling_gradients_equal_the_composition(pool, reduce, size, stride):
    values = np.random.default_rng(1).permutation(2 * 7 * 6 * 2).reshape(2, 7, 6, 2) * 0.1  # no ties
    x = leaf(values)
    v = np.random.default_rng(2).standard_normal(values.shape)
    results = []
    for run in (lambda t: pool(t, size, stride), lambda t: composed_pool(t, size, stride, reduce)):
        out = run(x)
        g = ag.Tensor(np.random.default_rng(3).standard_normal(out.shape), dtype=np.float64)
        (grad,) = ag.grad((ag.tanh(out) * g).sum(), [x], create_graph=True)
        (second,) = ag.grad((grad * v).sum(), [x])
        results.append([out.data, grad.data, second.data])
    for ours, composed in zip(*results):
        np.testing.assert_allclose(ours, composed, rtol=1e-10, atol=1e-12)


def test_float32_in_float32_out():
    x = ag.Tensor(np.ones((1, 4, 4, 2)), requires_grad=True)
    for pool in (ag.max_pool2d, ag.avg_pool2d):
        out = pool(x, 2, padding="same")
        out.sum().backward()
        assert out.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: ag.max_pool2d(np.ones((4, 4, 1)), 2), r"max_pool2d: the input must be 4-D \(batch, height, width"),
    (lambda: ag.avg_pool1d(np.ones((1, 4, 4, 1)), 2), r"avg_pool1d: the input must be 3-D \(batch, length"),
    (lambda: ag.max_pool2d(np.ones((1, 4, 4, 1)), 2, padding=1), r'padding must be "valid" or "same"'),
    (lambda: ag.avg_pool2d(np.ones((1, 2, 4, 1)), 3), r"pool window of size 3 along height does not fit"),
    (lambda: ag.max_pool1d(np.ones((1, 2, 1)), 3), r"pool window of size 3 along length does not fit"),
    (lambda: ag.max_pool2d(np.ones((1, 4, 4, 1)), 0), r"pool_size must be an int or a tuple of 2 ints"),
    (lambda: ag.max_pool2d(np.ones((1, 4, 4, 1)), 2, stride=(1, 0)), r"stride must be"),
])
def test_pooling_errors_name_the_op_and_the_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()
