"""The core layers: Dense, Activation, Dropout, Flatten, and `Input`, a model's symbolic input."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import numpy as np

import autograd as ag
from nn import activations, constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe
from nn.layers.base import Layer, Shape, as_shape
from nn.layers.node import KerasTensor, Node
from nn.utils import check_seed, get_rng


class Dense(Layer):
    """A fully connected layer: ``y = activation(x @ kernel + bias)``.

    Args:
        units: the number of outputs per sample (> 0).
        activation: a name such as "relu", a callable, or None (no activation).
        use_bias: add a learned bias vector.
        kernel_initializer, bias_initializer: names or callables ``init(shape, dtype)``.
        kernel_regularizer, bias_regularizer: penalties added to the training loss.
        kernel_constraint, bias_constraint: projections applied after each optimizer step,
            e.g. ``nn.constraints.MaxNorm(3)`` (see `nn.constraints`).

    Shape:
        input ``(batch, in_features)`` (or ``(..., in_features)``), output ``(batch, units)``;
        the kernel is ``(in_features, units)``, the bias ``(units,)``.

    Example:
        >>> layer = Dense(3, activation="relu")
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
    """

    supports_masking = True

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, *, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense layer {self.name!r}: units must be a positive integer (the number "
                             f"of outputs), got {units!r}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        if not isinstance(use_bias, (bool, np.bool_)):
            raise TypeError(f"Dense layer {self.name!r}: use_bias takes True or False, got {use_bias!r}.")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraint_argument(kernel_constraint, "kernel_constraint", describe(self))
        self.bias_constraint = constraint_argument(bias_constraint, "bias_constraint", describe(self))
        self.kernel: Optional[ag.Tensor] = None
        self.bias: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        in_features = input_shape[-1]
        if in_features is None or len(input_shape) < 2:
            raise ValueError(f"Dense layer {self.name!r} needs inputs of shape (batch, features) with a "
                             f"known number of features, got {input_shape}.")
        self.kernel = self.add_weight(shape=(in_features, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        in_features = self.kernel.shape[0]
        if inputs.ndim < 2 or inputs.shape[-1] != in_features:
            raise ValueError(f"Dense layer {self.name!r} was built for inputs of shape (batch, {in_features}) "
                             f"but got shape {inputs.shape}; give it {in_features} features per sample, or "
                             f"make a new layer for this input size.")
        if inputs.ndim == 2:
            outputs = ag.linear(inputs, self.kernel, self.bias)
        else:  # apply to the last axis of (..., in_features)
            flat = ag.linear(inputs.reshape((-1, in_features)), self.kernel, self.bias)
            outputs = flat.reshape((*inputs.shape[:-1], self.units))
        return outputs if self.activation is activations.linear else self.activation(outputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Activation(Layer):
    """Applies an activation function: ``y = activation(x)``, e.g. ``Activation("relu")``."""

    supports_masking = True

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: ag.Tensor) -> ag.Tensor:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability `rate` and scale the rest
    by 1 / (1 - rate), so the expected value is unchanged; outside training, the identity.

    Args:
        rate: the fraction of inputs to drop, in [0, 1).
        noise_shape: the shape of the keep/drop mask, broadcast against the input (None entries
            take the input's size), e.g. ``(None, 1, channels)`` to drop the same features at
            every step; None (the default) drops each input on its own.
        seed: a seed for this layer's own generator; None draws from `nn.utils.get_rng()`
            (reproducible with `nn.utils.set_random_seed`).
    """

    supports_masking = True

    def __init__(self, rate: float, noise_shape: Optional[Sequence[Optional[int]]] = None,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout layer {self.name!r}: rate is the fraction of inputs to drop and must "
                             f"lie in [0, 1), got {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = check_seed(seed, f"Dropout layer {self.name!r}")
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        rng = self._rng if self._rng is not None else get_rng()
        keep = rng.random(self.mask_shape(inputs.shape), dtype=np.float64) >= self.rate
        mask = keep.astype(inputs.dtype) * inputs.dtype.type(1.0 / (1.0 - self.rate))
        return inputs * mask

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def mask_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of the keep/drop mask for inputs of `input_shape`."""
        if self.noise_shape is None:
            return input_shape
        if len(self.noise_shape) != len(input_shape):
            raise ValueError(f"Dropout layer {self.name!r}: noise_shape {self.noise_shape} needs one entry per axis "
                             f"of the input of shape {input_shape}.")
        return tuple(size if noise is None else noise for noise, size in zip(self.noise_shape, input_shape))

    def get_config(self) -> dict:
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise_shape, "seed": self.seed}


class Flatten(Layer):
    """Reshape each sample to one axis: ``(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)``."""

    def call(self, inputs: ag.Tensor) -> ag.Tensor:
        return inputs.reshape((inputs.shape[0], -1))

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


class InputLayer(Layer):
    """The layer behind `Input`: it holds the shape of one sample and makes the model's symbolic
    input (`output`, a KerasTensor); it does no math.

    Args:
        shape: the shape of one sample, without the batch axis.
        batch_size: a fixed batch size (default None: any).
        dtype: the dtype of the data it takes (default: autograd's default float dtype).
        batch_shape: the shape with the batch axis, instead of shape and batch_size.
    """

    def __init__(self, shape: Any = None, batch_size: Optional[int] = None, dtype: Any = None,
                 batch_shape: Any = None, **kwargs: Any) -> None:
        if shape is None and batch_shape is None:
            shape = kwargs.pop("input_shape", None)
        if shape is None and batch_shape is None:
            raise ValueError("Input needs shape=, the shape of one sample without the batch axis, "
                             "e.g. Input(shape=(64,)).")
        if batch_shape is not None:
            batch_size, shape = batch_shape[0], batch_shape[1:]
        # What the data fed to a model is called in pictures of its graph: the name given, else x.
        self.tensor_name = kwargs.get("name") or "x"
        super().__init__(input_shape=shape, dtype=dtype, **kwargs)
        self.shape = as_shape(self.batch_input_shape[1:], f"Input {self.name!r}: shape")
        self.batch_shape: Shape = (batch_size, *self.shape)
        self.built = True
        Node(self, outputs=KerasTensor(self.batch_shape, self.dtype, name=self.name))

    def call(self, inputs: ag.Tensor) -> ag.Tensor:
        return inputs

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "name": self.name}


def Input(shape: Any = None, batch_size: Optional[int] = None, dtype: Any = None, batch_shape: Any = None,
          name: Optional[str] = None) -> KerasTensor:  # noqa: N802  (Keras's name)
    """A model's input: a KerasTensor of shape ``(batch_size, *shape)``, without values.

    Call layers on it to build a functional model, ``nn.Model(inputs, outputs)``; or start a
    Sequential with it, ``Sequential([Input(shape=(64,)), Dense(10)])``, which then builds at once.

    Example:
        >>> inputs = Input(shape=(4,), name="features")
        >>> outputs = Dense(2)(inputs)
        >>> outputs.shape
        (None, 2)
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name).output
