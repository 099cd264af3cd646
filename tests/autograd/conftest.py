"""The table of ops that drives value and gradient tests (see test_ops.py).

Each `OpCase` row names an op, calls it on Tensors, gives the numpy function it must agree with,
and draws its inputs (shapes, values inside the op's domain, parameters) with hypothesis for one
of four shape kinds: scalar, vector, matrix and broadcast (any rank up to 3, operands of binary
ops broadcasting against each other). A test taking `op_case` and `shape_kind` arguments runs for
every row and every kind the row supports (see `pytest_generate_tests`). The table lives here
because the importlib import mode lets test files import nothing from their folder.
"""
from __future__ import annotations

import math
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

# Ops that have no gradient (their derivative is 0 wherever it exists), so they record nothing:
# the table cannot check them; tests/autograd/test_ops_<family>.py test them one by one.
WITHOUT_GRADIENT = frozenset({"sign", "argmax", "argmin", "any", "all", "one_hot"})

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


def distinct_magnitudes(data: st.DataObject, shape: tuple) -> np.ndarray:
    """Values with |a| in [0.2, 3) and random signs, drawn from a seeded generator: no two sums
    of |a| tie (as exact draws like 0.5 and -0.5 would), so a max over them has no kink."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    return rng.uniform(0.2, 3.0, shape) * rng.choice([-1.0, 1.0], shape)


def vector_norm_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    params = {"ord": data.draw(st.sampled_from([None, 1, 2, np.inf])),
              "axis": data.draw(st.integers(-len(shape), len(shape) - 1)), "keepdims": data.draw(st.booleans())}
    return [distinct_magnitudes(data, shape)], params


def matrix_norm_inputs(data, kind):
    """A matrix with axis None, or two distinct axes (in either order) of a stack of matrices."""
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=2))
    ndim = len(shape)
    axis = None if kind == "matrix" else tuple(data.draw(st.permutations(range(-ndim, 0)))[:2])
    params = {"ord": data.draw(st.sampled_from([None, "fro", 1, np.inf])), "axis": axis,
              "keepdims": data.draw(st.booleans())}
    return [distinct_magnitudes(data, shape)], params


def np_euclidean_norm(a, axis=None, keepdims=False):
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))


def np_erf(a):
    """erf by its Taylor series 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)), summed exactly
    (math.fsum), so the reference does not share autograd's math.erf: good to ~1e-13 for |a| <= 3."""
    def series(x):
        return 2 / math.sqrt(math.pi) * math.fsum(
            (-1) ** n * x ** (2 * n + 1) / (math.factorial(n) * (2 * n + 1)) for n in range(80))
    return np.vectorize(series, otypes=[np.float64])(a)


def optional_axis(data: st.DataObject, arrays: list[np.ndarray]) -> dict:
    """axis: None (the flattened tensor) or one axis, negative allowed."""
    ndim = arrays[0].ndim
    return {"axis": data.draw(st.none() | st.integers(-ndim, ndim - 1)) if ndim else None}


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


def dot_inputs(data, kind):
    """numpy.dot's cases: scalar times anything, vector . vector, matrix products, N-D . 2-D/N-D."""
    n, m, p = (data.draw(st.integers(1, 3)) for _ in range(3))
    shapes = {"scalar": [(), (m, n)], "vector": [(n,), (n,)], "matrix": [(m, n), (n, p)],
              "broadcast": data.draw(st.sampled_from([[(2, m, n), (n, p)], [(m, n), (2, n, p)],
                                                      [(2, m, n), (3, n, p)]]))}[kind]
    return [array(data, s) for s in shapes], {}


def linear_inputs(data, kind):
    batch, n_in, n_out = (data.draw(st.integers(1, 4)) for _ in range(3))
    return [array(data, (batch, n_in)), array(data, (n_in, n_out)), array(data, (n_out,))], {}


def einsum_inputs(subscripts_by_kind: dict[str, list[str]]) -> Draw:
    """One of the kind's subscripts, a size per letter, and batch shapes under '...' that
    broadcast against each other."""
    def draw(data, kind):
        subscripts = data.draw(st.sampled_from(subscripts_by_kind[kind]))
        terms = subscripts.split("->")[0].split(",")
        size = {c: data.draw(st.integers(1, 3)) for c in sorted(set(subscripts) - set(",.->"))}
        batches = data.draw(hnp.mutually_broadcastable_shapes(
            num_shapes=len(terms), max_dims=2, max_side=3)).input_shapes
        arrays = []
        for term, batch in zip(terms, batches):
            head, ellipsis, tail = term.partition("...")
            shape = tuple(size[c] for c in head) + (batch if ellipsis else ()) + tuple(size[c] for c in tail)
            arrays.append(array(data, shape))
        return arrays, {"subscripts": subscripts}
    return draw


