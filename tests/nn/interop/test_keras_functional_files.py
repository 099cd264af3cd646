"""Functional and nested models in Keras 3's .keras and .weights.h5 files, checked against files
real Keras 3 (torch backend) writes for the same architecture: the config.json, the weights'
layout, and predictions both ways (Keras -> chainrule -> Keras)."""
import json
import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

h5py = pytest.importorskip("h5py")
keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


# ---- the same architectures, written once for both libraries (`lib` is keras or nn) -------------------
def residual(lib):
    layers = lib.layers
    inputs = lib.Input((6,), name="x")
    hidden = layers.Dense(6, activation="relu", name="hidden")(inputs)
    added = layers.Add(name="skip")([inputs, layers.Dense(6, name="back")(hidden)])
    return lib.Model(inputs, layers.Dense(3, activation="softmax", name="head")(added), name="residual")


def two_in_two_out(lib):
    """Two inputs, a layer shared by both, every merge layer, two outputs."""
    layers = lib.layers
    a, b = lib.Input((5,), name="a"), lib.Input((3,), name="b")
    shared = layers.Dense(4, activation="tanh", name="shared")
    left, right = shared(a), shared(layers.Dense(5, name="lift")(b))
    merged = layers.Concatenate(name="join")([left, right, layers.Multiply(name="gate")([left, right])])
    spread = layers.Subtract(name="diff")([layers.Maximum(name="top")([left, right]),
                                           layers.Minimum(name="bottom")([left, right])])
    score = layers.Dense(2, name="score")(layers.Average(name="mean")([layers.Dense(2, name="squeeze")(merged),
                                                                        layers.Dense(2, name="bend")(spread)]))
    value = layers.Dot(axes=1, name="dot")([left, right])
    return lib.Model([a, b], [score, value], name="two_by_two")


def sequential_in_functional(lib):
    layers = lib.layers
    inner = lib.Sequential([lib.Input((4,), name="inner_x"), layers.Dense(3, activation="relu", name="inner_1"),
                            layers.Dense(2, name="inner_2")], name="inner")
    inputs = lib.Input((4,), name="x")
    return lib.Model(inputs, layers.Dense(1, name="head")(inner(inputs)), name="outer")


def siamese(lib):
    """One nested model called on two inputs: its calls are node 0 and node 1."""
    layers = lib.layers
    encoder = lib.Sequential([lib.Input((4,), name="code_x"), layers.Dense(3, activation="tanh", name="code")],
                             name="encoder")
    a, b = lib.Input((4,), name="a"), lib.Input((4,), name="b")
    distance = layers.Subtract(name="distance")([encoder(a), encoder(b)])
    return lib.Model([a, b], layers.Dense(1, activation="sigmoid", name="same")(distance), name="siamese")


def functional_in_sequential(lib):
    layers = lib.layers
    inner_input = lib.Input((2,), name="inner_x")
    inner = lib.Model(inner_input, layers.Dense(5, activation="relu", name="widen")(inner_input), name="block")
    return lib.Sequential([lib.Input((4,), name="x"), layers.Dense(2, name="first"), inner,
                           layers.Dense(1, name="last")], name="stack")


def functional_in_functional(lib):
    layers = lib.layers
    inner_input = lib.Input((3,), name="inner_x")
    hidden = layers.Dense(3, name="inner_dense")(inner_input)
    inner = lib.Model(inner_input, layers.Add(name="inner_skip")([inner_input, hidden]), name="block")
    inputs = lib.Input((3,), name="x")
    return lib.Model(inputs, layers.Dense(2, name="head")(inner(layers.Dense(3, name="stem")(inputs))), name="outer")


def sequential_holding_a_model(lib):
    """The TF beginners' quickstart: a trained model, then a Softmax, in a Sequential."""
    layers = lib.layers
    base = lib.Sequential([lib.Input((4,), name="x"), layers.Dense(6, activation="relu", name="hidden"),
                           layers.Dense(3, name="logits")], name="base")
    return lib.Sequential([base, layers.Softmax(name="probabilities")], name="probability_model")


BUILDERS = [residual, two_in_two_out, sequential_in_functional, siamese, functional_in_sequential,
            functional_in_functional, sequential_holding_a_model]
SAMPLE_SHAPES = {residual: [(6,)], two_in_two_out: [(5,), (3,)], sequential_in_functional: [(4,)],
                 siamese: [(4,), (4,)], functional_in_sequential: [(4,)], functional_in_functional: [(3,)],
                 sequential_holding_a_model: [(4,)]}


def inputs_for(builder, batch=5, seed=1):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=(batch, *shape)).astype("float32") for shape in SAMPLE_SHAPES[builder]]
    return arrays[0] if len(arrays) == 1 else arrays


def keras_model(builder, seed=0):
    """The Keras model of `builder`, with random weights."""
    model = builder(keras)
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape).astype("float32"))
    return model


def our_model(builder, seed=0):
    model = builder(nn)
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.data = rng.normal(scale=0.5, size=weight.shape).astype("float32")
    return model


def predictions(model, x):
    outputs = model.predict(x, verbose=0)
    return [np.asarray(o) for o in outputs] if isinstance(outputs, (list, tuple)) else [np.asarray(outputs)]


def assert_same_predictions(model, x, expected):
    for got, want in zip(predictions(model, x), expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def stored(path):
    """Every group and dataset of an HDF5 file, with the datasets' shapes."""
    entries = {}
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: entries.__setitem__(name, getattr(item, "shape", "group")))
    return entries


