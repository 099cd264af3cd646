"""Recurrent layers without Keras: output shapes and parameter counts, float64 gradchecks
(backprop through time is the engine's), what masks and go_backwards mean, dropout, errors."""
import numpy as np
import pytest

import autograd as ag
from nn.layers import (GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell)

BATCH, STEPS, FEATURES, UNITS = 2, 4, 3, 2


def sequences(seed: int = 0, dtype=np.float32) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((BATCH, STEPS, FEATURES)).astype(dtype)


MASK = np.array([[True, True, False, False], [False, True, False, True]])


# ---- contracts: shapes, parameter counts, weights --------------------------------------------------
@pytest.mark.parametrize("layer, params", [
    (SimpleRNN(5), 8 * 5 + 5 * 5 + 5),
    (LSTM(5), 4 * (8 * 5 + 5 * 5 + 5)),
    (LSTM(5, use_bias=False), 4 * (8 * 5 + 5 * 5)),
    (GRU(5), 3 * (8 * 5 + 5 * 5) + 2 * 3 * 5),
    (GRU(5, reset_after=False), 3 * (8 * 5 + 5 * 5 + 5)),
    (Bidirectional(LSTM(5)), 2 * 4 * (8 * 5 + 5 * 5 + 5)),
    (RNN(GRUCell(5)), 3 * (8 * 5 + 5 * 5) + 2 * 3 * 5),
], ids=lambda v: type(v).__name__ if not isinstance(v, int) else str(v))
def test_parameter_counts(layer, params):
    layer(np.zeros((2, 7, 8), dtype=np.float32))
    assert layer.count_params() == params


def test_lstm_weights_have_keras_shapes_names_and_forget_bias():
    layer = LSTM(5, name="encoder")
    layer(np.zeros((2, 7, 8), dtype=np.float32))
    assert [w.shape for w in layer.weights] == [(8, 20), (5, 20), (20,)]
    assert [w.name for w in layer.weights] == ["encoder/lstm_cell/kernel", "encoder/lstm_cell/recurrent_kernel",
                                               "encoder/lstm_cell/bias"]
    np.testing.assert_array_equal(layer.cell.bias.data, [0] * 5 + [1] * 5 + [0] * 10)  # unit_forget_bias
    recurrent = layer.cell.recurrent_kernel.data[:, :5]  # orthogonal blocks of the (5, 20) matrix
    np.testing.assert_allclose(layer.cell.recurrent_kernel.data @ layer.cell.recurrent_kernel.data.T, np.eye(5),
                               atol=1e-5)
    assert recurrent.shape == (5, 5)


@pytest.mark.parametrize("options, shape", [
    ({}, (2, 5)),
    ({"return_sequences": True}, (2, 7, 5)),
    ({"return_state": True}, [(2, 5), (2, 5), (2, 5)]),
    ({"return_sequences": True, "return_state": True}, [(2, 7, 5), (2, 5), (2, 5)]),
], ids=str)
def test_lstm_output_shapes(options, shape):
    layer = LSTM(5, **options)
    out = layer(np.zeros((2, 7, 8), dtype=np.float32))
    got = [o.shape for o in out] if isinstance(out, tuple) else out.shape
    assert got == shape
    expected = [(None, *s[1:]) for s in shape] if isinstance(shape, list) else (None, *shape[1:])
    assert layer.compute_output_shape((None, 7, 8)) == expected


@pytest.mark.parametrize("merge_mode, units", [("concat", 10), ("sum", 5), ("ave", 5), ("mul", 5)])
def test_bidirectional_output_shapes(merge_mode, units):
    layer = Bidirectional(GRU(5, return_sequences=True), merge_mode=merge_mode)
    assert layer(np.zeros((2, 7, 8), dtype=np.float32)).shape == (2, 7, units)
    assert layer.compute_output_shape((None, 7, 8)) == (None, 7, units)


# ---- gradients: float64 central differences through inputs and every weight --------------------------
def cell_weights(layer):
    names = ("kernel", "recurrent_kernel", "bias")
    return [(layer.cell, name) for name in names if getattr(layer.cell, name) is not None]


GRADCHECK_CASES = [
    (lambda: SimpleRNN(UNITS, return_sequences=True), {}),
    (lambda: LSTM(UNITS, return_state=True), {}),
    (lambda: LSTM(UNITS, return_sequences=True, go_backwards=True), {"mask": MASK}),
    (lambda: LSTM(UNITS, activation="relu"), {"mask": MASK}),  # the composition path
    (lambda: GRU(UNITS, return_sequences=True), {"mask": MASK}),
    (lambda: GRU(UNITS, reset_after=False, go_backwards=True), {}),
    (lambda: RNN(LSTMCell(UNITS), return_sequences=True), {}),
]


@pytest.mark.parametrize("make, call", GRADCHECK_CASES, ids=lambda v: "" if callable(v) else str(v))
def test_recurrent_gradients_match_central_differences(gradcheck_layer, make, call):
    layer = make()
    x = sequences(dtype=np.float64)
    layer(x)
    assert gradcheck_layer(lambda inputs: layer(inputs, **call), cell_weights(layer), x)


def test_bidirectional_gradients_match_central_differences(gradcheck_layer):
    layer = Bidirectional(LSTM(UNITS, return_sequences=True))
    x = sequences(dtype=np.float64)
    layer(x)
    weights = cell_weights(layer.forward_layer) + cell_weights(layer.backward_layer)
    assert gradcheck_layer(lambda inputs: layer(inputs, mask=MASK), weights, x)