def tensordot_inputs(data, kind):
    """Paired axes at random positions of both operands; axes as an int or as two lists."""
    paired = data.draw(st.lists(st.integers(1, 3), max_size=2))
    free_a, free_b = (data.draw(st.lists(st.integers(1, 3), max_size=2)) for _ in range(2))
    if data.draw(st.booleans()):  # axes=n: the last n axes of a against the first n of b
        arrays = [array(data, tuple(free_a + paired)), array(data, tuple(paired + free_b))]
        return arrays, {"axes": len(paired)}
    order_a = data.draw(st.permutations(range(len(free_a) + len(paired))))
    order_b = data.draw(st.permutations(range(len(free_b) + len(paired))))
    shape_a, shape_b = [0] * len(order_a), [0] * len(order_b)
    for position, n in zip(order_a, paired + free_a):
        shape_a[position] = n
    for position, n in zip(order_b, paired + free_b):
        shape_b[position] = n
    axes = (list(order_a[:len(paired)]), list(order_b[:len(paired)]))
    return [array(data, tuple(shape_a)), array(data, tuple(shape_b))], {"axes": axes}


def well_conditioned(data: st.DataObject, shape: tuple) -> np.ndarray:
    """3 I plus noise of at most 0.5 per element (n <= 3): diagonally dominant, far from singular."""
    noise = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-0.5, 0.5)))
    return noise + 3 * np.eye(shape[-1])


def square_inputs(data, kind):
    n = data.draw(st.integers(1, 3))
    batch = () if kind == "matrix" else tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    return [well_conditioned(data, batch + (n, n))], {}


def solve_inputs(data, kind):
    """b a vector (n,), a matrix (n, k), or a batch broadcasting against a's batch."""
    n, k = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    if kind == "vector":
        return [well_conditioned(data, (n, n)), array(data, (n,))], {}
    if kind == "matrix":
        return [well_conditioned(data, (n, n)), array(data, (n, k))], {}
    batch_a, batch_b = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    b_shape = data.draw(st.sampled_from([(n,), batch_b + (n, k)]))
    return [well_conditioned(data, batch_a + (n, n)), array(data, b_shape)], {}


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


def lstm_cell_inputs(data, kind):
    """x (batch, features), the state [h | c] (batch, 2 units), and the weights stacked as
    lstm_cell takes them: (features + units [+ 1 bias row], 4 units)."""
    batch, features, units = (data.draw(st.integers(1, 3)) for _ in range(3))
    rows = features + units + data.draw(st.sampled_from([0, 1]))
    return [array(data, (batch, features)), array(data, (batch, 2 * units)), array(data, (rows, 4 * units))], {}


def np_lstm_cell(x, state, weights):
    """[h' | c'] by the LSTM equations in numpy (gate order i, f, g, o)."""
    h, c = np.split(state, 2, axis=1)
    bias_column = [np.ones((x.shape[0], 1))] if len(weights) > x.shape[1] + h.shape[1] else []
    i, f, g, o = np.split(np.concatenate([x, h] + bias_column, 1) @ weights, 4, axis=1)
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    new_c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return np.concatenate([sigmoid(o) * np.tanh(new_c), new_c], axis=1)


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
    """None, or every axis once, each written either counting from the front or from the end."""
    ndim = arrays[0].ndim
    order = data.draw(st.none() | st.permutations(range(ndim)))
    if order is None:
        return {"axes": None}
    return {"axes": tuple(data.draw(st.sampled_from([i, i - ndim])) for i in order)}


def _dims(data, arrays):
    return {"dims": _permutation(data, arrays)["axes"] or tuple(range(arrays[0].ndim))[::-1]}


