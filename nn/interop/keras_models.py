"""A whole model's Keras 3 config, both ways: Sequential, functional, and models inside models.

Measured with Keras 3.15 (tests/nn/interop/test_keras_functional_files.py compares with the
config.json Keras writes for the same model):

- Sequential: ``{"module": "keras", "class_name": "Sequential", "config": {"name", "trainable",
  "layers": [InputLayer, ...], "build_input_shape"}, "registered_name": None, "build_config"}``.
- Functional: ``{"module": "keras.src.models.functional", "class_name": "Functional",
  "registered_name": "Functional", "config": {"name", "trainable", "layers", "input_layers",
  "output_layers"}, "build_config": {"input_shape": None}}``; each layer entry adds its ``name``
  and ``inbound_nodes``: one ``{"args": [...], "kwargs": {...}}`` per call, each tensor in them a
  ``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer name,
  node index, tensor index]}}``; the InputLayers are entries too (no calls). ``input_layers`` /
  ``output_layers`` are one ``[name, node, tensor]`` for a single tensor, else a list or dict of them.
- A model used as a layer is its whole serialization in the place of a layer entry.

Reading checks the graph before anything is built: every reference names a layer and a call
that exist, and no call depends on itself (a cycle); the layers go through `keras_layers`, the
masks Keras records as operations through `keras_masks`. ``x + y``, ``x - y`` and ``x * y`` of two
tensors, which Keras records as the operations Add, Subtract and Multiply (their two arguments
side by side), become our merge layers of those names (one list argument); any other operation
is refused by name.
"""
from __future__ import annotations

from typing import Any

from nn import saving
from nn.interop import keras_layers, keras_masks

FUNCTIONAL_MODULE = "keras.src.models.functional"
MODEL_CLASSES = ("Sequential", "Functional")


# ---- writing -----------------------------------------------------------------------------------------
def model_config(model: Any) -> dict:
    """The Keras serialization of a built Sequential or functional model (also one used as a layer)."""
    if isinstance(model, saving.built_in("Sequential")):
        return sequential_config(model)
    if isinstance(model, saving.built_in("Functional")):
        return functional_config(model)
    raise ValueError(f"model {model.name!r} is a {type(model).__name__}, a model written as a class: Keras "
                     f"rebuilds one only with your class's code, so it cannot go into a .keras file. Save its "
                     f"weights with model.save_weights('x.weights.h5') (Keras 3's layout), or the whole model "
                     f"with a .npz path (our own format).")


def layer_config(layer: Any) -> dict:
    """A layer's Keras serialization: a model's whole config, or `keras_layers.to_keras_layer`."""
    if isinstance(layer, saving.built_in("Model")):
        return model_config(layer)
    return keras_layers.to_keras_layer(layer)


def sequential_config(model: Any) -> dict:
    """The Keras config of a built Sequential model: an InputLayer, then its layers."""
    batch_shape = [None, *model.input_shape[1:]]
    first = type(model.layers[0]).__name__ if model.layers else None
    input_layer = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                   "config": {"batch_shape": batch_shape, "dtype": "int32" if first == "Embedding" else "float32",
                              "sparse": False, "name": "input_layer"}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": model.name, "trainable": model.trainable,
                       "layers": [input_layer, *(layer_config(layer) for layer in model.layers)],
                       "build_input_shape": batch_shape},
            "build_config": {"input_shape": batch_shape}}


def functional_config(model: Any) -> dict:
    """The Keras config of a functional model: its layers with their calls, inputs and outputs.

    Our ``get_config`` already records the calls and references in Keras's form; each layer's own
    entry becomes Keras's (`layer_config`)."""
    ours = model.get_config()
    calls = {entry["name"]: entry["inbound_nodes"] for entry in ours["layers"]}
    layers = [{**layer_config(layer), "name": layer.name, "inbound_nodes": calls[layer.name]}
              for layer in model.layers]
    return {"module": FUNCTIONAL_MODULE, "class_name": "Functional", "registered_name": "Functional",
            "config": {"name": model.name, "trainable": model.trainable, "layers": layers,
                       "input_layers": ours["input_layers"], "output_layers": ours["output_layers"]},
            "build_config": {"input_shape": None}}


# ---- reading -----------------------------------------------------------------------------------------
def model_from_keras(entry: Any, source: str) -> tuple[str, dict]:
    """Our model class name ("Sequential" or "Functional") and its ``get_config`` form, from a
    Keras model serialization (a whole config.json, or a model used as a layer inside one)."""
    class_name = entry.get("class_name") if isinstance(entry, dict) else None
    if class_name not in MODEL_CLASSES:
        raise ValueError(f"{source!r} holds a {class_name!r} model; chainrule loads Keras's Sequential and "
                         f"functional models (a model written as a class would need its code, which a file "
                         f"never brings). Load its weights with model.load_weights into the same class here.")
    config = entry.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(f"{source!r}: the {class_name} model {_model_name(config)} has no list of layers in its "
                         f"config; the file is damaged.")
    if class_name == "Sequential":
        return class_name, _sequential_from_keras(config, source)
    return class_name, _functional_from_keras(config, source)


