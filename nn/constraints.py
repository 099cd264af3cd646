"""Weight constraints with Keras 3's formulas: after each optimizer step, ``w <- constraint(w)``.

With ``n = sqrt(sum(w^2))`` over `axis` (kept as an axis of length 1) and ``eps = 1e-7``
(Keras's backend epsilon)::

    MaxNorm(max_value, axis):                  w * clip(n, 0, max_value) / (eps + n)
    MinMaxNorm(min_value, max_value, rate, axis):
                      w * (rate * clip(n, min_value, max_value) + (1 - rate) * n) / (eps + n)
    UnitNorm(axis):                            w / (eps + n)
    NonNeg():                                  max(w, 0)

For a Dense kernel ``(inputs, units)``, ``axis=0`` bounds the vector of weights coming into each
unit; for a Conv2D kernel ``(kh, kw, in, filters)``, ``axis=[0, 1, 2]`` bounds each filter.

A constraint is not part of the graph: the optimizer applies it to the weight after updating it,
under ``no_grad`` (as Keras assigns ``variable.constraint(variable)`` after applying the
gradients), so gradients never flow through it. Layers take them as ``kernel_constraint=``,
``bias_constraint=`` and so on; any callable ``Tensor -> Tensor`` of the weight's shape works.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Mapping, Optional, Union

import autograd as ag
from nn import saving
from nn.utils import config_of, from_config, lookup, to_tensor, type_name

EPSILON = 1e-7  # Keras's backend epsilon, added to each norm before dividing by it

Axis = Union[int, list[int]]


def _checked_axis(axis: Any, owner: str) -> Axis:
    """An int, or a list of ints (a tuple is kept as a list, as a saved config holds it)."""
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]
    raise TypeError(f"{owner}: axis must be an int or a list of ints (the axes the norm sums over, e.g. "
                    f"0 for a Dense kernel, [0, 1, 2] for a Conv2D kernel), got {type_name(axis)}.")


def _checked_number(value: Any, name: str, owner: str, low: float = 0.0, high: Optional[float] = None) -> Any:
    """`value` as given (Keras keeps ``max_value=2`` an int in its config), if a number in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= low or (
            high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{owner}: {name} must be a number {bounds}, got {type_name(value)}.")
    return value


def _norms(w: ag.Tensor, axis: Axis) -> ag.Tensor:
    """sqrt(sum(w^2)) over `axis`, kept as axes of length 1 so it broadcasts against w."""
    return ag.sqrt(ag.sum(w * w, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=True))


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weight (the base returns `w` as is).

    A constraint of your own overrides ``__call__`` with autograd ops, e.g. to clip each weight:
    ``return ag.clip(w, -0.5, 0.5)``, and ``get_config`` if its constructor takes arguments.
    """

    def __call__(self, w: ag.Tensor) -> ag.Tensor:
        return w

    def get_config(self) -> dict:
        """The constructor arguments, as JSON values."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class MaxNorm(Constraint):
    """Rescale each slice along `axis` whose norm exceeds `max_value` to that norm (the
    max-norm of Srivastava et al., 2014, used with dropout).

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or list of axes) the norm sums over.
    """

    def __init__(self, max_value: float = 2, axis: Axis = 0) -> None:
        self.max_value = _checked_number(max_value, "max_value", "MaxNorm")
        self.axis = _checked_axis(axis, "MaxNorm")

    def __call__(self, w: ag.Tensor) -> ag.Tensor:
        w = to_tensor(w)
        norms = _norms(w, self.axis)
        return w * (ag.clip(norms, 0, self.max_value) / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each slice's norm into ``[min_value, max_value]``: fully with ``rate=1``, a fraction
    `rate` of the way with ``rate < 1`` (a gentler pull, step after step).

    Args:
        min_value, max_value: the bounds of the norm.
        rate: how far to move the norm towards the bounds at each step, in [0, 1].
        axis: the axis (or list of axes) the norm sums over.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Axis = 0) -> None:
        self.min_value = _checked_number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _checked_number(max_value, "max_value", "MinMaxNorm", low=self.min_value)
        self.rate = _checked_number(rate, "rate", "MinMaxNorm", high=1.0)
        self.axis = _checked_axis(axis, "MinMaxNorm")

    def __call__(self, w: ag.Tensor) -> ag.Tensor:
        w = to_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ag.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Set negative weights to 0: ``max(w, 0)``."""

    def __call__(self, w: ag.Tensor) -> ag.Tensor:
        return ag.maximum(to_tensor(w), 0.0)


class UnitNorm(Constraint):
    """Scale each slice along `axis` to norm 1.

    Args:
        axis: the axis (or list of axes) the norm sums over.
    """

    def __init__(self, axis: Axis = 0) -> None:
        self.axis = _checked_axis(axis, "UnitNorm")

    def __call__(self, w: ag.Tensor) -> ag.Tensor:
        w = to_tensor(w)
        return w / (_norms(w, self.axis) + EPSILON)

    def get_config(self) -> dict:
        return {"axis": self.axis}


# Keras's lowercase names for the same classes: nn.constraints.max_norm(3) is MaxNorm(3).
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_NAMES: dict[str, type] = {"constraint": Constraint, "max_norm": MaxNorm, "min_max_norm": MinMaxNorm,
                           "non_neg": NonNeg, "unit_norm": UnitNorm}

ConstraintLike = Union[str, dict, type, Constraint, Callable[[ag.Tensor], ag.Tensor], None]


def get(identifier: ConstraintLike) -> Optional[Callable[[ag.Tensor], ag.Tensor]]:
    """A constraint from a name ("max_norm" or "MaxNorm", built with its defaults), a class
    (likewise), a `serialize` dict, a callable (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup({**_NAMES, **_CLASSES}, identifier, "constraint")()
    if isinstance(identifier, dict):
        if "registered_name" in identifier and identifier.get("class_name") not in _CLASSES:
            return saving.deserialize_custom(identifier)  # a constraint of your own, as `serialize` wrote it
        return from_config(_CLASSES, identifier, "constraint")
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    example = (f"; for a largest norm of {identifier} write nn.constraints.MaxNorm({identifier})"
               if isinstance(identifier, numbers.Real) and not isinstance(identifier, bool) else "")
    raise TypeError(f"a constraint must be a name such as 'max_norm', a Constraint or a callable "
                    f"weight -> weight, got {type_name(identifier)}{example}.")


def serialize(constraint: Optional[Callable[[ag.Tensor], ag.Tensor]]) -> Optional[dict]:
    """{"class_name": ..., "config": {...}} for a built-in constraint, e.g. {"class_name":
    "MaxNorm", "config": {"max_value": 2, "axis": 0}}; None for None. One of your own is
    described by `nn.saving.serialize_custom` (found again when registered with
    `nn.saving.register_serializable` or passed in a load's ``custom_objects``)."""
    if constraint is None:
        return None
    if _CLASSES.get(type(constraint).__name__) is type(constraint):
        return config_of(type(constraint).__name__, constraint.get_config())
    return saving.serialize_custom(constraint)


def deserialize(config: Union[str, dict], custom_objects: Optional[Mapping[str, Any]] = None
                ) -> Callable[[ag.Tensor], ag.Tensor]:
    """The constraint `serialize` described; `custom_objects` names constraints of your own."""
    with saving.custom_object_scope(custom_objects):
        return get(config)


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm", "non_neg",
           "unit_norm", "get", "serialize", "deserialize"]
