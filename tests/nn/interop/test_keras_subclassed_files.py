"""Weights of models written as classes, and of layers of your own that hold layers, in Keras 3's
.weights.h5 layout: Keras files each inner layer under the attribute that holds it, in sorted
attribute-name order (see nn.interop.keras_walk); checked against files real Keras 3 writes."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

h5py = pytest.importorskip("h5py")
keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def stored(path):
    """Every group and dataset of an HDF5 file, with the datasets' shapes."""
    entries = {}
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: entries.__setitem__(name, getattr(item, "shape", "group")))
    return entries


def randomized(keras_model):
    rng = np.random.default_rng(1)
    for weight in keras_model.weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape).astype("float32"))
    return keras_model


def predict(model, x):
    return np.asarray(model.predict(x, verbose=0))


def subclassed(lib):
    """Attributes named to fall before and after ``layers`` in sorted order, a list of layers, a
    nested model and a private attribute: Keras files each by the rules in nn.interop.keras_walk."""
    layers = lib.layers

    class Blocks(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.zeta = layers.Dense(3)
            self.hidden = layers.Dense(4, activation="relu")
            self.drop = layers.Dropout(0.1)
            self.out = layers.Dense(2)
            self.blocks = [layers.Dense(4), layers.Dense(4)]
            self.inner = lib.Sequential([layers.Dense(3)])
            self._private = layers.Dense(2)

        def call(self, inputs, training=None):
            hidden = self.hidden(inputs)
            for block in self.blocks:
                hidden = block(hidden)
            return self._private(self.out(self.drop(self.inner(self.zeta(hidden)), training=training)))

    model = Blocks()
    model(np.zeros((1, 5), "float32"))
    return model


def test_a_subclassed_models_weights_move_both_ways_in_keras_layout(tmp_path):
    theirs, x = randomized(subclassed(keras)), np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    expected = predict(theirs, x)
    theirs.save_weights(tmp_path / "keras.weights.h5")

    ours = subclassed(nn)
    ours.load_weights(tmp_path / "keras.weights.h5")
    np.testing.assert_allclose(predict(ours, x), expected, atol=1e-5)
    ours.save_weights(tmp_path / "ours.weights.h5")
    layout = stored(tmp_path / "ours.weights.h5")
    assert layout == stored(tmp_path / "keras.weights.h5")
    assert layout["hidden/vars/0"] == (5, 4) and layout["blocks/dense_1/vars/0"] == (4, 4)
    assert layout["inner/layers/dense/vars/0"] == (3, 3)
    assert "zeta" not in layout and layout["layers/dense/vars/0"] == (4, 3)  # "zeta" sorts after "layers"
    assert layout["layers/dense_5/vars/0"] == (2, 2)  # "_private": private names come last
    again = subclassed(keras)
    again.load_weights(tmp_path / "ours.weights.h5")
    np.testing.assert_allclose(predict(again, x), expected, atol=1e-5)


def test_a_subclassed_model_cannot_go_into_a_keras_file(tmp_path):
    with pytest.raises(ValueError, match=r"written as a class.*save_weights\('x.weights.h5'\)"):
        subclassed(nn).save(tmp_path / "m.keras")


def with_a_layer_of_your_own(lib):
    """A layer class of your own that holds layers and a weight of its own: Keras files the weight
    in the layer's ``vars`` and each inner layer under its attribute's name."""
    layers = lib.layers

    class Block(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.up = layers.Dense(units, activation="relu")
            self.down = layers.Dense(units)

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(self.units,), initializer="ones")

        def call(self, inputs):
            return self.down(self.up(inputs)) * self.scale + inputs

    inputs = lib.Input((4,))
    return lib.Model(inputs, layers.Dense(2)(Block(4)(inputs)))


def test_a_layer_of_your_own_holding_layers_is_filed_as_keras_files_it(tmp_path):
    theirs, x = randomized(with_a_layer_of_your_own(keras)), np.random.default_rng(0).normal(size=(3, 4))
    expected = predict(theirs, x)
    theirs.save_weights(tmp_path / "keras.weights.h5")
    ours = with_a_layer_of_your_own(nn)
    ours.load_weights(tmp_path / "keras.weights.h5")
    np.testing.assert_allclose(predict(ours, x), expected, atol=1e-5)
    ours.save_weights(tmp_path / "ours.weights.h5")
    assert stored(tmp_path / "ours.weights.h5") == stored(tmp_path / "keras.weights.h5")
    assert stored(tmp_path / "ours.weights.h5")["layers/block/down/vars/0"] == (4, 4)

