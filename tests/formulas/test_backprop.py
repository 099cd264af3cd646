"""Textbook gradients, derived by the engine and checked against their closed forms in numpy.

Textbooks write a layer as z = W x + b with W of shape (out, in) and x a column vector. Our
engine, like Keras, stores the kernel as (in, out) and takes samples as rows: z = x K + b, so
K = W^T. Each test below says which convention it uses.
"""
import numpy as np
import pytest

import autograd as ag
from nn import activations, losses


def tensor(array, requires_grad=False):
    return ag.Tensor(array, requires_grad=requires_grad, dtype=np.float64)


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(labels, classes):
    return np.eye(classes)[labels]


# ---- the chain rule through one layer ----------------------------------------------------------
@pytest.mark.parametrize("batch", [None, 4], ids=["single_sample", "batch"])
def test_chain_rule_through_a_layer(rng, batch):
    """dL/dW = dL/dy * dy/dW and dL/db = dL/dy * dy/db for y = tanh(W x + b) (rows: y = tanh(x K + b))."""
    n_in, n_out = 3, 2
    x = rng.normal(size=(n_in,) if batch is None else (batch, n_in))
    kernel, b = rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    upstream = rng.normal(size=x.shape[:-1] + (n_out,))  # dL/dy, chosen by L = sum(upstream * y)
    K, B = tensor(kernel, True), tensor(b, True)
    y = ag.tanh(ag.matmul(tensor(x), K) + B)
    ag.sum(y * tensor(upstream)).backward()

    y_np = np.tanh(x @ kernel + b)
    delta = upstream * (1.0 - y_np ** 2)  # dL/dz = dL/dy * tanh'(z)
    if batch is None:
        # One sample: dz_j/dK_ij = x_i, so dL/dK = x delta^T (= (delta x^T)^T for W = K^T).
        np.testing.assert_allclose(K.grad.data, np.outer(x, delta), rtol=1e-12)
        np.testing.assert_allclose(B.grad.data, delta, rtol=1e-12)
    else:
        # A batch: each sample adds its own outer product; the bias gets the sum of the deltas.
        np.testing.assert_allclose(K.grad.data, x.T @ delta, rtol=1e-12)
        np.testing.assert_allclose(B.grad.data, delta.sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize("samples", [1, 5])
def test_backprop_deltas_of_a_two_layer_network(rng, samples):
    """d_out = (y_hat - y) f'(z_out), d_hid = (W_out^T d_out) f'(z_hid), dW = d x^T, db = d."""
    n_in, n_hidden, n_out = 4, 3, 2
    # Textbook orientation: W (out, in), samples as columns, L = 1/2 sum ||y_hat - y||^2.
    x, y = rng.normal(size=(n_in, samples)), rng.uniform(size=(n_out, samples))
    w_hid, b_hid = rng.normal(size=(n_hidden, n_in)), rng.normal(size=(n_hidden, 1))
    w_out, b_out = rng.normal(size=(n_out, n_hidden)), rng.normal(size=(n_out, 1))
    params = [tensor(p, True) for p in (w_hid, b_hid, w_out, b_out)]
    W_hid, B_hid, W_out, B_out = params
    h = ag.sigmoid(ag.matmul(W_hid, tensor(x)) + B_hid)
    y_hat = ag.sigmoid(ag.matmul(W_out, h) + B_out)
    (0.5 * ag.sum((y_hat - tensor(y)) ** 2)).backward()

    z_hid = w_hid @ x + b_hid
    h_np = np_sigmoid(z_hid)
    y_hat_np = np_sigmoid(w_out @ h_np + b_out)
    delta_out = (y_hat_np - y) * y_hat_np * (1 - y_hat_np)
    delta_hid = (w_out.T @ delta_out) * h_np * (1 - h_np)
    expected = [delta_hid @ x.T, delta_hid.sum(axis=1, keepdims=True),
                delta_out @ h_np.T, delta_out.sum(axis=1, keepdims=True)]
    for param, grad in zip(params, expected):
        np.testing.assert_allclose(param.grad.data, grad, rtol=1e-10, atol=1e-14)


# ---- derivatives of the activations ------------------------------------------------------------
def elementwise_derivative(f, x):
    """f'(x) for an elementwise f, as the engine derives it: the gradient of sum(f(x))."""
    t = tensor(x, True)
    (g,) = ag.grad(ag.sum(f(t)), [t])
    return g.data


def away_from_zero(rng, n=50):
    """Points with |x| >= 0.1, so finite kinks at 0 are never hit."""
    x = rng.uniform(-4, 4, size=n)
    return np.where(np.abs(x) < 0.1, x + np.sign(x + 1e-3) * 0.2, x)


def test_sigmoid_derivative(rng):
    """sigmoid'(x) = s (1 - s), s = sigmoid(x)."""
    x = rng.uniform(-8, 8, size=50)
    s = np_sigmoid(x)
    np.testing.assert_allclose(elementwise_derivative(activations.sigmoid, x), s * (1 - s), rtol=1e-12)


def test_tanh_derivative(rng):
    """tanh'(x) = 1 - tanh(x)^2."""
    x = rng.uniform(-4, 4, size=50)
    np.testing.assert_allclose(elementwise_derivative(activations.tanh, x), 1 - np.tanh(x) ** 2,
                               rtol=1e-12)


def test_relu_derivative(rng):
    """relu'(x) = 1[x > 0]."""
    x = away_from_zero(rng)
    np.testing.assert_array_equal(elementwise_derivative(activations.relu, x), (x > 0).astype(float))


@pytest.mark.parametrize("slope", [0.01, 0.2])
def test_leaky_relu_derivative(rng, slope):
    """leaky_relu'(x) = 1 for x > 0, slope otherwise."""
    x = away_from_zero(rng)
    derivative = elementwise_derivative(lambda t: activations.leaky_relu(t, negative_slope=slope), x)
    np.testing.assert_allclose(derivative, np.where(x > 0, 1.0, slope), rtol=1e-15)


def test_softmax_jacobian(rng):
    """d softmax(z)_i / d z_j = p_i (delta_ij - p_j), i.e. J = diag(p) - p p^T."""
    z_np = rng.normal(size=5)
    z = tensor(z_np, True)
    p = activations.softmax(z)
    rows = [ag.grad(p[i], [z], retain_graph=True)[0].data for i in range(z_np.size)]
    p_np = np_softmax(z_np)
    np.testing.assert_allclose(np.stack(rows), np.diag(p_np) - np.outer(p_np, p_np), atol=1e-15)


# ---- gradients of the losses -------------------------------------------------------------------
def loss_gradient(loss, y_true, y_pred, **options):
    """dL/dy_pred as the engine derives it."""
    prediction = tensor(y_pred, True)
    (g,) = ag.grad(loss(y_true, prediction, **options), [prediction])
    return g.data


def test_mse_gradient(rng):
    """d mean((y_hat - y)^2) / d y_hat = 2 (y_hat - y) / n, n = number of elements."""
    y, y_hat = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(loss_gradient(losses.mean_squared_error, y, y_hat),
                               2 * (y_hat - y) / y.size, rtol=1e-12)


def test_mae_gradient(rng):
    """d mean|y_hat - y| / d y_hat = sign(y_hat - y) / n, n = number of elements."""
    y, y_hat = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(loss_gradient(losses.mean_absolute_error, y, y_hat),
                               np.sign(y_hat - y) / y.size, rtol=1e-15)


@pytest.mark.parametrize("output", ["logits", "sigmoid_layer"])
def test_sigmoid_binary_crossentropy_gradient(rng, output):
    """For p = sigmoid(z) and L = mean BCE(y, p): dL/dz = (sigmoid(z) - y) / n."""
    z_np = rng.uniform(-4, 4, size=(6, 1))  # p stays inside the clipping range [1e-7, 1 - 1e-7]
    y = rng.integers(0, 2, size=(6, 1)).astype(float)
    z = tensor(z_np, True)
    if output == "logits":
        loss = losses.binary_crossentropy(y, z, from_logits=True)
    else:
        loss = losses.binary_crossentropy(y, activations.sigmoid(z))
    (g,) = ag.grad(loss, [z])
    np.testing.assert_allclose(g.data, (np_sigmoid(z_np) - y) / y.size, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("labels", ["one_hot", "sparse"])
@pytest.mark.parametrize("output", ["logits", "softmax_layer"])
def test_softmax_crossentropy_gradient(rng, labels, output):
    """For p = softmax(z) and L = mean CE(y, p): dL/dz = (softmax(z) - onehot(y)) / n_samples."""
    samples, classes = 5, 4
    z_np = rng.normal(size=(samples, classes))
    classes_of = rng.integers(0, classes, size=samples)
    y = one_hot(classes_of, classes) if labels == "one_hot" else classes_of
    loss_fn = (losses.categorical_crossentropy if labels == "one_hot"
               else losses.sparse_categorical_crossentropy)
    z = tensor(z_np, True)
    if output == "logits":
        loss = loss_fn(y, z, from_logits=True)
    else:
        loss = loss_fn(y, activations.softmax(z))
    (g,) = ag.grad(loss, [z])
    expected = (np_softmax(z_np) - one_hot(classes_of, classes)) / samples
    np.testing.assert_allclose(g.data, expected, rtol=1e-10, atol=1e-15)
