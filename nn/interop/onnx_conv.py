"""ONNX converters for the convolution and pooling layers.

Our layers are channels-last as Keras's are; ONNX's Conv, ConvTranspose and pooling are
channels-first, so those layers transpose in and out, and kernels are transposed to ONNX's
(out, in / groups, *window) layout (ConvTranspose: (in, out, *window)).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from nn.interop.onnx_graph import GraphBuilder, activation_of, check_channels_last, weight


def channels_first(graph: GraphBuilder, x: str, rank: int) -> str:
    return graph.node("Transpose", [x], "to_channels_first", perm=[0, rank + 1, *range(1, rank + 1)])


def channels_last(graph: GraphBuilder, x: str, rank: int) -> str:
    return graph.node("Transpose", [x], "to_channels_last", perm=[0, *range(2, rank + 2), 1])


def padding_attributes(layer: Any, kernel: list[int], dilation: list[int]) -> dict:
    padding = layer.padding
    if padding == "same":
        return {"auto_pad": "SAME_UPPER"}  # the extra pad at the end, as Keras places it
    if padding == "causal":
        return {"pads": [(kernel[0] - 1) * dilation[0], 0]}
    return {"auto_pad": "VALID"}


def conv_node(graph: GraphBuilder, layer: Any, x: str, kernel: np.ndarray, bias: Any, groups: int,
              strides: list[int], dilations: list[int], padding: dict) -> str:
    """One ONNX Conv of channels-first `x` with a channels-last (*window, in / groups, out) kernel."""
    rank = kernel.ndim - 2
    inputs = [x, graph.constant("kernel", np.transpose(kernel, (rank + 1, rank, *range(rank))))]
    if bias is not None:
        inputs.append(graph.constant("bias", bias))
    return graph.node("Conv", inputs, "conv", kernel_shape=list(kernel.shape[:rank]), strides=strides,
                      dilations=dilations, group=groups, **padding)


def bias_of(layer: Any) -> Any:
    return weight(layer, "bias") if layer.use_bias else None


def convolution(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Conv1D / Conv2D (any groups, causal padding included)."""
    check_channels_last(layer)
    kernel = weight(layer, "kernel")  # (*window, in / groups, filters)
    rank = kernel.ndim - 2
    padding = padding_attributes(layer, list(kernel.shape[:rank]), list(layer.dilation_rate))
    y = conv_node(graph, layer, channels_first(graph, x, rank), kernel, bias_of(layer), layer.groups,
                  list(layer.strides), list(layer.dilation_rate), padding)
    return activation_of(graph, layer, channels_last(graph, y, rank))


def depthwise_kernel(kernel: np.ndarray) -> np.ndarray:
    """Keras's (kh, kw, in, multiplier) as a grouped conv's (kh, kw, 1, in * multiplier), which
    keeps Keras's output channel order c * multiplier + k."""
    kh, kw, channels, multiplier = kernel.shape
    return kernel.reshape((kh, kw, 1, channels * multiplier))


def depthwise_convolution(graph: GraphBuilder, layer: Any, x: str) -> str:
    """DepthwiseConv2D: a Conv with one group per input channel."""
    check_channels_last(layer)
    kernel = weight(layer, "kernel")
    padding = padding_attributes(layer, list(kernel.shape[:2]), list(layer.dilation_rate))
    y = conv_node(graph, layer, channels_first(graph, x, 2), depthwise_kernel(kernel), bias_of(layer),
                  kernel.shape[2], list(layer.strides), list(layer.dilation_rate), padding)
    return activation_of(graph, layer, channels_last(graph, y, 2))


