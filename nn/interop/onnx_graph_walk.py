"""The walk over a model that ONNX export follows: which layer call feeds which, in order.

A Sequential is its layers one after the other; a functional model is its nodes in topological
order (`Functional._nodes`, as its `call` runs them), each call reading the values its argument
KerasTensors were given. A model used as a layer (inside either) is inlined: its own walk runs
on the values it is called on. A layer with one input goes through `onnx_layers.convert` (which
carries masks on), one with several (merge layers, MultiHeadAttention) through
`onnx_merging.MULTI_INPUT_CONVERTERS`, which refuse a masked input.
A layer called twice (shared) is converted twice; its weights, equal constants, are stored once.
A model written as a class has no graph to walk: its `call` is Python code.

The ONNX graph has one input per model input and one output per model output, batch axis
dynamic: a Sequential's are named ``inputs`` and ``outputs``; a functional model's inputs are
named as its `nn.Input`s (or its dict's keys) and its outputs as the layers that make them (or
its dict's keys). An input is int64 when it feeds an Embedding, float32 otherwise.
"""
from __future__ import annotations

import hashlib
import inspect
from typing import Any, NamedTuple

import numpy as np
from onnx import TensorProto, helper

from nn import tree
from nn.interop import onnx_graph, onnx_layers, onnx_merging
from nn.interop.onnx_merging import Call
from nn.layers.core import InputLayer


class SharedConstantsGraph(onnx_graph.GraphBuilder):
    """A `GraphBuilder` that stores each distinct constant once (a shared layer's weights on its
    second call, or two equal small constants) and never hands out a reserved name (the graph's
    inputs and outputs) as a fresh one."""

    def __init__(self, reserved: set[str]) -> None:
        super().__init__()
        self.reserved = set(reserved)
        self.stored: dict[tuple, str] = {}  # (dtype, shape, SHA-256 of the bytes) -> initializer name

    def fresh(self, hint: str) -> str:
        name = super().fresh(hint)
        while name in self.reserved:
            name = super().fresh(hint)
        return name

    def constant(self, hint: str, array: Any, dtype: Any = np.float32) -> str:
        array = np.asarray(array, dtype=dtype)
        key = (array.dtype.str, array.shape, hashlib.sha256(array.tobytes()).hexdigest())
        if key not in self.stored:
            self.stored[key] = super().constant(hint, array, dtype)
        return self.stored[key]


class Port(NamedTuple):
    """One input or output of the ONNX graph: its name, shape (batch axis first) and element type."""

    name: str
    shape: tuple
    element_type: int


def model_graph(model: Any) -> Any:
    """The ONNX graph (a GraphProto) of a built model that `check_exportable` accepts."""
    inputs, outputs = ports(model)
    graph = SharedConstantsGraph(reserved={port.name for port in inputs + outputs})
    values = convert_model(graph, model, [port.name for port in inputs])
    for value, port in zip(values, outputs):
        graph.nodes.append(helper.make_node("Identity", [value], [port.name]))
    infos = [[helper.make_tensor_value_info(port.name, port.element_type, ["batch", *port.shape[1:]])
              for port in group] for group in (inputs, outputs)]
    return helper.make_graph(graph.nodes, model.name, infos[0], infos[1], graph.initializers)


# ---- what kind of model, and can it be exported ----------------------------------------------------
def is_functional(model: Any) -> bool:
    return isinstance(getattr(model, "_nodes", None), list)


def check_exportable(model: Any) -> None:
    """Refuse a model written as a class anywhere in `model`, then list every layer without an
    ONNX conversion, so that one error names all of them."""
    unsupported: list[str] = []
    for layer in layers_inside(model):
        class_name = type(layer).__name__
        if is_model(layer) or isinstance(layer, InputLayer):  # inlined, or a graph input: no nodes of its own
            continue
        if class_name not in onnx_layers.CONVERTERS and class_name not in onnx_merging.MULTI_INPUT_CONVERTERS:
            unsupported.append(f"{layer.name!r} ({class_name})")
    if unsupported:
        supported = sorted({*onnx_layers.CONVERTERS, *onnx_merging.MULTI_INPUT_CONVERTERS})
        raise ValueError(f"model {model.name!r} cannot be exported to ONNX: no ONNX conversion for layer "
                         f"{', '.join(unsupported)}. Supported layer classes: {', '.join(supported)}; build the "
                         f"model from those (a layer of your own has no conversion).")


def is_model(layer: Any) -> bool:
    """A model used as a layer: it has a graph of layers to inline (a Sequential or functional
    model), or is written as a class (an error)."""
    return hasattr(layer, "_layer_graph")


def layers_inside(model: Any) -> list[Any]:
    """The layers of `model` and of every model inside it, after refusing any model written as a class."""
    if model._layer_graph() is None:
        raise ValueError(f"model {model.name!r} ({type(model).__name__}) is a subclassed model: its call() is Python "
                         f"code, not a graph of layers, so it cannot be exported to ONNX. Build it functionally "
                         f"(nn.Model(inputs, outputs)) or as an nn.Sequential to export it; the same layers and "
                         f"weights can be reused.")
    found = []
    for layer in model.layers:
        found.append(layer)
        if is_model(layer):
            found.extend(layers_inside(layer))
    return found


