"""ONNX nodes for each layer class: `CONVERTERS` maps a class name to a function
``(graph, layer, input_name) -> output_name`` that appends the layer's nodes and weights.

Our layers are channels-last as Keras's are; ONNX's Conv and pooling are channels-first, so
those layers transpose in and out. Recurrent layers map to ONNX's LSTM/GRU/RNN operators, whose
gate order differs from Keras's (ONNX LSTM: input, output, forget, cell; Keras: input, forget,
cell, output) and whose kernels are transposed. Inference only: dropout and noise layers are
the identity, BatchNormalization uses its moving statistics.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
from onnx import helper, numpy_helper


class GraphBuilder:
    """The nodes and initializers of an ONNX graph under construction, with fresh names."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self.count = 0

    def fresh(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, hint: str, array: Any, dtype: Any = np.float32) -> str:
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: list[str], hint: str, **attributes: Any) -> str:
        output = self.fresh(hint)
        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output


def weight(layer: Any, name: str) -> np.ndarray:
    """The array of `layer`'s weight whose name ends with `name`."""
    return next(np.asarray(w.data, dtype=np.float32) for w in layer.weights if w.name.endswith("/" + name))


# ---- activations -----------------------------------------------------------------------------------
def activation(graph: GraphBuilder, name: str, x: str, owner: str) -> str:
    """The nodes of Keras activation `name` applied to `x`."""
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus", "softsign": "Softsign",
              "exponential": "Exp", "selu": "Selu", "elu": "Elu"}
    if name == "linear":
        return x
    if name in simple:
        return graph.node(simple[name], [x], name)
    if name in ("softmax", "log_softmax"):
        return graph.node("Softmax" if name == "softmax" else "LogSoftmax", [x], name, axis=-1)
    if name == "leaky_relu":
        return graph.node("LeakyRelu", [x], name, alpha=0.2)
    if name == "relu6":
        return graph.node("Clip", [x, graph.constant("zero", 0.0), graph.constant("six", 6.0)], name)
    if name == "hard_sigmoid":
        return graph.node("HardSigmoid", [x], name, alpha=1.0 / 6.0, beta=0.5)
    if name in ("silu", "swish", "hard_silu", "hard_swish"):
        gate = "Sigmoid" if name in ("silu", "swish") else "HardSigmoid"
        options = {} if gate == "Sigmoid" else {"alpha": 1.0 / 6.0, "beta": 0.5}
        return graph.node("Mul", [x, graph.node(gate, [x], "gate", **options)], name)
    if name == "gelu":  # exact: x * (1 + erf(x / sqrt 2)) / 2
        scaled = graph.node("Mul", [x, graph.constant("inv_sqrt2", 1.0 / math.sqrt(2.0))], "scaled")
        one_plus = graph.node("Add", [graph.node("Erf", [scaled], "erf"), graph.constant("one", 1.0)], "one_plus")
        return graph.node("Mul", [graph.node("Mul", [x, one_plus], "product"), graph.constant("half", 0.5)], name)
    if name == "mish":
        return graph.node("Mul", [x, graph.node("Tanh", [graph.node("Softplus", [x], "softplus")], "tanh")], name)
    raise ValueError(f"layer {owner!r}: no ONNX conversion for the activation {name!r}; use one of linear, "
                     f"relu, relu6, leaky_relu, elu, selu, sigmoid, hard_sigmoid, tanh, softmax, log_softmax, "
                     f"softplus, softsign, silu, hard_silu, gelu, mish, exponential.")


def activation_of(graph: GraphBuilder, layer: Any, x: str) -> str:
    name = layer.get_config().get("activation", "linear")
    if not isinstance(name, str):
        raise ValueError(f"layer {layer.name!r}: only named activations can be exported to ONNX, not {name!r}.")
    return activation(graph, name, x, layer.name)


# ---- core ------------------------------------------------------------------------------------------
def dense(graph: GraphBuilder, layer: Any, x: str) -> str:
    y = graph.node("MatMul", [x, graph.constant("kernel", weight(layer, "kernel"))], "matmul")
    if layer.get_config()["use_bias"]:
        y = graph.node("Add", [y, graph.constant("bias", weight(layer, "bias"))], "dense")
    return activation_of(graph, layer, y)


