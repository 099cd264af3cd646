"""Activation layers against Keras 3 (torch backend): the same outputs and input gradients."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own numpy 2 notices

RNG = np.random.default_rng(0)
# Away from the kinks at 0 and at the thresholds used below, where a gradient is a convention.
VALUES = RNG.choice([-1, 1], (3, 5, 4)) * RNG.uniform(0.05, 3.0, (3, 5, 4))
VALUES = np.where(np.abs(VALUES - 0.5) < 0.05, 0.7, VALUES)
VALUES = np.where(np.abs(VALUES - 1.0) < 0.05, 1.2, VALUES)

CASES = [
    ("Softmax", dict()),
    ("Softmax", dict(axis=1)),
    ("Softmax", dict(axis=[1, 2])),
    ("ReLU", dict()),
    ("ReLU", dict(max_value=1.0)),
    ("ReLU", dict(max_value=6.0)),
    ("ReLU", dict(negative_slope=0.2)),
    ("ReLU", dict(threshold=0.5)),
    ("ReLU", dict(max_value=1.0, negative_slope=0.1, threshold=0.5)),
    ("LeakyReLU", dict()),
    ("LeakyReLU", dict(negative_slope=0.05)),
    ("ELU", dict()),
    ("ELU", dict(alpha=0.5)),
    ("PReLU", dict(alpha_initializer="random_uniform")),
    ("PReLU", dict(shared_axes=[1])),
]


@pytest.mark.parametrize("name, arguments", CASES, ids=[f"{name}-{args}" for name, args in CASES])
def test_matches_keras(same_as_keras, name, arguments):
    same_as_keras(getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments),
                  [VALUES.astype("float32")])


def test_masked_softmax_matches_keras():
    x = VALUES.astype("float32")
    mask = RNG.random((3, 1, 4)) > 0.3
    ours = nn.layers.Softmax().call(nn.utils.to_tensor(x), mask=mask)
    theirs = keras.layers.Softmax()(x, mask=mask)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-5, atol=1e-7)
