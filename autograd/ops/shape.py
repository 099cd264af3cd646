"""Ops that move elements without changing them: reshape, transpose, broadcast, indexing, joins.

Each backward moves the gradient back the same way, so it is again one of these ops.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, unbroadcast
from autograd.tensor import Tensor


class Reshape(Function):
    name = "reshape"
    derivatives = ("grad reshaped back to the input's shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, a):
        try:
            return a.reshape(self.shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {a.shape} ({a.size} elements) "
                             f"into shape {self.shape}; the number of elements must stay the same.") from None

    def backward(self, grad, out):
        return (grad.reshape(self.parents[0].shape),)


class Transpose(Function):
    name = "transpose"
    derivatives = ("grad transposed back",)

    def __init__(self, axes: Optional[tuple[int, ...]]) -> None:
        self.axes = axes

    def forward(self, a):
        return np.transpose(a, self.axes)

    def backward(self, grad, out):
        if self.axes is None:
            return (grad.transpose(),)
        return (grad.transpose(tuple(np.argsort(self.axes))),)


class BroadcastTo(Function):
    name = "broadcast_to"
    derivatives = ("grad summed over the broadcast axes",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, a):
        try:
            return np.broadcast_to(a, self.shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {a.shape} to {self.shape}; each "
                             "dimension must match or be 1.") from None

    def backward(self, grad, out):
        return (unbroadcast(grad, self.parents[0].shape),)


def _is_basic(index: tuple) -> bool:
    """True when the index has only ints, slices, None and Ellipsis, so no element repeats."""
    return all(isinstance(i, (int, np.integer, slice, type(None), type(Ellipsis))) for i in index)


class GetItem(Function):
    """a[index]; the gradient is scattered back, repeated indices adding up."""

    name = "getitem"
    symbol = "[]"
    derivatives = ("grad placed back at the indexed positions, 0 elsewhere",)

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, a):
        return a[self.index]

    def backward(self, grad, out):
        shape = self.parents[0].shape
        if isinstance(grad, Tensor):
            return (ScatterAdd.apply(grad, shape=shape, index=self.index),)
        return (scatter_add(np.asarray(grad), shape, self.index),)


def scatter_add(values: np.ndarray, shape: tuple[int, ...], index: tuple) -> np.ndarray:
    """zeros(shape) with `values` added at `index`; repeated indices add up."""
    result = np.zeros(shape, dtype=values.dtype)
    if _is_basic(index) or (len(index) == 1 and getattr(index[0], "dtype", None) == bool):
        result[index] = values
    else:
        np.add.at(result, index, values)
    return result


class ScatterAdd(Function):
    """zeros(shape) with `grad` added at `index` (the backward of indexing)."""

    name = "scatter_add"
    derivatives = ("grad read back at the indexed positions",)

    def __init__(self, shape: tuple[int, ...], index: tuple) -> None:
        self.shape, self.index = shape, index

    def forward(self, grad):
        return scatter_add(grad, self.shape, self.index)

    def backward(self, grad, out):
        return (grad[self.index],)


class Concatenate(Function):
    name = "concatenate"
    derivatives = ("the matching slice of grad",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays):
        try:
            return np.concatenate(arrays, axis=self.axis)
        except ValueError as error:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"concatenate along axis {self.axis}: shapes {shapes} do not fit "
                             f"({error}). All dimensions except axis {self.axis} must match.") from None

    def backward(self, grad, out):
        grads, start = [], 0
        axis = self.axis % grad.ndim
        for parent in self.parents:
            stop = start + parent.shape[axis]
            grads.append(grad[(slice(None),) * axis + (slice(start, stop),)])
            start = stop
        return tuple(grads)


class Stack(Function):
    name = "stack"
    derivatives = ("the matching slice of grad",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays):
        try:
            return np.stack(arrays, axis=self.axis)
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"stack: all tensors must have the same shape, got {shapes}.") from None

    def backward(self, grad, out):
        axis = self.axis % grad.ndim
        return tuple(grad[(slice(None),) * axis + (i,)] for i in range(len(self.parents)))


class AsType(Function):
    name = "astype"
    derivatives = ("grad cast back to the input's dtype",)

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, a):
        return a.astype(self.dtype)

    def backward(self, grad, out):
        return (grad.astype(self.parents[0].dtype),)


def _as_shape(shape: Any) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


def reshape(a: Tensor, shape: Any) -> Tensor:
    """The same elements in a new shape (one dimension may be -1)."""
    return Reshape.apply(lift(a), shape=_as_shape(shape))


def transpose(a: Tensor, axes: Optional[Sequence[int]] = None) -> Tensor:
    """Permute the axes (reverse them when `axes` is None)."""
    return Transpose.apply(lift(a), axes=None if axes is None else tuple(int(i) for i in axes))


def swapaxes(a: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, axes)


def squeeze(a: Tensor, axis: Any = None) -> Tensor:
    """Drop axes of length 1."""
    a = lift(a)
    return reshape(a, np.squeeze(np.empty(a.shape, dtype=bool), axis=axis).shape)


def expand_dims(a: Tensor, axis: Any) -> Tensor:
    """Insert an axis of length 1 at `axis`."""
    a = lift(a)
    return reshape(a, np.expand_dims(np.empty(a.shape, dtype=bool), axis).shape)


def broadcast_to(a: Tensor, shape: Any) -> Tensor:
    """Repeat `a` along new or length-1 axes to reach `shape` (a read-only view)."""
    a = lift(a)
    shape = _as_shape(shape)
    return a if a.shape == shape else BroadcastTo.apply(a, shape=shape)


def _normalize_index(index: Any) -> tuple:
    index = index if isinstance(index, tuple) else (index,)
    return tuple(i.data if isinstance(i, Tensor) else np.asarray(i) if isinstance(i, list) else i
                 for i in index)


def getitem(a: Tensor, index: Any) -> Tensor:
    """a[index] with numpy's rules: ints, slices, None, Ellipsis, boolean masks, integer arrays."""
    return GetItem.apply(a, index=_normalize_index(index))


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    return Concatenate.apply(*[lift(t) for t in tensors], axis=axis)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along a new axis."""
    return Stack.apply(*[lift(t) for t in tensors], axis=axis)


def astype(a: Tensor, dtype: Any) -> Tensor:
    """The same values in another dtype (gradients flow back in the original dtype)."""
    return AsType.apply(a, dtype=np.dtype(dtype))
