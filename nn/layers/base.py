"""`Layer`: the build/call split, the one place weights are born, names and the class registry.

A subclass writes `build(input_shape)` (create weights with `add_weight`), `call(inputs,
training=None)` (the math, on Tensors) and `compute_output_shape(input_shape)`. `__call__` builds
once from the first input's shape, then runs `call` inside `ag.name_scope(self.name)` so that
pictures of the graph group each layer's ops together.
"""
from __future__ import annotations

import contextlib
import inspect
import math
import re
import threading
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

import autograd as ag
from nn import initializers, regularizers
from nn.layers.masks import any_mask, attach_masks, masks_of
from nn.utils import to_tensor

Shape = tuple[Optional[int], ...]

# Every Layer subclass, by class name: a saved config can name only these (no code is run).
LAYER_CLASSES: dict[str, type["Layer"]] = {}

_name_counters: defaultdict[str, int] = defaultdict(int)


def unique_name(base: str) -> str:
    """`base` the first time, then `base_1`, `base_2`, ... (Keras's automatic names)."""
    count = _name_counters[base]
    _name_counters[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_name_counters() -> None:
    """Start automatic names afresh (`dense`, `dense_1`, ...), like Keras's clear_session()."""
    _name_counters.clear()


class WeightBudgetExceeded(ValueError):
    """A layer asked for more weight numbers than a `weight_budget` had left."""


_budget = threading.local()  # .left: weight numbers add_weight may still create (None: no budget)


@contextlib.contextmanager
def weight_budget(max_numbers: int) -> Iterator[None]:
    """Inside, `add_weight` creates at most `max_numbers` weight numbers in all (in this thread)
    and refuses, before allocating, a weight past that: loading a file builds its model so, and a
    damaged or crafted config cannot make it allocate terabytes."""
    previous = getattr(_budget, "left", None)
    _budget.left = max_numbers
    try:
        yield
    finally:
        _budget.left = previous


def snake_case(class_name: str) -> str:
    """"InputLayer" -> "input_layer", "Conv2D" -> "conv2d", "LeakyReLU" -> "leaky_re_lu": the
    base of a layer's automatic name, by Keras's rule (a capital starting a lower-case word, or
    following a lower-case letter, begins a new word)."""
    words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def as_shape(shape: Any, what: str) -> tuple[int, ...]:
    """A shape given as an int or a sequence of positive ints, as a tuple (or a clear error)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape) if isinstance(shape, (tuple, list)) else shape
    if not isinstance(shape, tuple) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ValueError(f"{what} must be positive integers (without the batch size), got {shape}; "
                         f"for 64 features per sample write (64,).")
    return tuple(int(n) for n in shape)


class Layer:
    """Base class of every layer.

    Args:
        name: the layer's name (default: the snake-case class name, numbered if taken).
        input_shape: the shape of one sample (no batch axis); on the first layer of a
            Sequential it builds the model at once, as in Keras 2.
        input_dim: Keras 2's short form of ``input_shape=(input_dim,)`` (Keras 3 accepts it too).
        trainable: whether `fit` updates this layer's weights.
    """

    default_name: Optional[str] = None  # overrides snake_case(class name), e.g. "prelu"
    supports_masking = False  # does the input's mask (see nn.layers.masks) pass to the output?
    call_takes_mask = False  # set per class: does `call` take a `mask=` argument?

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        LAYER_CLASSES[cls.__name__] = cls
        cls.call_takes_mask = "mask" in inspect.signature(cls.call).parameters

    def __init__(self, name: Optional[str] = None, input_shape: Any = None,
                 trainable: bool = True, input_dim: Optional[int] = None) -> None:
        if input_dim is not None:
            if input_shape is not None:
                raise ValueError(f"layer {name or type(self).__name__}: got both input_shape={input_shape!r} "
                                 f"and input_dim={input_dim!r}, which say the same thing; pass only one.")
            input_shape = (input_dim,)
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"a layer name must be a non-empty string without '/', got {name!r}.")
        self.name = name or unique_name(self.default_name or snake_case(type(self).__name__))
        if not isinstance(trainable, (bool, np.bool_)):
            raise TypeError(f"layer {self.name!r}: trainable takes True or False, got {trainable!r}.")
        self.trainable = bool(trainable)
        self.built = False
        self.input_spec: Optional[Shape] = None  # the (None, ...) shape the layer was built for
        self._trainable: list[ag.Tensor] = []
        self._non_trainable: list[ag.Tensor] = []
        self._regularized: list[tuple[ag.Tensor, Callable]] = []
        self.batch_input_shape: Optional[Shape] = (
            None if input_shape is None else (None, *as_shape(input_shape, f"{self.name}: input_shape")))

    # ---- to write in subclasses ----------------------------------------------------------------
    def build(self, input_shape: Shape) -> None:
        """Create the weights for inputs of `input_shape` (batch axis first, may be None)."""

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, training=None).")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """The output shape for `input_shape` (default: unchanged)."""
        return tuple(input_shape)

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        """The mask of the output, from the input's (default: passed on if `supports_masking`)."""
        return mask if self.supports_masking else None

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (JSON values only)."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self.batch_input_shape is not None:
            config["input_shape"] = list(self.batch_input_shape[1:])
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**config)

    # ---- weights -------------------------------------------------------------------------------
    def add_weight(self, name: str, shape: Sequence[int], initializer: Any = "zeros",
                   regularizer: Any = None, trainable: bool = True, dtype: Any = None) -> ag.Tensor:
        """Create, register and return a weight `ag.Tensor` named ``"<layer>/<name>"`` (of the
        default float dtype unless `dtype` says otherwise, e.g. a count's "int64")."""
        shape = tuple(int(n) for n in shape)
        left = getattr(_budget, "left", None)
        if left is not None:
            size = math.prod(shape)
            if size > left:
                raise WeightBudgetExceeded(f"layer {self.name!r} would create the weight {name!r} of shape {shape} "
                                           f"({size:,} numbers) with only {left:,} left in its weight budget.")
            _budget.left = left - size
        values = initializers.get(initializer)(shape, dtype=ag.get_default_dtype())
        dtype = ag.get_default_dtype() if dtype is None else dtype
        weight = ag.Tensor(values, requires_grad=trainable, dtype=dtype, name=f"{self.name}/{name}")
        (self._trainable if trainable else self._non_trainable).append(weight)
        if regularizer is not None:
            self._regularized.append((weight, regularizers.get(regularizer)))
        return weight

    @property
    def trainable_weights(self) -> list[ag.Tensor]:
        return list(self._trainable) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[ag.Tensor]:
        return list(self._non_trainable) + ([] if self.trainable else list(self._trainable))

    @property
    def weights(self) -> list[ag.Tensor]:
        """Every weight, in creation order (trainable first), as save/load expect."""
        return list(self._trainable) + list(self._non_trainable)

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weight arrays."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, arrays: Sequence[np.ndarray]) -> None:
        """Overwrite the weights in place (same order and shapes as `get_weights`)."""
        weights = self.weights
        if len(arrays) != len(weights):
            raise ValueError(f"layer {self.name!r} has {len(weights)} weights but was given "
                             f"{len(arrays)} arrays.")
        for weight, array in zip(weights, arrays):
            array = np.asarray(array)
            if array.shape != weight.shape:
                raise ValueError(f"layer {self.name!r}: weight {weight.name!r} has shape {weight.shape} "
                                 f"but the new value has shape {array.shape}.")
            weight.data = array.astype(weight.dtype, copy=False)  # copied into the weight's array

    @property
    def losses(self) -> list[ag.Tensor]:
        """The regularization penalties of this layer's weights, as scalar Tensors (recorded)."""
        return [regularizer(weight) for weight, regularizer in self._regularized]

    # ---- running ---------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Build on the first call, then run `call`. A mask attached to the inputs goes to
        ``call(mask=...)`` when `call` takes one, and `compute_mask` attaches the output's."""
        if _several_inputs(inputs):  # [query, value] for Attention
            inputs = [to_tensor(x) for x in inputs]
            if not self.built:
                self.build_for([(None, *x.shape[1:]) for x in inputs])
        else:
            inputs = to_tensor(inputs)
            if not self.built:
                self.build_for((None, *inputs.shape[1:]))
        mask = kwargs.get("mask")
        if mask is None:
            mask = masks_of(inputs)
        if self.call_takes_mask:
            kwargs["mask"] = mask
        elif any_mask(mask) and not self.supports_masking:
            warnings.warn(f"layer {self.name!r} ({type(self).__name__}) does not support masking, so the "
                          f"mask of its input stops here: later layers will count padded steps.",
                          stacklevel=2)
        with ag.name_scope(self.name):
            outputs = self.call(inputs, *args, **kwargs)
        output_mask = self.compute_mask(inputs, mask)
        if output_mask is not None:
            attach_masks(outputs, output_mask)
        return outputs

    def build_for(self, input_shape: Shape) -> Shape:
        """Build once for `input_shape` (batch axis first; a list of shapes for a list of inputs)
        and return the output shape."""
        several = isinstance(input_shape, list)
        input_shape = [tuple(s) for s in input_shape] if several else tuple(input_shape)
        if not self.built:
            self.build(input_shape)
            self.input_spec = input_shape if several else (None, *input_shape[1:])
            self.built = True
        return self.compute_output_shape(input_shape)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def _several_inputs(inputs: Any) -> bool:
    """A list or tuple of Tensors or arrays is several inputs; nested lists of numbers are one."""
    return (isinstance(inputs, (list, tuple)) and len(inputs) > 0
            and all(isinstance(x, (ag.Tensor, np.ndarray)) for x in inputs))
