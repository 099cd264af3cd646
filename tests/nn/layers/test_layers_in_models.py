"""The new layers inside models: a small CNN learns the bundled digits, and models holding every
family fit, predict, print a summary, save and load (get_config/from_config) like Keras's."""
import numpy as np
import pytest

import nn
import optim
from nn import layers

(X_TRAIN, Y_TRAIN), (X_TEST, Y_TEST) = nn.datasets.load_digits(flatten=False)
X_TRAIN, X_TEST = X_TRAIN[..., None], X_TEST[..., None]


def test_a_small_cnn_learns_the_digits():
    """8x8x1 digits: two convolutions and poolings reach >= 98% test accuracy in under a second
    of training (Adam at 1e-2 for five epochs, then 1e-3 for three)."""
    model = nn.Sequential([nn.Input(shape=(8, 8, 1)),
                           layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
                           layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
                           layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optim.Adam(learning_rate=1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X_TRAIN, Y_TRAIN, epochs=5, batch_size=32, verbose=0)
    model.optimizer.learning_rate = 1e-3
    model.fit(X_TRAIN, Y_TRAIN, epochs=3, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(X_TEST, Y_TEST, verbose=0)
    assert accuracy >= 0.98


def lenet() -> nn.Sequential:
    return nn.Sequential([nn.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
                          layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
                          layers.Dense(128, activation="relu"), layers.Dense(10)])


def test_summary_shows_keras_s_shapes_and_parameter_counts():
    lines = []
    lenet().summary(print_fn=lines.append)
    text = "\n".join(lines)
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]
    for row in [["conv2d (Conv2D)", "(None, 26, 26, 32)", "320"],
                ["max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0"],
                ["conv2d_1 (Conv2D)", "(None, 11, 11, 64)", "18,496"],
                ["max_pooling2d_1 (MaxPooling2D)", "(None, 5, 5, 64)", "0"],
                ["flatten (Flatten)", "(None, 1600)", "0"],
                ["dense (Dense)", "(None, 128)", "204,928"]]:
        assert row in rows
    assert " Total params: 225,034 (879.04 KB)" in text


def image_model() -> nn.Sequential:
    return nn.Sequential([
        nn.Input(shape=(8, 8, 1)), layers.Rescaling(2.0, offset=-1.0), layers.GaussianNoise(0.1),
        layers.Conv2D(8, 3, padding="same"), layers.BatchNormalization(), layers.ReLU(max_value=6.0),
        layers.SpatialDropout2D(0.1), layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        layers.LeakyReLU(), layers.SeparableConv2D(8, 3, padding="same", activation="elu"), layers.MaxPooling2D(),
        layers.ZeroPadding2D(1), layers.Conv2DTranspose(6, 3, strides=2, padding="same"), layers.Cropping2D(2),
        layers.UpSampling2D(), layers.AveragePooling2D(2), layers.LayerNormalization(), layers.ELU(),
        layers.GlobalMaxPooling2D(keepdims=True), layers.Reshape((6,)), layers.ActivityRegularization(l2=1e-3),
        layers.Dense(10), layers.Softmax()])


def sequence_model() -> nn.Sequential:
    return nn.Sequential([
        nn.Input(shape=(8, 8, 1)), layers.Reshape((8, 8)), layers.Permute((2, 1)),
        layers.Conv1D(12, 3, padding="causal", activation="relu"), layers.MaxPooling1D(),
        layers.UpSampling1D(2), layers.ZeroPadding1D((1, 0)), layers.Cropping1D((0, 1)),
        layers.SpatialDropout1D(0.1), layers.AveragePooling1D(2), layers.GlobalAveragePooling1D(),
        layers.RepeatVector(2), layers.GlobalMaxPooling1D(), layers.Dense(10, activation="softmax")])


@pytest.mark.parametrize("make_model", [image_model, sequence_model])
def test_every_family_fits_predicts_summarizes_saves_and_loads(make_model, tmp_path):
    model = make_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X_TRAIN[:256], Y_TRAIN[:256], epochs=2, batch_size=32, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    lines = []
    model.summary(print_fn=lines.append)
    assert f"Trainable params: {sum(w.size for w in model.trainable_weights):,}" in lines[0]
    predictions = model.predict(X_TEST, verbose=0)
    assert predictions.shape == (len(X_TEST), 10)
    np.testing.assert_allclose(model.predict(X_TEST, verbose=0), predictions)  # inference is deterministic

    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(X_TEST, verbose=0), predictions, rtol=1e-6, atol=1e-7)
    loaded.fit(X_TRAIN[:64], Y_TRAIN[:64], epochs=1, verbose=0)  # and trains on

    rebuilt = nn.Sequential.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X_TEST, verbose=0), predictions, rtol=1e-6, atol=1e-7)
