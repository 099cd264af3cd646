"""The layer graph as plain data: `KerasTensor` placeholders and the `Node` each symbolic call records.

``nn.Input(shape=(4,))`` returns a KerasTensor: the shape and dtype of a value still to come,
without values. Calling a layer on KerasTensors does no math: the layer works out its output
shape and records a `Node` (the layer, the arguments it was called with, the KerasTensors it
returned). Each KerasTensor remembers the node that made it (`_keras_history`), so a model can
walk back from its outputs to its inputs and then run the same calls on real data, in order.
The same graph feeds `summary()` and `plot_model`.
"""
from __future__ import annotations

import itertools
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from nn import saving, tree

_tensor_numbers = itertools.count()


class KerasHistory(NamedTuple):
    """Where a KerasTensor came from: output `tensor_index` of call `node_index` of `layer`."""

    layer: Any
    node_index: int
    tensor_index: int

    @property
    def node(self) -> "Node":
        return self.layer._inbound_nodes[self.node_index]


class KerasTensor:
    """A symbolic tensor: the shape (batch axis first, None where unknown) and dtype of a value
    a model will compute, and the layer call that computes it.

    It has no values: ``nn.layers.Dense(8)(x)`` on a KerasTensor ``x`` returns another
    KerasTensor of shape ``(None, 8)``; ``nn.Model(inputs, outputs)`` turns the calls between
    them into a model that runs on data.
    """

    def __init__(self, shape: Sequence[Optional[int]], dtype: Any = "float32", name: Optional[str] = None) -> None:
        self.shape = tuple(None if n is None else int(n) for n in shape)
        self.dtype = str(np.dtype(dtype))
        if name is None:
            number = next(_tensor_numbers)
            name = "keras_tensor" if number == 0 else f"keras_tensor_{number}"
        self.name = name
        self._keras_history: Optional[KerasHistory] = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(f"KerasTensor {self.name!r} of shape {self.shape} is a placeholder without values, so it "
                        f"cannot become an array. Build a model with nn.Model(inputs, outputs) and call it (or "
                        f"its predict) on data.")

    # ---- math: a + b, a - b and a * b of two KerasTensors are the merge layers' -------------------
    def __add__(self, other: Any) -> "KerasTensor":
        return self._merged("Add", self, other)

    def __sub__(self, other: Any) -> "KerasTensor":
        return self._merged("Subtract", self, other)

    def __mul__(self, other: Any) -> "KerasTensor":
        return self._merged("Multiply", self, other)

    def __radd__(self, other: Any) -> "KerasTensor":
        return self._merged("Add", other, self)

    def __rsub__(self, other: Any) -> "KerasTensor":
        return self._merged("Subtract", other, self)

    def __rmul__(self, other: Any) -> "KerasTensor":
        return self._merged("Multiply", other, self)

    def _merged(self, layer_class: str, first: Any, second: Any) -> "KerasTensor":
        """The output of a new `layer_class` merge layer (nn.layers.Add, ...) called on both: as a
        layer, the step shows in summaries, pictures and saved files."""
        if not isinstance(first, KerasTensor) or not isinstance(second, KerasTensor):
            self._no_math()
        return saving.built_in(layer_class)()([first, second])

    def _no_math(self, *args: Any) -> None:
        raise TypeError(f"KerasTensor {self.name!r} is a placeholder without values; a + b, a - b and a * b of two "
                        f"KerasTensors make Add, Subtract and Multiply layers, but other math on it must go through "
                        f"layers, which record the step in the model: nn.layers.Rescaling(scale, offset) for "
                        f"numbers, Average, Maximum, Minimum, Concatenate, Dot, Reshape, or a layer of your own "
                        f"whose call does the math (with nn.ops).")

    __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = __neg__ = __getitem__ = _no_math


def is_symbolic(structure: Any) -> bool:
    """True when any leaf of `structure` is a KerasTensor."""
    return any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(structure))


class Node:
    """One call of `layer` on symbolic arguments, ``outputs = layer(*call_args, **call_kwargs)``.

    Creating a node appends it to ``layer._inbound_nodes`` and stamps each output KerasTensor
    with its history, so the graph is walkable from any tensor.
    """

    def __init__(self, layer: Any, call_args: Sequence[Any] = (), call_kwargs: Optional[dict] = None,
                 outputs: Any = None) -> None:
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = [x for x in tree.flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)]
        self.output_tensors = tree.flatten(outputs)
        layer._inbound_nodes.append(self)
        self.index = len(layer._inbound_nodes) - 1
        for tensor_index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(layer, self.index, tensor_index)

    @property
    def parent_nodes(self) -> list["Node"]:
        """The nodes that made this node's input tensors (none for an input)."""
        return [tensor._keras_history.node for tensor in self.input_tensors]

    def arguments(self, values: dict[int, Any]) -> tuple[tuple, dict]:
        """The call's (args, kwargs) with each KerasTensor replaced by ``values[id(tensor)]``."""
        return tree.map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v,
                                  (self.call_args, self.call_kwargs))

    def __repr__(self) -> str:
        return f"<Node {self.layer.name}[{self.index}]: {len(self.input_tensors)} in, {len(self.output_tensors)} out>"
