"""The built-in loss classes: Keras's names, arguments and defaults, each wrapping its function.

`MeanSquaredError()(y_true, y_pred)` equals `mean_squared_error(y_true, y_pred)`; the classes
add Keras's `reduction`, `name` and `sample_weight` (see `nn.losses.loss`).
"""
from __future__ import annotations

from typing import Optional

from nn.losses.functions import (binary_crossentropy, categorical_crossentropy, huber,
                                 mean_absolute_error, mean_squared_error,
                                 sparse_categorical_crossentropy)
from nn.losses.loss import LossFunctionWrapper

DEFAULT_REDUCTION = "sum_over_batch_size"


class MeanSquaredError(LossFunctionWrapper):
    """mean((y_pred - y_true)^2) over the last axis, per sample.

    Args:
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "mean_squared_error") -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_pred - y_true|) over the last axis, per sample.

    Args:
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "mean_absolute_error") -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond: e^2 / 2 or delta |e| - delta^2 / 2.

    Args:
        delta: where the loss turns from quadratic to linear (positive).
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, delta: float = 1.0, reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "huber_loss") -> None:
        super().__init__(huber, reduction=reduction, name=name, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 targets: -(y log p + (1 - y) log(1 - p)), averaged over the last axis.

    Args:
        from_logits: True when y_pred holds logits (p = sigmoid(y_pred)); without it, y_pred
            must be probabilities in [0, 1] (values outside are refused as logits).
        label_smoothing: targets become y (1 - s) + s / 2.
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, *,
                 reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "binary_crossentropy") -> None:
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot (or soft) targets: -sum_k y_k log p_k over the last axis.

    Args:
        from_logits: True when y_pred holds logits (p = softmax(y_pred)).
        label_smoothing: targets become y (1 - s) + s / classes.
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, *,
                 reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "categorical_crossentropy") -> None:
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer class labels: -log p[label], classes on y_pred's last axis.

    Args:
        from_logits: True when y_pred holds logits (p = softmax(y_pred)).
        reduction: how the per-sample losses are combined (see `nn.losses.Loss`).
        name: the loss's name.
    """

    def __init__(self, from_logits: bool = False, *,
                 reduction: Optional[str] = DEFAULT_REDUCTION,
                 name: str = "sparse_categorical_crossentropy") -> None:
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits)


LOSS_CLASSES: tuple[type, ...] = (MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy,
                                  CategoricalCrossentropy, SparseCategoricalCrossentropy)
