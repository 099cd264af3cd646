"""Inputs for the op table's indexing rows: indices for getitem, take_along_axis, gather and
index_select, and the targets of index_put and scatter."""
from __future__ import annotations

from typing import Callable

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from op_case import Draw, array, shapes_of_kind


def draw_index(strategy_of_shape: Callable[[tuple], st.SearchStrategy], min_dims: int = 0) -> Draw:
    def draw(data, kind):
        (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims))
        return [array(data, shape)], {"index": data.draw(strategy_of_shape(shape))}
    return draw


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
