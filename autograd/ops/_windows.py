"""What convolution and pooling share: a window sliding over the two spatial axes of an NHWC
tensor (batch, height, width, channels), its padding, its output size, and the strided views
that show every window position at once for one offset inside the window."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator, Union

import numpy as np

Pair = tuple[int, int]
Padding = Union[str, int, tuple]


@dataclass(frozen=True)
class Window:
    """A `size` window moving by `stride`, its cells `dilation` apart, over an input padded by
    `pads` = ((top, bottom), (left, right)). Every field is a (height, width) pair."""

    size: Pair
    stride: Pair
    dilation: Pair
    pads: tuple[Pair, Pair]

    def span(self, axis: int) -> int:
        """Cells one window covers along `axis`, gaps of the dilation included."""
        return (self.size[axis] - 1) * self.dilation[axis] + 1

    def padded_size(self, height: int, width: int) -> Pair:
        (top, bottom), (left, right) = self.pads
        return height + top + bottom, width + left + right

    def output_size(self, height: int, width: int) -> Pair:
        """Window positions along each axis: (padded - span) // stride + 1."""
        padded = self.padded_size(height, width)
        return tuple((padded[a] - self.span(a)) // self.stride[a] + 1 for a in (0, 1))

    def offsets(self, out_hw: Pair) -> Iterator[tuple[int, int, tuple]]:
        """For each cell (i, j) of the window: the index into the padded input that picks that
        cell of every window position at once, an (N, out_h, out_w, C) strided view."""
        (out_h, out_w), (step_h, step_w), (gap_h, gap_w) = out_hw, self.stride, self.dilation
        for i in range(self.size[0]):
            rows = slice(i * gap_h, i * gap_h + (out_h - 1) * step_h + 1, step_h)
            for j in range(self.size[1]):
                cols = slice(j * gap_w, j * gap_w + (out_w - 1) * step_w + 1, step_w)
                yield i, j, (slice(None), rows, cols)

    def interior(self, height: int, width: int) -> tuple:
        """The index of the unpadded input inside the padded one."""
        (top, _), (left, _) = self.pads
        return slice(None), slice(top, top + height), slice(left, left + width)


def int_pair(value: Any, what: str, op: str, rank: int = 2, minimum: int = 1) -> Pair:
    """An int or a tuple of `rank` ints, each at least `minimum`, as a (height, width) pair (a
    1-D op gets height 1)."""
    values = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != rank or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in values):
        kind = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{op}: {what} must be an int or a tuple of {rank} ints, each {kind}, "
                         f"got {value!r}.")
    values = tuple(int(v) for v in values)
    return (1,) + values if rank == 1 else values


def resolve_padding(padding: Padding, op: str, in_hw: Pair, size: Pair, stride: Pair,
                    dilation: Pair, rank: int = 2) -> tuple[Pair, Pair]:
    """((top, bottom), (left, right)) for a padding given as Keras's "valid" (none) or "same"
    (output size ceil(input / stride); an odd cell left over goes to the bottom/right, as
    TensorFlow does), or explicitly: an int for every side, one int per axis for both its sides,
    or a (before, after) pair per axis. A 1-D op's padding is for its one axis."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return (0, 0), (0, 0)
        if mode == "same":
            pads = []
            for length, k, s, d in zip(in_hw, size, stride, dilation):
                total = max((math.ceil(length / s) - 1) * s + (k - 1) * d + 1 - length, 0)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise ValueError(f'{op}: padding must be "valid", "same", an int or a tuple, got {padding!r}.')
    explicit = _explicit_padding(padding, rank)
    if explicit is None:
        example = "2 or (1, 2)" if rank == 1 else "1, (1, 2) or ((1, 1), (2, 0))"
        raise ValueError(f'{op}: padding must be "valid", "same" or non-negative ints such as '
                         f"{example}, got {padding!r}.")
    return ((0, 0),) + explicit if rank == 1 else explicit


def _explicit_padding(padding: Any, rank: int):
    """A (before, after) pair per axis from an int, a pair per axis or ints per axis; None if
    the value has none of these forms or holds a negative number."""
    def count(v):
        return int(v) if isinstance(v, (int, np.integer)) and v >= 0 else None

    if count(padding) is not None:
        return ((count(padding),) * 2,) * rank
    if rank == 1 and isinstance(padding, (tuple, list)) and len(padding) == 2 and all(
            count(v) is not None for v in padding):
        return ((count(padding[0]), count(padding[1])),)
    if not isinstance(padding, (tuple, list)) or len(padding) != rank:
        return None
    pads = []
    for axis in padding:
        if count(axis) is not None:
            pads.append((count(axis),) * 2)
        elif isinstance(axis, (tuple, list)) and len(axis) == 2 and all(count(v) is not None for v in axis):
            pads.append((count(axis[0]), count(axis[1])))
        else:
            return None
    return tuple(pads)


def check_fits(op: str, window: Window, in_hw: Pair, x_shape: tuple, what: str, rank: int = 2) -> None:
    """Raise when some axis of the padded input is shorter than the window's span."""
    padded = window.padded_size(*in_hw)
    for axis in range(2 - rank, 2):
        if padded[axis] < window.span(axis):
            name = ("height", "width")[axis] if rank == 2 else "length"
            dilated = f" (dilated to {window.span(axis)})" if window.dilation[axis] > 1 else ""
            raise ValueError(
                f"{op}: the {what} of size {window.size[axis]}{dilated} along {name} does not fit "
                f"the input of shape {x_shape}, which is {padded[axis]} long there after padding; "
                f'use padding="same", a smaller {what} or a larger input.')


def padded(x: np.ndarray, pads: tuple[Pair, Pair], value: float = 0.0) -> np.ndarray:
    """`x` (N, H, W, C) with `value` in the padding cells (`x` itself when there are none)."""
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, height, width, channels = x.shape
    out = np.full((n, height + top + bottom, width + left + right, channels), value, dtype=x.dtype)
    out[:, top:top + height, left:left + width] = x
    return out
