"""The default floating dtype (float32, like Keras and PyTorch) and conversion of user data."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype: Any) -> None:
    """Make `dtype` (a float dtype) the dtype of new float tensors given no dtype."""
    global _default_dtype
    dtype = as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"the default dtype must be a float dtype such as float32 or float64, not {dtype}.")
    _default_dtype = dtype


def get_default_dtype() -> np.dtype:
    """The dtype new float tensors get when none is asked for (float32 unless changed)."""
    return _default_dtype


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """A fresh ndarray copy of user data: float64 and Python floats become the default dtype.

    Copying (like torch.tensor) means in-place updates of a tensor never reach the caller's array;
    `autograd.from_numpy` shares memory instead. Data that is not numbers is refused with what it
    holds instead: None (numpy would make it NaN), strings, objects, rows of different lengths.
    """
    if type(data) is float:  # a Python number: one allocation, straight in the wanted dtype
        return np.array(data, dtype=_default_dtype if dtype is None else as_dtype(dtype))
    if dtype is not None:
        dtype = as_dtype(dtype)
    if isinstance(data, np.ndarray) and data.dtype.kind in _NUMBER_KINDS:  # the common case
        return np.array(data, dtype=dtype if dtype is not None else
                        _default_dtype if data.dtype == np.float64 else None)
    try:
        array = np.array(data)
    except ValueError as error:
        raise ValueError(f"tensor data must be rectangular, nested lists of equal lengths at each level, but "
                         f"got rows of different lengths ({error}); pad the shorter rows first.") from None
    if array.dtype.kind not in _NUMBER_KINDS:
        array = _numbers_only(array)
    if dtype is not None:
        return array.astype(dtype, copy=False)
    if array.dtype == np.float64:
        return array.astype(_default_dtype)
    return array


def as_dtype(dtype: Any) -> np.dtype:
    """`dtype` as a numpy dtype, or a TypeError naming the usual ones."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}; use a numpy dtype such as 'float32', 'float64', 'int64' or "
                        f"'bool'.") from None


_NUMBER_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex


def _numbers_only(array: np.ndarray) -> np.ndarray:
    """An object array whose elements are all numbers, as floats; otherwise a TypeError naming
    what the data holds instead (and where)."""
    if array.dtype.kind != "O":
        example = f" such as {array.flat[0].item()!r}" if array.size else ""
        hint = _TEXT_HINT if array.dtype.kind in "US" else _NUMBERS_HINT
        raise TypeError(f"tensor data must be numbers, but it holds {array.dtype} values{example}; {hint}.")
    for position, item in enumerate(array.flat):
        if not isinstance(item, numbers.Number):
            where = (f"at index {tuple(int(i) for i in np.unravel_index(position, array.shape))}" if array.ndim
                     else "as the whole value")
            hint = _NONE_HINT if item is None else _TEXT_HINT if isinstance(item, (str, bytes)) else _NUMBERS_HINT
            raise TypeError(f"tensor data must be numbers, but it holds {item!r} ({type(item).__name__}) {where}; "
                            f"{hint}.")
    return array.astype(np.float64)


_NONE_HINT = ("None marks a missing value, which a tensor cannot hold; write float('nan') if you mean one, or "
              "fill it in first")
_TEXT_HINT = "convert text to numbers first (e.g. float(s)), or encode categories as integers"
_NUMBERS_HINT = "a tensor holds numbers, or nested lists of numbers"
