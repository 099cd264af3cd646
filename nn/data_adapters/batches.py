"""Data that comes as batches: a `PyDataset`, a generator, an iterator or another iterable of
``(x, y)`` / ``(x, y, sample_weight)``, pulled by `IterableBatches` as training goes."""
from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator, Mapping, Optional

import numpy as np

import autograd as ag
from nn.data_adapters.arrays import Batch, check_arrays, sample_weights


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


def is_batch_source(data: Any) -> bool:
    """True for data given as batches (a PyDataset, generator, iterator or other iterable), False
    for arrays: ndarrays, lists, tuples, dicts, Tensors and anything with ``__array__``."""
    if data is None or isinstance(data, (np.ndarray, list, tuple, dict, str, bytes, ag.Tensor)):
        return False
    if hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return False
    return isinstance(data, PyDataset) or hasattr(data, "__iter__") or hasattr(data, "__next__")


class IterableBatches:
    """Batches pulled from a PyDataset, a generator or another iterable of batches.

    Without `steps`, an epoch is one full pass over the source (a PyDataset's pass is its
    ``len()`` batches, in a new random order each pass when `shuffle`). With `steps`, an epoch
    is that many batches, continuing the pass where the last epoch stopped and starting a new
    pass when one ends. A generator can be gone through only once: when it ends, the epoch stops
    there and `used_up` turns True. The first batch is read at once, so that its shape can build
    the model (`first_x`). `adapt_x` and `adapt_y` turn a batch's raw x and y into the arrays the
    model takes (one array, or a list or dict of them).
    """

    def __init__(self, source: Any, steps: Optional[int], action: str, *, adapt_x: Callable[[Any], Any],
                 adapt_y: Optional[Callable[[Any], Any]] = None, class_weight: Optional[Mapping] = None,
                 shuffle: bool = False, rng: Optional[np.random.Generator] = None, need_targets: bool = True) -> None:
        self.source, self.action, self.class_weight = source, action, class_weight
        self.shuffle, self.rng, self.need_targets = shuffle, rng, need_targets
        self.adapt_x, self.adapt_y = adapt_x, adapt_y
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
        self.first_x = adapt_x(_unpack(self._pending, action)[0])

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
        x = self.adapt_x(x)
        if not self.need_targets:
            return x, None, None
        if y is None:
            raise ValueError(f"{self.action}(): each batch must be a pair (x, y) or a triple (x, y, "
                             f"sample_weight), but a batch held only x.")
        y = self.adapt_y(y)
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


def refuse_beside_batches(action: str, y: Any, sample_weight: Any, batch_size: Optional[int]) -> None:
    """y and sample_weight belong inside each batch when x gives batches; batch_size means nothing."""
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"{action}(): x gives whole batches, so {name} must not be passed separately; make each "
                             f"batch (x, y) or (x, y, sample_weight) instead.")
    if batch_size is not None:
        warnings.warn(f"{action}(): batch_size={batch_size} is ignored because x gives whole batches; their size is "
                      f"set where they are made.", stacklevel=4)


def warn_used_up(epoch: int) -> None:
    """Keras's warning when the data runs out before `epochs` are done; training stops there."""
    warnings.warn(f"fit(): the data ran out in epoch {epoch}, so training stopped there. A generator can be "
                  f"gone through only once: make it endless (`while True:` around its loop) and pass "
                  f"steps_per_epoch=..., or pass a PyDataset or arrays instead.", stacklevel=3)
