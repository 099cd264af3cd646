"""save / load_model for functional, subclassed and nested models: bit-exact, no pickle; classes
and functions of your own through @nn.saving.register_serializable or custom_objects."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers


@nn.saving.register_serializable(package="tests")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, inputs):
        return inputs * self.gain * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@nn.saving.register_serializable(package="tests")
class Residual(nn.Model):
    def __init__(self, units=6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.expand = layers.Dense(units, activation="relu")
        self.blocks = [layers.Dense(units, activation="relu"), Scale(0.5)]
        self.head = layers.Dense(3, activation="softmax")

    def call(self, inputs, training=None):
        hidden = self.expand(inputs)
        return self.head(hidden + self.blocks[1](self.blocks[0](hidden)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Unregistered(layers.Layer):
    def call(self, inputs):
        return inputs


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)


def functional():
    inputs = nn.Input(shape=(4,), name="x")
    inner = nn.Sequential([nn.Input(shape=(4,)), layers.Dense(5, activation="tanh"), Scale()], name="inner")
    joined = layers.Concatenate()([inner(inputs), layers.Dense(5, name="side")(inputs)])
    return nn.Model(inputs, layers.Dense(3, activation="softmax", name="out")(joined), name="branchy")


@pytest.mark.parametrize("make", [functional, Residual], ids=["functional", "subclassed"])
def test_save_and_load_are_bit_exact_and_training_resumes_identically(make, tmp_path):
    x, y = data()
    model = make()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = nn.load_model(path)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    assert [w.shape for w in loaded.weights] == [w.shape for w in model.weights]  # a class names its layers anew
    for mine, theirs in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    for each in (model, loaded):
        nn.utils.set_random_seed(3)
        each.fit(x, y, epochs=1, batch_size=16, verbose=0)
    for mine, theirs in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_a_two_output_model_with_losses_weights_and_metrics_per_output_loads_compiled(tmp_path):
    x, y = data()
    inputs = nn.Input(shape=(4,), name="x")
    hidden = layers.Dense(6, activation="relu")(inputs)
    outputs = {"kind": layers.Dense(3, activation="softmax", name="kind")(hidden),
               "size": layers.Dense(1, name="size")(hidden)}
    model = nn.Model(inputs, outputs)
    model.compile(optimizer="adam", loss={"kind": "sparse_categorical_crossentropy", "size": "mse"},
                  loss_weights={"kind": 1.0, "size": 0.5}, metrics={"kind": ["accuracy"], "size": ["mae"]})
    targets = {"kind": y, "size": x[:, :1]}
    model.fit(x, targets, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "two.npz")
    loaded = nn.load_model(tmp_path / "two.npz")
    assert loaded.get_compile_config() == model.get_compile_config()
    for name in outputs:
        np.testing.assert_array_equal(loaded.predict(x)[name], model.predict(x)[name])
    assert loaded.evaluate(x, targets, verbose=0, return_dict=True) == model.evaluate(x, targets, verbose=0,
                                                                                       return_dict=True)


def test_the_file_holds_no_pickle_and_names_registered_classes(tmp_path):
    model = Residual()
    model(np.ones((1, 4)))
    model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        config = nn.saving.read(str(tmp_path / "m.npz"))[0]
        assert all(npz[key].dtype != object for key in npz.files)
    assert config["model_class"] == "Residual" and config["registered_name"] == "tests>Residual"
    assert config["build_config"] == {"input_shape": [None, 4]}


def test_an_unregistered_class_fails_to_load_naming_the_decorator_and_custom_objects(tmp_path):
    model = nn.Sequential([nn.Input(shape=(3,)), Unregistered(), layers.Dense(1)])
    model.save(tmp_path / "m.npz")  # saving works; loading needs the class
    with pytest.raises(ValueError, match=r"unknown layer class 'Unregistered'.*@nn.saving.register_serializable"
                                         r"\(package=\.\.\.\).*custom_objects=\{'Unregistered': Unregistered\}"):
        nn.load_model(tmp_path / "m.npz")
    loaded = nn.load_model(tmp_path / "m.npz", custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(loaded.predict(np.ones((2, 3))), model.predict(np.ones((2, 3))))


def test_a_custom_loss_and_metric_are_saved_by_name_even_by_model_checkpoint(tmp_path):
    def squared_gap(y_true, y_pred):
        return ag.mean((y_pred - y_true) ** 2, axis=-1)

    def worst_miss(y_true, y_pred):
        return np.max(np.abs(np.asarray(y_pred) - np.asarray(y_true)), axis=-1)

    x, _ = data()
    y = x[:, :1] * 2.0
    model = nn.Sequential([nn.Input(shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss=squared_gap, metrics=[worst_miss])
    checkpoint = nn.callbacks.ModelCheckpoint(str(tmp_path / "ckpt.npz"))
    model.fit(x, y, epochs=2, verbose=0, callbacks=[checkpoint])
    path = tmp_path / "ckpt.npz"
    with pytest.raises(ValueError, match=r"unknown function 'squared_gap'.*custom_objects.*compile=False"):
        nn.load_model(path)
    uncompiled = nn.load_model(path, compile=False)
    assert not uncompiled.compiled
    np.testing.assert_array_equal(uncompiled.predict(x), model.predict(x))
    loaded = nn.load_model(path, custom_objects={"squared_gap": squared_gap, "worst_miss": worst_miss})
    assert loaded.loss is squared_gap and loaded.metrics_names == ["worst_miss"]
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_a_registered_loss_function_loads_without_custom_objects(tmp_path):
    @nn.saving.register_serializable(package="tests")
    def half_squared(y_true, y_pred):
        return 0.5 * ag.mean((y_pred - y_true) ** 2)

    model = nn.Sequential([nn.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss=half_squared)
    model.save(tmp_path / "m.npz")
    assert nn.load_model(tmp_path / "m.npz").loss is half_squared


def test_weights_load_into_a_model_written_as_a_class_before_it_is_built(tmp_path):
    x, _ = data()
    model = Residual()
    model(x[:1])
    model.save_weights(tmp_path / "w.npz")
    model.save(tmp_path / "m.npz")
    fresh = Residual()
    fresh.load_weights(tmp_path / "m.npz")  # a full save knows the input shape to build for
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


def test_a_subclass_whose_config_misses_an_argument_says_to_return_it():
    class NeedsUnits(nn.Model):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

    with pytest.raises(ValueError, match="must return them from get_config"):
        NeedsUnits.from_config(NeedsUnits(2).get_config())


def test_register_serializable_needs_a_plain_package_name():
    with pytest.raises(ValueError, match="without '>'"):
        nn.saving.register_serializable(package="a>b")
