"""The row type of the op table (op_table.py) and the draws most rows share.

An `OpCase` names an op, calls it on Tensors, gives the numpy function it must agree with, and
draws its inputs (shapes, values inside the op's domain, parameters) with hypothesis for one of
four shape kinds: scalar, vector, matrix and broadcast (any rank up to 3, operands of binary ops
broadcasting against each other). Draws for one family of ops live in op_draws_<family>.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

import autograd as ag

SHAPE_KINDS = ("scalar", "vector", "matrix", "broadcast")
ALL_KINDS = SHAPE_KINDS
NOT_SCALAR = ("vector", "matrix", "broadcast")

# Values are drawn inside each op's domain and away from its kinks, so central differences
# (eps=1e-6) never straddle a point where the derivative jumps.
DOMAINS = {
    "real": st.floats(-3, 3),
    "wide": st.floats(-8, 8),
    "positive": st.floats(0.2, 3),
    "above_minus_one": st.floats(-0.8, 3),  # log1p's domain, away from its pole at -1
    "inside_unit": st.floats(-0.9, 0.9),  # arcsin/arccos, away from their infinite slopes at +-1
    "nonzero": st.one_of(st.floats(-3, -0.2), st.floats(0.2, 3)),
    # k/10 + 0.05: never within 0.05 of 0, of +-0.5, +-1, or of any ON_GRID value.
    "off_grid": st.integers(-30, 29).map(lambda k: k / 10 + 0.05),
    "on_grid": st.integers(-30, 30).map(lambda k: k / 10),
    # Exact zeros half the time (prod's special case); the others as "nonzero", since near 0
    # prod's second derivative, built from prod / a like PyTorch's, loses precision.
    "with_zeros": st.one_of(st.just(0.0), st.floats(-3, -0.2), st.floats(0.2, 3)),
}

Draw = Callable[[st.DataObject, str], tuple[list[np.ndarray], dict[str, Any]]]


@dataclass(frozen=True)
class OpCase:
    name: str
    op: Callable[..., ag.Tensor]  # op(*tensors, **params)
    reference: Callable[..., np.ndarray]  # reference(*arrays, **params) in numpy
    draw: Draw
    kinds: tuple[str, ...] = ALL_KINDS

    def __repr__(self) -> str:
        return self.name


# ---- shapes and inputs -------------------------------------------------------------------------
def shapes_of_kind(kind: str, arity: int, min_dims: int = 0) -> st.SearchStrategy:
    """`arity` shapes of the given kind; for "broadcast" they broadcast against each other."""
    if kind == "scalar":
        return st.just(((),) * arity)
    if kind == "vector":
        return st.integers(1, 5).map(lambda n: ((n,),) * arity)
    if kind == "matrix":
        return st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda s: (s,) * arity)
    return hnp.mutually_broadcastable_shapes(
        num_shapes=arity, min_dims=min_dims, max_dims=3, max_side=3).map(lambda r: r.input_shapes)


def array(data: st.DataObject, shape: tuple, domain: str = "real", unique: bool = False) -> np.ndarray:
    return data.draw(hnp.arrays(np.float64, shape, elements=DOMAINS[domain], unique=unique))


def elementwise(*domains: str, unique: bool = False, min_dims: int = 0,
                params: Callable[[st.DataObject, list[np.ndarray]], dict] | None = None) -> Draw:
    """Inputs of one shape kind with values from `domains` (one per input), then `params`."""
    def draw(data, kind):
        shapes = data.draw(shapes_of_kind(kind, len(domains), min_dims))
        arrays = [array(data, s, d, unique) for s, d in zip(shapes, domains)]
        return arrays, (params(data, arrays) if params else {})
    return draw


def reduction_axes(data: st.DataObject, arrays: list[np.ndarray]) -> dict:
    """axis: None, one axis (negative allowed) or a tuple of axes (even empty); keepdims."""
    ndim = arrays[0].ndim
    options = [st.none(), hnp.valid_tuple_axes(ndim)]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    return {"axis": data.draw(st.one_of(options)), "keepdims": data.draw(st.booleans())}


def one_axis(data: st.DataObject, arrays: list[np.ndarray]) -> dict:
    ndim = arrays[0].ndim
    return {"axis": data.draw(st.integers(-ndim, ndim - 1))}


def optional_axis(data: st.DataObject, arrays: list[np.ndarray]) -> dict:
    """axis: None (the flattened tensor) or one axis, negative allowed."""
    ndim = arrays[0].ndim
    return {"axis": data.draw(st.none() | st.integers(-ndim, ndim - 1)) if ndim else None}