# ---- the graph's inputs and outputs ----------------------------------------------------------------
def ports(model: Any) -> tuple[list[Port], list[Port]]:
    """The ONNX graph's inputs and outputs for `model`."""
    def input_type(position: int) -> int:
        return TensorProto.INT64 if feeds_embedding(model, position) else TensorProto.FLOAT

    if not is_functional(model):
        return ([Port("inputs", tuple(model.input_shape), input_type(0))],
                [Port("outputs", tuple(model.output_shape), TensorProto.FLOAT)])
    inputs = [Port(name, tensor.shape, input_type(position))
              for position, (name, tensor) in enumerate(zip(model._input_names, model.inputs))]
    taken = {port.name for port in inputs}
    outputs = []
    for name, tensor in zip(model.output_names, model.outputs):
        unique, number = name, 1
        while unique in taken:  # an output that is an input, or made twice by one layer
            unique, number = f"{name}_{number}", number + 1
        taken.add(unique)
        outputs.append(Port(unique, tensor.shape, TensorProto.FLOAT))
    return inputs, outputs


def feeds_embedding(model: Any, position: int) -> bool:
    """Whether the model's input `position` goes into an Embedding (directly or through a model
    inside), so that it holds integer indices."""
    if not is_functional(model):
        first = model.layers[0] if model.layers else None
        return type(first).__name__ == "Embedding" or (is_model(first) and feeds_embedding(first, 0))
    tensor = model.inputs[position]
    for node in model._nodes:
        if any(argument is tensor for argument in node.input_tensors):
            if type(node.layer).__name__ == "Embedding":
                return True
            if is_model(node.layer) and feeds_embedding(node.layer, node.input_tensors.index(tensor)):
                return True
    return False


# ---- the walk ----------------------------------------------------------------------------------------
def convert_model(graph: onnx_graph.GraphBuilder, model: Any, inputs: list[str]) -> list[str]:
    """Append the nodes of `model` run on the values named `inputs` (one per model input, in
    order); return the names of its outputs, in order."""
    if not is_functional(model):
        value, shape = inputs[0], tuple(model.input_shape)
        for layer in model.layers:
            (value,) = convert_layer(graph, layer, Call([value], [shape], {"inputs": value}))
            shape = tuple(layer.compute_output_shape(shape))
        return [value]
    values = {id(tensor): name for tensor, name in zip(model.inputs, inputs)}
    for node in model._nodes:
        if not node.input_tensors:  # an input's own node: its value is given
            continue
        args, kwargs = node.arguments(values)
        arguments = inspect.signature(node.layer.call).bind(*args, **kwargs).arguments
        call = Call([values[id(tensor)] for tensor in node.input_tensors],
                    [tensor.shape for tensor in node.input_tensors], arguments)
        outputs = convert_layer(graph, node.layer, call)
        if len(outputs) != len(node.output_tensors):
            raise ValueError(f"layer {node.layer.name!r} ({type(node.layer).__name__}) has "
                             f"{len(node.output_tensors)} outputs in model {model.name!r}, but its ONNX conversion "
                             f"makes {len(outputs)}; export a model that uses only its first output.")
        for tensor, name in zip(node.output_tensors, outputs):
            values[id(tensor)] = name
    return [values[id(tensor)] for tensor in model.outputs]


def convert_layer(graph: onnx_graph.GraphBuilder, layer: Any, call: Call) -> list[str]:
    """The names of the outputs of one call of `layer` (a model is inlined)."""
    class_name = type(layer).__name__
    if is_model(layer):
        return convert_model(graph, layer, model_inputs(layer, call.arguments["inputs"]))
    if class_name in onnx_merging.MULTI_INPUT_CONVERTERS:
        if any(graph.mask_of(name) is not None for name in call.inputs):
            raise ValueError(f"layer {layer.name!r} ({class_name}) takes a masked input (after "
                             f"Embedding(mask_zero=True) or Masking), and its ONNX conversion cannot carry the mask "
                             f"on yet; export a model without the mask before it.")
        output = onnx_merging.MULTI_INPUT_CONVERTERS[class_name](graph, layer, call)
        graph.masks[output] = None
        return [output]
    if len(call.inputs) != 1:
        raise ValueError(f"layer {layer.name!r} ({class_name}) is called on {len(call.inputs)} inputs, but its ONNX "
                         f"conversion takes one.")
    return [onnx_layers.convert(graph, layer, call.inputs[0])]


def model_inputs(model: Any, structure: Any) -> list[str]:
    """The values a model used as a layer is called on, in the order of its inputs (a dict is
    read by the inputs' names, as the model reads it)."""
    if isinstance(structure, dict):
        return [structure[name] for name in model._input_names]
    return tree.flatten(structure)
