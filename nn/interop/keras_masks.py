"""The masks in a Keras 3 functional config, which chainrule's layers make by themselves.

Keras records a mask as operations in the graph (measured with Keras 3.15): after
``Embedding(mask_zero=True)`` a ``NotEqual`` of the tokens and 0; after ``Masking(mask_value=v)``
an ``Any(axis=-1)`` of a ``NotEqual`` of the inputs and v; and each later layer whose call takes
a mask has ``"mask"`` in its call's kwargs, a reference to that operation's output. Here an
Embedding or Masking attaches the same mask to its output and the layers after it pass it on, so
these two patterns are taken out of the config: the mask kwargs that refer to them, and the
operations once nothing else uses them. Any other operation stays, and reading then names its
class as unsupported (a mask of another making would otherwise be silently replaced). The
Embedding or Masking layer must take a model input: Keras counts the mask operations when it
orders the layers (and numbers their weights), and only there do they not change that order
for layers with weights.
"""
from __future__ import annotations

from typing import Any

KERAS_OPERATIONS = "keras.src.ops."  # the module of the operations Keras records in a graph


def without_mask_operations(config: dict) -> dict:
    """`config` (a functional model's, in Keras's form) without the mask operations of an
    Embedding or a Masking layer and without the mask kwargs that refer to them."""
    entries = {entry["name"]: entry for entry in config["layers"] if _is_named(entry)}
    operations = {}  # the name of each mask's last operation -> the names of all its operations
    for name, entry in entries.items():
        if _embedding_mask(entry, entries):
            operations[name] = {name}
        elif _masking_mask(entry, entries):
            operations[name] = {name, _history(_only_call(entry)["args"][0])[0]}
    if not operations:
        return config
    for names in operations.values():
        inner = next(entries[name] for name in names if entries[name].get("class_name") == "NotEqual")
        masked = _history(_only_call(inner)["args"][0])[0]
        if entries.get(masked, {}).get("class_name") != "InputLayer":
            raise ValueError(f"the model masks the output of layer {masked!r} (Keras records that mask as operations "
                             f"{sorted(names)}); chainrule reads the masks of an Embedding or Masking layer only "
                             f"where it takes a model input (there the order of the layers, and so of their "
                             f"weights in the file, is known). Put the Embedding or Masking layer first.")
    layers = [_without_mask_kwargs(entry, set(operations)) if _is_named(entry) else entry for entry in config["layers"]]
    members = set().union(*operations.values())
    used = {reference[0] for entry in layers if _is_named(entry) and entry["name"] not in members
            for reference in _references(entry["inbound_nodes"])}  # an Any's use of its own NotEqual does not count
    used |= {reference[0] for reference in _references([config.get("output_layers")], ends=True)}
    dropped = set().union(*(names for last, names in operations.items() if not names & used))
    return {**config, "layers": [entry for entry in layers if not (_is_named(entry) and entry["name"] in dropped)]}


def _is_named(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("inbound_nodes"), list)


def _is_operation(entry: dict) -> bool:
    return _is_named(entry) and str(entry.get("module", "")).startswith(KERAS_OPERATIONS)


def _only_call(entry: dict) -> dict:
    calls = entry["inbound_nodes"]
    return calls[0] if len(calls) == 1 and isinstance(calls[0], dict) else {}


def _history(value: Any) -> Any:
    """The ``keras_history`` of a tensor reference, else None."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__" and isinstance(value.get("config"), dict):
        return value["config"].get("keras_history")
    return None


def _first_argument_of(entries: dict, class_name: str, setting: str, value: Any) -> list:
    """The inputs (``keras_history``) of every call of each `class_name` layer whose `setting` is `value`."""
    return [_history((call.get("args") or [None])[0]) for entry in entries.values()
            if entry.get("class_name") == class_name and (entry.get("config") or {}).get(setting) == value
            for call in entry["inbound_nodes"] if isinstance(call, dict)]


def _embedding_mask(entry: dict, entries: dict) -> bool:
    """``NotEqual(tokens, 0)``, where an ``Embedding(mask_zero=True)`` takes the same tokens."""
    call = _only_call(entry)
    if not (_is_operation(entry) and entry.get("class_name") == "NotEqual" and call.get("args", [None])[1:] == [0]
            and not call.get("kwargs")):
        return False
    return _history(call["args"][0]) in _first_argument_of(entries, "Embedding", "mask_zero", True)


def _masking_mask(entry: dict, entries: dict) -> bool:
    """``Any(NotEqual(x, v), axis=-1)``, where a ``Masking(mask_value=v)`` takes the same x."""
    call = _only_call(entry)
    settings = entry.get("config") or {}
    if not (_is_operation(entry) and entry.get("class_name") == "Any" and settings.get("axis") == -1
            and not settings.get("keepdims") and len(call.get("args", [])) == 1 and not call.get("kwargs")):
        return False
    history = _history(call["args"][0])
    inner = entries.get(history[0]) if isinstance(history, list) and history else None
    if inner is None or not _is_operation(inner) or inner.get("class_name") != "NotEqual":
        return False
    arguments = _only_call(inner).get("args", [])
    return len(arguments) == 2 and _history(arguments[0]) in _first_argument_of(
        entries, "Masking", "mask_value", arguments[1])


def _without_mask_kwargs(entry: dict, masks: set[str]) -> dict:
    calls = []
    for call in entry["inbound_nodes"]:
        history = _history(call.get("kwargs", {}).get("mask")) if isinstance(call, dict) else None
        if isinstance(history, list) and history and history[0] in masks:
            call = {**call, "kwargs": {key: value for key, value in call["kwargs"].items() if key != "mask"}}
        calls.append(call)
    return {**entry, "inbound_nodes": calls}


def _references(value: Any, ends: bool = False) -> list:
    """Every ``keras_history`` in `value`; with `ends`, also bare ``[name, node, tensor]`` lists."""
    history = _history(value)
    if history is not None:
        return [history] if isinstance(history, list) and history else []
    if ends and isinstance(value, list) and value and isinstance(value[0], str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [reference for item in items for reference in _references(item, ends)]
