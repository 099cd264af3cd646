"""The data of a model with several inputs or outputs: one array per input (or output), as a
list in the model's order or a dict keyed by name, put in the shape the model takes.

A model that names its inputs (a functional model) takes x as a list in their order or a dict
keyed by their names, and returns a list in its order; one input takes the array itself (or a
list or dict holding just it). A model that does not name them (a subclassed model) takes x as
given: a dict of arrays stays a dict, a list or tuple of arrays a list, anything else is one
array. The same holds for y and the outputs.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

import autograd as ag
from nn import tree

Convert = Callable[[Any, str], np.ndarray]


def standardize(data: Any, names: Optional[Sequence[str]], convert: Convert, kind: str, action: str) -> Any:
    """`data` as one array, a list or a dict of arrays (each through `convert`), in the shape a
    model with inputs (or outputs) `names` takes; None names: a model that does not name them.

    Args:
        kind: "x" or "y", for messages ("inputs" or "outputs").
    """
    role = "inputs" if kind == "x" else "outputs"
    if data is None:
        return convert(data, action)  # the converter says what is missing
    if names is None:
        if isinstance(data, dict):
            return {key: convert(value, action) for key, value in data.items()}
        if is_array_structure(data):
            return [convert(value, action) for value in data]
        return convert(data, action)
    if len(names) == 1:
        if isinstance(data, dict):
            if len(data) != 1 and names[0] not in data:
                raise ValueError(f"{action}(): {kind} is a dict with keys {sorted(map(str, data))}, but this model has "
                                 f"one {role[:-1]} ({names[0]!r}); pass the array itself (or a dict with one entry).")
            return convert(data.get(names[0], next(iter(data.values()))), action)
        if isinstance(data, (list, tuple)) and len(data) == 1 and is_array_structure(data):
            return convert(data[0], action)
        return convert(data, action)
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise ValueError(f"{action}(): {kind} is a dict with keys {sorted(map(str, data))}, but the model's {role} "
                             f"are {list(names)} ({', '.join(map(repr, missing))} missing); give one array per "
                             f"{role[:-1]} under these names.")
        return [convert(data[name], action) for name in names]
    if isinstance(data, (list, tuple)) and len(data) == len(names):
        return [convert(value, action) for value in data]
    raise ValueError(f"{action}(): the model has {len(names)} {role} ({', '.join(map(str, names))}), so {kind} must "
                     f"be a list of {len(names)} arrays in that order or a dict keyed by those names; got "
                     f"{tree.describe(data)}.")


def is_array_structure(value: Any) -> bool:
    """True for a list, tuple or dict of arrays or Tensors (the inputs of a layer or model that
    takes several), False for one array, also one written as nested lists of numbers."""
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(is_array_structure(item) or isinstance(item, ag.Tensor) or
                   (hasattr(item, "__array__") and getattr(item, "ndim", 0) >= 1) for item in value)
    return False


def batch_size_of(x: Any) -> int:
    """The number of samples in a batch (of one array, or of the first in a list or dict)."""
    return len(tree.flatten(x)[0])


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sample_weight), the
    form `train_step` receives; the missing parts are None (Keras's helper of the same name)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"a batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(data)} items.")


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    """The batch as `train_step` receives it: (x,), (x, y) or (x, y, sample_weight)."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
