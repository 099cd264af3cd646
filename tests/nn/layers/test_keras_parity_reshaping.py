"""Reshaping layers against Keras 3 (torch backend): the same outputs and input gradients."""
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
    ("Reshape", dict(target_shape=(-1, 8)), IMAGES),
    ("Reshape", dict(target_shape=(90, 4)), IMAGES),
    ("Permute", dict(dims=(3, 1, 2)), IMAGES),
    ("Permute", dict(dims=(2, 1)), SEQUENCES),
    ("RepeatVector", dict(n=3), SEQUENCES[:, 0]),
    ("ZeroPadding2D", dict(), IMAGES),
    ("ZeroPadding2D", dict(padding=2), IMAGES),
    ("ZeroPadding2D", dict(padding=(1, 3)), IMAGES),
    ("ZeroPadding2D", dict(padding=((1, 2), (0, 3))), IMAGES),
    ("ZeroPadding1D", dict(), SEQUENCES),
    ("ZeroPadding1D", dict(padding=(2, 1)), SEQUENCES),
    ("Cropping2D", dict(cropping=1), IMAGES),
    ("Cropping2D", dict(cropping=(2, 1)), IMAGES),
    ("Cropping2D", dict(cropping=((1, 2), (0, 3))), IMAGES),
    ("Cropping1D", dict(), SEQUENCES),
    ("Cropping1D", dict(cropping=(2, 0)), SEQUENCES),
    ("UpSampling2D", dict(), IMAGES),
    ("UpSampling2D", dict(size=(2, 3)), IMAGES),
    ("UpSampling1D", dict(size=3), SEQUENCES),
    ("Flatten", dict(), IMAGES),
]


@pytest.mark.parametrize("name, arguments, x", CASES, ids=[f"{name}-{args}" for name, args, _ in CASES])
def test_matches_keras(same_as_keras, name, arguments, x):
    same_as_keras(getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments),
                  [x.astype("float32")])
