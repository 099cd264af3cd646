"""Keras's numpy ops on autograd Tensors: arithmetic, reductions, shapes and comparisons.

Each is autograd's function under Keras's name and arguments (``x``, ``x1``/``x2``, ``keepdims``
False), so the gradient of every differentiable one comes from autograd's op. Comparisons,
``floor``, ``round``, ``sign``, ``isnan`` and ``isfinite`` have no gradient (it is zero almost
everywhere); the constructors (``zeros``, ``arange``, ...) make leaves.
"""
from __future__ import annotations

import builtins
from typing import Any, Optional, Sequence

import numpy as np

import autograd as ag
from nn.ops.core import convert_to_tensor

Axis = Optional[Any]


# ---- elementwise ---------------------------------------------------------------------------------
def add(x1: Any, x2: Any) -> ag.Tensor:
    return ag.add(convert_to_tensor(x1), x2)


def subtract(x1: Any, x2: Any) -> ag.Tensor:
    return ag.sub(convert_to_tensor(x1), x2)


def multiply(x1: Any, x2: Any) -> ag.Tensor:
    return ag.mul(convert_to_tensor(x1), x2)


def divide(x1: Any, x2: Any) -> ag.Tensor:
    return ag.div(convert_to_tensor(x1), x2)


def true_divide(x1: Any, x2: Any) -> ag.Tensor:
    return divide(x1, x2)


def power(x1: Any, x2: Any) -> ag.Tensor:
    return ag.power(convert_to_tensor(x1), x2)


def maximum(x1: Any, x2: Any) -> ag.Tensor:
    return ag.maximum(convert_to_tensor(x1), x2)


def minimum(x1: Any, x2: Any) -> ag.Tensor:
    return ag.minimum(convert_to_tensor(x1), x2)


def negative(x: Any) -> ag.Tensor:
    return ag.neg(convert_to_tensor(x))


def abs(x: Any) -> ag.Tensor:  # noqa: A001 (Keras's name)
    return ag.abs(convert_to_tensor(x))


def absolute(x: Any) -> ag.Tensor:
    return abs(x)


def reciprocal(x: Any) -> ag.Tensor:
    return ag.reciprocal(convert_to_tensor(x))


def square(x: Any) -> ag.Tensor:
    return ag.square(convert_to_tensor(x))


def sqrt(x: Any) -> ag.Tensor:
    return ag.sqrt(convert_to_tensor(x))


def rsqrt(x: Any) -> ag.Tensor:
    """1 / sqrt(x)."""
    return ag.reciprocal(sqrt(x))


def exp(x: Any) -> ag.Tensor:
    return ag.exp(convert_to_tensor(x))


def log(x: Any) -> ag.Tensor:
    return ag.log(convert_to_tensor(x))


def log1p(x: Any) -> ag.Tensor:
    return ag.log1p(convert_to_tensor(x))


def sin(x: Any) -> ag.Tensor:
    return ag.sin(convert_to_tensor(x))


def cos(x: Any) -> ag.Tensor:
    return ag.cos(convert_to_tensor(x))


def tanh(x: Any) -> ag.Tensor:
    return ag.tanh(convert_to_tensor(x))


def erf(x: Any) -> ag.Tensor:
    return ag.erf(convert_to_tensor(x))


def clip(x: Any, x_min: Any, x_max: Any) -> ag.Tensor:
    return ag.clip(convert_to_tensor(x), x_min, x_max)


def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """`x1` where `condition` holds, else `x2`; with neither, the indices where it holds."""
    if x1 is None and x2 is None:
        held = np.nonzero(np.asarray(condition.data if isinstance(condition, ag.Tensor) else condition))
        return tuple(ag.Tensor(indices) for indices in held)
    return ag.where(condition, x1, x2)


# ---- without a gradient ----------------------------------------------------------------------------
def _values(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, ag.Tensor) else x)


def sign(x: Any) -> ag.Tensor:
    return ag.sign(convert_to_tensor(x))


