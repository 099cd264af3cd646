"""`Sequential`: a stack of layers, each feeding the next, with Keras's training API."""
from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

import autograd as ag
from nn.interop import keras_archive, keras_weights, onnx_export
from nn.layers import Layer
from nn.layers import get as get_layer_class
from nn.layers.base import Shape, unique_name
from nn.layers.core import InputLayer
from nn.models.registry import register_model_class
from nn.models.loading import load_weights
from nn.saving import LoadLimits, save_model, save_weights
from nn.saving.file_format import as_path
from nn.training import Training
from nn.utils import to_tensor


@register_model_class
class Sequential(Training):
    """Layers applied one after the other: ``y = layer_n(... layer_1(x))``.

    The model builds (creates every weight) as soon as the input shape is known: from
    ``Input(shape=...)`` or ``input_shape=`` on the first layer, from ``build(input_shape)``,
    or else from the first batch it sees.

    Example:
        >>> model = Sequential([Input(shape=(64,)), Dense(32, activation="relu"), Dense(10)])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=5)
    """

    def __init__(self, layers: Optional[Iterable[Layer]] = None, name: Optional[str] = None) -> None:
        super().__init__()
        self.name = name or unique_name("sequential")
        self._layers: list[Layer] = []
        self._layer_names: set[str] = set()  # for add's uniqueness check in constant time
        self.input_shape: Optional[Shape] = None  # batch axis first, e.g. (None, 64)
        self.output_shape: Optional[Shape] = None
        self.input_name = "x"  # the name a batch of data gets in graph pictures (Input(name=...))
        self.built = False
        if isinstance(layers, Layer) or layers is not None and not isinstance(layers, Iterable):
            raise TypeError(f"Sequential takes a list of layers, as in Sequential([Input(shape=(4,)), Dense(8)]), "
                            f"got {type(layers).__name__}; wrap a single layer in a list.")
        for layer in layers or ():
            self.add(layer)

    # ---- the stack -----------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def add(self, layer: Layer) -> None:
        """Append `layer`; an `Input` may only come first and fixes the input shape."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a layer such as Dense(10), got {type(layer).__name__}.")
        if isinstance(layer, InputLayer):
            if self._layers or self.input_shape is not None:
                raise ValueError(f"Input(shape={layer.shape}) must be the first thing added to "
                                 f"model {self.name!r}; it already has an input shape or layers.")
            self.input_name = layer.tensor_name
            self.build(layer.batch_input_shape)
            return
        if layer.name in self._layer_names:
            raise ValueError(f"model {self.name!r} already has a layer named {layer.name!r}; layer names "
                             f"must be unique in a model (pass name= to choose another).")
        if layer.batch_input_shape is not None and (self._layers or self.input_shape is not None):
            raise ValueError(f"layer {layer.name!r} has input_shape= but is not the first layer of model "
                             f"{self.name!r}; only the first layer may set the input shape.")
        self._layers.append(layer)
        self._layer_names.add(layer.name)
        if layer.batch_input_shape is not None:
            self.build(layer.batch_input_shape)
        elif self.built:
            self.output_shape = layer.build_for(self.output_shape)

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
        for layer in self._layers:
            shape = layer.build_for(shape)
        self.output_shape = shape
        self.built = True

    # ---- running -------------------------------------------------------------------------------
    def __call__(self, inputs: Any, training: Optional[bool] = None) -> ag.Tensor:
        """The forward pass on a batch (Tensor or array); records the graph unless under no_grad."""
        outputs = to_tensor(inputs)
        if outputs is not inputs and outputs.name is None:  # made here from an array: name it
            outputs.name = self.input_name
        if not self.built:
            self.build((None, *outputs.shape[1:]))
        for layer in self._layers:
            outputs = layer(outputs, training=training)
        return outputs

    # ---- weights -------------------------------------------------------------------------------
    @property
    def trainable_weights(self) -> list[ag.Tensor]:
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[ag.Tensor]:
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    @property
    def weights(self) -> list[ag.Tensor]:
        return [w for layer in self._layers for w in layer.weights]

    def parameters(self) -> list[ag.Tensor]:
        """The trainable weights (PyTorch's name), e.g. for an optimizer's ``attach``."""
        return self.trainable_weights

    @property
    def losses(self) -> list[ag.Tensor]:
        """Every layer's regularization penalties (scalar Tensors)."""
        return [loss for layer in self._layers for loss in layer.losses]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self._layers)

    def get_weights(self) -> list[np.ndarray]:
        return [array for layer in self._layers for array in layer.get_weights()]

    def set_weights(self, arrays: Sequence[np.ndarray]) -> None:
        """Overwrite every weight, in the order of `get_weights`."""
        expected = sum(len(layer.weights) for layer in self._layers)
        if len(arrays) != expected:
            raise ValueError(f"model {self.name!r} has {expected} weight arrays but was given {len(arrays)}; "
                             f"pass one array per weight, in the order of get_weights().")
        start = 0
        for layer in self._layers:
            count = len(layer.weights)
            layer.set_weights(arrays[start:start + count])
            start += count

    # ---- description ---------------------------------------------------------------------------
    def summary(self, print_fn: Callable[[str], Any] = print) -> None:
        """Print Keras's table: each layer's name (type), output shape and parameter count."""
        if not self.built:
            raise ValueError(f"model {self.name!r} has not been built yet, so its shapes are unknown: "
                             f"start it with Input(shape=...), call build((None, features)), or fit it first.")
        widths = (33, 26, 12)
        rule = "_" * sum(widths)
        rows = []
        shape = self.input_shape
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
            rows.append((f"{layer.name} ({type(layer).__name__})", str(tuple(shape)), f"{layer.count_params():,}"))
        trainable = sum(w.size for w in self.trainable_weights)
        lines = [f'Model: "{self.name}"', rule, _table_row(("Layer (type)", "Output Shape", "Param #"), widths),
                 "=" * sum(widths)]
        for i, row in enumerate(rows):
            lines.append(_table_row(row, widths))
            lines.append("_" * sum(widths) if i < len(rows) - 1 else "=" * sum(widths))
        if not rows:
            lines.append("=" * sum(widths))
        lines += [f"Total params: {self.count_params():,}", f"Trainable params: {trainable:,}",
                  f"Non-trainable params: {self.count_params() - trainable:,}", rule]
        for line in lines:
            print_fn(line)

    def get_config(self) -> dict:
        """The architecture as JSON values: name, input shape and each layer's class and config."""
        return {"name": self.name,
                "input_shape": None if self.input_shape is None else list(self.input_shape[1:]),
                "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                           for layer in self._layers]}

    @classmethod
    def from_config(cls, config: dict) -> "Sequential":
        """Rebuild from `get_config()`; only registered layer classes may be named."""
        model = cls(name=config.get("name"))
        input_shape = config.get("input_shape")
        if input_shape is not None:
            if not isinstance(input_shape, list) or not all(
                    n is None or (isinstance(n, int) and not isinstance(n, bool) and n > 0) for n in input_shape):
                raise ValueError(f"a Sequential config's input_shape is the shape of one sample, a list of positive "
                                 f"integers (null for a size that varies), got {input_shape!r}.")
            model.build((None, *input_shape))
        for entry in config.get("layers", []):
            layer_config = dict(entry.get("config", {}))
            if model._layers or model.input_shape is not None:
                layer_config.pop("input_shape", None)
            model.add(get_layer_class(entry["class_name"]).from_config(layer_config))
        return model

    # ---- files: .keras and .weights.h5 in Keras 3's formats (nn.interop), anything else our npz (nn.saving)
    def save(self, filepath: str) -> None:
        """Write the model to `filepath`: a Keras 3 archive (architecture, weights and compile settings,
        not the optimizer's running state) for a ``.keras`` path, which ``keras.models.load_model``
        opens; otherwise one ``.npz`` file of architecture, weights, compile settings and optimizer
        state."""
        if _suffix(filepath, "model.save") == ".keras":
            keras_archive.save_model(self, filepath)
            return
        self.sync_optimizer()  # a layer frozen since the last fit: save the state of what trains now
        save_model(self, filepath)

    def save_weights(self, filepath: str) -> None:
        """Write only the weights: Keras 3's layout for a ``.h5`` path (``x.weights.h5``), which
        Keras's ``load_weights`` reads; otherwise a ``.npz`` file."""
        if _suffix(filepath, "model.save_weights") == ".h5":
            keras_weights.save_weights(self, filepath)
        else:
            save_weights(self, filepath)

    def load_weights(self, filepath: str, limits: Optional[LoadLimits] = None) -> None:
        """Read weights into this (same-architecture) model: a ``.h5`` file in Keras 3's layout or a
        Keras ``.keras`` archive (written by Keras or by chainrule), otherwise a file written by
        `save_weights` or `save` in our ``.npz`` format; `limits` (`nn.saving.LoadLimits`) bounds
        what an ``.npz`` file may ask for."""
        if not keras_weights.is_keras_file(filepath):
            load_weights(self, filepath, limits)
            return
        if not self.built:
            raise ValueError(f"model {self.name!r} is not built yet, so it has no weights to load into; "
                             f"call model.build((None, features)) or run it on data first.")
        keras_weights.load_weights(self, filepath)

    def export(self, filepath: str, format: str = "onnx") -> None:
        """Write the model for serving elsewhere; ``format="onnx"`` (the only one) writes an ONNX
        model (opset 17, any batch size) that ONNX Runtime runs."""
        if format != "onnx":
            raise ValueError(f"model.export supports format='onnx' only, not {format!r}.")
        onnx_export.export(self, filepath)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, layers={[layer.name for layer in self._layers]}>"


def _table_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(f" {cell}".ljust(width) for cell, width in zip(cells, widths)).rstrip()


def _suffix(filepath: Any, action: str) -> str:
    return os.path.splitext(as_path(filepath, action))[1].lower()
