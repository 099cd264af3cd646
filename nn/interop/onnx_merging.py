"""ONNX nodes for the layers that take several inputs: the merge layers (Add, Subtract,
Multiply, Average, Maximum, Minimum, Concatenate, Dot) and MultiHeadAttention.

`MULTI_INPUT_CONVERTERS` maps a class name to a function ``(graph, layer, call) -> output_name``;
the `Call` holds the names of the values the layer was called on, in the order of its `call`'s
arguments (a merge layer's list; MultiHeadAttention's query, value and key), their shapes, and
every argument of the call by name. Inference only: MultiHeadAttention's dropout is the identity.
"""
from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple, Optional

import numpy as np
from onnx import TensorProto, helper

from nn.interop.onnx_graph import GraphBuilder
from nn.layers.merging import dot_equation

Shape = tuple


class Call(NamedTuple):
    """One call of a layer inside the ONNX graph.

    Attributes:
        inputs: the names of the values it takes, in the order of its `call`'s arguments.
        shapes: their shapes, batch axis first (None where the size varies).
        arguments: every argument of the call by name, a value given as its name in the graph
            (e.g. ``{"query": "dense_3", "value": "dense_3", "use_causal_mask": True}``).
    """

    inputs: list[str]
    shapes: list[Shape]
    arguments: dict[str, Any]


# ---- element by element ----------------------------------------------------------------------------
def variadic(op: str) -> Callable[[GraphBuilder, Any, Call], str]:
    """The converter of a merge layer that is one ONNX operator of any number of inputs, which
    broadcasts as our merge layers do (Sum, Mean, Max, Min)."""
    def convert(graph: GraphBuilder, layer: Any, call: Call) -> str:
        return graph.node(op, list(call.inputs), type(layer).__name__.lower())
    return convert


def subtract(graph: GraphBuilder, layer: Any, call: Call) -> str:
    return graph.node("Sub", list(call.inputs), "subtract")


def multiply(graph: GraphBuilder, layer: Any, call: Call) -> str:
    """``x_1 * x_2 * ... * x_n``, one Mul per factor after the first (ONNX's Mul takes two)."""
    product = call.inputs[0]
    for factor in call.inputs[1:]:
        product = graph.node("Mul", [product, factor], "multiply")
    return product


def concatenate(graph: GraphBuilder, layer: Any, call: Call) -> str:
    return graph.node("Concat", list(call.inputs), "concatenate", axis=int(layer.get_config()["axis"]))


# ---- Dot ---------------------------------------------------------------------------------------------
def dot(graph: GraphBuilder, layer: Any, call: Call) -> str:
    """One Einsum with `Dot`'s own equation (after an L2 normalization along the axes when
    ``normalize=True``); a (batch,) result gets its axis of 1 back, as `Dot` returns it."""
    (x, y), (x_shape, y_shape) = call.inputs, call.shapes
    axes = layer.get_config()["axes"]
    axis_x, axis_y = (axes, axes) if isinstance(axes, int) else axes
    axis_x, axis_y = axis_x % len(x_shape), axis_y % len(y_shape)
    if layer.get_config()["normalize"]:
        x, y = l2_normalize(graph, x, axis_x), l2_normalize(graph, y, axis_y)
    product = graph.node("Einsum", [x, y], "dot", equation=dot_equation(len(x_shape), len(y_shape), axis_x, axis_y))
    if len(x_shape) + len(y_shape) == 4:  # two (batch, n) inputs: (batch,) -> (batch, 1)
        return graph.node("Unsqueeze", [product, graph.constant("axes", [1], np.int64)], "dot")
    return product


def l2_normalize(graph: GraphBuilder, x: str, axis: int) -> str:
    """``x / sqrt(max(sum(x^2 along axis), 1e-12))``, as `Dot` normalizes."""
    squares = graph.node("ReduceSumSquare", [x], "squares", axes=[axis], keepdims=1)
    floor = graph.node("Max", [squares, graph.constant("epsilon", 1e-12)], "floored")
    return graph.node("Div", [x, graph.node("Sqrt", [floor], "norm")], "normalized")


# ---- MultiHeadAttention ----------------------------------------------------------------------------
MASKED_SCORE = -1e9  # what a masked score becomes before the softmax, as the layer does
NOT_EXPORTED = ("query_mask", "value_mask", "key_mask", "attention_mask")


