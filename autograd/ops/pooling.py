"""Pooling in Keras's channels-last layout: max_pool1d/2d and avg_pool1d/2d.

Inputs are NHWC (batch, height, width, channels; NWC in 1-D). A window of `pool_size` moves by
`stride` (default: pool_size) and reduces each channel on its own. padding "valid" drops the
windows that would stick out; "same" pads so the output has ceil(input / stride) cells (the odd
padding cell at the bottom/right, as in Keras and TensorFlow): max pooling pads with -inf and
average pooling leaves the padding cells out of its count.

Forward and backward loop over the cells of the window (pool_h * pool_w strided views), never
over pixels. The backward sends each output's gradient back to the cells it read, scaled:
by 1/count for the average, by 1 at the window's first maximum for the max.
"""
from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator, Optional

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift
from autograd.ops._windows import Window, check_fits, int_pair, padded, resolve_padding
from autograd.ops.indexing import ScatterAdd
from autograd.tensor import Tensor


def spread(grad: Any, window: Window, x_shape: tuple[int, ...], weights: Iterable[Any]) -> Any:
    """The input gradient of a pooling: for each window cell k, weights[k] * grad added back at
    the input cells that k read (`weights` gives one per cell, in the order of
    `window.offsets`). On Tensors every step is a recorded op (differentiable again)."""
    n, height, width, channels = x_shape
    shape = (n, *window.padded_size(height, width), channels)
    cells = zip(window.offsets(grad.shape[1:3]), weights)
    if isinstance(grad, Tensor):
        total = None
        for (_, _, index), weight in cells:
            term = ScatterAdd.apply(grad * weight, shape=shape, index=index)
            total = term if total is None else total + term
        return total[window.interior(height, width)]
    result = np.zeros(shape, dtype=grad.dtype)
    # Windows side by side (stride >= size) read each cell at most once: write, don't add.
    disjoint = all(step >= size for step, size in zip(window.stride, window.size))
    for (_, _, index), weight in cells:
        if disjoint:
            np.multiply(grad, weight, out=result[index])
        else:
            result[index] += grad * weight
    return result[window.interior(height, width)]


class MaxPool2d(Function):
    """out = the largest value of each window. The gradient goes to the window's first maximum
    in row-major order (ties: the top-left one wins), as in PyTorch and TensorFlow.

    The forward keeps only running maxima (one np.maximum per window cell); the backward finds
    each window's first maximum again by comparing every cell with the output."""

    name = "max_pool2d"
    derivatives = ("1 at each window's first maximum, 0 elsewhere",)

    def __init__(self, window: Window) -> None:
        self.window = window

    def forward(self, x):
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = padded(x, self.window.pads, lowest)
        best = None
        for _, _, index in self.window.offsets(self.window.output_size(*x.shape[1:3])):
            if best is None:
                best = xp[index].copy()
            else:
                np.maximum(best, xp[index], out=best)
        self.saved = xp
        return best

    def first_maxima(self, out: np.ndarray) -> Iterator[np.ndarray]:
        """For each window cell k in turn: where it holds its window's first maximum (row-major
        order), one boolean array at a time."""
        taken = None
        for _, _, index in self.window.offsets(out.shape[1:3]):
            hit = np.equal(self.saved[index], out)
            if taken is None:
                taken = hit.copy()
            else:
                np.greater(hit, taken, out=hit)  # on booleans a > b is "a and not b": not taken yet
                np.logical_or(taken, hit, out=taken)
            yield hit

    def backward(self, grad, out):
        maxima = self.first_maxima(out.data if isinstance(out, Tensor) else out)
        return (spread(grad, self.window, self.parents[0].shape, maxima),)


def counts(window: Window, in_hw: tuple[int, int], dtype: np.dtype) -> np.ndarray:
    """How many real (unpadded) cells each window holds: (out_h, out_w, 1)."""
    per_axis = []
    for axis, out_len in enumerate(window.output_size(*in_hw)):
        start = np.arange(out_len) * window.stride[axis]
        before = window.pads[axis][0]
        stop = np.minimum(start + window.size[axis], before + in_hw[axis])
        per_axis.append(stop - np.maximum(start, before))
    return np.multiply.outer(*per_axis)[..., None].astype(dtype)


