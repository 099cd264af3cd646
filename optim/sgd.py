"""Stochastic gradient descent, with optional (Nesterov) momentum."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from optim.arguments import LearningRate, ParamsArg
from optim.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, in Keras's form of momentum.

    Without momentum: ``w <- w - lr * g``. With momentum ``mu > 0`` and velocity ``v`` (from 0):

    ``v <- mu * v - lr * g``, then ``w <- w + v``, or with ``nesterov=True``
    ``w <- w + mu * v - lr * g``.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``SGD(0.01, momentum=0.9)``. See `Optimizer`.
        learning_rate: a positive float, a schedule, or a callable ``step -> lr``
            (``lr=`` in PyTorch's spelling). Defaults to 0.01.
        momentum: ``mu >= 0``. Defaults to 0.
        nesterov: use Nesterov momentum.
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.

    Example:
        >>> model.compile(optimizer=SGD(0.01, momentum=0.9), loss="mse")  # Keras's form
        >>> opt = SGD([w, b], lr=0.01, momentum=0.9)                      # PyTorch's form
    """

    default_learning_rate = 0.01  # Keras's; the other optimizers default to 0.001

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: Optional[float] = None, **options: Any) -> None:
        super().__init__(params, {"learning_rate": learning_rate, "momentum": momentum, "nesterov": nesterov,
                                  "weight_decay": weight_decay}, **options)

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"velocity": np.zeros_like(param)} if hyper["momentum"] else {}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        lr, mu = hyper["lr"], hyper["momentum"]
        if not mu:
            param -= lr * grad
            return
        velocity = state["velocity"]
        velocity *= mu
        velocity -= lr * grad
        if hyper["nesterov"]:
            param += mu * velocity - lr * grad
        else:
            param += velocity
