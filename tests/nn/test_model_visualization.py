"""nn.utils.plot_model: the layer graph as a picture, through autograd.viz's Graphviz code."""
import inspect
import os

import numpy as np
import pytest

import nn
from nn import layers

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def residual():
    inputs = nn.Input(shape=(4,), name="x")
    hidden = layers.Dense(4, activation="relu", name="hidden")(inputs)
    inner = nn.Sequential([nn.Input(shape=(4,)), layers.Dense(4, name="inner_dense")], name="inner")
    joined = layers.Add(name="skip")([inputs, inner(hidden)])
    return nn.Model(inputs, layers.Dense(2, name="out")(joined), name="residual")


def test_plot_model_writes_the_file_and_draws_each_layer_and_connection(tmp_path):
    model = residual()
    picture = nn.utils.plot_model(model, to_file=tmp_path / "model.png", show_shapes=True, show_layer_names=True)
    assert (tmp_path / "model.png").read_bytes().startswith(PNG_MAGIC)
    assert "image/png" in picture._repr_mimebundle_()  # shown inline in a notebook
    source = picture.source
    ids = {layer.name: str(id(layer)) for layer in model.layers}
    for layer in model.layers:
        assert f"<b>{layer.name}</b> ({type(layer).__name__})" in source
    for source_name, target in [("x", "hidden"), ("hidden", "inner"), ("x", "skip"), ("inner", "skip"), ("skip", "out")]:
        assert f"{ids[source_name]} -> {ids[target]}" in source
    assert "Input shape: [(None, 4), (None, 4)]" in source and "Output shape: (None, 2)" in source
    assert "dpi=200" in source and "rankdir=TB" in source and "splines=ortho" in source  # Keras's defaults


def test_expand_nested_draws_the_inner_model_s_layers_in_a_frame(tmp_path):
    model = residual()
    inner_dense = model.get_layer("inner").layers[0]
    source = nn.utils.plot_model(model, to_file=tmp_path / "model.svg", expand_nested=True, rankdir="LR",
                                 show_layer_names=True).source
    assert 'subgraph cluster_inner {' in source and "<b>inner_dense</b>" in source and "(Sequential)" not in source
    assert f"{id(model.get_layer('hidden'))} -> {id(inner_dense)}" in source
    assert f"{id(inner_dense)} -> {id(model.get_layer('skip'))}" in source
    assert (tmp_path / "model.svg").read_text().lstrip().startswith("<?xml")


def test_options_change_what_each_box_says():
    model = nn.Sequential([nn.Input(shape=(3,)), layers.Dense(2, activation="relu", name="d")])
    plain = nn.utils.plot_model(model, to_file=None, show_shapes=False, show_layer_names=False).source
    assert "<b>Dense</b>" in plain and "Output shape" not in plain
    rich = nn.utils.plot_model(model, to_file=None, show_shapes=True, show_dtype=True, show_layer_activations=True,
                               show_trainable=True, splines="spline").source
    for text in ("Activation: relu", "Output dtype: float32", "Trainable", "Input shape: (None, 3)", "splines=spline"):
        assert text in rich


def test_a_model_written_as_a_class_is_one_box_and_an_unbuilt_model_is_refused():
    class Net(nn.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    net = Net()
    with pytest.raises(ValueError, match="has not been built yet"):
        nn.utils.plot_model(net, to_file=None)
    net(np.ones((1, 3)))
    source = nn.utils.plot_model(net, to_file=None, show_layer_names=True).source
    assert "<b>net</b> (Net)" in source and "->" not in source


def test_plot_model_takes_keras_3_s_arguments_with_its_defaults():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    theirs = inspect.signature(keras.utils.plot_model).parameters
    ours = inspect.signature(nn.utils.plot_model).parameters
    shared = [name for name in theirs if name != "kwargs"]
    assert list(ours) == shared
    assert {name: ours[name].default for name in shared} == {name: theirs[name].default for name in shared}
