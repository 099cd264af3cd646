"""Ops that change a tensor's shape or the order of its axes, not its elements: reshape,
transpose / permute, squeeze / unsqueeze, flatten, broadcast_to, tile, and the dtype cast.

Each backward moves the gradient back the same way, so it is again one of these ops.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from autograd.dtypes import as_dtype
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
    """out's axis i is a's axis axes[i]; the gradient goes back by the inverse permutation."""

    name = "transpose"
    derivatives = ("grad transposed back",)

    def __init__(self, axes: Optional[tuple[int, ...]]) -> None:
        self.axes = axes  # None (reverse all) or a permutation of 0 .. ndim - 1, none negative

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


class AsType(Function):
    name = "astype"
    derivatives = ("grad cast back to the input's dtype",)

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, a):
        return a.astype(self.dtype)

    def backward(self, grad, out):
        return (grad.astype(self.parents[0].dtype),)


def axis_index(op: str, axis: Any, ndim: int) -> int:
    """`axis` as an index 0 .. ndim - 1 (negative counts from the end), or an error naming `op`."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -ndim <= axis < ndim:
        valid = f"{-ndim} to {ndim - 1}" if ndim else "none, a 0-d tensor has no axes"
        raise np.exceptions.AxisError(f"{op}: axis {axis!r} is out of range for a tensor with {ndim} "
                                      f"dimensions (valid: {valid}).")
    return int(axis) % ndim


def _as_shape(shape: Any) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(dims, (tuple, list, np.ndarray)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in dims):
        raise TypeError(f"reshape: the new shape is made of integers (one may be -1), as in reshape(2, 3) or "
                        f"reshape((2, 3)); got {shape!r}.")
    return tuple(int(n) for n in dims)


def reshape(a: Tensor, shape: Any) -> Tensor:
    """The same elements in a new shape (one dimension may be -1)."""
    return Reshape.apply(lift(a), shape=_as_shape(shape))


def transpose(a: Tensor, axes: Optional[Sequence[int]] = None) -> Tensor:
    """numpy's transpose: out's axis i is a's axis axes[i] (all axes reversed when None).

    `axes` lists every axis once; negative ones count from the end. Unlike PyTorch's
    ``transpose(dim0, dim1)``, which swaps two axes (that is `swapaxes` here).
    """
    a = lift(a)
    if axes is None:
        return Transpose.apply(a, axes=None)
    if isinstance(axes, (int, np.integer)):
        raise TypeError(f"transpose: axes lists every axis in its new order, e.g. transpose(1, 0) for a matrix, "
                        f"but got only {axes!r}; to exchange two axes (PyTorch's transpose(dim0, dim1)) use "
                        f"swapaxes(dim0, dim1).")
    order = tuple(axis_index("transpose", axis, a.ndim) for axis in axes)
    if sorted(order) != list(range(a.ndim)):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of the {a.ndim} axes of a "
                         f"tensor of shape {a.shape}; list each axis once, e.g. {tuple(range(a.ndim))[::-1]}.")
    return Transpose.apply(a, axes=order)


def permute(a: Tensor, *dims: Any) -> Tensor:
    """PyTorch's permute: out's axis i is a's axis dims[i]; ``permute(x, 1, 0)`` or
    ``permute(x, (1, 0))``. The same as numpy's transpose with every axis listed."""
    if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        dims = tuple(dims[0])
    return transpose(a, dims)


def swapaxes(a: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (PyTorch's two-argument transpose)."""
    a = lift(a)
    axes = list(range(a.ndim))
    axis1, axis2 = axis_index("swapaxes", axis1, a.ndim), axis_index("swapaxes", axis2, a.ndim)
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


def unsqueeze(a: Tensor, dim: int) -> Tensor:
    """PyTorch's unsqueeze: insert an axis of length 1 so that it becomes axis `dim`
    (-a.ndim - 1 .. a.ndim; negative counts from the end of the result)."""
    a = lift(a)
    dim = axis_index("unsqueeze", dim, a.ndim + 1)
    return reshape(a, a.shape[:dim] + (1,) + a.shape[dim:])


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes start_dim .. end_dim (both included) into one; by default all, giving 1-D.

    A 0-d tensor becomes 1-D with one element (as in numpy and PyTorch).
    """
    a = lift(a)
    if a.ndim == 0:
        return reshape(a, (1,))
    start, end = axis_index("flatten", start_dim, a.ndim), axis_index("flatten", end_dim, a.ndim)
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of "
                         f"shape {a.shape}; give start_dim <= end_dim.")
    merged = int(np.prod(a.shape[start:end + 1]))
    return reshape(a, a.shape[:start] + (merged,) + a.shape[end + 1:])


def broadcast_to(a: Tensor, shape: Any) -> Tensor:
    """Repeat `a` along new or length-1 axes to reach `shape` (a read-only view)."""
    a = lift(a)
    shape = _as_shape(shape)
    return a if a.shape == shape else BroadcastTo.apply(a, shape=shape)


def astype(a: Tensor, dtype: Any) -> Tensor:
    """The same values in another dtype (gradients flow back in the original dtype)."""
    return AsType.apply(a, dtype=as_dtype(dtype))


def tile(a: Tensor, reps: Any) -> Tensor:
    """numpy's tile: `a` repeated reps[i] times along axis i, as whole blocks.

    A shorter `reps` is padded with 1s in front, a shorter `a` gets leading axes of length 1.
    (PyTorch calls this ``Tensor.repeat``.) Built as reshape, broadcast_to, reshape, so the
    gradient of each element is the sum over its copies.
    """
    a = lift(a)
    reps = _as_shape(reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps {reps} has a negative count; each count must be 0 or more.")
    ndim = max(a.ndim, len(reps))
    shape = (1,) * (ndim - a.ndim) + a.shape
    reps = (1,) * (ndim - len(reps)) + reps
    # Axis i of length n becomes a pair (r, n): a length-1 copy axis stretched r times.
    paired = reshape(a, tuple(m for n in shape for m in (1, n)))
    copies = broadcast_to(paired, tuple(m for r, n in zip(reps, shape) for m in (r, n)))
    return reshape(copies, tuple(r * n for r, n in zip(reps, shape)))
