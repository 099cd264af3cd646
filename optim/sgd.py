"""Stochastic gradient descent, with optional (Nesterov) momentum."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from optim.optimizer import LearningRate, Optimizer, ParamsArg


class SGD(Optimizer):
    """Gradient descent, in Keras's form of momentum.

    Without momentum: ``w <- w - lr * g``. With momentum ``mu > 0`` and velocity ``v`` (from 0):

    ``v <- mu * v - lr * g``, then ``w <- w + v``, or with ``nesterov=True``
    ``w <- w + mu * v - lr * g``.

    Args:
        params: the tensors to optimize (or parameter groups); see `Optimizer`.
        learning_rate: a positive float, a schedule, or a callable ``step -> lr``
            (``lr=`` is accepted too). Defaults to 0.01.
        momentum: ``mu >= 0``. Defaults to 0.
        nesterov: use Nesterov momentum.
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def __init__(self, params: Optional[ParamsArg] = None, learning_rate: LearningRate = 0.01,
                 momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: Optional[float] = None, **options: Any) -> None:
        super().__init__(params, {"lr": learning_rate, "momentum": momentum, "nesterov": nesterov,
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
