"""Activation layers: an activation function as a layer, with its arguments."""
from __future__ import annotations

from typing import Any

import autograd as ag
from nn import activations
from nn.layers.base import Layer, Shape


class Softmax(Layer):
    """``y_i = exp(x_i) / sum_j exp(x_j)`` along `axis`: turns logits into probabilities, e.g.
    ``nn.Sequential([model, nn.layers.Softmax()])`` on a model that outputs logits.

    Args:
        axis: the axis to normalize along (default: the last).
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs: ag.Tensor) -> ag.Tensor:
        return activations.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