def layer_from_keras(entry: Any, source: str) -> dict:
    """``{"class_name", "config"}`` for our `deserialize`, from one Keras layer entry (or model)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ValueError(f"{source!r}: each layer of its config must be an object with a 'class_name' string, "
                         f"but one is {str(entry)[:80]}; the file is damaged.")
    if str(entry.get("module", "")).startswith(keras_masks.KERAS_OPERATIONS) and merge_layer_of(entry) is None:
        raise ValueError(f"{source!r} holds the operation {entry['class_name']!r} ({entry['module']}), recorded where "
                         f"the model was built with keras.ops on its tensors; chainrule rebuilds layers only. "
                         f"Build the model with a layer in its place (e.g. nn.layers.Add for keras.ops.add, or a "
                         f"layer of your own) and save it again.")
    if merge_layer_of(entry) is not None:
        class_name, config = merge_layer_of(entry), {"name": entry.get("name")}
    elif entry["class_name"] in MODEL_CLASSES:
        class_name, config = model_from_keras(entry, source)
    else:
        class_name, config = keras_layers.from_keras_layer(entry, source)
    return {"class_name": class_name, "config": config}


# Keras records x + y, x - y and x * y of two tensors as these operations; the merge layers of the same
# names compute the same (broadcasting as the operations do).
MERGING_OPERATIONS = {"Add", "Subtract", "Multiply"}


def merge_layer_of(entry: Any) -> Any:
    """The merge layer class for a Keras operation entry of two tensors (``x + y``), else None."""
    if not (isinstance(entry, dict) and str(entry.get("module", "")).startswith(keras_masks.KERAS_OPERATIONS)
            and entry.get("class_name") in MERGING_OPERATIONS and isinstance(entry.get("inbound_nodes"), list)):
        return None
    two_tensors = all(isinstance(call, dict) and not call.get("kwargs") and isinstance(call.get("args"), list)
                      and len(call["args"]) == 2 and all(isinstance(arg, dict) and arg.get("class_name") ==
                                                         "__keras_tensor__" for arg in call["args"])
                      for call in entry["inbound_nodes"])
    return entry["class_name"] if two_tensors and entry["inbound_nodes"] else None


def _sequential_from_keras(config: dict, source: str) -> dict:
    layers, input_shape = [], None
    for entry in config["layers"]:
        if isinstance(entry, dict) and entry.get("class_name") == "InputLayer":
            layer_config = entry.get("config", {})
            shape = layer_config.get("batch_shape") or layer_config.get("batch_input_shape")
            input_shape = list(shape[1:])
            continue
        layers.append(layer_from_keras(entry, source))
    if input_shape is None:
        build_shape = config.get("build_input_shape")
        input_shape = None if build_shape is None else list(build_shape[1:])
    return {"name": config.get("name"), "trainable": config.get("trainable", True), "input_shape": input_shape,
            "layers": layers}


def _functional_from_keras(config: dict, source: str) -> dict:
    config = keras_masks.without_mask_operations(config)
    entries = config["layers"]
    layers, calls_per_layer = [], {}
    for entry in entries:
        layer = layer_from_keras(entry, source)
        name, calls = entry.get("name"), entry.get("inbound_nodes")
        if not isinstance(name, str) or not isinstance(calls, list):
            raise ValueError(f"{source!r}: each layer of a functional model needs a 'name' and a list of "
                             f"'inbound_nodes' (its calls), but {entry['class_name']} entry {name!r} has "
                             f"inbound_nodes={str(calls)[:60]}; the file is damaged.")
        if name in calls_per_layer:
            raise ValueError(f"{source!r}: two layers of model {_model_name(config)} are named {name!r}, so the "
                             f"calls that refer to them are ambiguous; the file is damaged.")
        if entry["class_name"] == "InputLayer" and calls:
            raise ValueError(f"{source!r}: the InputLayer {name!r} is recorded as called on other tensors, but an "
                             f"input takes none; the file is damaged or edited.")
        for call in calls:
            _check_call(call, name, source)
        calls_per_layer[name] = 1 if entry["class_name"] == "InputLayer" else len(calls)  # an input's own node
        if merge_layer_of(entry) is not None:  # x + y: the operation's two arguments become the layer's list
            calls = [{"args": [call["args"]], "kwargs": {}} for call in calls]
        layers.append({**layer, "registered_name": None, "name": name,
                       "inbound_nodes": [_without_training(call) for call in calls]})
    graph = _call_graph(entries, calls_per_layer, source)
    _refuse_cycles(graph, source)
    ends = {}
    inputs = {entry["name"] for entry in entries if entry["class_name"] == "InputLayer"}
    for key in ("input_layers", "output_layers"):
        ends[key] = config.get(key)
        for reference in _end_references(ends[key], key, source):
            name, _ = _check_reference(reference, calls_per_layer, f"the model's {key}", source)
            if key == "input_layers" and name not in inputs:
                raise ValueError(f"{source!r}: the model's input_layers name {name!r}, which is not an InputLayer; "
                                 f"a model read from a file starts from its InputLayers. The file is damaged.")
    return {"name": config.get("name"), "trainable": config.get("trainable", True), "layers": layers, **ends}


def _check_call(call: Any, layer: str, source: str) -> None:
    """One recorded call in Keras 3's form, ``{"args": [...], "kwargs": {...}}``."""
    if isinstance(call, list):
        raise ValueError(f"{source!r}: the calls of layer {layer!r} are in the form of Keras 2 (tf.keras), which "
                         f"is not read here; open the model in Keras 3 and save it again as .keras.")
    if not (isinstance(call, dict) and isinstance(call.get("args", []), list)
            and isinstance(call.get("kwargs", {}), dict)):
        raise ValueError(f"{source!r}: a call of layer {layer!r} should be an object with 'args' (a list) and "
                         f"'kwargs' (an object), but is {str(call)[:80]}; the file is damaged.")


