"""`Metric`: Keras's stateful metric, and `MeanMetricWrapper`, the running mean of a function.

A metric accumulates over batches with `update_state(y_true, y_pred, sample_weight=None)`,
reports with `result()` and starts afresh with `reset_state()`; `fit` resets its metrics at
the start of every epoch, so an epoch's value is computed over all of its samples (an AUC of
the epoch, not a mean of batch AUCs). Metrics read numpy values and are not part of the graph.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np

import autograd as ag
from nn.layers.naming import snake_case, unique_name
from nn.losses.loss import same_rank

Result = Union[float, np.ndarray]


def to_array(x: Any) -> np.ndarray:
    """A Tensor's data, or anything numpy can read, as an array of numbers (or a clear error)."""
    array = np.asarray(x.data if isinstance(x, ag.Tensor) else x)
    if array.dtype.kind not in "biuf":
        example = repr(array.flat[0].item()) if array.size else "nothing"
        raise TypeError(f"metrics take numbers (labels, predictions, values), got {array.dtype} values such as "
                        f"{example}; convert text labels to class numbers first (e.g. with a dict or "
                        f"np.unique(..., return_inverse=True)).")
    return array


def aligned(y_true: Any, y_pred: Any, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Both as arrays of y_pred's shape; (n,) against (n, 1) is reshaped, never broadcast."""
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    if y_true.shape != y_pred.shape:
        if tuple(n for n in y_true.shape if n != 1) != tuple(n for n in y_pred.shape if n != 1):
            raise ValueError(f"{metric}: y_true has shape {y_true.shape} but y_pred has shape "
                             f"{y_pred.shape}; reshape y_true to {y_pred.shape}.")
        y_true = y_true.reshape(y_pred.shape)
    return y_true, y_pred


def divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, and 0 where the denominator is 0 (Keras's convention)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def loss_values(per_sample_loss: Callable[..., ag.Tensor], y_true: Any, y_pred: Any,
                **kwargs: Any) -> np.ndarray:
    """A loss's per-sample values (`nn.losses.*_per_sample`) in float64, without a graph."""
    with ag.no_grad():
        y_pred = ag.Tensor(to_array(y_pred), dtype=np.float64)
        return per_sample_loss(y_true, y_pred, **kwargs).data


def as_result(value: Any) -> Result:
    """A 0-d value as a Python float; a vector (one value per class or threshold) as an array."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


class Metric:
    """Base class of stateful metrics, with Keras's interface.

    A subclass holds its running totals, adds to them in `update_state`, combines them in
    `result` and zeroes them in `reset_state`. Calling the metric updates it and returns the
    result, as in Keras.

    Args:
        name: the key under which `fit` logs it (default: the class name in snake_case,
            numbered "_1", "_2", ... after the first, as Keras does).
    """

    def __init__(self, name: Optional[str] = None) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"{type(self).__name__}: name must be a non-empty string, got {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add one batch to the running totals."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state(y_true, y_pred, "
                                  f"sample_weight=None), result() and reset_state().")

    def result(self) -> Result:
        """The metric over every batch since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must define result().")

    def reset_state(self) -> None:
        """Forget every batch seen so far."""
        raise NotImplementedError(f"{type(self).__name__} must define reset_state().")

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Result:
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        """The constructor arguments, so `type(m).from_config(m.get_config())` rebuilds it."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def per_sample(values: np.ndarray, sample_weight: Any, metric: str
               ) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Keras's reduction of metric values to one per sample, weighted when weights are given.

    Values with more axes than the weights are averaged over the extra axes; the weighted values
    and the weights are then averaged over every axis after the first.
    """
    weights = None
    if sample_weight is not None:
        weights = to_array(sample_weight).astype(float)
        values, weights = same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = values.mean(axis=tuple(range(weights.ndim, values.ndim)))
        try:
            weights = np.broadcast_to(weights, values.shape)
        except ValueError:
            raise ValueError(f"{metric}: sample_weight has shape {weights.shape} but the values per "
                             f"sample have shape {values.shape}; give one weight per sample.") from None
        values = values * weights
        if weights.ndim > 1:
            weights = weights.mean(axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, weights


class MeanMetricWrapper(Metric):
    """The running (weighted) mean of `fn(y_true, y_pred, **kwargs)` over every sample seen.

    `fn` returns one value per sample (or per element); a function that returns one number per
    batch counts each batch once, as in Keras.

    Args:
        fn: the function to average.
        name: the metric's name (default: the function's name).
        **kwargs: passed on to `fn`.
    """

    def __init__(self, fn: Callable[..., Any], name: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(name or getattr(fn, "__name__", None))
        self.fn = fn
        self.kwargs = kwargs
        self.total = 0.0
        self.count = 0.0

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = to_array(self.fn(y_true, y_pred, **self.kwargs)).astype(float)
        values, weights = per_sample(values, sample_weight, self.name)
        self.total += float(values.sum())
        if weights is not None:
            self.count += float(weights.sum())
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def get_config(self) -> dict:
        return {"name": self.name, **self.kwargs}
