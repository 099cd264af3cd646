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


def image_and_sequence(lib):
    """Layers with arrays in groups of their own (an LSTM's cell) and statistics (BatchNormalization)."""
    layers = lib.layers
    image, sequence = lib.Input((6, 6, 2), name="image"), lib.Input((4, 3), name="sequence")
    seen = layers.Flatten(name="flat")(layers.BatchNormalization(name="norm")(layers.Conv2D(3, 3, name="conv")(image)))
    heard = layers.LSTM(5, name="lstm")(layers.Dropout(0.2, name="drop")(sequence))
    joined = layers.Concatenate(name="join")([layers.Dense(5, name="squeeze")(seen), heard])
    return lib.Model([image, sequence], layers.Dense(2, activation="softmax", name="head")(joined), name="mixed")


def tokens_with_states(lib):
    """Integer inputs, and a layer with three outputs (an LSTM's sequence and states: output
    indices 1 and 2 in the references)."""
    layers = lib.layers
    tokens = lib.Input((5,), dtype="int32", name="tokens")
    sequence, hidden, cell = layers.LSTM(3, return_state=True, name="lstm")(layers.Embedding(10, 4, name="embed")(tokens))
    summary = layers.Concatenate(name="join")([sequence, hidden, cell])
    return lib.Model(tokens, [layers.Dense(1, name="head")(summary), hidden], name="reader")


BUILDERS = [residual, two_in_two_out, sequential_in_functional, siamese, functional_in_sequential,
            functional_in_functional, sequential_holding_a_model, image_and_sequence, tokens_with_states]
SAMPLE_SHAPES = {residual: [(6,)], two_in_two_out: [(5,), (3,)], sequential_in_functional: [(4,)],
                 siamese: [(4,), (4,)], functional_in_sequential: [(4,)], functional_in_functional: [(3,)],
                 sequential_holding_a_model: [(4,)], image_and_sequence: [(6, 6, 2), (4, 3)],
                 tokens_with_states: [(5,)]}


def inputs_for(builder, batch=5, seed=1):
    rng = np.random.default_rng(seed)
    if builder is tokens_with_states:
        return rng.integers(0, 10, size=(batch, 5)).astype("int32")
    arrays = [rng.normal(size=(batch, *shape)).astype("float32") for shape in SAMPLE_SHAPES[builder]]
    return arrays[0] if len(arrays) == 1 else arrays


def keras_model(builder, seed=0):
    """The Keras model of `builder`, with random weights."""
    model = builder(keras)
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        value = (rng.uniform(0.5, 1.5, size=weight.shape) if "variance" in weight.path
                 else rng.normal(scale=0.5, size=weight.shape))
        weight.assign(value.astype("float32"))
    return model


def our_model(builder, seed=0):
    model = builder(nn)
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        value = (rng.uniform(0.5, 1.5, size=weight.shape) if "variance" in weight.name
                 else rng.normal(scale=0.5, size=weight.shape))
        weight.data = value.astype("float32")
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


def comparable(entry):
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


def test_a_keras_models_dropout_still_drops_when_training_here(tmp_path):
    """Keras records Dropout's default ``training=False`` in each call; kept, it would pin the
    layer to inference, so reading leaves it out and the model's own call decides."""
    inputs = keras.Input((50,))
    keras.Model(inputs, keras.layers.Dropout(0.5)(keras.layers.Dense(50)(inputs))).save(tmp_path / "d.keras")
    model = nn.load_model(tmp_path / "d.keras")
    x = np.ones((2, 50), "float32")
    inference = model(x).data
    assert (model(x, training=True).data == 0).sum() > 10
    np.testing.assert_array_equal(model(x, training=False).data, inference)


def masked(lib):
    """Masks Keras records as operations (after Embedding(mask_zero=True) and after Masking) and
    our layers make by themselves."""
    layers = lib.layers
    tokens, frames = lib.Input((5,), dtype="int32", name="tokens"), lib.Input((5, 4), name="frames")
    read = layers.LSTM(3, return_sequences=True, name="lstm")(
        layers.Dropout(0.1, name="drop")(layers.Embedding(10, 4, mask_zero=True, name="embed")(tokens)))
    heard = layers.GRU(3, name="gru")(layers.Masking(name="masking")(frames))
    return lib.Model([tokens, frames], [layers.GlobalAveragePooling1D(name="pool")(read), heard], name="masked")


def test_masks_keras_records_as_operations_are_made_by_our_layers(tmp_path):
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 10, size=(4, 5)).astype("int32")
    tokens[:, 3:] = 0
    frames = rng.normal(size=(4, 5, 4)).astype("float32")
    frames[:, 4:] = 0.0
    theirs = keras_model(masked)
    expected = predictions(theirs, [tokens, frames])
    theirs.save(tmp_path / "keras.keras")
    assert {"NotEqual", "Any"} <= {entry["class_name"] for entry in config_json(tmp_path / "keras.keras")["config"]["layers"]}
    ours = nn.load_model(tmp_path / "keras.keras")
    assert_same_predictions(ours, [tokens, frames], expected)
    ours.save(tmp_path / "ours.keras")
    assert_same_predictions(keras.models.load_model(tmp_path / "ours.keras"), [tokens, frames], expected)


