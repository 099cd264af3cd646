"""Metrics from confusion counts at thresholds: Precision, Recall and AUC.

A prediction counts as positive at threshold t when y_pred > t; a target counts as positive
when it is not 0. Each metric adds up (weighted) true and false positives and negatives over
every batch since its last reset, and computes its value from the totals, so an epoch's AUC
or precision is that of all its samples together, as in Keras.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from nn.metrics.base import Metric, Result, aligned, as_result, divide_no_nan, to_array

Thresholds = Union[float, Sequence[float], None]


def _thresholds_list(thresholds: Thresholds, default: float, metric: str) -> np.ndarray:
    """The thresholds as a 1-D array (`default` when None), each checked to lie in [0, 1]."""
    if thresholds is None:
        return np.array([default])
    values = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if values.ndim != 1 or values.size == 0 or np.any((values < 0) | (values > 1)):
        raise ValueError(f"{metric}: thresholds must be a number or a list of numbers in [0, 1], "
                         f"got {thresholds!r}.")
    return values


def _weights_like(sample_weight: Any, shape: tuple[int, ...], metric: str) -> np.ndarray:
    """Per-sample weights spread over y_pred's shape (ones when there are none)."""
    if sample_weight is None:
        return np.ones(shape)
    weights = to_array(sample_weight).astype(float)
    while weights.ndim > len(shape) and weights.shape[-1] == 1:
        weights = weights[..., 0]
    weights = weights.reshape(weights.shape + (1,) * (len(shape) - weights.ndim))
    try:
        return np.broadcast_to(weights, shape)
    except ValueError:
        raise ValueError(f"{metric}: sample_weight has shape {to_array(sample_weight).shape}, which "
                         f"does not fit y_pred of shape {shape}; give one weight per sample.") from None


def _keep_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """y_pred with all but the k highest scores of each row set to -inf."""
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    kept = np.full(y_pred.shape, -np.inf)
    np.put_along_axis(kept, top, np.take_along_axis(y_pred, top, axis=-1), axis=-1)
    return kept


def _split_at(scores: np.ndarray, weights: np.ndarray, thresholds: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """For each threshold t: the total weight of scores > t, and of scores <= t (1-D inputs)."""
    order = np.argsort(scores, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(weights[order])])
    at_most = cumulative[np.searchsorted(scores[order], thresholds, side="right")]
    return cumulative[-1] - at_most, at_most


def confusion_counts(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray,
                     thresholds: np.ndarray) -> tuple[np.ndarray, ...]:
    """(true positives, false positives, true negatives, false negatives), one per threshold,
    for flat boolean `labels`, `scores` and `weights` of one length."""
    true_positives, false_negatives = _split_at(scores, weights * labels, thresholds)
    false_positives, true_negatives = _split_at(scores, weights * ~labels, thresholds)
    return true_positives, false_positives, true_negatives, false_negatives


