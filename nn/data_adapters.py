"""The data that `fit`, `evaluate` and `predict` accept, turned into batches of numpy arrays.

Two kinds of data, as in Keras:

- arrays: numpy arrays, nested lists, `ag.Tensor`s, anything with ``__array__`` (a CPU torch
  tensor, a pandas frame), or a dict holding one of these under one name. They are converted
  once; `ArrayBatches` shuffles them each epoch (one fancy index) and slices batches as views.
- batches: a `PyDataset` (batches by index), a Python generator or iterator, or any other
  iterable, each item ``(x, y)`` or ``(x, y, sample_weight)`` (just ``x`` for `predict`).
  `IterableBatches` pulls them as training goes.

Every batch comes out as ``(x, y, sample_weight)``, ``y`` and ``sample_weight`` possibly None;
``class_weight`` is turned into per-sample weights on the way.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterator, Mapping, Optional

import numpy as np

import autograd as ag
from autograd.numeric import all_finite

DEFAULT_BATCH_SIZE = 32  # what batch_size=None means, as in Keras

Batch = tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray]]


class PyDataset:
    """Base class for data that makes its own batches by index (Keras's `keras.utils.PyDataset`).

    Subclass it, call ``super().__init__(**kwargs)``, and define ``__len__`` (the number of
    batches) and ``__getitem__(index)`` returning ``(x, y)`` or ``(x, y, sample_weight)`` for
    batch `index`. `fit` visits the batches in a new random order each epoch (``shuffle=True``)
    and calls ``on_epoch_end()`` after each epoch, e.g. to reshuffle samples.

    Args:
        workers, use_multiprocessing, max_queue_size: Keras's parallel loading settings; they
            are kept for compatibility, and batches are loaded in the calling thread.

    Example:
        >>> class Batches(nn.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, index):
        ...         window = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[window], self.y[window]
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__, the number of batches.")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index), returning batch "
                                  f"`index` as (x, y) or (x, y, sample_weight).")

    @property
    def num_batches(self) -> int:
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called before each epoch; does nothing unless overridden."""

    def on_epoch_end(self) -> None:
        """Called after each epoch; does nothing unless overridden."""


Sequence = PyDataset  # Keras 3 keeps the old name `keras.utils.Sequence` for the same class


# ---- arrays ------------------------------------------------------------------------------------
def is_batch_source(data: Any) -> bool:
    """True for data given as batches (a PyDataset, generator, iterator or other iterable), False
    for arrays: ndarrays, lists, tuples, dicts, Tensors and anything with ``__array__``."""
    if data is None or isinstance(data, (np.ndarray, list, tuple, dict, str, bytes, ag.Tensor)):
        return False
    if hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return False
    return isinstance(data, PyDataset) or hasattr(data, "__iter__") or hasattr(data, "__next__")


def features(x: Any, action: str) -> np.ndarray:
    """x as an array of the default float dtype, with a batch axis."""
    if x is None:
        raise ValueError(f"{action}() needs input data x.")
    array = _array(_single_entry(x, "x", action), "x", action)
    if array.ndim == 0:
        raise ValueError(f"{action}(): x must have a batch axis (shape (samples, ...)), got a scalar.")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{action}(): x must hold numbers, got dtype {array.dtype}.")
    return array.astype(ag.get_default_dtype(), copy=False)


def targets(y: Any, action: str) -> np.ndarray:
    """y as an array: integer labels stay integers, float targets get the default float dtype."""
    if y is None:
        raise ValueError(f"{action}() needs targets y as well as x.")
    array = _array(_single_entry(y, "y", action), "y", action)
    if array.ndim == 0:
        raise ValueError(f"{action}(): y must have one target per sample, got a scalar.")
    if array.dtype.kind == "f":
        array = array.astype(ag.get_default_dtype(), copy=False)
    return array


def _single_entry(data: Any, name: str, action: str) -> Any:
    """The value of a one-entry dict (a model's single named input or output); other data as is."""
    if not isinstance(data, Mapping):
        return data
    if len(data) != 1:
        raise ValueError(f"{action}(): {name} is a dict with keys {sorted(map(str, data))}, but this model has one "
                         f"{'input' if name == 'x' else 'output'}; pass the array itself (or a dict with one entry).")
    return next(iter(data.values()))


def _array(data: Any, name: str, action: str) -> np.ndarray:
    try:
        return np.asarray(data.data if isinstance(data, ag.Tensor) else data)
    except ValueError as error:  # numpy refuses ragged nested lists
        raise ValueError(f"{action}(): {name} is a list of rows of different lengths, which is not an array "
                         f"({error}). Pad them to one length first, e.g. with nn.utils.pad_sequences.") from None


def check_arrays(x: np.ndarray, y: Optional[np.ndarray], sample_weight: Optional[np.ndarray],
                 action: str) -> None:
    """Same number of samples, at least one, and no NaN or infinity anywhere."""
    for name, array in (("y", y), ("sample_weight", sample_weight)):
        if array is not None and len(array) != len(x):
            raise ValueError(f"{action}(): x has {len(x)} samples but {name} has {len(array)}; they must match "
                             f"(one {'target' if name == 'y' else 'weight'} per sample).")
    if len(x) == 0:
        raise ValueError(f"{action}(): the data is empty (0 samples); pass at least one sample.")
    for name, array in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if array is not None and array.dtype.kind == "f" and not all_finite(array):
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
    raise ValueError(f"{action}(): x has shape {x.shape}, but the model takes inputs of shape {expected}; give x "
                     f"one more axis, e.g. x.reshape(-1, {', '.join('-1' if n is None else str(n) for n in sample_shape)}).")


# ---- weights -----------------------------------------------------------------------------------
def sample_weights(sample_weight: Any, class_weight: Optional[Mapping], y: Optional[np.ndarray],
                   action: str) -> Optional[np.ndarray]:
    """One float weight per sample, from `sample_weight` or from `class_weight` and y; or None."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError(f"{action}(): pass class_weight or sample_weight, not both (Keras refuses the pair too); "
                         f"to combine them, multiply the class weights into sample_weight yourself.")
    if class_weight is not None:
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


# ---- batches -----------------------------------------------------------------------------------
class ArrayBatches:
    """Batches sliced from arrays held in memory, optionally in a new random order each epoch."""

    def __init__(self, x: np.ndarray, y: Optional[np.ndarray], sample_weight: Optional[np.ndarray],
                 batch_size: int, shuffle: bool = False, rng: Optional[np.random.Generator] = None) -> None:
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.steps: Optional[int] = math.ceil(len(x) / batch_size)  # fewer if the caller lowers it
        self.taken = 0  # batches in the last epoch
        self.used_up = False  # arrays never run out

    def begin_epoch(self) -> bool:
        return True

    def rewind(self) -> None:
        """Each epoch starts at the first sample anyway."""

    def epoch(self) -> Iterator[Batch]:
        x, y, weights = self.x, self.y, self.sample_weight
        if self.shuffle:
            order = self.rng.permutation(len(x))
            x, y = x[order], None if y is None else y[order]
            weights = None if weights is None else weights[order]
        self.taken = 0
        for start in range(0, min(len(x), self.steps * self.batch_size), self.batch_size):
            window = slice(start, start + self.batch_size)
            self.taken += 1
            yield x[window], None if y is None else y[window], None if weights is None else weights[window]


class IterableBatches:
    """Batches pulled from a PyDataset, a generator or another iterable of batches.

    Without `steps`, an epoch is one full pass over the source (a PyDataset's pass is its
    ``len()`` batches, in a new random order each pass when `shuffle`). With `steps`, an epoch
    is that many batches, continuing the pass where the last epoch stopped and starting a new
    pass when one ends. A generator can be gone through only once: when it ends, the epoch stops
    there and `used_up` turns True. The first batch is read at once, so that its shape can build
    the model (`first_x`).
    """

    def __init__(self, source: Any, steps: Optional[int], action: str, *, class_weight: Optional[Mapping] = None,
                 shuffle: bool = False, rng: Optional[np.random.Generator] = None, need_targets: bool = True,
                 adapt_x: Callable[[np.ndarray], np.ndarray] = lambda x: x) -> None:
        self.source, self.action, self.class_weight = source, action, class_weight
        self.shuffle, self.rng, self.need_targets, self.adapt_x = shuffle, rng, need_targets, adapt_x
        self.indexed = isinstance(source, PyDataset) or (hasattr(source, "__getitem__") and hasattr(source, "__len__"))
        self.one_shot = not self.indexed and iter(source) is source
        self.steps = steps if steps is not None else (len(source) if self.indexed else None)
        self.taken = 0  # batches in the last epoch
        self.used_up = False
        self._pass: Optional[Iterator] = None
        self._pending: Any = None
        if not self.begin_epoch():
            raise ValueError(f"{action}(): x gave no batches at all; a generator or PyDataset must give at least "
                             f"one batch (x, y).")
        self.first_x = features(_unpack(self._pending, action)[0], action)

    def begin_epoch(self) -> bool:
        """Make the epoch's first batch ready; False when the source has no batch left."""
        if self._pending is None:
            self._pending = self._next_raw()
        self.used_up = self._pending is None
        return not self.used_up

    def rewind(self) -> None:
        """Start the next epoch at the beginning of a new pass (a generator cannot go back)."""
        if not self.one_shot:
            self._pass = self._pending = None

    def epoch(self) -> Iterator[Batch]:
        self.taken = 0
        while self.steps is None or self.taken < self.steps:
            if self._pending is None:
                # Without steps the epoch ends with the pass; with steps a new pass may begin.
                self._pending = self._next_raw() if self.steps is not None else next(self._pass, None)
            if self._pending is None:
                break
            raw, self._pending = self._pending, None
            self.taken += 1
            yield self._convert(raw)
        if self.steps is None:
            self._pass = None
        else:
            self.used_up = self.taken < self.steps
        end_of_epoch = getattr(self.source, "on_epoch_end", None)
        if callable(end_of_epoch):
            end_of_epoch()

    def _next_raw(self) -> Any:
        """The next batch as the source gives it, from a new pass if the current one has ended;
        None when even a new pass has nothing."""
        batch = None if self._pass is None else next(self._pass, None)
        if batch is None:
            self._pass = self._new_pass()
            batch = next(self._pass, None)
        return batch

    def _new_pass(self) -> Iterator:
        begin = getattr(self.source, "on_epoch_begin", None)
        if callable(begin):
            begin()
        if not self.indexed:
            return iter(self.source)
        order = self.rng.permutation(len(self.source)) if self.shuffle else range(len(self.source))
        return (self.source[int(index)] for index in order)

    def _convert(self, raw: Any) -> Batch:
        x, y, weight = _unpack(raw, self.action)
        x = self.adapt_x(features(x, self.action))
        if not self.need_targets:
            return x, None, None
        if y is None:
            raise ValueError(f"{self.action}(): each batch must be a pair (x, y) or a triple (x, y, "
                             f"sample_weight), but a batch held only x.")
        y = targets(y, self.action)
        weights = sample_weights(weight, self.class_weight, y, self.action)
        check_arrays(x, y, weights, self.action)
        return x, y, weights


def _unpack(batch: Any, action: str) -> tuple[Any, Any, Any]:
    """(x, y, sample_weight) from a batch given as x alone, (x,), (x, y) or (x, y, sample_weight)."""
    if isinstance(batch, (tuple, list)):
        if not 1 <= len(batch) <= 3:
            raise ValueError(f"{action}(): each batch must be (x, y) or (x, y, sample_weight), got a "
                             f"{type(batch).__name__} of {len(batch)} items.")
        return (*batch, *([None] * (3 - len(batch))))
    return batch, None, None


def warn_used_up(epoch: int) -> None:
    """Keras's warning when the data runs out before `epochs` are done; training stops there."""
    warnings.warn(f"fit(): the data ran out in epoch {epoch}, so training stopped there. A generator can be "
                  f"gone through only once: make it endless (`while True:` around its loop) and pass "
                  f"steps_per_epoch=..., or pass a PyDataset or arrays instead.", stacklevel=3)
