"""Accuracy metrics: the share of predictions that match the targets.

Each comes as a function returning the batch's value as a float (`binary_accuracy(y_true,
y_pred)`) and as a stateful class (`BinaryAccuracy()`) that averages over every sample of an
epoch. "accuracy" in `compile` picks binary, categorical or sparse categorical accuracy from
the shapes, as Keras's `compile` does (`resolve_accuracy`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.losses import sparse_labels
from nn.metrics.base import MeanMetricWrapper, aligned, to_array


def exact_matches(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where y_pred equals y_true, else 0.0, element by element."""
    y_true, y_pred = aligned(y_true, y_pred, "accuracy")
    return (y_true == y_pred).astype(float)


def binary_matches(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """1.0 where (y_pred > threshold) equals y_true (0 or 1), element by element."""
    y_true, y_pred = aligned(y_true, y_pred, "binary_accuracy")
    return (y_true == (y_pred > threshold)).astype(float)


def categorical_matches(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 per sample where argmax(y_pred) equals argmax(y_true) (one-hot targets)."""
    y_true, y_pred = aligned(y_true, y_pred, "categorical_accuracy")
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(float)


def sparse_categorical_matches(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 per sample where argmax(y_pred) equals the integer label y_true."""
    y_pred = to_array(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_accuracy")
    return (labels == np.argmax(y_pred, axis=-1)).astype(float)


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int, metric: str) -> np.ndarray:
    """1.0 per sample where the label's score is among the k largest of its row.

    Counted as in Keras (`in_top_k`): the label is in the top k when fewer than k classes score
    strictly higher than it.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{metric}: k must be a positive integer, got {k!r}.")
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    label_scores = scores[np.arange(len(scores)), labels.reshape(-1)]
    higher = np.sum(scores > label_scores[:, None], axis=-1)
    return (higher < k).astype(float).reshape(labels.shape)


def top_k_categorical_matches(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1.0 per sample where the one-hot target's class is among the k highest scores."""
    y_true, y_pred = aligned(y_true, y_pred, "top_k_categorical_accuracy")
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k, "top_k_categorical_accuracy")


def sparse_top_k_categorical_matches(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """1.0 per sample where the integer label is among the k highest scores."""
    y_pred = to_array(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, "sparse_top_k_categorical_accuracy")
    return _in_top_k(labels, y_pred, k, "sparse_top_k_categorical_accuracy")


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> float:
    """Share of samples where (y_pred > threshold) equals y_true (0 or 1)."""
    return float(np.mean(binary_matches(y_true, y_pred, threshold)))


def categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of samples where argmax(y_pred) equals argmax(y_true) (one-hot targets)."""
    return float(np.mean(categorical_matches(y_true, y_pred)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of samples where argmax(y_pred) equals the integer label y_true."""
    return float(np.mean(sparse_categorical_matches(y_true, y_pred)))


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> float:
    """Share of samples whose one-hot target's class is among the k highest scores."""
    return float(np.mean(top_k_categorical_matches(y_true, y_pred, k)))


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> float:
    """Share of samples whose integer label is among the k highest scores."""
    return float(np.mean(sparse_top_k_categorical_matches(y_true, y_pred, k)))


def resolve_accuracy(y_true: Any, y_pred: Any) -> type:
    """The accuracy class Keras would pick for these shapes.

    y_pred with one column (or 1-D) -> binary; y_true with fewer axes than y_pred, or one
    column against several -> sparse categorical; otherwise categorical.
    """
    true_shape, pred_shape = to_array(y_true).shape, to_array(y_pred).shape
    if len(pred_shape) <= 1 or pred_shape[-1] == 1:
        return BinaryAccuracy
    if len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Binary, categorical or sparse categorical accuracy, whichever the shapes call for."""
    return float(resolve_accuracy(y_true, y_pred)()(y_true, y_pred))


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly (use BinaryAccuracy or CategoricalAccuracy for
    probabilities; the string "accuracy" in compile picks one by shape).

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "accuracy") -> None:
        super().__init__(exact_matches, name=name)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 target.

    Args:
        name: the metric's name.
        threshold: predictions above it count as 1 (use 0.0 for logits).
    """

    def __init__(self, name: str = "binary_accuracy", threshold: float = 0.5) -> None:
        super().__init__(binary_matches, name=name, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax(y_true), for one-hot targets.

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "categorical_accuracy") -> None:
        super().__init__(categorical_matches, name=name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label.

    Args:
        name: the metric's name.
    """

    def __init__(self, name: str = "sparse_categorical_accuracy") -> None:
        super().__init__(sparse_categorical_matches, name=name)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the `k` highest scores.

    Args:
        k: how many of the highest scores count as a hit.
        name: the metric's name.
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy") -> None:
        super().__init__(top_k_categorical_matches, name=name, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest scores.

    Args:
        k: how many of the highest scores count as a hit.
        name: the metric's name.
    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy") -> None:
        super().__init__(sparse_top_k_categorical_matches, name=name, k=k)
        self.k = k