class _CountsAtThresholds(Metric):
    """Confusion counts at one or more thresholds, optionally on the top-k scores or one class."""

    def __init__(self, thresholds: Thresholds, top_k: Optional[int], class_id: Optional[int],
                 name: Optional[str]) -> None:
        super().__init__(name)
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer))
                                  or top_k < 1):
            raise ValueError(f"{type(self).__name__}: top_k must be a positive integer or None, got {top_k!r}.")
        # Kept as given (a list of floats when several) for get_config.
        self.thresholds = (thresholds if thresholds is None or np.ndim(thresholds) == 0
                           else [float(t) for t in thresholds])
        self.top_k, self.class_id = top_k, class_id
        # With top_k the default keeps exactly the top k predictions as positives.
        default = 0.5 if top_k is None else -np.inf
        self._thresholds = _thresholds_list(thresholds, default, type(self).__name__)
        self.reset_state()

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        metric = type(self).__name__
        y_true, y_pred = aligned(y_true, y_pred, metric)
        y_pred = y_pred.astype(float)
        weights = _weights_like(sample_weight, y_pred.shape, metric)
        if self.top_k is not None:
            y_pred = _keep_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            if y_pred.ndim < 2 or not 0 <= self.class_id < y_pred.shape[-1]:
                raise ValueError(f"{metric}: class_id={self.class_id} needs y_pred of shape (samples, "
                                 f"classes) with more than {self.class_id} classes, got {y_pred.shape}.")
            y_true, y_pred, weights = (a[..., self.class_id] for a in (y_true, y_pred, weights))
        counts = confusion_counts(y_true.ravel() != 0, y_pred.ravel(), weights.ravel(),
                                  self._thresholds)
        self.true_positives += counts[0]
        self.false_positives += counts[1]
        self.true_negatives += counts[2]
        self.false_negatives += counts[3]

    def reset_state(self) -> None:
        self.true_positives, self.false_positives, self.true_negatives, self.false_negatives = (
            np.zeros(len(self._thresholds)) for _ in range(4))

    def _per_threshold(self, values: np.ndarray) -> Result:
        """One value for one threshold, else an array with one per threshold."""
        return as_result(values[0] if len(values) == 1 else values)

    def get_config(self) -> dict:
        return {"name": self.name, "thresholds": self.thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_CountsAtThresholds):
    """TP / (TP + FP): the share of predicted positives that are positive.

    Args:
        thresholds: a prediction above it is positive (default 0.5); a list gives one precision
            per threshold. Use 0.0 for logits.
        top_k: count only the k highest scores of each sample as predicted (multi-label).
        class_id: compute it for this one class (column) of y_pred.
        name: the metric's name (default "precision").
    """

    def __init__(self, thresholds: Thresholds = None, top_k: Optional[int] = None,
                 class_id: Optional[int] = None, name: Optional[str] = None) -> None:
        super().__init__(thresholds, top_k, class_id, name)

    def result(self) -> Result:
        return self._per_threshold(divide_no_nan(self.true_positives,
                                                 self.true_positives + self.false_positives))


