"""The shape of a model file's JSON config, checked before anything is built from it.

`check_config` checks types and ranges: the format tag and version, the weight list (keys,
names, shapes of non-negative integers, their total against `LoadLimits.max_parameters`), and
for a whole model the architecture's layer count, the compile settings and the optimizer state.
What a layer's own arguments mean (``units`` > 0) is checked by the layer when it is built. Each
failure names the part by its place in the JSON, e.g. ``optimizer_state.param_groups[0]``.
"""
from __future__ import annotations

import math
import reprlib
from typing import Any

from nn.saving.file_format import FORMAT, VERSION, LoadLimits, over_limit, unreadable

_KINDS = ("model", "weights")


def check_config(config: Any, path: str, limits: LoadLimits) -> None:
    """Raise a ModelFileError naming the first part of `config` of the wrong type or range."""
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise unreadable(path, f"its config does not carry the {FORMAT!r} format tag")
    if config.get("version") != VERSION:
        raise unreadable(path, f"it has format version {config.get('version')!r}, this version reads only "
                               f"version {VERSION}")
    _expect(config.get("kind") in _KINDS, path, "kind", f"one of {_KINDS}", config.get("kind"))
    _check_weight_specs(config.get("weights"), path)
    weights = weight_count(config)
    if weights > limits.max_parameters:
        raise over_limit(path, f"lists weights of {weights:,} numbers", "max_parameters", limits.max_parameters,
                         weights)
    if config["kind"] == "model":
        _check_model(config, path, limits)


def weight_count(config: dict) -> int:
    """How many numbers the weights that a checked config lists hold together."""
    return sum(math.prod(spec["shape"]) for spec in config["weights"])


def array_references(config: dict) -> dict[str, str]:
    """Every array a checked config refers to, by key, with what it is for messages."""
    references = {spec["key"]: f"the weight {spec['name']!r}" for spec in config["weights"]}
    pending = [config.get("optimizer_state")]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if _is_array_reference(value):
                references.setdefault(value["__array__"], "the optimizer state")
            else:
                pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return references


def count_layers(value: Any) -> int:
    """The entries of every ``"layers"`` list in `value`, nested models' included."""
    count = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            layers = item.get("layers")
            if isinstance(layers, list):
                count += len(layers)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return count


# ---- the parts -----------------------------------------------------------------------------------
def _check_weight_specs(specs: Any, path: str) -> None:
    _expect(isinstance(specs, list), path, "weights", "a list", specs)
    keys = set()
    for i, spec in enumerate(specs):
        where = f"weights[{i}]"
        _expect(isinstance(spec, dict), path, where, "an object with 'key', 'name' and 'shape'", spec)
        _expect(isinstance(spec.get("key"), str), path, f"{where}.key", "a string", spec.get("key"))
        _expect(spec["key"] not in keys, path, f"{where}.key", "a key no other weight uses", spec["key"])
        keys.add(spec["key"])
        _expect(isinstance(spec.get("name"), str), path, f"{where}.name", "a string", spec.get("name"))
        shape = spec.get("shape")
        _expect(isinstance(shape, list) and all(_is_count(n) for n in shape), path, f"{where}.shape",
                "a list of non-negative integers", shape)


def _check_model(config: dict, path: str, limits: LoadLimits) -> None:
    _expect(isinstance(config.get("model_class", ""), str), path, "model_class", "a class name",
            config.get("model_class"))
    _expect(config.get("registered_name") is None or isinstance(config["registered_name"], str), path,
            "registered_name", "a 'package>name' string or null", config.get("registered_name"))
    model_config = config.get("model_config")
    _expect(isinstance(model_config, dict) and isinstance(model_config.get("layers", []), list), path,
            "model_config", "an object (whose 'layers', if any, is a list)", model_config)
    build_config = config.get("build_config")
    _expect(build_config is None or isinstance(build_config, dict), path, "build_config", "an object or null",
            build_config)
    layers = count_layers(model_config)
    if layers > limits.max_layers:
        raise over_limit(path, f"has {layers:,} layers", "max_layers", limits.max_layers, layers)
    compile_config = config.get("compile_config")
    if compile_config is not None:
        _expect(isinstance(compile_config, dict), path, "compile_config", "an object or null", compile_config)
        optimizer = compile_config.get("optimizer")
        _expect(isinstance(optimizer, dict) and isinstance(optimizer.get("class_name"), str), path,
                "compile_config.optimizer", "an object with a 'class_name' string", optimizer)
        _expect(compile_config.get("metrics") is None or isinstance(compile_config["metrics"], (list, dict)), path,
                "compile_config.metrics", "a list, an object (one entry per output) or null",
                compile_config.get("metrics"))
    if config.get("optimizer_state") is not None:
        _check_optimizer_state(config["optimizer_state"], path)


def _check_optimizer_state(state: Any, path: str) -> None:
    where = "optimizer_state"
    _expect(isinstance(state, dict) and {"state", "param_groups", "iterations"} <= set(state), path, where,
            "an object with 'state', 'param_groups' and 'iterations'", state)
    _expect(_is_count(state["iterations"]), path, f"{where}.iterations", "a non-negative integer",
            state["iterations"])
    _expect(isinstance(state["state"], dict), path, f"{where}.state", "an object", state["state"])
    for key, saved in state["state"].items():
        _expect(key.isascii() and key.isdigit(), path, f"{where}.state", "keyed by parameter numbers such as '0'", key)
        _expect(isinstance(saved, dict), path, f"{where}.state[{key!r}]", "an object", saved)
        for name, value in saved.items():
            if isinstance(value, dict):
                _expect(_is_array_reference(value), path, f"{where}.state[{key!r}].{name}",
                        "a number or {'__array__': key}", value)
    groups = state["param_groups"]
    _expect(isinstance(groups, list), path, f"{where}.param_groups", "a list", groups)
    for i, group in enumerate(groups):
        _expect(isinstance(group, dict) and isinstance(group.get("params"), list)
                and all(_is_count(p) for p in group["params"]), path, f"{where}.param_groups[{i}]",
                "an object whose 'params' lists parameter numbers", group)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_array_reference(value: dict) -> bool:
    return set(value) == {"__array__"} and isinstance(value["__array__"], str)


def _expect(condition: bool, path: str, where: str, expected: str, got: Any) -> None:
    if not condition:
        raise unreadable(path, f"in its config, {where} should be {expected}, but is {reprlib.repr(got)}")

