"""Ops that join, cut or rearrange tensors along axes: concatenate, stack, split, chunk, flip,
roll, pad, repeat.

Each element of the result is a copy of one input element (or a pad constant), so each
backward sends the gradient back to where the copies came from, copies of one element adding up.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, namespace
from autograd.ops.indexing import getitem
from autograd.ops.shape import axis_index, reshape
from autograd.tensor import Tensor

Axes = Union[None, int, Sequence[int]]


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


class Flip(Function):
    """out = a read backwards along `axis`; flipping is its own inverse, so is its backward."""

    name = "flip"
    derivatives = ("grad flipped back",)

    def __init__(self, axis: Optional[tuple[int, ...]]) -> None:
        self.axis = axis

    def forward(self, a):
        return np.flip(a, self.axis)

    def backward(self, grad, out):
        return (namespace(grad).flip(grad, self.axis),)


class Roll(Function):
    """out[(i + shift) mod n] = a[i] along `axis`; the gradient rolls back by -shift."""

    name = "roll"
    derivatives = ("grad rolled back by -shift",)

    def __init__(self, shift: Union[int, tuple[int, ...]], axis: Optional[tuple[int, ...]]) -> None:
        self.shift, self.axis = shift, axis

    def forward(self, a):
        return np.roll(a, self.shift, self.axis)

    def backward(self, grad, out):
        back = -self.shift if self.axis is None else tuple(-s for s in self.shift)
        return (namespace(grad).roll(grad, back, self.axis),)


class Pad(Function):
    """a surrounded by a constant: widths[i] = (before, after) for axis i.

    d out/d a is 1 on the interior copy of `a`, so the gradient is the interior of grad.
    """

    name = "pad"
    derivatives = ("grad's interior (the border holds constants)",)

    def __init__(self, widths: tuple[tuple[int, int], ...], value: Any) -> None:
        self.widths, self.value = widths, value

    def forward(self, a):
        return np.pad(a, self.widths, mode="constant", constant_values=self.value)

    def backward(self, grad, out):
        return (grad[tuple(slice(before, n - after) for (before, after), n in zip(self.widths, grad.shape))],)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    return Concatenate.apply(*_several("concatenate", tensors), axis=axis)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along a new axis."""
    return Stack.apply(*_several("stack", tensors), axis=axis)


def _several(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{op} takes a non-empty list of tensors, as in {op}([a, b]), got "
                        f"{'an empty list' if isinstance(tensors, (list, tuple)) else type(tensors).__name__}.")
    return [lift(t) for t in tensors]


def _pieces(a: Tensor, axis: int, bounds: Sequence[int]) -> list[Tensor]:
    """a[bounds[k]:bounds[k + 1]] along `axis` for each k."""
    return [getitem(a, (slice(None),) * axis + (slice(start, stop),))
            for start, stop in zip(bounds[:-1], bounds[1:])]


