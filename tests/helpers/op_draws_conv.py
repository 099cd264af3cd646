"""Inputs for the op table's convolution and pooling rows: NHWC shapes of their own (batch,
[height,] width, channels), kernels, strides, paddings, dilations and groups."""
import hypothesis.strategies as st
import numpy as np

from conv_references import np_pair
from op_case import Draw, array

IMAGES = ("matrix",)  # conv and pooling rows draw their own (batch, [height,] width, channels) shapes


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
