"""Adam and its relatives: AdamW (decoupled weight decay), Adamax (infinity norm), Nadam (Nesterov).

All use Keras's "epsilon hat" form: epsilon is added to the corrected root, not inside it.
"""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from optim.arguments import LearningRate, ParamsArg
from optim.optimizer import Optimizer


def _update_moments(grad: np.ndarray, state: dict[str, Any], hyper: dict[str, Any]) -> None:
    """``m <- m + (1 - beta_1) (g - m)`` and ``v <- v + (1 - beta_2) (g**2 - v)``, in place."""
    m, v = state["momentum"], state["velocity"]
    m += (grad - m) * (1 - hyper["beta_1"])
    v += (np.square(grad) - v) * (1 - hyper["beta_2"])


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014) as Keras writes it; ``m``, ``v`` start at 0, ``t`` at 1.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``lr_t = lr * sqrt(1 - b2**t) / (1 - b1**t)``, ``w <- w - lr_t * m / (sqrt(v) + eps)``.
    With ``amsgrad=True``, ``v_max <- max(v_max, v)`` replaces ``v`` in the last formula.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``Adam(0.001)``. See `Optimizer`.
        learning_rate: defaults to 0.001 (``lr=`` in PyTorch's spelling).
        beta_1, beta_2: decay rates of the moments, in [0, 1). Defaults 0.9 and 0.999
            (``betas=(b1, b2)`` in PyTorch's spelling).
        epsilon: added to ``sqrt(v)``. Defaults to 1e-7 (``eps=`` in PyTorch's spelling).
        amsgrad: use the running maximum of ``v`` (Reddi et al., 2018).
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``betas``, ``eps``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.

    Example:
        >>> model.compile(optimizer=Adam(1e-3), loss="mse")            # Keras's form
        >>> opt = Adam([w, b], lr=1e-3, betas=(0.9, 0.99), eps=1e-8)   # PyTorch's form
    """

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 beta_1: Optional[float] = None, beta_2: Optional[float] = None,
                 epsilon: Optional[float] = None,
                 amsgrad: bool = False, weight_decay: Optional[float] = None,
                 **options: Any) -> None:
        super().__init__(params, {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2,
                                  "epsilon": epsilon, "amsgrad": amsgrad,
                                  "weight_decay": weight_decay}, **options)

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        state = {"momentum": np.zeros_like(param), "velocity": np.zeros_like(param)}
        if hyper["amsgrad"]:
            state["velocity_max"] = np.zeros_like(param)
        return state

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        b1, b2 = hyper["beta_1"], hyper["beta_2"]
        _update_moments(grad, state, hyper)
        v = state["velocity"]
        if hyper["amsgrad"]:
            np.maximum(state["velocity_max"], v, out=state["velocity_max"])
            v = state["velocity_max"]
        lr_t = hyper["lr"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        param -= state["momentum"] * lr_t / (np.sqrt(v) + hyper["epsilon"])


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): before each Adam step,
    ``w <- w - lr * weight_decay * w``. Same arguments and forms as `Adam` (Keras's
    ``AdamW(1e-3, weight_decay=0.01)``, PyTorch's ``AdamW(params, lr=1e-3, weight_decay=0.01)``);
    `weight_decay` defaults to 0.004.
    """

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 weight_decay: float = 0.004, beta_1: Optional[float] = None,
                 beta_2: Optional[float] = None,
                 epsilon: Optional[float] = None, amsgrad: bool = False, **options: Any) -> None:
        if weight_decay is None:
            raise ValueError("AdamW needs a float weight_decay (0.004 by default), but got None; "
                             "use Adam for no weight decay.")
        super().__init__(params, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay, **options)


class _TwoMoments(Optimizer):
    """The constructor Adamax and Nadam share: two decay rates, epsilon, weight decay."""

    def __init__(self, params: Union[ParamsArg, LearningRate, None] = None,
                 learning_rate: Optional[LearningRate] = None,
                 beta_1: Optional[float] = None, beta_2: Optional[float] = None,
                 epsilon: Optional[float] = None,
                 weight_decay: Optional[float] = None, **options: Any) -> None:
        super().__init__(params, {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2,
                                  "epsilon": epsilon, "weight_decay": weight_decay}, **options)


class Adamax(_TwoMoments):
    """Adamax (Kingma & Ba, 2014, section 7.1): Adam with the infinity norm; ``m``, ``u`` start at 0.

    ``m <- b1 m + (1 - b1) g``, ``u <- max(b2 u, |g|)``,
    ``w <- w - lr * m / ((1 - b1**t) (u + eps))``.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``Adamax(0.001)``. See `Optimizer`.
        learning_rate: defaults to 0.001 (``lr=`` in PyTorch's spelling).
        beta_1, beta_2: decay rates, in [0, 1). Defaults 0.9 and 0.999
            (``betas=(b1, b2)`` in PyTorch's spelling).
        epsilon: added to ``u``. Defaults to 1e-7 (``eps=`` in PyTorch's spelling).
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``betas``, ``eps``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"momentum": np.zeros_like(param), "norm": np.zeros_like(param)}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        b1 = hyper["beta_1"]
        m, u = state["momentum"], state["norm"]
        m += (grad - m) * (1 - b1)
        np.maximum(hyper["beta_2"] * u, np.abs(grad), out=u)
        param -= hyper["lr"] * m / ((1 - b1 ** t) * (u + hyper["epsilon"]))


class Nadam(_TwoMoments):
    """Nadam (Dozat, 2015): Adam with Nesterov momentum, in Keras's form with a momentum schedule.

    ``mu_t = b1 (1 - 0.5 * 0.96**t)``, ``P_t = mu_1 ... mu_t``; moments as Adam, then
    ``m_hat = mu_{t+1} m / (1 - P_t mu_{t+1}) + (1 - mu_t) g / (1 - P_t)``,
    ``v_hat = v / (1 - b2**t)``, ``w <- w - lr * m_hat / (sqrt(v_hat) + eps)``.

    Args:
        params: PyTorch's form: the tensors to optimize, or parameter groups. Keras's form: the
            learning rate, given first, e.g. ``Nadam(0.001)``. See `Optimizer`.
        learning_rate: defaults to 0.001 (``lr=`` in PyTorch's spelling).
        beta_1, beta_2: decay rates of the moments, in [0, 1). Defaults 0.9 and 0.999
            (``betas=(b1, b2)`` in PyTorch's spelling).
        epsilon: added to ``sqrt(v_hat)``. Defaults to 1e-7 (``eps=`` in PyTorch's spelling).
        weight_decay: decoupled decay ``w <- w - lr * weight_decay * w`` before each step.
        **options: ``lr``, ``betas``, ``eps``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"momentum": np.zeros_like(param), "velocity": np.zeros_like(param),
                "momentum_product": param.dtype.type(1.0)}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        b1, b2 = hyper["beta_1"], hyper["beta_2"]
        decay = param.dtype.type(0.96)
        mu_t = b1 * (1 - 0.5 * decay ** t)
        mu_next = b1 * (1 - 0.5 * decay ** (t + 1))
        product = state["momentum_product"] = param.dtype.type(state["momentum_product"] * mu_t)
        _update_moments(grad, state, hyper)
        m_hat = (mu_next * state["momentum"] / (1 - product * mu_next)
                 + (1 - mu_t) * grad / (1 - product))
        v_hat = state["velocity"] / (1 - b2 ** t)
        param -= m_hat * hyper["lr"] / (np.sqrt(v_hat) + hyper["epsilon"])
