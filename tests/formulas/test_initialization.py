"""Why initialization matters: the variance formulas of Glorot and He, what they keep constant
through depth, and the (1/4)^n bound that makes gradients vanish through sigmoid layers.

Layers are written as rows, h_k = f(h_{k-1} W_k) with W_k of shape (in, out), as Keras does.
"""
import numpy as np
import pytest

import autograd as ag
from nn import initializers


def tensor(array, requires_grad=False):
    return ag.Tensor(array, requires_grad=requires_grad, dtype=np.float64)


FAN_IN, FAN_OUT = 400, 200


@pytest.mark.parametrize("initializer, variance", [
    (initializers.GlorotUniform, 2 / (FAN_IN + FAN_OUT)),
    (initializers.GlorotNormal, 2 / (FAN_IN + FAN_OUT)),
    (initializers.HeUniform, 2 / FAN_IN),
    (initializers.HeNormal, 2 / FAN_IN),
], ids=["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"])
def test_initializer_variance(initializer, variance):
    """Var W = 2 / (fan_in + fan_out) for Glorot/Xavier, 2 / fan_in for He; mean 0."""
    weights = initializer(seed=3)((FAN_IN, FAN_OUT))
    # 80,000 draws: the sample variance lands within ~1% (one standard error is about 0.5%),
    # the sample mean within a few standard errors sqrt(Var W / size) of 0.
    np.testing.assert_allclose(weights.var(), variance, rtol=0.03)
    assert abs(weights.mean()) < 5 * np.sqrt(variance / weights.size)


def pre_activation_variances(initializer, activation, depth=10, width=256, samples=512):
    """Var of z_k = h_{k-1} W_k for k = 1..depth, forward pass by the engine from x ~ N(0, 1)."""
    rng = np.random.default_rng(0)
    h = tensor(rng.normal(size=(samples, width)))
    variances = []
    with ag.no_grad():
        for k in range(depth):
            z = ag.matmul(h, tensor(initializer(k)((width, width))))
            variances.append(float(z.data.var()))
            h = activation(z)
    return np.array(variances)


def identity(z):
    return z


def random_normal(stddev):
    return lambda seed: initializers.RandomNormal(stddev=stddev, seed=seed)


@pytest.mark.parametrize("activation, initializer, low, high", [
    # Linear layers, Glorot on a square kernel: Var z_k = n (1 / n) Var z_{k-1}, constant.
    (identity, initializers.GlorotUniform, 0.5, 2.0),
    # ReLU halves the second moment; He's 2 / fan_in doubles it back: constant.
    (ag.relu, initializers.HeNormal, 0.5, 4.0),
    # tanh shrinks each layer a little (tanh(z) < z), yet after 10 layers stays far from 0.
    (ag.tanh, initializers.GlorotNormal, 0.02, 1.0),
], ids=["linear-glorot", "relu-he", "tanh-glorot"])
def test_good_initialization_keeps_activation_variance(activation, initializer, low, high):
    """Var(z_10) stays O(Var x) when Var W = 1 / fan_avg (linear, tanh) or 2 / fan_in (relu)."""
    variances = pre_activation_variances(lambda seed: initializer(seed=seed), activation)
    assert low < variances[-1] < high


@pytest.mark.parametrize("activation", [identity, ag.relu, ag.tanh], ids=["linear", "relu", "tanh"])
def test_bad_initialization_explodes_or_vanishes(activation):
    """With Var W = s^2 each layer multiplies Var z by about n s^2: 256 for s = 1, 0.0256 for s = 0.01."""
    exploding = pre_activation_variances(random_normal(1.0), activation)
    vanishing = pre_activation_variances(random_normal(0.01), activation)
    # tanh cannot explode past its range, but its inputs do: |z| ~ 16 saturates every unit.
    assert exploding[-1] > 100
    assert vanishing[-1] < 1e-10


# ---- gradients through depth -------------------------------------------------------------------
def input_gradient(weights, activation, x, upstream):
    """d sum(upstream * h_n) / dx for h_k = activation(h_{k-1} W_k), derived by the engine."""
    x = tensor(x, True)
    h = x
    for w in weights:
        h = activation(ag.matmul(h, tensor(w)))
    (g,) = ag.grad(ag.sum(h * tensor(upstream)), [x])
    return g.data


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_gradient_through_sigmoid_layers_is_bounded_by_a_quarter_to_the_n(rng, depth):
    """||dL/dx|| <= (1/4)^n prod_k ||W_k||_2 ||dL/dh_n||, since 0 < sigmoid' <= 1/4."""
    width = 8
    weights = [rng.normal(size=(width, width)) for _ in range(depth)]
    x, upstream = rng.normal(size=width), rng.normal(size=width)
    gradient = input_gradient(weights, ag.sigmoid, x, upstream)
    spectral_norms = [np.linalg.norm(w, 2) for w in weights]
    bound = 0.25 ** depth * np.prod(spectral_norms) * np.linalg.norm(upstream)
    assert 0 < np.linalg.norm(gradient) <= bound


def test_large_weights_explode_a_linear_chain_and_still_vanish_through_sigmoids(rng):
    """W_k = s Q_k, Q_k orthogonal: linear ||dL/dx|| = s^n ||u||, sigmoid <= (s/4)^n ||u||."""
    depth, width, scale = 10, 8, 2.0
    weights = [scale * np.linalg.qr(rng.normal(size=(width, width)))[0] for _ in range(depth)]
    x, upstream = rng.normal(size=width), rng.normal(size=width)
    linear_gradient = input_gradient(weights, identity, x, upstream)
    np.testing.assert_allclose(np.linalg.norm(linear_gradient),
                               scale ** depth * np.linalg.norm(upstream), rtol=1e-10)
    sigmoid_gradient = input_gradient(weights, ag.sigmoid, x, upstream)
    assert np.linalg.norm(sigmoid_gradient) <= (scale / 4) ** depth * np.linalg.norm(upstream)
