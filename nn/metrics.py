"""Metrics with Keras's names: plain numpy on the values (no graph), each returning a float.

"accuracy" picks binary, categorical or sparse categorical accuracy from the shapes, as
Keras's `compile` does, while the history key stays the name the user gave: `get("acc")`
returns a callable whose `__name__` is "acc".
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np

import autograd as ag
from nn.losses import sparse_labels
from nn.utils import lookup, type_name

Metric = Callable[[Any, Any], float]


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, ag.Tensor) else x)


def _aligned(y_true: Any, y_pred: Any, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Both as arrays of y_pred's shape; (n,) against (n, 1) is reshaped, never broadcast."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.shape != y_pred.shape:
        if tuple(n for n in y_true.shape if n != 1) != tuple(n for n in y_pred.shape if n != 1):
            raise ValueError(f"{metric}: y_true has shape {y_true.shape} but y_pred has shape "
                             f"{y_pred.shape}; reshape y_true to {y_pred.shape}.")
        y_true = y_true.reshape(y_pred.shape)
    return y_true, y_pred


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> float:
    """Share of samples where (y_pred > threshold) equals y_true (0 or 1)."""
    y_true, y_pred = _aligned(y_true, y_pred, "binary_accuracy")
    return float(np.mean(y_true == (y_pred > threshold)))


def categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of samples where argmax(y_pred) equals argmax(y_true) (one-hot targets)."""
    y_true, y_pred = _aligned(y_true, y_pred, "categorical_accuracy")
    return float(np.mean(np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of samples where argmax(y_pred) equals the integer label y_true."""
    y_pred = _array(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_accuracy")
    return float(np.mean(labels == np.argmax(y_pred, axis=-1)))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """mean(|y_pred - y_true|)."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_absolute_error")
    return float(np.mean(np.abs(y_pred - y_true)))


def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """mean((y_pred - y_true)^2)."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_squared_error")
    return float(np.mean((y_pred - y_true) ** 2))


def resolve_accuracy(y_true: Any, y_pred: Any) -> Metric:
    """The accuracy Keras would pick for these shapes.

    y_pred with one column (or 1-D) -> binary; y_true with fewer axes than y_pred, or one
    column against several -> sparse categorical; otherwise categorical.
    """
    true_shape, pred_shape = _array(y_true).shape, _array(y_pred).shape
    if len(pred_shape) <= 1 or pred_shape[-1] == 1:
        return binary_accuracy
    if len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Binary, categorical or sparse categorical accuracy, whichever the shapes call for."""
    return resolve_accuracy(y_true, y_pred)(y_true, y_pred)


mae = mean_absolute_error
mse = mean_squared_error

_REGISTRY: dict[str, Metric] = {
    fn.__name__: fn for fn in (accuracy, binary_accuracy, categorical_accuracy,
                               sparse_categorical_accuracy, mean_absolute_error, mean_squared_error)
}
_REGISTRY.update(acc=accuracy, mae=mae, mse=mse)


def _named(metric: Metric, name: str) -> Metric:
    """`metric` under the history key `name` (the function itself when the names agree)."""
    if metric.__name__ == name:
        return metric

    def named_metric(y_true: Any, y_pred: Any) -> float:
        return metric(y_true, y_pred)

    named_metric.__name__ = named_metric.__qualname__ = name
    named_metric.__doc__ = metric.__doc__
    return named_metric


def get(identifier: Union[str, Metric, None]) -> Optional[Metric]:
    """A metric from a name (its `__name__` is that name, the Keras history key), a callable
    (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _named(lookup(_REGISTRY, identifier, "metric"), identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"a metric must be a name such as 'accuracy' or a callable, "
                    f"got {type_name(identifier)}.")


def resolve(identifier: Union[str, Metric], y_true: Any, y_pred: Any) -> Metric:
    """The concrete metric to run on this data: "accuracy"/"acc" become binary, categorical or
    sparse categorical accuracy by shape; anything else is `get(identifier)`."""
    metric = get(identifier)
    if isinstance(identifier, str) and lookup(_REGISTRY, identifier, "metric") is accuracy:
        return resolve_accuracy(y_true, y_pred)
    return metric


def serialize(metric: Union[str, Metric, None]) -> Optional[str]:
    """The metric's name, which `get` turns back into the same metric; None for None."""
    if metric is None:
        return None
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "")
    if not any(name.lower() == key.lower() for key in _REGISTRY):
        raise ValueError(f"cannot serialize the custom metric {name or metric!r}: only built-in "
                         f"metrics can be restored from a saved config ({', '.join(sorted(_REGISTRY))}).")
    return name