def _axes_or_none(data, arrays):
    """None, one axis (negative allowed) or a tuple of distinct axes."""
    ndim = arrays[0].ndim
    options = [st.none(), hnp.valid_tuple_axes(ndim, min_size=1)] if ndim else [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    return {"axis": data.draw(st.one_of(options))}


def _flatten_range(data, arrays):
    ndim = arrays[0].ndim
    if ndim == 0:
        return {"start_dim": 0, "end_dim": -1}
    start = data.draw(st.integers(0, ndim - 1))
    end = data.draw(st.integers(start, ndim - 1))
    return {"start_dim": data.draw(st.sampled_from([start, start - ndim])),
            "end_dim": data.draw(st.sampled_from([end, end - ndim]))}


def np_flatten(a, start_dim, end_dim):
    if a.ndim == 0:
        return a.reshape(1)
    start, end = start_dim % a.ndim, end_dim % a.ndim
    return a.reshape(a.shape[:start] + (-1,) + a.shape[end + 1:]) if a.size else a.reshape(
        a.shape[:start] + (0,) + a.shape[end + 1:])


def _roll_shifts(data, arrays):
    ndim = arrays[0].ndim
    shift = st.integers(-4, 4)
    form = data.draw(st.sampled_from(["flat", "one", "several"] if ndim else ["flat"]))
    if form == "flat":
        return {"shift": data.draw(shift), "axis": None}
    if form == "one":
        return {"shift": data.draw(shift), "axis": data.draw(st.integers(-ndim, ndim - 1))}
    axes = data.draw(hnp.valid_tuple_axes(ndim, min_size=1))
    return {"shift": tuple(data.draw(shift) for _ in axes), "axis": axes}


def _pad_widths(data, ndim):
    width = st.integers(0, 3)
    return data.draw(st.sampled_from(["int", "pair", "per_axis"]).flatmap(lambda form: {
        "int": width,
        "pair": st.tuples(width, width),
        "per_axis": st.tuples(*[st.tuples(width, width)] * ndim)}[form]))


def pad_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    return [array(data, shape)], {"pad_width": _pad_widths(data, len(shape)),
                                  "constant_values": data.draw(st.sampled_from([0, 0.0, -1.5, 2]))}


def pad_copying_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    # reflect may copy one element many times; its gradient then sums the copies
    return [array(data, shape)], {"pad_width": _pad_widths(data, len(shape)),
                                  "mode": data.draw(st.sampled_from(["reflect", "symmetric", "edge", "wrap"]))}


def repeat_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    length = int(np.prod(shape)) if axis is None else shape[axis]
    repeats = data.draw(st.integers(0, 3) | st.lists(st.integers(0, 3), min_size=length, max_size=length))
    return [array(data, shape)], {"repeats": repeats, "axis": axis}


def tile_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    reps = data.draw(st.integers(1, 3) | st.lists(st.integers(1, 3), max_size=3).map(tuple))
    return [array(data, shape)], {"reps": reps}


def split_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    length = shape[axis]
    divisors = [n for n in range(1, length + 1) if length % n == 0]
    sections = data.draw(st.sampled_from(divisors) | st.lists(st.integers(-length, length + 1), max_size=3))
    return [array(data, shape)], {"indices_or_sections": sections, "axis": axis}


def chunk_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    return [array(data, shape)], {"chunks": data.draw(st.integers(1, 6)), "dim": dim}


def weighted_pieces(pieces):
    """The pieces joined again, each scaled by its position: every piece gets its own gradient."""
    return [piece * (k + 1) for k, piece in enumerate(pieces)]


def np_chunk(a, chunks, dim):
    size = -(-a.shape[dim] // chunks)
    return np.split(a, range(size, a.shape[dim], size), axis=dim)


def take_along_axis_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    axis = data.draw(st.sampled_from([None, *range(-len(shape), len(shape))]))
    if axis is None:
        length, index_shape = int(np.prod(shape)), (data.draw(st.integers(1, 4)),)
    else:
        length = shape[axis]
        index_shape = tuple(data.draw(st.integers(1, 4)) if d == axis % len(shape)
                            else data.draw(st.sampled_from([1, n])) for d, n in enumerate(shape))
    indices = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-length, length - 1)))
    return [array(data, shape)], {"indices": indices, "axis": axis}


def gather_inputs(data, kind):
    """x, dim and an index no larger than x except along dim (values may repeat)."""
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = tuple(data.draw(st.integers(1, 4 if d == dim % len(shape) else n))
                        for d, n in enumerate(shape))
    index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[dim] - 1)))
    return [array(data, shape)], {"dim": dim, "index": index}


def np_gather(x, dim, index):
    cropped = tuple(slice(None) if d == dim % x.ndim else slice(0, n) for d, n in enumerate(index.shape))
    return np.take_along_axis(x[cropped], index, axis=dim)


def index_select_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index = data.draw(hnp.arrays(np.int64, (data.draw(st.integers(1, 4)),),
                                 elements=st.integers(0, shape[dim] - 1)))
    return [array(data, shape)], {"dim": dim, "index": index}


def _broadcastable_to(data, shape):
    """`shape` with some dimensions set to 1 and some leading ones dropped."""
    kept = tuple(n if data.draw(st.booleans()) else 1 for n in shape)
    return kept[data.draw(st.integers(0, len(kept))):]


def index_put_inputs(data, kind, accumulate=False):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    if accumulate:  # integer arrays, positions may repeat
        index = data.draw(hnp.integer_array_indices(shape)) if shape else ()
    else:
        index = data.draw(hnp.basic_indices(shape) | hnp.arrays(bool, shape))
    target = np.empty(shape)[index].shape
    return [array(data, shape), array(data, _broadcastable_to(data, target))], {
        "index": index, "accumulate": accumulate}


def np_index_put(x, values, index, accumulate):
    out = x.copy()
    if accumulate:  # numpy 2.4's add.at misreads values it broadcasts itself
        np.add.at(out, index, np.broadcast_to(values, x[index].shape))
    else:
        out[index] = values
    return out


