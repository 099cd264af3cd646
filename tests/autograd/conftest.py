"""The table of ops that drives value and gradient tests (see test_ops.py).

Each `OpCase` row names an op, calls it on Tensors, gives the numpy function it must agree with,
and draws its inputs (shapes, values inside the op's domain, parameters) with hypothesis for one
of four shape kinds: scalar, vector, matrix and broadcast (any rank up to 3, operands of binary
ops broadcasting against each other). A test taking `op_case` and `shape_kind` arguments runs for
every row and every kind the row supports (see `pytest_generate_tests`). The table lives here
because the importlib import mode lets test files import nothing from their folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest

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
    "nonzero": st.one_of(st.floats(-3, -0.2), st.floats(0.2, 3)),
    # k/10 + 0.05: never within 0.05 of 0, of +-0.5, +-1, or of any ON_GRID value.
    "off_grid": st.integers(-30, 29).map(lambda k: k / 10 + 0.05),
    "on_grid": st.integers(-30, 30).map(lambda k: k / 10),
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


def np_logsumexp(a, axis=None, keepdims=False):
    shift = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=tuple(range(a.ndim)) if axis is None else axis)


def np_log_softmax(a, axis=-1):
    return a - np_logsumexp(a, axis=axis, keepdims=True)


def matmul_inputs(data, kind):
    if kind == "broadcast":  # batched, with numpy's optional 1-D operands mixed in
        shapes = data.draw(hnp.mutually_broadcastable_shapes(
            signature=np.matmul.signature, max_dims=2, max_side=3)).input_shapes
    else:
        n, m, p = (data.draw(st.integers(1, 4)) for _ in range(3))
        shapes = {"scalar": [(n,), (n,)], "matrix": [(m, n), (n, p)],
                  "vector": data.draw(st.sampled_from([[(m, n), (n,)], [(n,), (n, p)]]))}[kind]
    return [array(data, s) for s in shapes], {}


def linear_inputs(data, kind):
    batch, n_in, n_out = (data.draw(st.integers(1, 4)) for _ in range(3))
    return [array(data, (batch, n_in)), array(data, (n_in, n_out)), array(data, (n_out,))], {}


def concatenate_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    arrays = []
    for _ in range(3):
        piece = list(shape)
        piece[axis] = data.draw(st.integers(1, 3))
        arrays.append(array(data, tuple(piece)))
    return arrays, {"axis": axis}


def squeeze_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    position = data.draw(st.integers(0, len(shape)))
    shape = shape[:position] + (1,) + shape[position:]
    axis = data.draw(st.sampled_from([None, position, position - len(shape)]))
    return [array(data, shape)], {"axis": axis}


def broadcast_to_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    leading = data.draw(st.lists(st.integers(1, 3), max_size=2))
    target = tuple(leading) + tuple(data.draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    return [array(data, shape)], {"shape": target}


def where_inputs(data, kind):
    shapes = data.draw(shapes_of_kind(kind, 2))
    condition = data.draw(hnp.arrays(bool, np.broadcast_shapes(*shapes)))
    return [array(data, s) for s in shapes], {"condition": condition}


def softmax_cross_entropy_inputs(data, kind):
    rows, classes = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    labels = data.draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, classes - 1)))
    return [array(data, (rows, classes), "wide")], {"labels": labels}


def stack_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    return [array(data, shape) for _ in range(3)], {"axis": axis}


def np_softmax_cross_entropy(z, labels):
    return -np.mean(np_log_softmax(z, axis=1)[np.arange(len(labels)), labels])


def draw_index(strategy_of_shape: Callable[[tuple], st.SearchStrategy], min_dims: int = 0) -> Draw:
    def draw(data, kind):
        (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims))
        return [array(data, shape)], {"index": data.draw(strategy_of_shape(shape))}
    return draw


def _permutation(data, arrays):
    return {"axes": data.draw(st.none() | st.permutations(range(arrays[0].ndim)).map(tuple))}


def _new_shape(data, arrays):
    shape = arrays[0].shape
    return {"shape": data.draw(st.sampled_from([(-1,), shape[::-1], (1,) + shape, shape + (1, -1)]))}


def _two_axes(data, arrays):
    ndim = arrays[0].ndim
    return {"axis1": data.draw(st.integers(0, ndim - 1)), "axis2": data.draw(st.integers(-ndim, ndim - 1))}


def _clip_bounds(data, arrays):
    low, high = data.draw(st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None)]))
    return {"low": low, "high": high}


# ---- the table ---------------------------------------------------------------------------------
CASES = [
    # arithmetic, with Python scalars on either side
    OpCase("add", lambda a, b: a + b, np.add, elementwise("real", "real")),
    OpCase("sub", lambda a, b: a - b, np.subtract, elementwise("real", "real")),
    OpCase("mul", lambda a, b: a * b, np.multiply, elementwise("real", "real")),
    OpCase("div", lambda a, b: a / b, np.divide, elementwise("real", "nonzero")),
    OpCase("power", lambda a, b: a ** b, np.power, elementwise("positive", "real")),
    OpCase("neg", lambda a: -a, np.negative, elementwise("real")),
    OpCase("neg_function", ag.neg, np.negative, elementwise("real")),
    OpCase("scalar_add_right", lambda a: a + 1.5, lambda a: a + 1.5, elementwise("real")),
    OpCase("scalar_add_left", lambda a: 1.5 + a, lambda a: 1.5 + a, elementwise("real")),
    OpCase("scalar_sub_right", lambda a: a - 2.0, lambda a: a - 2.0, elementwise("real")),
    OpCase("scalar_sub_left", lambda a: 2.0 - a, lambda a: 2.0 - a, elementwise("real")),
    OpCase("scalar_mul_right", lambda a: a * 3, lambda a: a * 3, elementwise("real")),
    OpCase("scalar_mul_left", lambda a: -0.5 * a, lambda a: -0.5 * a, elementwise("real")),
    OpCase("scalar_div_right", lambda a: a / 4.0, lambda a: a / 4.0, elementwise("real")),
    OpCase("scalar_div_left", lambda a: 2.0 / a, lambda a: 2.0 / a, elementwise("nonzero")),
    OpCase("scalar_pow_right", lambda a: a ** 3, lambda a: a ** 3, elementwise("real")),
    OpCase("scalar_pow_fraction", lambda a: a ** 0.5, np.sqrt, elementwise("positive")),
    OpCase("scalar_pow_left", lambda a: 2.0 ** a, lambda a: 2.0 ** a, elementwise("real")),
    # elementwise functions
    OpCase("exp", ag.exp, np.exp, elementwise("real")),
    OpCase("log", ag.log, np.log, elementwise("positive")),
    OpCase("sqrt", ag.sqrt, np.sqrt, elementwise("positive")),
    OpCase("abs", ag.abs, np.abs, elementwise("off_grid")),
    OpCase("tanh", ag.tanh, np.tanh, elementwise("real")),
    OpCase("sigmoid", ag.sigmoid, lambda a: 1 / (1 + np.exp(-a)), elementwise("wide")),
    OpCase("relu", ag.relu, lambda a: np.maximum(a, 0), elementwise("off_grid")),
    OpCase("leaky_relu", lambda a, slope: ag.leaky_relu(a, negative_slope=slope),
           lambda a, slope: np.where(a > 0, a, slope * a),
           elementwise("off_grid", params=lambda d, _: {"slope": d.draw(st.sampled_from([0.01, 0.2]))})),
    OpCase("maximum", ag.maximum, np.maximum, elementwise("off_grid", "on_grid")),
    OpCase("minimum", ag.minimum, np.minimum, elementwise("on_grid", "off_grid")),
    OpCase("clip", lambda a, low, high: ag.clip(a, low, high), lambda a, low, high: np.clip(a, low, high),
           elementwise("off_grid", params=_clip_bounds)),
    OpCase("where", lambda a, b, condition: ag.where(condition, a, b),
           lambda a, b, condition: np.where(condition, a, b), where_inputs),
    # matrix products
    OpCase("matmul", lambda a, b: a @ b, np.matmul, matmul_inputs),
    OpCase("linear", ag.linear, lambda x, w, b: x @ w + b, linear_inputs, kinds=("matrix",)),
    OpCase("linear_no_bias", ag.linear, lambda x, w: x @ w,
           lambda data, kind: (linear_inputs(data, kind)[0][:2], {}), kinds=("matrix",)),
    # reductions
    OpCase("sum", ag.sum, np.sum, elementwise("real", params=reduction_axes)),
    OpCase("mean", ag.mean, np.mean, elementwise("real", params=reduction_axes)),
    OpCase("var", ag.var, np.var, elementwise("real", params=reduction_axes)),
    OpCase("max", ag.max, np.max, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("min", ag.min, np.min, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("sum_method", lambda a, axis, keepdims: a.sum(axis, keepdims), np.sum,
           elementwise("real", params=reduction_axes)),
    # softmax family
    OpCase("logsumexp", ag.logsumexp, np_logsumexp, elementwise("wide", params=reduction_axes)),
    OpCase("softmax", ag.softmax, lambda a, axis: np.exp(np_log_softmax(a, axis)),
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("log_softmax", ag.log_softmax, np_log_softmax,
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("softmax_cross_entropy", ag.softmax_cross_entropy, np_softmax_cross_entropy,
           softmax_cross_entropy_inputs, kinds=("matrix",)),
    # shapes
    OpCase("reshape", ag.reshape, np.reshape, elementwise("real", params=_new_shape)),
    OpCase("transpose", ag.transpose, np.transpose, elementwise("real", params=_permutation)),
    OpCase("T", lambda a: a.T, lambda a: a.T, elementwise("real")),
    OpCase("swapaxes", ag.swapaxes, np.swapaxes, elementwise("real", min_dims=1, params=_two_axes),
           kinds=NOT_SCALAR),
    OpCase("squeeze", ag.squeeze, np.squeeze, squeeze_inputs),
    OpCase("expand_dims", ag.expand_dims, np.expand_dims, elementwise(
        "real", params=lambda d, a: {"axis": d.draw(st.integers(-a[0].ndim - 1, a[0].ndim))})),
    OpCase("broadcast_to", ag.broadcast_to, np.broadcast_to, broadcast_to_inputs),
    OpCase("getitem_basic", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.basic_indices(s, allow_newaxis=True))),
    OpCase("getitem_integer_arrays", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.integer_array_indices(s), min_dims=1), kinds=NOT_SCALAR),
    OpCase("getitem_mask", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.arrays(bool, s))),
    OpCase("concatenate", lambda *ts, axis: ag.concatenate(ts, axis=axis),
           lambda *arrays, axis: np.concatenate(arrays, axis=axis), concatenate_inputs, kinds=NOT_SCALAR),
    # a cast to the input's own dtype here; casts between dtypes are tested in test_ops.py
    OpCase("astype", lambda a: ag.astype(a, a.dtype), lambda a: a.copy(), elementwise("real")),
    OpCase("stack", lambda *ts, axis: ag.stack(ts, axis=axis),
           lambda *arrays, axis: np.stack(arrays, axis=axis), stack_inputs),
    # memory
    OpCase("clone", ag.clone, lambda a: a.copy(), elementwise("real")),
    OpCase("clone_method", lambda a: a.clone(), lambda a: a.copy(), elementwise("real")),
]


@pytest.fixture
def op_table() -> list[OpCase]:
    """The whole table, for tests about the table itself."""
    return CASES


def pytest_generate_tests(metafunc) -> None:
    """Run tests that take `op_case` (and `shape_kind`) once per table row (and kind)."""
    if "op_case" not in metafunc.fixturenames:
        return
    if "shape_kind" in metafunc.fixturenames:
        rows = [(case, kind) for case in CASES for kind in case.kinds]
        metafunc.parametrize(("op_case", "shape_kind"), rows, ids=[f"{c.name}-{k}" for c, k in rows])
    else:
        metafunc.parametrize("op_case", CASES, ids=[c.name for c in CASES])
