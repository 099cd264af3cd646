"""logsumexp, softmax and log_softmax: fused for numerical stability (shift by the max)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from autograd.function import Function
from autograd.numeric import check_class_labels, matrix_sum
from autograd.ops._common import array, lift, namespace
from autograd.ops.reduce import Axis, axis_arguments, kept_shape, normalize_axis
from autograd.tensor import Tensor


def _stable_shift(a: np.ndarray, axis: Axis) -> np.ndarray:
    """The max over `axis` (kept dims), with non-finite maxima replaced by 0 so rows of -inf stay finite."""
    shift = a.max(axis=axis, keepdims=True)  # methods skip numpy's Python-level wrappers
    if np.isfinite(shift).all():
        return shift
    return np.where(np.isfinite(shift), shift, 0).astype(a.dtype, copy=False)


def _sum_kept(x, axis: int):
    """x summed over one axis, kept as size 1; a 2-D array's row or column sums as a BLAS
    product (`matrix_sum`), which a small batch's softmax spends much of its time on."""
    if isinstance(x, np.ndarray) and x.ndim == 2:
        return matrix_sum(x, axis % 2, keepdims=True)
    return x.sum(axis=axis, keepdims=True)


class LogSumExp(Function):
    """log sum exp(a); d/da = softmax(a). Rows that are all -inf give -inf and a zero gradient."""

    name = "logsumexp"
    derivatives = ("softmax({0})",)

    def __init__(self, axis: Axis, keepdims: bool) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a):
        shift = _stable_shift(a, self.axis)
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(a - shift), axis=self.axis, keepdims=True)) + shift
        return out if self.keepdims else np.squeeze(out, axis=normalize_axis(self.axis, a.ndim))

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        shape = kept_shape(a.shape, normalize_axis(self.axis, a.ndim))
        if not self.keepdims:
            grad, out = grad.reshape(shape), out.reshape(shape)
        xp = namespace(grad)
        finite_out = xp.where(np.isfinite(array(out)), out, 0.0)
        return (grad * xp.exp(a - finite_out),)


class Softmax(Function):
    """p = exp(a) / sum exp(a); the vector-Jacobian product is p * (g - sum(g p))."""

    name = "softmax"
    derivatives = ("out·(grad - sum(grad·out)) (softmax Jacobian)",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a):
        e = np.exp(a - _stable_shift(a, self.axis))
        e /= _sum_kept(e, self.axis)
        return e

    def backward(self, grad, out):
        return (out * (grad - _sum_kept(grad * out, self.axis)),)


class LogSoftmax(Function):
    """a - logsumexp(a); the vector-Jacobian product is g - softmax(a) sum(g)."""

    name = "log_softmax"
    derivatives = ("grad - softmax({0})·sum(grad)",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a):
        shifted = a - _stable_shift(a, self.axis)
        shifted -= np.log(_sum_kept(np.exp(shifted), self.axis))
        return shifted

    def backward(self, grad, out):
        return (grad - namespace(grad).exp(out) * _sum_kept(grad, self.axis),)


def logsumexp(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *, dim: Axis = None,
              keepdim: Optional[bool] = None) -> Tensor:
    """log(sum(exp(a))) over `axis`, without overflow (`dim`/`keepdim` are PyTorch's names)."""
    axis, keepdims = axis_arguments("logsumexp", axis, keepdims, dim, keepdim)
    return LogSumExp.apply(lift(a), axis=axis, keepdims=keepdims)


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """exp(a) / sum(exp(a)) along `axis`, without overflow."""
    return Softmax.apply(a, axis=axis)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """log(softmax(a)) along `axis`, computed stably."""
    return LogSoftmax.apply(a, axis=axis)


class SoftmaxCrossEntropy(Function):
    """mean over rows of -log softmax(z)[label]; dL/dz = (softmax(z) - onehot(label)) / n.

    One fused step for speed and stability; a test proves its gradient equals the one the
    engine derives for the composition -mean(log_softmax(z)[rows, labels]).
    """

    name = "softmax_cross_entropy"
    derivatives = ("(softmax({0}) - one_hot(labels)) / batch",)

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels

    def forward(self, logits):
        # A row holding inf gives NaN whatever the shift, so the plain row maximum will do.
        log_probs = logits - logits.max(axis=1, keepdims=True)
        log_probs -= np.log(matrix_sum(np.exp(log_probs), 1, keepdims=True))
        rows = np.arange(logits.shape[0])
        picked = log_probs[rows, self.labels]
        self.saved = log_probs, rows
        return np.asarray(-picked.sum() / len(rows), dtype=logits.dtype)

    def backward(self, grad, out):
        logits = self.parents[0]
        count = logits.shape[0]
        if isinstance(grad, Tensor):  # recording: keep the softmax differentiable
            one_hot = _one_hot(self.labels, logits.data)
            return (grad * (softmax(logits, axis=1) - one_hot) * (1.0 / count),)
        log_probs, rows = self.saved
        delta = np.exp(log_probs)
        delta[rows, self.labels] -= 1.0
        delta *= float(grad) / count  # the loss is a scalar, so its gradient is one number
        return (delta,)


def _one_hot(labels: np.ndarray, like: np.ndarray) -> np.ndarray:
    one_hot = np.zeros_like(like)
    one_hot[np.arange(like.shape[0]), labels] = 1
    return one_hot


def softmax_cross_entropy(logits: Tensor, labels) -> Tensor:
    """Mean cross-entropy of integer `labels` (n,) under softmax(logits) for logits (n, classes)."""
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(f"softmax_cross_entropy: logits must be (batch, classes) and labels (batch,), "
                         f"got logits {logits.shape} and labels {labels.shape}.")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be integer class indices, got dtype {labels.dtype}.")
    check_class_labels(labels, logits.shape[1], "softmax_cross_entropy")
    return SoftmaxCrossEntropy.apply(logits, labels=labels)
