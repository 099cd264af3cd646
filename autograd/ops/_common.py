"""What every op family shares: operands as Tensors, the namespace a backward computes in,
and un-broadcasting gradients."""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

import autograd.ops  # complete by the time any backward asks for it
from autograd.dtypes import to_array
from autograd.numeric import matrix_sum
from autograd.tensor import Tensor


def namespace(x: Any) -> ModuleType:
    """`autograd.ops` for a Tensor, numpy for an array: the same names (exp, where, ...) in both,
    so one backward serves a plain pass on arrays and a recorded one on Tensors."""
    return autograd.ops if isinstance(x, Tensor) else np


def array(x: Any) -> np.ndarray:
    """The ndarray behind a Tensor, or the array itself."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def lift(x: Any, like: Tensor | None = None) -> Tensor:
    """`x` as a Tensor. Numbers and arrays next to a float tensor take its dtype, so float32
    stays float32 (no silent upcast) and float64 stays float64."""
    if isinstance(x, Tensor):
        return x
    if like is not None and like._data.dtype.kind == "f":
        if (type(x) is float or type(x) is int) and x != 0:  # keep the sign of -0.0
            return _constant(x, like._data.dtype)
        if type(x) in (float, int, bool) or isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
            return Tensor._make(np.asarray(x, dtype=like._data.dtype), False, None)
        return Tensor._make(to_array(x, like._data.dtype), False, None)  # refuses None, strings, ...
    return Tensor(x)


# Read-only constant tensors for Python numbers, by (value, float dtype): `x * 0.5` in a loop
# makes its constant once. Bounded, so a loop over ever-new numbers does not grow it.
_CONSTANTS: dict[tuple[float, np.dtype], Tensor] = {}
_MAX_CONSTANTS = 256


def _constant(value: float, dtype: np.dtype) -> Tensor:
    key = (value, dtype)
    constant = _CONSTANTS.get(key)
    if constant is None:
        array = np.asarray(value, dtype=dtype)
        array.flags.writeable = False
        constant = Tensor._make(array, False, None)
        if len(_CONSTANTS) < _MAX_CONSTANTS:
            _CONSTANTS[key] = constant
    return constant


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors of one dtype when one is float (see `promote`),
    each number matching the other operand's dtype."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):  # below, `is` settles the common case of one dtype in ~30 ns
            return (a, b) if a._data.dtype is b._data.dtype else promote(a, b)
        if type(b) is float or type(b) is int:  # the common `x * 0.5`: a constant made before
            constant = _CONSTANTS.get((b, a._data.dtype))
            if constant is not None:
                return a, constant
        b = lift(b, a)
        return (a, b) if b._data.dtype is a._data.dtype else promote(a, b)
    b = lift(b)
    a = lift(a, b)
    return (a, b) if a._data.dtype is b._data.dtype else promote(a, b)


def promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """The operands of a binary op, an integer or bool one cast to the other's float dtype.

    PyTorch's and Keras's rule: float beats int and the float's width is kept, so float32 times
    int64 is float32 (numpy would give float64) and an int batch fed to a float32 layer gives
    float32. Two floats, or two integers, combine as numpy says (float32 + float64 is float64).
    This is the one place ops decide the dtype of mixed operands.
    """
    a_kind, b_kind = a._data.dtype.kind, b._data.dtype.kind
    if a_kind == "f" and b_kind in "biu":
        return a, _cast(b, a._data.dtype)
    if b_kind == "f" and a_kind in "biu":
        return _cast(a, b._data.dtype), b
    return a, b


def _cast(t: Tensor, dtype: np.dtype) -> Tensor:
    return autograd.ops.astype(t, dtype) if t.requires_grad else Tensor._make(t._data.astype(dtype), False, None)


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum `grad` (an array or a Tensor) over the axes broadcasting stretched, back to `shape`.

    Broadcasting copies an input along new or size-1 axes; by the chain rule each copy's
    gradient adds up. This is the one place in the engine that undoes broadcasting.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    if stretched and stretched == tuple(range(len(stretched))) and grad.size:
        # A bias added along the leading axes (every row, every pixel): the common case.
        rows = math.prod(grad.shape[:len(stretched)])
        return matrix_sum(grad.reshape((rows, grad.size // rows)), 0).reshape(shape)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)


def broadcast_shapes(op: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape, or an error naming the op and both shapes."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise ValueError(
            f"{op}: shapes {listed} cannot be broadcast together. Trailing dimensions must be "
            "equal or 1; reshape one operand (for example with .reshape or expand_dims).") from None
