"""Activation layers with arguments, as in Keras: Softmax(axis), ReLU(max_value, negative_slope,
threshold), LeakyReLU(negative_slope), ELU(alpha). Each applies the function of the same name
in `nn.activations`; `Activation("relu")` (in `nn.layers.core`) covers the rest, and PReLU,
whose slope is learned, is in `nn.layers.prelu`.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import activations
from nn.layers.arguments import describe, is_int
from nn.layers.base import Layer

# What a masked-out score becomes before a softmax (Keras's value): e^-1e9 is 0.
MASKED_SCORE = -1e9


def non_negative(value: Any, what: str, layer: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
        raise ValueError(f"{layer}: {what} must be a non-negative number, got {value!r}.")
    return float(value)


class Softmax(Layer):
    """``y = e^x / sum(e^x)`` along `axis` (an int, or several axes normalized together).

    Called with a `mask` (broadcastable to the input; True or > 0.5 where a value counts), the
    masked-out values get probability 0, as in Keras's attention scores.
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not (is_int(axis) or (isinstance(axis, (tuple, list)) and axis and all(is_int(a) for a in axis))):
            raise ValueError(f"{describe(self)}: axis must be an int or a list of ints, such as -1, got {axis!r}.")
        self.axis = int(axis) if is_int(axis) else [int(a) for a in axis]

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None, mask: Any = None) -> ag.Tensor:
        keep = None
        if mask is not None:
            keep = np.asarray(mask.data if isinstance(mask, ag.Tensor) else mask)
            keep = keep if keep.dtype == bool else keep > 0.5
            inputs = ag.where(keep, inputs, MASKED_SCORE)
        if is_int(self.axis) or len(self.axis) == 1:
            outputs = ag.softmax(inputs, self.axis if is_int(self.axis) else self.axis[0])
        else:
            outputs = ag.exp(inputs - ag.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        return outputs if keep is None else ag.where(keep, outputs, 0.0)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class ReLU(Layer):
    """The rectifier with Keras's options: ``y = min(x, max_value)`` for ``x > threshold``,
    ``negative_slope * (x - threshold)`` otherwise (plain max(x, 0) by default).

    Args:
        max_value: an upper bound (None: none); 6 gives ReLU6.
        negative_slope: the slope below the threshold (0: none).
        threshold: where the rectifier bends.
    """

    def __init__(self, max_value: Optional[float] = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        self.max_value = None if max_value is None else non_negative(max_value, "max_value", me)
        self.negative_slope = non_negative(negative_slope, "negative_slope", me)
        self.threshold = non_negative(threshold, "threshold", me)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        return activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """``y = x`` for ``x > 0``, ``negative_slope * x`` otherwise (Keras's layer default slope is
    0.3; the function ``nn.activations.leaky_relu`` defaults to 0.2, as in Keras)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.negative_slope = non_negative(negative_slope, "negative_slope", describe(self))

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        return activations.leaky_relu(inputs, self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """The exponential linear unit: ``y = x`` for ``x > 0``, ``alpha * (e^x - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        return activations.elu(inputs, self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
