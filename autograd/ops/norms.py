"""Sizes and spreads: norm (numpy's vector and matrix norms), var and std.

The Euclidean norm is the one primitive here, so that its gradient a / |a| can be defined as 0
at a = 0 (where sqrt(sum(a^2)) composed would give 0/0 = NaN); std is the Euclidean norm of
the deviations from the mean, so it inherits that. The rest are compositions.
"""
from __future__ import annotations

import math
from typing import Optional, Union

import numpy as np

from autograd.function import Function
from autograd.ops._common import array, lift, namespace
from autograd.ops.elementwise import abs
from autograd.ops.reduce import Axis, axis_arguments, kept_shape, max, mean, normalize_axis, sum
from autograd.tensor import Tensor

Order = Union[None, int, float, str]


class EuclideanNorm(Function):
    """sqrt(sum(a^2)) over `axis`; d/da = a / norm, taken as 0 where the norm is 0.

    The norm is a cone with no slope at its tip; 0 is a valid subgradient there and, unlike
    the formula's 0/0, keeps a training run free of NaN.
    """

    name = "norm"
    derivatives = ("{0}/{out} (0 where {out} = 0)",)

    def __init__(self, axis: Axis, keepdims: bool) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a):
        return np.sqrt((a * a).sum(axis=self.axis, keepdims=self.keepdims))

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        if not self.keepdims:
            shape = kept_shape(a.shape, normalize_axis(self.axis, a.ndim))
            grad, out = grad.reshape(shape), out.reshape(shape)
        at_zero = array(out) == 0
        if not at_zero.any():
            return (grad / out * a,)
        xp = namespace(grad)
        return (xp.where(at_zero, 0.0, grad / xp.where(at_zero, 1.0, out)) * a,)


def norm(a: Tensor, ord: Order = None, axis: Axis = None, keepdims: Optional[bool] = None, *,  # noqa: A002
         dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """numpy.linalg.norm: with `ord` None, the Euclidean (Frobenius) norm over `axis`, all axes
    when None. Over one axis, `ord` 2 is the same, 1 the sum of |a| and inf the largest |a|;
    over two axes (a matrix, or axis=None on a 2-d tensor), "fro" is Frobenius, 1 the largest
    column sum of |a| and inf the largest row sum. The gradient at a = 0 is 0.
    """
    axis, keepdims = axis_arguments("norm", axis, keepdims, dim, keepdim)
    a = lift(a)
    if ord is None:
        normalize_axis(axis, a.ndim)  # an axis out of range gets the clearer message
        return EuclideanNorm.apply(a, axis=axis, keepdims=keepdims)
    if axis is None:
        if a.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} names a vector or a matrix norm, but the tensor has shape "
                             f"{a.shape}; pass axis= (one axis for a vector norm, two for a matrix norm), "
                             "or leave ord as None for the Euclidean norm of every element.")
        axis = tuple(range(a.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalize_axis(axes, a.ndim)
    if len(axes) == 1:
        return _vector_norm(a, ord, int(axes[0]) % a.ndim, keepdims)
    if len(axes) == 2 and axes[0] % a.ndim != axes[1] % a.ndim:
        return _matrix_norm(a, ord, int(axes[0]) % a.ndim, int(axes[1]) % a.ndim, keepdims)
    raise ValueError(f"norm: ord={ord!r} needs one axis (a vector norm) or two different axes (a matrix "
                     f"norm), got axis={axis!r}.")


def _vector_norm(a: Tensor, ord: Order, axis: int, keepdims: bool) -> Tensor:
    if ord == 2:
        return EuclideanNorm.apply(a, axis=axis, keepdims=keepdims)
    if ord == 1:
        return sum(abs(a), axis=axis, keepdims=keepdims)
    if ord == math.inf:
        return max(abs(a), axis=axis, keepdims=keepdims)
    raise ValueError(f"norm: ord={ord!r} is not a vector norm autograd has; use None or 2 (Euclidean), "
                     "1 (sum of |a|) or inf (largest |a|).")


def _matrix_norm(a: Tensor, ord: Order, rows: int, columns: int, keepdims: bool) -> Tensor:
    if ord == "fro":
        return EuclideanNorm.apply(a, axis=(rows, columns), keepdims=keepdims)
    if ord not in (1, math.inf):
        raise ValueError(f"norm: ord={ord!r} is not a matrix norm autograd has (2 and 'nuc' need singular "
                         "values); use None or 'fro' (Frobenius), 1 (largest column sum of |a|) or inf "
                         "(largest row sum of |a|), or flatten for a vector norm.")
    summed, largest = (rows, columns) if ord == 1 else (columns, rows)
    out = max(sum(abs(a), axis=summed, keepdims=True), axis=largest, keepdims=True)
    if keepdims:
        return out
    return out.reshape(tuple(n for i, n in enumerate(a.shape) if i not in (rows, columns)))


def var(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *, ddof: int = 0,
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Variance sum((a - mean(a))^2) / (n - ddof) over `axis`: the population variance with
    ddof=0 (the default, as numpy), the unbiased sample variance with ddof=1 (PyTorch's default)."""
    axis, keepdims = axis_arguments("var", axis, keepdims, dim, keepdim)
    a = lift(a)
    degrees_of_freedom = _degrees_of_freedom("var", a, axis, ddof)
    centered = _deviations(a, axis)
    return sum(centered * centered, axis=axis, keepdims=keepdims) / float(degrees_of_freedom)


def std(a: Tensor, axis: Axis = None, keepdims: Optional[bool] = None, *, ddof: int = 0,
        dim: Axis = None, keepdim: Optional[bool] = None) -> Tensor:
    """Standard deviation sqrt(var(a, ddof=ddof)) over `axis`, ddof=0 by default as numpy.

    Computed as |a - mean(a)| / sqrt(n - ddof), so a constant `a` gets gradient 0, not NaN.
    """
    axis, keepdims = axis_arguments("std", axis, keepdims, dim, keepdim)
    a = lift(a)
    degrees_of_freedom = _degrees_of_freedom("std", a, axis, ddof)
    centered = _deviations(a, axis)
    return EuclideanNorm.apply(centered, axis=axis, keepdims=keepdims) / math.sqrt(degrees_of_freedom)


def _deviations(a: Tensor, axis: Axis) -> Tensor:
    """a - mean(a) over `axis`, computed as d - mean(d) for d = a - (a's first element there).

    The shift is a constant, so the function and its gradient stay the same, but a slice of
    equal values now deviates by exactly 0 (the mean of three 0.1s is not exactly 0.1): its
    std is 0 with gradient 0, not rounding noise with a slope of 1/noise.
    """
    axes = normalize_axis(axis, a.ndim)
    first = a.data[tuple(slice(0, 1) if i in axes else slice(None) for i in range(a.ndim))]
    shifted = a - first
    return shifted - mean(shifted, axis=axis, keepdims=True)


def _degrees_of_freedom(op: str, a: Tensor, axis: Axis, ddof: int) -> int:
    """n - ddof for the n elements each result reduces, or an error when that is not positive."""
    count = math.prod(a.shape[i] for i in normalize_axis(axis, a.ndim))
    if count - ddof <= 0:
        raise ValueError(f"{op}: ddof={ddof} with {count} element(s) per result leaves no degrees of freedom "
                         f"(n - ddof = {count - ddof}); reduce over more elements or lower ddof.")
    return count - ddof
