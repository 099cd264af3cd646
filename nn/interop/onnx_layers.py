"""`CONVERTERS`: the ONNX conversion of each layer class, one table; `convert` applies one and
carries the mask on.

A converter is a function ``(graph, layer, input_name) -> output_name`` that appends the
layer's nodes and weights to the `GraphBuilder` (`nn.interop.onnx_graph`); the families live in
`onnx_core` (core, activation, embedding, masking, normalization layers), `onnx_reshaping`,
`onnx_conv` (convolution and pooling) and `onnx_recurrent`. Inference only.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from nn.interop import onnx_conv, onnx_core, onnx_recurrent, onnx_reshaping
from nn.interop.onnx_graph import GraphBuilder, activation_of, describe

Converter = Callable[[GraphBuilder, Any, str], str]

CONVERTERS: dict[str, Converter] = {
    # core and activations
    "Dense": onnx_core.dense, "Activation": activation_of, "Flatten": onnx_core.flatten,
    "Reshape": onnx_core.reshape, "Rescaling": onnx_core.rescaling,
    "Dropout": onnx_core.identity, "SpatialDropout1D": onnx_core.identity, "SpatialDropout2D": onnx_core.identity,
    "GaussianNoise": onnx_core.identity, "ActivityRegularization": onnx_core.identity,
    "ReLU": onnx_core.relu_layer, "LeakyReLU": onnx_core.leaky_relu_layer, "ELU": onnx_core.elu_layer,
    "PReLU": onnx_core.prelu, "Softmax": onnx_core.softmax_layer,
    "Embedding": onnx_core.embedding, "Masking": onnx_core.masking,
    "BatchNormalization": onnx_core.batch_normalization, "LayerNormalization": onnx_core.layer_normalization,
    "Normalization": onnx_core.normalization,
    # reshaping
    "Permute": onnx_reshaping.permute, "RepeatVector": onnx_reshaping.repeat_vector,
    "ZeroPadding1D": onnx_reshaping.zero_padding, "ZeroPadding2D": onnx_reshaping.zero_padding,
    "Cropping1D": onnx_reshaping.cropping, "Cropping2D": onnx_reshaping.cropping,
    "UpSampling1D": onnx_reshaping.up_sampling, "UpSampling2D": onnx_reshaping.up_sampling,
    # convolution and pooling
    "Conv1D": onnx_conv.convolution, "Conv2D": onnx_conv.convolution,
    "Conv2DTranspose": onnx_conv.transposed_convolution, "DepthwiseConv2D": onnx_conv.depthwise_convolution,
    "SeparableConv2D": onnx_conv.separable_convolution,
    "MaxPooling1D": onnx_conv.pooling("MaxPool", 1), "MaxPooling2D": onnx_conv.pooling("MaxPool", 2),
    "AveragePooling1D": onnx_conv.pooling("AveragePool", 1), "AveragePooling2D": onnx_conv.pooling("AveragePool", 2),
    "GlobalAveragePooling1D": onnx_conv.global_average_pooling_1d,
    "GlobalAveragePooling2D": onnx_conv.global_pooling("ReduceMean", 2),
    "GlobalMaxPooling1D": onnx_conv.global_pooling("ReduceMax", 1),
    "GlobalMaxPooling2D": onnx_conv.global_pooling("ReduceMax", 2),
    # recurrent
    "SimpleRNN": onnx_recurrent.recurrent, "LSTM": onnx_recurrent.recurrent, "GRU": onnx_recurrent.recurrent,
    "RNN": onnx_recurrent.recurrent, "Bidirectional": onnx_recurrent.bidirectional,
}

# The layers whose `call` reads the input's mask, and whose converter reproduces what it does with it.
READS_MASK = {"SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional", "GlobalAveragePooling1D"}


def convert(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Append `layer`'s nodes after value `x` and return its output's name. The output's mask
    is what the converter set, else, as `Layer.compute_mask` does by default, the input's mask
    when the layer supports masking and none otherwise."""
    class_name = type(layer).__name__
    if class_name not in CONVERTERS:
        raise ValueError(f"no ONNX conversion for {describe(layer)}, so its model cannot be exported to ONNX. "
                         f"Supported layer classes: {', '.join(sorted(CONVERTERS))}.")
    mask = graph.mask_of(x)
    reads_mask = "mask" in inspect.signature(type(layer).call).parameters
    if mask is not None and reads_mask and class_name not in READS_MASK:
        raise ValueError(f"{describe(layer)} reads the mask of its input, which its ONNX conversion cannot "
                         f"reproduce yet; export a model without the mask (no mask_zero or Masking before it).")
    y = CONVERTERS[class_name](graph, layer, x)
    if y not in graph.masks:
        graph.masks[y] = mask if layer.supports_masking else None
    return y
