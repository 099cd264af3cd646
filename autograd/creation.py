"""Constructors: new tensors filled with a constant, a range, or random draws.

They record nothing: each returns a leaf, which collects gradients when made with
`requires_grad=True`. A shape is given as separate integers or as one tuple (`zeros(2, 3)` or
`zeros((2, 3))`). Float results get the default dtype (float32, see `get_default_dtype`) unless
`dtype=` says otherwise; the `*_like` constructors keep the dtype of the tensor they copy.
Random ones draw from the generator that `manual_seed` reseeds.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from autograd.dtypes import as_dtype, get_default_dtype
from autograd.random import default_generator
from autograd.tensor import Tensor

Number = Union[int, float]


def _shape(op: str, dims: tuple) -> tuple[int, ...]:
    """A shape given as separate integers, `op(2, 3)`, or as one tuple or list, `op((2, 3))`."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    for n in dims:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{op}: a shape is made of non-negative integers, as in {op}(2, 3) or "
                             f"{op}((2, 3)); got {dims!r}.")
    return tuple(int(n) for n in dims)


def _float_dtype(op: str, dtype: Any) -> np.dtype:
    """`dtype`, or the default float dtype; an error if it is not a float dtype."""
    dtype = get_default_dtype() if dtype is None else as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op} draws real numbers, so it needs a float dtype such as float32, not "
                        f"{dtype}; use randint for random integers.")
    return dtype


def _value_dtype(value: Any, dtype: Any) -> np.dtype:
    """`dtype`, else the dtype PyTorch gives a fill value: bool, int64, or the default float."""
    if dtype is not None:
        return as_dtype(dtype)
    kind = np.asarray(value).dtype.kind
    return np.dtype(bool) if kind == "b" else np.dtype(np.int64) if kind in "iu" else get_default_dtype()


