"""Inputs for the fused ops networks are built from: softmax_cross_entropy (logits and integer
labels) and lstm_cell (x, the state [h | c] and the stacked weights)."""
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from op_case import array


def softmax_cross_entropy_inputs(data, kind):
    rows, classes = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    labels = data.draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, classes - 1)))
    return [array(data, (rows, classes), "wide")], {"labels": labels}


def lstm_cell_inputs(data, kind):
    """x (batch, features), the state [h | c] (batch, 2 units), and the weights stacked as
    lstm_cell takes them: (features + units [+ 1 bias row], 4 units)."""
    batch, features, units = (data.draw(st.integers(1, 3)) for _ in range(3))
    rows = features + units + data.draw(st.sampled_from([0, 1]))
    return [array(data, (batch, features)), array(data, (batch, 2 * units)), array(data, (rows, 4 * units))], {}
