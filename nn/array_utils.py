"""Keras's array helpers for preparing data: one-hot labels, unit-norm rows, padded sequences.

They take and return numpy arrays (no graph): data preparation happens before training.
`nn.utils` re-exports them, so they are called as Keras names them:
``nn.utils.to_categorical``, ``nn.utils.normalize``, ``nn.utils.pad_sequences``.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np


def to_categorical(x: Any, num_classes: Optional[int] = None) -> np.ndarray:
    """One-hot encode integer class labels: ``out[..., k] = 1.0`` where ``x == k``, else 0.

    A trailing axis of size 1 is dropped first, so labels of shape (n,) or (n, 1) both give
    (n, num_classes). The result is float64, as Keras returns it.

    Args:
        x: integer class labels in ``[0, num_classes)`` (a list or an array of any shape).
        num_classes: the number of classes; None means ``max(x) + 1``.

    Returns:
        An array of shape ``x.shape + (num_classes,)`` (less a trailing 1).

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.], [0., 0., 1.], [0., 1., 0.]])
    """
    labels = np.asarray(x)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("to_categorical: x must hold whole-number class labels such as 0, 1, 2; "
                             f"got non-integral values such as {labels[labels != np.round(labels)][:3].tolist()}.")
    elif labels.dtype.kind not in "iub":
        raise TypeError(f"to_categorical: x must hold integer class labels, got dtype {labels.dtype}.")
    labels = labels.astype(np.int64)
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    flat = labels.reshape(-1)
    if num_classes is None:
        if flat.size == 0:
            raise ValueError("to_categorical: x is empty, so the number of classes cannot be inferred; "
                             "pass num_classes.")
        num_classes = int(flat.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}.")
    outside = (flat < 0) | (flat >= num_classes)
    if np.any(outside):
        raise ValueError(f"to_categorical: labels must lie in [0, {num_classes}) for num_classes={num_classes}, "
                         f"got {flat[outside][:5].tolist()}; pass a larger num_classes or fix the labels.")
    one_hot = np.zeros((flat.size, int(num_classes)))
    one_hot[np.arange(flat.size), flat] = 1.0
    return one_hot.reshape(shape + (int(num_classes),))


def normalize(x: Any, axis: Optional[int] = -1, order: Any = 2) -> np.ndarray:
    """``x / ||x||`` along `axis`, with the norm of `numpy.linalg.norm` (L2 by default).

    Slices whose norm is 0 are left as they are (divided by 1), not turned into NaN.

    Args:
        x: an array (or anything `numpy.asarray` accepts).
        axis: the axis along which each slice is normalized.
        order: the norm's order, as `numpy.linalg.norm`'s ``ord`` (2, 1, ``np.inf``, ...).

    Returns:
        A new float array of x's shape.
    """
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"normalize: x must hold numbers, got dtype {array.dtype}.")
    norm = np.linalg.norm(array, order, axis, keepdims=True)
    norm[norm == 0] = 1
    return array / norm


def pad_sequences(sequences: Sequence[Sequence[Any]], maxlen: Optional[int] = None, dtype: Any = "int32",
                  padding: str = "pre", truncating: str = "pre", value: Any = 0.0) -> np.ndarray:
    """Pad (or cut) sequences of different lengths to one length, as one array.

    Each sequence shorter than `maxlen` gets `value` added before it (``padding="pre"``) or
    after it (``"post"``); each longer one loses its first (``truncating="pre"``) or last
    (``"post"``) items.

    Args:
        sequences: a list of sequences (lists or arrays); items may themselves be arrays of one
            common shape.
        maxlen: the length of the result; None means the longest sequence's length.
        dtype: the result's dtype (``object`` for strings of varying length).
        padding: ``"pre"`` or ``"post"``: where to pad.
        truncating: ``"pre"`` or ``"post"``: where to cut.
        value: the padding value.

    Returns:
        An array of shape ``(len(sequences), maxlen) + item_shape``.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1], [0, 2, 3], [4, 5, 6]], dtype=int32)
    """
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {choice!r}.")
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: sequences must be a list of sequences, got {type(sequences).__name__}.")
    rows = []
    for index, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__"):
            raise ValueError(f"pad_sequences: sequences must be a list of sequences, but item {index} is "
                             f"{sequence!r}; wrap single values in a list.")
        rows.append(sequence)
    if maxlen is None:
        maxlen = max((len(row) for row in rows), default=0)
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be a non-negative integer or None, got {maxlen!r}.")
    if isinstance(value, str) and np.dtype(dtype).kind not in "OUS":
        raise ValueError(f"pad_sequences: the padding value {value!r} is a string but dtype is {dtype!r}; "
                         "pass dtype=object for strings.")
    item_shape = next((np.asarray(row).shape[1:] for row in rows if len(row)), ())
    padded = np.full((len(rows), maxlen) + item_shape, value, dtype=dtype)
    for index, row in enumerate(rows):
        kept = np.asarray(row[max(len(row) - maxlen, 0):] if truncating == "pre" else row[:maxlen], dtype=dtype)
        if len(kept) == 0:
            continue
        if kept.shape[1:] != item_shape:
            raise ValueError(f"pad_sequences: the items of sequence {index} have shape {kept.shape[1:]}, but "
                             f"earlier sequences' items have shape {item_shape}; they must all match.")
        if padding == "post":
            padded[index, :len(kept)] = kept
        else:
            padded[index, maxlen - len(kept):] = kept
    return padded
