"""lstm_cell, the fused LSTM step, equals the composition of ops it replaces: in value, in
gradient and in second derivative (the op table, tests/helpers/op_table.py, checks it against
numpy too)."""
import numpy as np
import pytest

import autograd as ag

BATCH, FEATURES, UNITS = 3, 4, 5


def composed_lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    """The textbook LSTM step, one op at a time (Keras's gate order i, f, c, o)."""
    z = x @ kernel + h @ recurrent_kernel + bias
    i, f, g, o = (z[:, k * UNITS:(k + 1) * UNITS] for k in range(4))
    new_c = ag.sigmoid(f) * c + ag.sigmoid(i) * ag.tanh(g)
    return ag.sigmoid(o) * ag.tanh(new_c), new_c


def fused_lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    state = ag.lstm_cell(x, ag.concatenate([h, c], axis=1),
                         ag.concatenate([kernel, recurrent_kernel, bias.reshape((1, -1))]))
    return state[:, :UNITS], state[:, UNITS:]


def leaves(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    shapes = [(BATCH, FEATURES), (BATCH, UNITS), (BATCH, UNITS), (FEATURES, 4 * UNITS), (UNITS, 4 * UNITS),
              (4 * UNITS,)]
    return [ag.Tensor(rng.standard_normal(s), requires_grad=True, dtype=dtype) for s in shapes]


def weighted(outputs, seed=1):
    rng = np.random.default_rng(seed)
    return sum(ag.sum(out * rng.standard_normal(out.shape)) for out in outputs)


def test_fused_step_equals_the_composition_in_value_and_gradient():
    inputs = leaves()
    fused, composed = fused_lstm_step(*inputs), composed_lstm_step(*inputs)
    for a, b in zip(fused, composed):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-14)
    for a, b in zip(ag.grad(weighted(fused), inputs), ag.grad(weighted(composed), inputs)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-13)


def test_fused_step_second_derivatives_equal_the_composition():
    inputs = leaves(2)
    hessian_vector = []
    for step in (fused_lstm_step, composed_lstm_step):
        grads = ag.grad(weighted(step(*inputs)), inputs, create_graph=True)
        hessian_vector.append(ag.grad(sum(ag.sum(g * g) for g in grads), inputs))
    for a, b in zip(*hessian_vector):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-9, atol=1e-12)
    assert max(np.abs(g.data).max() for g in hessian_vector[0]) > 1e-3


def test_fused_step_without_bias_row():
    x, h, c, kernel, recurrent_kernel, bias = leaves(3)
    no_bias = ag.lstm_cell(x, ag.concatenate([h, c], axis=1), ag.concatenate([kernel, recurrent_kernel]))
    zero_bias = composed_lstm_step(x, h, c, kernel, recurrent_kernel, bias * 0.0)
    np.testing.assert_allclose(no_bias.data, ag.concatenate(list(zero_bias), axis=1).data, rtol=1e-12, atol=1e-14)


def test_fused_step_keeps_float32_and_saturated_gates_finite():
    x, h, c, kernel, recurrent_kernel, bias = leaves(4, dtype=np.float32)
    big = ag.Tensor(kernel.data * 1e4, requires_grad=True)
    new_h, new_c = fused_lstm_step(x, h, c, big, recurrent_kernel, bias)
    assert new_h.dtype == new_c.dtype == np.float32
    weighted([new_h, new_c]).backward()
    assert np.isfinite(big.grad.data).all() and big.grad.dtype == np.float32


def test_fused_step_shape_error_names_every_shape():
    x, h, c, kernel, recurrent_kernel, _ = leaves()
    with pytest.raises(ValueError, match=r"lstm_cell: shapes do not fit.*\(features \+ units \+ 1, 4 units\)"):
        ag.lstm_cell(x, ag.concatenate([h, c], axis=1), kernel)
