"""Keras 3 files that do not fit the model, or were damaged or crafted: functional and nested
models give a ValueError that names the layer, the group or the reference, and never run code
from the file."""
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


def residual(lib):
    layers = lib.layers
    inputs = lib.Input((6,), name="x")
    hidden = layers.Dense(6, activation="relu", name="hidden")(inputs)
    added = layers.Add(name="skip")([inputs, layers.Dense(6, name="back")(hidden)])
    return lib.Model(inputs, layers.Dense(3, name="head")(added), name="residual")


def nested(lib):
    """A Sequential inside a functional model: its layers are filed under layers/sequential/layers/."""
    layers = lib.layers
    inner = lib.Sequential([lib.Input((4,)), layers.Dense(3, name="inner_1"), layers.Dense(2, name="inner_2")],
                           name="inner")
    inputs = lib.Input((4,), name="x")
    return lib.Model(inputs, layers.Dense(1, name="head")(inner(inputs)), name="outer")


# ---- weights that do not fit the model -------------------------------------------------------------------
def test_a_wrong_shape_in_a_nested_model_names_the_layer_and_changes_nothing(tmp_path):
    nested(keras).save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        del file["layers/sequential/layers/dense_1/vars/0"]
        file["layers/sequential/layers/dense_1/vars"].create_dataset("0", data=np.zeros((3, 7)))
    ours = nested(nn)
    before = ours.get_weights()
    with pytest.raises(ValueError, match=r"layer 'inner_2' \(Dense, stored under 'layers/sequential/layers/dense_1/"
                                         r"vars'\) has shape \(3, 7\).*\(3, 2\)"):
        ours.load_weights(tmp_path / "w.weights.h5")
    for old, new in zip(before, ours.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_a_missing_or_extra_layer_of_a_functional_model_is_named(tmp_path):
    residual(keras).save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        file.copy(file["layers/dense_2"], "layers/dense_3")
    with pytest.raises(ValueError, match=r"layers \['dense_3'\] \(in its group 'layers'\) that model 'residual' "
                                         r"does not have"):
        residual(nn).load_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        del file["layers/dense_3"], file["layers/dense_2"]
    with pytest.raises(ValueError, match=r"no weights for layer 'head' \(Dense, stored under 'layers/dense_2/vars'\)"):
        residual(nn).load_weights(tmp_path / "w.weights.h5")


def test_an_extra_dataset_in_a_nested_model_is_refused(tmp_path):
    nested(keras).save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        file["layers/sequential/layers/dense/vars"].create_dataset("2", data=np.zeros(3))
    with pytest.raises(ValueError, match=r"3 arrays for layer 'inner_1' \(Dense.*which has 2"):
        nested(nn).load_weights(tmp_path / "w.weights.h5")


def test_an_extra_layer_in_a_nested_model_is_named_with_its_group(tmp_path):
    nested(keras).save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        file.copy(file["layers/sequential/layers/dense_1"], "layers/sequential/layers/dense_2")
    with pytest.raises(ValueError, match=r"layers \['dense_2'\] \(in its group 'layers/sequential/layers'\)"):
        nested(nn).load_weights(tmp_path / "w.weights.h5")


def test_an_array_where_a_group_belongs_is_refused(tmp_path):
    nested(keras).save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        del file["layers/dense/vars"]
        file.create_dataset("layers/dense/vars", data=np.zeros(3))
    with pytest.raises(ValueError, match=r"an array where the group of layer 'head' \(Dense, stored under "
                                         r"'layers/dense/vars'\) should be"):
        nested(nn).load_weights(tmp_path / "w.weights.h5")


def test_a_keras_file_of_another_architecture_is_refused(tmp_path):
    residual(keras).save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match=r"layers \['add', 'dense_1', 'dense_2'\] \(in its group 'layers'\).*does not "
                                         r"have"):
        nested(nn).load_weights(tmp_path / "w.weights.h5")


# ---- hostile or damaged configs: a clear error, never code from the file --------------------------------
def rewrite_config(path, change):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def entry(config, name):
    return next(layer for layer in config["config"]["layers"] if layer["name"] == name)


def first_reference(config, name):
    return entry(config, name)["inbound_nodes"][0]["args"][0]["config"]["keras_history"]


def point_hidden_at(history):
    return lambda c: first_reference(c, "hidden").__setitem__(slice(None), history)


