"""Pooling layers, channels last: each channel is reduced on its own over windows or over all
positions.

    MaxPooling1D/2D, AveragePooling1D/2D:  the max / mean of each `pool_size` window, moving by
        `strides` (default: pool_size). With padding "same", max pooling ignores the padding and
        average pooling leaves padded cells out of each window's count, as Keras does.
    GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D:  the max / mean over every step (pixel):
        (batch, ..., channels) -> (batch, channels), or (batch, 1, ..., channels) with keepdims.

The window layers run ag.max_pool1d/2d and ag.avg_pool1d/2d; the gradient of a max goes to the
window's (first) largest cell, that of a mean is shared equally by the cells it averaged.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

import autograd as ag
from nn.layers.arguments import channels_last, check_rank, describe, int_tuple, padding_mode, window_output_length
from nn.layers.base import Layer, Shape


class BasePooling(Layer):
    """A `pool_size` window moving by `strides` over the `rank` spatial axes; a subclass names
    the op (`pool`) and its `rank`.

    Args:
        pool_size: an int or a tuple of `rank` ints: the window's size.
        strides: an int, a tuple, or None (= pool_size: windows side by side).
        padding: "valid" (windows that would stick out are dropped) or "same" (the output has
            ceil(input / stride) cells).
        data_format: "channels_last" (or None, the same); the only layout supported.
    """

    rank = 2
    pool: Callable[..., ag.Tensor]

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        self.pool_size = int_tuple(pool_size, self.rank, "pool_size", me)
        self.strides = self.pool_size if strides is None else int_tuple(strides, self.rank, "strides", me)
        self.padding = padding_mode(padding, me)
        self.data_format = channels_last(data_format, me)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        self.compute_output_shape(inputs.shape)
        return self.pool(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        check_rank(describe(self), input_shape, self.rank + 2)
        lengths = [window_output_length(length, size, stride, self.padding)
                   for length, size, stride in zip(input_shape[1:-1], self.pool_size, self.strides)]
        if any(length is not None and length <= 0 for length in lengths):
            raise ValueError(f"{describe(self)}: the input of shape {tuple(input_shape)} is smaller than "
                             f"pool_size={self.pool_size}; use padding=\"same\" or a smaller pool_size.")
        return (input_shape[0], *lengths, input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling2D(BasePooling):
    """The largest value of each window: ``out[n, i, j, c] = max_{a, b} x[n, i*sh + a, j*sw + b, c]``.

    Shape: ``(batch, height, width, channels)`` -> ``(batch, out_h, out_w, channels)``.

    Example:
        >>> MaxPooling2D()(np.ones((2, 28, 28, 32))).shape
        (2, 14, 14, 32)
    """

    pool = staticmethod(ag.max_pool2d)

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(BasePooling):
    """The largest value of each window of steps: ``(batch, steps, channels)`` -> ``(batch,
    out_steps, channels)``."""

    rank = 1
    pool = staticmethod(ag.max_pool1d)

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(BasePooling):
    """The mean of each window (pool_size has no default, as in Keras 3):
    ``(batch, height, width, channels)`` -> ``(batch, out_h, out_w, channels)``."""

    pool = staticmethod(ag.avg_pool2d)


class AveragePooling1D(BasePooling):
    """The mean of each window of steps (pool_size has no default, as in Keras 3):
    ``(batch, steps, channels)`` -> ``(batch, out_steps, channels)``."""

    rank = 1
    pool = staticmethod(ag.avg_pool1d)


class BaseGlobalPooling(Layer):
    """Reduce every spatial axis (all but batch and channels) with `reduce`.

    Args:
        data_format: "channels_last" (or None, the same); the only layout supported.
        keepdims: keep the reduced axes with length 1, e.g. (batch, 1, 1, channels).
    """

    rank = 2
    reduce: Callable[..., ag.Tensor]

    def __init__(self, data_format: Optional[str] = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = channels_last(data_format, describe(self))
        self.keepdims = bool(keepdims)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        check_rank(describe(self), inputs.shape, self.rank + 2)
        return self.reduce(inputs, axis=tuple(range(1, self.rank + 1)), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        check_rank(describe(self), input_shape, self.rank + 2)
        kept = (1,) * self.rank if self.keepdims else ()
        return (input_shape[0], *kept, input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over all pixels: ``(batch, height, width, channels)`` -> ``(batch, channels)``."""

    reduce = staticmethod(ag.mean)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """The max over all pixels: ``(batch, height, width, channels)`` -> ``(batch, channels)``."""

    reduce = staticmethod(ag.max)


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The max over all steps: ``(batch, steps, channels)`` -> ``(batch, channels)``."""

    rank = 1
    reduce = staticmethod(ag.max)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over all steps: ``(batch, steps, channels)`` -> ``(batch, channels)``.

    With a `mask` (batch, steps) of which steps are real (padding False), the mean is over the
    real steps only, as Keras does after an Embedding with mask_zero=True:
    ``out[n, c] = sum_t mask[n, t] x[n, t, c] / sum_t mask[n, t]``.
    """

    rank = 1
    reduce = staticmethod(ag.mean)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None, mask: Any = None) -> ag.Tensor:
        if mask is None:
            return super().call(inputs, training)
        check_rank(describe(self), inputs.shape, 3)
        weights = np.asarray(mask.data if isinstance(mask, ag.Tensor) else mask).astype(inputs.dtype)
        if weights.shape != inputs.shape[:2]:
            raise ValueError(f"{describe(self)}: the mask must have shape (batch, steps) = {inputs.shape[:2]}, "
                             f"got {weights.shape}.")
        weights = weights[:, :, None]
        return ag.sum(inputs * weights, axis=1, keepdims=self.keepdims) / weights.sum(axis=1, keepdims=self.keepdims)
