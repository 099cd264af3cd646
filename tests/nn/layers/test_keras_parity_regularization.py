"""Regularization layers against Keras 3 (torch backend): outside training all are the identity,
and ActivityRegularization adds Keras's penalty (divided by the batch size) to the losses.
Their random masks and noise cannot match Keras's draws; test_regularization.py checks their
statistics."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own numpy 2 notices

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 5, 6, 4))
SEQUENCES = RNG.standard_normal((2, 7, 4))

CASES = [
    ("SpatialDropout2D", dict(rate=0.5), IMAGES),
    ("SpatialDropout1D", dict(rate=0.5), SEQUENCES),
    ("GaussianNoise", dict(stddev=0.5), IMAGES),
    ("Dropout", dict(rate=0.5, noise_shape=(None, 1, 4)), SEQUENCES),
    ("ActivityRegularization", dict(l1=0.1, l2=0.2), IMAGES),
]


@pytest.mark.parametrize("name, arguments, x", CASES, ids=[f"{name}-{args}" for name, args, _ in CASES])
def test_outside_training_matches_keras(same_as_keras, name, arguments, x):
    same_as_keras(getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments),
                  [x.astype("float32")], training=False)


@pytest.mark.parametrize("l1, l2", [(0.1, 0.0), (0.0, 0.3), (0.01, 0.02)])
def test_activity_penalty_matches_keras(l1, l2):
    x = IMAGES.astype("float32")
    ours, theirs = nn.layers.ActivityRegularization(l1, l2), keras.layers.ActivityRegularization(l1, l2)
    ours(x)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses) == 1
    np.testing.assert_allclose(ours.losses[0].data, float(theirs.losses[0]), rtol=1e-5)
