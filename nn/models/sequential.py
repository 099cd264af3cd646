"""`Sequential`: a stack of layers, each feeding the next, with Keras's training API."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

import numpy as np

import autograd as ag
from nn import layers as layers_module
from nn import tree
from nn.layers.base import Layer, Shape
from nn.layers.core import InputLayer
from nn.layers.node import KerasTensor
from nn.models.model import Model
from nn.utils import to_tensor


class Sequential(Model):
    """Layers applied one after the other: ``y = layer_n(... layer_1(x))``.

    The model builds (creates every weight) as soon as the input shape is known: from
    ``Input(shape=...)`` or ``input_shape=`` on the first layer, from a first layer that is a
    built model, from ``build(input_shape)``, or else from the first batch it sees. A layer may
    be a model itself (``Sequential([base_model, Softmax()])``).

    Example:
        >>> model = Sequential([Input(shape=(64,)), Dense(32, activation="relu"), Dense(10)])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=5)
    """

    def __init__(self, layers: Optional[Iterable[Any]] = None, trainable: bool = True,
                 name: Optional[str] = None) -> None:
        super().__init__(name=name, trainable=trainable)
        self._layers: list[Layer] = []
        self._layer_names: set[str] = set()  # for add's uniqueness check in constant time
        self.input_shape: Optional[Shape] = None  # batch axis first, e.g. (None, 64)
        self.output_shape: Optional[Shape] = None
        self.input_name = "x"  # the name a batch of data gets in graph pictures (Input(name=...))
        if isinstance(layers, Layer) or layers is not None and not isinstance(layers, Iterable):
            raise TypeError(f"Sequential takes a list of layers, as in Sequential([Input(shape=(4,)), Dense(8)]), "
                            f"got {type(layers).__name__}; wrap a single layer in a list.")
        for layer in layers or ():
            self.add(layer)

    # ---- the stack -----------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def add(self, layer: Any) -> None:
        """Append `layer` (or a model); an `Input` may only come first and fixes the input shape."""
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history.layer, InputLayer):
            layer = layer._keras_history.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a layer such as Dense(10), got {type(layer).__name__}.")
        if isinstance(layer, InputLayer):
            if self._layers or self.input_shape is not None:
                raise ValueError(f"Input(shape={layer.shape}) must be the first thing added to "
                                 f"model {self.name!r}; it already has an input shape or layers.")
            self.input_name = layer.tensor_name
            self.build(layer.batch_shape)
            return
        if layer.name in self._layer_names:
            raise ValueError(f"model {self.name!r} already has a layer named {layer.name!r}; layer names "
                             f"must be unique in a model (pass name= to choose another).")
        if layer.batch_input_shape is not None and (self._layers or self.input_shape is not None):
            raise ValueError(f"layer {layer.name!r} has input_shape= but is not the first layer of model "
                             f"{self.name!r}; only the first layer may set the input shape.")
        first = not self._layers and self.input_shape is None
        self._layers.append(layer)
        self._layer_names.add(layer.name)
        if layer.batch_input_shape is not None:
            self.build(layer.batch_input_shape)
        elif first and isinstance(layer, Model) and layer.built and _single_shape(layer._data_input_shapes):
            self.build(_single_shape(layer._data_input_shapes))  # a built model first: its input shape is this one's
        elif self.built:
            layer.build_for(self.output_shape)
            self.output_shape = layer.compute_output_shape(self.output_shape)

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise IndexError(f"model {self.name!r} has no layers to pop.")
        layer = self._layers.pop()
        self._layer_names.discard(layer.name)
        if self.built:
            self.build(self.input_shape)
        return layer

    def build(self, input_shape: Optional[Sequence[Optional[int]]] = None) -> None:
        """Create every layer's weights for inputs of `input_shape` (batch axis first, may be None)."""
        if input_shape is None:
            if self.input_shape is None:
                raise ValueError(f"model {self.name!r} cannot be built without an input shape: call "
                                 f"build((None, features)), start with Input(shape=...), or call it on data.")
            input_shape = self.input_shape
        if not isinstance(input_shape, (tuple, list)) or not input_shape:
            raise ValueError(f"model {self.name!r}: build takes the input shape with its batch axis first, as in "
                             f"build((None, 64)) for 64 features, got {input_shape!r}.")
        shape = tuple(input_shape)
        self.input_shape = (None, *shape[1:])
        self._build_shapes = self.input_shape
        for layer in self._layers:
            layer.build_for(shape)
            shape = layer.compute_output_shape(shape)
        self.output_shape = shape
        self.built = True

    @property
    def _input_names(self) -> list[str]:
        return ["input"]  # one input; a dict or list holding just it is unwrapped

    @property
    def _output_names(self) -> Optional[list[str]]:
        return [self._layers[-1].name] if self._layers else None

    @property
    def _data_input_shapes(self) -> Any:
        return self.input_shape

    def _summary_nodes(self) -> None:
        return None

    def _summary_layers(self) -> list[Layer]:
        return list(self._layers)

    def _layer_graph(self) -> tuple[list, list]:
        return list(self._layers), [(a, b, 0, 0) for a, b in zip(self._layers, self._layers[1:])]

    def _entry_layer(self, input_index: int) -> tuple[Layer, int]:
        """The layer that takes the model's input, and which of its inputs that is."""
        return self._layers[0], 0

    def _exit_layer(self, output_index: int) -> tuple[Layer, int]:
        """The layer that makes the model's output, and which of its outputs that is."""
        return self._layers[-1], 0

    # ---- running -------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(inputs, np.ndarray):  # a batch of data: named in graph pictures
            inputs = to_tensor(inputs)
            inputs.name = self.input_name
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> Any:
        """Each layer on the previous one's output."""
        outputs = inputs
        for layer in self._layers:
            outputs = layer(outputs, training=training)
        return outputs

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    # ---- config --------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The architecture as JSON values: name, input shape and each layer's class and config."""
        return {"name": self.name, "trainable": self.trainable,
                "input_shape": None if self.input_shape is None else list(self.input_shape[1:]),
                "layers": [layers_module.serialize(layer) for layer in self._layers]}

    @classmethod
    def from_config(cls, config: dict) -> "Sequential":
        """Rebuild from `get_config()`; only built-in and registered layer classes may be named."""
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        input_shape = config.get("input_shape")
        if input_shape is not None:
            if not isinstance(input_shape, list) or not all(
                    n is None or (isinstance(n, int) and not isinstance(n, bool) and n > 0) for n in input_shape):
                raise ValueError(f"a Sequential config's input_shape is the shape of one sample, a list of positive "
                                 f"integers (null for a size that varies), got {input_shape!r}.")
            model.build((None, *input_shape))
        for entry in config.get("layers", []):
            entry = {**entry, "config": dict(entry.get("config", {}))}
            if model._layers or model.input_shape is not None:
                entry["config"].pop("input_shape", None)
            model.add(layers_module.deserialize(entry))
        return model

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, layers={[layer.name for layer in self._layers]}>"


def _single_shape(shapes: Any) -> Optional[Shape]:
    """The one input shape a model takes (a functional model lists its inputs' shapes), else None."""
    if shapes is not None and not tree.is_shape(shapes) and isinstance(shapes, (list, tuple)) and len(shapes) == 1:
        shapes = shapes[0]
    return tuple(shapes) if shapes is not None and tree.is_shape(shapes) else None
