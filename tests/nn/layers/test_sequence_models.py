"""Sequence layers in models: they train with fit, predict, summarize, save and load; an
Embedding + LSTM model and a transformer block really learn their tasks."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.layers import (GRU, LSTM, Bidirectional, Dense, Embedding, Input, MultiHeadAttention, SimpleRNN)


def token_presence_data(rng, samples, steps=12, vocabulary=10, target=7):
    """Sequences of 3..steps tokens padded with 0; the label says whether `target` occurs."""
    ids = rng.integers(1, vocabulary, (samples, steps))
    ids[ids == target] = 1
    lengths = rng.integers(3, steps + 1, samples)
    labels = rng.random(samples) < 0.5
    for row in range(samples):
        ids[row, lengths[row]:] = 0
        if labels[row]:
            ids[row, rng.integers(0, lengths[row])] = target
    return ids, labels.astype(np.float32)


def test_embedding_and_lstm_learn_whether_a_token_occurs():
    nn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = token_presence_data(rng, 1200)
    x_test, y_test = token_presence_data(rng, 400)
    model = nn.Sequential([Input(shape=(12,)), Embedding(10, 8, mask_zero=True), LSTM(16),
                           Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95


def layer_norm(x, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) over the features (LayerNormalization without its scale
    and offset), in autograd ops."""
    centered = x - ag.mean(x, axis=-1, keepdims=True)
    return centered / ag.sqrt(ag.mean(centered * centered, axis=-1, keepdims=True) + epsilon)


def test_a_transformer_block_learns_to_sort():
    """Token and position embeddings, self-attention and a feed-forward layer, each with a
    residual and a normalization, then a token classifier per position: trained by a plain
    loop on the layers' weights, it sorts 6 digits."""
    nn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    vocabulary, steps, width = 8, 6, 16
    tokens, positions = Embedding(vocabulary, width), Embedding(steps, width)
    attention = MultiHeadAttention(num_heads=2, key_dim=8)
    hidden, back, classify = Dense(32, activation="relu"), Dense(width), Dense(vocabulary)

    def forward(ids):
        x = tokens(ids) + positions(np.broadcast_to(np.arange(steps), ids.shape))
        x = layer_norm(x + attention(x, x))
        x = layer_norm(x + back(hidden(x)))
        return classify(x)

    forward(rng.integers(0, vocabulary, (2, steps)))
    params = [w for layer in (tokens, positions, attention, hidden, back, classify) for w in layer.trainable_weights]
    optimizer = optim.Adam(params, lr=1e-2)
    for _ in range(300):
        ids = rng.integers(0, vocabulary, (64, steps))
        logits = forward(ids)
        loss = ag.softmax_cross_entropy(logits.reshape((-1, vocabulary)), np.sort(ids, axis=1).reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    ids = rng.integers(0, vocabulary, (500, steps))
    accuracy = (np.argmax(forward(ids).data, axis=-1) == np.sort(ids, axis=1)).mean()
    assert accuracy >= 0.95


def recurrent_model():
    return nn.Sequential([Input(shape=(6,)), Embedding(12, 5, mask_zero=True),
                          Bidirectional(LSTM(4, return_sequences=True)), GRU(3, return_sequences=True),
                          SimpleRNN(3, go_backwards=True), Dense(2, activation="softmax")])


def test_recurrent_model_summary_names_layers_shapes_and_counts():
    lines = []
    recurrent_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    for expected in ["(Embedding)", "(None, 6, 5)", "(Bidirectional)", "(None, 6, 8)", "(GRU)", "(None, 6, 3)",
                     "(SimpleRNN)", "(None, 3)", "Total params: 526"]:
        assert expected in text
    # Embedding 12*5 = 60; Bidirectional 2 * 4*(5*4 + 4*4 + 4) = 320; GRU 3*(8*3 + 3*3) + 2*3*3 = 117;
    # SimpleRNN 3*3 + 3*3 + 3 = 21; Dense 3*2 + 2 = 8.


def test_recurrent_model_fits_saves_and_loads(tmp_path):
    nn.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.integers(0, 12, (40, 6))
    y = rng.integers(0, 2, 40)
    model = recurrent_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = str(tmp_path / "recurrent.npz")
    model.save(path)
    loaded = nn.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)  # the optimizer state came back too


def test_frozen_recurrent_layer_keeps_its_weights():
    model = nn.Sequential([Input(shape=(4, 3)), LSTM(2, trainable=False), Dense(1)])
    before = model.layers[0].get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4, 3), dtype=np.float32), np.ones((8, 1), dtype=np.float32), epochs=1, verbose=0)
    for old, new in zip(before, model.layers[0].get_weights()):
        np.testing.assert_array_equal(old, new)
    assert len(model.non_trainable_weights) == 3


@pytest.mark.parametrize("layer", [LSTM(3), GRU(3), SimpleRNN(3), Bidirectional(LSTM(3))])
def test_recurrent_layers_predict_in_float32(layer):
    model = nn.Sequential([Input(shape=(5, 2)), layer])
    assert model.predict(np.ones((4, 5, 2)), verbose=0).dtype == np.float32
