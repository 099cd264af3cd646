"""Normalization (adapt) and Rescaling: formulas, weights, 1-D data, models, configs and errors.
Parity with Keras is in test_keras_parity_normalization.py."""
import numpy as np
import pytest

import nn
from nn.layers import Dense, Input, Normalization, Rescaling

RNG = np.random.default_rng(0)
DATA = (RNG.standard_normal((50, 3)) * [1.0, 10.0, 0.1] + [5.0, -2.0, 0.0]).astype(np.float32)


def test_adapt_learns_mean_and_variance_per_feature():
    layer = Normalization()
    layer.adapt(DATA)
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, DATA.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(variance, DATA.var(axis=0), rtol=1e-5)
    assert count.shape == () and count.dtype == np.int32
    out = layer(DATA).data
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-4)
    assert [w.name for w in layer.weights] == ["normalization/mean", "normalization/variance", "normalization/count"]
    assert layer.trainable_weights == []


def test_adapt_on_one_dimensional_data_with_axis_none():
    layer = Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert [w.shape for w in layer.get_weights()] == [(), (), ()]
    np.testing.assert_allclose(layer(np.array([3.0, 5.0])).data, [0.0, np.sqrt(2.0)], rtol=1e-6)


def test_adapt_on_batches_equals_adapt_on_the_whole():
    whole, pieces = Normalization(), Normalization()
    whole.adapt(DATA)
    pieces.adapt(iter([DATA[:7], DATA[7:30], DATA[30:]]))
    for a, b in zip(whole.get_weights(), pieces.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_constant_feature_is_divided_by_at_least_1e_7():
    layer = Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0])
    np.testing.assert_allclose(layer(np.array([[3.0, 2.5]])).data, [[1.0, 0.5e7]], rtol=1e-5)
    assert layer.weights == []


def test_invert_undoes_a_normalization():
    forward, back = Normalization(), Normalization(invert=True)
    forward.adapt(DATA)
    back.build_for((None, 3))
    back.set_weights(forward.get_weights())
    np.testing.assert_allclose(back(forward(DATA)).data, DATA, rtol=1e-4, atol=1e-4)


def test_an_adapted_normalization_feeds_a_model_that_trains_saves_and_loads(tmp_path):
    layer = Normalization()
    layer.adapt(DATA)
    model = nn.Sequential([Input(shape=(3,)), layer, Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(DATA, DATA[:, :1], epochs=2, verbose=0)
    np.testing.assert_allclose(layer.get_weights()[0], DATA.mean(axis=0), rtol=1e-5)  # fit leaves it alone
    model.save(tmp_path / "m.npz")
    loaded = nn.load_model(tmp_path / "m.npz")
    np.testing.assert_allclose(loaded.predict(DATA, verbose=0), model.predict(DATA, verbose=0), rtol=1e-6)


def test_rescaling_scales_and_offsets_and_makes_floats():
    out = Rescaling(1 / 127.5, offset=-1.0)(np.array([[0, 255]], dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [[-1.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(Rescaling([1.0, 2.0])(np.ones((2, 2))).data, [[1.0, 2.0]] * 2)


@pytest.mark.parametrize("make", [lambda: Rescaling(0.5, offset=2.0),
                                  lambda: Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25]),
                                  lambda: Normalization(mean=1.0, variance=4.0, invert=True)])
def test_gradients_match_numerical_ones(gradcheck_layer, make):
    assert gradcheck_layer(make(), [], RNG.standard_normal((2, 3)))


@pytest.mark.parametrize("make", [
    lambda: Normalization(axis=(1, 2), mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True),
    lambda: Normalization(axis=None),
    lambda: Rescaling([1.0, 2.0], offset=0.5, name="scale"),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("run, message", [
    (lambda: Normalization(mean=1.0), r"give both mean and variance, or neither"),
    (lambda: Normalization(mean=[1.0, 2.0], variance=[1.0]), r"the same shape"),
    (lambda: Normalization(mean=[1.0, 2.0], variance=[1.0, 2.0]).adapt(DATA), r"would overwrite them"),
    (lambda: Normalization(axis=3)(DATA), r"axis \(3,\) does not exist for inputs of shape \(None, 3\)"),
    (lambda: Normalization().adapt(np.zeros((0, 3))), r"adapt\(\) got no data"),
    (lambda: Rescaling("half"), r"scale must be a number or numbers"),
])
def test_mistakes_get_clear_errors(run, message):
    with pytest.raises(ValueError, match=message):
        run()


def test_adapted_statistics_refuse_data_of_another_width():
    layer = Normalization()
    layer.adapt(DATA)
    with pytest.raises(ValueError, match=r"keeps statistics of shape \(3,\) along axis \(-1,\).*shape \(2, 4\)"):
        layer(np.ones((2, 4)))
