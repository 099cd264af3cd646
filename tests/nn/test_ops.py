"""nn.ops is keras.ops on autograd: the same names, arguments and defaults, the same values, and
gradients from autograd's ops; the layer of Keras's subclassing guide runs as written."""
from __future__ import annotations

import inspect
import os

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import ops

# keras.ops on the torch backend converts numpy inputs with a call numpy 2 warns about (Keras's own).
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 4)).astype("float32")
B = RNG.normal(size=(3, 4)).astype("float32")
POSITIVE = np.abs(A) + 0.5
SQUARE = RNG.normal(size=(4, 4)).astype("float32")
LABELS = np.array([0, 2, 1])

# (name, positional arguments, keyword arguments): each call is run by nn.ops and keras.ops.
CALLS = [
    *[(name, (A,), {}) for name in ("abs", "absolute", "negative", "square", "exp", "sin", "cos", "tanh", "erf",
                                     "sign", "floor", "isnan", "isfinite", "relu", "relu6", "sigmoid", "softplus",
                                     "softsign", "silu", "swish", "selu", "hard_sigmoid", "softmax", "log_softmax")],
    *[(name, (POSITIVE,), {}) for name in ("sqrt", "rsqrt", "log", "log1p", "reciprocal")],
    *[(name, (A, B), {}) for name in ("add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
                                      "equal", "not_equal", "greater", "greater_equal", "less", "less_equal")],
    ("power", (POSITIVE, B), {}), ("round", (A * 10,), {"decimals": 1}),
    ("gelu", (A,), {}), ("gelu", (A,), {"approximate": False}), ("elu", (A,), {"alpha": 0.5}),
    ("leaky_relu", (A,), {}), ("softmax", (A,), {"axis": 0}), ("clip", (A, -0.5, 0.5), {}),
    *[(name, (A,), {"axis": axis, "keepdims": keep}) for name in ("sum", "mean", "var", "std", "max", "min", "prod",
                                                                    "logsumexp") for axis, keep in ((None, False),
                                                                                                     (1, True))],
    ("max", (A,), {"axis": 0, "initial": 0.25}), ("norm", (A,), {}), ("norm", (A,), {"axis": 1, "ord": 1}),
    ("cumsum", (A,), {"axis": 1}), ("argmax", (A,), {"axis": 1}), ("argmin", (A,), {}),
    ("all", (A > 0,), {"axis": 1}), ("any", (A > 0,), {}),
    ("matmul", (A, B.T), {}), ("dot", (A, B.T), {}), ("outer", (A[0], B[0]), {}),
    ("tensordot", (A, B), {"axes": [[1], [1]]}), ("einsum", ("ij,kj->ik", A, B), {}),
    ("reshape", (A, (2, 6)), {}), ("transpose", (A,), {}), ("swapaxes", (A, 0, 1), {}),
    ("expand_dims", (A, 1), {}), ("squeeze", (A[:1],), {}), ("broadcast_to", (A[0], (2, 4)), {}),
    ("concatenate", ([A, B],), {"axis": 1}), ("stack", ([A, B],), {}), ("tile", (A, (2, 1)), {}),
    ("repeat", (A, 2), {"axis": 0}), ("flip", (A,), {"axis": 1}), ("roll", (A, 1), {"axis": 1}),
    ("pad", (A, ((1, 0), (0, 2))), {}), ("tril", (SQUARE,), {}), ("triu", (SQUARE,), {"k": 1}),
    ("take", (A, np.array([0, 5])), {}), ("take", (A, np.array([[0, 2]])), {"axis": 1}),
    ("take_along_axis", (A, np.argsort(A, axis=1)), {"axis": 1}),
    ("where", (A > 0, A, B), {}), ("one_hot", (LABELS, 3), {}), ("one_hot", (LABELS, 4), {"axis": 0}),
    ("zeros", ((2, 3),), {}), ("ones", ((2,),), {}), ("full", ((2, 2), 1.5), {}), ("zeros_like", (A,), {}),
    ("ones_like", (A,), {}), ("eye", (3,), {"M": 4, "k": 1}), ("arange", (2, 9, 3), {}), ("linspace", (0, 1, 5), {}),
    ("cast", (A, "int32"), {}), ("convert_to_tensor", (A,), {}),
]


def keras_or_skip():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


def as_numpy(value):
    if isinstance(value, (tuple, list)):
        return [as_numpy(item) for item in value]
    return np.asarray(value.data if isinstance(value, ag.Tensor) else value)


@pytest.mark.parametrize("name", ops.__all__)
def test_each_op_takes_keras_s_arguments_with_keras_s_defaults(name):
    keras = keras_or_skip()
    theirs = inspect.signature(getattr(keras.ops, name)).parameters
    ours = inspect.signature(getattr(ops, name)).parameters
    assert list(ours) == list(theirs)
    assert {key: p.default for key, p in ours.items()} == {key: p.default for key, p in theirs.items()}


@pytest.mark.parametrize("name, args, kwargs", CALLS, ids=[f"{call[0]}-{i}" for i, call in enumerate(CALLS)])
def test_each_op_gives_keras_s_values(name, args, kwargs):
    keras = keras_or_skip()
    ours = as_numpy(getattr(ops, name)(*args, **kwargs))
    theirs = keras.ops.convert_to_numpy(getattr(keras.ops, name)(*args, **kwargs))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.astype("float64"), theirs.astype("float64"), rtol=2e-5, atol=2e-6)


def test_every_op_is_called_in_the_value_table():
    called = {name for name, _, _ in CALLS}
    assert called >= set(ops.__all__) - {"shape", "convert_to_numpy", "moments", "stop_gradient"}  # tested below


def test_the_core_ops_move_values_between_numpy_and_tensors():
    tensor = ops.convert_to_tensor([[1.0, 2.0]])
    assert isinstance(tensor, ag.Tensor) and tensor.dtype == np.float32 and ops.shape(tensor) == (1, 2)
    array = ops.convert_to_numpy(tensor)
    array[0, 0] = 9.0
    assert tensor.data[0, 0] == 1.0  # a copy
    mean, variance = ops.moments(A, axes=[0])
    np.testing.assert_allclose(mean.data, A.mean(0), rtol=1e-6)
    np.testing.assert_allclose(variance.data, A.var(0), rtol=1e-5)


def test_gradients_flow_through_the_ops_and_stop_at_stop_gradient():
    x = ag.Tensor(A.astype("float64"), requires_grad=True)
    assert ag.gradcheck(lambda v: ops.sum(ops.square(ops.matmul(v, ops.transpose(v))), axis=1), x)
    assert ag.gradcheck(lambda v: ops.logsumexp(ops.gelu(v), axis=0), x)
    loss = ops.sum(ops.stop_gradient(x) * x)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, x.data)  # d/dx (c * x) with c held constant


def test_the_linear_layer_of_keras_s_subclassing_guide_trains_as_written():
    class Linear(nn.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                     trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    model = nn.Sequential([nn.Input(shape=(4,)), Linear(8), nn.layers.Activation("relu"), Linear(1)])
    model.compile(optimizer=optim.Adam(learning_rate=0.02), loss="mse")
    x = RNG.normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 4
