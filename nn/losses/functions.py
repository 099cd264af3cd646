"""The loss functions, with Keras's names and defaults, built from autograd ops.

Each loss comes twice: `<loss>_per_sample(y_true, y_pred)` gives one value per sample (the last
axis reduced, as Keras's loss functions do), and `<loss>(y_true, y_pred)` gives their mean, a
scalar `ag.Tensor`: Keras's default "sum_over_batch_size" reduction, the value training
minimises. `y_true` (numpy or Tensor) is a constant. Probabilities are clipped to
[1e-7, 1 - 1e-7] like Keras; `from_logits=True` paths use log-softmax or the stable softplus
form and never overflow. Probabilities that are plainly logits are refused with the fix.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import autograd as ag
from autograd.numeric import check_class_labels
from nn.utils import to_tensor

EPSILON = 1e-7


def _prediction(y_pred: Any) -> ag.Tensor:
    y_pred = to_tensor(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.astype(ag.get_default_dtype())


def _target(y_true: Any, y_pred: ag.Tensor, loss: str) -> ag.Tensor:
    """y_true as a constant of y_pred's dtype and shape.

    Shapes that differ only by size-1 axes, such as (n,) and (n, 1), are reshaped: left alone
    they would broadcast into an (n, n) loss. Any other mismatch is an error.
    """
    array = np.asarray(y_true.data if isinstance(y_true, ag.Tensor) else y_true)
    if array.shape != y_pred.shape:
        if _squeezed(array.shape) != _squeezed(y_pred.shape):
            hint = ""
            if (loss == "categorical_crossentropy" and y_pred.ndim
                    and array.size * y_pred.shape[-1] == y_pred.size):
                hint = (" These look like integer class labels: use sparse_categorical_crossentropy,"
                        " or one-hot encode them.")
            raise ValueError(
                f"{loss}: y_true has shape {array.shape} but y_pred has shape {y_pred.shape}; "
                f"they must hold the same values per sample. Reshape y_true to {y_pred.shape}."
                + hint)
        array = array.reshape(y_pred.shape)
    return ag.Tensor(array, dtype=y_pred.dtype, name="y_true")  # so graph pictures name it


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n for n in shape if n != 1)


def _smooth(y_true: ag.Tensor, label_smoothing: float, classes: int) -> ag.Tensor:
    """y (1 - s) + s / classes: move a share s of each label's mass onto every class evenly."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}.")
    if label_smoothing == 0.0:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / classes


def _mean_of_last_axis(values: ag.Tensor) -> ag.Tensor:
    """One value per sample: the mean over the last axis (a scalar stays as it is)."""
    return values if values.ndim == 0 else ag.mean(values, axis=-1)


def _check_probabilities(y_pred: ag.Tensor, loss: str, activation: str, loss_class: str,
                         at_most_one: bool = False) -> None:
    """Refuse "probabilities" below 0 (or, when `at_most_one`, above 1): they are logits, which
    clipping (or renormalising) would turn into a loss with zero gradient, so the network would
    silently not learn."""
    values = y_pred.data
    if values.size == 0:
        return
    if np.any(values < 0):
        problem = f"negative values (as low as {float(values.min()):.4g})"
    elif at_most_one and np.any(values > 1):
        problem = f"values above 1 (as high as {float(values.max()):.4g})"
    else:
        return
    raise ValueError(
        f"{loss}: y_pred holds {problem}, so it is not probabilities but logits. Give the last "
        f"layer activation='{activation}', or pass from_logits=True to the loss "
        f"(e.g. nn.losses.{loss_class}(from_logits=True)).")