def config_json(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


# ---- both directions, against real Keras ---------------------------------------------------------------
@pytest.mark.parametrize("builder", BUILDERS)
def test_weights_files_have_keras_layout_and_move_both_ways(tmp_path, builder):
    theirs, x = keras_model(builder), inputs_for(builder)
    expected = predictions(theirs, x)
    theirs.save_weights(tmp_path / "keras.weights.h5")

    ours = builder(nn)
    ours.load_weights(tmp_path / "keras.weights.h5")
    assert_same_predictions(ours, x, expected)
    ours.save_weights(tmp_path / "ours.weights.h5")
    assert stored(tmp_path / "ours.weights.h5") == stored(tmp_path / "keras.weights.h5")
    again = builder(keras)
    again.load_weights(tmp_path / "ours.weights.h5")
    assert_same_predictions(again, x, expected)


@pytest.mark.parametrize("builder", BUILDERS)
def test_keras_files_load_here_and_go_back_to_keras(tmp_path, builder):
    theirs, x = keras_model(builder), inputs_for(builder)
    expected = predictions(theirs, x)
    theirs.save(tmp_path / "keras.keras")

    loaded = nn.load_model(tmp_path / "keras.keras")
    assert type(loaded).__name__ == type(theirs).__name__
    assert_same_predictions(loaded, x, expected)
    loaded.save(tmp_path / "ours.keras")
    assert_same_predictions(keras.models.load_model(tmp_path / "ours.keras"), x, expected)


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_model_built_here_opens_in_keras(tmp_path, builder):
    ours, x = our_model(builder), inputs_for(builder)
    ours.save(tmp_path / "ours.keras")
    in_keras = keras.models.load_model(tmp_path / "ours.keras")
    assert_same_predictions(in_keras, x, predictions(ours, x))
    assert layer_order(in_keras) == layer_order(ours)


def layer_order(model):
    """The layers' names in order, the InputLayers apart (Keras puts each at its own depth, we put
    them first; they hold no weights, so the weights' numbering does not depend on it)."""
    names = [layer.name for layer in model.layers]
    inputs = sorted(layer.name for layer in model.layers if type(layer).__name__ == "InputLayer")
    return [name for name in names if name not in inputs], inputs


def comparable(entry, ours_keys=None):
    """What of a Keras serialization both writers must agree on: classes, names, the graph (calls,
    inputs, outputs) exactly; of each layer's settings, those we write (Keras writes more)."""
    if not isinstance(entry, dict):
        return entry
    config = entry.get("config", {})
    kept = {key: entry[key] for key in ("module", "class_name", "registered_name", "name", "inbound_nodes")
            if key in entry}
    if entry.get("class_name") in ("Sequential", "Functional"):
        kept["config"] = {key: config[key] for key in ("name", "trainable", "input_layers", "output_layers")
                          if key in config}
        layers = [comparable(layer) for layer in config["layers"]]
        inputs = sorted((layer for layer in layers if layer["class_name"] == "InputLayer"), key=json.dumps)
        kept["layers"] = inputs + [layer for layer in layers if layer["class_name"] != "InputLayer"]
    elif entry.get("class_name") == "InputLayer":
        kept["config"] = {"batch_shape": config["batch_shape"]}
    else:
        kept["config"] = {key: value for key, value in config.items() if key != "dtype"}
    return kept


def written_keys_agree(ours, theirs):
    """Each setting we write, Keras writes with the same value (initializers: their class and seed)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if "class_name" in ours and "config" in ours and ours.get("class_name") not in ("Sequential", "Functional"):
            assert ours["class_name"] == theirs["class_name"]
        for key, value in ours.items():
            assert key in theirs, f"Keras does not write {key!r}"
            written_keys_agree(value, theirs[key])
    elif isinstance(ours, list) and isinstance(theirs, list):
        assert len(ours) == len(theirs)
        for mine, its in zip(ours, theirs):
            written_keys_agree(mine, its)
    else:
        assert ours == theirs


@pytest.mark.parametrize("builder", BUILDERS)
def test_our_config_json_is_the_one_keras_writes(tmp_path, builder):
    builder(keras).save(tmp_path / "keras.keras")
    builder(nn).save(tmp_path / "ours.keras")
    theirs, ours = config_json(tmp_path / "keras.keras"), config_json(tmp_path / "ours.keras")
    for config in (theirs, ours):  # a Sequential's InputLayer has a name of its own, not referred to
        for entry in [config, *config["config"]["layers"]]:
            if entry.get("class_name") == "Sequential" and entry["config"]["layers"][0]["class_name"] == "InputLayer":
                entry["config"]["layers"][0]["config"].pop("name")
    written_keys_agree(comparable(ours), comparable(theirs))
    assert comparable(ours)["config"] == comparable(theirs)["config"]
    assert [(layer.get("name"), calls(layer)) for layer in comparable(ours)["layers"]] == \
        [(layer.get("name"), calls(layer)) for layer in comparable(theirs)["layers"]]


def calls(entry):
    """A layer entry's calls, without the kwargs Keras fills in by itself when it calls a layer
    (``mask=None`` for a layer whose call takes a mask, the default of ``training``), which it
    records but does not need in a file: it fills them in again when it rebuilds the model."""
    return [{"args": call["args"], "kwargs": {key: value for key, value in call["kwargs"].items()
                                              if key != "training" and not (key == "mask" and value is None)}}
            for call in entry.get("inbound_nodes", [])]
