"""The data that `fit`, `evaluate` and `predict` accept, turned into batches of numpy arrays.

Two kinds of data, as in Keras:

- arrays (`nn.data_adapters.arrays`): numpy arrays, nested lists, `ag.Tensor`s, anything with
  ``__array__`` (a CPU torch tensor, a pandas frame); for a model with several inputs or outputs,
  a list or dict of these (`nn.data_adapters.structures`). They are converted once;
  `ArrayBatches` shuffles them each epoch (one fancy index) and slices batches as views.
- batches (`nn.data_adapters.batches`): a `PyDataset` (batches by index), a Python generator or
  iterator, or any other iterable, each item ``(x, y)`` or ``(x, y, sample_weight)`` (just ``x``
  for `predict`). `IterableBatches` pulls them as training goes.

Every batch comes out as ``(x, y, sample_weight)``, ``y`` and ``sample_weight`` possibly None;
``class_weight`` is turned into per-sample weights on the way.
"""
from nn.data_adapters.arrays import (DEFAULT_BATCH_SIZE, ArrayBatches, Batch, array_batches, check_arrays,
                                     check_positive_int, features, match_input_rank, sample_count, sample_weights,
                                     split_last, targets)
from nn.data_adapters.batches import (IterableBatches, PyDataset, Sequence, is_batch_source, refuse_beside_batches,
                                      warn_used_up)
from nn.data_adapters.structures import (batch_size_of, pack_x_y_sample_weight, standardize,
                                         unpack_x_y_sample_weight)

__all__ = ["DEFAULT_BATCH_SIZE", "ArrayBatches", "Batch", "IterableBatches", "PyDataset", "Sequence",
           "array_batches", "batch_size_of", "check_arrays", "check_positive_int", "features", "is_batch_source",
           "match_input_rank", "pack_x_y_sample_weight", "refuse_beside_batches", "sample_count", "sample_weights",
           "split_last", "standardize", "targets", "unpack_x_y_sample_weight", "warn_used_up"]
