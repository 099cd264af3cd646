"""Models with several inputs and outputs in compile, fit, evaluate and predict: losses, weights
and metrics per output as a list or dict, data as lists or dicts, logs named as Keras names them."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers


def data(n=40):
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(n, 4)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32)
    digit = (x1[:, 0] > 0).astype(np.int64) + (x2[:, 0] > 0)
    price = (x1.sum(axis=1, keepdims=True) - x2.sum(axis=1, keepdims=True)).astype(np.float32)
    return x1, x2, digit, price


def two_headed(dict_outputs=False):
    a, b = nn.Input(shape=(4,), name="a"), nn.Input(shape=(3,), name="b")
    hidden = layers.Dense(8, activation="relu", name="hidden")(layers.Concatenate()([a, b]))
    digit = layers.Dense(3, activation="softmax", name="digit")(hidden)
    price = layers.Dense(1, name="price")(hidden)
    outputs = {"class": digit, "value": price} if dict_outputs else [digit, price]
    return nn.Model({"a": a, "b": b} if dict_outputs else [a, b], outputs)


def test_losses_and_metrics_per_output_log_under_keras_names():
    x1, x2, digit, price = data()
    model = two_headed()
    model.compile("adam", loss=["sparse_categorical_crossentropy", "mse"], metrics=[["accuracy"], ["mae"]])
    assert model.metrics_names == ["digit_accuracy", "price_mae"]
    history = model.fit([x1, x2], [digit, price], epochs=2, batch_size=8, validation_split=0.25, verbose=0)
    names = ["loss", "digit_loss", "price_loss", "digit_accuracy", "price_mae"]
    assert list(history.history) == names + ["val_" + name for name in names]
    assert history.history["loss"][-1] == pytest.approx(history.history["digit_loss"][-1] +
                                                        history.history["price_loss"][-1], rel=1e-5)
    result = model.evaluate([x1, x2], [digit, price], verbose=0)
    assert len(result) == 5 and result[0] == pytest.approx(result[1] + result[2], rel=1e-5)


def test_dicts_name_the_outputs_for_losses_weights_metrics_and_data():
    x1, x2, digit, price = data()
    model = two_headed(dict_outputs=True)
    model.compile(optimizer="sgd", loss={"class": "sparse_categorical_crossentropy", "value": "mse"},
                  loss_weights={"class": 1.0, "value": 0.5}, metrics={"class": "accuracy"})
    logs = model.evaluate({"a": x1, "b": x2}, {"class": digit, "value": price}, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "class_loss", "value_loss", "class_accuracy"]
    assert logs["loss"] == pytest.approx(logs["class_loss"] + 0.5 * logs["value_loss"], rel=1e-5)
    history = model.fit({"b": x2, "a": x1}, {"value": price, "class": digit}, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "class_loss", "value_loss", "class_accuracy"}


def test_one_loss_serves_every_output_and_a_none_loss_leaves_an_output_out():
    x1, x2, digit, price = data()
    model = two_headed()
    targets = [np.eye(3, dtype=np.float32)[digit], price]
    model.compile("sgd", loss="mse")
    assert list(model.evaluate([x1, x2], targets, verbose=0, return_dict=True)) == ["loss", "digit_loss", "price_loss"]
    model.compile("sgd", loss=[None, "mse"])
    logs = model.evaluate([x1, x2], targets, verbose=0, return_dict=True)
    assert list(logs) == ["loss"]
    by_hand = float(np.mean((model.predict([x1, x2])[1] - price) ** 2))
    assert logs["loss"] == pytest.approx(by_hand, rel=1e-5)


def test_loss_weights_scale_each_output_in_the_total_and_its_gradient():
    x1, x2, digit, price = data(8)
    model = two_headed()
    model.compile("sgd", loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[0.0, 2.0])
    predicted = model([x1, x2])
    loss = model.compute_loss(y=[digit, price], y_pred=predicted)
    assert loss.item() == pytest.approx(2.0 * float(np.mean((predicted[1].data - price) ** 2)), rel=1e-5)
    loss.backward()
    assert np.all(model.get_layer("digit").kernel.grad.data == 0)


def test_sample_weight_applies_to_every_output():
    x1, x2, digit, price = data()
    model = two_headed()
    model.compile("sgd", loss=["sparse_categorical_crossentropy", "mse"])
    halves = np.r_[np.ones(20), np.zeros(20)]
    weighted = model.evaluate([x1, x2], [digit, price], sample_weight=halves, verbose=0, return_dict=True)
    first_half = model.evaluate([x1[:20], x2[:20]], [digit[:20], price[:20]], verbose=0, return_dict=True)
    assert weighted["price_loss"] == pytest.approx(first_half["price_loss"] / 2, rel=1e-5)


def test_generators_give_lists_per_batch():
    x1, x2, digit, price = data()
    model = two_headed()
    model.compile("adam", loss=["sparse_categorical_crossentropy", "mse"])

    def batches():
        while True:
            for start in range(0, 40, 10):
                window = slice(start, start + 10)
                yield [x1[window], x2[window]], [digit[window], price[window]]

    history = model.fit(batches(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.history["price_loss"]) == 2
    assert [p.shape for p in model.predict(batches(), steps=2)] == [(20, 3), (20, 1)]


def test_mismatched_compile_arguments_and_data_say_what_is_expected():
    x1, x2, digit, price = data()
    model = two_headed()
    model.compile("sgd", loss=["mse"])
    with pytest.raises(ValueError, match=r"loss is a list of 1 but the model has 2 outputs \(digit, price\)"):
        model.evaluate([x1, x2], [digit, price], verbose=0)
    model.compile("sgd", loss={"digits": "mse"})
    with pytest.raises(ValueError, match=r"names the outputs \['digits'\].*\['digit', 'price'\]"):
        model.evaluate([x1, x2], [digit, price], verbose=0)
    with pytest.raises(ValueError, match=r"metrics must be a list of one list per output"):
        model.compile("sgd", loss="mse", metrics=["mae"])
    model.compile("sgd", loss="mse")
    with pytest.raises(ValueError, match=r"the model has 2 inputs \(a, b\), so x must be a list of 2 arrays"):
        model.fit(x1, [digit, price], verbose=0)
    with pytest.raises(ValueError, match=r"x is a dict with keys \['a'\].*'b' missing"):
        model.fit({"a": x1}, [digit, price], verbose=0)
    with pytest.raises(ValueError, match=r"x\[0\] has 40 samples but x\[1\] has 30; they must match \(one row per"):
        model.fit([x1, x2[:30]], [digit, price], verbose=0)
    with pytest.raises(ValueError, match="class_weight weighs samples by their class in the one target"):
        model.fit([x1, x2], [digit, price], class_weight={0: 1.0}, verbose=0)


def test_a_model_written_as_a_class_may_return_a_dict_or_a_list():
    class TwoHeads(nn.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(8, activation="relu")
            self.heads = [layers.Dense(3, activation="softmax"), layers.Dense(1)]

        def call(self, inputs):
            hidden = self.hidden(ag.concatenate([inputs["a"], inputs["b"]], axis=-1))
            return {"digit": self.heads[0](hidden), "price": self.heads[1](hidden)}

    x1, x2, digit, price = data()
    model = TwoHeads()
    model.compile("adam", loss={"digit": "sparse_categorical_crossentropy", "price": "mse"},
                  metrics={"digit": ["accuracy"]})
    history = model.fit({"a": x1, "b": x2}, {"digit": digit, "price": price}, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "digit_loss", "price_loss", "digit_accuracy"]
    assert model.predict({"a": x1, "b": x2})["price"].shape == (40, 1)
