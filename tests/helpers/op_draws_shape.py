"""Inputs and parameters for the op table's shape rows: axes, permutations, target shapes,
widths and sections for reshape, transpose, squeeze, flatten, pad, split and the rest."""
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from op_case import array, shapes_of_kind


def new_shape(data, arrays):
    shape = arrays[0].shape
    return {"shape": data.draw(st.sampled_from([(-1,), shape[::-1], (1,) + shape, shape + (1, -1)]))}


def transpose_axes(data, arrays):
    """None, or every axis once, each written either counting from the front or from the end."""
    ndim = arrays[0].ndim
    order = data.draw(st.none() | st.permutations(range(ndim)))
    if order is None:
        return {"axes": None}
    return {"axes": tuple(data.draw(st.sampled_from([i, i - ndim])) for i in order)}


def permute_dims(data, arrays):
    return {"dims": transpose_axes(data, arrays)["axes"] or tuple(range(arrays[0].ndim))[::-1]}


def two_axes(data, arrays):
    ndim = arrays[0].ndim
    return {"axis1": data.draw(st.integers(0, ndim - 1)), "axis2": data.draw(st.integers(-ndim, ndim - 1))}


def squeeze_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    position = data.draw(st.integers(0, len(shape)))
    shape = shape[:position] + (1,) + shape[position:]
    axis = data.draw(st.sampled_from([None, position, position - len(shape)]))
    return [array(data, shape)], {"axis": axis}


def flatten_range(data, arrays):
    ndim = arrays[0].ndim
    if ndim == 0:
        return {"start_dim": 0, "end_dim": -1}
    start = data.draw(st.integers(0, ndim - 1))
    end = data.draw(st.integers(start, ndim - 1))
    return {"start_dim": data.draw(st.sampled_from([start, start - ndim])),
            "end_dim": data.draw(st.sampled_from([end, end - ndim]))}


def broadcast_to_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    leading = data.draw(st.lists(st.integers(1, 3), max_size=2))
    target = tuple(leading) + tuple(data.draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    return [array(data, shape)], {"shape": target}


def tile_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    reps = data.draw(st.integers(1, 3) | st.lists(st.integers(1, 3), max_size=3).map(tuple))
    return [array(data, shape)], {"reps": reps}


def repeat_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    length = int(np.prod(shape)) if axis is None else shape[axis]
    repeats = data.draw(st.integers(0, 3) | st.lists(st.integers(0, 3), min_size=length, max_size=length))
    return [array(data, shape)], {"repeats": repeats, "axis": axis}


def concatenate_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    arrays = []
    for _ in range(3):
        piece = list(shape)
        piece[axis] = data.draw(st.integers(1, 3))
        arrays.append(array(data, tuple(piece)))
    return arrays, {"axis": axis}


def stack_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    return [array(data, shape) for _ in range(3)], {"axis": axis}


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


def axes_or_none(data, arrays):
    """None, one axis (negative allowed) or a tuple of distinct axes."""
    ndim = arrays[0].ndim
    options = [st.none(), hnp.valid_tuple_axes(ndim, min_size=1)] if ndim else [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    return {"axis": data.draw(st.one_of(options))}


def roll_shifts(data, arrays):
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


def triangle_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=2))
    return [array(data, shape)], {"k": data.draw(st.integers(-2, 2))}
