"""Arrays in memory as model data: conversion and checks, Keras's input-rank adjustment, sample
and class weights, and `ArrayBatches`, which shuffles them each epoch and slices batches.

x and y are each one array, or a list or dict of arrays for a model with several inputs or
outputs (`nn.data_adapters.structures` puts them in the model's order); every array of both has
one row per sample, and shuffling, slicing and splitting treat them alike."""
from __future__ import annotations

import math
from typing import Any, Iterator, Mapping, Optional

import numpy as np

import autograd as ag
from autograd.numeric import all_finite
from nn import tree

DEFAULT_BATCH_SIZE = 32  # what batch_size=None means, as in Keras

Batch = tuple[Any, Any, Optional[np.ndarray]]  # (x, y, sample_weight); x and y may be lists or dicts


def features(x: Any, action: str) -> np.ndarray:
    """x as an array of the default float dtype, with a batch axis."""
    if x is None:
        raise ValueError(f"{action}() needs input data x.")
    array = _array(x, "x", action)
    if array.ndim == 0:
        raise ValueError(f"{action}(): x must have a batch axis (shape (samples, ...)), got a scalar.")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{action}(): x must hold numbers, got dtype {array.dtype}.")
    return array.astype(ag.get_default_dtype(), copy=False)


def targets(y: Any, action: str) -> np.ndarray:
    """y as an array: integer labels stay integers, float targets get the default float dtype."""
    if y is None:
        raise ValueError(f"{action}() needs targets y as well as x.")
    array = _array(y, "y", action)
    if array.ndim == 0:
        raise ValueError(f"{action}(): y must have one target per sample, got a scalar.")
    if array.dtype.kind == "f":
        array = array.astype(ag.get_default_dtype(), copy=False)
    return array


def _array(data: Any, name: str, action: str) -> np.ndarray:
    try:
        return np.asarray(data.data if isinstance(data, ag.Tensor) else data)
    except ValueError as error:  # numpy refuses ragged nested lists
        raise ValueError(f"{action}(): {name} is a list of rows of different lengths, which is not an array "
                         f"({error}). Pad them to one length first, e.g. with nn.utils.pad_sequences.") from None


def sample_count(data: Any) -> int:
    """The number of samples (rows) of an array, or of the first array of a list or dict."""
    return len(tree.flatten(data)[0])


def named_arrays(name: str, data: Any) -> list[tuple[str, np.ndarray]]:
    """(name, array) for each array of `data`: "x" for one array, "x[0]", "x['a']" in a list or dict."""
    if isinstance(data, dict):
        return [(f"{name}[{key!r}]", array) for key, array in data.items() if array is not None]
    if isinstance(data, (list, tuple)):
        return [(f"{name}[{i}]", array) for i, array in enumerate(data) if array is not None]
    return [] if data is None else [(name, data)]


def check_arrays(x: Any, y: Any, sample_weight: Optional[np.ndarray], action: str) -> None:
    """Same number of samples in every array, at least one, and no NaN or infinity anywhere."""
    arrays = named_arrays("x", x) + named_arrays("y", y) + named_arrays("sample_weight", sample_weight)
    first_name, first = arrays[0]
    for name, array in arrays[1:]:
        if len(array) != len(first):
            what = "one target" if name.startswith("y") else "one weight" if name == "sample_weight" else "one row"
            raise ValueError(f"{action}(): {first_name} has {len(first)} samples but {name} has {len(array)}; they must "
                             f"match ({what} per sample).")
    if len(first) == 0:
        raise ValueError(f"{action}(): the data is empty (0 samples); pass at least one sample.")
    for name, array in arrays:
        if array.dtype.kind == "f" and not all_finite(array):
            bad = int(np.argwhere(~np.isfinite(array))[0][0])
            raise ValueError(f"{action}(): {name} contains NaN or infinite values (first at sample {bad}); "
                             f"clean or impute them before training.")


