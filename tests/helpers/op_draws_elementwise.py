"""Inputs for the op table's elementwise rows that need more than values from a domain:
where's condition and clip's bounds."""
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from op_case import array, shapes_of_kind


def where_inputs(data, kind):
    shapes = data.draw(shapes_of_kind(kind, 2))
    condition = data.draw(hnp.arrays(bool, np.broadcast_shapes(*shapes)))
    return [array(data, s) for s in shapes], {"condition": condition}


def clip_bounds(data, arrays):
    low, high = data.draw(st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None)]))
    return {"low": low, "high": high}