def scatter_inputs(data, kind, reduce=None):
    """x, src and an index no larger than either (except x along dim); without a reduction,
    no two entries of one line along dim write the same position."""
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = tuple(data.draw(st.integers(1, n)) for n in shape)
    length = shape[dim]
    if reduce is None:
        seed = data.draw(st.integers(0, 2**32 - 1))
        lines = np.random.default_rng(seed).random(index_shape[:dim % len(shape)] + (length,)
                                                   + index_shape[dim % len(shape) + 1:])
        index = np.argsort(lines, axis=dim).take(range(index_shape[dim]), axis=dim)
    else:
        index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, length - 1)))
    src_shape = tuple(n + data.draw(st.integers(0, 1)) for n in index_shape)
    return [array(data, shape), array(data, src_shape)], {"dim": dim, "index": index, "reduce": reduce}


def np_scatter(x, src, dim, index, reduce):
    out = x.copy()
    positions = tuple(index if d == dim % x.ndim else
                      np.arange(n).reshape((-1,) + (1,) * (index.ndim - d - 1))
                      for d, n in enumerate(index.shape))
    values = src[tuple(slice(0, n) for n in index.shape)]
    if reduce == "add":
        np.add.at(out, positions, np.broadcast_to(values, index.shape))
    else:
        out[positions] = values
    return out


def triangle_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=2))
    return [array(data, shape)], {"k": data.draw(st.integers(-2, 2))}


def _new_shape(data, arrays):
    shape = arrays[0].shape
    return {"shape": data.draw(st.sampled_from([(-1,), shape[::-1], (1,) + shape, shape + (1, -1)]))}


def _two_axes(data, arrays):
    ndim = arrays[0].ndim
    return {"axis1": data.draw(st.integers(0, ndim - 1)), "axis2": data.draw(st.integers(-ndim, ndim - 1))}


def _clip_bounds(data, arrays):
    low, high = data.draw(st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None)]))
    return {"low": low, "high": high}


# ---- convolution and pooling: NHWC shapes of their own, numpy loop references ------------------
IMAGES = ("matrix",)  # conv and pooling rows draw their own (batch, [height,] width, channels) shapes


