"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged.

F_beta = (1 + beta^2) P R / (beta^2 P + R), from true/false positive and false negative counts
per class (or pooled over classes with average="micro") accumulated over every batch.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from nn.metrics.base import Metric, Result, as_result, to_array

EPSILON = 1e-7  # Keras's backend epsilon, added to each denominator as it does


class FBetaScore(Metric):
    """The F-beta score of multi-class or multi-label predictions.

    y_true and y_pred have shape (samples, classes) (one-hot or multi-hot targets). A prediction
    is positive where y_pred > threshold, or, with threshold=None, where it is its row's maximum.

    Args:
        average: None (one score per class, as an array), "micro" (counts pooled over classes),
            "macro" (the mean of the per-class scores) or "weighted" (their mean weighted by
            each class's number of true instances).
        beta: how many times more recall counts than precision (> 0).
        threshold: in (0, 1], or None for the row's maximum.
        name: the metric's name.
    """

    def __init__(self, average: Optional[str] = None, beta: float = 1.0,
                 threshold: Optional[float] = None, name: str = "fbeta_score") -> None:
        super().__init__(name)
        owner = type(self).__name__
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{owner}: average must be None, 'micro', 'macro' or 'weighted', "
                             f"got {average!r}.")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{owner}: beta must be a positive number, got {beta!r}.")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                      or not 0 < threshold <= 1):
            raise ValueError(f"{owner}: threshold must lie in (0, 1] or be None (the row's "
                             f"maximum), got {threshold!r}.")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self.reset_state()

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = to_array(y_true).astype(float), to_array(y_pred).astype(float)
        if y_true.ndim != 2 or y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(f"{type(self).__name__}: y_true and y_pred must both have shape (samples, "
                             f"classes), got {y_true.shape} and {y_pred.shape}. One-hot encode integer "
                             f"labels first (nn.utils.to_categorical).")
        if self.threshold is None:
            # The row's maximum is positive, unless it is 0 (a row of zeros predicts nothing).
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(float)
        weights = np.ones((len(y_true), 1)) if sample_weight is None else \
            to_array(sample_weight).astype(float).reshape(-1, 1)
        axis = None if self.average == "micro" else 0
        self.true_positives = self.true_positives + np.sum(weights * predicted * y_true, axis=axis)
        self.false_positives = self.false_positives + np.sum(weights * predicted * (1 - y_true), axis=axis)
        self.false_negatives = self.false_negatives + np.sum(weights * (1 - predicted) * y_true, axis=axis)
        self.support = self.support + np.sum(weights * y_true, axis=axis)

    def reset_state(self) -> None:
        self.true_positives = self.false_positives = self.false_negatives = self.support = 0.0

    def result(self) -> Result:
        precision = self.true_positives / (self.true_positives + self.false_positives + EPSILON)
        recall = self.true_positives / (self.true_positives + self.false_negatives + EPSILON)
        beta2 = self.beta ** 2
        scores = (1 + beta2) * precision * recall / (beta2 * precision + recall + EPSILON)
        if self.average == "weighted":
            return as_result(np.sum(scores * self.support / (np.sum(self.support) + EPSILON)))
        if self.average is not None:
            return as_result(np.mean(scores))
        return as_result(scores)

    def get_config(self) -> dict:
        return {"name": self.name, "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score, 2 P R / (P + R): FBetaScore with beta = 1.

    Args:
        average: None (one score per class), "micro", "macro" or "weighted" (see FBetaScore).
        threshold: in (0, 1], or None for the row's maximum.
        name: the metric's name.
    """

    def __init__(self, average: Optional[str] = None, threshold: Optional[float] = None,
                 name: str = "f1_score") -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name)

    def get_config(self) -> dict:
        return {"name": self.name, "average": self.average, "threshold": self.threshold}