def mean_squared_error_per_sample(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean over the last axis of (y_pred - y_true)^2."""
    y_pred = _prediction(y_pred)
    error = y_pred - _target(y_true, y_pred, "mean_squared_error")
    return _mean_of_last_axis(error * error)


def mean_absolute_error_per_sample(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean over the last axis of |y_pred - y_true|."""
    y_pred = _prediction(y_pred)
    return _mean_of_last_axis(ag.abs(y_pred - _target(y_true, y_pred, "mean_absolute_error")))


def huber_per_sample(y_true: Any, y_pred: Any, delta: float = 1.0) -> ag.Tensor:
    """mean over the last axis of e^2 / 2 where |e| <= delta, else delta |e| - delta^2 / 2,
    for e = y_pred - y_true."""
    if delta <= 0:
        raise ValueError(f"huber: delta must be positive, got {delta}.")
    y_pred = _prediction(y_pred)
    error = y_pred - _target(y_true, y_pred, "huber")
    size = ag.abs(error)
    quadratic = 0.5 * (error * error)
    linear = delta * size - 0.5 * delta * delta
    return _mean_of_last_axis(ag.where(size.data <= delta, quadratic, linear))


def binary_crossentropy_per_sample(y_true: Any, y_pred: Any, from_logits: bool = False,
                                   label_smoothing: float = 0.0) -> ag.Tensor:
    """mean over the last axis of -(y log p + (1 - y) log(1 - p)), p = clip(y_pred, eps, 1 - eps).

    With from_logits, p = sigmoid(z) and each term is written max(z, 0) - z y + log(1 + e^-|z|),
    which is exact and finite for any z. Without it, y_pred outside [0, 1] is refused.
    """
    y_pred = _prediction(y_pred)
    y_true = _smooth(_target(y_true, y_pred, "binary_crossentropy"), label_smoothing, 2)
    if from_logits:
        z = y_pred
        return _mean_of_last_axis(ag.relu(z) - z * y_true + ag.log(1.0 + ag.exp(-ag.abs(z))))
    _check_probabilities(y_pred, "binary_crossentropy", "sigmoid", "BinaryCrossentropy",
                         at_most_one=True)
    p = ag.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -_mean_of_last_axis(y_true * ag.log(p) + (1.0 - y_true) * ag.log(1.0 - p))


def categorical_crossentropy_per_sample(y_true: Any, y_pred: Any, from_logits: bool = False,
                                        label_smoothing: float = 0.0) -> ag.Tensor:
    """-sum_k y_k log p_k over the classes (the last axis).

    Probabilities are first renormalised to sum to 1, then clipped to [eps, 1 - eps]; with
    from_logits, log p = log_softmax(z).
    """
    y_pred = _prediction(y_pred)
    y_true = _target(y_true, y_pred, "categorical_crossentropy")
    y_true = _smooth(y_true, label_smoothing, y_pred.shape[-1])
    if from_logits:
        log_p = ag.log_softmax(y_pred, axis=-1)
    else:
        _check_probabilities(y_pred, "categorical_crossentropy", "softmax", "CategoricalCrossentropy")
        p = y_pred / ag.sum(y_pred, axis=-1, keepdims=True)
        log_p = ag.log(ag.clip(p, EPSILON, 1.0 - EPSILON))
    return -ag.sum(y_true * log_p, axis=-1)


def sparse_labels(y_true: Any, y_pred_shape: tuple[int, ...], loss: str,
                  check_range: bool = True) -> np.ndarray:
    """Integer class labels of shape y_pred_shape[:-1], checked to lie in [0, classes) unless
    the caller hands them to an op that checks (`check_range=False`).

    Accepts shape (n,) or (n, 1) for y_pred (n, classes); floats holding whole numbers are cast.
    """
    labels = np.asarray(y_true.data if isinstance(y_true, ag.Tensor) else y_true)
    if len(y_pred_shape) < 1:
        raise ValueError(f"{loss}: y_pred must have a class axis, got shape {y_pred_shape}.")
    batch_shape, classes = tuple(y_pred_shape[:-1]), y_pred_shape[-1]
    if labels.shape != batch_shape:
        if labels.shape != batch_shape + (1,):
            raise ValueError(
                f"{loss}: y_true holds one class index per sample, so for y_pred of shape "
                f"{y_pred_shape} it must have shape {batch_shape} (or {batch_shape + (1,)}), got "
                f"{labels.shape}. For one-hot targets use categorical_crossentropy.")
        labels = labels.reshape(batch_shape)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            bad = labels[~np.isfinite(labels) | (labels != np.round(labels))][:5]
            raise ValueError(f"{loss}: y_true must hold integer class indices, but it has "
                             f"non-integral values such as {bad.tolist()}. Pass labels, not "
                             "probabilities (for those use categorical_crossentropy).")
        labels = labels.astype(np.int64)
    elif labels.dtype.kind not in "iub":
        raise TypeError(f"{loss}: y_true must hold integer class indices, got dtype {labels.dtype}.")
    if check_range:
        check_class_labels(labels, classes, loss)
    return labels.astype(np.int64, copy=False)


def _class_scores(y_pred: ag.Tensor) -> ag.Tensor:
    """y_pred as a (samples, classes) matrix."""
    return y_pred if y_pred.ndim == 2 else y_pred.reshape(-1, y_pred.shape[-1])


def _probabilities(scores: ag.Tensor) -> ag.Tensor:
    """Non-negative scores renormalised to sum to 1 per row, clipped to [eps, 1 - eps]."""
    _check_probabilities(scores, "sparse_categorical_crossentropy", "softmax",
                         "SparseCategoricalCrossentropy")
    return ag.clip(scores / ag.sum(scores, axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)


def sparse_categorical_crossentropy_per_sample(y_true: Any, y_pred: Any,
                                               from_logits: bool = False) -> ag.Tensor:
    """-log p[label] for each sample, classes on the last axis of y_pred."""
    y_pred = _prediction(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_crossentropy")
    scores = _class_scores(y_pred)
    log_p = ag.log_softmax(scores, axis=-1) if from_logits else ag.log(_probabilities(scores))
    # -sum_k onehot(y)_k log p_k picks -log p[label]; written with the one-hot labels as a
    # tensor, so they show in a picture of the graph (an index would be invisible there).
    one_hot = np.eye(scores.shape[-1], dtype=log_p.dtype)[labels.reshape(-1)]
    y_true_one_hot = ag.Tensor(one_hot, name="y_true (one-hot)")
    per_sample = -ag.sum(y_true_one_hot * log_p, axis=-1)
    return per_sample if per_sample.shape == labels.shape else per_sample.reshape(labels.shape)


def mean_squared_error(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean((y_pred - y_true)^2)."""
    return ag.mean(mean_squared_error_per_sample(y_true, y_pred))


def mean_absolute_error(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean(|y_pred - y_true|)."""
    return ag.mean(mean_absolute_error_per_sample(y_true, y_pred))


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> ag.Tensor:
    """mean of e^2 / 2 where |e| <= delta, else delta |e| - delta^2 / 2, for e = y_pred - y_true."""
    return ag.mean(huber_per_sample(y_true, y_pred, delta))


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0) -> ag.Tensor:
    """-mean(y log p + (1 - y) log(1 - p)), p = clip(y_pred, eps, 1 - eps), or p = sigmoid(y_pred)
    with from_logits (y_pred outside [0, 1] without it is refused: those are logits)."""
    return ag.mean(binary_crossentropy_per_sample(y_true, y_pred, from_logits, label_smoothing))


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0) -> ag.Tensor:
    """mean over samples of -sum_k y_k log p_k, classes on the last axis."""
    return ag.mean(categorical_crossentropy_per_sample(y_true, y_pred, from_logits, label_smoothing))


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any,
                                    from_logits: bool = False) -> ag.Tensor:
    """mean over samples of -log p[label], classes on the last axis of y_pred.

    From logits this is the fused `ag.softmax_cross_entropy`; probabilities are renormalised
    and clipped to [eps, 1 - eps] like categorical_crossentropy.
    """
    if not from_logits:
        return ag.mean(sparse_categorical_crossentropy_per_sample(y_true, y_pred))
    y_pred = _prediction(y_pred)
    # The fused op checks the labels' range itself: checked once, not twice.
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_crossentropy",
                           check_range=False).reshape(-1)
    return ag.softmax_cross_entropy(_class_scores(y_pred), labels)


mse = mean_squared_error
mae = mean_absolute_error
bce = binary_crossentropy

LossFunction = Callable[..., ag.Tensor]

# Each batch-mean function with its per-sample form, for reductions other than the mean.
PER_SAMPLE: dict[LossFunction, LossFunction] = {
    mean_squared_error: mean_squared_error_per_sample,
    mean_absolute_error: mean_absolute_error_per_sample,
    huber: huber_per_sample,
    binary_crossentropy: binary_crossentropy_per_sample,
    categorical_crossentropy: categorical_crossentropy_per_sample,
    sparse_categorical_crossentropy: sparse_categorical_crossentropy_per_sample,
}
