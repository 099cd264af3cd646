"""PReLU: a ReLU whose negative slope is learned (He et al., 2015)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import autograd as ag
from nn import constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe
from nn.layers.base import Layer, Shape


class PReLU(Layer):
    """``y = x`` for ``x > 0``, ``y = alpha * x`` otherwise, with `alpha` learned per feature.

    Args:
        alpha_initializer: initial slopes (Keras's default "zeros" starts as a ReLU).
        alpha_regularizer: a penalty on the slopes.
        alpha_constraint: a projection of the slopes after each optimizer step.
        shared_axes: axes (counted without the batch axis, from 1) that share one slope,
            e.g. ``[1, 2]`` for one slope per channel of ``(batch, h, w, channels)`` inputs.

    Shape:
        output = input; `alpha` has the sample shape with each shared axis set to 1.
    """

    default_name = "prelu"
    supports_masking = True

    def __init__(self, alpha_initializer: Any = "zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Optional[Sequence[int]] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraint_argument(alpha_constraint, "alpha_constraint", describe(self))
        self.shared_axes = None if shared_axes is None else [int(a) for a in shared_axes]
        self.alpha: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        alpha_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(alpha_shape):
                raise ValueError(f"PReLU layer {self.name!r}: shared axis {axis} does not exist for inputs "
                                 f"of shape {input_shape}; use axes 1..{len(alpha_shape)}.")
            alpha_shape[axis - 1] = 1
        if None in alpha_shape:
            raise ValueError(f"PReLU layer {self.name!r} needs known sample dimensions, got {input_shape}.")
        self.alpha = self.add_weight(shape=alpha_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
                                     name="alpha")

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        return ag.where(inputs > 0, inputs, self.alpha * inputs)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
