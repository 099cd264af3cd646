"""`Loss`: Keras's loss object, per-sample losses reduced by `reduction`, optionally weighted.

A subclass writes `call(y_true, y_pred)` returning one loss per sample; `loss(y_true, y_pred,
sample_weight=None)` multiplies them by the weights and reduces them:

- "sum_over_batch_size" (the default; "mean" is the same): sum(w l) / (number of losses),
- "mean_with_sample_weight": sum(w l) / sum(w),
- "sum": sum(w l),
- "none" or None: the weighted per-sample losses themselves.

The built-in loss classes are `LossFunctionWrapper`s around the functions in
`nn.losses.functions`, holding their arguments.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn.layers.naming import snake_case
from nn.losses.functions import PER_SAMPLE, LossFunction
from nn.utils import to_tensor

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction: Optional[str], owner: str) -> Optional[str]:
    """`reduction` itself when it is one Keras knows, else a ValueError naming the choices."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{owner}: unknown reduction {reduction!r}. Use 'sum_over_batch_size' (the default, "
            "the mean over the batch; 'mean' is the same), 'mean_with_sample_weight', 'sum', or "
            "'none' / None for one loss per sample.")
    return reduction


def same_rank(losses: Any, weights: np.ndarray) -> tuple[Any, np.ndarray]:
    """Keras's rule for ranks one apart: a trailing size-1 axis is dropped, or added to rank-1
    weights, so (n,) weights meet (n, 1) losses sample by sample instead of broadcasting.
    `losses` may be a Tensor or an array (metrics use the same rule)."""
    if losses.ndim == weights.ndim + 1 and losses.shape[-1] == 1:
        if weights.ndim == 1:
            weights = weights[:, None]
        else:
            losses = losses.reshape(losses.shape[:-1])
    elif weights.ndim == losses.ndim + 1 and weights.shape[-1] == 1:
        if losses.ndim == 1:
            losses = losses.reshape(-1, 1)
        else:
            weights = weights.reshape(weights.shape[:-1])
    return losses, weights


def reduce_weighted_values(losses: Any, sample_weight: Any, reduction: Optional[str],
                           owner: str = "loss") -> ag.Tensor:
    """The per-sample `losses` times `sample_weight` (when given), reduced by `reduction`."""
    losses = to_tensor(losses)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(sample_weight.data if isinstance(sample_weight, ag.Tensor)
                             else sample_weight, dtype=losses.dtype)
        losses, weights = same_rank(losses, weights)
        try:
            np.broadcast_shapes(losses.shape, weights.shape)
        except ValueError:
            raise ValueError(
                f"{owner}: sample_weight has shape {weights.shape} but there is one loss per "
                f"sample of shape {losses.shape}; give one weight per sample (shape "
                f"{losses.shape[:1]}).") from None
        losses = losses * ag.Tensor(weights, dtype=losses.dtype)
    if reduction in (None, "none") or losses.ndim == 0 or losses.size == 0:
        return losses
    total = ag.sum(losses)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = float(np.sum(weights))
    else:
        divisor = float(losses.size)
    # Keras divides "no NaN": all weights zero give a loss of 0, not 0 / 0.
    return total / divisor if divisor != 0 else total * 0.0


class Loss:
    """A loss object: per-sample losses from `call`, weighted and reduced by `__call__`.

    Args:
        name: the loss's name (default: the class name in snake_case).
        reduction: "sum_over_batch_size" (default), "mean", "mean_with_sample_weight", "sum",
            or "none" / None (see the module docstring for the formulas).

    Example:
        >>> class MeanCubedError(nn.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return ag.mean(ag.abs(y_pred - y_true) ** 3, axis=-1)
    """

    def __init__(self, name: Optional[str] = None,
                 reduction: Optional[str] = "sum_over_batch_size") -> None:
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, type(self).__name__)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> ag.Tensor:
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction,
                                      self.name)

    def call(self, y_true: Any, y_pred: Any) -> ag.Tensor:
        """One loss per sample; a subclass of Loss defines this."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred), "
                                  f"returning one loss per sample built from autograd ops.")

    def get_config(self) -> dict:
        """The constructor arguments, so `type(loss).from_config(loss.get_config())` rebuilds it."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class LossFunctionWrapper(Loss):
    """A loss object around a function `fn(y_true, y_pred, **kwargs)` returning per-sample losses.

    For the built-in functions (which return the batch mean) their per-sample forms are used;
    the unweighted mean is the function itself, so training keeps its fused fast paths.
    """

    def __init__(self, fn: LossFunction, reduction: Optional[str] = "sum_over_batch_size",
                 name: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction)
        self.fn = fn
        self.kwargs = kwargs

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> ag.Tensor:
        if sample_weight is None and self.reduction in _MEAN_REDUCTIONS and self.fn in PER_SAMPLE:
            return self.fn(y_true, y_pred, **self.kwargs)
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true: Any, y_pred: Any) -> ag.Tensor:
        return PER_SAMPLE.get(self.fn, self.fn)(y_true, y_pred, **self.kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.kwargs}


def per_sample_losses(loss: Any, y_true: Any, y_pred: Any) -> Optional[ag.Tensor]:
    """Each sample's loss, shape (batch,), for a built-in loss function or any `Loss` object;
    None for any other callable (its per-sample form is unknown).

    A sample's loss is the mean, over every axis after the first, of the loss's per-sample
    values (`Loss.call`), so their mean is the loss with the default reduction, and
    ``mean(w * losses)`` is Keras's weighted "sum_over_batch_size", ``sum_i w_i l_i / batch``.
    """
    if isinstance(loss, Loss):
        values = to_tensor(loss.call(y_true, y_pred))
    elif loss in PER_SAMPLE:
        values = PER_SAMPLE[loss](y_true, y_pred)
    else:
        return None
    return values if values.ndim <= 1 else ag.mean(values, axis=tuple(range(1, values.ndim)))
