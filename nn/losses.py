"""Losses with Keras's names, defaults and "sum_over_batch_size" reduction (mean over samples).

Each function maps (y_true, y_pred) to a scalar `ag.Tensor` built from autograd ops; `y_true`
(numpy or Tensor) is a constant. Probabilities are clipped to [1e-7, 1 - 1e-7] like Keras;
`from_logits=True` paths use log-softmax or the stable softplus form and never overflow.
The classes (`MeanSquaredError()`, `BinaryCrossentropy(from_logits=True)`, ...) hold the
arguments and call the functions.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np

import autograd as ag
from autograd.numeric import check_class_labels
from nn.utils import config_of, from_config, lookup, to_tensor, type_name

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
    return ag.Tensor(array, dtype=y_pred.dtype)


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n for n in shape if n != 1)


def _smooth(y_true: ag.Tensor, label_smoothing: float, classes: int) -> ag.Tensor:
    """y (1 - s) + s / classes: move a share s of each label's mass onto every class evenly."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}.")
    if label_smoothing == 0.0:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / classes


def mean_squared_error(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean((y_pred - y_true)^2)."""
    return ag.mean(_squared_errors(y_true, y_pred))


def _squared_errors(y_true: Any, y_pred: Any) -> ag.Tensor:
    y_pred = _prediction(y_pred)
    error = y_pred - _target(y_true, y_pred, "mean_squared_error")
    return error * error


def mean_absolute_error(y_true: Any, y_pred: Any) -> ag.Tensor:
    """mean(|y_pred - y_true|)."""
    return ag.mean(_absolute_errors(y_true, y_pred))


def _absolute_errors(y_true: Any, y_pred: Any) -> ag.Tensor:
    y_pred = _prediction(y_pred)
    return ag.abs(y_pred - _target(y_true, y_pred, "mean_absolute_error"))


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> ag.Tensor:
    """mean of e^2 / 2 where |e| <= delta, else delta |e| - delta^2 / 2, for e = y_pred - y_true."""
    return ag.mean(_huber_terms(y_true, y_pred, delta))


def _huber_terms(y_true: Any, y_pred: Any, delta: float = 1.0) -> ag.Tensor:
    if delta <= 0:
        raise ValueError(f"huber: delta must be positive, got {delta}.")
    y_pred = _prediction(y_pred)
    error = y_pred - _target(y_true, y_pred, "huber")
    size = ag.abs(error)
    quadratic = 0.5 * (error * error)
    linear = delta * size - 0.5 * delta * delta
    return ag.where(size.data <= delta, quadratic, linear)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0) -> ag.Tensor:
    """-mean(y log p + (1 - y) log(1 - p)), p = clip(y_pred, eps, 1 - eps).

    With from_logits, p = sigmoid(z) and the loss is written max(z, 0) - z y + log(1 + e^-|z|),
    which is exact and finite for any z.
    """
    return ag.mean(_binary_crossentropy_terms(y_true, y_pred, from_logits, label_smoothing))


def _binary_crossentropy_terms(y_true: Any, y_pred: Any, from_logits: bool = False,
                               label_smoothing: float = 0.0) -> ag.Tensor:
    y_pred = _prediction(y_pred)
    y_true = _smooth(_target(y_true, y_pred, "binary_crossentropy"), label_smoothing, 2)
    if from_logits:
        z = y_pred
        return ag.relu(z) - z * y_true + ag.log(1.0 + ag.exp(-ag.abs(z)))
    p = ag.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -(y_true * ag.log(p) + (1.0 - y_true) * ag.log(1.0 - p))


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0) -> ag.Tensor:
    """mean over samples of -sum_k y_k log p_k, classes on the last axis.

    Probabilities are first renormalised to sum to 1, then clipped to [eps, 1 - eps]; with
    from_logits, log p = log_softmax(z).
    """
    return ag.mean(_categorical_crossentropy_terms(y_true, y_pred, from_logits, label_smoothing))


def _categorical_crossentropy_terms(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    label_smoothing: float = 0.0) -> ag.Tensor:
    y_pred = _prediction(y_pred)
    y_true = _target(y_true, y_pred, "categorical_crossentropy")
    y_true = _smooth(y_true, label_smoothing, y_pred.shape[-1])
    if from_logits:
        log_p = ag.log_softmax(y_pred, axis=-1)
    else:
        _check_probabilities(y_pred, "categorical_crossentropy")
        p = y_pred / ag.sum(y_pred, axis=-1, keepdims=True)
        log_p = ag.log(ag.clip(p, EPSILON, 1.0 - EPSILON))
    return -ag.sum(y_true * log_p, axis=-1)


def _check_probabilities(y_pred: ag.Tensor, loss: str) -> None:
    """Refuse negative "probabilities": they are logits, which renormalising and clipping
    would turn into a constant loss with zero gradient (the network would silently not learn)."""
    if np.any(y_pred.data < 0):
        raise ValueError(
            f"{loss}: y_pred holds negative values (as low as {float(y_pred.data.min()):.4g}), so it "
            "is not probabilities but logits. Give the last layer activation='softmax', or pass "
            "from_logits=True to the loss (e.g. nn.losses.SparseCategoricalCrossentropy(from_logits=True)).")


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


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any,
                                    from_logits: bool = False) -> ag.Tensor:
    """mean over samples of -log p[label], classes on the last axis of y_pred.

    From logits this is the fused `ag.softmax_cross_entropy`; probabilities are renormalised
    and clipped to [eps, 1 - eps] like categorical_crossentropy.
    """
    if not from_logits:
        return ag.mean(_sparse_categorical_crossentropy_terms(y_true, y_pred))
    y_pred = _prediction(y_pred)
    # The fused op checks the labels' range itself: checked once, not twice.
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_crossentropy",
                           check_range=False).reshape(-1)
    scores = y_pred if y_pred.ndim == 2 else y_pred.reshape(-1, y_pred.shape[-1])
    return ag.softmax_cross_entropy(scores, labels)


def _sparse_categorical_crossentropy_terms(y_true: Any, y_pred: Any,
                                           from_logits: bool = False) -> ag.Tensor:
    """-log p[label] for each sample, shape y_pred.shape[:-1] (the fused op gives only the mean)."""
    y_pred = _prediction(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, "sparse_categorical_crossentropy").reshape(-1)
    scores = y_pred if y_pred.ndim == 2 else y_pred.reshape(-1, y_pred.shape[-1])
    picked = (np.arange(labels.size), labels)
    if from_logits:
        log_p = ag.log_softmax(scores, axis=-1)[picked]
    else:
        _check_probabilities(scores, "sparse_categorical_crossentropy")
        p = scores / ag.sum(scores, axis=-1, keepdims=True)
        log_p = ag.log(ag.clip(p, EPSILON, 1.0 - EPSILON)[picked])
    return -log_p.reshape(y_pred.shape[:-1])


mse = mean_squared_error
mae = mean_absolute_error
bce = binary_crossentropy

# Each built-in loss is the mean of these terms (one per value, or per position for the
# cross-entropies, which sum over the class axis first).
_TERMS: dict[Callable[..., ag.Tensor], Callable[..., ag.Tensor]] = {
    mean_squared_error: _squared_errors, mean_absolute_error: _absolute_errors,
    huber: _huber_terms, binary_crossentropy: _binary_crossentropy_terms,
    categorical_crossentropy: _categorical_crossentropy_terms,
    sparse_categorical_crossentropy: _sparse_categorical_crossentropy_terms,
}


def per_sample_losses(loss: Any, y_true: Any, y_pred: Any) -> Optional[ag.Tensor]:
    """Each sample's loss, shape (batch,), for a built-in loss function or object; None for any
    other callable.

    A sample's loss is the mean of its terms over every axis but the first, so the mean of the
    per-sample losses is the loss itself, and ``mean(w * losses)`` is Keras's weighted
    "sum_over_batch_size" reduction, ``sum_i w_i l_i / batch``.
    """
    function, arguments = (type(loss).function, loss.arguments) if isinstance(loss, Loss) else (loss, {})
    terms_of = _TERMS.get(function)
    if terms_of is None:
        return None
    terms = terms_of(y_true, y_pred, **arguments)
    return terms if terms.ndim <= 1 else ag.mean(terms, axis=tuple(range(1, terms.ndim)))

LossFunction = Callable[..., ag.Tensor]


class Loss:
    """A loss object: `loss(y_true, y_pred)` calls `function` with the stored arguments."""

    function: LossFunction

    def __init__(self, name: str, **arguments: Any) -> None:
        self.name = name
        self.arguments = arguments

    def __call__(self, y_true: Any, y_pred: Any) -> ag.Tensor:
        return type(self).function(y_true, y_pred, **self.arguments)

    def get_config(self) -> dict:
        """The constructor arguments, so `type(loss)(**loss.get_config())` rebuilds it."""
        return {"name": self.name, **self.arguments}

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"{type(self).__name__}({arguments})"


class MeanSquaredError(Loss):
    """mean((y_pred - y_true)^2)."""

    function = staticmethod(mean_squared_error)

    def __init__(self, name: str = "mean_squared_error") -> None:
        super().__init__(name)


class MeanAbsoluteError(Loss):
    """mean(|y_pred - y_true|)."""

    function = staticmethod(mean_absolute_error)

    def __init__(self, name: str = "mean_absolute_error") -> None:
        super().__init__(name)


class Huber(Loss):
    """Quadratic for errors up to `delta`, linear beyond."""

    function = staticmethod(huber)

    def __init__(self, delta: float = 1.0, name: str = "huber_loss") -> None:
        super().__init__(name, delta=delta)


class BinaryCrossentropy(Loss):
    """Cross-entropy of 0/1 targets; y_pred are probabilities, or logits with from_logits=True."""

    function = staticmethod(binary_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 name: str = "binary_crossentropy") -> None:
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    """Cross-entropy of one-hot (or soft) targets over the last axis."""

    function = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 name: str = "categorical_crossentropy") -> None:
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy of integer class labels against scores over the last axis."""

    function = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits: bool = False,
                 name: str = "sparse_categorical_crossentropy") -> None:
        super().__init__(name, from_logits=from_logits)


