"""nn.constraints: Keras 3's formulas (checked against keras.constraints), names, configs, and
every layer argument that takes one (``kernel_constraint=`` & co.)."""
from __future__ import annotations

import os
from functools import partial

import numpy as np
import pytest

import autograd as ag
import nn
from nn import constraints
from nn.layers import (GRU, LSTM, BatchNormalization, Conv1D, Conv2D, Conv2DTranspose, Dense, DepthwiseConv2D,
                       Embedding, GRUCell, LayerNormalization, LSTMCell, MultiHeadAttention, PReLU,
                       SeparableConv2D, SimpleRNN, SimpleRNNCell)

os.environ.setdefault("KERAS_BACKEND", "torch")
# Keras 3.15's tensors meet numpy 2's copy keyword, which numpy warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

W = np.random.default_rng(7).normal(scale=0.8, size=(4, 3, 5)).astype(np.float32)
AXES = [0, 1, 2, -1, [0, 1], [0, 1, 2]]


def keras_or_skip():
    return pytest.importorskip("keras")


@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name, arguments", [
    ("MaxNorm", {"max_value": 1.2}), ("MaxNorm", {}), ("UnitNorm", {}),
    ("MinMaxNorm", {"min_value": 0.8, "max_value": 1.5, "rate": 1.0}),
    ("MinMaxNorm", {"min_value": 1.5, "max_value": 3.0, "rate": 0.4}),
])
def test_values_match_keras_on_random_weights(name, arguments, axis):
    keras = keras_or_skip()
    ours = getattr(constraints, name)(**arguments, axis=axis)(ag.Tensor(W))
    theirs = getattr(keras.constraints, name)(**arguments, axis=axis)(keras.ops.convert_to_tensor(W))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.data, keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


def test_non_neg_matches_keras():
    keras = keras_or_skip()
    expected = keras.ops.convert_to_numpy(keras.constraints.NonNeg()(keras.ops.convert_to_tensor(W)))
    np.testing.assert_array_equal(constraints.NonNeg()(ag.Tensor(W)).data, expected)
    assert (expected >= 0).all() and (expected[W > 0] == W[W > 0]).all()


def test_the_norms_land_where_the_formulas_say():
    columns = np.linalg.norm(constraints.MaxNorm(1.0, axis=0)(ag.Tensor(W[0])).data, axis=0)
    before = np.linalg.norm(W[0], axis=0)
    np.testing.assert_allclose(columns, np.minimum(before, 1.0), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm(axis=1)(ag.Tensor(W[0])).data, axis=1), 1.0,
                               rtol=1e-5)
    halfway = constraints.MinMaxNorm(2.0, 3.0, rate=0.5, axis=[0, 1, 2])(ag.Tensor(W)).data
    norm = np.linalg.norm(W)
    assert np.linalg.norm(halfway) == pytest.approx(0.5 * np.clip(norm, 2.0, 3.0) + 0.5 * norm, rel=1e-5)


def test_the_base_class_changes_nothing_and_keras_defaults_hold():
    w = ag.Tensor(W)
    assert constraints.Constraint()(w) is w
    keras = keras_or_skip()
    for name in ("MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"):
        assert getattr(constraints, name)().get_config() == getattr(keras.constraints, name)().get_config(), name


