"""`Model`: a layer with Keras's training API (compile, fit, evaluate, predict), summary and files.

Three ways to make one, as in Keras:

- functional: ``nn.Model(inputs, outputs)``, the outputs computed from ``nn.Input``s by calling
  layers; it returns a `Functional` (`nn.models.functional`), the graph of those calls;
- subclassing: ``class MyModel(nn.Model)`` with ``__init__`` (create the layers as attributes)
  and ``call(self, inputs, training=None)`` (the forward pass);
- `nn.Sequential([...])`, a stack of layers.

A model is a layer: it can be called inside another model or sit in a Sequential.
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable, Optional, Sequence

from nn import saving
from nn.interop import keras_archive, keras_weights, onnx_export
from nn.layers.base import Layer
from nn.models.loading import load_weights
from nn.models.summary import print_summary
from nn.saving import LoadLimits
from nn.saving.file_format import as_path
from nn.training import Training


def is_functional_config(config: Any) -> bool:
    """True for the config of a functional model (its layers with their calls, inputs, outputs)."""
    return isinstance(config, dict) and "layers" in config and "input_layers" in config and "output_layers" in config


class Model(Training, Layer):
    """A model: ``nn.Model(inputs, outputs, name=None)`` for a functional model, or the base class
    of a model written as a class.

    Args (functional):
        inputs: the model's input(s): a KerasTensor from ``nn.Input``, or a list or dict of them.
        outputs: what the model computes from them: a KerasTensor, or a list or dict of them.
        name: the model's name (default "functional", numbered when taken).

    Example (subclassing, as in Keras's guide):
        >>> class MyModel(nn.Model):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.hidden = nn.layers.Dense(32, activation="relu")
        ...         self.dropout = nn.layers.Dropout(0.5)
        ...         self.classifier = nn.layers.Dense(10, activation="softmax")
        ...     def call(self, inputs, training=None):
        ...         return self.classifier(self.dropout(self.hidden(inputs), training=training))
        >>> model = MyModel()
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    A model written as a class is saved by class name: decorate it with
    ``@nn.saving.register_serializable(package="...")`` and, if its ``__init__`` takes arguments,
    return them from ``get_config()``. Override ``train_step`` to change what ``fit`` does.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            # nn.Model(inputs, outputs) is a functional model, as in Keras. Functional is looked up
            # by name because nn.models.functional imports this module.
            return super().__new__(saving.built_in("Functional"))
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(f"{type(self).__name__}: a model written as a class creates its layers in __init__ and "
                            f"uses them in call(); passing inputs and outputs to super().__init__() is not "
                            f"supported. Build a functional model with nn.Model(inputs, outputs) instead, and "
                            f"use it as a layer of your class if you need both.")
        Layer.__init__(self, **kwargs)
        Training.__init__(self)

    # ---- what the training loops ask ------------------------------------------------------------
    @property
    def _input_names(self) -> Optional[list[str]]:
        """The names of the inputs, in order; None when the model does not declare them."""
        return None

    @property
    def _output_names(self) -> Optional[list[str]]:
        """The names of the outputs, in order; None when the model does not declare them."""
        return None

    @property
    def _data_input_shapes(self) -> Any:
        """The shape (or structure of shapes) the data is matched against: what it was built for."""
        return self._build_shapes

    def _summary_nodes(self) -> Optional[list]:
        """The graph's nodes for "Connected to" (a functional model's); None: a plain list of layers."""
        return None

    def _summary_layers(self) -> list[Layer]:
        return self.layers

    def _layer_graph(self) -> Optional[tuple[list, list]]:
        """The layers and the arrows between them, ``(source, target, output index, input index)``,
        for `plot_model`; None for a model written as a class, whose call is code, not a graph."""
        return None

    # ---- layers --------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The layers held in the model's attributes, in the order they were assigned."""
        return self._tracked_layers()

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """The layer called `name`, or the one at position `index` of `layers`."""
        if (name is None) == (index is None):
            raise ValueError(f"get_layer needs exactly one of name= or index=, got name={name!r}, index={index!r}.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"get_layer(index={index}): model {self.name!r} has only {len(layers)} layers "
                                 f"(indices 0..{len(layers) - 1}).")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"model {self.name!r} has no layer named {name!r}; its layers are "
                         f"{[layer.name for layer in layers]}.")

    def parameters(self) -> list:
        """The trainable weights (PyTorch's name), e.g. for an optimizer's ``attach``."""
        return self.trainable_weights

    # ---- description ---------------------------------------------------------------------------
    def summary(self, line_length: Optional[int] = None, positions: Optional[Sequence[float]] = None,
                print_fn: Optional[Callable[[str], Any]] = None, expand_nested: bool = False,
                show_trainable: bool = False) -> None:
        """Print Keras's table: each layer's name (type), output shape, parameter count and, for a
        model whose layers branch or meet, what each is connected to; then the totals."""
        if not self.built:
            raise ValueError(f"model {self.name!r} has not been built yet, so its shapes are unknown: start it with "
                             f"Input(shape=...), call build((None, features)), or call it on data (fit) first.")
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    # ---- config and files ----------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: dict) -> "Model":
        """Rebuild a model from `get_config()`: a functional model from its graph, a model written
        as a class by calling it with the config as keyword arguments."""
        if cls is Model and is_functional_config(config):
            return saving.built_in("Functional").from_config(config)
        try:
            return cls(**config)
        except TypeError as error:  # a constructor argument missing from, or unknown to, the config
            raise ValueError(f"{cls.__name__}.from_config could not rebuild the model ({error}). A model of your own "
                            f"whose __init__ takes arguments must return them from get_config(), e.g. "
                            f"{{**super().get_config(), 'units': self.units}}.") from None

    def to_json(self, **kwargs: Any) -> str:
        """The architecture as JSON text (no weights); `nn.models.model_from_json` rebuilds it.
        `kwargs` go to `json.dumps` (e.g. ``indent=2``)."""
        registered = None if saving.is_built_in(type(self)) else saving.registered_name(type(self))
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config(),
                           "registered_name": registered}, **kwargs)

    # ---- files: .keras and .weights.h5 in Keras 3's formats (nn.interop), anything else our npz (nn.saving)
    def save(self, filepath: Any) -> None:
        """Write the model to `filepath`: a Keras 3 archive (architecture, weights, compile
        settings and the optimizer's running state as Keras's optimizer variables) for a ``.keras`` path, which
        ``keras.models.load_model`` opens (a Sequential or functional model, models inside it
        too; a model written as a class needs its code, so only its weights go to Keras, by
        `save_weights`); otherwise one ``.npz`` file of architecture, weights, compile settings
        and optimizer state."""
        self.sync_optimizer()  # a layer frozen since the last fit: save the state of what trains now
        if _suffix(filepath, "model.save") == ".keras":
            keras_archive.save_model(self, filepath)
            return
        saving.save_model(self, filepath)

    def save_weights(self, filepath: Any) -> None:
        """Write only the weights: Keras 3's layout for a ``.h5`` path (``x.weights.h5``), which
        Keras's ``load_weights`` reads; otherwise a ``.npz`` file."""
        if _suffix(filepath, "model.save_weights") == ".h5":
            keras_weights.save_weights(self, filepath)
        else:
            saving.save_weights(self, filepath)

    def load_weights(self, filepath: Any, limits: Optional[LoadLimits] = None) -> None:
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

    def export(self, filepath: Any, format: str = "onnx") -> None:
        """Write the model for serving elsewhere; ``format="onnx"`` (the only one) writes an ONNX
        model (opset 17, any batch size) that ONNX Runtime runs."""
        if format != "onnx":
            raise ValueError(f"model.export supports format='onnx' only, not {format!r}.")
        onnx_export.export(self, filepath)

    @property
    def _kind(self) -> str:
        return "model"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def _suffix(filepath: Any, action: str) -> str:
    return os.path.splitext(as_path(filepath, action))[1].lower()
