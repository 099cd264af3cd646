"""compile / fit / evaluate / predict / train_on_batch: History, validation, progress, errors, seeds."""
import io

import numpy as np
import pytest

import nn
import optim
from nn.layers import Dense, Dropout, Input
from nn.progress import ProgressBar
from autograd.numeric import all_finite


def blobs(n=120, seed=0):
    """Three separable Gaussian clusters in 4-D with integer labels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(size=(n, 4)).astype(np.float32) * 0.3 + np.eye(3, 4)[y] * 2
    return x, y


def classifier(**compile_args):
    model = nn.Sequential([Input(shape=(4,)), Dense(16, activation="relu"), Dense(3, activation="softmax")])
    model.compile(**{"optimizer": optim.Adam(learning_rate=0.01), "loss": "sparse_categorical_crossentropy",
                     "metrics": ["accuracy"], **compile_args})
    return model


def test_fit_returns_history_with_keras_keys_and_learns():
    x, y = blobs()
    model = classifier()
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0, validation_split=0.25)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == list(range(8)) and all(len(v) == 8 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9 and model.history is history


def test_validation_split_holds_out_the_last_fraction():
    x, y = blobs(100)
    model = classifier()
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0, validation_split=0.2)
    loss, accuracy = model.evaluate(x[80:], y[80:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_accuracy"][0] == pytest.approx(accuracy)


def test_validation_data_and_initial_epoch():
    x, y = blobs()
    history = classifier().fit(x, y, epochs=4, initial_epoch=2, verbose=0, validation_data=(x[:10], y[:10]))
    assert history.epoch == [2, 3] and "val_loss" in history.history


def test_evaluate_predict_and_single_batch_steps():
    x, y = blobs()
    model = classifier()
    model.fit(x, y, epochs=5, verbose=0)
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(results) == {"loss", "accuracy"}
    predictions = model.predict(x, batch_size=7)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (120, 3)
    np.testing.assert_allclose(predictions, model(x).data, rtol=1e-6)
    assert results["accuracy"] == pytest.approx(np.mean(predictions.argmax(1) == y))
    loss, accuracy = model.test_on_batch(x[:10], y[:10])
    assert loss > 0 and 0 <= accuracy <= 1
    np.testing.assert_array_equal(model.predict_on_batch(x[:10]), model.predict(x[:10]))
    before = model.get_weights()[0].copy()
    assert set(model.train_on_batch(x[:10], y[:10], return_dict=True)) == {"loss", "accuracy"}
    assert not np.array_equal(before, model.get_weights()[0])


def test_lambda_callback_takes_keras_s_named_hooks_and_any_other_by_keyword():
    x, y = blobs()
    calls = []
    hooks = nn.callbacks.LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                                        on_epoch_end=lambda epoch, logs: calls.append(epoch),
                                        on_test_end=lambda logs: calls.append("tested"))
    classifier().fit(x, y, epochs=2, verbose=0, validation_data=(x[:10], y[:10]), callbacks=[hooks])
    assert calls == ["begin", "tested", 0, "tested", 1]
    assert nn.metrics.Mean().name == "mean"


def test_evaluate_without_metrics_returns_the_loss_alone():
    x, y = blobs()
    model = classifier(metrics=None)
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_training_loss_includes_regularization():
    x, y = blobs()
    model = nn.Sequential([Input(shape=(4,)), Dense(3, kernel_regularizer=nn.regularizers.L2(10.0))])
    model.compile(optimizer="sgd", loss=nn.losses.SparseCategoricalCrossentropy(from_logits=True))
    data_loss = nn.losses.get("sparse_categorical_crossentropy")(y, model(x).softmax()).item()
    penalty = 10.0 * float(np.sum(model.layers[0].kernel.data ** 2))
    assert model.evaluate(x, y, batch_size=len(x), verbose=0) == pytest.approx(data_loss + penalty, rel=1e-4)


def test_same_seed_gives_bit_identical_training():
    def run():
        nn.layers.reset_name_counters()
        nn.utils.set_random_seed(42)
        x, y = blobs()
        model = nn.Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dropout(0.3), Dense(3)])
        model.compile(optimizer="adam", loss=nn.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model.fit(x, y, epochs=3, batch_size=10, verbose=0).history, model.get_weights()

    (history_a, weights_a), (history_b, weights_b) = run(), run()
    assert history_a == history_b
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)


def test_progress_prints_one_keras_line_per_epoch_when_not_a_terminal(capsys):
    x, y = blobs()
    classifier().fit(x, y, epochs=2, batch_size=40, verbose=1, validation_split=0.25)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Epoch 2/2 - 3/3 - ") and "/step - loss: " in lines[1]
    assert " - accuracy: " in lines[1] and " - val_loss: " in lines[1]
    classifier().fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    classifier().fit(x, y, epochs=2, verbose=2)
    assert capsys.readouterr().out.count("Epoch ") == 2


def test_labels_may_be_float_targets_for_regression():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2))
    y = x @ np.array([[1.0], [-2.0]]) + 0.5
    model = nn.Sequential([Input(shape=(2,)), Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 1e-3


@pytest.mark.parametrize("call, message", [
    (lambda m, x, y: m.fit(x, y[:-1], verbose=0), "120 samples but y has 119"),
    (lambda m, x, y: m.fit(x[:0], y[:0], verbose=0), "empty"),
    (lambda m, x, y: m.fit(np.where(np.arange(120)[:, None] == 5, np.nan, x), y, verbose=0), "NaN.*sample 5"),
    (lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0), "batch_size must be a positive integer"),
    (lambda m, x, y: m.fit(x, y, epochs=-1, verbose=0), "epochs must be a positive integer"),
    (lambda m, x, y: m.fit(x, y, validation_split=1.5, verbose=0), "validation_split"),
    (lambda m, x, y: m.evaluate(x, None), "targets y"),
])
def test_bad_data_gives_clear_errors(call, message):
    x, y = blobs()
    with pytest.raises(ValueError, match=message):
        call(classifier(), x, y)


def test_fit_before_compile_is_an_error():
    x, y = blobs()
    with pytest.raises(RuntimeError, match="compile"):
        nn.Sequential([Dense(3)]).fit(x, y)


def test_unknown_names_in_compile_list_the_valid_ones():
    with pytest.raises(ValueError, match="adam"):
        nn.Sequential([Dense(3)]).compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="mse"):
        nn.Sequential([Dense(3)]).compile(optimizer="adam", loss="msee")


def test_a_failed_compile_leaves_the_model_as_it_was():
    x, y = blobs()
    model = classifier()
    before = (model.optimizer, model.loss, model.metrics_names, model.compiled)
    for bad in ({"metrics": ["accurracy"]}, {"loss": "msee"}, {"optimizer": "adamm"}):
        with pytest.raises(ValueError):
            model.compile(**{"optimizer": "sgd", "loss": "mse", "metrics": ["mae"], **bad})
        assert (model.optimizer, model.loss, model.metrics_names, model.compiled) == before
    assert list(model.fit(x, y, verbose=0).history) == ["loss", "accuracy"]
    fresh = nn.Sequential([Input(shape=(4,)), Dense(3)])
    with pytest.raises(ValueError):
        fresh.compile(optimizer="adam", loss="mse", metrics=["accurracy"])
    assert not fresh.compiled and fresh.optimizer is None and fresh.loss is None


def frozen_and_trained(model, x, y, layer):
    """Freeze `layer`, fit one epoch; whether its weights and the others' changed."""
    layer.trainable = False
    frozen_before = layer.get_weights()
    others_before = [w.data.copy() for w in model.trainable_weights]
    model.fit(x, y, epochs=1, verbose=0)
    assert model.optimizer.param_groups[0]["params"] == model.trainable_weights
    assert set(model.optimizer.state) <= set(model.trainable_weights)
    frozen_kept = all(np.array_equal(a, b) for a, b in zip(frozen_before, layer.get_weights()))
    others_moved = all(not np.array_equal(a, w.data) for a, w in zip(others_before, model.trainable_weights))
    return frozen_kept and others_moved


