"""The layers' formulas: Dense's forward pass, PReLU's two gradients, weight penalties and inverted
dropout, each checked against numpy.

Textbooks write a layer as y = f(W x + b), W of shape (out, in), x a column. Keras, and our Dense,
keep the kernel K = W^T of shape (in, out) and put samples in rows: y = f(x K + b).
"""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import layers, regularizers

NUMPY_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


def tensor(array, requires_grad=False):
    return ag.Tensor(array, requires_grad=requires_grad, dtype=np.float64)


def dense_with(kernel, bias, **options):
    """A Dense layer built for kernel.shape[0] features, holding the given weights."""
    layer = layers.Dense(kernel.shape[1], **options)
    layer.build_for((None, kernel.shape[0]))
    layer.set_weights([kernel, bias])
    return layer


@pytest.mark.parametrize("activation", sorted(NUMPY_ACTIVATIONS))
def test_dense_forward_pass(rng, activation):
    """y = f(W x + b) per sample; for a batch of rows, Y = f(X K + b) with K = W^T (Keras's kernel)."""
    n_in, n_out = 4, 3
    w, b = rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)  # the textbook's W
    layer = dense_with(w.T, b, activation=activation)
    f = NUMPY_ACTIVATIONS[activation]
    batch = rng.normal(size=(5, n_in))
    np.testing.assert_allclose(layer(batch).data, f(batch @ w.T + b), rtol=1e-12)
    x = rng.normal(size=n_in)  # one sample, a batch of one row
    np.testing.assert_allclose(layer(x[None, :]).data[0], f(w @ x + b), rtol=1e-12)


def test_prelu_gradients(rng):
    """PReLU: dy/dx = 1 or alpha; dL/dalpha_j = sum_i dL/dy_ij x_ij 1[x_ij <= 0]."""
    x_np = rng.normal(size=(6, 4))
    alpha_np = rng.uniform(0.05, 0.5, size=4)
    upstream = rng.normal(size=x_np.shape)
    layer = layers.PReLU()
    layer.build_for((None, 4))
    layer.set_weights([alpha_np])
    x = tensor(x_np, True)
    y = layer(x)
    np.testing.assert_allclose(y.data, np.where(x_np > 0, x_np, alpha_np * x_np), rtol=1e-15)
    ag.sum(y * tensor(upstream)).backward()
    negative = x_np <= 0
    np.testing.assert_allclose(x.grad.data, upstream * np.where(negative, alpha_np, 1.0), rtol=1e-15)
    np.testing.assert_allclose(layer.alpha.grad.data, np.sum(upstream * x_np * negative, axis=0),
                               rtol=1e-12)


# ---- weight penalties --------------------------------------------------------------------------
def penalty_gradient(regularizer, w_np):
    w = tensor(w_np, True)
    (g,) = ag.grad(regularizer(w), [w])
    return g.data


def test_l1_penalty_gradient(rng):
    """d (lambda sum|w|) / dw = lambda sign(w)."""
    w = rng.normal(size=(3, 4))
    np.testing.assert_allclose(penalty_gradient(regularizers.L1(0.03), w), 0.03 * np.sign(w),
                               rtol=1e-15)


def test_l2_penalty_gradient(rng):
    """d (lambda sum w^2) / dw = 2 lambda w (Keras's convention: no 1/2 in front)."""
    w = rng.normal(size=(3, 4))
    np.testing.assert_allclose(penalty_gradient(regularizers.L2(0.03), w), 2 * 0.03 * w, rtol=1e-15)


def test_l1_l2_penalty_gradient(rng):
    """d (l1 sum|w| + l2 sum w^2) / dw = l1 sign(w) + 2 l2 w."""
    w = rng.normal(size=(3, 4))
    np.testing.assert_allclose(penalty_gradient(regularizers.L1L2(l1=0.02, l2=0.05), w),
                               0.02 * np.sign(w) + 2 * 0.05 * w, rtol=1e-14)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_kernel_regularizer_adds_its_gradient_to_the_training_step(rng, penalty):
    """One SGD step on mse + P(K): K <- K - lr (2/n X^T (X K + b - y) + l1 sign(K) or 2 l2 K)."""
    factor, lr = 0.1, 0.05
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    kernel, bias = rng.normal(size=(3, 2)), rng.normal(size=2)
    regularizer = regularizers.L1(factor) if penalty == "l1" else regularizers.L2(factor)
    dense = dense_with(kernel, bias, kernel_regularizer=regularizer)
    model = nn.Sequential([nn.Input(shape=(3,)), dense])
    model.compile(optimizer=optim.SGD(learning_rate=lr), loss="mse")
    loss = model.train_on_batch(x, y)

    error = x @ kernel + bias - y
    if penalty == "l1":
        value, penalty_gradient = factor * np.abs(kernel).sum(), factor * np.sign(kernel)
    else:
        value, penalty_gradient = factor * (kernel ** 2).sum(), 2 * factor * kernel
    np.testing.assert_allclose(loss, np.mean(error ** 2) + value, rtol=1e-12)
    data_gradient = 2 * x.T @ error / error.size
    np.testing.assert_allclose(dense.kernel.data, kernel - lr * (data_gradient + penalty_gradient),
                               rtol=1e-12)
    np.testing.assert_allclose(dense.bias.data, bias - lr * 2 * error.sum(axis=0) / error.size,
                               rtol=1e-12)


# ---- inverted dropout --------------------------------------------------------------------------
def test_inverted_dropout_keeps_the_expectation(rng):
    """y = x m / (1 - rate), m ~ Bernoulli(1 - rate): E[y] = x, and the identity outside training."""
    rate, masks = 0.3, 4000
    x = rng.uniform(0.5, 2.0, size=10)
    repeated = np.tile(x, (masks, 1))  # each row draws its own mask
    dropout = layers.Dropout(rate, seed=7)
    y = dropout(repeated, training=True).data
    kept = y != 0
    np.testing.assert_allclose(y[kept], (repeated / (1 - rate))[kept], rtol=1e-15)
    # Each entry's mean over masks has standard error x sqrt(rate / (1 - rate) / masks).
    standard_error = x * np.sqrt(rate / (1 - rate) / masks)
    assert np.all(np.abs(y.mean(axis=0) - x) < 5 * standard_error)
    assert abs(1 - kept.mean() - rate) < 5 * np.sqrt(rate * (1 - rate) / kept.size)
    np.testing.assert_array_equal(dropout(repeated, training=False).data, repeated)


def test_dropout_passes_no_gradient_through_dropped_units(rng):
    """dy/dx = m / (1 - rate): 0 where a unit was dropped, 1 / (1 - rate) where it was kept."""
    rate = 0.5
    x_np = rng.uniform(0.5, 2.0, size=(20, 6))  # nonzero, so y == 0 exactly where dropped
    upstream = rng.normal(size=x_np.shape)
    x = tensor(x_np, True)
    y = layers.Dropout(rate, seed=11)(x, training=True)
    ag.sum(y * tensor(upstream)).backward()
    dropped = y.data == 0
    assert 0 < dropped.sum() < dropped.size
    np.testing.assert_array_equal(x.grad.data[dropped], 0.0)
    np.testing.assert_allclose(x.grad.data[~dropped], upstream[~dropped] / (1 - rate), rtol=1e-15)
