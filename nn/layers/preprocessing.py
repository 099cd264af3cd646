"""Preprocessing layers, as in Keras: Normalization (feature standardization learned from data
with `adapt`) and Rescaling (a fixed scale and offset, e.g. pixels 0..255 to 0..1). Their
weights are never trained.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn.layers.arguments import describe, is_int
from nn.layers.base import Layer, Shape

# Keras's backend.epsilon(): the smallest standard deviation Normalization divides by.
EPSILON = 1e-7


class Normalization(Layer):
    """Standardize features: ``y = (x - mean) / max(sqrt(variance), 1e-7)``, with the mean and
    variance either given or computed from data by ``adapt(data)``.

    Args:
        axis: the axis (or axes) that keep their own statistics (default -1: one mean and
            variance per feature); the others are averaged over. None (or ()) computes one
            mean and variance over everything, which also works on 1-D data.
        mean, variance: fixed statistics (both or neither), broadcast against the kept axes;
            then the layer has no weights.
        invert: undo a normalization instead: ``y = mean + x * max(sqrt(variance), 1e-7)``.

    Shape:
        output = input; weights (when adapted) ``[mean, variance, count]``: mean and variance of
        the kept axes' shape, and a scalar int count that Keras keeps (always 0) for old files.

    Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
        >>> layer(np.array([[1.0, 20.0]])).data
        array([[0., 0.]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = describe(self)
        if axis is None:
            axis = ()
        if not (is_int(axis) or (isinstance(axis, (tuple, list)) and all(is_int(a) for a in axis))):
            raise ValueError(f"{me}: axis must be an int, a tuple of ints or None, got {axis!r}.")
        self.axis = (int(axis),) if is_int(axis) else tuple(int(a) for a in axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"{me}: give both mean and variance, or neither (then call adapt(data)); got "
                             f"mean={mean!r}, variance={variance!r}.")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"{me}: mean and variance must have the same shape, got {np.shape(mean)} and "
                             f"{np.shape(variance)}.")
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError(f"{me}: mean of shape {np.shape(mean)} has more axes than axis={self.axis} keeps.")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.mean: Optional[ag.Tensor] = None
        self.variance: Optional[ag.Tensor] = None
        self.count: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{describe(self)}: axis {self.axis} does not exist for inputs of shape "
                             f"{tuple(input_shape)}.")
        shape = tuple(input_shape[a] for a in sorted({a % ndim for a in self.axis}))
        if None in shape:
            raise ValueError(f"{describe(self)}: the kept axes {self.axis} need known sizes, got {tuple(input_shape)}.")
        if self.input_mean is None:
            self.mean = self.add_weight(name="mean", shape=shape, initializer="zeros", trainable=False)
            self.variance = self.add_weight(name="variance", shape=shape, initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False, dtype="int32")
            return
        broadcast = [1] * len(shape)  # the given statistics line up with the last kept axes
        given_shape = np.shape(self.input_mean)
        broadcast[len(shape) - len(given_shape):] = given_shape
        dtype = ag.get_default_dtype()
        self.mean = ag.Tensor(np.broadcast_to(np.reshape(self.input_mean, broadcast), shape), dtype=dtype)
        self.variance = ag.Tensor(np.broadcast_to(np.reshape(self.input_variance, broadcast), shape), dtype=dtype)

    def adapt(self, data: Any) -> None:
        """Set mean and variance (biased) from `data`: an array (samples first) or an iterable of
        such batches, combined exactly as one array would be. Builds the layer if needed."""
        if self.input_mean is not None:
            raise ValueError(f"{describe(self)} was given a fixed mean and variance; adapt() would overwrite "
                             f"them. Make the layer without mean= and variance= to learn them from data.")
        batches = as_batches(data, describe(self))
        if not self.built:
            self.build_for((None, *batches[0].shape[1:]))
        total_mean = total_variance = 0.0
        total = 0
        for batch in batches:
            kept = self.kept_axes(batch.shape)
            others = tuple(i for i in range(batch.ndim) if i not in kept)
            count = int(np.prod([batch.shape[i] for i in others]))
            mean, variance = batch.mean(axis=others), batch.var(axis=others)
            total += count
            weight = count / total  # Chan's pooled mean and variance of the batches so far
            new_mean = total_mean * (1 - weight) + mean * weight
            total_variance = ((total_variance + (total_mean - new_mean) ** 2) * (1 - weight)
                              + (variance + (mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        self.mean.data = np.asarray(total_mean, dtype=self.mean.dtype).reshape(self.mean.shape)
        self.variance.data = np.asarray(total_variance, dtype=self.variance.dtype).reshape(self.variance.shape)

    def kept_axes(self, shape: tuple) -> tuple[int, ...]:
        """The kept axes of an input of `shape`, after checking they have the built sizes."""
        ndim = len(shape)
        kept = tuple(sorted({a % ndim for a in self.axis})) if all(-ndim <= a < ndim for a in self.axis) else None
        if kept is None or tuple(shape[a] for a in kept) != self.mean.shape:
            raise ValueError(f"{describe(self)} keeps statistics of shape {self.mean.shape} along axis {self.axis}, "
                             f"which does not fit inputs of shape {tuple(shape)}; the kept axes must keep their "
                             f"sizes (make a new layer for other data).")
        return kept

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        if inputs.dtype.kind != "f":
            inputs = ag.astype(inputs, ag.get_default_dtype())
        kept = self.kept_axes(inputs.shape)
        shape = tuple(n if i in kept else 1 for i, n in enumerate(inputs.shape))
        mean = self.mean.reshape(shape)
        spread = ag.maximum(ag.sqrt(self.variance.reshape(shape)), EPSILON)
        return mean + inputs * spread if self.invert else (inputs - mean) / spread

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": None if self.input_mean is None else np.asarray(self.input_mean).tolist(),
                "variance": None if self.input_variance is None else np.asarray(self.input_variance).tolist()}


def as_array(data: Any) -> np.ndarray:
    return np.asarray(data.data if isinstance(data, ag.Tensor) else data)


def as_batches(data: Any, layer: str) -> list[np.ndarray]:
    """`data` as a list of batches: an array (or a list of numbers) is one batch; an iterable of
    arrays (a list, a generator, a PyDataset) gives one each, x taken from (x, y) pairs."""
    if isinstance(data, (np.ndarray, ag.Tensor)) or (
            isinstance(data, (list, tuple)) and data and not isinstance(data[0], (np.ndarray, ag.Tensor, tuple))):
        batches = [as_array(data)]
    else:
        try:
            batches = [as_array(batch[0] if isinstance(batch, tuple) else batch) for batch in data]
        except TypeError:
            raise TypeError(f"{layer}: adapt() takes an array of samples or an iterable of batches, "
                            f"got {type(data).__name__}.") from None
    if not batches or not batches[0].size:
        raise ValueError(f"{layer}: adapt() got no data; pass an array with at least one sample.")
    return batches


class Rescaling(Layer):
    """A fixed affine map: ``y = x * scale + offset``, e.g. ``Rescaling(1 / 255)`` for pixels, or
    ``Rescaling(1 / 127.5, offset=-1)`` for [-1, 1]. Integer inputs become floats.

    Args:
        scale: a number, or one per channel (broadcast against the last axis).
        offset: a number, or one per channel.
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for what, value in (("scale", scale), ("offset", offset)):
            if not np.issubdtype(np.asarray(value).dtype, np.number):
                raise ValueError(f"{describe(self)}: {what} must be a number or numbers, got {value!r}.")
        self.scale, self.offset = scale, offset

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        dtype = inputs.dtype if inputs.dtype.kind == "f" else np.dtype(ag.get_default_dtype())
        if inputs.dtype != dtype:
            inputs = ag.astype(inputs, dtype)
        return inputs * np.asarray(self.scale, dtype=dtype) + np.asarray(self.offset, dtype=dtype)

    def get_config(self) -> dict:
        as_json = (lambda v: np.asarray(v).tolist())
        return {**super().get_config(), "scale": as_json(self.scale), "offset": as_json(self.offset)}
