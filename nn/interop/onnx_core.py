"""ONNX converters for the core, activation, embedding, masking and normalization layers.

Inference only: dropout and noise layers are the identity, BatchNormalization uses its moving
statistics, Normalization its adapted mean and variance. Embedding(mask_zero=True) and Masking
put a mask beside their output (`GraphBuilder.masks`) for the layers after them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.interop.onnx_graph import GraphBuilder, activation_of, describe, weight

def dense(graph: GraphBuilder, layer: Any, x: str) -> str:
    y = graph.node("MatMul", [x, graph.constant("kernel", weight(layer, "kernel"))], "matmul")
    if layer.get_config()["use_bias"]:
        y = graph.node("Add", [y, graph.constant("bias", weight(layer, "bias"))], "dense")
    return activation_of(graph, layer, y)


def identity(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Dropout and noise layers at inference (a node of its own, so that the output carries
    only the mask the layer passes on)."""
    return graph.node("Identity", [x], "identity")


def flatten(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Flatten", [x], "flatten", axis=1)


def reshape(graph: GraphBuilder, layer: Any, x: str) -> str:
    shape = [0, *layer.get_config()["target_shape"]]  # 0 keeps the batch size
    return graph.node("Reshape", [x, graph.constant("shape", shape, np.int64)], "reshape")


def rescaling(graph: GraphBuilder, layer: Any, x: str) -> str:
    config = layer.get_config()
    scaled = graph.node("Mul", [x, graph.constant("scale", config["scale"])], "scaled")
    return graph.node("Add", [scaled, graph.constant("offset", config["offset"])], "rescaling")


# ---- activation layers -------------------------------------------------------------------------------
def relu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    """x clipped to [0, max_value] above the threshold, negative_slope * (x - threshold) below."""
    config = layer.get_config()
    slope, top, threshold = float(config["negative_slope"]), config["max_value"], float(config["threshold"])
    if top is None and threshold == 0.0:
        return graph.node("LeakyRelu", [x], "leaky_relu", alpha=slope) if slope else graph.node("Relu", [x], "relu")
    zero = graph.constant("zero", 0.0)
    above = graph.node("Where", [graph.node("Greater", [x, graph.constant("threshold", threshold)], "above"), x, zero],
                       "kept")
    if top is not None:
        above = graph.node("Clip", [above, zero, graph.constant("max_value", float(top))], "clipped")
    if not slope:
        return above
    below = graph.node("Relu", [graph.node("Sub", [graph.constant("threshold", threshold), x], "below")], "below")
    return graph.node("Sub", [above, graph.node("Mul", [below, graph.constant("slope", slope)], "leak")], "relu")


def leaky_relu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("LeakyRelu", [x], "leaky_relu", alpha=float(layer.get_config()["negative_slope"]))


def elu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Elu", [x], "elu", alpha=float(layer.get_config()["alpha"]))


def prelu(graph: GraphBuilder, layer: Any, x: str) -> str:
    """x where x > 0, alpha * x elsewhere; alpha (the sample shape, shared axes of size 1)
    broadcasts against the batch as ONNX's PRelu does."""
    return graph.node("PRelu", [x, graph.constant("alpha", weight(layer, "alpha"))], "prelu")


def softmax_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Softmax along `axis`; over several axes, ``exp(x - logsumexp(x))`` over them."""
    axes = [layer.axis] if isinstance(layer.axis, int) else list(layer.axis)
    if len(axes) == 1:
        return graph.node("Softmax", [x], "softmax", axis=axes[0])
    total = graph.node("ReduceLogSumExp", [x], "logsumexp", axes=axes, keepdims=1)
    return graph.node("Exp", [graph.node("Sub", [x, total], "log_softmax")], "softmax")


# ---- embedding and masking ---------------------------------------------------------------------------
def embedding(graph: GraphBuilder, layer: Any, x: str) -> str:
    """A row lookup; with mask_zero, the mask ``index != 0`` rides beside the output."""
    indices = graph.node("Cast", [x], "indices", to=7)  # 7 = INT64
    y = graph.node("Gather", [graph.constant("embeddings", weight(layer, "embeddings")), indices], "embedding")
    if layer.mask_zero:
        is_padding = graph.node("Equal", [indices, graph.constant("padding_index", 0, np.int64)], "is_padding")
        graph.masks[y] = graph.node("Not", [is_padding], "mask")
    return y


def masking(graph: GraphBuilder, layer: Any, x: str) -> str:
    """A step is kept when any feature differs from mask_value; kept steps pass, masked ones
    become 0, and the mask (batch, steps) rides beside the output."""
    differs = graph.node("Cast", [graph.node("Not", [graph.node("Equal", [x, graph.constant(
        "mask_value", layer.mask_value)], "equals")], "differs")], "differs_float", to=1)  # 1 = FLOAT
    kept = graph.node("ReduceMax", [differs], "kept", axes=[-1], keepdims=1)  # (batch, steps, 1), 1.0 or 0.0
    y = graph.node("Mul", [x, kept], "masked")
    graph.masks[y] = graph.node("Cast", [graph.node("Squeeze", [kept, graph.axes([-1])], "kept_steps")], "mask",
                                to=9)  # 9 = BOOL
    return y


# ---- normalization -----------------------------------------------------------------------------------
def check_last_axis(layer: Any) -> None:
    axis = layer.get_config()["axis"]
    if axis not in (-1, [-1]):
        raise ValueError(f"{describe(layer)}: only axis=-1 can be exported to ONNX, not axis={axis!r}.")


def batch_normalization(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Inference: (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta, as x * a + b."""
    check_last_axis(layer)
    config = layer.get_config()
    mean, variance = weight(layer, "moving_mean").astype(np.float64), weight(layer, "moving_variance")
    gamma = weight(layer, "gamma") if config["scale"] else np.ones_like(mean)
    beta = weight(layer, "beta") if config["center"] else np.zeros_like(mean)
    a = gamma / np.sqrt(variance.astype(np.float64) + config["epsilon"])
    scaled = graph.node("Mul", [x, graph.constant("scale", a)], "scaled")
    return graph.node("Add", [scaled, graph.constant("shift", beta - mean * a)], "batch_normalization")


def layer_normalization(graph: GraphBuilder, layer: Any, x: str) -> str:
    check_last_axis(layer)
    config = layer.get_config()
    size = next(w.shape[0] for w in layer.weights) if layer.weights else None
    if size is None:
        raise ValueError(f"{describe(layer)} with neither scale nor center cannot be exported to ONNX yet.")
    gamma = weight(layer, "gamma") if config["scale"] else np.ones(size)
    beta = weight(layer, "beta") if config["center"] else np.zeros(size)
    return graph.node("LayerNormalization", [x, graph.constant("gamma", gamma), graph.constant("beta", beta)],
                      "layer_normalization", axis=-1, epsilon=float(config["epsilon"]))


def normalization(graph: GraphBuilder, layer: Any, x: str) -> str:
    """(x - mean) / max(sqrt(variance), 1e-7), or mean + x * that spread with invert; the
    statistics reshaped to broadcast along the kept axes, as the layer does."""
    rank = len(layer.input_spec)
    kept = sorted({a % rank for a in layer.axis})
    shape = [layer.input_spec[i] if i in kept else 1 for i in range(rank)]
    mean = np.asarray(layer.mean.data, dtype=np.float32).reshape(shape)
    spread = np.maximum(np.sqrt(np.asarray(layer.variance.data, dtype=np.float32)), np.float32(1e-7)).reshape(shape)
    if layer.invert:
        scaled = graph.node("Mul", [x, graph.constant("spread", spread)], "scaled")
        return graph.node("Add", [scaled, graph.constant("mean", mean)], "denormalized")
    centered = graph.node("Sub", [x, graph.constant("mean", mean)], "centered")
    return graph.node("Div", [centered, graph.constant("spread", spread)], "normalized")
