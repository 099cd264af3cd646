"""Reductions: sum mean max min prod cumsum, and argmax argmin any all (which record nothing).

Each takes numpy's `axis` and `keepdims`, or PyTorch's `dim` and `keepdim` for the same thing.
"""
from __future__ import annotations

import builtins
import math
from typing import Optional, Sequence, Union

import numpy as np

from autograd.function import Function
from autograd.ops._common import array, lift, namespace
from autograd.tensor import Tensor

Axis = Union[None, int, Sequence[int]]


def normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """`axis` as a sorted tuple of non-negative ints (None means every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(axes, (tuple, list)) or not builtins.all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"axis must be an int or a tuple of ints (None for every axis), got {axis!r}.")
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"axis {a} is out of range for a tensor with {ndim} dimensions "
                f"(valid: {-ndim} to {ndim - 1}).")
    return tuple(sorted(int(a) % ndim for a in axes))


def axis_arguments(op: str, axis: Axis, keepdims: Optional[bool], dim: Axis,
                   keepdim: Optional[bool]) -> tuple[Axis, bool]:
    """numpy's `axis`/`keepdims`, or PyTorch's `dim`/`keepdim` for the same thing; not both."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: got both axis={axis!r} and dim={dim!r}, which name the same argument "
                            "(numpy's and PyTorch's spelling); pass only one of them.")
        axis = dim
    if keepdim is not None:
        if keepdims is not None:
            raise TypeError(f"{op}: got both keepdims={keepdims!r} and keepdim={keepdim!r}, which name the "
                            "same argument (numpy's and PyTorch's spelling); pass only one of them.")
        keepdims = keepdim
    return (tuple(axis) if isinstance(axis, list) else axis), bool(keepdims)


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
        return self.reduce_with(a, self.reduction)

    def reduce_with(self, a: np.ndarray, method: str) -> np.ndarray:
        try:
            return getattr(a, method)(axis=self.axis, keepdims=self.keepdims)
        except (np.exceptions.AxisError, TypeError):
            normalize_axis(self.axis, a.ndim)  # raises the clearer message
            raise

    def kept(self, reduced: Tensor) -> Tensor:
        """`reduced` (the output or its gradient) with the reduced axes kept as size 1, so that
        it broadcasts against the input."""
        if self.keepdims:
            return reduced
        shape = self.parents[0].shape
        return reduced.reshape(kept_shape(shape, normalize_axis(self.axis, len(shape))))

    def spread(self, grad: Tensor) -> Tensor:
        """Send the reduced gradient back over the reduced axes (the chain rule of a sum)."""
        shape = self.parents[0].shape
        if isinstance(grad, Tensor):
            return namespace(grad).broadcast_to(self.kept(grad), shape)
        spread = np.empty(shape, dtype=grad.dtype)  # a broadcasting copy: cheaper than np.broadcast_to
        spread[...] = self.kept(grad)
        return spread


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

    def forward(self, a):
        if a.dtype.char not in "fd":  # float16 and integers: numpy's own accumulator rules
            return super().forward(a)
        # what ndarray.mean computes (a pairwise sum, then a division), without its wrapper
        total = self.reduce_with(a, "sum")
        return total / math.prod(a.shape[i] for i in normalize_axis(self.axis, a.ndim))

    def backward(self, grad, out):
        shape = self.parents[0].shape
        count = math.prod(shape[i] for i in normalize_axis(self.axis, len(shape)))
        return (self.spread(grad * (1.0 / builtins.max(count, 1))),)


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


class Prod(_Reduction):
    """d prod(a) / d a_i = the product of the other elements, which is prod(a) / a_i without zeros.

    With zeros it is P / a_i * q_i, where P is the product of the nonzero elements (a_i counted as
    1 when it is 0) and q_i the product of the zeros other than a_i: 1 when there are none, 0 with
    two or more, and with exactly one it is that zero itself, kept as the recorded input rather
    than a constant 0, so that second derivatives stay right too.
    """

    name = "prod"
    derivatives = ("the product of the other elements",)
    reduction = "prod"

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        zeros = self.parents[0].data == 0
        if not zeros.any():
            return (self.kept(grad) * self.kept(out) / a,)
        xp = namespace(grad)
        axes = normalize_axis(self.axis, zeros.ndim)
        other_zeros = zeros.sum(axis=axes, keepdims=True) - zeros  # how many of the others are 0
        nonzero = xp.where(zeros, 1.0, a)
        zero_entries = xp.where(zeros, a, 0.0)
        other_zero = zero_entries.sum(axis=axes, keepdims=True) - zero_entries  # the one, if one
        product_of_other_zeros = xp.where(other_zeros == 0, 1.0, xp.where(other_zeros == 1, other_zero, 0.0))
        nonzero_product = xp.prod(nonzero, axis=axes, keepdims=True)
        return (self.kept(grad) * nonzero_product / nonzero * product_of_other_zeros,)