@pytest.mark.parametrize("identifier, expected", [
    ("max_norm", constraints.MaxNorm()), ("MaxNorm", constraints.MaxNorm()),
    ("min_max_norm", constraints.MinMaxNorm()), ("non_neg", constraints.NonNeg()),
    ("unit_norm", constraints.UnitNorm()), ("UnitNorm", constraints.UnitNorm()),
    (constraints.UnitNorm, constraints.UnitNorm()),
    ({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": [0, 1]}}, constraints.MaxNorm(3, axis=(0, 1))),
])
def test_get_takes_what_keras_get_takes(identifier, expected):
    found = constraints.get(identifier)
    assert type(found) is type(expected) and found.get_config() == expected.get_config()


def test_get_passes_callables_and_none_through():
    clip = lambda w: ag.clip(w, -1.0, 1.0)  # noqa: E731
    assert constraints.get(clip) is clip
    assert constraints.get(None) is None
    assert constraints.max_norm is constraints.MaxNorm and constraints.non_neg is constraints.NonNeg


@pytest.mark.parametrize("constraint", [constraints.MaxNorm(1.5, axis=[0, 1]), constraints.NonNeg(),
                                        constraints.UnitNorm(-1), constraints.MinMaxNorm(0.5, 2.0, 0.3, 1)],
                         ids=repr)
def test_serialize_and_deserialize_round_trip(constraint):
    config = constraints.serialize(constraint)
    assert config == {"class_name": type(constraint).__name__, "config": constraint.get_config()}
    again = constraints.deserialize(config)
    assert type(again) is type(constraint) and again.get_config() == constraint.get_config()
    np.testing.assert_array_equal(again(ag.Tensor(W)).data, constraint(ag.Tensor(W)).data)
    assert constraints.serialize(None) is None


def test_a_registered_constraint_of_your_own_round_trips():
    @nn.saving.register_serializable(package="constraint_tests")
    class Clip(constraints.Constraint):
        def __init__(self, limit=1.0):
            self.limit = limit

        def __call__(self, w):
            return ag.clip(w, -self.limit, self.limit)

        def get_config(self):
            return {"limit": self.limit}

    again = constraints.get(constraints.serialize(Clip(0.3)))
    assert type(again) is Clip and again.limit == 0.3


@pytest.mark.parametrize("make, bad, message", [
    (lambda: constraints.MaxNorm(-1), "max_value", "MaxNorm: max_value must be a number >= 0"),
    (lambda: constraints.MinMaxNorm(2.0, 1.0), "max_value", "MinMaxNorm: max_value must be a number >= 2.0"),
    (lambda: constraints.MinMaxNorm(rate=1.5), "rate", "between 0.0 and 1.0"),
    (lambda: constraints.UnitNorm(axis="rows"), "axis", "axis must be an int or a list of ints"),
])
def test_bad_arguments_are_named(make, bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


# ---- the layers' arguments -------------------------------------------------------------------------------
LAYERS = [  # (layer, {argument: weight attribute}, sample shape)
    (partial(Dense, 3), {"kernel_constraint": "kernel", "bias_constraint": "bias"}, (4,)),
    (partial(Conv1D, 2, 2), {"kernel_constraint": "kernel", "bias_constraint": "bias"}, (5, 3)),
    (partial(Conv2D, 2, 2), {"kernel_constraint": "kernel", "bias_constraint": "bias"}, (4, 4, 3)),
    (partial(Conv2DTranspose, 2, 2), {"kernel_constraint": "kernel", "bias_constraint": "bias"}, (4, 4, 3)),
    (partial(DepthwiseConv2D, 2), {"depthwise_constraint": "kernel", "bias_constraint": "bias"}, (4, 4, 3)),
    (partial(SeparableConv2D, 2, 2), {"depthwise_constraint": "depthwise_kernel",
                                              "pointwise_constraint": "pointwise_kernel",
                                              "bias_constraint": "bias"}, (4, 4, 3)),
    (partial(Embedding, 10, 3), {"embeddings_constraint": "embeddings"}, (5,)),
    (partial(PReLU), {"alpha_constraint": "alpha"}, (4,)),
    (partial(BatchNormalization), {"beta_constraint": "beta", "gamma_constraint": "gamma"}, (4,)),
    (partial(LayerNormalization), {"beta_constraint": "beta", "gamma_constraint": "gamma"}, (4,)),
    (partial(SimpleRNN, 2), {"kernel_constraint": "cell.kernel", "recurrent_constraint":
                                     "cell.recurrent_kernel", "bias_constraint": "cell.bias"}, (3, 4)),
    (partial(LSTM, 2), {"kernel_constraint": "cell.kernel", "recurrent_constraint": "cell.recurrent_kernel",
                                "bias_constraint": "cell.bias"}, (3, 4)),
    (partial(GRU, 2), {"kernel_constraint": "cell.kernel", "recurrent_constraint": "cell.recurrent_kernel",
                               "bias_constraint": "cell.bias"}, (3, 4)),
]
CELLS = [SimpleRNNCell, LSTMCell, GRUCell]


def weight(layer, path):
    for part in path.split("."):
        layer = getattr(layer, part)
    return layer


@pytest.mark.parametrize("make, arguments, shape", LAYERS, ids=[make.func.__name__ for make, _, _ in LAYERS])
def test_each_layer_records_its_constraints_and_its_config_restores_them(make, arguments, shape):
    given = {argument: constraints.MaxNorm(0.5 + i, axis=0) for i, argument in enumerate(arguments)}
    layer = make(**given)
    layer.build_for((None, *shape))
    config = layer.get_config()
    for argument, constraint in given.items():
        assert config[argument] == {"class_name": "MaxNorm", "config": constraint.get_config()}
        assert layer.weight_constraints[weight(layer, arguments[argument])] is constraint
    assert len(layer.weight_constraints) == len(given)
    again = type(layer).from_config(config)
    assert again.get_config() == config
    plain = make().get_config()
    assert all(plain[argument] is None for argument in arguments)


@pytest.mark.parametrize("cell", CELLS)
def test_cells_take_the_three_constraints_too(cell):
    layer = cell(2, kernel_constraint="non_neg", recurrent_constraint="unit_norm", bias_constraint=None)
    config = layer.get_config()
    assert config["kernel_constraint"] == {"class_name": "NonNeg", "config": {}}
    assert config["recurrent_constraint"] == {"class_name": "UnitNorm", "config": {"axis": 0}}
    assert config["bias_constraint"] is None and cell.from_config(config).get_config() == config


def test_multi_head_attention_constrains_every_projection():
    layer = MultiHeadAttention(2, 3, kernel_constraint="unit_norm", bias_constraint="non_neg")
    x = np.ones((1, 4, 5), dtype=np.float32)
    layer(x, x)
    kernels = [w for w in layer.weights if w.name.endswith("kernel")]
    assert len(kernels) == 4 and all(isinstance(layer.weight_constraints[k], constraints.UnitNorm) for k in kernels)
    assert len(layer.weight_constraints) == 8
    assert MultiHeadAttention.from_config(layer.get_config()).get_config() == layer.get_config()


def test_add_weight_takes_a_constraint_for_layers_of_your_own():
    class Scale(nn.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", constraint="non_neg")

        def call(self, inputs):
            return inputs * self.scale

    layer = Scale()
    layer(np.ones((2, 3)))
    assert isinstance(layer.weight_constraints[layer.scale], constraints.NonNeg)
