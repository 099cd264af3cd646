"""Keras's core ops: moving values between numpy and Tensors, dtypes, shapes, cutting the graph."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag


def convert_to_tensor(x: Any, dtype: Any = None, sparse: Optional[bool] = None, ragged: Optional[bool] = None
                      ) -> ag.Tensor:
    """`x` as a Tensor (itself if it is one of `dtype` already); floats become the default float
    dtype unless `dtype` says otherwise. Sparse and ragged tensors do not exist here."""
    if sparse or ragged:
        raise ValueError("ops.convert_to_tensor: chainrule has dense tensors only; pass sparse=None and "
                         "ragged=None (and densify the data first, e.g. with .toarray()).")
    if isinstance(x, ag.Tensor):
        return x if dtype is None or x.dtype == np.dtype(dtype) else ag.astype(x, dtype)
    array = np.asarray(x)
    if dtype is None and array.dtype.kind == "f":
        dtype = ag.get_default_dtype()
    return ag.Tensor(array, dtype=dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """The values of `x` as a numpy array (a copy for a Tensor, so editing it changes nothing)."""
    return np.array(x.data if isinstance(x, ag.Tensor) else x)


def cast(x: Any, dtype: Any) -> ag.Tensor:
    """`x` converted to `dtype`; the gradient flows back through a float-to-float cast."""
    return ag.astype(convert_to_tensor(x), dtype)


def shape(x: Any) -> tuple[int, ...]:
    """The shape of `x` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def stop_gradient(variable: Any) -> ag.Tensor:
    """The same values with no gradient behind them: backward stops here (PyTorch's detach)."""
    return convert_to_tensor(variable).detach()
