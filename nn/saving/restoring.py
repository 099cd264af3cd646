"""Putting what a file holds back into a model: its weights, and its optimizer state's arrays."""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.saving.file_format import ModelFileError


def assign_weights(model: Any, config: dict, arrays: dict[str, np.ndarray], path: str) -> None:
    """Set `model`'s weights from a file's arrays (as `read` returns them), checking their count
    and shapes against the model's."""
    specs = config["weights"]
    weights = model.weights
    if len(specs) != len(weights):
        raise ModelFileError(
            f"{path!r} holds {len(specs)} weights ({', '.join(s['name'] for s in specs) or 'none'}) "
            f"but model {model.name!r} has {len(weights)} ({', '.join(w.name for w in weights) or 'none'}); "
            f"load it into a model with the same layers.")
    values = []
    for spec, weight in zip(specs, weights):
        array = arrays[spec["key"]]
        if array.shape != weight.shape:
            raise ModelFileError(f"{path!r}: weight {spec['name']!r} has shape {array.shape} but the model's "
                                 f"weight {weight.name!r} has shape {weight.shape}; the architectures differ.")
        values.append(array)
    model.set_weights(values)


def insert_arrays(value: Any, arrays: dict[str, np.ndarray], path: str) -> Any:
    """The optimizer state as saved, with each ``{"__array__": key}`` replaced by its array."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            if value["__array__"] not in arrays:
                raise ModelFileError(f"{path!r} is missing the optimizer array {value['__array__']!r}; "
                                     f"it may be damaged. Save the model again.")
            return arrays[value["__array__"]]
        return {k: insert_arrays(v, arrays, path) for k, v in value.items()}
    if isinstance(value, list):
        return [insert_arrays(v, arrays, path) for v in value]
    return value
