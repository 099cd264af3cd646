"""`Functional`: the model ``nn.Model(inputs, outputs)`` makes from a graph of layer calls.

Building it walks back from the outputs to the inputs through the `Node`s that calling layers on
KerasTensors recorded, and keeps those nodes in topological order (deepest first, as Keras orders
them). Calling the model runs the same layer calls on real data in that order, so a layer called
twice (shared) runs twice with the same weights. The graph is plain data: it gives `layers`,
`summary()`'s "Connected to", `plot_model` and the config that `from_config` rebuilds the graph from.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import layers as layers_module
from nn import tree
from nn.layers.base import Layer
from nn.layers.core import InputLayer
from nn.layers.graph_order import layer_order
from nn.layers.node import KerasTensor, Node
from nn.models.model import Model
from nn.utils import to_tensor


class Functional(Model):
    """A model made of layer calls on symbolic inputs: ``nn.Model(inputs, outputs, name=None)``.

    Args:
        inputs: a KerasTensor from ``nn.Input``, or a list or dict of them.
        outputs: KerasTensors computed from the inputs by calling layers; one, a list or a dict
            (a dict names the outputs for `compile` and `fit`).
        name: the model's name (default "functional", numbered when taken).

    Example (a residual block):
        >>> inputs = nn.Input(shape=(16,))
        >>> hidden = nn.layers.Dense(16, activation="relu")(inputs)
        >>> outputs = nn.layers.Add()([inputs, nn.layers.Dense(16)(hidden)])
        >>> model = nn.Model(inputs, outputs, name="residual")
    """

    def __init__(self, inputs: Any, outputs: Any, name: Optional[str] = None, trainable: bool = True) -> None:
        super().__init__(name=name, trainable=trainable)
        for role, structure in (("inputs", inputs), ("outputs", outputs)):
            for value in tree.flatten(structure):
                if not isinstance(value, KerasTensor):
                    raise TypeError(f"nn.Model(inputs, outputs): every one of the {role} must be a KerasTensor, made by "
                                    f"nn.Input(...) or by calling a layer on one; got {type(value).__name__} in "
                                    f"{tree.describe(structure)}.")
        self._inputs_struct = _as_structure(inputs)
        self._outputs_struct = _as_structure(outputs)
        self.inputs: list[KerasTensor] = tree.flatten(self._inputs_struct)
        self.outputs: list[KerasTensor] = tree.flatten(self._outputs_struct)
        self._nodes: list[Node] = topological_nodes(self.inputs, self.outputs)
        self._layers: list[Layer] = layer_order(self._inputs_struct, self._outputs_struct)
        self._check_names()
        self._build_shapes = tree.map_structure(lambda t: t.shape, self._inputs_struct)
        self.input_spec = self._build_shapes if len(self.inputs) == 1 else None
        self.built = True

    # ---- the graph -----------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """Every layer of the graph, each once (a shared layer too), in Keras 3's order: deepest
        first, counted back from the outputs (`nn.layers.graph_order`)."""
        return list(self._layers)

    @property
    def input(self) -> Any:
        """The inputs as given to ``nn.Model`` (one KerasTensor, a list or a dict)."""
        return _single(self._inputs_struct)

    @property
    def output(self) -> Any:
        """The outputs as given to ``nn.Model``: use them to build a bigger model on this one."""
        return _single(self._outputs_struct)

    @property
    def input_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self.input)

    @property
    def output_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self.output)

    @property
    def output_names(self) -> list[str]:
        """The names the outputs are logged under: a dict's keys, else the layers that make them."""
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [tensor._keras_history.layer.name for tensor in self.outputs]

    @property
    def _input_names(self) -> list[str]:
        return list(self._inputs_struct) if isinstance(self._inputs_struct, dict) else [t.name for t in self.inputs]

    @property
    def _output_names(self) -> list[str]:
        return self.output_names

    @property
    def _data_input_shapes(self) -> Any:
        return [tensor.shape for tensor in self.inputs]

    def _summary_nodes(self) -> list[Node]:
        return list(self._nodes)

    def _summary_layers(self) -> list[Layer]:
        return list(self._layers)

    def _layer_graph(self) -> tuple[list, list]:
        arrows = [(tensor._keras_history.layer, node.layer, tensor._keras_history.tensor_index, input_index)
                  for node in self._nodes for input_index, tensor in enumerate(node.input_tensors)]
        return list(self._layers), arrows

    def _entry_layer(self, input_index: int) -> tuple[Layer, int]:
        """The input layer of the model's input `input_index`."""
        return self.inputs[input_index]._keras_history.layer, 0

    def _exit_layer(self, output_index: int) -> tuple[Layer, int]:
        """The layer that makes the model's output `output_index`, and which of its outputs it is."""
        history = self.outputs[output_index]._keras_history
        return history.layer, history.tensor_index

    def build(self, input_shape: Any = None) -> None:
        """Nothing to do: a functional model is built when it is made."""

    # ---- running -------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(self._named_data(inputs), *args, **kwargs)

    def _named_data(self, inputs: Any) -> Any:
        """Arrays of data become Tensors named as their inputs, so graph pictures say which is
        which: the ``Input(name=...)`` given, else "x" for a model's only input, else the input
        layer's name."""
        def named(value: Any, tensor: KerasTensor) -> Any:
            layer = tensor._keras_history.layer
            if not isinstance(value, np.ndarray) or not hasattr(layer, "tensor_name"):  # an inner tensor as input
                return value
            named_tensor = to_tensor(value)
            named_tensor.name = layer.tensor_name if layer.tensor_name != "x" or len(self.inputs) == 1 else layer.name
            return named_tensor

        if isinstance(inputs, dict):
            by_name = dict(zip(self._input_names, self.inputs))
            return {key: named(value, by_name[key]) if key in by_name else value for key, value in inputs.items()}
        if isinstance(inputs, (list, tuple)) and len(inputs) == len(self.inputs):
            return type(inputs)(named(value, tensor) for value, tensor in zip(inputs, self.inputs))
        return named(inputs, self.inputs[0]) if len(self.inputs) == 1 else inputs

    def call(self, inputs: Any, training: Optional[bool] = None) -> Any:
        """Run each recorded layer call on the data, in topological order."""
        values = {id(tensor): value for tensor, value in zip(self.inputs, self._flat_inputs(inputs))}
        for node in self._nodes:
            if not node.input_tensors:  # an input's own node: its value is given
                continue
            args, kwargs = node.arguments(values)
            outputs = node.layer(*args, **kwargs)
            for tensor, value in zip(node.output_tensors, tree.flatten(outputs)):
                values[id(tensor)] = value
        return tree.pack_sequence_as(self._outputs_struct, [values[id(tensor)] for tensor in self.outputs])

    def _flat_inputs(self, inputs: Any) -> list[ag.Tensor]:
        """The data for each input, in order, from one Tensor, a list, or a dict keyed by input name."""
        names = self._input_names
        if isinstance(inputs, dict):
            missing = [name for name in names if name not in inputs]
            if missing:
                raise ValueError(f"model {self.name!r} was given a dict with keys {sorted(map(str, inputs))}, but its "
                                 f"inputs are named {names}; {missing} missing.")
            flat = [inputs[name] for name in names]
        elif isinstance(inputs, (list, tuple)):
            flat = list(inputs)
        else:
            flat = [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"model {self.name!r} has {len(self.inputs)} inputs ({', '.join(names)}) but was given "
                             f"{len(flat)}; pass a list in that order or a dict keyed by those names.")
        for value, tensor in zip(flat, self.inputs):
            expected = tensor.shape
            if len(value.shape) != len(expected) or any(e is not None and e != n for e, n in zip(expected, value.shape)):
                raise ValueError(f"model {self.name!r}: input {tensor.name!r} expects shape {expected} (None: any size) "
                                 f"but got {tuple(value.shape)}.")
        return flat

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shapes for inputs of `input_shape`, found layer by layer through the graph."""
        shapes = tree.flatten_shapes(input_shape)
        values = {id(tensor): KerasTensor(shape, tensor.dtype) for tensor, shape in zip(self.inputs, shapes)}
        for node in self._nodes:
            if not node.input_tensors:
                continue
            args, _ = node.arguments(values)
            output_shape = node.layer.compute_output_shape(tree.map_structure(lambda t: t.shape, args[0]))
            for tensor, shape in zip(node.output_tensors, tree.flatten_shapes(output_shape)):
                values[id(tensor)] = KerasTensor(shape, tensor.dtype)
        outputs = [values[id(tensor)].shape for tensor in self.outputs]
        return outputs[0] if len(outputs) == 1 and not tree.is_nested(self._outputs_struct) else \
            tree.pack_sequence_as(self._outputs_struct, outputs)

    # ---- config --------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's functional config: each layer with its calls ("inbound_nodes", the arguments as
        references ``[layer name, node index, tensor index]``), and the input and output layers."""
        for tensor in self.inputs:
            if not isinstance(tensor._keras_history.layer, InputLayer):
                raise ValueError(f"model {self.name!r} starts from {tensor.name!r}, an output of layer "
                                 f"{tensor._keras_history.layer.name!r}, not an nn.Input; only a model whose inputs are "
                                 f"nn.Input(...) tensors can be saved or configured.")
        kept = set(map(id, self._nodes))
        renumbered: dict[int, int] = {}
        for layer in self._layers:
            own = [node for node in layer._inbound_nodes if id(node) in kept]
            renumbered.update({id(node): index for index, node in enumerate(own)})

        def reference(value: Any) -> Any:
            if not isinstance(value, KerasTensor):
                return value
            history = value._keras_history
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(value.shape), "dtype": value.dtype,
                               "keras_history": [history.layer.name, renumbered[id(history.node)], history.tensor_index]}}

        entries = []
        for layer in self._layers:
            calls = [node for node in layer._inbound_nodes if id(node) in kept and node.input_tensors]
            entries.append({**layers_module.serialize(layer), "name": layer.name,
                            "inbound_nodes": [{"args": _jsonable(tree.map_structure(reference, list(node.call_args))),
                                               "kwargs": _jsonable(tree.map_structure(reference, node.call_kwargs))}
                                              for node in calls]})
        return {"name": self.name, "trainable": self.trainable, "layers": entries,
                "input_layers": _references(self._inputs_struct, renumbered),
                "output_layers": _references(self._outputs_struct, renumbered)}

    @classmethod
    def from_config(cls, config: dict) -> "Functional":
        """Rebuild the graph: make each layer from its config, then replay its calls in order."""
        made: dict[tuple[str, int], list[KerasTensor]] = {}
        pending: list[tuple[Layer, list]] = []
        for entry in config["layers"]:
            layer = layers_module.deserialize(entry)
            if isinstance(layer, InputLayer):
                made[(layer.name, 0)] = [layer.output]
            pending.append((layer, list(entry.get("inbound_nodes", []))))
        while any(calls for _, calls in pending):
            progress = False
            for layer, calls in pending:
                while calls and _ready(calls[0], made):
                    call = calls.pop(0)
                    args = _resolve(call.get("args", []), made)
                    kwargs = _resolve(call.get("kwargs", {}), made)
                    outputs = layer(*args, **kwargs)
                    made[(layer.name, len(layer._inbound_nodes) - 1)] = tree.flatten(outputs)
                    progress = True
            if not progress:
                stuck = [layer.name for layer, calls in pending if calls]
                raise ValueError(f"the functional config of {config.get('name')!r} cannot be rebuilt: the calls of "
                                 f"{stuck} refer to tensors that no layer makes; the config may be damaged.")
        return cls(_resolve_references(config["input_layers"], made), _resolve_references(config["output_layers"], made),
                   name=config.get("name"), trainable=config.get("trainable", True))

    def _check_names(self) -> None:
        names = [layer.name for layer in self._layers]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"model {self.name!r} has several layers named {repeated}; layer names must be unique in "
                             f"a model (pass name= to choose another).")