def match_input_rank(x: np.ndarray, input_shape: Optional[tuple], action: str) -> np.ndarray:
    """x shaped for a model whose inputs have `input_shape` (batch axis first, None = any size).

    As Keras does, x of shape (n,) for inputs (batch, 1) becomes (n, 1), and a trailing axis of
    size 1 beyond the model's rank is dropped. One sample without its batch axis, or x one axis
    short for any other reason, is an error that says how to fix it.
    """
    if input_shape is None:
        if x.ndim == 1:
            raise ValueError(f"{action}(): x has shape {x.shape}, one number per sample, and the model has no "
                             f"input shape yet to say how to read it. Start the model with Input(shape=(1,)), "
                             f"or pass x.reshape(-1, 1) (one feature per sample).")
        return x
    sample_shape = tuple(input_shape[1:])
    if x.ndim == len(input_shape) + 1 and x.shape[-1] == 1:
        return x.reshape(x.shape[:-1])
    if x.ndim != len(input_shape) - 1:
        return x
    if sample_shape[-1] == 1:
        return x.reshape(x.shape + (1,))
    expected = "(batch, " + ", ".join("?" if n is None else str(n) for n in sample_shape) + ")"
    if all(n is None or n == m for n, m in zip(sample_shape, x.shape)):
        raise ValueError(f"{action}(): x has shape {x.shape}, which is one sample without its batch axis; the model "
                         f"takes batches of shape {expected}. Add the batch axis: x[None] (or x[np.newaxis]), "
                         f"or pass a slice such as x_test[:1] instead of x_test[0].")
    raise ValueError(f"{action}(): x has shape {x.shape}, but the model takes inputs of shape {expected}: x needs "
                     f"a batch axis first and then one sample's shape.")