def identity(graph: GraphBuilder, layer: Any, x: str) -> str:
    return x


def flatten(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Flatten", [x], "flatten", axis=1)


def reshape(graph: GraphBuilder, layer: Any, x: str) -> str:
    shape = [0, *layer.get_config()["target_shape"]]  # 0 keeps the batch size
    return graph.node("Reshape", [x, graph.constant("shape", shape, np.int64)], "reshape")


def rescaling(graph: GraphBuilder, layer: Any, x: str) -> str:
    config = layer.get_config()
    scaled = graph.node("Mul", [x, graph.constant("scale", config["scale"])], "scaled")
    return graph.node("Add", [scaled, graph.constant("offset", config["offset"])], "rescaling")


def relu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    config = layer.get_config()
    if config["max_value"] is not None or config["threshold"] != 0.0:
        raise ValueError(f"layer {layer.name!r} (ReLU): max_value and threshold cannot be exported to ONNX.")
    if config["negative_slope"]:
        return graph.node("LeakyRelu", [x], "leaky_relu", alpha=float(config["negative_slope"]))
    return graph.node("Relu", [x], "relu")


def leaky_relu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("LeakyRelu", [x], "leaky_relu", alpha=float(layer.get_config()["negative_slope"]))


def elu_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Elu", [x], "elu", alpha=float(layer.get_config()["alpha"]))


def softmax_layer(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Softmax", [x], "softmax", axis=int(layer.get_config()["axis"]))


def embedding(graph: GraphBuilder, layer: Any, x: str) -> str:
    if layer.get_config().get("mask_zero"):
        raise ValueError(f"layer {layer.name!r} (Embedding): mask_zero=True cannot be exported to ONNX yet "
                         f"(the mask would be lost); export a model without it.")
    indices = graph.node("Cast", [x], "indices", to=7)  # 7 = INT64
    return graph.node("Gather", [graph.constant("embeddings", weight(layer, "embeddings")), indices], "embedding")


# ---- normalization ---------------------------------------------------------------------------------
def check_last_axis(layer: Any) -> None:
    axis = layer.get_config()["axis"]
    if axis not in (-1, [-1]):
        raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}): only axis=-1 can be exported to ONNX, "
                         f"not axis={axis!r}.")


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
        raise ValueError(f"layer {layer.name!r} (LayerNormalization) with neither scale nor center cannot be "
                         f"exported to ONNX yet.")
    gamma = weight(layer, "gamma") if config["scale"] else np.ones(size)
    beta = weight(layer, "beta") if config["center"] else np.zeros(size)
    return graph.node("LayerNormalization", [x, graph.constant("gamma", gamma), graph.constant("beta", beta)],
                      "layer_normalization", axis=-1, epsilon=float(config["epsilon"]))


# ---- convolution and pooling (channels-last outside, channels-first inside) ---------------------------
def channels_first(graph: GraphBuilder, x: str, rank: int) -> str:
    return graph.node("Transpose", [x], "to_channels_first", perm=[0, rank + 1, *range(1, rank + 1)])


def channels_last(graph: GraphBuilder, x: str, rank: int) -> str:
    return graph.node("Transpose", [x], "to_channels_last", perm=[0, *range(2, rank + 2), 1])


def padding_attributes(layer: Any, kernel: list[int], dilation: list[int]) -> dict:
    padding = layer.get_config()["padding"]
    if padding == "same":
        return {"auto_pad": "SAME_UPPER"}  # the extra pad at the end, as Keras places it
    if padding == "causal":
        return {"pads": [(kernel[0] - 1) * dilation[0], 0]}
    return {"auto_pad": "VALID"}


def check_channels_last(layer: Any) -> None:
    if layer.get_config().get("data_format", "channels_last") != "channels_last":
        raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}): only data_format='channels_last' can be "
                         f"exported to ONNX.")


def convolution(graph: GraphBuilder, layer: Any, x: str) -> str:
    check_channels_last(layer)
    config = layer.get_config()
    kernel = weight(layer, "kernel")  # (*window, in / groups, filters)
    rank = kernel.ndim - 2
    onnx_kernel = np.transpose(kernel, (rank + 1, rank, *range(rank)))  # (filters, in / groups, *window)
    inputs = [channels_first(graph, x, rank), graph.constant("kernel", onnx_kernel)]
    if config["use_bias"]:
        inputs.append(graph.constant("bias", weight(layer, "bias")))
    y = graph.node("Conv", inputs, "conv", kernel_shape=list(kernel.shape[:rank]), strides=list(config["strides"]),
                   dilations=list(config["dilation_rate"]), group=int(config.get("groups", 1)),
                   **padding_attributes(layer, list(kernel.shape[:rank]), list(config["dilation_rate"])))
    return activation_of(graph, layer, channels_last(graph, y, rank))


