"""SpatialDropout1D/2D, GaussianNoise, ActivityRegularization and Dropout's noise_shape:
training-only randomness with the right statistics, the identity otherwise, the activity
penalty in the loss, configs and errors. Parity with Keras is in
test_keras_parity_regularization.py."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.layers import (ActivityRegularization, Dense, Dropout, GaussianNoise, Input, SpatialDropout1D,
                       SpatialDropout2D)

X = np.ones((400, 3, 4, 8), dtype=np.float32)


def test_spatial_dropout_drops_whole_channels():
    out = SpatialDropout2D(0.25, seed=1)(X, training=True).data
    per_channel = out.reshape(400, 12, 8)
    assert np.all(per_channel == per_channel[:, :1])  # one decision per sample and channel
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.03
    sequences = SpatialDropout1D(0.5, seed=2)(np.ones((300, 5, 6)), training=True).data
    assert np.all(sequences == sequences[:, :1]) and abs((sequences == 0).mean() - 0.5) < 0.05


def test_dropout_noise_shape_shares_the_mask_along_its_ones():
    out = Dropout(0.5, noise_shape=(None, 1, 8), seed=0)(np.ones((300, 5, 8)), training=True).data
    assert np.all(out == out[:, :1]) and abs((out == 0).mean() - 0.5) < 0.05


def test_gaussian_noise_has_the_asked_spread():
    out = GaussianNoise(0.3, seed=0)(X, training=True).data
    assert abs((out - 1).mean()) < 0.01 and abs((out - 1).std() - 0.3) < 0.01


@pytest.mark.parametrize("layer", [SpatialDropout2D(0.5), GaussianNoise(0.5),
                                   Dropout(0.5, noise_shape=(None, 1, 1, 8))])
def test_outside_training_they_are_the_identity(layer):
    np.testing.assert_array_equal(layer(X).data, X)
    np.testing.assert_array_equal(layer(X, training=False).data, X)


def test_the_gradient_passes_the_kept_channels_scaled():
    x = ag.Tensor(np.ones((2, 3, 3, 4)), requires_grad=True)
    out = SpatialDropout2D(0.5, seed=3)(x, training=True)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)  # d(x * mask)/dx = mask; here x = 1
    x.grad = None
    noisy = GaussianNoise(0.5, seed=3)(x, training=True)
    noisy.sum().backward()
    np.testing.assert_array_equal(x.grad.data, 1.0)


def test_activity_regularization_adds_its_penalty_to_the_training_loss():
    x, y = np.ones((4, 2), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
    model = nn.Sequential([Input(shape=(2,)), Dense(1, kernel_initializer="ones", bias_initializer="zeros"),
                           ActivityRegularization(l1=0.5, l2=0.25)])
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss="mse")
    activity = 2.0  # every output is 1 + 1
    penalty = (0.5 * 4 * activity + 0.25 * 4 * activity ** 2) / 4  # over the batch size, as Keras 3
    np.testing.assert_allclose(model.test_on_batch(x, y), activity ** 2 + penalty, rtol=1e-6)
    np.testing.assert_allclose(model.train_on_batch(x, y), activity ** 2 + penalty, rtol=1e-6)
    assert model.get_weights()[0][0, 0] < 1.0  # the penalty's gradient pushed the outputs down too
    assert model.get_config()["layers"][-1]["config"]["l1"] == 0.5


def test_the_activity_penalty_s_gradient_matches_numerical_ones():
    layer = ActivityRegularization(l1=0.3, l2=0.2)
    values = np.array([[-1.5, -0.4, 0.3], [0.8, 2.0, -0.1]])  # away from |x|'s kink at 0

    def penalty(x):
        layer(x)
        return layer.losses[-1]

    assert ag.gradcheck(penalty, values)


@pytest.mark.parametrize("make", [
    lambda: SpatialDropout2D(0.3, seed=4, name="drop"),
    lambda: SpatialDropout1D(0.2),
    lambda: GaussianNoise(0.1, seed=5),
    lambda: ActivityRegularization(0.01, 0.02),
    lambda: Dropout(0.5, noise_shape=(None, 1, 3)),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("run, message", [
    (lambda: SpatialDropout2D(1.0), r"rate is the fraction of inputs to drop and must lie in \[0, 1\)"),
    (lambda: SpatialDropout2D(0.5)(np.ones((2, 3, 4)), training=True), r"expects 4-D inputs"),
    (lambda: SpatialDropout1D(0.5)(np.ones((2, 3, 4, 5)), training=True), r"expects 3-D inputs"),
    (lambda: GaussianNoise(1.5), r"stddev must be a number in \[0, 1\]"),
    (lambda: ActivityRegularization(l1=-1.0), r"l1 must be a non-negative penalty factor"),
    (lambda: Dropout(0.5, noise_shape=(None, 1))(np.ones((2, 3, 4)), training=True), r"one entry per axis"),
])
def test_mistakes_get_clear_errors(run, message):
    with pytest.raises(ValueError, match=message):
        run()
