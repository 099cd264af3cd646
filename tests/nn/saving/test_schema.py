"""nn.saving.schema: a config of the wrong types or ranges is refused before anything is built,
by a ModelFileError that names the part by its place in the JSON."""
from __future__ import annotations

from typing import Any, Callable

import pytest

import nn
from nn.saving import ModelFileError
from nn.saving.schema import count_layers


def setter(*where: Any, value: Any) -> Callable[[dict], None]:
    """An edit that sets config[where[0]][where[1]]... to `value`."""
    def edit(config: dict) -> None:
        target = config
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value
    return edit


def deleter(*where: Any) -> Callable[[dict], None]:
    def edit(config: dict) -> None:
        target = config
        for key in where[:-1]:
            target = target[key]
        del target[where[-1]]
    return edit


def renamed_state_key(old: str, new: str) -> Callable[[dict], None]:
    def edit(config: dict) -> None:
        states = config["optimizer_state"]["state"]
        states[new] = states.pop(old)
    return edit


CASES = [
    (setter("kind", value="everything"), "kind should be one of ('model', 'weights')"),
    (setter("weights", value={"a": 1}), "weights should be a list"),
    (setter("weights", 0, value=[1, 2]), "weights[0] should be an object with 'key', 'name' and 'shape'"),
    (setter("weights", 0, "key", value=3), "weights[0].key should be a string"),
    (setter("weights", 1, "key", value="weights/000"), "weights[1].key should be a key no other weight uses"),
    (deleter("weights", 2, "name"), "weights[2].name should be a string, but is None"),
    (setter("weights", 0, "shape", value=[-1, 8]), "weights[0].shape should be a list of non-negative integers"),
    (setter("weights", 0, "shape", value=[True, 8]), "weights[0].shape should be a list of non-negative"),
    (setter("weights", 0, "shape", value="4x8"), "weights[0].shape should be a list"),
    (setter("model_class", value=["Sequential"]), "model_class should be a class name"),
    (setter("model_config", "layers", value={"0": "Dense"}), "model_config should be an object (whose 'layers', if any, is a list)"),
    (setter("model_config", value=2**40), "model_config should be an object (whose 'layers', if any, is a list), but is 1099511627776"),
    (setter("build_config", value=[None, 4]), "build_config should be an object or null"),
    (setter("registered_name", value=7), "registered_name should be a 'package>name' string or null"),
    (setter("compile_config", value="adam"), "compile_config should be an object or null"),
    (deleter("compile_config", "optimizer", "class_name"), "compile_config.optimizer should be an object with a 'class_name'"),
    (setter("compile_config", "metrics", value="accuracy"), "compile_config.metrics should be a list, an object (one entry per output) or null"),
    (setter("optimizer_state", value=2**40), "optimizer_state should be an object with 'state', 'param_groups'"),
    (deleter("optimizer_state", "iterations"), "optimizer_state should be an object with"),
    (setter("optimizer_state", "iterations", value=-1), "optimizer_state.iterations should be a non-negative integer"),
    (setter("optimizer_state", "iterations", value="many"), "optimizer_state.iterations should be a non-negative"),
    (setter("optimizer_state", "state", value=[]), "optimizer_state.state should be an object"),
    (renamed_state_key("0", "-1"), "optimizer_state.state should be keyed by parameter numbers such as '0', but is '-1'"),
    (renamed_state_key("0", "first"), "keyed by parameter numbers"),
    (setter("optimizer_state", "state", "0", value=5), "optimizer_state.state['0'] should be an object, but is 5"),
    (setter("optimizer_state", "state", "0", "momentum", value={"x": 1}),
     "optimizer_state.state['0'].momentum should be a number or {'__array__': key}"),
    (setter("optimizer_state", "param_groups", value=7), "optimizer_state.param_groups should be a list"),
    (setter("optimizer_state", "param_groups", 0, "params", value=7),
     "optimizer_state.param_groups[0] should be an object whose 'params' lists parameter numbers"),
    (setter("optimizer_state", "param_groups", 0, "params", value=[0, -1]), "param_groups[0] should be"),
]


@pytest.mark.parametrize("edit, fragment", CASES, ids=[fragment[:45] for _, fragment in CASES])
def test_a_config_part_of_the_wrong_type_or_range_is_named(crafted, edit, fragment):
    path = crafted(edit)
    with pytest.raises(ModelFileError) as caught:
        nn.load_model(path)
    message = str(caught.value)
    assert fragment in message and str(path) in message, message
    assert "Load a file written by model.save, or save the model again." in message


def test_count_layers_counts_nested_models_layers_too():
    inner = {"layers": [{"class_name": "Dense"}, {"class_name": "Dense"}]}
    outer = {"layers": [{"class_name": "Sequential", "config": inner}, {"class_name": "Dropout"}]}
    assert count_layers(outer) == 4
    assert count_layers({"layers": "not a list"}) == 0
