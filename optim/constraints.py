"""Weight constraints after a step: ``w <- constraint(w)`` for each updated parameter that has one.

Keras applies a layer's ``kernel_constraint`` & co. right after the optimizer's update; here the
model hands its optimizer a plain mapping parameter -> callable (`Optimizer.set_constraints`),
so the rule also holds in a custom ``train_step`` and in a PyTorch-style loop that passes the
mapping itself. The constraint runs under ``no_grad``: it is a projection of the values, never
part of a graph, so it changes no gradient.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from autograd import Tensor, no_grad
from optim.arguments import describe

Constraint = Callable[[Tensor], Any]


def check_constraints(constraints: Mapping[Tensor, Constraint], owner: str) -> dict[Tensor, Constraint]:
    """`constraints` as a dict, each key a Tensor and each value callable, or a clear error."""
    if not isinstance(constraints, Mapping):
        raise TypeError(f"{owner}.set_constraints takes a dict {{parameter: constraint}}, e.g. "
                        f"{{w: nn.constraints.MaxNorm(2)}}, got {type(constraints).__name__}.")
    for param, constraint in constraints.items():
        if not isinstance(param, Tensor):
            raise TypeError(f"{owner}.set_constraints: the keys are the parameters (Tensors), got "
                            f"{type(param).__name__} {param!r}.")
        if not callable(constraint):
            raise TypeError(f"{owner}.set_constraints: the constraint for the parameter {describe(param)} must be "
                            f"callable (weight -> weight), e.g. nn.constraints.MaxNorm(2), got "
                            f"{type(constraint).__name__}.")
    return dict(constraints)


def apply_constraints(params: Iterable[Tensor], constraints: Mapping[Tensor, Constraint], owner: str) -> None:
    """Replace each parameter's values by its constraint's projection of them, in place."""
    for param in params:
        constraint = constraints.get(param)
        if constraint is None:
            continue
        with no_grad():
            projected = constraint(param)
        values = projected.data if isinstance(projected, Tensor) else np.asarray(projected)
        if values.shape != param.shape:
            raise ValueError(f"{owner}: the constraint {constraint!r} turned the parameter {describe(param)} into "
                             f"values of shape {values.shape}; a constraint must return a weight of the same shape.")
        param.data = values  # bumps the version counter, as the update itself does