def floor(x: Any) -> ag.Tensor:
    return ag.Tensor(np.floor(_values(x)))


def round(x: Any, decimals: int = 0) -> ag.Tensor:  # noqa: A001 (Keras's name)
    return ag.Tensor(np.round(_values(x), decimals))


def isnan(x: Any) -> ag.Tensor:
    return ag.Tensor(np.isnan(_values(x)))


def isfinite(x: Any) -> ag.Tensor:
    return ag.Tensor(np.isfinite(_values(x)))


def equal(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) == _values(x2))


def not_equal(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) != _values(x2))


def greater(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) > _values(x2))


def greater_equal(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) >= _values(x2))


def less(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) < _values(x2))


def less_equal(x1: Any, x2: Any) -> ag.Tensor:
    return ag.Tensor(_values(x1) <= _values(x2))


# ---- reductions ------------------------------------------------------------------------------------
def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:  # noqa: A001 (Keras's name)
    return ag.sum(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:
    return ag.mean(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:
    """The population variance (divided by n)."""
    return ag.var(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:
    """The population standard deviation (divided by n)."""
    return ag.std(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> ag.Tensor:  # noqa: A001
    result = ag.max(convert_to_tensor(x), axis=axis, keepdims=keepdims)
    return result if initial is None else ag.maximum(result, initial)


def min(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> ag.Tensor:  # noqa: A001
    result = ag.min(convert_to_tensor(x), axis=axis, keepdims=keepdims)
    return result if initial is None else ag.minimum(result, initial)


def prod(x: Any, axis: Axis = None, keepdims: bool = False, dtype: Any = None) -> ag.Tensor:
    x = convert_to_tensor(x, dtype)
    return ag.prod(x, axis=axis, keepdims=keepdims)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:
    return ag.logsumexp(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def norm(x: Any, ord: Any = None, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:
    return ag.norm(convert_to_tensor(x), ord=ord, axis=axis, keepdims=keepdims)


def cumsum(x: Any, axis: Optional[int] = None, dtype: Any = None) -> ag.Tensor:
    return ag.cumsum(convert_to_tensor(x, dtype), axis=axis)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:  # noqa: A001 (Keras's name)
    return ag.all(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> ag.Tensor:  # noqa: A001 (Keras's name)
    return ag.any(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: Optional[int] = None, keepdims: bool = False) -> ag.Tensor:
    return ag.argmax(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def argmin(x: Any, axis: Optional[int] = None, keepdims: bool = False) -> ag.Tensor:
    return ag.argmin(convert_to_tensor(x), axis=axis, keepdims=keepdims)


# ---- products ----------------------------------------------------------------------------------------
def matmul(x1: Any, x2: Any) -> ag.Tensor:
    return ag.matmul(convert_to_tensor(x1), convert_to_tensor(x2))


def dot(x1: Any, x2: Any) -> ag.Tensor:
    return ag.dot(convert_to_tensor(x1), convert_to_tensor(x2))


def outer(x1: Any, x2: Any) -> ag.Tensor:
    return ag.outer(convert_to_tensor(x1), convert_to_tensor(x2))


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> ag.Tensor:
    return ag.tensordot(convert_to_tensor(x1), convert_to_tensor(x2), axes=axes)


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> ag.Tensor:
    if kwargs:
        raise TypeError(f"ops.einsum takes no keyword arguments here, got {sorted(kwargs)}.")
    return ag.einsum(subscripts, *(convert_to_tensor(operand) for operand in operands))


# ---- shapes -----------------------------------------------------------------------------------------
def reshape(x: Any, newshape: Any) -> ag.Tensor:
    return ag.reshape(convert_to_tensor(x), newshape)


def transpose(x: Any, axes: Optional[Sequence[int]] = None) -> ag.Tensor:
    return ag.transpose(convert_to_tensor(x), axes)


def swapaxes(x: Any, axis1: int, axis2: int) -> ag.Tensor:
    return ag.swapaxes(convert_to_tensor(x), axis1, axis2)


def expand_dims(x: Any, axis: Any) -> ag.Tensor:
    return ag.expand_dims(convert_to_tensor(x), axis)


def squeeze(x: Any, axis: Axis = None) -> ag.Tensor:
    return ag.squeeze(convert_to_tensor(x), axis)


def broadcast_to(x: Any, shape: Sequence[int]) -> ag.Tensor:
    return ag.broadcast_to(convert_to_tensor(x), shape)


def concatenate(xs: Sequence[Any], axis: int = 0) -> ag.Tensor:
    return ag.concatenate([convert_to_tensor(x) for x in xs], axis=axis)


def stack(x: Sequence[Any], axis: int = 0) -> ag.Tensor:
    return ag.stack([convert_to_tensor(item) for item in x], axis=axis)


def tile(x: Any, repeats: Any) -> ag.Tensor:
    return ag.tile(convert_to_tensor(x), repeats)


def repeat(x: Any, repeats: Any, axis: Optional[int] = None) -> ag.Tensor:
    return ag.repeat(convert_to_tensor(x), repeats, axis=axis)


def flip(x: Any, axis: Axis = None) -> ag.Tensor:
    return ag.flip(convert_to_tensor(x), axis)


def roll(x: Any, shift: Any, axis: Axis = None) -> ag.Tensor:
    return ag.roll(convert_to_tensor(x), shift, axis)


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> ag.Tensor:
    return ag.pad(convert_to_tensor(x), pad_width, mode=mode, constant_values=0 if constant_values is None
                  else constant_values)


def tril(x: Any, k: int = 0) -> ag.Tensor:
    return ag.tril(convert_to_tensor(x), k)


def triu(x: Any, k: int = 0) -> ag.Tensor:
    return ag.triu(convert_to_tensor(x), k)


def take(x: Any, indices: Any, axis: Optional[int] = None) -> ag.Tensor:
    """The entries of `x` at `indices` along `axis` (of the flattened `x` when axis is None)."""
    x = convert_to_tensor(x)
    indices = _values(indices)
    if axis is None:
        return ag.reshape(x, (-1,))[indices]
    return x[(builtins.slice(None),) * (axis % x.ndim) + (indices,)]


def take_along_axis(x: Any, indices: Any, axis: Optional[int] = None) -> ag.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        return ag.take_along_axis(ag.reshape(x, (-1,)), _values(indices).reshape(-1), axis=0)
    return ag.take_along_axis(x, _values(indices), axis=axis)


# ---- new tensors --------------------------------------------------------------------------------------
def zeros(shape: Any, dtype: Any = None) -> ag.Tensor:
    return ag.zeros(shape, dtype=dtype or ag.get_default_dtype())


def ones(shape: Any, dtype: Any = None) -> ag.Tensor:
    return ag.ones(shape, dtype=dtype or ag.get_default_dtype())


def full(shape: Any, fill_value: Any, dtype: Any = None) -> ag.Tensor:
    return ag.full(shape, fill_value, dtype=dtype)


def zeros_like(x: Any, dtype: Any = None) -> ag.Tensor:
    return ag.zeros_like(convert_to_tensor(x), dtype=dtype)


def ones_like(x: Any, dtype: Any = None) -> ag.Tensor:
    return ag.ones_like(convert_to_tensor(x), dtype=dtype)


def eye(N: int, M: Optional[int] = None, k: int = 0, dtype: Any = None) -> ag.Tensor:  # noqa: N803 (Keras's names)
    return ag.Tensor(np.eye(N, M, k), dtype=dtype or ag.get_default_dtype())


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> ag.Tensor:
    return ag.arange(start, stop, 1 if step is None else step, dtype=dtype)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False, dtype: Any = None,
             axis: int = 0) -> Any:
    values = np.linspace(_values(start), _values(stop), num, endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        return ag.Tensor(values[0], dtype=dtype or ag.get_default_dtype()), values[1]
    return ag.Tensor(values, dtype=dtype or ag.get_default_dtype())
