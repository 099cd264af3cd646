"""Normalization layers: BatchNormalization and LayerNormalization.

Both compute ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``; they differ in what the
statistics are taken over:

    BatchNormalization:  per channel (`axis`), over the batch and every other axis; in training
                         the batch's own statistics (and their gradient), otherwise the moving
                         averages kept during training.
    LayerNormalization:  per sample, over the feature axes (`axis`); the same in training and
                         inference.

Gradients flow through the mean and the variance too: they come from the autograd ops.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe, is_int
from nn.layers.base import Layer, Shape


def normalize_axes(axis: Any, ndim: int, layer: str) -> tuple[int, ...]:
    """`axis` (an int or ints, negatives counted from the end) as sorted non-negative axes of an
    input with `ndim` axes; the batch axis 0 is not allowed."""
    axes = [axis] if is_int(axis) else list(axis) if isinstance(axis, (tuple, list)) else None
    if not axes or not all(is_int(a) and -ndim <= a < ndim for a in axes):
        raise ValueError(f"{layer}: axis {axis!r} does not exist for inputs with {ndim} axes; use an int "
                         f"(or ints) between {-ndim} and {ndim - 1}, such as -1 for the last axis.")
    axes = sorted({int(a) % ndim for a in axes})
    if 0 in axes:
        raise ValueError(f"{layer}: axis {axis!r} is the batch axis; normalize the feature axes, e.g. axis=-1.")
    return tuple(axes)


def affine(centered: ag.Tensor, variance: ag.Tensor, epsilon: float, gamma: Optional[ag.Tensor],
           beta: Optional[ag.Tensor]) -> ag.Tensor:
    """gamma * centered / sqrt(variance + epsilon) + beta, the scale folded into one factor."""
    factor = 1.0 / ag.sqrt(variance + epsilon)
    if gamma is not None:
        factor = factor * gamma
    outputs = centered * factor
    return outputs if beta is None else outputs + beta


class BatchNormalization(Layer):
    """Batch normalization (Ioffe & Szegedy, 2015), per channel:

        training (fit):      y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta, with mean_B and
                             var_B (biased) over the batch, and then, without recording,
                             moving_mean <- momentum * moving_mean + (1 - momentum) * mean_B (the same
                             for moving_variance with var_B);
        inference (predict,  y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta.
        evaluate):

    A frozen layer (``trainable = False``) always runs in inference mode, as in Keras.

    Args:
        axis: the channel axis (default -1, channels last).
        momentum: how slowly the moving averages follow the batches.
        epsilon: added to the variance so the division is safe.
        center, scale: learn beta (an offset) and gamma (a scale).
        beta_initializer, gamma_initializer: as in Keras.
        moving_mean_initializer, moving_variance_initializer: as in Keras.
        beta_regularizer, gamma_regularizer: as in Keras.
        beta_constraint, gamma_constraint: projections applied after each optimizer step.

    Shape:
        output = input; weights ``[gamma, beta, moving_mean, moving_variance]``, each
        ``(channels,)``, the moving ones not trainable.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        if not is_int(axis):
            raise ValueError(f"{me}: axis must be an int (the channel axis, e.g. -1), got {axis!r}.")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{me}: momentum must lie in [0, 1] (0.99 keeps 99% of the moving average per "
                             f"batch), got {momentum!r}.")
        if not epsilon > 0:
            raise ValueError(f"{me}: epsilon must be positive (it keeps the division safe), got {epsilon!r}.")
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraint_argument(beta_constraint, "beta_constraint", me)
        self.gamma_constraint = constraint_argument(gamma_constraint, "gamma_constraint", me)
        self.gamma: Optional[ag.Tensor] = None
        self.beta: Optional[ag.Tensor] = None
        self.moving_mean: Optional[ag.Tensor] = None
        self.moving_variance: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        (axis,) = normalize_axes(self.axis, len(input_shape), describe(self))
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{describe(self)} needs a known size along axis {self.axis}, got {tuple(input_shape)}.")
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(channels,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(channels,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(name="moving_mean", shape=(channels,),
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(channels,),
                                               initializer=self.moving_variance_initializer, trainable=False)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        ndim = inputs.ndim
        (axis,) = normalize_axes(self.axis, ndim, describe(self))
        channels = self.moving_mean.shape[0]
        if inputs.shape[axis] != channels:
            raise ValueError(f"{describe(self)} was built for {channels} channels along axis {self.axis} but got "
                             f"inputs of shape {inputs.shape}; make a new layer for this input.")
        shape = tuple(channels if i == axis else 1 for i in range(ndim))  # broadcasts per channel
        gamma = None if self.gamma is None else self.gamma.reshape(shape)
        beta = None if self.beta is None else self.beta.reshape(shape)
        if training and self.trainable:
            others = tuple(i for i in range(ndim) if i != axis)
            mean = ag.mean(inputs, axis=others, keepdims=True)
            centered = inputs - mean
            variance = ag.mean(centered * centered, axis=others, keepdims=True)
            self.update_moving_statistics(mean.data, variance.data)
            return affine(centered, variance, self.epsilon, gamma, beta)
        centered = inputs - self.moving_mean.reshape(shape)
        return affine(centered, self.moving_variance.reshape(shape), self.epsilon, gamma, beta)

    def update_moving_statistics(self, mean: np.ndarray, variance: np.ndarray) -> None:
        """moving <- momentum * moving + (1 - momentum) * batch, on the arrays (not recorded)."""
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.data = (self.momentum * moving.data + (1.0 - self.momentum) * batch.reshape(-1)).astype(moving.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


class LayerNormalization(Layer):
    """Layer normalization (Ba et al., 2016), per sample over the feature axes `axis`:

        y = gamma * (x - mean) / sqrt(var + epsilon) + beta,  mean and var (biased) over `axis`

    Args:
        axis: the axis or axes to normalize over (default -1, the features).
        epsilon: added to the variance so the division is safe (Keras's 1e-3).
        center, scale: learn beta (an offset) and gamma (a scale) over the `axis` dimensions.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer: as in Keras.
        beta_constraint, gamma_constraint: projections applied after each optimizer step.

    Shape:
        output = input; weights ``[gamma, beta]``, each of the shape of the `axis` dimensions.
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        if not (is_int(axis) or (isinstance(axis, (tuple, list)) and axis and all(is_int(a) for a in axis))):
            raise ValueError(f"{me}: axis must be an int or a list of ints, such as -1, got {axis!r}.")
        if not epsilon > 0:
            raise ValueError(f"{me}: epsilon must be positive (it keeps the division safe), got {epsilon!r}.")
        self.axis = int(axis) if is_int(axis) else [int(a) for a in axis]
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraint_argument(beta_constraint, "beta_constraint", me)
        self.gamma_constraint = constraint_argument(gamma_constraint, "gamma_constraint", me)
        self.gamma: Optional[ag.Tensor] = None
        self.beta: Optional[ag.Tensor] = None

    def axes(self, ndim: int) -> tuple[int, ...]:
        return normalize_axes(self.axis, ndim, describe(self))

    def build(self, input_shape: Shape) -> None:
        shape = tuple(input_shape[a] for a in self.axes(len(input_shape)))
        if None in shape:
            raise ValueError(f"{describe(self)} needs known sizes along axis {self.axis}, got {tuple(input_shape)}.")
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        axes = self.axes(inputs.ndim)
        shape = tuple(n if i in axes else 1 for i, n in enumerate(inputs.shape))
        centered = inputs - ag.mean(inputs, axis=axes, keepdims=True)
        variance = ag.mean(centered * centered, axis=axes, keepdims=True)
        gamma = None if self.gamma is None else self.gamma.reshape(shape)
        beta = None if self.beta is None else self.beta.reshape(shape)
        return affine(centered, variance, self.epsilon, gamma, beta)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
