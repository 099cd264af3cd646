"""Reductions: sum mean max min var, with numpy's `axis` and `keepdims`."""
from __future__ import annotations

import builtins
from typing import Sequence, Union

import numpy as np

from autograd.function import Function
from autograd.ops._common import array, namespace
from autograd.tensor import Tensor

Axis = Union[None, int, Sequence[int]]


def normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """`axis` as a sorted tuple of non-negative ints (None means every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"axis {a} is out of range for a tensor with {ndim} dimensions "
                f"(valid: {-ndim} to {ndim - 1}).")
    return tuple(sorted(int(a) % ndim for a in axes))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class _Reduction(Function):
    """Runs the array method `reduction` ("sum", "max", ...) over `axis`.

    Methods skip numpy's Python-level function wrappers; an axis out of range gets an error
    naming the valid ones.
    """

    reduction: str

    def __init__(self, axis: Axis, keepdims: bool) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a):
        try:
            return getattr(a, self.reduction)(axis=self.axis, keepdims=self.keepdims)
        except np.exceptions.AxisError:
            normalize_axis(self.axis, a.ndim)  # raises the clearer message
            raise

    def spread(self, grad: Tensor) -> Tensor:
        """Send the reduced gradient back over the reduced axes (the chain rule of a sum)."""
        shape = self.parents[0].shape
        axes = normalize_axis(self.axis, len(shape))
        if not self.keepdims:
            grad = grad.reshape(kept_shape(shape, axes))
        return namespace(grad).broadcast_to(grad, shape)


class Sum(_Reduction):
    """d sum(a) / da_i = 1."""

    name = "sum"
    derivatives = ("1 for every summed element",)
    reduction = "sum"

    def backward(self, grad, out):
        return (self.spread(grad),)


class Mean(_Reduction):
    """d mean(a) / da_i = 1/n over the n reduced elements."""

    name = "mean"
    derivatives = ("1/n for each of the n averaged elements",)
    reduction = "mean"

    def backward(self, grad, out):
        shape = self.parents[0].shape
        count = int(np.prod([shape[i] for i in normalize_axis(self.axis, len(shape))]))
        return (self.spread(grad) * (1.0 / builtins.max(count, 1)),)


class Max(_Reduction):
    """The largest element; tied maxima share the gradient equally."""

    name = "max"
    derivatives = ("1 at the maximum (ties share), 0 elsewhere",)
    reduction = "max"

    def forward(self, a):
        if a.size == 0:
            raise ValueError(f"{self.name} of an empty tensor (shape {a.shape}) has no value.")
        return super().forward(a)

    def backward(self, grad, out):
        a = self.parents[0].data
        axes = normalize_axis(self.axis, a.ndim)
        winners = a == array(out).reshape(kept_shape(a.shape, axes))
        share = winners / winners.sum(axis=axes, keepdims=True)
        return (self.spread(grad) * share.astype(a.dtype),)


class Min(Max):
    """The smallest element; tied minima share the gradient equally."""

    name = "min"
    derivatives = ("1 at the minimum (ties share), 0 elsewhere",)
    reduction = "min"


def sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over `axis` (all axes when None)."""
    return Sum.apply(a, axis=axis, keepdims=keepdims)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis`."""
    return Mean.apply(a, axis=axis, keepdims=keepdims)


def max(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Largest element over `axis`."""
    return Max.apply(a, axis=axis, keepdims=keepdims)


def min(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Smallest element over `axis`."""
    return Min.apply(a, axis=axis, keepdims=keepdims)


def var(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population variance mean((a - mean(a))^2), composed from differentiable ops."""
    centered = a - mean(a, axis=axis, keepdims=True)
    return mean(centered * centered, axis=axis, keepdims=keepdims)