_FUNCTIONS: dict[str, LossFunction] = {
    fn.__name__: fn for fn in (mean_squared_error, mean_absolute_error, huber, binary_crossentropy,
                               categorical_crossentropy, sparse_categorical_crossentropy)
}
_FUNCTIONS.update(mse=mse, mae=mae, bce=bce)
_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy,
                                  CategoricalCrossentropy, SparseCategoricalCrossentropy)
}


def get(identifier: Union[str, dict, LossFunction, Loss, None]) -> Union[LossFunction, Loss, None]:
    """A loss from a function name ("mse"), a class name ("MeanSquaredError", instantiated with
    its defaults), a `serialize` dict, a callable (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = lookup({**_FUNCTIONS, **_CLASSES}, identifier, "loss")
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        return from_config(_CLASSES, identifier, "loss")
    if callable(identifier):
        return identifier
    raise TypeError(f"a loss must be a name such as 'mse', a loss object or a callable, "
                    f"got {type_name(identifier)}.")


def serialize(loss: Union[LossFunction, Loss, None]) -> Union[str, dict, None]:
    """A function's registered name, or {"class_name", "config"} for a loss object; None for None."""
    if loss is None:
        return None
    if isinstance(loss, Loss) and type(loss).__name__ in _CLASSES:
        return config_of(type(loss).__name__, loss.get_config())
    for name, fn in _FUNCTIONS.items():
        if fn is loss:
            return name
    raise ValueError(f"cannot serialize the custom loss {getattr(loss, '__name__', loss)!r}: only "
                     f"built-in losses can be restored from a saved config "
                     f"({', '.join(sorted({**_FUNCTIONS, **_CLASSES}))}).")
