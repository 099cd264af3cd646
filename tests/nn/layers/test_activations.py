"""Activation layers: their formulas and options, gradients (float64 gradcheck), masks, configs
and errors. Parity with Keras is in test_keras_parity_activations.py."""
import numpy as np
import pytest

import nn
from nn.layers import ELU, LeakyReLU, ReLU, Softmax

X = np.array([[-3.0, -1.0, -0.2, 0.3, 0.8, 2.5, 7.0]], dtype=np.float32)


@pytest.mark.parametrize("layer, expected", [
    (ReLU(), np.maximum(X, 0)),
    (ReLU(max_value=6.0), np.clip(X, 0, 6)),
    (ReLU(negative_slope=0.1), np.where(X > 0, X, 0.1 * X)),
    (ReLU(threshold=0.5), np.where(X > 0.5, X, 0.0)),
    (ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5), np.where(X > 0.5, np.minimum(X, 2.0), 0.1 * (X - 0.5))),
    (LeakyReLU(), np.where(X > 0, X, 0.3 * X)),
    (LeakyReLU(negative_slope=0.01), np.where(X > 0, X, 0.01 * X)),
    (ELU(), np.where(X > 0, X, np.expm1(X))),
    (ELU(alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X))),
    (Softmax(), np.exp(X) / np.exp(X).sum()),
])
def test_formulas(layer, expected):
    np.testing.assert_allclose(layer(X).data, expected, rtol=1e-5, atol=1e-7)


def test_the_relu_function_takes_keras_s_options_too():
    np.testing.assert_allclose(nn.activations.relu(nn.utils.to_tensor(X), max_value=1.0).data, np.clip(X, 0, 1))


def test_softmax_over_several_axes_sums_to_one_over_them():
    out = Softmax(axis=[1, 2])(np.random.default_rng(0).standard_normal((2, 3, 4))).data
    np.testing.assert_allclose(out.sum(axis=(1, 2)), 1.0, rtol=1e-6)


def test_masked_softmax_gives_masked_values_probability_zero():
    out = Softmax().call(nn.utils.to_tensor(np.zeros((1, 4))), mask=np.array([[True, True, False, True]])).data
    np.testing.assert_allclose(out, [[1 / 3, 1 / 3, 0.0, 1 / 3]], rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda: ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5),
    lambda: LeakyReLU(negative_slope=0.2),
    lambda: ELU(alpha=0.7),
    lambda: Softmax(axis=1),
    lambda: Softmax(axis=[1, 2]),
])
def test_gradients_match_numerical_ones(gradcheck_layer, make):
    values = np.array([[[-2.1, -0.7, 0.15], [0.35, 0.9, 2.6]], [[1.7, -1.3, 0.65], [-0.05, 3.1, -2.4]]])
    assert gradcheck_layer(make(), [], values)


@pytest.mark.parametrize("make", [lambda: ReLU(6.0, 0.1, 0.5, name="r"), lambda: LeakyReLU(0.2), lambda: ELU(0.7),
                                  lambda: Softmax(axis=[1, 2])])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_default_names_follow_keras():
    assert [ReLU().name, LeakyReLU().name, ELU().name, Softmax().name] == ["re_lu", "leaky_re_lu", "elu", "softmax"]


@pytest.mark.parametrize("run, message", [
    (lambda: ReLU(max_value=-1.0), r"max_value must be a non-negative number"),
    (lambda: ReLU(negative_slope=None), r"negative_slope must be a non-negative number"),
    (lambda: LeakyReLU(negative_slope=-0.3), r"negative_slope must be a non-negative number"),
    (lambda: Softmax(axis="last"), r"axis must be an int or a list of ints"),
])
def test_mistakes_get_clear_errors(run, message):
    with pytest.raises(ValueError, match=message):
        run()