class AvgPool2d(Function):
    """out = the mean of each window's real cells; d out / d x = 1/count for each of them."""

    name = "avg_pool2d"
    derivatives = ("1/count for each unpadded cell of the window",)

    def __init__(self, window: Window) -> None:
        self.window = window

    def forward(self, x):
        xp = padded(x, self.window.pads)
        total = None
        for _, _, index in self.window.offsets(self.window.output_size(*x.shape[1:3])):
            if total is None:
                total = xp[index].astype(np.result_type(x, np.float32), copy=True)
            else:
                total += xp[index]
        total /= counts(self.window, x.shape[1:3], total.dtype)
        return total

    def backward(self, grad, out):
        shape = self.parents[0].shape
        share = 1 / counts(self.window, shape[1:3], grad.dtype)
        return (spread(grad, self.window, shape, itertools.repeat(share)),)


def _pool_window(op: str, x_shape: tuple, pool_size: Any, stride: Optional[Any], padding: Any,
                 rank: int) -> Window:
    layout = "(batch, height, width, channels)" if rank == 2 else "(batch, length, channels)"
    if len(x_shape) != rank + 2:
        raise ValueError(f"{op}: the input must be {rank + 2}-D {layout}, channels last, got shape "
                         f"{x_shape}; for a single example add a batch axis with x[None].")
    if not (isinstance(padding, str) and padding.lower() in ("valid", "same")):
        raise ValueError(f'{op}: padding must be "valid" or "same" (as in Keras), got {padding!r}.')
    size = int_pair(pool_size, "pool_size", op, rank)
    stride = size if stride is None else int_pair(stride, "stride", op, rank)
    in_hw = tuple(x_shape[1:3]) if rank == 2 else (1, x_shape[1])
    window = Window(size, stride, (1, 1), resolve_padding(padding, op, in_hw, size, stride, (1, 1), rank))
    check_fits(op, window, in_hw, x_shape, "pool window", rank)
    return window


def max_pool2d(x: Any, pool_size: Any, stride: Optional[Any] = None, padding: str = "valid") -> Tensor:
    """Largest value of each pool_size window of x (batch, height, width, channels), NHWC.

    stride defaults to pool_size; padding "valid" or "same" (pads with -inf). The gradient goes
    to the first maximum of each window in row-major order."""
    x = lift(x)
    return MaxPool2d.apply(x, window=_pool_window("max_pool2d", x.shape, pool_size, stride, padding, 2))


def avg_pool2d(x: Any, pool_size: Any, stride: Optional[Any] = None, padding: str = "valid") -> Tensor:
    """Mean of each pool_size window of x (batch, height, width, channels), NHWC.

    stride defaults to pool_size; with padding "same" the padded cells are left out of each
    window's count (as in Keras), so border windows average fewer cells."""
    x = lift(x)
    return AvgPool2d.apply(x, window=_pool_window("avg_pool2d", x.shape, pool_size, stride, padding, 2))


def _pool1d(op: str, cls: type, x: Any, pool_size: Any, stride: Optional[Any], padding: str) -> Tensor:
    """A 2-D pooling over a height of 1."""
    x = lift(x)
    window = _pool_window(op, x.shape, pool_size, stride, padding, 1)
    n, length, channels = x.shape
    out = cls.apply(x.reshape((n, 1, length, channels)), window=window)
    return out.reshape((n,) + out.shape[2:])


def max_pool1d(x: Any, pool_size: Any, stride: Optional[Any] = None, padding: str = "valid") -> Tensor:
    """Largest value of each window of x (batch, length, channels), NWC; see max_pool2d."""
    return _pool1d("max_pool1d", MaxPool2d, x, pool_size, stride, padding)


def avg_pool1d(x: Any, pool_size: Any, stride: Optional[Any] = None, padding: str = "valid") -> Tensor:
    """Mean of each window of x (batch, length, channels), NWC; see avg_pool2d."""
    return _pool1d("avg_pool1d", AvgPool2d, x, pool_size, stride, padding)
