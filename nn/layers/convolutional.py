"""Convolution layers, channels last: Conv1D, Conv2D and Conv2DTranspose.

``BaseConv`` holds what every convolution layer shares (the window arguments, the input checks,
the bias and the activation); each layer adds its kernel and the op that applies it:

    Conv2D:           y = activation(conv2d(x, kernel) + bias)            kernel (kh, kw, in // groups, filters)
    Conv1D:           y = activation(conv1d(x, kernel) + bias)            kernel (k, in // groups, filters)
    Conv2DTranspose:  y = activation(conv_transpose2d(x, kernel) + bias)  kernel (kh, kw, filters, in)

Kernels are laid out exactly as Keras 3 stores them, so ``layer.set_weights(keras_layer.get_weights())``
reproduces a Keras layer. Gradients come from the autograd ops (im2col and one matrix product).
DepthwiseConv2D and SeparableConv2D build on BaseConv in `nn.layers.separable_convolutional`.
"""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
from nn import activations, constraints, initializers, regularizers
from nn.layers.arguments import (channels_last, check_rank, constraint_argument, describe, int_tuple, is_int,
                                 padding_mode, window_output_length)
from nn.layers.base import Layer, Shape


class BaseConv(Layer):
    """What the convolution layers share: a window of `kernel_size` moving by `strides` over the
    `rank` spatial axes of channels-last inputs, then a bias and an activation.

    Args:
        kernel_size: an int or a tuple of `rank` ints: the window's size.
        strides: an int or a tuple of `rank` ints: the window's step.
        padding: "valid" (no padding: the output shrinks) or "same" (zeros around the input so
            the output has ceil(input / stride) cells; an odd padding cell goes to the end).
        data_format: "channels_last" (or None, the same); the only layout supported.
        dilation_rate: an int or a tuple: the gap between kernel cells (an atrous convolution).
            Keras allows strides > 1 or dilation_rate > 1, not both.
        activation: a name such as "relu", a callable, or None (no activation).
        use_bias: add a learned bias per output channel.
        bias_initializer, bias_regularizer, bias_constraint: as for Dense.
    """

    rank = 2  # spatial axes; a subclass sets 1 for sequences

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 bias_initializer: Any = "zeros", bias_regularizer: Any = None, *, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        self.kernel_size = int_tuple(kernel_size, self.rank, "kernel_size", me)
        self.strides = int_tuple(strides, self.rank, "strides", me)
        self.padding = padding_mode(padding, me, allow_causal=self.rank == 1)
        self.data_format = channels_last(data_format, me)
        self.dilation_rate = int_tuple(dilation_rate, self.rank, "dilation_rate", me)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{me}: strides={self.strides} and dilation_rate={self.dilation_rate} cannot both "
                             f"exceed 1 (as in Keras); keep one of them at 1.")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraint_argument(bias_constraint, "bias_constraint", me)
        self.kernel: Optional[ag.Tensor] = None
        self.bias: Optional[ag.Tensor] = None

    # ---- what a subclass writes ----------------------------------------------------------------
    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        """The layer's op on a checked input, bias included (fused into the op where it can be),
        before the activation."""
        raise NotImplementedError

    def output_channels(self, input_channels: int) -> int:
        raise NotImplementedError

    # ---- shared --------------------------------------------------------------------------------
    def input_channels(self, input_shape: Shape) -> int:
        """The channels of a valid input shape (the last axis), or a clear error."""
        check_rank(describe(self), input_shape, self.rank + 2)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"{describe(self)} needs a known number of channels (the last axis), got input "
                             f"shape {tuple(input_shape)}.")
        return int(channels)

    def add_bias(self, units: int) -> None:
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        self.compute_output_shape(inputs.shape)  # clear errors for a wrong rank or too small an input
        channels, built_for = inputs.shape[-1], self.input_spec[-1]
        if channels != built_for:
            raise ValueError(f"{describe(self)} was built for inputs with {built_for} channels but got shape "
                             f"{inputs.shape}; make a new layer for {channels} channels.")
        outputs = self.convolve(inputs)
        return outputs if self.activation is activations.linear else self.activation(outputs)

    def spatial_output(self, input_shape: Shape) -> list[Optional[int]]:
        """The output's spatial lengths; an error when a window does not fit."""
        lengths = [window_output_length(length, size, stride, self.padding, dilation)
                   for length, size, stride, dilation in zip(input_shape[1:-1], self.kernel_size, self.strides,
                                                             self.dilation_rate)]
        if any(length is not None and length <= 0 for length in lengths):
            raise ValueError(f"{describe(self)}: the input of shape {tuple(input_shape)} is smaller than the kernel "
                             f"{self.kernel_size} (dilation {self.dilation_rate}), so the output would be empty; "
                             f'use padding="same", a smaller kernel_size or a larger input.')
        return lengths

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        channels = self.input_channels(input_shape)
        return (input_shape[0], *self.spatial_output(input_shape), self.output_channels(channels))

    def get_config(self) -> dict:
        return {**super().get_config(), "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "bias_initializer": initializers.serialize(self.bias_initializer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


def check_filters(filters: Any, layer: str) -> int:
    if not is_int(filters) or filters <= 0:
        raise ValueError(f"{layer}: filters must be a positive int (the number of output channels), "
                         f"got {filters!r}.")
    return int(filters)


class Conv(BaseConv):
    """A convolution with `filters` output channels: Conv1D and Conv2D set `rank` and the op.

    Args:
        filters: the number of output channels.
        groups: split input and output channels into this many independent convolutions
            (both channel counts must divide by it); 1 is an ordinary convolution.
        kernel_initializer, kernel_regularizer, kernel_constraint: as for Dense.
        The window arguments are BaseConv's.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: Optional[str] = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, *, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, bias_constraint=bias_constraint, **kwargs)
        me = describe(self)
        self.filters = check_filters(filters, me)
        if not is_int(groups) or groups <= 0 or self.filters % groups:
            raise ValueError(f"{me}: groups must be a positive int that divides filters={self.filters}, "
                             f"got {groups!r}.")
        self.groups = int(groups)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraint_argument(kernel_constraint, "kernel_constraint", me)

    def build(self, input_shape: Shape) -> None:
        channels = self.input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(f"{describe(self)}: groups={self.groups} must divide the input's {channels} channels "
                             f"(input shape {tuple(input_shape)}).")
        self.spatial_output(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=(*self.kernel_size, channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.add_bias(self.filters)

    def output_channels(self, input_channels: int) -> int:
        return self.filters

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "groups": self.groups,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint)}


class Conv2D(Conv):
    """2-D convolution over images (batch, height, width, channels).

    ``out[n, i, j, f] = sum_{a, b, c} x[n, i*sh + a*dh, j*sw + b*dw, c] * kernel[a, b, c, f] + bias[f]``
    (a cross-correlation, as in every deep-learning library), then the activation.

    Shape:
        input ``(batch, height, width, in_channels)``; output ``(batch, out_h, out_w, filters)``;
        kernel ``(kh, kw, in_channels // groups, filters)``, bias ``(filters,)``.

    Example:
        >>> Conv2D(32, 3, activation="relu")(np.ones((2, 28, 28, 1))).shape
        (2, 26, 26, 32)
    """

    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        return ag.conv2d(inputs, self.kernel, self.strides, self.padding, self.dilation_rate, self.groups, self.bias)


class Conv1D(Conv):
    """1-D convolution over sequences (batch, steps, channels):
    ``out[n, t, f] = sum_{a, c} x[n, t*s + a*d, c] * kernel[a, c, f] + bias[f]``.

    padding may also be "causal": zeros only before the sequence, so ``out[t]`` never reads
    ``x[t + 1:]`` (WaveNet's dilated causal convolutions).

    Shape:
        input ``(batch, steps, in_channels)``; output ``(batch, out_steps, filters)``;
        kernel ``(k, in_channels // groups, filters)``, bias ``(filters,)``.
    """

    rank = 1

    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        padding = self.padding
        if padding == "causal":
            padding = ((self.kernel_size[0] - 1) * self.dilation_rate[0], 0)
        return ag.conv1d(inputs, self.kernel, self.strides, padding, self.dilation_rate, self.groups, self.bias)


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution (sometimes called deconvolution): the gradient of a Conv2D
    with respect to its input, so each input cell adds ``x * kernel`` over a window of the
    output. It upsamples: with strides s and "same" padding the output is s times larger. The
    window arguments are BaseConv's.

    Args:
        filters: the number of output channels.
        output_padding: None (Keras's sizes: ``height * s`` for "same", ``height * s +
            max(k - s, 0)`` for "valid") or an int / pair of extra cells at the bottom/right,
            each smaller than the stride.
        kernel_initializer, kernel_regularizer, kernel_constraint: as for Dense.

    Shape:
        input ``(batch, height, width, in_channels)``; output ``(batch, out_h, out_w, filters)``;
        kernel ``(kh, kw, filters, in_channels)`` (Keras's layout), bias ``(filters,)``.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: Optional[str] = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 *, kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, bias_constraint=bias_constraint, **kwargs)
        me = describe(self)
        self.filters = check_filters(filters, me)
        self.output_padding = (None if output_padding is None
                               else int_tuple(output_padding, 2, "output_padding", me, allow_zero=True))
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{me}: output_padding={self.output_padding} must be smaller than "
                             f"strides={self.strides} along each axis.")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraint_argument(kernel_constraint, "kernel_constraint", me)

    def build(self, input_shape: Shape) -> None:
        channels = self.input_channels(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=(*self.kernel_size, self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.add_bias(self.filters)

    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        outputs = ag.conv_transpose2d(inputs, self.kernel, self.strides, self.padding, self.output_padding,
                                      self.dilation_rate)
        return outputs if self.bias is None else outputs + self.bias

    def output_channels(self, input_channels: int) -> int:
        return self.filters

    def spatial_output(self, input_shape: Shape) -> list[Optional[int]]:
        """Keras's lengths: with output_padding p, ``(n - 1) * s + k - 2 * pad + p`` (pad k // 2
        for "same", 0 for "valid"), k the dilated kernel size; without it, see the class."""
        lengths = []
        for axis, length in enumerate(input_shape[1:-1]):
            size = (self.kernel_size[axis] - 1) * self.dilation_rate[axis] + 1
            stride = self.strides[axis]
            if length is None:
                lengths.append(None)
            elif self.output_padding is None:
                lengths.append(length * stride + (max(size - stride, 0) if self.padding == "valid" else 0))
            else:
                pad = size // 2 if self.padding == "same" else 0
                lengths.append((length - 1) * stride + size - 2 * pad + self.output_padding[axis])
        return lengths

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters,
                "output_padding": None if self.output_padding is None else list(self.output_padding),
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint)}