def topological_nodes(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The nodes that compute `outputs` from `inputs`, deepest (nearest the inputs) first.

    A depth-first walk back from the outputs lists each node after the nodes it needs; nodes
    are then ordered by their depth, counted back from the outputs, ties kept in walk order.
    """
    input_ids = {id(tensor) for tensor in inputs}
    order: list[Node] = []
    listed: set[int] = set()
    for tensor in inputs:  # the inputs' own nodes first, even one that no output needs
        node = tensor._keras_history.node
        if not node.input_tensors and id(node) not in listed:
            listed.add(id(node))
            order.append(node)
    for output in outputs:
        if id(output) in input_ids:
            continue
        stack: list[tuple[Node, bool]] = [(_producer(output, input_ids), False)]
        while stack:
            node, parents_listed = stack.pop()
            if id(node) in listed:
                continue
            if parents_listed:
                listed.add(id(node))
                order.append(node)
                continue
            stack.append((node, True))
            for tensor in reversed(node.input_tensors):
                if id(tensor) not in input_ids:
                    stack.append((_producer(tensor, input_ids, needed_by=node), False))
    depth = {id(node): 0 for node in order}
    for node in reversed(order):
        for tensor in node.input_tensors:
            if id(tensor) not in input_ids:
                parent = tensor._keras_history.node
                depth[id(parent)] = max(depth[id(parent)], depth[id(node)] + 1)
    deepest = max(depth.values(), default=0)
    for tensor in inputs:  # inputs sit deepest, as Keras draws them
        depth[id(tensor._keras_history.node)] = deepest + 1
    return sorted(order, key=lambda node: -depth[id(node)])


def _producer(tensor: KerasTensor, input_ids: set[int], needed_by: Optional[Node] = None) -> Node:
    """The node that makes `tensor`; an error when it is an nn.Input the model was not given."""
    if tensor._keras_history is None:
        raise ValueError(f"KerasTensor {tensor.name!r} was not made by a layer; make inputs with nn.Input(...).")
    node = tensor._keras_history.node
    if not node.input_tensors and id(tensor) not in input_ids:
        user = f" needed by layer {needed_by.layer.name!r}" if needed_by is not None else ""
        raise ValueError(f"the graph is disconnected: the input {tensor.name!r}{user} is not among the model's inputs; "
                         f"add it to nn.Model(inputs=[...], ...).")
    return node


def _as_structure(value: Any) -> Any:
    """Inputs or outputs as kept: one KerasTensor, or a list or dict of them (tuples as lists)."""
    if isinstance(value, dict):
        return dict(value)
    return list(value) if isinstance(value, (list, tuple)) else value


def _single(structure: Any) -> Any:
    return structure[0] if isinstance(structure, list) and len(structure) == 1 else structure


def _references(structure: Any, renumbered: dict[int, int]) -> Any:
    """``[layer name, node index, tensor index]`` for each KerasTensor of a structure."""
    def reference(tensor: KerasTensor) -> list:
        history = tensor._keras_history
        return [history.layer.name, renumbered[id(history.node)], history.tensor_index]

    if isinstance(structure, KerasTensor):
        return reference(structure)
    if isinstance(structure, dict):
        return {key: reference(tensor) for key, tensor in structure.items()}
    return [reference(tensor) for tensor in structure]


def _jsonable(value: Any) -> Any:
    """Tuples as lists, so a config compares equal to itself after a JSON round trip."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _references_in(value: Any) -> list[dict]:
    if _is_reference(value):
        return [value]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _references_in(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references_in(item)]
    return []


def _ready(call: dict, made: dict) -> bool:
    return all(tuple(ref["config"]["keras_history"][:2]) in made
               for ref in _references_in([call.get("args", []), call.get("kwargs", {})]))


def _resolve(value: Any, made: dict) -> Any:
    """A saved call argument with each tensor reference replaced by the KerasTensor it names."""
    if _is_reference(value):
        name, node_index, tensor_index = value["config"]["keras_history"]
        return made[(name, node_index)][tensor_index]
    if isinstance(value, dict):
        return {key: _resolve(item, made) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, made) for item in value]
    return value


def _resolve_references(structure: Any, made: dict) -> Any:
    """Inputs or outputs from `_references`' form: one ``[name, node, tensor]``, a list or a dict of them."""
    if isinstance(structure, dict):
        return {key: _resolve_references(value, made) for key, value in structure.items()}
    if structure and isinstance(structure[0], str):
        name, node_index, tensor_index = structure
        return made[(name, node_index)][tensor_index]
    return [_resolve_references(value, made) for value in structure]
