"""numpy functions applied to Tensors run autograd's ops, so they are recorded (NEP 13, NEP 18).

`np.sin(x)`, `np.sum(x, axis=0)`, `np.concatenate([x, y])`, `a * x` with `a` an ndarray: numpy
hands each call to `Tensor.__array_ufunc__` / `Tensor.__array_function__`, which call the
autograd function of the same meaning. A numpy function autograd has no op for raises a
TypeError naming it: a silent detour around the graph would leave gradients missing without a
word. Functions that only read values (np.shape, np.allclose, ...) run on the arrays.

Writing into ndarrays with `out=` (as `t.data -= lr * t.grad` does) runs numpy on the values:
the result is a plain array, outside the graph by request.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from autograd.tensor import Tensor

# ufunc -> the autograd function computing it (looked up when called: see `autograd_function`)
UFUNCS: dict[np.ufunc, str] = {
    np.add: "add", np.subtract: "sub", np.multiply: "mul", np.true_divide: "div",
    np.power: "power", np.negative: "neg", np.matmul: "matmul",
    np.maximum: "maximum", np.minimum: "minimum",
    np.exp: "exp", np.log: "log", np.sqrt: "sqrt", np.absolute: "abs", np.tanh: "tanh",
    np.sin: "sin", np.cos: "cos", np.tan: "tan", np.arcsin: "arcsin", np.arccos: "arccos",
    np.arctan: "arctan", np.sinh: "sinh", np.cosh: "cosh", np.log1p: "log1p", np.expm1: "expm1",
    np.log2: "log2", np.log10: "log10", np.square: "square", np.reciprocal: "reciprocal",
    np.sign: "sign",
}

# ufuncs whose result has no useful gradient (comparisons, tests, rounding): computed on the
# values, returned as a Tensor that requires no grad, as Tensor comparisons are.
VALUE_UFUNCS = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.isnan, np.isinf, np.isfinite, np.signbit, np.logical_and, np.logical_or, np.logical_xor,
    np.logical_not, np.floor, np.ceil, np.rint, np.trunc,
}

# numpy function -> the autograd function of the same meaning and arguments
FUNCTIONS: dict[Callable, str] = {
    np.sum: "sum", np.mean: "mean", np.max: "max", np.amax: "max", np.min: "min", np.amin: "min",
    np.var: "var", np.std: "std", np.prod: "prod", np.cumsum: "cumsum",
    np.argmax: "argmax", np.argmin: "argmin", np.any: "any", np.all: "all",
    np.dot: "dot", np.outer: "outer", np.tensordot: "tensordot", np.einsum: "einsum",
    np.concatenate: "concatenate", np.stack: "stack", np.where: "where", np.clip: "clip",
    np.reshape: "reshape", np.transpose: "transpose", np.swapaxes: "swapaxes",
    np.squeeze: "squeeze", np.expand_dims: "expand_dims", np.broadcast_to: "broadcast_to",
    np.flip: "flip", np.roll: "roll", np.pad: "pad", np.repeat: "repeat", np.tile: "tile",
    np.split: "split", np.take_along_axis: "take_along_axis", np.tril: "tril", np.triu: "triu",
    np.linalg.inv: "inv", np.linalg.det: "det", np.linalg.solve: "solve", np.linalg.norm: "norm",
    np.zeros_like: "zeros_like", np.ones_like: "ones_like", np.full_like: "full_like",
}

# numpy functions that only read values: they run on the arrays and return numpy results.
VALUE_FUNCTIONS = {
    np.shape, np.ndim, np.size, np.allclose, np.isclose, np.array_equal, np.array_equiv,
    np.count_nonzero, np.result_type, np.shares_memory, np.may_share_memory, np.argsort,
    np.nonzero, np.flatnonzero, np.array2string, np.array_repr, np.array_str,
}

# ufunc methods that have an autograd function of their own
UFUNC_METHODS = {
    (np.add, "reduce"): "sum", (np.multiply, "reduce"): "prod", (np.maximum, "reduce"): "max",
    (np.minimum, "reduce"): "min", (np.add, "accumulate"): "cumsum", (np.multiply, "outer"): "outer",
}

ESCAPE_HATCH = ("compute it from autograd's ops instead, or, if you want no gradient, on the "
                "values: t.detach().numpy()")


def apply_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """What `Tensor.__array_ufunc__` returns for `ufunc.method(*inputs, **kwargs)`."""
    out = kwargs.get("out")
    if out is not None:
        return _write_into_arrays(ufunc, method, inputs, kwargs, out)
    if method != "__call__":
        instead = UFUNC_METHODS.get((ufunc, method))
        hint = f"use autograd.{instead}" if instead else ESCAPE_HATCH
        raise TypeError(f"np.{ufunc.__name__}.{method} is not recorded on Tensors, so it would leave "
                        f"the graph without a word; {hint}.")
    extra = sorted(k for k, v in kwargs.items() if v is not None)
    if ufunc in VALUE_UFUNCS:
        return Tensor._make(np.asarray(ufunc(*_values(inputs), **kwargs)), False, None)
    if ufunc not in UFUNCS:
        raise TypeError(f"np.{ufunc.__name__} has no autograd op, so applying it to a Tensor would leave "
                        f"the graph without a word; {ESCAPE_HATCH}.")
    if extra:
        raise TypeError(f"np.{ufunc.__name__} on Tensors takes no {', '.join(extra)}= argument; "
                        f"call autograd.{UFUNCS[ufunc]} and convert the result with .astype if needed.")
    return autograd_function(UFUNCS[ufunc])(*inputs)


def apply_function(func: Callable, args: tuple, kwargs: dict) -> Any:
    """What `Tensor.__array_function__` returns for `func(*args, **kwargs)`."""
    if func in VALUE_FUNCTIONS:
        return func(*_values(args), **{k: _values((v,))[0] for k, v in kwargs.items()})
    name = FUNCTIONS.get(func)
    if name is None:
        raise TypeError(f"{_numpy_name(func)} is not supported on Tensors: autograd has no op for it, "
                        f"and running it on the values would leave the graph without a word; "
                        f"{ESCAPE_HATCH}.")
    target = autograd_function(name)
    if kwargs.get("out") is not None:
        raise TypeError(f"{_numpy_name(func)}(..., out=...) cannot write a recorded result into an array; "
                        f"use y = autograd.{name}(...) instead.")
    kwargs = {k: v for k, v in kwargs.items() if not (k == "out" and v is None)}
    try:
        inspect.signature(target).bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{_numpy_name(func)} on Tensors runs autograd.{name}{inspect.signature(target)}, "
                        f"which cannot take these arguments ({error}).") from None
    return target(*args, **kwargs)


def _numpy_name(func: Callable) -> str:
    """How users write `func`: np.sum, np.linalg.inv, np.fft.fft."""
    module = (getattr(func, "__module__", None) or "numpy").replace("numpy", "np", 1)
    return f"{module}.{func.__name__}"


def autograd_function(name: str) -> Callable:
    """The public autograd function `name` (imported here, as autograd imports this module)."""
    import autograd
    return getattr(autograd, name)


def _write_into_arrays(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict, out: tuple) -> Any:
    """`out=` given: numpy computes on the values and writes into the arrays it was handed."""
    if any(isinstance(o, Tensor) for o in out):
        raise TypeError(f"np.{ufunc.__name__}(..., out=tensor) would change a Tensor behind the graph's "
                        "back; use the in-place operators (t += ..., t.add_(...)) under "
                        "autograd.no_grad(), or write to t.data.")
    kwargs = dict(kwargs, out=out)
    return getattr(ufunc, method)(*_values(inputs), **kwargs)


def _values(items: tuple) -> list:
    """Tensors replaced by their arrays, also inside lists and tuples (np.allclose([t], ...))."""
    values = []
    for item in items:
        if isinstance(item, Tensor):
            item = item.data
        elif isinstance(item, (list, tuple)):
            item = type(item)(_values(tuple(item)))
        values.append(item)
    return values