class Cumsum(Function):
    """out_i = a_0 + ... + a_i along `axis`: a_j adds to every out_i with i >= j, so its gradient
    is the sum of grad_i over i >= j, a cumulative sum taken from the far end."""

    name = "cumsum"
    derivatives = ("1 for {0}'s own and every later running total",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a):
        return np.cumsum(a, axis=self.axis)

    def backward(self, grad, out):
        backwards = (slice(None),) * self.axis + (slice(None, None, -1),)
        return (namespace(grad).cumsum(grad[backwards], axis=self.axis)[backwards],)


def sum(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A001
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Sum over `axis` (all axes when None)."""
    axis, keepdims = axis_arguments("sum", axis, keepdims, dim, keepdim)
    return Sum.apply(lift(a), axis=axis, keepdims=keepdims)


def mean(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,
         dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Arithmetic mean over `axis`."""
    axis, keepdims = axis_arguments("mean", axis, keepdims, dim, keepdim)
    return Mean.apply(lift(a), axis=axis, keepdims=keepdims)


def max(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A001
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Largest element over `axis`; tied maxima share the gradient.

    Only the values, as numpy gives them (PyTorch's `max(dim=...)` also returns indices: use
    `argmax` for those).
    """
    axis, keepdims = axis_arguments("max", axis, keepdims, dim, keepdim)
    return Max.apply(lift(a), axis=axis, keepdims=keepdims)


def min(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A001
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Smallest element over `axis`; tied minima share the gradient. Only the values (see `max`)."""
    axis, keepdims = axis_arguments("min", axis, keepdims, dim, keepdim)
    return Min.apply(lift(a), axis=axis, keepdims=keepdims)


def prod(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,
         dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Product over `axis` (all axes when None); the gradient is right with zeros in `a`."""
    axis, keepdims = axis_arguments("prod", axis, keepdims, dim, keepdim)
    return Prod.apply(lift(a), axis=axis, keepdims=keepdims)


def cumsum(a: Tensor, axis: Optional[int] = None, *, dim: Optional[int] = None) -> Tensor:
    """Running sums along `axis`; with axis None, along the flattened tensor (as numpy)."""
    axis, _ = axis_arguments("cumsum", axis, None, dim, None)
    a = lift(a)
    if axis is None:
        return Cumsum.apply(a.reshape((-1,)), axis=0)
    return Cumsum.apply(a, axis=_one_axis("cumsum", axis, a.ndim))


def argmax(a: Tensor, axis: Optional[int] = None, keepdims: Optional[bool] = None, *,
           dim: Optional[int] = None, keepdim: Optional[bool] = None) -> Tensor:
    """Index of the largest element along `axis` (into the flattened tensor when None), as int64;
    the first one on ties. An index has no gradient, so the result records nothing."""
    return _index_of_extreme("argmax", a, axis, keepdims, dim, keepdim)


def argmin(a: Tensor, axis: Optional[int] = None, keepdims: Optional[bool] = None, *,
           dim: Optional[int] = None, keepdim: Optional[bool] = None) -> Tensor:
    """Index of the smallest element along `axis` (into the flattened tensor when None), as int64;
    the first one on ties. An index has no gradient, so the result records nothing."""
    return _index_of_extreme("argmin", a, axis, keepdims, dim, keepdim)


def any(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A001
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Whether any element along `axis` is nonzero, as a bool tensor that records nothing."""
    return _logical("any", a, axis, keepdims, dim, keepdim)


def all(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A001
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Whether every element along `axis` is nonzero, as a bool tensor that records nothing."""
    return _logical("all", a, axis, keepdims, dim, keepdim)


def _one_axis(op: str, axis: Axis, ndim: int) -> int:
    """`axis` as one non-negative int, or an error saying that `op` takes exactly one."""
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op} works along one axis, given as an int, but got axis={axis!r}.")
    return normalize_axis(axis, ndim)[0]


def _index_of_extreme(op: str, a: Tensor, axis: Optional[int], keepdims: Optional[bool],
                      dim: Optional[int], keepdim: Optional[bool]) -> Tensor:
    axis, keepdims = axis_arguments(op, axis, keepdims, dim, keepdim)
    data = lift(a).data
    if axis is not None:
        axis = _one_axis(op, axis, data.ndim)
    if (data.size if axis is None else data.shape[axis]) == 0:
        raise ValueError(f"{op} of a tensor of shape {data.shape} along axis {axis}: there are no "
                         "elements to pick an index from.")
    index = getattr(data, op)(axis=axis, keepdims=keepdims)
    return Tensor._make(np.asarray(index, dtype=np.int64), False, None)


def _logical(op: str, a: Tensor, axis: Axis, keepdims: Optional[bool], dim: Axis,
             keepdim: Optional[bool]) -> Tensor:
    axis, keepdims = axis_arguments(op, axis, keepdims, dim, keepdim)
    data = lift(a).data
    normalize_axis(axis, data.ndim)  # an axis out of range gets the clearer message
    return Tensor._make(np.asarray(getattr(data, op)(axis=axis, keepdims=keepdims)), False, None)
