"""Regularization layers: active in training only (except ActivityRegularization's penalty),
the identity otherwise. Dropout itself is in `nn.layers.core`.

    SpatialDropout1D/2D:     drop whole channels (feature maps), not single values
    GaussianNoise(stddev):   add zero-mean Gaussian noise
    ActivityRegularization:  add l1 * sum|x| + l2 * sum x^2, over the batch size, to the loss
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import regularizers
from nn.layers.arguments import channels_last, check_rank, describe
from nn.layers.base import Layer
from nn.layers.core import Dropout
from nn.utils import get_rng


class SpatialDropout2D(Dropout):
    """Dropout of whole feature maps: in training each channel of each sample is zeroed with
    probability `rate` (at every pixel at once) and the rest scaled by 1 / (1 - rate).
    Neighbouring pixels are strongly correlated, so dropping single ones regularizes little.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        data_format: "channels_last" (or None, the same); the only layout supported.
        seed: as for Dropout.

    Shape: output = input ``(batch, height, width, channels)``.
    """

    rank = 2

    def __init__(self, rate: float, data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = channels_last(data_format, describe(self))

    def mask_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        check_rank(describe(self), input_shape, self.rank + 2)
        return (input_shape[0], *(1,) * self.rank, input_shape[-1])

    def get_config(self) -> dict:
        config = {**super().get_config(), "data_format": self.data_format}
        del config["noise_shape"]  # set by the layer, not an argument
        return config


class SpatialDropout1D(SpatialDropout2D):
    """Dropout of whole channels of sequences: each channel of each sample is zeroed at every
    step at once. Shape: output = input ``(batch, steps, channels)``."""

    rank = 1

    def __init__(self, rate: float, seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]  # Keras's SpatialDropout1D has none
        return config


class GaussianNoise(Layer):
    """Add noise in training: ``y = x + e``, ``e ~ N(0, stddev^2)`` drawn afresh for every value;
    outside training the identity. A form of data augmentation for real-valued inputs.

    Args:
        stddev: the noise's standard deviation, in [0, 1] as Keras requires.
        seed: a seed for this layer's own generator; None draws from `nn.utils.get_rng()`.
    """

    supports_masking = True  # as in Keras: a mask passes through unchanged

    def __init__(self, stddev: float, seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, (int, float)) or not 0 <= stddev <= 1:
            raise ValueError(f"{describe(self)}: stddev must be a number in [0, 1], got {stddev!r}.")
        self.stddev = float(stddev)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        if not training or self.stddev == 0.0:
            return inputs
        rng = self._rng if self._rng is not None else get_rng()
        return inputs + rng.normal(0.0, self.stddev, inputs.shape).astype(inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class ActivityRegularization(Layer):
    """The identity, plus a penalty on its inputs (activity, not weights) added to the loss:
    ``(l1 * sum|x| + l2 * sum x^2) / batch_size``, divided by the batch size as Keras 3 does.

    Args:
        l1, l2: the penalty's factors (non-negative).

    The penalty of the latest call is in `losses` (through `add_loss`), which a model adds to
    its training loss.
    """

    supports_masking = True  # as in Keras: a mask passes through unchanged

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.regularizer = regularizers.L1L2(l1=l1, l2=l2)
        self.l1, self.l2 = self.regularizer.l1, self.regularizer.l2

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        penalty = self.regularizer(inputs)
        self.add_loss(penalty / float(inputs.shape[0]) if inputs.ndim else penalty)
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
