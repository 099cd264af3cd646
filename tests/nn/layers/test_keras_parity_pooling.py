"""Pooling layers against Keras 3 (torch backend): the same outputs and input gradients.

One deliberate difference is left out here and pinned in test_pooling.py: AveragePooling with
"same" padding that is uneven (one more cell at the end than at the start). Keras's TensorFlow
and JAX backends, and ours, leave padded cells out of each window's mean; its torch backend
pads such inputs by repeating the edge and counts those cells."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own numpy 2 notices

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 9, 10, 4))
SEQUENCES = RNG.standard_normal((2, 11, 4))

CASES = [
    ("MaxPooling2D", dict(), IMAGES),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), IMAGES),
    ("MaxPooling2D", dict(pool_size=(2, 3), strides=1), IMAGES),
    ("MaxPooling1D", dict(), SEQUENCES),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same"), SEQUENCES),
    ("AveragePooling2D", dict(pool_size=2), IMAGES),
    ("AveragePooling2D", dict(pool_size=(3, 2), strides=(1, 2)), IMAGES),
    ("AveragePooling2D", dict(pool_size=3, strides=1, padding="same"), IMAGES),  # even padding
    ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same"), SEQUENCES),
    ("AveragePooling1D", dict(pool_size=4), SEQUENCES),
    ("GlobalAveragePooling2D", dict(), IMAGES),
    ("GlobalAveragePooling2D", dict(keepdims=True), IMAGES),
    ("GlobalMaxPooling2D", dict(), IMAGES),
    ("GlobalMaxPooling2D", dict(keepdims=True), IMAGES),
    ("GlobalAveragePooling1D", dict(), SEQUENCES),
    ("GlobalMaxPooling1D", dict(keepdims=True), SEQUENCES),
]


@pytest.mark.parametrize("name, arguments, x", CASES, ids=[f"{name}-{args}" for name, args, _ in CASES])
def test_matches_keras(same_as_keras, name, arguments, x):
    same_as_keras(getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments),
                  [x.astype("float32")])


def test_average_pooling_needs_a_pool_size_as_in_keras():
    for library in (nn.layers, keras.layers):
        with pytest.raises(TypeError):
            library.AveragePooling2D()


def test_masked_global_average_matches_keras():
    x = SEQUENCES.astype("float32")
    mask = np.array([[True] * 7 + [False] * 4, [True] * 11])
    ours = nn.layers.GlobalAveragePooling1D().call(nn.utils.to_tensor(x), mask=mask)
    theirs = keras.layers.GlobalAveragePooling1D()(x, mask=mask)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