def split(a: Tensor, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """numpy's split: a list of pieces along `axis`.

    An int N cuts the axis into N equal pieces (an error when N does not divide its length);
    a list of indices cuts before each (``[2, 5]`` gives a[:2], a[2:5], a[5:]). PyTorch's
    ``split(size)`` takes a piece size instead; its chunk-count form is `chunk` here.
    """
    a = lift(a)
    axis = axis_index("split", axis, a.ndim)
    length = a.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(f"split: axis {axis} of length {length} does not divide into {sections} equal "
                             "pieces; give a count that divides it, a list of indices to cut at, or use "
                             "chunk (which lets the last piece be shorter).")
        bounds = [k * (length // sections) for k in range(sections + 1)]
    else:
        bounds = [0, *(int(i) for i in indices_or_sections), length]
    return _pieces(a, axis, bounds)


def chunk(a: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's chunk: pieces of ceil(n / chunks) along `dim`, the last one shorter if need be.

    There may be fewer than `chunks` pieces (6 elements in 4 chunks give three pieces of 2),
    as in PyTorch; an empty dimension gives `chunks` empty pieces.
    """
    if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}.")
    a = lift(a)
    dim = axis_index("chunk", dim, a.ndim)
    length = a.shape[dim]
    if length == 0:
        return tuple(_pieces(a, dim, [0] * (chunks + 1)))
    size = -(-length // chunks)
    return tuple(_pieces(a, dim, [*range(0, length, size), length]))


def flip(a: Tensor, axis: Axes = None) -> Tensor:
    """Reverse the order of elements along `axis` (an int, a tuple, or None for every axis)."""
    a = lift(a)
    if axis is not None:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        axis = tuple(axis_index("flip", ax, a.ndim) for ax in axes)
        if len(set(axis)) != len(axis):
            raise ValueError(f"flip: axis {axes} names an axis twice; list each axis once.")
    return Flip.apply(a, axis=axis)


def roll(a: Tensor, shift: Any, axis: Axes = None) -> Tensor:
    """numpy's roll: shift elements `shift` places along `axis`, those pushed off one end coming
    back at the other. With axis=None the tensor is rolled as if flat, then reshaped back;
    tuples of shifts and axes roll several axes at once.
    """
    a = lift(a)
    if axis is None:
        if not isinstance(shift, (int, np.integer)):
            raise ValueError(f"roll: with axis=None the shift must be one int, got {shift!r}; "
                             "give an axis for each shift.")
        return Roll.apply(a, shift=int(shift), axis=None)
    shifts = (int(shift),) if isinstance(shift, (int, np.integer)) else tuple(int(s) for s in shift)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if len(shifts) != len(axes) and 1 not in (len(shifts), len(axes)):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes; give one shift per axis.")
    count = max(len(shifts), len(axes))
    shifts, axes = shifts * (count // len(shifts)), axes * (count // len(axes))
    return Roll.apply(a, shift=shifts, axis=tuple(axis_index("roll", ax, a.ndim) for ax in axes))


_COPYING_MODES = ("reflect", "symmetric", "edge", "wrap")


def pad(x: Tensor, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Tensor:
    """numpy's pad: widen each axis by pad_width's (before, after) elements.

    pad_width is one int (every side), one (before, after) pair (every axis), or one pair per
    axis, in axis order (PyTorch's F.pad lists the last axis first instead). `mode`:
    "constant" fills with `constant_values`; "reflect" mirrors without repeating the edge
    (1 2 3 -> 3 2 | 1 2 3 | 2 1); "symmetric" mirrors repeating it; "edge" repeats the edge;
    "wrap" continues from the other end (PyTorch's "circular"). The copying modes read
    elements by index, so an element copied several times gets the sum of their gradients.
    """
    x = lift(x)
    if x.ndim == 0:
        raise ValueError("pad: a 0-d tensor has no axis to widen; reshape it to shape (1,) first.")
    widths = _pad_widths(pad_width, x.ndim)
    if mode == "constant":
        return Pad.apply(x, widths=widths, value=constant_values)
    if mode not in _COPYING_MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; use 'constant' or one of {_COPYING_MODES}.")
    if np.any(np.asarray(constant_values) != 0):
        raise ValueError(f"pad: constant_values is only used by mode='constant', not {mode!r}.")
    for axis, (before, after) in enumerate(widths):
        if before or after:
            length = x.shape[axis]
            if length == 0:
                raise ValueError(f"pad: axis {axis} is empty, so mode {mode!r} has nothing to copy; "
                                 "use mode='constant'.")
            positions = np.pad(np.arange(length), (before, after), mode=mode)
            x = getitem(x, (slice(None),) * axis + (positions,))
    return x


def _pad_widths(pad_width: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """pad_width in any of numpy's forms as one (before, after) pair per axis."""
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must hold integers, got {pad_width!r}.")
    try:
        pairs = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor with {ndim} dimensions; "
                         "give one int, one (before, after) pair, or one pair per axis.") from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width {pad_width!r} has a negative width; widths are 0 or more.")
    return tuple((int(before), int(after)) for before, after in pairs)


def repeat(a: Tensor, repeats: Any, axis: Optional[int] = None) -> Tensor:
    """numpy's repeat: each element repeated `repeats` times in place along `axis`
    ([1, 2] -> [1, 1, 2, 2]); `repeats` is one count or one per element; axis=None flattens first.

    Not PyTorch's ``Tensor.repeat``, which copies whole blocks: that is `tile` here; PyTorch's
    ``repeat_interleave`` is this. The gradient of each element is the sum over its copies.
    """
    a = lift(a)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    axis = axis_index("repeat", axis, a.ndim)
    counts = np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats)
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
        raise ValueError(f"repeat: repeats must be a count of 0 or more, or a list of them, got {repeats!r}.")
    length = a.shape[axis]
    if counts.ndim == 1 and counts.size not in (1, length):
        raise ValueError(f"repeat: {counts.size} counts for axis {axis} of length {length}; give one count, "
                         "or one per element.")
    return getitem(a, (slice(None),) * axis + (np.repeat(np.arange(length), counts),))
