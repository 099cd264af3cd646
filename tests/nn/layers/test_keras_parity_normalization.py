"""Normalization layers against Keras 3 (torch backend): BatchNormalization in training and
inference mode (with its moving statistics), LayerNormalization, Normalization (given and
adapted statistics) and Rescaling: the same outputs, input gradients and weight gradients."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402
import optim  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own numpy 2 notices

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((3, 5, 6, 4)) * 2 + 1
ROWS = RNG.standard_normal((8, 5)) * 3 - 2

CASES = [
    ("BatchNormalization", dict(), IMAGES, False),
    ("BatchNormalization", dict(), IMAGES, True),
    ("BatchNormalization", dict(), ROWS, True),
    ("BatchNormalization", dict(axis=1, center=False, epsilon=1e-2), IMAGES, True),
    ("BatchNormalization", dict(scale=False), ROWS, False),
    ("LayerNormalization", dict(), IMAGES, False),
    ("LayerNormalization", dict(), ROWS, False),
    ("LayerNormalization", dict(axis=[1, 3], epsilon=1e-5), IMAGES, False),
    ("LayerNormalization", dict(axis=(1, 2, 3), center=False), IMAGES, False),
    ("LayerNormalization", dict(scale=False), ROWS, False),
    ("Rescaling", dict(scale=1 / 255), IMAGES, False),
    ("Rescaling", dict(scale=0.5, offset=-1.0), ROWS, False),
    ("Normalization", dict(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 9.0, 0.0]), IMAGES, False),
    ("Normalization", dict(axis=None, mean=2.0, variance=4.0), ROWS, False),
    ("Normalization", dict(axis=(1, 3), mean=[[1.0] * 4] * 5, variance=[[4.0] * 4] * 5), IMAGES, False),
    ("Normalization", dict(mean=3.0, variance=2.0, invert=True), ROWS, False),
]


def _moving_statistics(layer):
    return layer.get_weights()[-2:]


@pytest.mark.parametrize("name, arguments, x, training", CASES,
                         ids=[f"{name}-{args}-training={t}" for name, args, _, t in CASES])
def test_matches_keras(same_as_keras, name, arguments, x, training):
    ours, theirs = getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments)
    x = x.astype("float32")
    if name == "BatchNormalization":  # statistics and scales away from their initial values
        theirs(x)
        theirs.set_weights([RNG.uniform(0.5, 2.0, w.shape).astype("float32") for w in theirs.get_weights()])
    same_as_keras(ours, theirs, [x], training=training)
    if name == "BatchNormalization":  # the moving statistics moved the same way (or not at all)
        for mine, their in zip(_moving_statistics(ours), _moving_statistics(theirs)):
            np.testing.assert_allclose(mine, their, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("axis, data", [(-1, ROWS), (None, ROWS[:, 0]), (None, ROWS), ((1, 3), IMAGES), (1, IMAGES)])
def test_adapt_computes_keras_s_weights_and_outputs(axis, data):
    ours, theirs = nn.layers.Normalization(axis=axis), keras.layers.Normalization(axis=axis)
    ours.adapt(data.astype("float32"))
    theirs.adapt(data.astype("float32"))
    for mine, their in zip(ours.get_weights(), theirs.get_weights()):
        assert mine.shape == their.shape and mine.dtype == their.dtype
        np.testing.assert_allclose(mine, their, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours(data.astype("float32")).data, theirs(data.astype("float32")).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_adapt_on_batches_matches_keras_on_the_whole_array():
    """Keras needs TensorFlow to adapt on batches; the pooled statistics equal the whole array's."""
    batches = [ROWS[:3].astype("float32"), ROWS[3:].astype("float32")]
    ours, theirs = nn.layers.Normalization(), keras.layers.Normalization()
    ours.adapt(batches)
    theirs.adapt(ROWS.astype("float32"))
    for mine, their in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, their, rtol=1e-5, atol=1e-6)


def test_fit_then_predict_uses_the_moving_statistics_like_keras():
    """A model with BatchNormalization trained for a few steps from the same weights: the same
    moving statistics, and predict (which uses them) gives the same outputs."""
    x, y = ROWS.astype("float32"), (ROWS[:, :1] > -2).astype("float32")
    theirs = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                               keras.layers.Dense(1)])
    ours = nn.Sequential([nn.Input(shape=(5,)), nn.layers.Dense(4), nn.layers.BatchNormalization(),
                          nn.layers.Dense(1)])
    ours.set_weights(theirs.get_weights())
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours.compile(optimizer=optim.SGD(learning_rate=0.1), loss="mse")
    theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for mine, their in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, their, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