def pooling(op: str, rank: int) -> Callable[[GraphBuilder, Any, str], str]:
    """The converter of a MaxPooling/AveragePooling layer of spatial rank `rank`."""
    def convert(graph: GraphBuilder, layer: Any, x: str) -> str:
        check_channels_last(layer)
        config = layer.get_config()
        y = graph.node(op, [channels_first(graph, x, rank)], "pool", kernel_shape=list(config["pool_size"]),
                       strides=list(config["strides"]), **padding_attributes(layer, [], []))
        return channels_last(graph, y, rank)
    return convert


def global_pooling(op: str, rank: int) -> Callable[[GraphBuilder, Any, str], str]:
    """The converter of a GlobalAveragePooling/GlobalMaxPooling layer of spatial rank `rank`."""
    def convert(graph: GraphBuilder, layer: Any, x: str) -> str:
        check_channels_last(layer)
        keepdims = int(bool(layer.get_config().get("keepdims", False)))
        return graph.node(op, [x], "global_pool", axes=list(range(1, rank + 1)), keepdims=keepdims)
    return convert


# ---- recurrent layers ------------------------------------------------------------------------------
def reorder_gates(array: np.ndarray, order: list[int]) -> np.ndarray:
    """Reorder the gate blocks along the last axis (Keras's order -> ONNX's)."""
    blocks = np.split(array, len(order), axis=-1)
    return np.concatenate([blocks[i] for i in order], axis=-1)


RECURRENT = {  # class -> (ONNX op, gates, Keras gate index for each ONNX gate position)
    "LSTM": ("LSTM", 4, [0, 3, 1, 2]),  # ONNX i, o, f, c  <- Keras i, f, c, o
    "GRU": ("GRU", 3, [0, 1, 2]),  # ONNX z, r, h  = Keras z, r, h
    "SimpleRNN": ("RNN", 1, [0]),
}