def multi_head_attention(graph: GraphBuilder, layer: Any, call: Call) -> str:
    """Each head's ``softmax(Q_h K_h^T / sqrt(key_dim)) V_h``, the heads as an axis of MatMuls
    (batch, heads, steps, size), then the output projection summing over the heads.

    ``use_causal_mask=True`` is exported (a lower-triangular mask made at run time from the
    steps of the query and the value); masks (attention_mask, query/value/key masks) and
    ``return_attention_scores`` are not.
    """
    arguments = call.arguments
    given = [option for option in NOT_EXPORTED if arguments.get(option) is not None]
    if arguments.get("return_attention_scores"):
        given.append("return_attention_scores=True")
    if given:
        raise ValueError(f"layer {layer.name!r} (MultiHeadAttention): {', '.join(given)} cannot be exported to ONNX "
                         f"yet; export a model that calls it as layer(query, value[, key]) "
                         f"(use_causal_mask=True is supported).")
    query, value = arguments["query"], arguments["value"]
    key = arguments.get("key") or value
    scale = graph.constant("scale", 1.0 / math.sqrt(layer.key_dim))
    queries = graph.node("Mul", [heads_projection(graph, query, layer.query_kernel, layer.query_bias), scale],
                         "scaled_queries")
    keys = heads_projection(graph, key, layer.key_kernel, layer.key_bias)
    values = heads_projection(graph, value, layer.value_kernel, layer.value_bias)
    keys_transposed = graph.node("Transpose", [keys], "keys_transposed", perm=[0, 1, 3, 2])
    scores = graph.node("MatMul", [queries, keys_transposed], "scores")  # (batch, heads, Tq, Tv)
    if arguments.get("use_causal_mask"):  # no query step is left with nothing to attend to: no zeroing after
        scores = graph.node("Where", [causal_keep(graph, query, value), scores,
                                      graph.constant("masked_score", MASKED_SCORE)], "masked_scores")
    weights = graph.node("Softmax", [scores], "attention_weights", axis=-1)
    mixed = graph.node("MatMul", [weights, values], "mixed")  # (batch, heads, Tq, value_dim)
    steps_major = graph.node("Transpose", [mixed], "steps_major", perm=[0, 2, 1, 3])
    kernel = np.asarray(layer.output_kernel.data, dtype=np.float32)  # (heads, value_dim, *output_shape)
    heads, value_dim, output_shape = kernel.shape[0], kernel.shape[1], kernel.shape[2:]
    joined = graph.node("Reshape", [steps_major, graph.constant("shape", [0, 0, heads * value_dim], np.int64)],
                        "joined_heads")
    output = graph.node("MatMul", [joined, graph.constant("output_kernel", kernel.reshape(heads * value_dim, -1))],
                        "attention_output")
    if layer.output_bias is not None:
        output = graph.node("Add", [output, graph.constant("output_bias", np.ravel(layer.output_bias.data))],
                            "attention_output")
    if len(output_shape) > 1:
        output = graph.node("Reshape", [output, graph.constant("shape", [0, 0, *output_shape], np.int64)],
                            "attention_output")
    return output


def heads_projection(graph: GraphBuilder, x: str, kernel: Any, bias: Optional[Any]) -> str:
    """(batch, steps, features) -> (batch, heads, steps, size): ``x W + b`` with W (features,
    heads, size) as one (features, heads * size) MatMul, then the heads split off."""
    array = np.asarray(kernel.data, dtype=np.float32)
    features, heads, size = array.shape
    projected = graph.node("MatMul", [x, graph.constant("kernel", array.reshape(features, heads * size))], "projected")
    if bias is not None:
        projected = graph.node("Add", [projected, graph.constant("bias", np.ravel(bias.data))], "projected")
    split = graph.node("Reshape", [projected, graph.constant("shape", [0, 0, heads, size], np.int64)], "heads")
    return graph.node("Transpose", [split], "heads_major", perm=[0, 2, 1, 3])


def causal_keep(graph: GraphBuilder, query: str, value: str) -> str:
    """(Tq, Tv) booleans, True where value step s <= query step t, sized from the inputs at run time."""
    steps = [graph.node("Slice", [graph.node("Shape", [x], "shape"), graph.constant("start", [1], np.int64),
                                  graph.constant("end", [2], np.int64)], "steps") for x in (query, value)]
    ones = graph.node("ConstantOfShape", [graph.node("Concat", steps, "mask_shape", axis=0)], "ones",
                      value=helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0]))
    lower = graph.node("Trilu", [ones], "lower", upper=0)
    return graph.node("Cast", [lower], "causal_keep", to=TensorProto.BOOL)


MULTI_INPUT_CONVERTERS: dict[str, Callable[[GraphBuilder, Any, Call], str]] = {
    "Add": variadic("Sum"), "Subtract": subtract, "Multiply": multiply, "Average": variadic("Mean"),
    "Maximum": variadic("Max"), "Minimum": variadic("Min"), "Concatenate": concatenate, "Dot": dot,
    "MultiHeadAttention": multi_head_attention,
}
