"""The order of a functional model's layers, Keras 3's: what ``model.layers``, ``summary()``,
``get_layer(index=...)``, the weights' order and Keras's weight files all follow.

Measured against Keras 3.15 for every test graph (tests/nn/interop/test_keras_functional_files.py).
"""
from __future__ import annotations

from typing import Any


def layer_order(inputs: Any, outputs: Any) -> list[Any]:
    """The layers of the graph from `inputs` to `outputs` (KerasTensors, or lists or dicts of them)
    in the order Keras 3 gives a functional model's ``model.layers``.

    Keras walks back depth first from each output (a dict of outputs in sorted key order),
    numbering each layer when it first meets it and listing each call after the calls it needs;
    a call's depth is the longest way from it to an output, a layer's the largest of its calls';
    the layers are then sorted deepest first, ties by their number. Inputs no output needs come
    last among the shallowest.
    """
    declared = {id(tensor) for tensor in keras_flatten(inputs)}
    first_met: dict[int, int] = {}
    layers: dict[int, Any] = {}
    calls: list[Any] = []
    finished: set[int] = set()
    for output in keras_flatten(outputs):
        stack = [(output, False)]
        while stack:
            tensor, inputs_listed = stack.pop()
            node = tensor._keras_history.node
            if inputs_listed:
                if id(node) not in finished:
                    finished.add(id(node))
                    calls.append(node)
                continue
            if id(node) in finished:
                continue
            if id(tensor) in declared and node.input_tensors:  # an inner tensor taken as an input
                finished.add(id(node))
                continue
            first_met.setdefault(id(node.layer), len(first_met))
            layers[id(node.layer)] = node.layer
            stack.append((tensor, True))
            stack.extend((parent, False) for parent in reversed(node.input_tensors))
    in_graph = {id(node) for node in calls}
    call_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    for node in reversed(calls):
        depth = max(call_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = call_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                call_depth[id(parent)] = max(depth + 1, call_depth.get(id(parent), 0))
    for tensor in keras_flatten(inputs):  # an input no output needs
        layer = tensor._keras_history.layer
        if id(layer) not in layer_depth:
            layers[id(layer)], layer_depth[id(layer)], first_met[id(layer)] = layer, 0, -1
    return sorted(layers.values(), key=lambda layer: (-layer_depth[id(layer)], first_met[id(layer)]))


def keras_flatten(structure: Any) -> list[Any]:
    """The tensors of a structure as Keras flattens it: a dict's values in sorted key order."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in keras_flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in keras_flatten(item)]
    return [structure]
