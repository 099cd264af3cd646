"""Reshaping layers: they move, copy, pad or cut values and learn nothing.

    Reshape(target_shape)     (batch, *shape) -> (batch, *target_shape), one entry may be -1
    Permute(dims)             reorder the sample axes, numbered from 1
    RepeatVector(n)           (batch, features) -> (batch, n, features)
    ZeroPadding1D/2D          zeros around the steps / the image
    Cropping1D/2D             cut cells off the ends of the steps / the image's sides
    UpSampling1D/2D           repeat each step / pixel `size` times ("nearest")

Flatten is in `nn.layers.core`. Gradients are the inverse moves (a pad's gradient is a crop, a
repeat's gradient sums the copies), all from the autograd ops.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import autograd as ag
from nn.layers.arguments import channels_last, check_rank, describe, int_tuple, is_int
from nn.layers.base import Layer, Shape


def side_pairs(value: Any, rank: int, what: str, layer: str) -> tuple[tuple[int, int], ...]:
    """(before, after) cell counts per spatial axis, from Keras's forms: one int for every side;
    in 1-D a (before, after) pair; in 2-D a pair of ints (one per axis, both sides) or a pair
    of (before, after) pairs."""
    if rank == 1:
        return (int_tuple(value, 2, what, layer, allow_zero=True),)
    if is_int(value):
        return (int_tuple(value, 2, what, layer, allow_zero=True),) * rank
    if not isinstance(value, (tuple, list)) or len(value) != rank:
        raise ValueError(f"{layer}: {what} must be an int, a pair of ints (one per axis) or a pair of "
                         f"(before, after) pairs such as ((1, 1), (2, 2)); got {value!r}.")
    return tuple(int_tuple(axis, 2, f"each entry of {what}", layer, allow_zero=True) for axis in value)


class Reshape(Layer):
    """Give each sample a new shape with the same number of values.

    Args:
        target_shape: the new sample shape (without the batch axis); one entry may be -1,
            worked out from the others.

    Example:
        >>> Reshape((8, 8, 1))(np.ones((5, 64))).shape
        (5, 8, 8, 1)
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        shape = tuple(target_shape) if isinstance(target_shape, (tuple, list)) else None
        if (shape is None or not all(is_int(n) and (n > 0 or n == -1) for n in shape)
                or list(shape).count(-1) > 1):
            raise ValueError(f"{describe(self)}: target_shape must be a tuple of positive ints with at most one -1 "
                             f"(without the batch axis), such as (8, 8, 1) or (-1, 4); got {target_shape!r}.")
        self.target_shape = tuple(int(n) for n in shape)

    def resolved_shape(self, sample_shape: Shape) -> Shape:
        """target_shape with its -1 filled in (None when the sample size is unknown)."""
        if None in sample_shape:
            return tuple(None if n == -1 else n for n in self.target_shape)
        size, known = math.prod(sample_shape), math.prod(n for n in self.target_shape if n != -1)
        if -1 in self.target_shape and size % known == 0:
            return tuple(size // known if n == -1 else n for n in self.target_shape)
        if size != known or -1 in self.target_shape:
            raise ValueError(f"{describe(self)}: cannot reshape samples of shape {tuple(sample_shape)} ({size} values) "
                             f"to {self.target_shape}; the target must hold the same number of values.")
        return self.target_shape

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        return inputs.reshape((inputs.shape[0], *self.resolved_shape(inputs.shape[1:])))

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (input_shape[0], *self.resolved_shape(tuple(input_shape[1:])))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """Reorder the axes of each sample: ``Permute((2, 1))`` turns (batch, steps, features) into
    (batch, features, steps).

    Args:
        dims: a permutation of 1..rank (axes counted without the batch axis, from 1).
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else None
        if dims is None or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"{describe(self)}: dims must be a permutation of 1..rank (axes numbered from 1, the "
                             f"batch axis left out), such as (2, 1); got {dims!r}.")
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        check_rank(describe(self), inputs.shape, len(self.dims) + 1, channels=False)
        return ag.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        check_rank(describe(self), input_shape, len(self.dims) + 1, channels=False)
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """Repeat each sample's vector n times: (batch, features) -> (batch, n, features), e.g. to
    feed one encoding to every step of a decoder."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not is_int(n) or n <= 0:
            raise ValueError(f"{describe(self)}: n must be a positive int (the number of copies), got {n!r}.")
        self.n = int(n)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        check_rank(describe(self), inputs.shape, 2, channels=False)
        return ag.repeat(ag.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        check_rank(describe(self), input_shape, 2, channels=False)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


class BaseSpatial(Layer):
    """A layer acting on the `rank` spatial axes of channels-last inputs (checks rank and layout)."""

    rank = 2

    def __init__(self, data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = channels_last(data_format, describe(self))

    def spatial_shape(self, input_shape: Shape) -> tuple:
        check_rank(describe(self), input_shape, self.rank + 2)
        return tuple(input_shape[1:-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class ZeroPadding2D(BaseSpatial):
    """Zeros around each image: ``padding`` is an int (every side), (rows, cols) for both sides
    of each axis, or ((top, bottom), (left, right)).

    Shape: ``(batch, height, width, channels)`` -> ``(batch, height + top + bottom, width +
    left + right, channels)``.
    """

    def __init__(self, padding: Any = (1, 1), data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.padding = side_pairs(padding, self.rank, "padding", describe(self))

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        self.spatial_shape(inputs.shape)
        return ag.pad(inputs, ((0, 0), *self.padding, (0, 0)))

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        lengths = [None if n is None else n + before + after
                   for n, (before, after) in zip(self.spatial_shape(input_shape), self.padding)]
        return (input_shape[0], *lengths, input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": [list(pair) for pair in self.padding]}


class ZeroPadding1D(ZeroPadding2D):
    """Zeros before and after the steps: ``padding`` is an int or (before, after).
    Shape: ``(batch, steps, channels)`` -> ``(batch, before + steps + after, channels)``."""

    rank = 1

    def __init__(self, padding: Any = 1, data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format, **kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": list(self.padding[0])}


class Cropping2D(BaseSpatial):
    """Cut cells off each image's sides: ``cropping`` is an int (every side), (rows, cols) for
    both sides of each axis, or ((top, bottom), (left, right)).

    Shape: ``(batch, height, width, channels)`` -> ``(batch, height - top - bottom, width -
    left - right, channels)``.
    """

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.cropping = side_pairs(cropping, self.rank, "cropping", describe(self))

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        self.compute_output_shape(inputs.shape)
        index = tuple(slice(before, length - after)
                      for length, (before, after) in zip(inputs.shape[1:-1], self.cropping))
        return inputs[(slice(None), *index)]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        lengths = [None if n is None else n - before - after
                   for n, (before, after) in zip(self.spatial_shape(input_shape), self.cropping)]
        if any(n is not None and n <= 0 for n in lengths):
            raise ValueError(f"{describe(self)}: cropping {self.cropping} removes every cell of inputs of shape "
                             f"{tuple(input_shape)}; crop less.")
        return (input_shape[0], *lengths, input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": [list(pair) for pair in self.cropping]}


class Cropping1D(Cropping2D):
    """Cut cells off the ends of the steps: ``cropping`` is an int or (before, after).
    Shape: ``(batch, steps, channels)`` -> ``(batch, steps - before - after, channels)``."""

    rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, **kwargs)

    def get_config(self) -> dict:
        config = {**super().get_config(), "cropping": list(self.cropping[0])}
        del config["data_format"]  # Keras's Cropping1D has none
        return config


class UpSampling2D(BaseSpatial):
    """Repeat each pixel ``size`` times along rows and columns (nearest-neighbour upsampling).

    Args:
        size: an int or (rows, cols): the upsampling factors.
        interpolation: "nearest" (the only one supported).

    Shape: ``(batch, height, width, channels)`` -> ``(batch, height * rows, width * cols, channels)``.
    """

    def __init__(self, size: Any = (2, 2), data_format: Optional[str] = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.size = int_tuple(size, self.rank, "size", describe(self))
        if interpolation != "nearest":
            raise ValueError(f'{describe(self)}: interpolation must be "nearest" (each pixel copied), got '
                             f"{interpolation!r}; other interpolations are not supported.")
        self.interpolation = interpolation

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        self.spatial_shape(inputs.shape)
        for axis, factor in enumerate(self.size, start=1):
            if factor > 1:
                inputs = ag.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        lengths = [None if n is None else n * factor for n, factor in zip(self.spatial_shape(input_shape), self.size)]
        return (input_shape[0], *lengths, input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "size": list(self.size), "interpolation": self.interpolation}


class UpSampling1D(UpSampling2D):
    """Repeat each step ``size`` times: ``(batch, steps, channels)`` -> ``(batch, steps * size,
    channels)``."""

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, **kwargs)

    def get_config(self) -> dict:
        config = {**super().get_config(), "size": self.size[0]}
        del config["data_format"], config["interpolation"]  # Keras's UpSampling1D has neither
        return config
