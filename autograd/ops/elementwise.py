"""Elementwise functions: exp log sqrt abs tanh sigmoid relu leaky_relu maximum minimum clip where.

Masks and signs in a backward are constants: their own derivative is zero almost everywhere.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd.function import Function
from autograd.ops._common import array, broadcast_shapes, lift, lift_pair, namespace, unbroadcast
from autograd.tensor import Tensor


class Exp(Function):
    """d exp(a) = exp(a)."""

    name = "exp"
    derivatives = ("exp({0}) = {out}",)

    def forward(self, a):
        return np.exp(a)

    def backward(self, grad, out):
        return (grad * out,)


class Log(Function):
    """d log(a) = 1/a."""

    name = "log"
    derivatives = ("1/{0}",)

    def forward(self, a):
        return np.log(a)

    def backward(self, grad, out):
        return (grad / self.inputs(grad)[0],)


class Sqrt(Function):
    """d sqrt(a) = 1 / (2 sqrt(a))."""

    name = "sqrt"
    derivatives = ("1/(2·sqrt({0}))",)

    def forward(self, a):
        return np.sqrt(a)

    def backward(self, grad, out):
        return (grad / (out * 2.0),)


class Abs(Function):
    """d|a| = sign(a) (0 at 0)."""

    name = "abs"
    derivatives = ("sign({0})",)

    def forward(self, a):
        return np.abs(a)

    def backward(self, grad, out):
        return (grad * np.sign(self.parents[0].data),)


class Tanh(Function):
    """d tanh(a) = 1 - tanh(a)^2."""

    name = "tanh"
    derivatives = ("1 - tanh²({0}) = 1 - {out}²",)

    def forward(self, a):
        return np.tanh(a)

    def backward(self, grad, out):
        return (grad - grad * out * out,)  # grad (1 - out^2), without a slow Python-scalar op


class Sigmoid(Function):
    """s(a) = 1 / (1 + e^-a); ds = s (1 - s).

    Computed from e = e^-|a| (never overflows) as 1 / (1 + e) for a >= 0 and e / (1 + e) below,
    so tiny values keep full relative precision (0.5 tanh(a/2) + 0.5 rounds them to 0).
    """

    name = "sigmoid"
    derivatives = ("σ({0})·(1 - σ({0})) = {out}·(1 - {out})",)

    def forward(self, a):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1 / (1 + e), e / (1 + e))

    def backward(self, grad, out):
        return (grad * out * (1.0 - out),)


class Relu(Function):
    """relu(a) = max(a, 0); d relu = 1[a > 0] = 1[relu(a) > 0].

    Backward reads the output, which the next layer's backward has just used (warm in cache).
    """

    name = "relu"
    derivatives = ("1 where {0} > 0, else 0",)

    def forward(self, a):
        return np.maximum(a, 0)

    def backward(self, grad, out):
        return (grad * (array(out) > 0),)


class LeakyRelu(Function):
    """a where a > 0, else slope * a; derivative 1 or slope."""

    name = "leaky_relu"
    derivatives = ("1 where {0} > 0, else the negative slope",)

    def __init__(self, slope: float) -> None:
        self.slope = slope

    def forward(self, a):
        return np.where(a > 0, a, a * np.asarray(self.slope, dtype=a.dtype))

    def backward(self, grad, out):
        a = self.parents[0].data
        return (grad * np.where(a > 0, 1.0, self.slope).astype(a.dtype),)


class Maximum(Function):
    """Elementwise max; at ties each input gets half the gradient."""

    name = "maximum"
    derivatives = ("1 where {0} is the larger (ties share)",
                   "1 where {1} is the larger (ties share)")
    combine = staticmethod(np.maximum)
    pick = staticmethod(np.greater)

    def forward(self, a, b):
        broadcast_shapes(self.name, a.shape, b.shape)
        return self.combine(a, b)

    def backward(self, grad, out):
        a, b = self.parents
        share_a = (self.pick(a.data, b.data) + 0.5 * (a.data == b.data)).astype(a.dtype)
        return unbroadcast(grad * share_a, a.shape), unbroadcast(grad * (1.0 - share_a), b.shape)


class Minimum(Maximum):
    """Elementwise min; at ties each input gets half the gradient."""

    name = "minimum"
    derivatives = ("1 where {0} is the smaller (ties share)",
                   "1 where {1} is the smaller (ties share)")
    combine = staticmethod(np.minimum)
    pick = staticmethod(np.less)


class Clip(Function):
    """a limited to [low, high]; gradient 1 inside (bounds included), 0 outside."""

    name = "clip"
    derivatives = ("1 inside the bounds, 0 outside",)

    def __init__(self, low: Optional[float], high: Optional[float]) -> None:
        self.low, self.high = low, high

    def forward(self, a):
        return np.clip(a, self.low, self.high).astype(a.dtype, copy=False)

    def backward(self, grad, out):
        a = self.parents[0].data
        inside = np.ones(a.shape, dtype=bool)
        if self.low is not None:
            inside &= a >= self.low
        if self.high is not None:
            inside &= a <= self.high
        return (grad * inside,)


class Where(Function):
    """condition ? a : b; the gradient goes to whichever input was picked."""

    name = "where"
    derivatives = ("1 where the condition picked {0}",
                   "1 where the condition picked {1}")

    def __init__(self, condition: np.ndarray) -> None:
        self.condition = condition

    def forward(self, a, b):
        broadcast_shapes(self.name, self.condition.shape, a.shape, b.shape)
        return np.where(self.condition, a, b)

    def backward(self, grad, out):
        a, b = self.parents
        need_a, need_b = self.needs_input_grad
        xp = namespace(grad)
        return (unbroadcast(xp.where(self.condition, grad, 0.0), a.shape) if need_a else None,
                unbroadcast(xp.where(self.condition, 0.0, grad), b.shape) if need_b else None)


def exp(a: Tensor) -> Tensor:
    """e ** a."""
    return Exp.apply(lift(a))


def log(a: Tensor) -> Tensor:
    """Natural logarithm."""
    return Log.apply(lift(a))


def sqrt(a: Tensor) -> Tensor:
    """Square root."""
    return Sqrt.apply(lift(a))


def abs(a: Tensor) -> Tensor:  # noqa: A001  (numpy's name)
    """|a|."""
    return Abs.apply(lift(a))


def tanh(a: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return Tanh.apply(lift(a))


def sigmoid(a: Tensor) -> Tensor:
    """Logistic sigmoid 1 / (1 + e^-a)."""
    return Sigmoid.apply(lift(a))


def relu(a: Tensor) -> Tensor:
    """max(a, 0)."""
    return Relu.apply(lift(a))


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    """a for a > 0, negative_slope * a otherwise."""
    return LeakyRelu.apply(lift(a), slope=negative_slope)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum, broadcasting like numpy."""
    return Maximum.apply(*lift_pair(a, b))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum, broadcasting like numpy."""
    return Minimum.apply(*lift_pair(a, b))


def clip(a: Tensor, a_min: Optional[float] = None, a_max: Optional[float] = None) -> Tensor:
    """a limited to [a_min, a_max] (either bound may be None)."""
    if a_min is None and a_max is None:
        raise ValueError("clip needs a_min or a_max (or both); with neither it would do nothing.")
    for bound in (a_min, a_max):
        if bound is not None and not isinstance(bound, (int, float, np.number, np.ndarray, Tensor)):
            raise TypeError(f"clip: the bounds must be numbers (or arrays of them), got {bound!r}.")
    return Clip.apply(lift(a), low=a_min, high=a_max)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Pick from `a` where `condition` is true, else from `b` (broadcasting like numpy)."""
    condition = np.asarray(condition.data if isinstance(condition, Tensor) else condition)
    if condition.dtype.kind not in "biuf":
        example = repr(condition.flat[0].item()) if condition.size else "none"
        raise TypeError(f"where: condition must hold booleans (e.g. x > 0) or numbers, got {condition.dtype} values "
                        f"such as {example}; compare first, as in where(x > 0, a, b).")
    condition = condition.astype(bool)
    a, b = lift_pair(a, b)
    return Where.apply(a, b, condition=condition)


def square(a: Tensor) -> Tensor:
    """a * a, so its gradient is the product rule's 2a."""
    a = lift(a)
    return a * a


def reciprocal(a: Tensor) -> Tensor:
    """1 / a, with the quotient rule's gradient -1/a^2."""
    return 1 / lift(a)


def softsign(a: Tensor) -> Tensor:
    """a / (1 + |a|), composed: stable as written; gradient 1 / (1 + |a|)^2."""
    a = lift(a)
    return a / (1 + abs(a))


def sign(a: Tensor) -> Tensor:
    """-1, 0 or +1 by the sign of each element (NaN stays NaN), in `a`'s dtype.

    Its derivative is 0 wherever it exists, so like a comparison the result records nothing
    and does not require grad.
    """
    a = lift(a)
    return Tensor._make(np.sign(a.data), False, None)
