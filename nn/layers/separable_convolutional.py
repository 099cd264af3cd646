"""Depthwise and separable 2-D convolutions (MobileNet's building blocks), channels last.

    DepthwiseConv2D:  each input channel c convolved on its own with `depth_multiplier` filters:
                      out[..., c * m + k] = (x[..., c] ⋆ kernel[:, :, c, k]) + bias
    SeparableConv2D:  a depthwise convolution, then a 1x1 ("pointwise") convolution mixing the
                      channels: far fewer weights than a Conv2D of the same window.

A depthwise convolution is a grouped conv2d with one group per input channel: Keras's kernel
(kh, kw, in, m) is read as (kh, kw, 1, in * m), which keeps Keras's output channel order c * m + k.
"""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
from nn import constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe, is_int
from nn.layers.base import Shape
from nn.layers.convolutional import BaseConv, check_filters


def check_multiplier(depth_multiplier: Any, layer: str) -> int:
    if not is_int(depth_multiplier) or depth_multiplier <= 0:
        raise ValueError(f"{layer}: depth_multiplier must be a positive int (output channels per input "
                         f"channel), got {depth_multiplier!r}.")
    return int(depth_multiplier)


def depthwise(layer: BaseConv, inputs: ag.Tensor, kernel: ag.Tensor, bias: Optional[ag.Tensor]) -> ag.Tensor:
    """conv2d of each channel with its own (kh, kw, 1, m) slice of a (kh, kw, in, m) kernel."""
    kh, kw, channels, multiplier = kernel.shape
    return ag.conv2d(inputs, kernel.reshape((kh, kw, 1, channels * multiplier)), layer.strides, layer.padding,
                     layer.dilation_rate, groups=channels, bias=bias)


class DepthwiseConv2D(BaseConv):
    """Depthwise 2-D convolution: each input channel gets its own `depth_multiplier` filters.

    Args:
        kernel_size, strides, padding, data_format, dilation_rate: as for Conv2D.
        activation, use_bias, bias_initializer, bias_regularizer, bias_constraint: as for Conv2D.
        depth_multiplier: output channels per input channel.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.

    Shape:
        input ``(batch, height, width, channels)``; output ``(batch, out_h, out_w, channels *
        depth_multiplier)``; kernel ``(kh, kw, channels, depth_multiplier)``, bias
        ``(channels * depth_multiplier,)``.
    """

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid", depth_multiplier: int = 1,
                 data_format: Optional[str] = None, dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None, *, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = check_multiplier(depth_multiplier, describe(self))
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraint_argument(depthwise_constraint, "depthwise_constraint", describe(self))

    def build(self, input_shape: Shape) -> None:
        channels = self.input_channels(input_shape)
        self.spatial_output(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=(*self.kernel_size, channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint)
        self.add_bias(channels * self.depth_multiplier)

    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        return depthwise(self, inputs, self.kernel, self.bias)

    def output_channels(self, input_channels: int) -> int:
        return input_channels * self.depth_multiplier

    def get_config(self) -> dict:
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint)}


class SeparableConv2D(BaseConv):
    """Depthwise separable 2-D convolution: a DepthwiseConv2D (no bias) followed by a 1x1
    convolution to `filters` channels, then the bias and the activation. The arguments not
    listed below are Conv2D's.

    Args:
        filters: the number of output channels.
        depth_multiplier: channels per input channel after the depthwise step.
        depthwise_initializer, pointwise_initializer: for the two kernels.
        depthwise_regularizer, pointwise_regularizer: for the two kernels.
        depthwise_constraint, pointwise_constraint: for the two kernels.

    Shape:
        input ``(batch, height, width, channels)``; output ``(batch, out_h, out_w, filters)``;
        depthwise_kernel ``(kh, kw, channels, depth_multiplier)``, pointwise_kernel
        ``(1, 1, channels * depth_multiplier, filters)``, bias ``(filters,)``.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: Optional[str] = None, dilation_rate: Any = 1, depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 *, depthwise_constraint: Any = None, pointwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, bias_constraint=bias_constraint, **kwargs)
        me = describe(self)
        self.filters = check_filters(filters, me)
        self.depth_multiplier = check_multiplier(depth_multiplier, me)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraint_argument(depthwise_constraint, "depthwise_constraint", me)
        self.pointwise_constraint = constraint_argument(pointwise_constraint, "pointwise_constraint", me)
        self.depthwise_kernel: Optional[ag.Tensor] = None
        self.pointwise_kernel: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        channels = self.input_channels(input_shape)
        self.spatial_output(input_shape)
        depthwise_shape = (*self.kernel_size, channels, self.depth_multiplier)
        pointwise_shape = (1, 1, channels * self.depth_multiplier, self.filters)
        self.depthwise_kernel = self.add_weight(name="depthwise_kernel", shape=depthwise_shape,
                                                initializer=self.depthwise_initializer,
                                                regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(name="pointwise_kernel", shape=pointwise_shape,
                                                initializer=self.pointwise_initializer,
                                                regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint)
        self.add_bias(self.filters)

    def convolve(self, inputs: ag.Tensor) -> ag.Tensor:
        return ag.conv2d(depthwise(self, inputs, self.depthwise_kernel, None), self.pointwise_kernel, bias=self.bias)

    def output_channels(self, input_channels: int) -> int:
        return self.filters

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}
