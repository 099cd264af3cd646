"""Convolution layers against Keras 3 (torch backend): from the same weights, the same outputs,
input gradients and weight gradients, for each layer and its main options. The constructor
arguments are passed to both libraries as they are, so they also check Keras's names."""
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
    ("Conv2D", dict(filters=6, kernel_size=3), IMAGES),
    ("Conv2D", dict(filters=6, kernel_size=(3, 2), strides=2, padding="same"), IMAGES),
    ("Conv2D", dict(filters=5, kernel_size=4, strides=(2, 3), padding="same"), IMAGES),
    ("Conv2D", dict(filters=6, kernel_size=3, dilation_rate=2, padding="same"), IMAGES),
    ("Conv2D", dict(filters=6, kernel_size=3, groups=2, activation="relu"), IMAGES),
    ("Conv2D", dict(filters=3, kernel_size=1, use_bias=False, activation="tanh"), IMAGES),
    ("Conv1D", dict(filters=5, kernel_size=3), SEQUENCES),
    ("Conv1D", dict(filters=5, kernel_size=4, strides=2, padding="same"), SEQUENCES),
    ("Conv1D", dict(filters=5, kernel_size=3, padding="causal", dilation_rate=2), SEQUENCES),
    ("Conv1D", dict(filters=4, kernel_size=3, groups=4, activation="sigmoid"), SEQUENCES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3), IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3, strides=2), IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3, strides=2, padding="same"), IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=4, strides=2, padding="same"), IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3, strides=2, output_padding=1), IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3, strides=(2, 3), padding="same", output_padding=(1, 0)),
     IMAGES),
    ("Conv2DTranspose", dict(filters=5, kernel_size=3, dilation_rate=2, padding="same", activation="relu"), IMAGES),
    ("DepthwiseConv2D", dict(kernel_size=3), IMAGES),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2, activation="relu"), IMAGES),
    ("DepthwiseConv2D", dict(kernel_size=(3, 2), strides=2, padding="same"), IMAGES),
    ("DepthwiseConv2D", dict(kernel_size=3, dilation_rate=2, use_bias=False), IMAGES),
    ("SeparableConv2D", dict(filters=7, kernel_size=3), IMAGES),
    ("SeparableConv2D", dict(filters=7, kernel_size=3, depth_multiplier=2, padding="same", strides=2), IMAGES),
]


@pytest.mark.parametrize("name, arguments, x", CASES, ids=[f"{name}-{args}" for name, args, _ in CASES])
def test_matches_keras(same_as_keras, name, arguments, x):
    same_as_keras(getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments),
                  [x.astype("float32")])


@pytest.mark.parametrize("name, arguments, x", CASES[:1] + CASES[6:7] + CASES[10:11] + CASES[17:18] + CASES[21:22])
def test_default_names_and_weight_names_are_keras_s(name, arguments, x):
    nn.layers.reset_name_counters()
    keras.backend.clear_session()
    ours, theirs = getattr(nn.layers, name)(**arguments), getattr(keras.layers, name)(**arguments)
    ours(x.astype("float32")), theirs(x.astype("float32"))
    assert ours.name == theirs.name
    assert [w.name.split("/")[-1] for w in ours.weights] == [w.name for w in theirs.weights]