HOSTILE = [
    (lambda c: entry(c, "back").update(class_name="Lambda"), r"Lambda layer.*never runs code from a file"),
    (lambda c: entry(c, "back").update(class_name="Hashing"), r"layer class 'Hashing', which chainrule does not have"),
    (lambda c: entry(c, "back").update(module="os", class_name="system"), r"layer class 'system'"),
    (point_hidden_at(["ghost", 0, 0]), r"call 0 of layer 'hidden' uses an output of layer 'ghost', which the model "
                                       r"does not have"),
    (point_hidden_at(["x", 3, 0]), r"uses call 3 of layer 'x', which is called only 1 time"),
    (point_hidden_at(["x", "0", 0]), r"refers to a tensor as \['x', '0', 0\], not as \[layer name"),
    (point_hidden_at(["head", 0, 0]), r"calls of layers \['back', 'head', 'hidden', 'skip'\] depend on each other "
                                      r"in a cycle"),
    (point_hidden_at(["x", 0, 4]), r"a call refers to an output its layer does not make"),
    (lambda c: entry(c, "back").update(inbound_nodes=[[["hidden", 0, 0, {}]]]), r"form of Keras 2"),
    (lambda c: entry(c, "back").update(inbound_nodes="everything"), r"list of 'inbound_nodes'"),
    (lambda c: entry(c, "back").update(name="hidden"), r"two layers of model 'residual' are named 'hidden'"),
    (lambda c: c["config"].update(output_layers=["nowhere", 0, 0]), r"the model's output_layers uses an output of "
                                                                    r"layer 'nowhere'"),
    (lambda c: c["config"].update(input_layers=7), r"input_layers should name its tensors"),
    (lambda c: c["config"].update(input_layers=["hidden", 0, 0]), r"input_layers name 'hidden', which is not an "
                                                                  r"InputLayer"),
    (lambda c: entry(c, "x").update(inbound_nodes=entry(c, "hidden")["inbound_nodes"]), r"InputLayer 'x' is "
                                                                                         r"recorded as called"),
    (lambda c: entry(c, "head")["config"].update(units=10 ** 9), r"more weight numbers than its model.weights.h5 holds"),
    (lambda c: c.update(class_name="Model"), r"holds a 'Model' model"),
]


@pytest.mark.parametrize("change, message", HOSTILE)
def test_a_hostile_functional_config_gives_a_clear_error(tmp_path, change, message):
    residual(nn).save(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", change)
    with pytest.raises(ValueError, match=message):
        nn.load_model(tmp_path / "m.keras")


def test_a_hostile_model_nested_in_a_file_is_checked_too(tmp_path):
    nested(nn).save(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", lambda c: entry(c, "inner")["config"]["layers"][1].update(class_name="Lambda"))
    with pytest.raises(ValueError, match="Lambda layer"):
        nn.load_model(tmp_path / "m.keras")


def test_a_keras_operation_is_refused_by_name_even_when_a_layer_has_its_name(tmp_path):
    """keras.ops.add of a tensor and a number records an operation called "Add", which the Add
    layer (two tensors) is not; other operations (exp) have no layer at all."""
    a = keras.Input((3,))
    keras.Model(a, keras.layers.Dense(2)(keras.ops.add(a, 2.0))).save(tmp_path / "number.keras")
    with pytest.raises(ValueError, match=r"the operation 'Add' \(keras.src.ops.numpy\).*nn.layers.Add"):
        nn.load_model(tmp_path / "number.keras")
    keras.Model(a, keras.layers.Dense(2)(keras.ops.exp(a))).save(tmp_path / "exp.keras")
    with pytest.raises(ValueError, match=r"the operation 'Exp'"):
        nn.load_model(tmp_path / "exp.keras")


def test_a_mask_made_otherwise_than_by_a_layer_is_not_replaced(tmp_path):
    """Only the masks of Embedding(mask_zero=True) and Masking are left to our layers; a mask the
    model computes itself stays an operation, which is refused by name."""
    tokens = keras.Input((5,), dtype="int32")
    embedded = keras.layers.Embedding(10, 4)(tokens)
    own_mask = keras.ops.greater(tokens, 2)
    keras.Model(tokens, keras.layers.LSTM(3)(embedded, mask=own_mask)).save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"the operation 'Greater'"):
        nn.load_model(tmp_path / "m.keras")


def test_a_mask_of_an_inner_layers_output_is_refused_rather_than_guessed(tmp_path):
    frames = keras.Input((5, 4))
    masked = keras.layers.Masking()(keras.layers.Dense(4)(frames))
    keras.Model(frames, keras.layers.GRU(3)(masked)).save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"masks the output of layer 'dense.*'.*Put the Embedding or Masking layer first"):
        nn.load_model(tmp_path / "m.keras")
