"""Recurrent layers against Keras 3 (torch backend): the same weights give the same outputs and
the same gradients, for every layer and its main options (masks, states, direction, biases)."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

BATCH, STEPS, FEATURES, UNITS = 3, 5, 4, 6


def sequences(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((BATCH, STEPS, FEATURES)).astype(np.float32)


def padding_mask() -> np.ndarray:
    """Right padding, left padding, and a hole in the middle (a masked step between kept ones)."""
    return np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 1, 0]], dtype=bool)


LSTM_OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"go_backwards": True},
    {"go_backwards": True, "return_sequences": True, "return_state": True},
    {"use_bias": False},
    {"unit_forget_bias": False, "bias_initializer": "random_normal"},
    {"activation": "relu", "recurrent_activation": "hard_sigmoid"},  # the composition, not the fused op
]


@pytest.mark.parametrize("options", LSTM_OPTIONS, ids=str)
def test_lstm_matches_keras(same_as_keras, options):
    same_as_keras(nn.layers.LSTM(UNITS, **options), keras.layers.LSTM(UNITS, **options), [sequences()])


@pytest.mark.parametrize("options", [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True}],
                         ids=str)
def test_lstm_skips_masked_steps_as_keras_does(same_as_keras, options):
    same_as_keras(nn.layers.LSTM(UNITS, **options), keras.layers.LSTM(UNITS, **options), [sequences()],
                  mask=padding_mask())


def test_lstm_from_an_initial_state_matches_keras(same_as_keras):
    rng = np.random.default_rng(1)
    h0, c0 = (rng.standard_normal((BATCH, UNITS)).astype(np.float32) for _ in range(2))
    same_as_keras(nn.layers.LSTM(UNITS, return_state=True), keras.layers.LSTM(UNITS, return_state=True),
                  [sequences()], initial_state=[h0, c0], mask=padding_mask())


GRU_OPTIONS = [
    {},
    {"reset_after": False},
    {"return_sequences": True, "return_state": True},
    {"go_backwards": True, "reset_after": False, "return_sequences": True},
    {"use_bias": False},
    {"use_bias": False, "reset_after": False},
    {"bias_initializer": "random_normal"},
]


@pytest.mark.parametrize("options", GRU_OPTIONS, ids=str)
def test_gru_matches_keras(same_as_keras, options):
    same_as_keras(nn.layers.GRU(UNITS, **options), keras.layers.GRU(UNITS, **options), [sequences()])


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_skips_masked_steps_as_keras_does(same_as_keras, reset_after):
    same_as_keras(nn.layers.GRU(UNITS, reset_after=reset_after, return_sequences=True),
                  keras.layers.GRU(UNITS, reset_after=reset_after, return_sequences=True), [sequences()],
                  mask=padding_mask())


SIMPLE_RNN_OPTIONS = [{}, {"activation": "relu"}, {"return_sequences": True, "go_backwards": True},
                      {"return_state": True, "use_bias": False}]


@pytest.mark.parametrize("options", SIMPLE_RNN_OPTIONS, ids=str)
def test_simple_rnn_matches_keras(same_as_keras, options):
    same_as_keras(nn.layers.SimpleRNN(UNITS, **options), keras.layers.SimpleRNN(UNITS, **options), [sequences()])


def test_simple_rnn_skips_masked_steps_as_keras_does(same_as_keras):
    same_as_keras(nn.layers.SimpleRNN(UNITS, return_sequences=True),
                  keras.layers.SimpleRNN(UNITS, return_sequences=True), [sequences()], mask=padding_mask())


@pytest.mark.parametrize("cell", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_generic_rnn_of_a_cell_matches_keras(same_as_keras, cell):
    ours = nn.layers.RNN(getattr(nn.layers, cell)(UNITS), return_sequences=True, return_state=True)
    theirs = keras.layers.RNN(getattr(keras.layers, cell)(UNITS), return_sequences=True, return_state=True)
    same_as_keras(ours, theirs, [sequences()], mask=padding_mask())


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
def test_bidirectional_matches_keras(same_as_keras, merge_mode):
    same_as_keras(nn.layers.Bidirectional(nn.layers.LSTM(UNITS, return_sequences=True), merge_mode=merge_mode),
                  keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True), merge_mode=merge_mode),
                  [sequences()])


@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_with_a_mask_and_states_matches_keras(same_as_keras, return_sequences):
    options = {"return_sequences": return_sequences, "return_state": True}
    same_as_keras(nn.layers.Bidirectional(nn.layers.GRU(UNITS, **options)),
                  keras.layers.Bidirectional(keras.layers.GRU(UNITS, **options)), [sequences()], mask=padding_mask())


def test_bidirectional_weights_are_forward_then_backward_as_in_keras():
    ours = nn.layers.Bidirectional(nn.layers.LSTM(UNITS, name="encoder"))
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(UNITS, name="encoder"))
    ours(sequences())
    theirs(sequences())
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert [w.name.split("/", 1)[1] for w in ours.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]
    assert ours.weights[0].name.split("/", 1)[1] == "forward_encoder/lstm_cell/kernel"


# ---- masks made by layers: Embedding(mask_zero=True) and Masking -----------------------------------
def token_ids() -> np.ndarray:
    """Padded with 0 on the right, on the left, and a row with a 0 in the middle."""
    return np.array([[3, 7, 1, 0, 0], [0, 0, 2, 9, 4], [5, 0, 8, 8, 0]])


@pytest.mark.parametrize("recurrent", ["LSTM", "GRU", "SimpleRNN"])
def test_embedding_mask_reaches_the_recurrent_layer_as_in_keras(same_as_keras, recurrent):
    same_as_keras([nn.layers.Embedding(10, FEATURES, mask_zero=True), getattr(nn.layers, recurrent)(UNITS)],
                  [keras.layers.Embedding(10, FEATURES, mask_zero=True), getattr(keras.layers, recurrent)(UNITS)],
                  [token_ids()])


def test_embedding_mask_reaches_a_bidirectional_lstm_as_in_keras(same_as_keras):
    same_as_keras([nn.layers.Embedding(10, FEATURES, mask_zero=True),
                   nn.layers.Bidirectional(nn.layers.LSTM(UNITS, return_sequences=True))],
                  [keras.layers.Embedding(10, FEATURES, mask_zero=True),
                   keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True))], [token_ids()])


def test_masking_layer_mask_reaches_the_lstm_as_in_keras(same_as_keras):
    x = sequences()
    x[padding_mask() == 0] = 0.0
    same_as_keras([nn.layers.Masking(), nn.layers.LSTM(UNITS, return_sequences=True)],
                  [keras.layers.Masking(), keras.layers.LSTM(UNITS, return_sequences=True)], [x])


def test_stacked_lstms_pass_the_mask_on_as_in_keras(same_as_keras):
    same_as_keras([nn.layers.Embedding(10, FEATURES, mask_zero=True),
                   nn.layers.LSTM(UNITS, return_sequences=True), nn.layers.GRU(UNITS)],
                  [keras.layers.Embedding(10, FEATURES, mask_zero=True),
                   keras.layers.LSTM(UNITS, return_sequences=True), keras.layers.GRU(UNITS)], [token_ids()])


def test_embedding_matches_keras(same_as_keras):
    same_as_keras(nn.layers.Embedding(10, FEATURES), keras.layers.Embedding(10, FEATURES), [token_ids()])


def test_masked_mean_is_keras_global_average_pooling_1d_with_a_mask():
    """nn.layers.masks.masked_mean is what GlobalAveragePooling1D computes on a masked sequence."""
    import torch

    from nn.layers.masks import masked_mean

    x = sequences()
    mask = padding_mask()
    ours = masked_mean(nn.utils.to_tensor(x), mask)
    theirs = keras.layers.GlobalAveragePooling1D()(torch.from_numpy(x), mask=torch.from_numpy(mask))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6, atol=1e-7)


def test_orthogonal_initializer_is_orthogonal_like_keras():
    for shape in [(6, 24), (24, 6), (3, 4, 5)]:
        ours = nn.initializers.Orthogonal(seed=1)(shape, dtype="float64").reshape(-1, shape[-1])
        theirs = np.asarray(keras.initializers.Orthogonal(seed=1)(shape)).reshape(-1, shape[-1])
        small = min(ours.shape)
        gram = ours.T @ ours if ours.shape[0] >= ours.shape[1] else ours @ ours.T
        np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)
        assert ours.shape == theirs.shape
