"""Weight penalties with Keras's formulas: L1 = l1 sum|w|, L2 = l2 sum w^2, L1L2 = both.

Each is a callable on an `ag.Tensor` weight returning a scalar `ag.Tensor` built from autograd
ops, so the engine derives the gradients l1 sign(w) and 2 l2 w.
"""
from __future__ import annotations

from typing import Callable, Optional, Union

import autograd as ag
from nn.utils import config_of, from_config, lookup, type_name


def _checked(name: str, value: float) -> float:
    if value < 0:
        raise ValueError(f"{name} must be a non-negative penalty factor, got {value}.")
    return float(value)


class Regularizer:
    """Base class: `regularizer(weight) -> scalar Tensor`, plus `get_config()`."""

    def __call__(self, weight: ag.Tensor) -> ag.Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class L1L2(Regularizer):
    """l1 sum|w| + l2 sum w^2 (Keras 3's defaults: both 0, so "l1_l2" alone adds nothing)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _checked("l1", l1)
        self.l2 = _checked("l2", l2)

    def __call__(self, weight: ag.Tensor) -> ag.Tensor:
        penalty = ag.Tensor(0.0, dtype=weight.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ag.sum(ag.abs(weight))
        if self.l2:
            penalty = penalty + self.l2 * ag.sum(weight * weight)
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 sum|w|; its gradient is l1 sign(w)."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """l2 sum w^2; its gradient is 2 l2 w."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


_CLASSES: dict[str, type] = {"L1": L1, "L2": L2, "L1L2": L1L2}
_NAMES: dict[str, type] = {"l1": L1, "l2": L2, "l1_l2": L1L2}

RegularizerLike = Union[str, dict, Regularizer, Callable[[ag.Tensor], ag.Tensor], None]


# Keras's lowercase names for the same classes: nn.regularizers.l2(0.01) is L2(0.01).
l1 = L1
l2 = L2
l1_l2 = L1L2


def get(identifier: RegularizerLike) -> Optional[Callable[[ag.Tensor], ag.Tensor]]:
    """A regularizer from a name ("l2" gives L2(0.01)), a `serialize` dict, a callable (as
    is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup({**_NAMES, **_CLASSES}, identifier, "regularizer")()
    if isinstance(identifier, dict):
        return from_config(_CLASSES, identifier, "regularizer")
    if callable(identifier):
        return identifier
    raise TypeError(f"a regularizer must be a name such as 'l2', a Regularizer or a callable "
                    f"weight -> scalar Tensor, got {type_name(identifier)}.")


def serialize(regularizer: Optional[Regularizer]) -> Optional[dict]:
    """{"class_name": ..., "config": {...}}, e.g. {"class_name": "L2", "config": {"l2": 0.01}};
    None for None."""
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer) or type(regularizer).__name__ not in _CLASSES:
        raise ValueError(f"cannot serialize the custom regularizer {regularizer!r}: only L1, L2 "
                         "and L1L2 can be restored from a saved config.")
    return config_of(type(regularizer).__name__, regularizer.get_config())
