"""sample_weight and class_weight in fit / evaluate / train_on_batch, reduced as Keras 3 does:
the loss is sum_i(w_i * loss_i) / batch_size ("sum_over_batch_size"), metrics stay unweighted."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import losses
from nn.layers import Dense, Input
from nn.initializers import Constant


def identity_regressor():
    """y_pred = x (kernel 1, bias 0; a negligible learning rate), so every loss is known in closed form."""
    model = nn.Sequential([Input(shape=(1,)), Dense(1, kernel_initializer=Constant(1.0))])
    model.compile(optimizer=optim.SGD(learning_rate=1e-9), loss="mse")
    return model


def classifier(loss="sparse_categorical_crossentropy"):
    nn.utils.set_random_seed(0)
    model = nn.Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dense(3, activation="softmax")])
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss=loss, metrics=["accuracy"])
    return model


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(size=(n, 4)).astype(np.float32) * 0.3 + np.eye(3, 4)[y] * 2
    return x, y


def test_weighted_loss_matches_keras_on_a_known_case():
    # Keras 3.15 (jax backend) gives 2.5 for this model, data and weights, in fit and evaluate alike.
    x = np.linspace(0, 1, 10)
    weights = np.arange(10.0)
    model = identity_regressor()
    assert model.evaluate(x, 2 * x, sample_weight=weights, verbose=0) == pytest.approx(2.5, rel=1e-6)
    history = model.fit(x, 2 * x, sample_weight=weights, shuffle=False, verbose=0)
    assert history.history["loss"] == pytest.approx([2.5], rel=1e-6)


@pytest.mark.parametrize("batch_size", [1, 3, 7, 32])
def test_epoch_loss_is_mean_of_weighted_per_sample_losses_for_any_batch_size(batch_size):
    rng = np.random.default_rng(1)
    x, y, weights = rng.normal(size=20), rng.normal(size=20), rng.uniform(0, 3, size=20)
    expected = np.mean(weights * (x - y) ** 2)  # sum_i w_i l_i / n: batches are weighted by their size
    model = identity_regressor()
    assert model.evaluate(x, y, sample_weight=weights, batch_size=batch_size, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert model.evaluate(x, y, sample_weight=weights[:, None], verbose=0) == pytest.approx(expected, rel=1e-5)


def test_weighted_gradient_is_the_gradient_of_the_weighted_mean():
    x, y = blobs(n=12)
    weights = np.linspace(0.0, 2.0, 12)
    model = classifier()
    model.train_on_batch(x, y, sample_weight=weights)
    # The same step by hand: SGD on mean(w * per-sample cross-entropy).
    by_hand = classifier()
    by_hand.optimizer.attach(by_hand.trainable_weights)
    loss = ag.mean(losses.per_sample_losses(by_hand.loss, y, by_hand(x, training=True)) * ag.Tensor(weights))
    loss.backward()
    by_hand.optimizer.step()
    for left, right in zip(model.get_weights(), by_hand.get_weights()):
        np.testing.assert_allclose(left, right, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("one_hot", [False, True])
def test_class_weight_is_the_sample_weight_of_each_samples_class(one_hot):
    x, y = blobs()
    table = {0: 1.0, 1: 5.0, 2: 0.5}
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    targets = nn.utils.to_categorical(y, 3) if one_hot else y
    by_class = classifier(loss)
    by_class.fit(x, targets, class_weight=table, epochs=2, verbose=0)
    by_sample = classifier(loss)
    by_sample.fit(x, targets, sample_weight=np.array([table[label] for label in y]), epochs=2, verbose=0)
    for left, right in zip(by_class.get_weights(), by_sample.get_weights()):
        np.testing.assert_allclose(left, right, rtol=1e-6, atol=1e-7)
    assert by_class.history.history["loss"] == pytest.approx(by_sample.history.history["loss"])


def test_class_weight_leaves_unlisted_classes_at_one_and_takes_string_keys():
    x, y = blobs()
    by_class = classifier().train_on_batch(x, y, class_weight={"1": 3.0})
    by_sample = classifier().train_on_batch(x, y, sample_weight=np.where(y == 1, 3.0, 1.0))
    plain = classifier().train_on_batch(x, y)
    assert by_class == pytest.approx(by_sample)
    assert by_class[0] != pytest.approx(plain[0])


def test_metrics_are_not_weighted_as_in_keras_compile_metrics():
    x, y = blobs()
    model = classifier()
    plain = model.evaluate(x, y, verbose=0, return_dict=True)
    weighted = model.evaluate(x, y, sample_weight=(y == 0).astype(float), verbose=0, return_dict=True)
    assert weighted["accuracy"] == pytest.approx(plain["accuracy"])
    assert weighted["loss"] != pytest.approx(plain["loss"])


def test_class_weight_leaves_the_validation_split_unweighted_as_keras_does():
    x, y = blobs()
    model = classifier()
    history = model.fit(x, y, validation_split=0.25, class_weight={0: 10.0}, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[90:], y[90:], verbose=0)[0], rel=1e-6)
    with pytest.raises(ValueError, match="not both"):
        classifier().fit(x, y, validation_split=0.25, class_weight={0: 2.0}, sample_weight=np.ones(120), verbose=0)


def test_validation_data_may_carry_sample_weights():
    x, y = blobs()
    weights = np.where(y[80:] == 1, 3.0, 0.5)
    model = classifier()
    history = model.fit(x[:80], y[:80], validation_data=(x[80:], y[80:], weights), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[80:], y[80:], sample_weight=weights, verbose=0)[0], rel=1e-6)


def test_weights_inside_generator_batches():
    x, y = blobs()
    weights = np.linspace(0.1, 2.0, 120)
    reference = classifier()
    reference.fit(x, y, sample_weight=weights, batch_size=30, shuffle=False, verbose=0)
    model = classifier()
    model.fit(((x[i:i + 30], y[i:i + 30], weights[i:i + 30]) for i in range(0, 120, 30)), verbose=0)
    for left, right in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(left, right, rtol=1e-6, atol=1e-7)


def test_test_on_batch_takes_sample_weight():
    x = np.array([0.0, 1.0, 2.0])
    model = identity_regressor()
    assert model.test_on_batch(x, x + 1, sample_weight=[1.0, 2.0, 0.0]) == pytest.approx(1.0)


def test_custom_loss_per_sample_values_are_averaged_or_weighted():
    def squared(y_true, y_pred):  # Keras style: one value per sample
        return ag.mean((y_pred - ag.Tensor(np.asarray(y_true, np.float32).reshape(y_pred.shape))) ** 2, axis=-1)

    x = np.array([0.0, 1.0, 2.0])
    model = identity_regressor()
    model.compile(optimizer=optim.SGD(learning_rate=1e-9), loss=squared)
    assert model.evaluate(x, x + 1, verbose=0) == pytest.approx(1.0)
    assert model.evaluate(x, x + 1, sample_weight=[1.0, 2.0, 0.0], verbose=0) == pytest.approx(1.0)
    assert model.evaluate(x, x + np.array([1.0, 1.0, 4.0]), sample_weight=[0.0, 0.0, 3.0],
                          verbose=0) == pytest.approx(16.0)


@pytest.mark.parametrize("arguments, error, message", [
    ({"sample_weight": np.ones(120), "class_weight": {0: 2.0}}, ValueError, "class_weight or sample_weight, not both"),
    ({"sample_weight": np.ones(119)}, ValueError, "x has 120 samples but sample_weight has 119"),
    ({"sample_weight": np.ones((120, 2))}, ValueError, r"one number per sample, shape \(samples,\)"),
    ({"sample_weight": np.where(np.arange(120) == 7, np.nan, 1.0)}, ValueError, "sample_weight contains NaN.*sample 7"),
    ({"class_weight": [1.0, 2.0]}, TypeError, "class_weight must be a dict"),
    ({"class_weight": {"cat": 2.0}}, ValueError, "integer class indices.*'cat'"),
])
def test_bad_weights_give_clear_errors(arguments, error, message):
    x, y = blobs()
    with pytest.raises(error, match=message):
        classifier().fit(x, y, verbose=0, **arguments)


def test_custom_loss_returning_a_mean_cannot_be_weighted():
    x = np.array([0.0, 1.0, 2.0])
    model = identity_regressor()
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: ag.mean(y_pred * 0.0))
    with pytest.raises(ValueError, match=r"returned shape \(\).*one loss per sample, shape \(3,\)"):
        model.evaluate(x, x, sample_weight=[1.0, 1.0, 1.0], verbose=0)