class Recall(_CountsAtThresholds):
    """TP / (TP + FN): the share of positives predicted positive.

    Args:
        thresholds: a prediction above it is positive (default 0.5); a list gives one recall
            per threshold. Use 0.0 for logits.
        top_k: count only the k highest scores of each sample as predicted (multi-label).
        class_id: compute it for this one class (column) of y_pred.
        name: the metric's name (default "recall").
    """

    def __init__(self, thresholds: Thresholds = None, top_k: Optional[int] = None,
                 class_id: Optional[int] = None, name: Optional[str] = None) -> None:
        super().__init__(thresholds, top_k, class_id, name)

    def result(self) -> Result:
        return self._per_threshold(divide_no_nan(self.true_positives,
                                                 self.true_positives + self.false_negatives))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # exact, and overflows for no x


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from confusion counts at thresholds.

    The curve is sampled at `num_thresholds` thresholds evenly spaced over [0, 1] (plus one just
    below 0 and one just above 1); with curve="ROC" the area under (false positive rate, recall)
    is summed as trapezoids ("interpolation"), or rectangles of the lower ("minoring") or upper
    ("majoring") height. With curve="PR" and "interpolation", precision is interpolated between
    thresholds as in Davis & Goadrich (2006): with P = TP + FP, TP is taken linear in P, so each
    interval adds slope * (dTP + intercept * log(P_A / P_B)) / (TP + FN).

    Args:
        num_thresholds: how many thresholds (> 1); more gives a finer approximation.
        curve: "ROC" or "PR".
        summation_method: "interpolation" (default), "minoring" or "majoring".
        name: the metric's name (default "auc", then "auc_1", ...).
        thresholds: explicit thresholds in [0, 1] instead of evenly spaced ones.
        multi_label: True to compute one AUC per column of y_pred and average them; False
            (default) treats every column's predictions as samples of one curve.
        num_labels: the number of columns, with multi_label (otherwise read from the data).
        label_weights: weights of the columns (in the average with multi_label, else in the
            counts).
        from_logits: True when y_pred holds logits (sigmoid is applied first). Otherwise y_pred
            is taken as probabilities and clipped to [0, 1].
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: Optional[str] = None, *,
                 thresholds: Optional[Sequence[float]] = None, multi_label: bool = False,
                 num_labels: Optional[int] = None, label_weights: Optional[Sequence[float]] = None,
                 from_logits: bool = False) -> None:
        super().__init__(name)
        if str(curve).upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}.")
        if str(summation_method).lower() not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or "
                             f"'majoring', got {summation_method!r}.")
        if thresholds is None:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) \
                    or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got {num_thresholds!r}.")
            inner = np.arange(1, num_thresholds - 1) / (num_thresholds - 1)
        else:
            inner = np.sort(_thresholds_list(thresholds, 0.5, "AUC"))
            num_thresholds = len(inner) + 2
        if num_labels is not None and not multi_label:
            raise ValueError("AUC: num_labels is needed only with multi_label=True.")
        self.num_thresholds, self.curve = num_thresholds, str(curve).upper()
        self.summation_method = str(summation_method).lower()
        self.thresholds = None if thresholds is None else [float(t) for t in inner]
        self.multi_label, self.num_labels, self.from_logits = multi_label, num_labels, from_logits
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=float)
        # The end points sit just outside [0, 1] so that predictions of exactly 0 and 1 count.
        self._thresholds = np.concatenate([[-1e-7], inner, [1.0 + 1e-7]])
        self.reset_state()

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = aligned(y_true, y_pred, "AUC")
        y_pred = y_pred.astype(float)
        y_pred = np.clip(_sigmoid(y_pred) if self.from_logits else y_pred, 0.0, 1.0)
        weights = _weights_like(sample_weight, y_pred.shape, "AUC")
        labels = y_true != 0
        if self.multi_label:
            if y_pred.ndim != 2:
                raise ValueError(f"AUC: with multi_label=True y_pred must have shape (samples, "
                                 f"labels), got {y_pred.shape}.")
            columns = [confusion_counts(labels[:, j], y_pred[:, j], weights[:, j], self._thresholds)
                       for j in range(y_pred.shape[1])]
            counts = [np.stack(count, axis=-1) for count in zip(*columns)]
        else:
            if self.label_weights is not None:
                weights = weights * self.label_weights
            counts = confusion_counts(labels.ravel(), y_pred.ravel(), weights.ravel(), self._thresholds)
        if self.true_positives is None:
            self.true_positives, self.false_positives, self.true_negatives, self.false_negatives = (
                np.zeros_like(count) for count in counts)
        self.true_positives += counts[0]
        self.false_positives += counts[1]
        self.true_negatives += counts[2]
        self.false_negatives += counts[3]

    def reset_state(self) -> None:
        self.true_positives = self.false_positives = self.true_negatives = self.false_negatives = None

    def _interpolated_pr_areas(self) -> np.ndarray:
        """The Davis & Goadrich area under the PR curve (per label with multi_label)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        predicted = tp + fp
        d_tp = tp[:-1] - tp[1:]
        d_predicted = predicted[:-1] - predicted[1:]
        slope = divide_no_nan(d_tp, np.maximum(d_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(both_positive, divide_no_nan(predicted[:-1], np.maximum(predicted[1:], 0)), 1.0)
        increments = divide_no_nan(slope * (d_tp + intercept * np.log(ratio)),
                                   np.maximum(tp[1:] + fn[1:], 0))
        return increments.sum(axis=0)

    def _riemann_areas(self) -> np.ndarray:
        """The area by trapezoids or rectangles (per label with multi_label)."""
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return ((x[:-1] - x[1:]) * heights).sum(axis=0)

    def result(self) -> float:
        if self.true_positives is None:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = self._interpolated_pr_areas()
        else:
            areas = self._riemann_areas()
        if not self.multi_label:
            return as_result(areas)
        if self.label_weights is None:
            return as_result(areas.mean())
        return as_result(divide_no_nan(np.sum(areas * self.label_weights), np.sum(self.label_weights)))

    def get_config(self) -> dict:
        return {"name": self.name, "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "thresholds": self.thresholds,
                "multi_label": self.multi_label, "num_labels": self.num_labels,
                "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                "from_logits": self.from_logits}
