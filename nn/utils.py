"""Seeding, tensor conversion and name look-up shared by the nn modules.

One `numpy.random.Generator`, autograd's (`autograd.random.default_generator`), serves
initializers, shuffling, dropout and `ag.randn` & co., so `set_random_seed(s)` (or
`ag.manual_seed(s)`) makes a whole training run repeat bit for bit.

Keras's data helpers are here under their Keras names too: `to_categorical`, `normalize`,
`pad_sequences` (from `nn.array_utils`), `PyDataset` / `Sequence` and `unpack_x_y_sample_weight`
(from `nn.data_adapters`), and `plot_model` (from `nn.model_visualization`).
"""
from __future__ import annotations

import random
from typing import Any, Mapping, Optional

import numpy as np

import autograd as ag
from autograd.random import default_generator
from nn.array_utils import normalize, pad_sequences, to_categorical  # noqa: F401 (Keras's nn.utils names)
from nn.data_adapters import PyDataset, Sequence, unpack_x_y_sample_weight  # noqa: F401
from nn.data_adapters.structures import is_array_structure
from nn.model_visualization import plot_model  # noqa: F401 (Keras's nn.utils name)


def plot_history(history: Any, metrics: Optional[list] = None) -> Any:
    """A finished History's curves as a matplotlib Figure (see `nn.plots.plot_history`)."""
    from nn.plots.history import plot_history as plot
    return plot(history, metrics)


def set_random_seed(seed: int) -> None:
    """Reseed the shared generator (in place, so held references follow), numpy's and Python's."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed needs a non-negative integer seed, got {seed!r}.")
    ag.manual_seed(seed)
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))


def get_rng() -> np.random.Generator:
    """The generator that initializers, shuffling, dropout and autograd's random constructors
    draw from."""
    return default_generator


def to_tensor(x: Any, dtype: Any = None) -> ag.Tensor:
    """`x` as an `ag.Tensor`; float data without a `dtype` gets the default float dtype.

    A Tensor is returned as is (cast with a recorded op when `dtype` differs). An array that
    already has the wanted dtype is shared, not copied: layers only read their inputs.
    """
    if isinstance(x, ag.Tensor):
        if dtype is None or x.dtype == np.dtype(dtype):
            return x
        return ag.astype(x, dtype)
    array = np.asarray(x)
    if array.dtype.kind not in "biufc":
        return ag.Tensor(x, dtype=dtype)  # refuses what is not numbers, saying what it holds
    if dtype is None:
        dtype = ag.get_default_dtype() if array.dtype.kind == "f" else array.dtype
    if array.dtype == np.dtype(dtype):
        return ag.from_numpy(array)
    return ag.Tensor(array, dtype=dtype)


def to_tensors(value: Any) -> Any:
    """`to_tensor` of one array, or of each array in a list, tuple or dict of them (nested too)."""
    if not is_array_structure(value):
        return to_tensor(value)
    if isinstance(value, dict):
        return {key: to_tensors(item) for key, item in value.items()}
    converted = [to_tensors(item) for item in value]
    return tuple(converted) if isinstance(value, tuple) else converted


def check_seed(seed: Any, owner: str) -> Optional[int]:
    """`seed` as given when it is None or a non-negative integer, else a clear ValueError."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"{owner}: seed must be a non-negative integer (or None to draw from the shared "
                         f"generator), got {type_name(seed)}.")
    return seed


def lookup(registry: Mapping[str, Any], identifier: str, kind: str) -> Any:
    """`registry[identifier]`, matching names case-insensitively.

    Raises ValueError naming `identifier` and every valid name when there is no match, and
    TypeError when `identifier` is not a string.
    """
    if not isinstance(identifier, str):
        raise TypeError(f"a {kind} name must be a string, got {type_name(identifier)}.")
    if identifier in registry:
        return registry[identifier]
    folded = identifier.lower()
    for name, value in registry.items():
        if name.lower() == folded:
            return value
    # Names that differ only in case are listed once, in lower case.
    shown = sorted(name for name in registry if name == name.lower() or name.lower() not in registry)
    valid = ", ".join(repr(name) for name in shown)
    raise ValueError(f"unknown {kind} {identifier!r}. Valid names are: {valid}.")


def config_of(class_name: str, config: Mapping[str, Any]) -> dict:
    """The JSON-ready form of an object: {"class_name": ..., "config": {...}}."""
    return {"class_name": class_name, "config": dict(config)}


def from_config(classes: Mapping[str, type], identifier: Mapping[str, Any], kind: str) -> Any:
    """Rebuild an object from `config_of`'s dict, looking its class up in `classes`."""
    if "class_name" not in identifier:
        raise ValueError(f"a {kind} config must be a dict with 'class_name' and 'config' keys, "
                         f"got keys {sorted(identifier)}.")
    cls = lookup(classes, identifier["class_name"], kind + " class")
    config = identifier.get("config", {})
    if not isinstance(config, Mapping):
        raise TypeError(f"the 'config' of a {kind} config must be a dict of the constructor's arguments, "
                        f"got {type_name(config)}.")
    return cls(**config)


def type_name(value: Optional[Any]) -> str:
    """A short description of `value` for error messages: its type and, if short, its repr."""
    text = repr(value)
    return f"{type(value).__name__} {text}" if len(text) <= 60 else type(value).__name__