def np_pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def np_pads(padding, lengths, size, stride, dilation):
    """((before, after), ...) per spatial axis, by the Keras/TensorFlow rules (see the ops' docs)."""
    if padding == "valid":
        return tuple((0, 0) for _ in lengths)
    if padding == "same":
        pads = []
        for length, k, s, d in zip(lengths, size, stride, dilation):
            total = max((-(-length // s) - 1) * s + (k - 1) * d + 1 - length, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    if isinstance(padding, int):
        return tuple((padding, padding) for _ in lengths)
    return tuple(np_pair(p) for p in padding)


def np_conv2d(x, w, stride=1, padding="valid", dilation=1, groups=1):
    """The convolution by its definition, one output cell and channel at a time."""
    (sh, sw), (dh, dw) = np_pair(stride), np_pair(dilation)
    kh, kw, per_group, out_channels = w.shape
    pads = np_pads(padding, x.shape[1:3], (kh, kw), (sh, sw), (dh, dw))
    xp = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    out_h, out_w = ((xp.shape[1] - (kh - 1) * dh - 1) // sh + 1, (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1)
    out = np.zeros((x.shape[0], out_h, out_w, out_channels))
    for i in range(out_h):
        for j in range(out_w):
            for o in range(out_channels):
                g = o // (out_channels // groups)
                patch = xp[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                           g * per_group:(g + 1) * per_group]
                out[:, i, j, o] = np.sum(patch * w[..., o], axis=(1, 2, 3))
    return out


def np_conv1d(x, w, stride=1, padding="valid", dilation=1, groups=1):
    if not isinstance(padding, str):
        padding = ((0, 0), np_pair(padding))
    return np_conv2d(x[:, None], w[None], (1, stride), padding, (1, dilation), groups)[:, 0]


def np_conv_transpose2d(z, w, stride=1, padding="valid", output_padding=None, dilation=1, groups=1):
    """Each input cell adds z * kernel into its window of the output (Keras's Conv2DTranspose
    lengths; "same" pads as TensorFlow's conv2d of the output would)."""
    (sh, sw), (dh, dw) = np_pair(stride), np_pair(dilation)
    kh, kw, per_group, in_channels = w.shape
    lengths, pads = [], []
    for length, k, s, d, extra in zip(z.shape[1:3], (kh, kw), (sh, sw), (dh, dw),
                                      (None, None) if output_padding is None else np_pair(output_padding)):
        span = (k - 1) * d + 1
        if extra is None:
            full = length * s + (0 if padding == "same" else max(span - s, 0))
        else:
            full = (length - 1) * s + span - (2 * (span // 2) if padding == "same" else 0) + extra
        total = max((length - 1) * s + span - full, 0) if padding == "same" else 0
        lengths.append(full)
        pads.append(total // 2)
    big = np.zeros((z.shape[0], pads[0] + lengths[0] + (kh - 1) * dh + sh * z.shape[1],
                    pads[1] + lengths[1] + (kw - 1) * dw + sw * z.shape[2], per_group * groups))
    for i in range(z.shape[1]):
        for j in range(z.shape[2]):
            for o in range(in_channels):
                g = o // (in_channels // groups)
                big[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                    g * per_group:(g + 1) * per_group] += z[:, i, j, o, None, None, None] * w[..., o]
    return big[:, pads[0]:pads[0] + lengths[0], pads[1]:pads[1] + lengths[1]]


def np_pool2d(x, pool_size, stride=None, padding="valid", reduce=np.max):
    """Each window clipped to the real input (so "same" padding never counts), then reduced."""
    size = np_pair(pool_size)
    stride = size if stride is None else np_pair(stride)
    pads = np_pads(padding, x.shape[1:3], size, stride, (1, 1))
    out_h, out_w = ((x.shape[a + 1] + sum(pads[a]) - size[a]) // stride[a] + 1 for a in (0, 1))
    out = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride[0] - pads[0][0], j * stride[1] - pads[1][0]
            window = x[:, max(top, 0):top + size[0], max(left, 0):left + size[1]]
            out[:, i, j] = reduce(window, axis=(1, 2))
    return out


def np_pool1d(x, pool_size, stride=None, padding="valid", reduce=np.max):
    return np_pool2d(x[:, None], (1, pool_size), None if stride is None else (1, stride), padding, reduce)[:, 0]


def conv_inputs(rank, strides=(1,), paddings=("valid",), dilations=(1,), groups=(1,)) -> Draw:
    """x (batch 1-2, 3-5 cells per spatial axis, 1-3 channels) and a kernel of 1-3 cells per axis."""
    def draw(data, kind):
        group_count = data.draw(st.sampled_from(groups))
        per_in = data.draw(st.integers(1, 3 // group_count))
        per_out = data.draw(st.integers(1, 2))
        stride, padding, dilation = (data.draw(st.sampled_from(options))
                                     for options in (strides, paddings, dilations))
        size = tuple(data.draw(st.integers(1, 3)) for _ in range(rank))
        spans = [(k - 1) * d + 1 for k, d in zip(size, np_pair(dilation) if rank == 2 else (dilation,))]
        lengths = tuple(data.draw(st.integers(max(3, span), max(5, span))) for span in spans)
        x = array(data, (data.draw(st.integers(1, 2)),) + lengths + (group_count * per_in,))
        w = array(data, size + (per_in, group_count * per_out))
        return [x, w], {"stride": stride, "padding": padding, "dilation": dilation, "groups": group_count}
    return draw


def conv_transpose_inputs(data, kind):
    group_count = data.draw(st.sampled_from([1, 1, 2]))
    per_out, per_in = data.draw(st.integers(1, 3 // group_count)), data.draw(st.integers(1, 2))
    stride = data.draw(st.sampled_from([1, 2, (2, 1), 3]))
    padding, dilation = data.draw(st.sampled_from(["valid", "same"])), data.draw(st.sampled_from([1, 1, 2]))
    size = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    output_padding = data.draw(st.none() | st.tuples(*(st.integers(0, s - 1) for s in np_pair(stride))))
    if padding == "same" and any(((k - 1) * dilation + 1) % 2 == 0 for k in size):
        output_padding = None  # Keras's "same" lengths with output_padding need odd kernels
    z = array(data, (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)),
                     group_count * per_in))
    w = array(data, size + (per_out, group_count * per_in))
    return [z, w], {"stride": stride, "padding": padding, "output_padding": output_padding,
                    "dilation": dilation, "groups": group_count}


def pool_inputs(rank, paddings=("valid",), distinct=False) -> Draw:
    """x (batch 1-2, 3-6 cells per spatial axis, 1-3 channels); with `distinct`, values 0.1 apart
    so no window has a tie for its maximum."""
    def draw(data, kind):
        shape = ((data.draw(st.integers(1, 2)),) + tuple(data.draw(st.integers(3, 6)) for _ in range(rank))
                 + (data.draw(st.integers(1, 3)),))
        if distinct:
            order = np.array(data.draw(st.permutations(range(int(np.prod(shape))))), dtype=np.float64)
            x = ((order - order.size / 2) * 0.1 + 0.05).reshape(shape)
        else:
            x = array(data, shape)
        sizes = st.integers(1, 3)
        if rank == 2:
            sizes = sizes | st.tuples(st.integers(1, 3), st.integers(1, 3))
        params = {"pool_size": data.draw(sizes), "stride": data.draw(st.none() | sizes),
                  "padding": data.draw(st.sampled_from(paddings))}
        return [x], params
    return draw


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
    OpCase("square", ag.square, np.square, elementwise("real")),
    OpCase("square_method", lambda a: a.square(), np.square, elementwise("real")),
    OpCase("reciprocal", ag.reciprocal, np.reciprocal, elementwise("nonzero")),
    OpCase("softsign", ag.softsign, lambda a: a / (1 + np.abs(a)), elementwise("off_grid")),
    OpCase("log1p", ag.log1p, np.log1p, elementwise("above_minus_one")),
    OpCase("expm1", ag.expm1, np.expm1, elementwise("real")),
    OpCase("log2", ag.log2, np.log2, elementwise("positive")),
    OpCase("log10", ag.log10, np.log10, elementwise("positive")),
    OpCase("erf", ag.erf, np_erf, elementwise("real")),
    OpCase("softplus", ag.softplus, lambda a: np.logaddexp(0.0, a), elementwise("wide")),
    # trigonometric and hyperbolic
    OpCase("sin", ag.sin, np.sin, elementwise("real")),
    OpCase("cos", ag.cos, np.cos, elementwise("real")),
    OpCase("cos_method", lambda a: a.cos(), np.cos, elementwise("real")),
    OpCase("tan", ag.tan, np.tan, elementwise("inside_unit")),
    OpCase("arcsin", ag.arcsin, np.arcsin, elementwise("inside_unit")),
    OpCase("arccos", ag.arccos, np.arccos, elementwise("inside_unit")),
    OpCase("arctan", ag.arctan, np.arctan, elementwise("real")),
    OpCase("sinh", ag.sinh, np.sinh, elementwise("real")),
    OpCase("cosh", ag.cosh, np.cosh, elementwise("real")),
    # matrix products
    OpCase("matmul", lambda a, b: a @ b, np.matmul, matmul_inputs),
    OpCase("linear", ag.linear, lambda x, w, b: x @ w + b, linear_inputs, kinds=("matrix",)),
    OpCase("linear_no_bias", ag.linear, lambda x, w: x @ w,
           lambda data, kind: (linear_inputs(data, kind)[0][:2], {}), kinds=("matrix",)),
    # linear algebra
    OpCase("einsum", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "scalar": ["->", ",->", ",i->i"],
               "vector": ["i->", "i,i->", "i,j->ij", "i,i->i", "i->i"],
               "matrix": ["ij->ji", "ij,jk->ik", "ij,ij->", "ij->j", "ij,j->i", "ij,jk,kl->il", "ijk,kj->i"],
               "broadcast": ["...ij,...jk->...ik", "...i,...i->...", "i...->...", "...->...", "...,...",
                             "...ii->...i"]})),
    OpCase("einsum_implicit", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "vector": ["i", "i,i", "i,j", "j,i"],
               "matrix": ["ij,jk", "ji", "ij,ij", "ba,ca", "aB,c"]}), kinds=("vector", "matrix")),
    OpCase("einsum_diagonal", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "matrix": ["ii->i", "ii->", "ii", "iij->ji", "iii->i", "ii,i->i", "ij,ii->j"]}),
           kinds=("matrix",)),
    OpCase("tensordot", ag.tensordot, np.tensordot, tensordot_inputs, kinds=("matrix",)),
    OpCase("outer", ag.outer, np.outer, elementwise("real", "real")),
    OpCase("dot", ag.dot, np.dot, dot_inputs),
    OpCase("inv", ag.inv, np.linalg.inv, square_inputs, kinds=("matrix", "broadcast")),
    OpCase("det", ag.det, np.linalg.det, square_inputs, kinds=("matrix", "broadcast")),
    OpCase("solve", ag.solve, np.linalg.solve, solve_inputs, kinds=("vector", "matrix", "broadcast")),
    # reductions
    OpCase("sum", ag.sum, np.sum, elementwise("real", params=reduction_axes)),
    OpCase("mean", ag.mean, np.mean, elementwise("real", params=reduction_axes)),
    OpCase("var", ag.var, np.var, elementwise("real", params=reduction_axes)),
    OpCase("max", ag.max, np.max, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("min", ag.min, np.min, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("sum_method", lambda a, axis, keepdims: a.sum(axis, keepdims), np.sum,
           elementwise("real", params=reduction_axes)),
    OpCase("mean_torch_names", lambda a, axis, keepdims: a.mean(dim=axis, keepdim=keepdims), np.mean,
           elementwise("real", params=reduction_axes)),
    OpCase("prod", ag.prod, np.prod, elementwise("nonzero", params=reduction_axes)),
    OpCase("prod_with_zeros", ag.prod, np.prod, elementwise("with_zeros", params=reduction_axes)),
    OpCase("cumsum", ag.cumsum, np.cumsum, elementwise("real", params=optional_axis)),
    OpCase("cumsum_method", lambda a, axis: a.cumsum(dim=axis), np.cumsum,
           elementwise("real", params=optional_axis)),
    # distinct values: a slice of equal values is std's kink (where its gradient is 0)
    OpCase("std", ag.std, np.std, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("std_torch_names", lambda a, axis, keepdims: a.std(dim=axis, keepdim=keepdims), np.std,
           elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("norm", ag.norm, np_euclidean_norm, elementwise("nonzero", params=reduction_axes)),
    OpCase("norm_vector", ag.norm, np.linalg.norm, vector_norm_inputs, kinds=NOT_SCALAR),
    OpCase("norm_matrix", ag.norm, np.linalg.norm, matrix_norm_inputs, kinds=("matrix", "broadcast")),
    # softmax family
    OpCase("logsumexp", ag.logsumexp, np_logsumexp, elementwise("wide", params=reduction_axes)),
    OpCase("softmax", ag.softmax, lambda a, axis: np.exp(np_log_softmax(a, axis)),
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("log_softmax", ag.log_softmax, np_log_softmax,
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("softmax_cross_entropy", ag.softmax_cross_entropy, np_softmax_cross_entropy,
           softmax_cross_entropy_inputs, kinds=("matrix",)),
    # recurrent
    OpCase("lstm_cell", ag.lstm_cell, np_lstm_cell, lstm_cell_inputs, kinds=("matrix",)),
    # shapes
    OpCase("reshape", ag.reshape, np.reshape, elementwise("real", params=_new_shape)),
    OpCase("transpose", ag.transpose, np.transpose, elementwise("real", params=_permutation)),
    OpCase("T", lambda a: a.T, lambda a: a.T, elementwise("real")),
    OpCase("permute", lambda a, dims: ag.permute(a, *dims), lambda a, dims: np.transpose(a, dims),
           elementwise("real", params=_dims)),
    OpCase("permute_method", lambda a, dims: a.permute(dims), lambda a, dims: np.transpose(a, dims),
           elementwise("real", params=_dims)),
    OpCase("swapaxes", ag.swapaxes, np.swapaxes, elementwise("real", min_dims=1, params=_two_axes),
           kinds=NOT_SCALAR),
    OpCase("squeeze", ag.squeeze, np.squeeze, squeeze_inputs),
    OpCase("expand_dims", ag.expand_dims, np.expand_dims, elementwise(
        "real", params=lambda d, a: {"axis": d.draw(st.integers(-a[0].ndim - 1, a[0].ndim))})),
    OpCase("unsqueeze", ag.unsqueeze, lambda a, dim: np.expand_dims(a, dim), elementwise(
        "real", params=lambda d, a: {"dim": d.draw(st.integers(-a[0].ndim - 1, a[0].ndim))})),
    OpCase("flatten", ag.flatten, np_flatten, elementwise("real", params=_flatten_range)),
    OpCase("broadcast_to", ag.broadcast_to, np.broadcast_to, broadcast_to_inputs),
    OpCase("tile", ag.tile, np.tile, tile_inputs),
    OpCase("getitem_basic", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.basic_indices(s, allow_newaxis=True))),
    OpCase("getitem_integer_arrays", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.integer_array_indices(s), min_dims=1), kinds=NOT_SCALAR),
    OpCase("getitem_mask", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.arrays(bool, s))),
    OpCase("take_along_axis", ag.take_along_axis, np.take_along_axis, take_along_axis_inputs,
           kinds=NOT_SCALAR),
    OpCase("gather", ag.gather, np_gather, gather_inputs, kinds=NOT_SCALAR),
    OpCase("index_select", ag.index_select, lambda a, dim, index: np.take(a, index, axis=dim),
           index_select_inputs, kinds=NOT_SCALAR),
    OpCase("index_put", lambda x, values, **params: ag.index_put(x, values=values, **params), np_index_put,
           index_put_inputs),
    OpCase("index_put_accumulate", lambda x, values, **params: ag.index_put(x, values=values, **params),
           np_index_put,
           lambda data, kind: index_put_inputs(data, kind, accumulate=True), kinds=NOT_SCALAR),
    OpCase("scatter", lambda x, src, **params: ag.scatter(x, src=src, **params), np_scatter, scatter_inputs,
           kinds=NOT_SCALAR),
    OpCase("scatter_reduce_add", lambda x, src, **params: ag.scatter(x, src=src, **params), np_scatter,
           lambda data, kind: scatter_inputs(data, kind, reduce="add"), kinds=NOT_SCALAR),
    OpCase("tril", ag.tril, np.tril, triangle_inputs, kinds=("matrix", "broadcast")),
    OpCase("triu", ag.triu, np.triu, triangle_inputs, kinds=("matrix", "broadcast")),
    OpCase("concatenate", lambda *ts, axis: ag.concatenate(ts, axis=axis),
           lambda *arrays, axis: np.concatenate(arrays, axis=axis), concatenate_inputs, kinds=NOT_SCALAR),
    # a cast to the input's own dtype here; casts between dtypes are tested in test_ops.py
    OpCase("astype", lambda a: ag.astype(a, a.dtype), lambda a: a.copy(), elementwise("real")),
    OpCase("stack", lambda *ts, axis: ag.stack(ts, axis=axis),
           lambda *arrays, axis: np.stack(arrays, axis=axis), stack_inputs),
    # pieces come back as a list: joined again, each scaled by its position
    OpCase("split", lambda a, indices_or_sections, axis: ag.concatenate(
        weighted_pieces(ag.split(a, indices_or_sections, axis)), axis),
           lambda a, indices_or_sections, axis: np.concatenate(
        weighted_pieces(np.split(a, indices_or_sections, axis)), axis), split_inputs, kinds=NOT_SCALAR),
    OpCase("chunk", lambda a, chunks, dim: ag.concatenate(weighted_pieces(ag.chunk(a, chunks, dim)), dim),
           lambda a, chunks, dim: np.concatenate(weighted_pieces(np_chunk(a, chunks, dim)), dim),
           chunk_inputs, kinds=NOT_SCALAR),
    OpCase("flip", ag.flip, np.flip, elementwise("real", params=_axes_or_none)),
    OpCase("roll", ag.roll, np.roll, elementwise("real", params=_roll_shifts)),
    OpCase("pad", ag.pad, np.pad, pad_inputs, kinds=NOT_SCALAR),
    OpCase("pad_copying", ag.pad, np.pad, pad_copying_inputs, kinds=NOT_SCALAR),
    OpCase("repeat", ag.repeat, np.repeat, repeat_inputs),
    # convolution and pooling, channels last
    OpCase("conv2d", ag.conv2d, np_conv2d, conv_inputs(2, strides=(1, 2, (2, 1)), paddings=("valid", "same")),
           kinds=IMAGES),
    OpCase("conv2d_dilated", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=("valid", "same"), dilations=(2, (1, 2))), kinds=IMAGES),
    OpCase("conv2d_explicit_padding", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=(1, (0, 2), ((1, 0), (2, 1)))), kinds=IMAGES),
    OpCase("conv2d_groups", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=("valid", "same"), groups=(2, 3)), kinds=IMAGES),
    OpCase("conv1d", ag.conv1d, np_conv1d, conv_inputs(1, strides=(1, 2), paddings=("valid", "same", 1, (2, 0)),
                                                        dilations=(1, 2), groups=(1, 2, 3)), kinds=IMAGES),
    OpCase("conv_transpose2d", ag.conv_transpose2d, np_conv_transpose2d, conv_transpose_inputs, kinds=IMAGES),
    OpCase("max_pool2d", ag.max_pool2d, np_pool2d, pool_inputs(2, ("valid", "same"), distinct=True), kinds=IMAGES),
    OpCase("max_pool1d", ag.max_pool1d, np_pool1d, pool_inputs(1, ("valid", "same"), distinct=True), kinds=IMAGES),
    OpCase("avg_pool2d", ag.avg_pool2d, lambda x, **p: np_pool2d(x, **p, reduce=np.mean),
           pool_inputs(2, ("valid", "same")), kinds=IMAGES),
    OpCase("avg_pool1d", ag.avg_pool1d, lambda x, **p: np_pool1d(x, **p, reduce=np.mean),
           pool_inputs(1, ("valid", "same")), kinds=IMAGES),
    # memory
    OpCase("clone", ag.clone, lambda a: a.copy(), elementwise("real")),
    OpCase("clone_method", lambda a: a.clone(), lambda a: a.copy(), elementwise("real")),
]


@pytest.fixture
def op_table() -> list[OpCase]:
    """The whole table, for tests about the table itself."""
    return CASES


@pytest.fixture
def ops_without_gradient() -> frozenset[str]:
    """The exported ops the table leaves out because they record nothing."""
    return WITHOUT_GRADIENT


def pytest_generate_tests(metafunc) -> None:
    """Run tests that take `op_case` (and `shape_kind`) once per table row (and kind)."""
    if "op_case" not in metafunc.fixturenames:
        return
    if "shape_kind" in metafunc.fixturenames:
        rows = [(case, kind) for case in CASES for kind in case.kinds]
        metafunc.parametrize(("op_case", "shape_kind"), rows, ids=[f"{c.name}-{k}" for c, k in rows])
    else:
        metafunc.parametrize("op_case", CASES, ids=[c.name for c in CASES])
