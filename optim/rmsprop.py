"""RMSprop: divide the step by a running root-mean-square of the gradients."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from optim.arguments import LearningRate, ParamsArg
from optim.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop as Keras writes it, with epsilon inside the square root.

    ``v <- rho * v + (1 - rho) * g**2``; with ``centered=True`` also
    ``a <- rho * a + (1 - rho) * g`` and ``d = v - a**2 + eps``, otherwise ``d = v + eps``;
    ``step = lr * g / sqrt(d)``. Without momentum ``w <- w - step``; with momentum ``mu > 0``:
    ``s <- mu * s + step``, ``w <- w - s``. All running values start at 0.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``RMSprop(0.001)``. See `Optimizer`.
        learning_rate: defaults to 0.001 (``lr=`` in PyTorch's spelling).
        rho: decay of the running averages, in [0, 1). Defaults to 0.9.
        momentum: ``mu >= 0``. Defaults to 0.
        epsilon: added to ``d`` for stability. Defaults to 1e-7
            (``eps=`` in PyTorch's spelling).
        centered: normalize by the estimated variance instead of the second moment.
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``eps``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 rho: float = 0.9, momentum: float = 0.0, epsilon: Optional[float] = None,
                 centered: bool = False, weight_decay: Optional[float] = None,
                 **options: Any) -> None:
        super().__init__(params, {"learning_rate": learning_rate, "rho": rho, "momentum": momentum,
                                  "epsilon": epsilon, "centered": centered,
                                  "weight_decay": weight_decay}, **options)

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        state = {"velocity": np.zeros_like(param)}
        if hyper["momentum"]:
            state["momentum"] = np.zeros_like(param)
        if hyper["centered"]:
            state["average_gradient"] = np.zeros_like(param)
        return state

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        rho, eps = hyper["rho"], hyper["epsilon"]
        velocity = state["velocity"]
        velocity *= rho
        velocity += (1 - rho) * np.square(grad)
        if hyper["centered"]:
            average = state["average_gradient"]
            average *= rho
            average += (1 - rho) * grad
            denominator = velocity - np.square(average) + eps
        else:
            denominator = velocity + eps
        increment = hyper["lr"] * grad / np.sqrt(denominator)
        if hyper["momentum"]:
            momentum = state["momentum"]
            momentum *= hyper["momentum"]
            momentum += increment
            param -= momentum
        else:
            param -= increment
