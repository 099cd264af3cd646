"""Cross-entropy metrics: the losses' per-sample cross-entropies, averaged over an epoch.

They share the losses' code (`nn.losses.binary_crossentropy_per_sample`, ...), computed in
float64 on numpy values, so a metric and the loss of the same name agree, refusals included
(probabilities that are plainly logits need `from_logits=True`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.losses import (binary_crossentropy_per_sample, categorical_crossentropy_per_sample,
                       sparse_categorical_crossentropy_per_sample)
from nn.metrics.base import MeanMetricWrapper, loss_values


def binary_crossentropies(y_true: Any, y_pred: Any, from_logits: bool = False,
                          label_smoothing: float = 0.0) -> np.ndarray:
    """Binary cross-entropy per sample (the mean over the last axis)."""
    return loss_values(binary_crossentropy_per_sample, y_true, y_pred, from_logits=from_logits,
                       label_smoothing=label_smoothing)


def categorical_crossentropies(y_true: Any, y_pred: Any, from_logits: bool = False,
                               label_smoothing: float = 0.0) -> np.ndarray:
    """Categorical cross-entropy per sample (one-hot targets, classes on the last axis)."""
    return loss_values(categorical_crossentropy_per_sample, y_true, y_pred,
                       from_logits=from_logits, label_smoothing=label_smoothing)


def sparse_categorical_crossentropies(y_true: Any, y_pred: Any,
                                      from_logits: bool = False) -> np.ndarray:
    """Cross-entropy per sample of integer labels against scores on the last axis."""
    return loss_values(sparse_categorical_crossentropy_per_sample, y_true, y_pred,
                       from_logits=from_logits)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy over every sample seen.

    Args:
        name: the metric's name.
        from_logits: True when y_pred holds logits rather than probabilities.
        label_smoothing: targets become y (1 - s) + s / 2.
    """

    def __init__(self, name: str = "binary_crossentropy", from_logits: bool = False,
                 label_smoothing: float = 0.0) -> None:
        super().__init__(binary_crossentropies, name=name, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy over every sample seen (one-hot targets).

    Args:
        name: the metric's name.
        from_logits: True when y_pred holds logits rather than probabilities.
        label_smoothing: targets become y (1 - s) + s / classes.
    """

    def __init__(self, name: str = "categorical_crossentropy", from_logits: bool = False,
                 label_smoothing: float = 0.0) -> None:
        super().__init__(categorical_crossentropies, name=name, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of integer labels over every sample seen.

    Args:
        name: the metric's name.
        from_logits: True when y_pred holds logits rather than probabilities.
    """

    def __init__(self, name: str = "sparse_categorical_crossentropy",
                 from_logits: bool = False) -> None:
        super().__init__(sparse_categorical_crossentropies, name=name, from_logits=from_logits)