def named_ends(lib):
    layers = lib.layers
    price, rooms = lib.Input((3,), name="price"), lib.Input((2,), name="rooms")
    joined = layers.Concatenate(name="join")([price, rooms])
    return lib.Model({"price": price, "rooms": rooms},
                     {"value": layers.Dense(1, name="value")(joined), "kind": layers.Dense(2, name="kind")(joined)},
                     name="named")


def test_inputs_and_outputs_named_by_dicts_go_both_ways(tmp_path):
    rng = np.random.default_rng(0)
    x = {"price": rng.normal(size=(4, 3)).astype("float32"), "rooms": rng.normal(size=(4, 2)).astype("float32")}
    theirs = keras_model(named_ends)
    expected = {key: np.asarray(value) for key, value in theirs.predict(x, verbose=0).items()}
    theirs.save(tmp_path / "keras.keras")
    ours = nn.load_model(tmp_path / "keras.keras")
    got = ours.predict(x, verbose=0)
    assert sorted(got) == ["kind", "value"]
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], atol=1e-5)
    ours.save(tmp_path / "ours.keras")
    assert config_json(tmp_path / "ours.keras")["config"]["output_layers"] == {"value": ["value", 0, 0],
                                                                               "kind": ["kind", 0, 0]}
    again = keras.models.load_model(tmp_path / "ours.keras").predict(x, verbose=0)
    for key in expected:
        np.testing.assert_allclose(np.asarray(again[key]), expected[key], atol=1e-5)


def unused_input(lib):
    """An input no output needs, and inputs at different depths."""
    layers = lib.layers
    a, b, c = lib.Input((2,), name="a"), lib.Input((2,), name="b"), lib.Input((2,), name="c")
    deep = layers.Dense(2, name="deep")(layers.Dense(2, name="deeper")(b))
    return lib.Model([a, b, c], layers.Add(name="sum")([c, deep]), name="unused")


@pytest.mark.parametrize("builder", [*BUILDERS, named_ends, unused_input])
def test_functional_layers_are_listed_and_filed_in_keras_order(builder):
    theirs, ours = builder(keras), builder(nn)
    pairs = [(theirs, ours)] + [(theirs.get_layer(layer.name), layer) for layer in ours.layers]
    functional = [(keras_functional, our_functional) for keras_functional, our_functional in pairs
                  if type(our_functional).__name__ == "Functional"]
    assert functional or type(ours).__name__ == "Sequential"
    for keras_functional, our_functional in functional:
        assert [layer.name for layer in our_functional.layers] == [layer.name for layer in keras_functional.layers]


def test_with_masks_the_layers_with_weights_are_still_in_keras_order():
    """Keras's mask operations (absent here) lengthen the paths back to the masked inputs, which
    can move an InputLayer in Keras's order; InputLayers hold no weights, so the layout stays."""
    with_weights = [layer.name for layer in masked(keras).layers if layer.weights]
    assert [layer.name for layer in masked(nn).layers if layer.weights] == with_weights


# ---- compile settings of a model with several outputs ------------------------------------------------------
TARGETS = [np.zeros((5, 2), "float32"), np.zeros((5, 1), "float32")]


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_losses_per_output_and_their_weights_arrive_in_keras(tmp_path):
    model = our_model(two_in_two_out)
    model.compile(optimizer="adam", loss={"score": "mse", "dot": nn.losses.MeanAbsoluteError()},
                  loss_weights={"score": 1.0, "dot": 0.5}, metrics={"score": ["mae"]})
    model.save(tmp_path / "m.keras")
    in_keras = keras.models.load_model(tmp_path / "m.keras")
    assert in_keras.loss["score"] == "mean_squared_error"
    assert in_keras.get_compile_config()["loss_weights"] == {"score": 1.0, "dot": 0.5}
    history = in_keras.fit(inputs_for(two_in_two_out), TARGETS, epochs=1, verbose=0)
    assert "score_mae" in history.history


def test_keras_losses_per_output_and_their_weights_arrive_here(tmp_path):
    theirs = keras_model(two_in_two_out)
    theirs.compile(optimizer="adam", loss=["mse", "mae"], loss_weights=[1.0, 0.25], metrics=[["mae"], ["mse"]])
    theirs.save(tmp_path / "m.keras")
    ours = nn.load_model(tmp_path / "m.keras")
    assert ours.get_compile_config()["loss_weights"] == [1.0, 0.25]
    history = ours.fit(inputs_for(two_in_two_out), TARGETS, epochs=1, verbose=0)
    assert {"score_mae", "dot_mse"} <= set(history.history)


def test_keras_weighted_metrics_are_refused_not_dropped(tmp_path):
    theirs = keras_model(residual)
    theirs.compile(optimizer="sgd", loss="mse", weighted_metrics=["mae"])
    theirs.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"weighted_metrics=\['mae'\].*compile=False"):
        nn.load_model(tmp_path / "m.keras")
    assert not nn.load_model(tmp_path / "m.keras", compile=False).compiled