def separable_convolution(graph: GraphBuilder, layer: Any, x: str) -> str:
    """SeparableConv2D: the depthwise Conv (no bias), then a 1x1 Conv with the bias."""
    check_channels_last(layer)
    kernel = weight(layer, "depthwise_kernel")
    padding = padding_attributes(layer, list(kernel.shape[:2]), list(layer.dilation_rate))
    depthwise = conv_node(graph, layer, channels_first(graph, x, 2), depthwise_kernel(kernel), None,
                          kernel.shape[2], list(layer.strides), list(layer.dilation_rate), padding)
    y = conv_node(graph, layer, depthwise, weight(layer, "pointwise_kernel"), bias_of(layer), 1, [1, 1], [1, 1],
                  {"auto_pad": "VALID"})
    return activation_of(graph, layer, channels_last(graph, y, 2))


def transposed_convolution(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Conv2DTranspose as ONNX's ConvTranspose with explicit pads: the full output
    ``(n - 1) * s + k`` (k the dilated kernel) loses ``total = full - out`` cells, ``total // 2``
    at the start under "same" (as the conv2d it transposes pads), the rest at the end; a
    negative rest is extra zeros at the end (output_padding)."""
    check_channels_last(layer)
    kernel = weight(layer, "kernel")  # (kh, kw, filters, in)
    lengths = layer.input_spec[1:3]  # a model's sample shape is always known
    outputs = layer.compute_output_shape(layer.input_spec)[1:3]
    starts, ends, extra = [], [], []
    for n, out, k, s, d in zip(lengths, outputs, kernel.shape[:2], layer.strides, layer.dilation_rate):
        total = (n - 1) * s + (k - 1) * d + 1 - out
        start = max(total, 0) // 2 if layer.padding == "same" else 0
        starts.append(start)
        ends.append(max(total - start, 0))
        extra.append(max(start - total, 0))
    inputs = [channels_first(graph, x, 2), graph.constant("kernel", np.transpose(kernel, (3, 2, 0, 1)))]
    if layer.use_bias:
        inputs.append(graph.constant("bias", weight(layer, "bias")))
    y = graph.node("ConvTranspose", inputs, "conv_transpose", kernel_shape=list(kernel.shape[:2]),
                   strides=list(layer.strides), dilations=list(layer.dilation_rate), pads=starts + ends,
                   output_padding=extra)
    return activation_of(graph, layer, channels_last(graph, y, 2))


# ---- pooling -----------------------------------------------------------------------------------------
def pooling(op: str, rank: int) -> Callable[[GraphBuilder, Any, str], str]:
    """The converter of a MaxPooling/AveragePooling layer of spatial rank `rank`."""
    def convert(graph: GraphBuilder, layer: Any, x: str) -> str:
        check_channels_last(layer)
        y = graph.node(op, [channels_first(graph, x, rank)], "pool", kernel_shape=list(layer.pool_size),
                       strides=list(layer.strides), **padding_attributes(layer, [], []))
        return channels_last(graph, y, rank)
    return convert


def global_pooling(op: str, rank: int) -> Callable[[GraphBuilder, Any, str], str]:
    """The converter of a GlobalAveragePooling/GlobalMaxPooling layer of spatial rank `rank`."""
    def convert(graph: GraphBuilder, layer: Any, x: str) -> str:
        check_channels_last(layer)
        keepdims = int(bool(layer.keepdims))
        return graph.node(op, [x], "global_pool", axes=list(range(1, rank + 1)), keepdims=keepdims)
    return convert


def global_average_pooling_1d(graph: GraphBuilder, layer: Any, x: str) -> str:
    """The mean over the steps; with a mask, over the kept steps only:
    ``sum_t m_t x_t / sum_t m_t``, as our layer computes it."""
    mask = graph.mask_of(x)
    if mask is None:
        return global_pooling("ReduceMean", 1)(graph, layer, x)
    check_channels_last(layer)
    keepdims = int(bool(layer.keepdims))
    weights = graph.node("Unsqueeze", [graph.node("Cast", [mask], "mask_float", to=1), graph.axes([-1])], "weights")
    total = graph.node("ReduceSum", [graph.node("Mul", [x, weights], "weighted"), graph.axes([1])], "total",
                       keepdims=keepdims)
    count = graph.node("ReduceSum", [weights, graph.axes([1])], "count", keepdims=keepdims)
    return graph.node("Div", [total, count], "masked_mean")