def test_freezing_after_compile_or_fit_takes_effect_at_the_next_fit():
    x, y = blobs()
    model = classifier()
    assert frozen_and_trained(model, x, y, model.layers[0])  # after compile, before any fit
    model = classifier()
    model.fit(x, y, epochs=1, verbose=0)
    steps = model.optimizer.iterations
    head_kernel = model.layers[1].weights[0]
    head_state = model.optimizer.state[head_kernel]
    model.layers[0].trainable = False
    model.fit(x, y, epochs=1, batch_size=len(x), verbose=0)  # one step
    assert model.optimizer.iterations == steps + 1  # the schedule and bias correction go on
    assert model.optimizer.state[head_kernel] is head_state  # the head's moments carry on
    assert set(model.optimizer.state) == set(model.layers[1].weights)
    model.layers[0].trainable = True  # unfreezing works the same way
    assert frozen_and_trained(model, x, y, model.layers[1])


def test_freezing_after_load_model_and_saving_while_frozen(tmp_path):
    x, y = blobs()
    model = classifier()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert frozen_and_trained(loaded, x, y, loaded.layers[0])
    model.layers[0].trainable = False  # frozen since the last fit, then saved
    model.save(tmp_path / "frozen.npz")
    reloaded = nn.load_model(tmp_path / "frozen.npz")
    assert not reloaded.layers[0].trainable
    assert reloaded.optimizer.iterations == model.optimizer.iterations
    assert frozen_and_trained(reloaded, x, y, reloaded.layers[0])


def test_recompiling_with_the_same_optimizer_after_freezing():
    x, y = blobs()
    model = classifier()
    model.fit(x, y, epochs=1, verbose=0)
    model.layers[0].trainable = False
    model.compile(optimizer=model.optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert frozen_and_trained(model, x, y, model.layers[0])
    other = classifier(optimizer=model.optimizer)  # a second model may not take it over
    with pytest.raises(RuntimeError, match="use a new optimizer for each model"):
        other.fit(x, y, verbose=0)


class TerminalText(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_in_a_terminal_is_live_and_ends_with_the_epoch_summary(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # a terminal of known width (tests/nn/test_progress.py has more)
    stream = TerminalText()
    bar = ProgressBar(verbose=1, steps_per_epoch=3, epochs=5, stream=stream)
    assert bar.uses_hook("on_train_batch_end")
    bar.on_epoch_begin(1)
    for step in range(3):
        bar.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
    bar.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.25})
    final = stream.getvalue().split("\r")[-1]
    assert final.startswith("Epoch 2/5 3/3 [") and "/step - loss: 0.5000 - val_loss: 0.2500" in final
    assert not ProgressBar(verbose=1, steps_per_epoch=3, epochs=5, stream=io.StringIO()).uses_hook(
        "on_train_batch_end")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 2), (6,)])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, None])
def test_all_finite_finds_any_nan_or_inf(dtype, shape, bad):
    array = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    if bad is not None:
        array.flat[array.size // 2] = bad
    assert all_finite(array) == (bad is None)


def test_all_finite_when_finite_values_overflow_the_row_sums():
    huge = np.full((2, 4), 3e38, dtype=np.float32)  # each row sums to inf in float32
    assert all_finite(huge)
    huge[1, 2] = np.nan
    assert not all_finite(huge)
