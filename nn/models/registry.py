"""The model classes a saved file may name, by class name, as Keras's loading looks them up.

A model class registers itself where it is defined (`@register_model_class`); loading builds
only registered classes, so a file can name a class but never run code of its choosing.
"""
from __future__ import annotations

from typing import TypeVar

from nn.utils import lookup

ModelClass = TypeVar("ModelClass", bound=type)

_MODEL_CLASSES: dict[str, type] = {}


def register_model_class(cls: ModelClass) -> ModelClass:
    """Let files name `cls` by its class name; returns `cls` (use it as a class decorator)."""
    _MODEL_CLASSES[cls.__name__] = cls
    return cls


def get_model_class(name: str) -> type:
    """The registered model class called `name`, or a ValueError listing the known ones."""
    return lookup(_MODEL_CLASSES, name, "model class")
