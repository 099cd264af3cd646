"""Regression metrics: mean squared and absolute errors, and the root of the mean squared error.

The per-sample values are the losses' own (`nn.losses.mean_squared_error_per_sample`, ...),
computed in float64 on numpy values; the classes average them over every sample of an epoch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.losses import mean_absolute_error_per_sample, mean_squared_error_per_sample
from nn.metrics.base import MeanMetricWrapper, loss_values


def squared_errors(y_true: Any, y_pred: Any) -> np.ndarray:
    """mean over the last axis of (y_pred - y_true)^2, per sample."""
    return loss_values(mean_squared_error_per_sample, y_true, y_pred)


def absolute_errors(y_true: Any, y_pred: Any) -> np.ndarray:
    """mean over the last axis of |y_pred - y_true|, per sample."""
    return loss_values(mean_absolute_error_per_sample, y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """mean((y_pred - y_true)^2)."""
    return float(np.mean(squared_errors(y_true, y_pred)))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """mean(|y_pred - y_true|)."""
    return float(np.mean(absolute_errors(y_true, y_pred)))


mse = mean_squared_error
mae = mean_absolute_error


class MeanSquaredError(MeanMetricWrapper):
    """The mean of (y_pred - y_true)^2 over every sample seen.

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "mean_squared_error") -> None:
        super().__init__(squared_errors, name=name)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of |y_pred - y_true| over every sample seen.

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "mean_absolute_error") -> None:
        super().__init__(absolute_errors, name=name)


class RootMeanSquaredError(MeanMetricWrapper):
    """sqrt(mean((y_pred - y_true)^2)) over every sample seen: the root of the epoch's mean,
    not a mean of batch roots.

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "root_mean_squared_error") -> None:
        super().__init__(squared_errors, name=name)

    def result(self) -> float:
        return float(np.sqrt(super().result()))
