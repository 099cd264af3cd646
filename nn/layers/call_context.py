"""What a layer's `call` receives besides its inputs: `training` and `mask`, as Keras passes them.

`training` given to a layer wins; a layer called inside another's call without it takes the
caller's value (so ``model(x, training=True)`` reaches every Dropout inside); otherwise the
default of the layer's own `call` applies. Each is passed only to a `call` whose signature
names it (or takes ``**kwargs``), so ``def call(self, inputs)`` is enough for a layer that
does not care.
"""
from __future__ import annotations

import inspect
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator, Optional

# The `training` value of each layer call in progress, innermost last.
_training_stack: list[Optional[bool]] = []


@lru_cache(maxsize=None)
def call_arguments(layer_class: type) -> frozenset[str]:
    """The optional arguments ("training", "mask") that `layer_class.call` accepts by name."""
    parameters = inspect.signature(layer_class.call).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return frozenset({"training", "mask"})
    return frozenset({"training", "mask"} & {p.name for p in parameters})


def in_call() -> bool:
    """True inside a layer's call (a call started now is an inner one)."""
    return bool(_training_stack)


def resolve_training(training: Optional[bool]) -> Optional[bool]:
    """`training` if given, else the innermost calling layer's value (None outside any call)."""
    if training is None and _training_stack:
        return _training_stack[-1]
    return training


@contextmanager
def calling(training: Optional[bool]) -> Iterator[None]:
    """The block is a layer's call with this `training` value, which inner calls inherit."""
    _training_stack.append(training)
    try:
        yield
    finally:
        _training_stack.pop()


def call_kwargs(layer: Any, kwargs: dict, training: Optional[bool]) -> dict:
    """`kwargs` with `training` added and a None `mask` dropped where `layer.call` does not take them."""
    accepted = call_arguments(type(layer))
    if training is not None and "training" in accepted:
        kwargs["training"] = training
    if "mask" in kwargs and "mask" not in accepted:
        if kwargs["mask"] is not None:
            raise TypeError(f"{type(layer).__name__} {layer.name!r} was given mask=, but its call() takes no mask "
                            f"argument; add `mask=None` to its signature to receive it.")
        del kwargs["mask"]
    return kwargs
