"""x + y, x - y and x * y of two tensors in a functional model: Keras 3 records operations, we
make Add, Subtract and Multiply layers; both read each other's files and predict the same."""
import os

import numpy as np
import pytest

# keras.ops on the torch backend converts numpy inputs with a call numpy 2 warns about (Keras's own).
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
pytest.importorskip("h5py")

import nn  # noqa: E402

X = [np.ones((2, 3), "float32"), np.arange(6, dtype="float32").reshape(2, 3)]


def arithmetic(lib):
    a, b = lib.Input((3,), name="a"), lib.Input((3,), name="b")
    hidden = lib.layers.Dense(3, name="hidden")(a)
    return lib.Model([a, b], [hidden + b, b - hidden, hidden * b])


def test_a_keras_model_with_tensor_arithmetic_loads_here_and_goes_back(tmp_path):
    theirs = arithmetic(keras)
    theirs.save(tmp_path / "keras.keras")
    ours = nn.load_model(tmp_path / "keras.keras")
    assert [type(layer).__name__ for layer in ours.layers][-3:] == ["Add", "Subtract", "Multiply"]
    for expected, got in zip(theirs.predict(X, verbose=0), ours.predict(X)):
        np.testing.assert_allclose(got, expected, atol=1e-6)
    ours.save(tmp_path / "ours.keras")
    again = keras.models.load_model(tmp_path / "ours.keras")
    for expected, got in zip(ours.predict(X), again.predict(X, verbose=0)):
        np.testing.assert_allclose(got, expected, atol=1e-6)


def test_our_tensor_arithmetic_opens_in_keras_with_our_weights(tmp_path):
    ours = arithmetic(nn)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    for expected, got in zip(ours.predict(X), theirs.predict(X, verbose=0)):
        np.testing.assert_allclose(got, expected, atol=1e-6)
