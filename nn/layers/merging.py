"""Merge layers: one output from a list of inputs, for models whose branches meet.

Each takes a list of tensors (one is allowed, as in Keras) of the same rank, batch axis first: `Add`, `Subtract`,
`Multiply`, `Average`, `Maximum` and `Minimum` combine them element by element (sizes equal,
or 1 to broadcast); `Concatenate` joins them along an axis; `Dot` takes the dot product of two
samples along given axes. The lower-case functions (`add([a, b])`, ...) make the layer and
call it, as in Keras.

Example (a residual connection):
    >>> inputs = nn.Input(shape=(16,))
    >>> hidden = Dense(16, activation="relu")(inputs)
    >>> outputs = Add()([inputs, hidden])
"""
from __future__ import annotations

from functools import reduce
from typing import Any, Sequence, Union

import autograd as ag
from nn import tree
from nn.layers.base import Layer, Shape

Axes = Union[int, Sequence[int]]


class Merge(Layer):
    """Base of the merge layers: checks the list of inputs and their shapes; a subclass writes
    `merge(tensors)`."""

    min_inputs = 1
    max_inputs: Union[int, None] = None

    def build(self, input_shape: Any) -> None:
        self._check_count(input_shape, single=tree.is_shape(input_shape))
        self.compute_output_shape(input_shape)  # refuses shapes that do not fit, before any data

    def call(self, inputs: Sequence[ag.Tensor]) -> ag.Tensor:
        self._check_count(inputs, single=not isinstance(inputs, (list, tuple)))
        return self.merge(list(inputs))

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: Sequence[Shape]) -> Shape:
        return reduce(lambda a, b: _broadcast(a, b, self), [tuple(s) for s in input_shape])

    def _check_count(self, inputs: Any, single: bool) -> None:
        if single or len(inputs) < self.min_inputs or (self.max_inputs is not None and len(inputs) > self.max_inputs):
            count = f"exactly {self.max_inputs}" if self.max_inputs == self.min_inputs else f"at least {self.min_inputs}"
            got = "a single input" if single else f"a list of {len(inputs)}"
            raise ValueError(f"{type(self).__name__} layer {self.name!r} takes a list of {count} inputs, e.g. "
                             f"{type(self).__name__}()([a, b]); got {got}.")


def _broadcast(a: Shape, b: Shape, layer: Layer) -> Shape:
    """The shape of an element-wise result: equal sizes stay, a 1 stretches, None is unknown."""
    if len(a) != len(b):
        raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: inputs of shapes {a} and {b} have different "
                         f"ranks; reshape one (e.g. with a Reshape or Flatten layer) so both have the same axes.")
    merged = []
    for m, n in zip(a, b):
        if m is None or n is None:
            merged.append(None)
        elif m == n or 1 in (m, n):
            merged.append(max(m, n))
        else:
            raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: inputs of shapes {a} and {b} do not fit; "
                             f"each axis (after the batch) must have the same size, or size 1.")
    return tuple(merged)


class Add(Merge):
    """The sum of the inputs: ``y = x_1 + x_2 + ... + x_n`` (a residual connection's join)."""

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return reduce(lambda a, b: a + b, tensors)


class Subtract(Merge):
    """The difference of exactly two inputs: ``y = x_1 - x_2``."""

    min_inputs = max_inputs = 2

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return tensors[0] - tensors[1]


class Multiply(Merge):
    """The element-wise product of the inputs: ``y = x_1 * x_2 * ... * x_n`` (e.g. a gate)."""

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return reduce(lambda a, b: a * b, tensors)


class Average(Merge):
    """The element-wise mean of the inputs: ``y = (x_1 + ... + x_n) / n``."""

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return reduce(lambda a, b: a + b, tensors) / len(tensors)


class Maximum(Merge):
    """The element-wise maximum of the inputs (the gradient goes to the largest)."""

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return reduce(ag.maximum, tensors)


class Minimum(Merge):
    """The element-wise minimum of the inputs (the gradient goes to the smallest)."""

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return reduce(ag.minimum, tensors)


