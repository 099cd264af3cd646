"""The ONNX graph under construction (`GraphBuilder`), the weights it reads from a layer, the
masks it carries beside the values, and Keras's activations as ONNX nodes.

Every converter appends nodes to one `GraphBuilder` and hands back the name of its output.
A mask (see `nn.layers.masks`) is a boolean value of shape (batch, steps) kept in
`GraphBuilder.masks` under the name of the value it belongs to, as our layers keep it beside
their output tensor.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Optional

import numpy as np
from onnx import TensorProto, helper, numpy_helper


class GraphBuilder:
    """The nodes and initializers of an ONNX graph under construction, with fresh names.

    `body()` gives the builder of a subgraph (a Scan's body): its own nodes, the same
    initializers and the same name counter, so that names stay unique across both.
    """

    def __init__(self, parent: Optional["GraphBuilder"] = None) -> None:
        self.nodes: list = []
        self.initializers: list = [] if parent is None else parent.initializers
        self.counter = itertools.count(1) if parent is None else parent.counter
        self.masks: dict[str, Optional[str]] = {}  # value name -> the name of its mask (None: unmasked)

    def body(self) -> "GraphBuilder":
        return GraphBuilder(parent=self)

    def fresh(self, hint: str) -> str:
        return f"{hint}_{next(self.counter)}"

    def constant(self, hint: str, array: Any, dtype: Any = np.float32) -> str:
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: list[str], hint: str, **attributes: Any) -> str:
        return self.nodes_with_outputs(op, inputs, [hint], **attributes)[0]

    def nodes_with_outputs(self, op: str, inputs: list[str], hints: list[str], **attributes: Any) -> list[str]:
        """One node with several outputs (an empty hint leaves that optional output out)."""
        outputs = [self.fresh(hint) if hint else "" for hint in hints]
        self.nodes.append(helper.make_node(op, inputs, outputs, **attributes))
        return outputs

    def mask_of(self, x: str) -> Optional[str]:
        """The name of the mask carried by value `x`, or None."""
        return self.masks.get(x)

    # ---- small compositions used by several converters -------------------------------------------
    def axes(self, axes: list[int]) -> str:
        """An int64 constant of axes, as Unsqueeze, Squeeze and ReduceSum take them (opset 13+)."""
        return self.constant("axes", axes, np.int64)

    def zeros_like_rows(self, x: str, width: int) -> str:
        """Zeros of shape (batch, width), the batch size read from `x` at run time."""
        batch = self.node("Slice", [self.node("Shape", [x], "shape"), self.axes([0]), self.axes([1])], "batch")
        shape = self.node("Concat", [batch, self.constant("width", [width], np.int64)], "zeros_shape", axis=0)
        return self.node("ConstantOfShape", [shape], "zeros",
                         value=helper.make_tensor("value", TensorProto.FLOAT, [1], [0.0]))


def weight(layer: Any, name: str) -> np.ndarray:
    """The array of `layer`'s weight whose name ends with `name`."""
    return next(np.asarray(w.data, dtype=np.float32) for w in layer.weights if w.name.endswith("/" + name))


def describe(layer: Any) -> str:
    """"layer 'conv2d' (Conv2D)": how errors name a layer."""
    return f"layer {layer.name!r} ({type(layer).__name__})"


def check_channels_last(layer: Any) -> None:
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(f"{describe(layer)}: only data_format='channels_last' can be exported to ONNX.")


# ---- activations -----------------------------------------------------------------------------------
SIMPLE_ACTIVATIONS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus",
                      "softsign": "Softsign", "exponential": "Exp", "selu": "Selu", "elu": "Elu"}


def activation(graph: GraphBuilder, name: str, x: str, owner: str) -> str:
    """The nodes of Keras activation `name` applied to `x`."""
    if name == "linear":
        return x
    if name in SIMPLE_ACTIVATIONS:
        return graph.node(SIMPLE_ACTIVATIONS[name], [x], name)
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
    """The layer's own `activation` (from its config) applied to `x`."""
    name = layer.get_config().get("activation", "linear")
    if not isinstance(name, str):
        raise ValueError(f"layer {layer.name!r}: only named activations can be exported to ONNX, not {name!r}.")
    return activation(graph, name, x, layer.name)
