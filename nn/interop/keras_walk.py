"""Where Keras 3's saving files each layer of a model: the walk behind ``.weights.h5`` paths.

Measured with Keras 3.15 (tests/nn/interop/test_keras_nested_files.py checks it against files
Keras writes):

- a Sequential or functional model files its layers under ``layers/``, in Keras's ``model.layers``
  order, each named by its snake-case class name and numbered per class (``dense``, ``dense_1``,
  ...), never by ``layer.name``; a functional model's InputLayers are filed too, and its order
  is Keras's (`nn.layers.graph_order.layer_order`, which the model's own ``layers`` follow): by depth, counted back from the outputs, ties in the order a
  depth-first walk from the outputs (a dict's in sorted key order) first meets them;
- a model used as a layer is a group of its own, with its layers under ``<its group>/layers/``;
- a model written as a class (or a layer of your own that holds layers) files each attribute
  that holds a layer under the attribute's name, a list, tuple or dict of layers under the
  attribute's name with its layers numbered per class, in sorted attribute-name order with
  names that start with ``_`` last; at its sorted place comes ``layers`` (a model's own list),
  which files whatever no attribute filed yet, numbered over the whole list;
- a layer reached twice (shared) is filed once, where the walk first reaches it.

Built-in layers are leaves here: `keras_weights.WEIGHT_GROUPS` says where their arrays go.
"""
from __future__ import annotations

import re
from typing import Any

from nn import saving
from nn.layers.base import Layer
from nn.layers.tracking import BOOKKEEPING

CONTAINERS = (list, tuple, dict)


def snake_case(class_name: str) -> str:
    """Keras's file name for a class: ``MaxPooling2D`` -> ``max_pooling2d``, ``SimpleRNN`` -> ``simple_rnn``."""
    words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def is_stack_or_graph(layer: Any) -> bool:
    """A Sequential or functional model: its layers are filed under ``layers/`` in model order."""
    return isinstance(layer, (saving.built_in("Sequential"), saving.built_in("Functional")))


def files_inner_layers(layer: Any) -> bool:
    """Whether the walk looks inside `layer`: every model, and every layer class of your own
    (nn's built-in layers keep their inner arrays where `keras_weights.WEIGHT_GROUPS` says)."""
    return isinstance(layer, saving.built_in("Model")) or not saving.is_built_in(type(layer))


def saved_layers(model: Any) -> list[tuple[str, Any]]:
    """``("", model)``, then ``(path, layer)`` for every layer inside it, in the order and at
    the paths Keras 3 files them (e.g. ``"layers/dense_1"``, ``"layers/sequential/layers/dense"``)."""
    walk: list[tuple[str, Any]] = []
    _visit("", model, walk, set())
    return walk


def _visit(path: str, layer: Any, walk: list, visited: set[int]) -> None:
    if id(layer) in visited:
        return
    visited.add(id(layer))
    walk.append((path, layer))
    if not files_inner_layers(layer):
        return
    for name, child in _attributes(layer):
        if isinstance(child, Layer):
            _visit(join(path, name), child, walk, visited)
        else:
            _visit_container(join(path, name), child, walk, visited)


def _visit_container(path: str, items: Any, walk: list, visited: set[int]) -> None:
    """The layers of a list, tuple or dict (its values), numbered per class over all of them."""
    if id(items) in visited:  # a container met before (or holding itself) is filed once
        return
    visited.add(id(items))
    counts: dict[str, int] = {}
    for item in items.values() if isinstance(items, dict) else items:
        if isinstance(item, Layer):
            _visit(join(path, _numbered(snake_case(type(item).__name__), counts)), item, walk, visited)
        elif isinstance(item, CONTAINERS):
            _visit_container(join(path, _numbered("container", counts)), item, walk, visited)


def _numbered(base: str, counts: dict[str, int]) -> str:
    count = counts.get(base, 0)
    counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def _attributes(layer: Any) -> list[tuple[str, Any]]:
    """The attributes that may hold layers, in the order Keras's saving visits them."""
    if is_stack_or_graph(layer):
        return [("layers", layer.layers)]
    found = [(name, value) for name, value in vars(layer).items()
             if name not in BOOKKEEPING and isinstance(value, (Layer, *CONTAINERS))]
    if isinstance(layer, saving.built_in("Model")):
        found.append(("layers", layer.layers))
    return sorted(found, key=lambda item: _attribute_order(item[0]))


def _attribute_order(name: str) -> str:
    """Sorted by name, names that start with ``_`` after all others (Keras visits private ones last)."""
    return f"~{name}" if name.startswith("_") else name
