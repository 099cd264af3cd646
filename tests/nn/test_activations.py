import math

import numpy as np
import pytest

import autograd as ag
from nn import activations

# Points away from every kink (0, +-3, 6), so central differences are valid everywhere.
X = np.array([[-7.3, -2.6, -0.9, -0.2], [0.3, 1.1, 2.4, 6.8]])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _erf(x):
    return np.vectorize(math.erf)(x)


NUMPY_FORMULAS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.minimum(np.maximum(x, 0), 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "tanh": np.tanh,
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (np.abs(x) + 1),
    "silu": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "exponential": np.exp,
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
}


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_value_matches_numpy_formula(name):
    out = activations.get(name)(ag.Tensor(X, dtype=np.float64))
    np.testing.assert_allclose(out.data, NUMPY_FORMULAS[name](X), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_gradient_matches_central_differences(name):
    assert ag.gradcheck(activations.get(name), X)


def test_every_registered_activation_has_a_reference_formula():
    names = {activations.serialize(activations.get(n)) for n in NUMPY_FORMULAS}
    assert names == set(NUMPY_FORMULAS)


def test_gelu_approximate_is_the_tanh_formula_and_differentiable():
    x = ag.Tensor(X, dtype=np.float64)
    expected = 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3)))
    np.testing.assert_allclose(activations.gelu(x, approximate=True).data, expected, rtol=1e-12)
    assert ag.gradcheck(lambda t: activations.gelu(t, approximate=True), X)


def test_gelu_gradient_at_zero_is_one_half():
    x = ag.Tensor([0.0], requires_grad=True, dtype=np.float64)
    activations.gelu(x).sum().backward()
    assert x.grad.data[0] == pytest.approx(0.5)


def test_keyword_arguments_follow_keras():
    x = ag.Tensor(X, dtype=np.float64)
    np.testing.assert_allclose(activations.leaky_relu(x, negative_slope=0.1).data,
                               np.where(X > 0, X, 0.1 * X))
    np.testing.assert_allclose(activations.elu(x, alpha=2.0).data,
                               np.where(X > 0, X, 2.0 * (np.exp(X) - 1)))
    np.testing.assert_allclose(activations.softmax(x, axis=0).data, _softmax(X.T).T, rtol=1e-12)


@pytest.mark.parametrize("name", ["softplus", "elu", "selu", "silu", "mish", "gelu", "softmax",
                                  "log_softmax", "sigmoid"])
def test_huge_inputs_give_finite_values_and_gradients(name):
    x = ag.Tensor([[-1e4, -50.0, 50.0, 1e4]], requires_grad=True)
    out = activations.get(name)(x)
    out.sum().backward()
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(x.grad.data))


def test_float32_stays_float32():
    assert activations.gelu(ag.Tensor(X)).dtype == np.float32


def test_get_resolves_names_aliases_case_callables_and_none():
    assert activations.get("relu") is activations.relu
    assert activations.get("ReLU") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get(None) is activations.linear
    custom = lambda t: t * 2.0  # noqa: E731
    assert activations.get(custom) is custom


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match="'rellu'.*'relu'.*'tanh'"):
        activations.get("rellu")


def test_non_callable_is_a_type_error():
    with pytest.raises(TypeError, match="activation"):
        activations.get(3)


def test_serialize_round_trips_and_refuses_custom_functions():
    for name in ["relu", "swish", "gelu", None]:
        fn = activations.get(name)
        assert activations.get(activations.serialize(fn)) is fn
    with pytest.raises(ValueError, match="custom activation"):
        activations.serialize(lambda t: t)
