"""nn.models.loading: the classes a file names are checked before building; building runs under
a weight budget of what the file holds; every failure of building, compiling or restoring the
optimizer is a ModelFileError naming the file and the part; building is linear in the layers."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

import nn
from nn.layers import Dense, Input
from nn.saving import ModelFileError


def load_fails(path, *fragments: str) -> str:
    with pytest.raises(ModelFileError) as caught:
        nn.load_model(path)
    message = str(caught.value)
    assert str(path) in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    return message


def first_layer_config(**changes):
    def edit(config: dict) -> None:
        config["model_config"]["layers"][0]["config"].update(changes)
    return edit


@pytest.mark.parametrize("edit", [first_layer_config(units=2**40), first_layer_config(units=2**26),
                                  lambda config: config["model_config"].update(input_shape=[2**26])])
def test_an_architecture_asking_for_more_weights_than_the_file_holds_is_refused_before_allocating(crafted, edit):
    load_fails(crafted(edit), "its architecture asks for more weight numbers than the file holds (67)",
               "layer 'dense' would create the weight 'kernel'", "save the model again")


def test_layer_entries_and_class_names_are_checked_before_building(crafted):
    load_fails(crafted(lambda c: c["model_config"]["layers"][0].pop("class_name")),
               "each layer should be an object with a 'class_name' string and a 'config' object")
    load_fails(crafted(lambda c: c["model_config"]["layers"][1].update(config=[1])), "'config' object")
    load_fails(crafted(lambda c: c["model_config"]["layers"][2].update(class_name="os.system")),
               "unknown layer class 'os.system'", "decorated with @nn.saving.register_serializable")
    load_fails(crafted(lambda c: c.update(model_class=3)), "model_class should be a class name")


def test_a_nested_model_entry_names_a_registered_class_too(crafted):
    def nest(config: dict) -> None:
        layers = config["model_config"]["layers"]
        layers.append({"class_name": "Sequential", "config": {"layers": [{"class_name": "Evil", "config": {}}]}})
    load_fails(crafted(nest), "unknown layer class 'Evil'")


@pytest.mark.parametrize("edit, part, fragment", [
    (first_layer_config(units="eight"), "architecture", "units must be a positive integer"),
    (first_layer_config(kernel_initializer={"class_name": 3}), "architecture", "name must be a string, got int 3"),
    (first_layer_config(kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": "x"}}),
     "architecture", "seed must be a non-negative integer"),
    (first_layer_config(evil=1), "architecture", "unknown keyword arguments ['evil']"),
    (lambda c: c["model_config"].update(input_shape=4.0), "architecture",
     "input_shape is the shape of one sample, a list of positive integers"),
    (lambda c: c["compile_config"]["optimizer"].update(class_name="os.system"), "compile settings",
     "unknown optimizer 'os.system'"),
    (lambda c: c["compile_config"]["optimizer"].update(clipnorm="1"), "compile settings",
     "clipnorm must be positive, but got '1'"),
    (lambda c: c["compile_config"]["optimizer"].update(amsgrad="yes"), "compile settings",
     "amsgrad is a switch, True or False"),
    (lambda c: c["compile_config"].update(metrics=[{"class_name": 3}]), "compile settings",
     "metric class name must be a string"),
    (lambda c: c["optimizer_state"]["state"].update({"99": {}}), "optimizer state",
     "a key of 'state' should be a parameter index from 0 to 3, but is '99'"),
    (lambda c: c["optimizer_state"]["state"]["2"].update(velocity="os.system"), "optimizer state",
     "the state 'velocity' of parameter 2 should be an array, but is 'os.system'"),
    (lambda c: c["optimizer_state"]["param_groups"][0].update(beta_1=float("inf")), "optimizer state",
     "beta_1 must be in [0, 1), but got inf"),
])
def test_a_failure_while_rebuilding_names_the_part_and_the_cause(crafted, edit, part, fragment):
    message = load_fails(crafted(edit), f"its {part} could not be rebuilt", fragment)
    assert "save the model again" in message


def test_a_weights_file_is_sent_to_load_weights(tmp_path):
    path = tmp_path / "weights.npz"
    nn.Sequential([Input(shape=(4,)), Dense(2)]).save_weights(path)
    load_fails(path, "holds only weights", "model.load_weights(")


def test_load_weights_builds_an_unbuilt_model_under_the_same_budget(crafted):
    def huge_input(config):
        config["model_config"].update(input_shape=[2**30])
        config["build_config"] = {"input_shape": [None, 2**30]}
    path = crafted(huge_input)
    with pytest.raises(ModelFileError, match="its input shape asks for more weight numbers than the file holds"):
        nn.Sequential([Dense(8), Dense(3)]).load_weights(path)


def time_from_config(layers: int) -> float:
    config = {"name": "deep", "input_shape": [2],
              "layers": [{"class_name": "Dense", "config": {"units": 2, "name": f"d{i}"}} for i in range(layers)]}
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        nn.Sequential.from_config(json.loads(json.dumps(config)))
        best = min(best, time.perf_counter() - start)
    return best


def test_building_from_a_config_takes_time_linear_in_the_layer_count():
    small, large = time_from_config(1_500), time_from_config(12_000)
    # 8 times the layers: about 8 times the time when linear, 64 times when quadratic.
    assert large / small < 20, (small, large)


def test_a_model_with_ten_thousand_layers_round_trips(tmp_path):
    model = nn.Sequential([Input(shape=(2,))] + [Dense(2, name=f"d{i}") for i in range(10_000)])
    model.save(tmp_path / "deep.npz")
    loaded = nn.load_model(tmp_path / "deep.npz")
    x = np.ones((1, 2), dtype="float32")
    assert np.array_equal(loaded.predict(x), model.predict(x))