# ---- weights -----------------------------------------------------------------------------------
def sample_weights(sample_weight: Any, class_weight: Optional[Mapping], y: Optional[np.ndarray],
                   action: str) -> Optional[np.ndarray]:
    """One float weight per sample, from `sample_weight` or from `class_weight` and y; or None."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError(f"{action}(): pass class_weight or sample_weight, not both (Keras refuses the pair too); "
                         f"to combine them, multiply the class weights into sample_weight yourself.")
    if class_weight is not None:
        if tree.is_nested(y):
            if len(tree.flatten(y)) != 1:
                raise ValueError(f"{action}(): class_weight weighs samples by their class in the one target; a model "
                                 f"with several outputs takes sample_weight instead.")
            y = tree.flatten(y)[0]
        return weights_of_classes(class_weight, y, action)
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight.data if isinstance(sample_weight, ag.Tensor) else sample_weight)
    if weights.ndim == 2 and weights.shape[1] == 1:
        weights = weights[:, 0]
    if weights.ndim != 1 or weights.dtype.kind not in "biuf":
        raise ValueError(f"{action}(): sample_weight must hold one number per sample, shape (samples,), got "
                         f"shape {weights.shape} and dtype {weights.dtype}.")
    return weights.astype(ag.get_default_dtype(), copy=False)


def weights_of_classes(class_weight: Mapping, y: Optional[np.ndarray], action: str) -> np.ndarray:
    """``class_weight[label]`` for each sample (1 for classes not listed), as Keras reads labels:
    one-hot rows by their largest entry, (n, 1) columns as (n,), floats rounded."""
    if not isinstance(class_weight, Mapping):
        raise TypeError(f"{action}(): class_weight must be a dict from class index to weight, such as "
                        f"{{0: 1.0, 1: 5.0}}, got {type(class_weight).__name__}.")
    table = {}
    for key, weight in class_weight.items():
        try:
            table[int(key)] = float(weight)
        except (TypeError, ValueError):
            raise ValueError(f"{action}(): class_weight must map integer class indices to numbers, but has the entry "
                             f"{key!r}: {weight!r}.") from None
    if y is None:
        raise ValueError(f"{action}(): class_weight weighs samples by their class, so it needs targets y.")
    labels = y
    if labels.ndim > 1:
        labels = labels.reshape(len(labels)) if labels.shape[1:] == (1,) else np.argmax(labels, axis=-1)
    if labels.ndim != 1:
        raise ValueError(f"{action}(): class_weight needs one class per sample, but y has shape {y.shape}.")
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(labels), dtype=ag.get_default_dtype())
    for label, weight in table.items():
        weights[labels == label] = weight
    return weights


# ---- batches -------------------------------------------------------------------------------------
class ArrayBatches:
    """Batches sliced from arrays held in memory, optionally in a new random order each epoch;
    an epoch is the first `steps` batches (all of them by default)."""

    def __init__(self, x: Any, y: Any, sample_weight: Optional[np.ndarray],
                 batch_size: int, steps: Optional[int] = None, shuffle: bool = False,
                 rng: Optional[np.random.Generator] = None) -> None:
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.samples = sample_count(x)
        self.steps: Optional[int] = steps or math.ceil(self.samples / batch_size)
        self.taken = 0  # batches in the last epoch
        self.used_up = False  # arrays never run out

    def begin_epoch(self) -> bool:
        return True

    def rewind(self) -> None:
        """Each epoch starts at the first sample anyway."""

    def epoch(self) -> Iterator[Batch]:
        """The batches of one epoch; shuffled, each batch gathers its own rows, so no shuffled copy
        of the whole data set is made (half the memory, and no fresh pages to fault in)."""
        arrays = (self.x, self.y, self.sample_weight)
        order = self.rng.permutation(self.samples) if self.shuffle else None
        self.taken = 0
        for start in range(0, min(self.samples, self.steps * self.batch_size), self.batch_size):
            self.taken += 1
            batch = slice(start, start + self.batch_size)
            yield rows(arrays, batch if order is None else order[batch])


def rows(data: Any, index: Any) -> Any:
    """``array[index]`` for every array in `data` (a structure of arrays and Nones)."""
    return tree.map_structure(lambda array: None if array is None else array[index], data)


def array_batches(arrays: tuple, batch_size: Optional[int], steps: Optional[int], steps_name: str,
                  shuffle: bool = False, rng: Optional[np.random.Generator] = None) -> ArrayBatches:
    """Batches of in-memory arrays; batch_size None means 32, or n / steps when steps is given."""
    x, y, weights = arrays
    samples = sample_count(x)
    if steps is not None:
        check_positive_int(steps, steps_name)
    if batch_size is None:
        batch_size = math.ceil(samples / steps) if steps else DEFAULT_BATCH_SIZE
    check_positive_int(batch_size, "batch_size")
    available = math.ceil(samples / batch_size)
    if steps is not None and steps > available:
        raise ValueError(f"{steps_name}={steps} asks for more batches than the {samples} samples make in batches "
                         f"of {batch_size} ({available}); lower it or leave it None.")
    return ArrayBatches(x, y, weights, batch_size, steps, shuffle, rng)


def split_last(arrays: tuple, fraction: float) -> tuple[tuple, tuple]:
    """The first (1 - fraction) of the samples for training, the rest for validation (Keras)."""
    samples = sample_count(arrays[0])
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split is the fraction of samples held out and must lie in [0, 1), "
                         f"got {fraction!r}.")
    split_at = int(math.floor(samples * (1.0 - fraction)))
    if split_at == 0 or split_at == samples:
        raise ValueError(f"validation_split={fraction} of {samples} samples leaves "
                         f"{split_at} for training and {samples - split_at} for validation; both need "
                         f"at least one sample.")
    return rows(tuple(arrays), slice(None, split_at)), rows(tuple(arrays), slice(split_at, None))


def check_positive_int(value: Any, name: str) -> None:
    """Refuse anything but a positive integer (bools too) for the argument `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