def recurrent_arrays(layer: Any, backwards: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ONNX's W, R and B of one recurrent layer (leading direction axis of 1), after checking that
    its settings are ones ONNX's operator computes (`backwards`: the reverse half of a Bidirectional)."""
    class_name = type(layer).__name__
    config = layer.get_config()
    op, gates, order = RECURRENT[class_name]
    if bool(config.get("go_backwards")) != backwards:
        raise ValueError(f"layer {layer.name!r} ({class_name}): go_backwards=True cannot be exported to ONNX yet "
                         f"(wrap the layer in Bidirectional instead).")
    for option in ("return_state", "stateful"):
        if config.get(option):
            raise ValueError(f"layer {layer.name!r} ({class_name}): {option}=True cannot be exported to ONNX yet.")
    if class_name == "GRU" and not config["reset_after"]:
        raise ValueError(f"layer {layer.name!r} (GRU): only reset_after=True can be exported to ONNX.")
    defaults = {"activation": "tanh", "recurrent_activation": "sigmoid"}
    for option, default in defaults.items():
        if config.get(option, default) != default:
            raise ValueError(f"layer {layer.name!r} ({class_name}): only {option}={default!r} can be exported "
                             f"to ONNX, not {config[option]!r}.")
    kernel = reorder_gates(weight(layer, "kernel"), order).T[None]  # (1, gates * units, features)
    recurrent_kernel = reorder_gates(weight(layer, "recurrent_kernel"), order).T[None]
    bias = weight(layer, "bias") if config["use_bias"] else np.zeros(gates * config["units"], np.float32)
    input_bias, recurrent_bias = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    both = np.concatenate([reorder_gates(input_bias, order), reorder_gates(recurrent_bias, order)])[None]
    return kernel, recurrent_kernel, both


def recurrent_node(graph: GraphBuilder, layer: Any, x: str, arrays: list, direction: str) -> tuple[str, str]:
    """One ONNX LSTM/GRU/RNN node over `x` (batch-major): its outputs Y (time, directions, batch,
    units) and Y_h (directions, batch, units)."""
    class_name = type(layer).__name__
    op = RECURRENT[class_name][0]
    directions = 2 if direction == "bidirectional" else 1
    attributes = {"hidden_size": layer.get_config()["units"], "direction": direction}
    if class_name == "GRU":
        attributes["linear_before_reset"] = 1
    if class_name == "SimpleRNN":
        attributes["activations"] = ["Tanh"] * directions
    kernel, recurrent_kernel, bias = (np.concatenate(parts) for parts in zip(*arrays))
    time_major = graph.node("Transpose", [x], "time_major", perm=[1, 0, 2])
    sequence, last = graph.fresh("sequence"), graph.fresh("last")
    graph.nodes.append(helper.make_node(
        op, [time_major, graph.constant("W", kernel), graph.constant("R", recurrent_kernel), graph.constant("B", bias)],
        [sequence, last], **attributes))
    return sequence, last


def recurrent(graph: GraphBuilder, layer: Any, x: str) -> str:
    sequence, last = recurrent_node(graph, layer, x, [recurrent_arrays(layer)], "forward")
    if layer.get_config()["return_sequences"]:  # (time, 1, batch, units) -> (batch, time, units)
        squeezed = graph.node("Squeeze", [sequence, graph.constant("axis", [1], np.int64)], "squeezed")
        return graph.node("Transpose", [squeezed], "batch_major", perm=[1, 0, 2])
    return graph.node("Squeeze", [last, graph.constant("axis", [0], np.int64)], "last_state")


def bidirectional(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Both directions in one ONNX node (direction="bidirectional"), outputs concatenated per step."""
    forward, backward = layer.forward_layer, layer.backward_layer
    if layer.get_config()["merge_mode"] != "concat" or type(forward) is not type(backward) \
            or type(forward).__name__ not in RECURRENT:
        raise ValueError(f"layer {layer.name!r} (Bidirectional): only merge_mode='concat' over SimpleRNN, LSTM or "
                         f"GRU in both directions can be exported to ONNX.")
    arrays = [recurrent_arrays(forward), recurrent_arrays(backward, backwards=True)]
    sequence, last = recurrent_node(graph, forward, x, arrays, "bidirectional")
    if forward.get_config()["return_sequences"]:  # (time, 2, batch, units) -> (batch, time, 2 * units)
        batch_major = graph.node("Transpose", [sequence], "batch_major", perm=[2, 0, 1, 3])
        return graph.node("Reshape", [batch_major, graph.constant("shape", [0, 0, -1], np.int64)], "concat")
    batch_major = graph.node("Transpose", [last], "batch_major", perm=[1, 0, 2])  # (batch, 2, units)
    return graph.node("Reshape", [batch_major, graph.constant("shape", [0, -1], np.int64)], "concat")


CONVERTERS: dict[str, Callable[[GraphBuilder, Any, str], str]] = {
    "Dense": dense, "Activation": activation_of, "Flatten": flatten, "Reshape": reshape, "Rescaling": rescaling,
    "Dropout": identity, "SpatialDropout1D": identity, "SpatialDropout2D": identity, "GaussianNoise": identity,
    "ActivityRegularization": identity,
    "ReLU": relu_layer, "LeakyReLU": leaky_relu_layer, "ELU": elu_layer, "Softmax": softmax_layer,
    "Embedding": embedding, "BatchNormalization": batch_normalization, "LayerNormalization": layer_normalization,
    "Conv1D": convolution, "Conv2D": convolution,
    "MaxPooling1D": pooling("MaxPool", 1), "MaxPooling2D": pooling("MaxPool", 2),
    "AveragePooling1D": pooling("AveragePool", 1), "AveragePooling2D": pooling("AveragePool", 2),
    "GlobalAveragePooling1D": global_pooling("ReduceMean", 1), "GlobalAveragePooling2D": global_pooling("ReduceMean", 2),
    "GlobalMaxPooling1D": global_pooling("ReduceMax", 1), "GlobalMaxPooling2D": global_pooling("ReduceMax", 2),
    "LSTM": recurrent, "GRU": recurrent, "SimpleRNN": recurrent, "Bidirectional": bidirectional,
}
