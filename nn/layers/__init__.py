"""Layers: each builds its weights from the first input's shape, then maps Tensors to Tensors."""
from __future__ import annotations

from typing import Any, Optional

from nn import saving
from nn.layers.activations import Softmax
from nn.layers.base import LAYER_CLASSES, Layer, reset_name_counters
from nn.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer
from nn.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                               average, concatenate, dot, maximum, minimum, multiply, subtract)
from nn.layers.node import KerasTensor
from nn.layers.prelu import PReLU


def get(class_name: str, registered_name: Optional[str] = None) -> type:
    """The layer (or model) class a saved config names: a built-in one by `class_name`, one of
    your own by its `registered_name` (see `nn.saving.register_serializable`)."""
    return saving.find_object(class_name, registered_name, kind="layer class")


def serialize(layer: Layer) -> dict:
    """``{"class_name", "config", "registered_name"}``: what `deserialize` rebuilds `layer` from."""
    registered = None if saving.is_built_in(type(layer)) else saving.registered_name(type(layer))
    return {"class_name": type(layer).__name__, "config": layer.get_config(), "registered_name": registered}


def deserialize(config: dict, custom_objects: Optional[dict[str, Any]] = None) -> Layer:
    """The layer `serialize` described; classes of your own come from `custom_objects` or the
    registered ones."""
    with saving.custom_object_scope(custom_objects):
        cls = get(config["class_name"], config.get("registered_name"))
        try:
            return cls.from_config(dict(config.get("config", {})))
        except TypeError as error:  # a constructor argument missing from, or unknown to, the config
            raise ValueError(f"the saved config does not fit the layer classes of this version: "
                             f"{config['class_name']}.from_config failed ({error}). A class of your own whose __init__ "
                             f"takes arguments must return them from get_config(), e.g. "
                             f"{{**super().get_config(), 'units': self.units}}.") from None


__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor", "PReLU",
           "Softmax", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "add",
           "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot", "get", "serialize",
           "deserialize", "reset_name_counters", "LAYER_CLASSES"]
