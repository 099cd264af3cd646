"""`Layer`: the build/call split, the one place weights are born, inner layers, symbolic calls.

A subclass writes `build(input_shape)` (create weights with `add_weight`) and `call(inputs)` (the
math, on Tensors); `call` receives `training` and `mask` only if its signature names them.
`compute_output_shape(input_shape)` is optional: without it, the output shape is found by
running `call` on a small placeholder batch, with no gradient recorded. `__call__` builds once
from the first input's shape, then runs `call` inside ``ag.name_scope(self.name)`` so that
pictures of the graph group each layer's ops.

Layers held in attributes (also inside lists, tuples and dicts) are the layer's inner layers:
their weights, penalties and added losses count as its own. Called on KerasTensors
(``nn.Input``), a layer computes nothing and records a `Node` of the graph (`nn.layers.node`).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

import autograd as ag
from nn import initializers, regularizers, saving, tree
from nn.layers import tracking
from nn.layers.arguments import constraint_argument
from nn.layers.call_context import call_arguments, call_kwargs, calling, in_call, resolve_training
from nn.layers.masks import any_mask, attach_masks, masks_of
from nn.layers.naming import snake_case, spend_budget, unique_name
from nn.layers.node import KerasTensor, Node
from nn.layers.symbolic import has_keras_tensor, placeholder_outputs, symbolic_inputs
from nn.utils import to_tensors

Shape = tuple[Optional[int], ...]

# Every built-in layer and model class by name: the same table as `nn.saving`'s (one home), named
# as before for code that looks classes up in it.
LAYER_CLASSES = saving.built_in_classes()

# Whether add_loss was ever called: until then a model's outermost call has no losses to clear.
_call_losses_added = False


def as_shape(shape: Any, what: str) -> Shape:
    """A sample's shape given as an int or a sequence of positive ints, as a tuple (or a clear
    error); None stands for a size that varies from batch to batch, as Keras's
    ``Input(shape=(None, 8))`` for sequences of any length."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape) if isinstance(shape, (tuple, list)) else shape
    if not isinstance(shape, tuple) or not all(
            n is None or isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ValueError(f"{what} must be positive integers (without the batch size), or None for a size that "
                         f"varies, got {shape}; for 64 features per sample write (64,), for sequences of any "
                         f"length of 8 features (None, 8).")
    return tuple(None if n is None else int(n) for n in shape)


class Layer:
    """Base class of every layer (and of models, which are layers too).

    Args:
        name: the layer's name (default: the snake-case class name, numbered if taken).
        trainable: whether `fit` updates this layer's weights (and its inner layers').
        dtype: the dtype of its weights (default: autograd's default float dtype).
        activity_regularizer: a penalty on the layer's outputs, added to the loss (divided
            by the batch size, as Keras does).
        input_shape: the shape of one sample (no batch axis); on the first layer of a
            Sequential it builds the model at once (``input_dim=n`` is ``input_shape=(n,)``).

    Example (a custom layer, as in Keras's guide):
        >>> class Linear(nn.layers.Layer):
        ...     def __init__(self, units=32, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        ...         self.b = self.add_weight(shape=(self.units,), initializer="zeros")
        ...     def call(self, inputs):
        ...         return inputs @ self.w + self.b
        ...     def get_config(self):
        ...         return {**super().get_config(), "units": self.units}

    To save and load a model that uses it, decorate the class with
    ``@nn.saving.register_serializable(package="...")`` (or pass ``custom_objects=`` to
    ``nn.load_model``).
    """

    default_name: Optional[str] = None  # overrides snake_case(class name), e.g. "prelu"
    supports_masking = False  # does the input's mask (see nn.layers.masks) pass to the output?

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # nn's own classes are known to saved files by class name; a class of your own is known
        # once decorated with @nn.saving.register_serializable (Keras's rule).
        if cls.__module__.split(".")[0] == "nn":
            saving.register_built_in(cls)

    def __init__(self, name: Optional[str] = None, trainable: bool = True, dtype: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any) -> None:
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"a layer name must be a non-empty string without '/', got {name!r}.")
        self.name = name or unique_name(self.default_name or snake_case(type(self).__name__))
        input_dim, input_shape = kwargs.pop("input_dim", None), kwargs.pop("input_shape", None)
        if input_dim is not None:
            if input_shape is not None:
                raise ValueError(f"layer {name or type(self).__name__}: got both input_shape={input_shape!r} "
                                 f"and input_dim={input_dim!r}, which say the same thing; pass only one.")
            input_shape = (input_dim,)
        if kwargs:
            raise TypeError(f"{type(self).__name__} {self.name!r} got unknown keyword arguments {sorted(kwargs)}; "
                            f"check their spelling against the layer's documentation.")
        if not isinstance(trainable, (bool, np.bool_)):
            raise TypeError(f"layer {self.name!r}: trainable takes True or False, got {trainable!r}.")
        self._trainable = bool(trainable)
        self._dtype = None if dtype is None else str(np.dtype(dtype))
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec: Optional[Shape] = None  # the (None, ...) shape the layer was built for
        self._build_shapes: Any = None  # the shape, or structure of shapes, given to build
        self._trainable_weights: list[ag.Tensor] = []
        self._non_trainable_weights: list[ag.Tensor] = []
        self._regularized: list[tuple[ag.Tensor, Callable]] = []
        self._constraints: dict[ag.Tensor, Callable] = {}  # applied by the optimizer after each step
        self._call_losses: list[ag.Tensor] = []
        self._inbound_nodes: list[Node] = []
        self.batch_input_shape: Optional[Shape] = (
            None if input_shape is None else (None, *as_shape(input_shape, f"{self.name}: input_shape")))

    # ---- to write in subclasses ----------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of `input_shape` (batch axis first, None where unknown;
        a list of shapes for a layer called on a list).

        By default a layer whose inner layers are not built yet runs `call` once on a
        placeholder batch, which builds them (as Keras does).
        """
        if any(not layer.built for layer in self._flatten_layers(include_self=False)):
            placeholder_outputs(self, (symbolic_inputs(input_shape, self.dtype),), {})
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(self, inputs), the layer's math.")

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for `input_shape`. By default found by running `call` on placeholder
        batches under ``no_grad``; a layer may define it to skip that."""
        outputs = placeholder_outputs(self, (symbolic_inputs(input_shape, self.dtype),), {})
        return tree.map_structure(lambda output: output.shape, outputs)

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        """The mask of the output, from the input's (default: passed on if `supports_masking`)."""
        return mask if self.supports_masking else None

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (JSON values only). A layer of your
        own whose ``__init__`` takes arguments adds them: ``{**super().get_config(), "units": ...}``."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self._dtype is not None:
            config["dtype"] = self._dtype
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if self.batch_input_shape is not None:
            config["input_shape"] = list(self.batch_input_shape[1:])
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**config)

    # ---- weights -------------------------------------------------------------------------------
    def add_weight(self, *args: Any, shape: Optional[Sequence[int]] = None, initializer: Any = None,
                   dtype: Any = None, trainable: bool = True, regularizer: Any = None,
                   constraint: Any = None, name: Optional[str] = None) -> ag.Tensor:
        """Create, register and return a weight `ag.Tensor` named ``"<layer>/<name>"``.

        Args:
            shape: the weight's shape (default ``()``, a scalar).
            initializer: a name such as "zeros" or "random_normal", or a callable
                ``init(shape, dtype)``; default "glorot_uniform" ("zeros" for an integer
                dtype), as in Keras.
            dtype: default: the layer's dtype, else autograd's default float dtype.
            trainable: whether `fit` updates it (False: a statistic such as a running mean).
            regularizer: a penalty on the weight, added to the training loss.
            constraint: a projection the optimizer applies after each update, ``w <-
                constraint(w)`` (see `nn.constraints`).
            name: default "variable", numbered when taken.

        By position, as in Keras 3: ``add_weight(shape, initializer, dtype)``. tf.keras (Keras 2)
        code puts the name first, ``add_weight("kernel", shape, ...)``: a string first is taken
        that way, ``add_weight(name, shape, initializer, regularizer)``, so such code ports too.
        """
        self._check_initialized()
        given = {"shape": shape, "initializer": initializer, "dtype": dtype, "regularizer": regularizer, "name": name}
        order = ("name", "shape", "initializer", "regularizer") if args and isinstance(args[0], str) else \
            ("shape", "initializer", "dtype")
        if len(args) > len(order):
            raise TypeError(f"{type(self).__name__}.add_weight takes at most {len(order)} arguments by position "
                            f"({', '.join(order)}), got {len(args)}; pass the others by keyword, e.g. trainable=False.")
        for key, value in zip(order, args):
            if given[key] is not None:
                raise TypeError(f"{type(self).__name__}.add_weight got {key} both by position and by keyword.")
            given[key] = value
        shape = () if given["shape"] is None else tuple(int(n) for n in given["shape"])
        dtype = np.dtype(given["dtype"] or self.dtype)
        initializer = given["initializer"] or ("glorot_uniform" if dtype.kind == "f" else "zeros")  # Keras's defaults
        name, regularizer = given["name"], given["regularizer"]
        constraint = constraint_argument(constraint, "constraint", f"{self._kind} {self.name!r}")
        spend_budget(self.name, name, shape)
        filled_as = dtype if dtype.kind == "f" else np.dtype(ag.get_default_dtype())  # initializers fill floats
        values = initializers.get(initializer)(shape, dtype=filled_as).astype(dtype, copy=False)
        taken = {w.name for w in self._trainable_weights + self._non_trainable_weights}
        full_name = base = f"{self.name}/{name or 'variable'}"
        number = 0
        while full_name in taken:  # a second unnamed weight is "variable_1", and so on
            number += 1
            full_name = f"{base}_{number}"
        weight = ag.Tensor(values, requires_grad=trainable, dtype=dtype, name=full_name)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(weight)
        if regularizer is not None:
            self._regularized.append((weight, regularizers.get(regularizer)))
        if constraint is not None:
            self._constraints[weight] = constraint
        return weight

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights: the one given, else autograd's default float dtype."""
        return self._dtype or str(np.dtype(ag.get_default_dtype()))

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freeze or unfreeze this layer and every inner layer (as Keras does)."""
        for layer in self._flatten_layers():
            layer._trainable = bool(value)

    @property
    def weights(self) -> list[ag.Tensor]:
        """Every weight, this layer's first (trainable, then not), then its inner layers' in
        order; a layer shared in two places counts once."""
        return _unique(w for layer in self._flatten_layers()
                       for w in layer._trainable_weights + layer._non_trainable_weights)

    @property
    def trainable_weights(self) -> list[ag.Tensor]:
        if not self.trainable:
            return []
        return _unique(w for layer in self._flatten_layers() if layer.trainable for w in layer._trainable_weights)

    @property
    def non_trainable_weights(self) -> list[ag.Tensor]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    @property
    def weight_constraints(self) -> dict[ag.Tensor, Callable]:
        """``{weight: constraint}`` for this layer's and its inner layers' constrained weights:
        what a model hands its optimizer (`optim.Optimizer.set_constraints`)."""
        return {w: c for layer in self._flatten_layers() for w, c in layer._constraints.items()}

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weight arrays, in the order of `weights`."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, arrays: Sequence[np.ndarray]) -> None:
        """Overwrite the weights in place (same order and shapes as `get_weights`)."""
        weights = self.weights
        if len(arrays) != len(weights):
            raise ValueError(f"{self._kind} {self.name!r} has {len(weights)} weight arrays but was given "
                             f"{len(arrays)}; pass one array per weight, in the order of get_weights().")
        for weight, array in zip(weights, arrays):
            array = np.asarray(array)
            if array.shape != weight.shape:
                raise ValueError(f"{self._kind} {self.name!r}: weight {weight.name!r} has shape {weight.shape} "
                                 f"but the new value has shape {array.shape}.")
            weight.data = array.astype(weight.dtype, copy=False)  # copied into the weight's array

    # ---- losses --------------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar Tensor to the training loss; call it inside `call` (e.g. an activity
        penalty). The losses of a call replace those of the previous one."""
        global _call_losses_added
        for value in tree.flatten(loss):
            if not isinstance(value, ag.Tensor):
                raise TypeError(f"{self._kind} {self.name!r}: add_loss takes Tensors computed in call(), got "
                                f"{type(value).__name__}.")
            self._call_losses.append(value if value.ndim == 0 else ag.sum(value))
            _call_losses_added = True

    @property
    def losses(self) -> list[ag.Tensor]:
        """The losses added by the last call (this layer's and its inner layers'), then the
        penalties of every regularized weight, as scalar Tensors (recorded)."""
        layers = self._flatten_layers()
        added = [loss for layer in layers for loss in layer._call_losses]
        penalties, seen = [], set()
        for layer in layers:
            for weight, regularizer in layer._regularized:
                if id(weight) not in seen:
                    seen.add(id(weight))
                    penalties.append(regularizer(weight))
        return added + penalties

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            layer._call_losses.clear()

    # ---- inner layers --------------------------------------------------------------------------
    def _tracked_layers(self) -> list["Layer"]:
        """The layers held in this layer's attributes (also in lists, tuples, dicts), in order."""
        return tracking.tracked_layers(self, Layer)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        tracking.forget(self)  # the attribute may now hold (or no longer hold) a layer

    def _flatten_layers(self, include_self: bool = True) -> list["Layer"]:
        """This layer (optionally) and every layer inside it, depth first, each once."""
        ordered = tracking.flatten(self, Layer)
        return ordered if include_self else ordered[1:]

    # ---- running ---------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._check_initialized()
        if not args:
            raise TypeError(f"{self._kind} {self.name!r} was called without inputs; pass them first: layer(x).")
        if has_keras_tensor(args, kwargs):
            return self._symbolic_call(args, kwargs)
        args = (to_tensors(args[0]), *args[1:])
        if not self.built:
            self.build_for(tree.map_structure(lambda t: (None, *t.shape[1:]), args[0]))
        training = resolve_training(kwargs.pop("training", None))
        mask = kwargs.get("mask")
        if mask is None:
            mask = masks_of(args[0])  # attached by the layer that made the inputs
        if "mask" in call_arguments(type(self)):
            kwargs["mask"] = mask
        elif any_mask(mask) and not self.supports_masking:
            warnings.warn(f"layer {self.name!r} ({type(self).__name__}) does not support masking, so the "
                          f"mask of its input stops here: later layers will count padded steps.", stacklevel=2)
        kwargs = call_kwargs(self, kwargs, training)
        if not in_call() and _call_losses_added:
            self._clear_losses()  # the losses of the last call, as Keras keeps them
        with calling(training), ag.name_scope(self.name):
            outputs = self.call(*args, **kwargs)
            if self.activity_regularizer is not None:
                self._add_activity_penalty(outputs)
        output_mask = self.compute_mask(args[0], mask)
        if output_mask is not None:
            attach_masks(outputs, output_mask)
        return outputs

    def _add_activity_penalty(self, outputs: Any) -> None:
        for output in tree.flatten(outputs):
            if isinstance(output, ag.Tensor):
                penalty = self.activity_regularizer(output)
                self.add_loss(penalty / output.shape[0] if output.ndim > 0 and output.shape[0] else penalty)

    def build_for(self, input_shape: Any) -> None:
        """Build once, for inputs of `input_shape` (batch axis first, or a structure of shapes)."""
        if not self.built:
            input_shape = tree.map_shape_structure(tuple, input_shape)
            self.build(input_shape)
            self._build_shapes = input_shape
            self.input_spec = (None, *input_shape[1:]) if tree.is_shape(input_shape) else None
            self.built = True

    def get_build_config(self) -> Optional[dict]:
        """The input shape the layer was built for, as JSON values (None before it is built)."""
        if not self.built or self._build_shapes is None:
            return None
        return {"input_shape": tree.map_shape_structure(list, self._build_shapes)}

    def build_from_config(self, config: Optional[dict]) -> None:
        """Build from `get_build_config()`, so the weights exist before they are loaded."""
        if config and config.get("input_shape") is not None:
            self.build_for(config["input_shape"])

    def _symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        """Record a `Node`: the output KerasTensors' shapes come from compute_output_shape (or a
        placeholder run of call when the layer does not define it)."""
        first = args[0]
        if not all(isinstance(leaf, KerasTensor) for leaf in tree.flatten(first)):
            raise TypeError(f"{self._kind} {self.name!r} was called on KerasTensors mixed with values "
                            f"({tree.describe(first)}); in a functional model every input must come from "
                            f"nn.Input or from another layer.")
        shapes = tree.map_structure(lambda t: t.shape, first)
        if not self.built:
            self.build_for(shapes)
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            outputs = tree.map_shape_structure(lambda shape: KerasTensor(shape, self.dtype),
                                               self.compute_output_shape(shapes))
        else:
            outputs = tree.map_structure(lambda spec: KerasTensor(spec.shape, spec.dtype),
                                         placeholder_outputs(self, args, kwargs))
        Node(self, args, kwargs, outputs)
        return outputs

    @property
    def input(self) -> Any:
        """The KerasTensor(s) this layer was first called on in a functional model."""
        return self._first_node("input").call_args[0]

    @property
    def output(self) -> Any:
        """The KerasTensor(s) this layer returned the first time it was called in a functional
        model, e.g. for ``nn.Model(model.input, model.get_layer("hidden").output)``."""
        return self._first_node("output").outputs

    def _first_node(self, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(f"{self._kind} {self.name!r} has never been called on a KerasTensor, so it has no "
                                 f"{what} yet; call it on nn.Input(...) (or on another layer's output) first.")
        return self._inbound_nodes[0]

    def _check_initialized(self) -> None:
        if "_inbound_nodes" not in vars(self):
            raise RuntimeError(f"{type(self).__name__}.__init__ did not call super().__init__(**kwargs); call it "
                               f"first, before creating weights or inner layers.")

    @property
    def _kind(self) -> str:
        return "layer"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def _unique(weights: Iterator[ag.Tensor]) -> list[ag.Tensor]:
    """The weights in order, each once (a shared layer's are reached twice)."""
    unique: dict[int, ag.Tensor] = {}
    for weight in weights:
        unique.setdefault(id(weight), weight)
    return list(unique.values())
