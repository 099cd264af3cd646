"""Masking: mark the time steps whose features all equal `mask_value` as padding."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn.layers.base import Layer


class Masking(Layer):
    """Skip padded steps downstream: a step is masked when every feature equals `mask_value`.

    The output is the input with masked steps set to 0, and carries the mask (batch, steps)
    that recurrent layers use to skip those steps (see `nn.layers.masks`).

    Args:
        mask_value: the value that fills a padding step (default 0.0).

    Example:
        >>> model = Sequential([Input(shape=(10, 8)), Masking(), LSTM(32)])
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        keep = self.compute_mask(inputs, None)
        return inputs * keep[..., None].astype(inputs.dtype)

    def compute_mask(self, inputs: ag.Tensor, mask: Any) -> np.ndarray:
        """True for the steps with at least one feature different from mask_value."""
        return np.any(inputs.data != self.mask_value, axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