def test_gradients_reach_every_step_through_time():
    x = ag.Tensor(sequences(), requires_grad=True)
    LSTM(UNITS)(x).sum().backward()
    assert (np.abs(x.grad.data).sum(axis=(0, 2)) > 0).all()  # the first step too


# ---- what the options mean ----------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: LSTM(UNITS), lambda: GRU(UNITS), lambda: SimpleRNN(UNITS)])
def test_masked_steps_are_skipped(make):
    """A mask is the same as leaving the padding steps out: right, left, or in the middle."""
    layer = make()
    x = sequences()
    masked = layer(x, mask=MASK).data
    for row in range(BATCH):
        kept = x[row:row + 1, MASK[row]]
        np.testing.assert_allclose(masked[row], layer(kept).data[0], rtol=1e-6)


def test_go_backwards_reads_the_reversed_sequence():
    forward = LSTM(UNITS, return_sequences=True)
    x = sequences()
    forward(x)
    backward = LSTM(UNITS, return_sequences=True, go_backwards=True)
    backward(x)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(backward(x).data, forward(x[:, ::-1]).data, rtol=1e-6)


def test_bidirectional_concat_is_forward_then_flipped_backward():
    layer = Bidirectional(SimpleRNN(UNITS, return_sequences=True))
    x = sequences()
    out = layer(x).data
    np.testing.assert_allclose(out[..., :UNITS], layer.forward_layer(x).data, rtol=1e-6)
    np.testing.assert_allclose(out[..., UNITS:], layer.backward_layer(x).data[:, ::-1], rtol=1e-6)


def test_initial_state_is_where_the_sequence_starts():
    layer = LSTM(UNITS, return_state=True)
    x = sequences()
    _, h, c = layer(x[:, :2])
    whole, _, _ = layer(x)
    continued, _, _ = layer(x[:, 2:], initial_state=[h, c])
    np.testing.assert_allclose(continued.data, whole.data, rtol=1e-6)


def test_dropout_is_random_in_training_only_and_one_mask_per_sequence():
    layer = LSTM(UNITS, dropout=0.5, recurrent_dropout=0.5, seed=3)
    x = sequences()
    inference = layer(x).data
    np.testing.assert_array_equal(layer(x, training=False).data, inference)
    training = layer(x, training=True).data
    assert not np.allclose(training, inference)
    assert not layer.cell._masks  # forgotten at the end of the sequence
    cell = SimpleRNNCell(UNITS, dropout=0.5, seed=0)
    cell.build_for((None, FEATURES))
    steps = [cell.dropped(ag.Tensor(np.ones((BATCH, FEATURES), np.float32)), "dropout", True).data for _ in range(3)]
    np.testing.assert_array_equal(steps[0], steps[2])  # the same mask at every step
    assert set(np.unique(steps[0])) <= {0.0, 2.0}


def test_lstm_with_other_activations_runs_the_composition():
    assert LSTMCell(2).uses_fused_step() and not LSTMCell(2, activation="relu").uses_fused_step()


def test_configs_rebuild_equal_layers():
    for layer in [LSTM(3, return_sequences=True, go_backwards=True, dropout=0.25), GRU(3, reset_after=False),
                  SimpleRNN(3, activation="relu"), RNN(LSTMCell(3), return_state=True),
                  Bidirectional(GRU(3, return_sequences=True), merge_mode="sum")]:
        copy = type(layer).from_config(layer.get_config())
        assert copy.get_config() == layer.get_config()


# ---- errors a learner can act on ----------------------------------------------------------------
def test_stateful_is_refused_with_a_way_out():
    with pytest.raises(ValueError, match="stateful=True .* not supported.*initial_state"):
        LSTM(3, stateful=True)


def test_two_dimensional_input_is_refused_naming_the_shape():
    with pytest.raises(ValueError, match=r"lstm_in.*\(batch, steps, features\).*Embedding"):
        LSTM(3, name="lstm_in")(np.zeros((2, 5), dtype=np.float32))


def test_initial_state_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"initial_state has shapes \[\(2, 4\)\].*\[\(2, 3\), \(2, 3\)\]"):
        LSTM(3)(np.zeros((2, 5, 4), dtype=np.float32), initial_state=[np.zeros((2, 4))])


@pytest.mark.parametrize("make", [lambda: LSTM(0), lambda: GRU(-1), lambda: SimpleRNN(2.5),
                                  lambda: LSTM(3, dropout=1.0)])
def test_bad_arguments_are_refused(make):
    with pytest.raises(ValueError, match="positive integer|dropout"):
        make()


def test_bidirectional_refuses_a_non_recurrent_layer_and_unknown_merge_modes():
    from nn.layers import Dense
    with pytest.raises(ValueError, match="wraps a recurrent layer"):
        Bidirectional(Dense(3))
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        Bidirectional(LSTM(3), merge_mode="max")


def test_the_lstm_layers_fused_loop_equals_its_cell_run_step_by_step():
    """LSTM runs one fused op per step on [h | c]; RNN(LSTMCell) calls the cell: the same numbers,
    dropout masks included (drawn in the same order from the same seed)."""
    x = sequences()
    fused = LSTM(UNITS, return_sequences=True, return_state=True, dropout=0.3, recurrent_dropout=0.3, seed=5)
    stepwise = RNN(LSTMCell(UNITS, dropout=0.3, recurrent_dropout=0.3, seed=5), return_sequences=True,
                   return_state=True)
    fused(x)
    stepwise(x)
    stepwise.set_weights(fused.get_weights())
    for training in (False, True):
        for a, b in zip(fused(x, mask=MASK, training=training), stepwise(x, mask=MASK, training=training)):
            np.testing.assert_allclose(a.data, b.data, rtol=1e-5, atol=1e-6)
