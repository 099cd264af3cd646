"""BatchNormalization and LayerNormalization: weights, the two modes of batch normalization and
its moving statistics (in fit, predict and evaluate), gradients (float64 gradcheck), configs and
errors. Parity with Keras is in test_keras_parity_normalization.py."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.layers import BatchNormalization, Dense, Input, LayerNormalization

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((16, 3)) * [1.0, 2.0, 3.0] + [0.0, -1.0, 5.0]).astype(np.float32)


def test_batch_normalization_weights_are_keras_s():
    layer = BatchNormalization()
    layer(np.ones((2, 5, 5, 4), dtype=np.float32))
    assert [w.name for w in layer.weights] == [f"batch_normalization/{n}" for n in
                                               ("gamma", "beta", "moving_mean", "moving_variance")]
    assert [w.name.split("/")[1] for w in layer.trainable_weights] == ["gamma", "beta"]
    assert layer.count_params() == 16
    assert [w.tolist() for w in layer.get_weights()] == [[1.0] * 4, [0.0] * 4, [0.0] * 4, [1.0] * 4]
    bare = BatchNormalization(center=False, scale=False)
    bare(np.ones((2, 4), dtype=np.float32))
    assert [w.name.split("/")[1] for w in bare.weights] == ["moving_mean", "moving_variance"]


def test_training_normalizes_with_the_batch_and_moves_the_averages():
    layer = BatchNormalization(momentum=0.9)
    out = layer(X, training=True).data
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=0), X.var(axis=0) / (X.var(axis=0) + 1e-3), rtol=1e-4)
    moving_mean, moving_variance = layer.get_weights()[2:]
    np.testing.assert_allclose(moving_mean, 0.1 * X.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * X.var(axis=0), rtol=1e-5)  # biased variance
    assert not layer.moving_mean.requires_grad and layer.moving_mean.grad_fn is None


def test_inference_uses_the_moving_averages_and_changes_nothing():
    layer = BatchNormalization(epsilon=0.5)
    layer(X)
    layer.set_weights([np.full(3, 2.0), np.full(3, 1.0), np.array([1.0, 2.0, 3.0]), np.full(3, 3.5)])
    before = layer.get_weights()
    out = layer(X, training=False).data
    np.testing.assert_allclose(out, 2.0 * (X - [1.0, 2.0, 3.0]) / 2.0 + 1.0, rtol=1e-5)
    for old, new in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_a_frozen_layer_runs_in_inference_mode_even_in_training():
    layer = BatchNormalization()
    layer(X)
    layer.trainable = False
    np.testing.assert_allclose(layer(X, training=True).data, X / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.get_weights()[2], 0.0)


def test_fit_trains_it_and_predict_and_evaluate_use_the_moving_statistics():
    nn.utils.set_random_seed(0)
    y = (X[:, :1] > 0).astype(np.float32)
    model = nn.Sequential([Input(shape=(3,)), BatchNormalization(), Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss="mse")
    model.fit(X, y, batch_size=8, epochs=3, verbose=0)
    gamma, beta, mean, variance, kernel, bias = model.get_weights()
    assert not np.allclose(mean, 0.0) and not np.allclose(variance, 1.0) and not np.allclose(gamma, 1.0)
    expected = (gamma * (X - mean) / np.sqrt(variance + 1e-3) + beta) @ kernel + bias
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model.evaluate(X, y, verbose=0), np.mean((expected - y) ** 2), rtol=1e-4)
    np.testing.assert_array_equal(model.get_weights()[2], mean)  # predict and evaluate moved nothing


@pytest.mark.parametrize("make, shape, training", [
    (lambda: BatchNormalization(), (6, 3), True),
    (lambda: BatchNormalization(axis=1, center=False), (3, 2, 4), True),
    (lambda: BatchNormalization(scale=False), (2, 3, 2, 2), True),
    (lambda: BatchNormalization(gamma_initializer="random_normal", moving_mean_initializer="random_normal"),
     (4, 3), False),
    (lambda: LayerNormalization(), (3, 5), False),
    (lambda: LayerNormalization(axis=[1, 2], gamma_initializer="random_normal"), (2, 3, 4), False),
    (lambda: LayerNormalization(center=False, epsilon=1e-5), (2, 3, 4), False),
])
def test_gradients_match_numerical_ones(gradcheck_layer, make, shape, training):
    layer, x = make(), RNG.standard_normal(shape) * 2 + 1
    layer(x, training=training)
    weights = [(layer, w.name.rsplit("/", 1)[-1]) for w in layer.trainable_weights]  # layer.gamma is "gamma"
    assert gradcheck_layer(lambda inputs: layer(inputs, training=training), weights, x)


def test_layer_normalization_normalizes_each_sample_over_its_features():
    layer = LayerNormalization(epsilon=1e-6)
    out = layer(X).data
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=1), 1.0, rtol=1e-3)
    assert [w.name for w in layer.weights] == ["layer_normalization/gamma", "layer_normalization/beta"]
    assert LayerNormalization().epsilon == 1e-3


def test_layer_normalization_over_several_axes_has_weights_of_their_shape():
    layer = LayerNormalization(axis=[1, 3])
    layer(np.ones((2, 3, 4, 5), dtype=np.float32))
    assert [w.shape for w in layer.weights] == [(3, 5), (3, 5)]


@pytest.mark.parametrize("make", [
    lambda: BatchNormalization(axis=1, momentum=0.9, epsilon=1e-2, center=False, gamma_regularizer="l2"),
    lambda: LayerNormalization(axis=[1, 2], epsilon=1e-5, scale=False, name="ln"),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("make, x, message", [
    (lambda: BatchNormalization(axis=3), np.ones((2, 4)), r"axis 3 does not exist for inputs with 2 axes"),
    (lambda: BatchNormalization(axis=0), np.ones((2, 4)), r"is the batch axis"),
    (lambda: BatchNormalization(momentum=1.5), None, r"momentum must lie in \[0, 1\]"),
    (lambda: BatchNormalization(epsilon=0), None, r"epsilon must be positive"),
    (lambda: LayerNormalization(axis="last"), None, r"axis must be an int or a list of ints"),
    (lambda: LayerNormalization(axis=[1, 5]), np.ones((2, 4, 3)), r"does not exist for inputs with 3 axes"),
])
def test_mistakes_get_clear_errors(make, x, message):
    with pytest.raises(ValueError, match=message):
        make()(x)


def test_a_built_batch_normalization_refuses_other_channels():
    layer = BatchNormalization()
    layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"built for 4 channels along axis -1 but got inputs of shape \(2, 5\)"):
        layer(ag.Tensor(np.ones((2, 5))))
