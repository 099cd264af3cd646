"""The default floating dtype (float32, like Keras and PyTorch) and conversion of user data."""
from __future__ import annotations

from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype: Any) -> None:
    """Make `dtype` (a float dtype) the dtype of new float tensors given no dtype."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"the default dtype must be a float dtype such as float32 or float64, not {dtype}.")
    _default_dtype = dtype


def get_default_dtype() -> np.dtype:
    """The dtype new float tensors get when none is asked for (float32 unless changed)."""
    return _default_dtype


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """A fresh ndarray copy of user data: float64 and Python floats become the default dtype.

    Copying (like torch.tensor) means in-place updates of a tensor never reach the caller's array;
    `autograd.from_numpy` shares memory instead.
    """
    if dtype is not None:
        return np.array(data, dtype=dtype)
    array = np.array(data)
    if array.dtype == np.float64 or array.dtype == object:
        return array.astype(_default_dtype)
    return array