class Concatenate(Merge):
    """The inputs joined along `axis` (default: the last), e.g. (batch, 4) and (batch, 3) give
    (batch, 7); all other axes must agree.

    Args:
        axis: the axis to join along, counted with the batch axis (-1: the last).
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        return ag.concatenate(tensors, axis=self.axis)

    def compute_output_shape(self, input_shape: Sequence[Shape]) -> Shape:
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or axis == 0 or any(len(s) != rank for s in shapes):
            raise ValueError(f"Concatenate layer {self.name!r}: cannot join shapes {shapes} along axis {self.axis}; "
                             f"they need the same rank and an axis after the batch axis (1..{rank - 1} or -1).")
        for position in range(1, rank):
            sizes = {s[position] for s in shapes if s[position] is not None}
            if position != axis and len(sizes) > 1:
                raise ValueError(f"Concatenate layer {self.name!r}: shapes {shapes} differ on axis {position}, "
                                 f"which is not the axis they are joined along ({self.axis}); only that one may differ.")
        sizes = [s[axis] for s in shapes]
        joined = None if None in sizes else sum(sizes)
        return (*shapes[0][:axis], joined, *shapes[0][axis + 1:])

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """The dot product of two inputs along `axes`, sample by sample.

    For samples of shape (n,), ``axes=1`` gives ``y = sum_k x_1[:, k] x_2[:, k]`` of shape
    (batch, 1); for (batch, n, d) and (batch, m, d), ``axes=2`` gives (batch, n, m).

    Args:
        axes: one axis for both inputs, or a pair (axis of x_1, axis of x_2); counted with the
            batch axis, which cannot be one of them.
        normalize: divide each input by its L2 norm along the axis first, so the result is the
            cosine similarity.
    """

    min_inputs = max_inputs = 2

    def __init__(self, axes: Axes, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pair = [axes, axes] if isinstance(axes, int) else list(axes)
        if len(pair) != 2 or not all(isinstance(a, int) for a in pair):
            raise ValueError(f"Dot layer {self.name!r}: axes must be an int or a pair of ints, got {axes!r}.")
        self.axes = axes if isinstance(axes, int) else tuple(pair)
        self.normalize = bool(normalize)

    def _axes_for(self, shapes: Sequence[Shape]) -> tuple[int, int]:
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        resolved = []
        for axis, shape in zip(pair, shapes):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(f"Dot layer {self.name!r}: axis {axis} is not an axis after the batch axis of inputs "
                                 f"of shape {tuple(shape)}.")
            resolved.append(axis % len(shape))
        a, b = shapes[0][resolved[0]], shapes[1][resolved[1]]
        if a is not None and b is not None and a != b:
            raise ValueError(f"Dot layer {self.name!r}: inputs of shapes {tuple(shapes[0])} and {tuple(shapes[1])} "
                             f"have sizes {a} and {b} on the axes {tuple(resolved)}; they must be equal.")
        return resolved[0], resolved[1]

    def merge(self, tensors: list[ag.Tensor]) -> ag.Tensor:
        x, y = tensors
        axis_x, axis_y = self._axes_for([x.shape, y.shape])
        if self.normalize:
            x, y = _l2_normalize(x, axis_x), _l2_normalize(y, axis_y)
        product = ag.einsum(dot_equation(x.ndim, y.ndim, axis_x, axis_y), x, y)
        return product.reshape((product.shape[0], 1)) if product.ndim == 1 else product

    def compute_output_shape(self, input_shape: Sequence[Shape]) -> Shape:
        shapes = [tuple(s) for s in input_shape]
        axis_x, axis_y = self._axes_for(shapes)
        kept = (*shapes[0][1:axis_x], *shapes[0][axis_x + 1:], *shapes[1][1:axis_y], *shapes[1][axis_y + 1:])
        return (shapes[0][0], *kept) if kept else (shapes[0][0], 1)

    def get_config(self) -> dict:
        axes = self.axes if isinstance(self.axes, int) else list(self.axes)
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def dot_equation(x_rank: int, y_rank: int, axis_x: int, axis_y: int) -> str:
    """The einsum equation of `Dot`: the batch axis ("z") kept, `axis_x` of x summed against
    `axis_y` of y, the other axes of x then of y kept in order, e.g. ``"za,za->z"`` for two
    (batch, n) inputs and ``"zab,zcb->zac"`` for (batch, n, d) and (batch, m, d) with axes=2."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    x_index = "z" + letters[:x_rank - 1]
    y_index = "z" + letters[x_rank - 1:x_rank + y_rank - 2]
    y_index = y_index[:axis_y] + x_index[axis_x] + y_index[axis_y + 1:]
    kept = x_index.replace(x_index[axis_x], "") + y_index[1:].replace(x_index[axis_x], "")
    return f"{x_index},{y_index}->{kept}"


def _l2_normalize(x: ag.Tensor, axis: int) -> ag.Tensor:
    """x / sqrt(max(sum(x^2 along axis), 1e-12)), as Keras normalizes."""
    squares = ag.sum(x * x, axis=axis, keepdims=True)
    return x / ag.sqrt(ag.maximum(squares, ag.Tensor(1e-12, dtype=x.dtype)))


def add(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Sequence[Any], axis: int = -1, **kwargs: Any) -> Any:
    """``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: Sequence[Any], axes: Axes = -1, normalize: bool = False, **kwargs: Any) -> Any:
    """``Dot(axes, normalize=normalize, **kwargs)(inputs)``."""
    return Dot(axes, normalize=normalize, **kwargs)(inputs)
