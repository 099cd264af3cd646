"""Optimizers by name: ``get("adam")`` for ``compile(optimizer="adam")``, and configs back to objects."""
from __future__ import annotations

from typing import Any, Union

from optim import schedules
from optim.adagrad import Adagrad
from optim.adam import Adam, Adamax, AdamW, Nadam
from optim.optimizer import Optimizer
from optim.rmsprop import RMSprop
from optim.sgd import SGD

_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, Nadam)}


def _lookup(name: str) -> type[Optimizer]:
    cls = _OPTIMIZERS.get(name.lower())
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; the known ones are {sorted(_OPTIMIZERS)}.")
    return cls


def get(identifier: Union[str, Optimizer]) -> Optimizer:
    """An optimizer from a name (case-insensitive, Keras defaults) or an optimizer (itself)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        raise TypeError(f"optimizer={identifier.__name__} is the class itself; pass an instance, "
                        f"{identifier.__name__}() or {identifier.__name__}(learning_rate=...), or the name "
                        f"{identifier.__name__.lower()!r}.")
    raise ValueError(f"an optimizer is a name such as 'adam' (one of {sorted(_OPTIMIZERS)}) or an "
                     f"Optimizer object, but got {identifier!r}.")


def from_config(config: dict[str, Any]) -> Optimizer:
    """The optimizer `Optimizer.get_config` described (without parameters: `attach` them)."""
    config = dict(config)
    if "class_name" not in config:
        raise ValueError("an optimizer config needs the key 'class_name' as written by "
                         f"get_config(), but got keys {sorted(config)}.")
    cls = _lookup(config.pop("class_name"))
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = schedules.deserialize(config["learning_rate"])
    return cls(**config)
