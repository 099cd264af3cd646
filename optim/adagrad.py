"""Adagrad: per-coordinate steps shrinking with the sum of all past squared gradients."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from optim.arguments import LearningRate, ParamsArg
from optim.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad as Keras writes it.

    ``acc <- acc + g**2`` (``acc`` starts at `initial_accumulator_value`), then
    ``w <- w - lr * g / sqrt(acc + eps)``.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``Adagrad(0.01)``. See `Optimizer`.
        learning_rate: defaults to 0.001 (``lr=`` in PyTorch's spelling).
        initial_accumulator_value: the accumulator's start, >= 0. Defaults to 0.1.
        epsilon: added under the square root for stability. Defaults to 1e-7
            (``eps=`` in PyTorch's spelling).
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``eps``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 initial_accumulator_value: float = 0.1, epsilon: Optional[float] = None,
                 weight_decay: Optional[float] = None, **options: Any) -> None:
        super().__init__(params, {"learning_rate": learning_rate,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "epsilon": epsilon, "weight_decay": weight_decay}, **options)

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"accumulator": np.full_like(param, hyper["initial_accumulator_value"])}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        accumulator = state["accumulator"]
        accumulator += np.square(grad)
        param -= hyper["lr"] * grad / np.sqrt(accumulator + hyper["epsilon"])