def _without_training(call: dict) -> dict:
    """The call without the ``training`` value Keras records (a layer's default, e.g. Dropout's
    False): kept, it would pin the layer to that mode, while the model's own call must decide
    (Keras's functional models pass their ``training`` on over the recorded one)."""
    kwargs = {key: value for key, value in call.get("kwargs", {}).items() if key != "training"}
    return {"args": call.get("args", []), "kwargs": kwargs}


def _tensor_references(value: Any) -> list[Any]:
    """Every ``keras_history`` of the tensors a call's arguments hold."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return [(value.get("config") or {}).get("keras_history") if isinstance(value.get("config"), dict) else None]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _tensor_references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _tensor_references(item)]
    return []


def _check_reference(reference: Any, calls_per_layer: dict[str, int], user: str, source: str) -> tuple[str, int]:
    """``[layer name, node index, tensor index]`` that names a layer and one of its calls."""
    if not (isinstance(reference, list) and len(reference) == 3 and isinstance(reference[0], str)
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in reference[1:])):
        raise ValueError(f"{source!r}: {user} refers to a tensor as {str(reference)[:60]}, not as "
                         f"[layer name, call index, output index]; the file is damaged.")
    name, node_index, _ = reference
    if name not in calls_per_layer:
        raise ValueError(f"{source!r}: {user} uses an output of layer {name!r}, which the model does not have; "
                         f"the file is damaged or edited.")
    if node_index >= calls_per_layer[name]:
        raise ValueError(f"{source!r}: {user} uses call {node_index} of layer {name!r}, which is called only "
                         f"{calls_per_layer[name]} time(s); the file is damaged or edited.")
    return name, node_index


def _call_graph(entries: list[dict], calls_per_layer: dict[str, int], source: str) -> dict:
    """``{(layer, call index): the (layer, call index) pairs whose outputs it takes}``."""
    graph: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for entry in entries:
        for index, call in enumerate(entry["inbound_nodes"]):
            user = f"call {index} of layer {entry['name']!r}"
            graph[(entry["name"], index)] = {_check_reference(ref, calls_per_layer, user, source)
                                             for ref in _tensor_references([call.get("args", []),
                                                                            call.get("kwargs", {})])}
    return graph


def _refuse_cycles(graph: dict, source: str) -> None:
    """Every call must be computable from the inputs: take calls whose inputs are all made, in
    turn (Kahn's order); calls never taken wait on each other in a cycle."""
    waiting_on: dict[tuple[str, int], int] = {}
    users: dict[tuple[str, int], list] = {node: [] for node in graph}
    for node, needs in graph.items():
        inner = [need for need in needs if need in graph]  # the others are the inputs' own nodes
        waiting_on[node] = len(inner)
        for need in inner:
            users[need].append(node)
    ready = [node for node, count in waiting_on.items() if count == 0]
    while ready:
        for user in users[ready.pop()]:
            waiting_on[user] -= 1
            if waiting_on[user] == 0:
                ready.append(user)
    stuck = sorted({name for (name, _), count in waiting_on.items() if count > 0})
    if stuck:
        raise ValueError(f"{source!r}: the calls of layers {stuck} depend on each other in a cycle, so no order "
                         f"computes them; a model is a graph without cycles. The file is damaged or edited.")


def _end_references(structure: Any, key: str, source: str) -> list[Any]:
    """The references of ``input_layers`` / ``output_layers``: one, a list or a dict of them."""
    if isinstance(structure, dict):
        return list(structure.values())
    if isinstance(structure, list) and structure and isinstance(structure[0], str):
        return [structure]
    if isinstance(structure, list) and structure:
        return structure
    raise ValueError(f"{source!r}: the model's {key} should name its tensors as [layer name, call index, output "
                     f"index] (or a list or dict of them), but is {str(structure)[:60]}; the file is damaged.")


def _model_name(config: Any) -> str:
    name = config.get("name") if isinstance(config, dict) else None
    return repr(name) if isinstance(name, str) else "(unnamed)"