def _leaf(op: str, array: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad and array.dtype.kind not in "fc":
        raise TypeError(f"{op}(..., requires_grad=True) would make a tensor of dtype {array.dtype}, but "
                        "only float tensors have gradients. Pass a float dtype (dtype='float32') or "
                        "float arguments, or leave requires_grad off: integer tensors are for indices "
                        "and labels.")
    return Tensor._make(array, bool(requires_grad), None)


def _model(x: Any) -> np.ndarray:
    """The array a `*_like` constructor copies the shape and dtype of (data become a Tensor's)."""
    return x.data if isinstance(x, Tensor) else Tensor(x).data


# ---- constants ---------------------------------------------------------------------------------
def zeros(*shape: Union[int, Sequence[int]], dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`."""
    dtype = get_default_dtype() if dtype is None else dtype
    return _leaf("zeros", np.zeros(_shape("zeros", shape), dtype=dtype), requires_grad)


def ones(*shape: Union[int, Sequence[int]], dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`."""
    dtype = get_default_dtype() if dtype is None else dtype
    return _leaf("ones", np.ones(_shape("ones", shape), dtype=dtype), requires_grad)


def empty(*shape: Union[int, Sequence[int]], dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor whose values are whatever the memory held: fill it before reading it."""
    dtype = get_default_dtype() if dtype is None else dtype
    return _leaf("empty", np.empty(_shape("empty", shape), dtype=dtype), requires_grad)


def full(shape: Union[int, Sequence[int]], fill_value: Any, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of `shape` with every element `fill_value`. Without `dtype`, as in PyTorch: a
    float fills the default float dtype, an int int64, a bool bool."""
    array = np.full(_shape("full", (shape,)), fill_value, dtype=_value_dtype(fill_value, dtype))
    return _leaf("full", array, requires_grad)


def eye(n: int, m: Optional[int] = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m matrix (n x n without m) with ones on the diagonal and zeros elsewhere."""
    rows, columns = _shape("eye", (n, n if m is None else m))
    dtype = get_default_dtype() if dtype is None else dtype
    return _leaf("eye", np.eye(rows, columns, dtype=dtype), requires_grad)


# ---- ranges ------------------------------------------------------------------------------------
def arange(start: Number, stop: Optional[Number] = None, step: Number = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to but excluding stop (`arange(n)` is 0, 1, ..., n - 1).

    Integer arguments give int64 (ready to index with); any float argument gives the default
    float dtype.
    """
    if stop is None:
        start, stop = 0, start
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange: {name} must be a number, got {value!r}.")
    if step == 0:
        raise ValueError("arange: step must not be 0 (the range would never reach stop).")
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                       for v in (start, stop, step))
        dtype = np.dtype(np.int64) if integral else get_default_dtype()
    dtype = as_dtype(dtype)
    exact = np.int64 if dtype.kind in "iu" else np.float64  # count steps in full precision, then cast
    return _leaf("arange", np.arange(start, stop, step, dtype=exact).astype(dtype), requires_grad)


def linspace(start: Number, stop: Number, num: int = 50, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`num` evenly spaced values from start to stop, both included (the default float dtype)."""
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num is how many values to make, a non-negative integer; got {num!r}.")
    dtype = get_default_dtype() if dtype is None else as_dtype(dtype)
    return _leaf("linspace", np.linspace(start, stop, num).astype(dtype), requires_grad)


# ---- random draws ------------------------------------------------------------------------------
def _uniform(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if dtype in (np.float32, np.float64):
        return default_generator.random(shape, dtype=dtype)
    values = default_generator.random(shape).astype(dtype)
    return np.minimum(values, np.nextafter(dtype.type(1), dtype.type(0)))  # rounding may reach 1


def _normal(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if dtype in (np.float32, np.float64):
        return default_generator.standard_normal(shape, dtype=dtype)
    return default_generator.standard_normal(shape).astype(dtype)


def rand(*shape: Union[int, Sequence[int]], dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1): `rand(2, 3)` or `rand((2, 3))`."""
    values = _uniform(_shape("rand", shape), _float_dtype("rand", dtype))
    return _leaf("rand", values, requires_grad)


def randn(*shape: Union[int, Sequence[int]], dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers (mean 0, variance 1): `randn(27, 27)` or `randn((27, 27))`."""
    values = _normal(_shape("randn", shape), _float_dtype("randn", dtype))
    return _leaf("randn", values, requires_grad)


def randint(low: int, high: Union[int, Sequence[int], None] = None, size: Union[int, Sequence[int]] = (),
            dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high) of shape `size` (int64 unless `dtype` says otherwise).

    One bound means [0, low), as in numpy; PyTorch's `randint(high, size)`, with the shape
    second, works too: `randint(10, (3,))`.
    """
    if isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if low >= high:
        raise ValueError(f"randint: the range [{low}, {high}) is empty; low must be less than high.")
    shape = _shape("randint", size if isinstance(size, (tuple, list)) else (size,))
    values = default_generator.integers(low, high, size=shape, dtype=np.int64)
    return _leaf("randint", values if dtype is None else values.astype(dtype), requires_grad)


# ---- copying another tensor's shape and dtype --------------------------------------------------
def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of `x`."""
    return _leaf("zeros_like", np.zeros_like(_model(x), dtype=dtype), requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of `x`."""
    return _leaf("ones_like", np.ones_like(_model(x), dtype=dtype), requires_grad)


def full_like(x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """`fill_value` everywhere, with the shape and dtype of `x`."""
    return _leaf("full_like", np.full_like(_model(x), fill_value, dtype=dtype), requires_grad)


def rand_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1) with the shape and (float) dtype of `x`."""
    model = _model(x)
    values = _uniform(model.shape, _float_dtype("rand_like", model.dtype if dtype is None else dtype))
    return _leaf("rand_like", values, requires_grad)


def randn_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers with the shape and (float) dtype of `x`."""
    model = _model(x)
    values = _normal(model.shape, _float_dtype("randn_like", model.dtype if dtype is None else dtype))
    return _leaf("randn_like", values, requires_grad)
