"""TensorBoard: real event files, read back with tensorboard's own event reader."""
import sys

import numpy as np
import pytest

import nn
import optim
from nn.callbacks import LambdaCallback, TensorBoard
from nn.layers import Dense, Input


def needs_tensorboard():
    pytest.importorskip("tensorboardX")
    return pytest.importorskip("tensorboard.backend.event_processing.event_accumulator").EventAccumulator


def read(folder):
    accumulator = needs_tensorboard()(str(folder), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    return accumulator


def scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def assert_scalars(accumulator, tag, steps, values):
    events = accumulator.Scalars(tag)
    assert [event.step for event in events] == list(steps)
    assert [event.value for event in events] == pytest.approx(list(values), rel=1e-6)


def blobs(n=48):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=n)
    return rng.normal(size=(n, 3)).astype(np.float32) + y[:, None], y


def classifier():
    model = nn.Sequential([Input(shape=(3,)), Dense(4, activation="relu"), Dense(2, activation="softmax")])
    model.compile(optimizer=optim.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_epoch_scalars_go_to_train_and_validation_as_keras_names_them(tmp_path):
    needs_tensorboard()
    x, y = blobs()
    model = classifier()
    iterations = []
    count = LambdaCallback(on_epoch_end=lambda epoch, logs: iterations.append(model.optimizer.iterations))
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[TensorBoard(tmp_path / "logs"), count])
    train, validation = read(tmp_path / "logs" / "train"), read(tmp_path / "logs" / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    for name in ("loss", "accuracy"):
        assert_scalars(train, f"epoch_{name}", range(3), history.history[name])
        assert_scalars(validation, f"epoch_{name}", range(3), history.history[f"val_{name}"])
        assert_scalars(validation, f"evaluation_{name}_vs_iterations", iterations, history.history[f"val_{name}"])
    assert_scalars(train, "epoch_learning_rate", range(3), [0.01] * 3)
    assert train.Tags()["histograms"] == []


def test_weight_and_gradient_histograms_every_histogram_freq_epochs(tmp_path):
    needs_tensorboard()
    x, y = blobs()
    model = classifier()
    snapshots = {}
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.update(
        {epoch: {w.name: (w.data.copy(), w.grad.data.copy()) for w in model.weights}}))
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[keep, TensorBoard(tmp_path, histogram_freq=2)])
    train = read(tmp_path / "train")
    names = [w.name for w in model.weights]
    assert sorted(train.Tags()["histograms"]) == sorted(
        [f"{name}/histogram" for name in names] + [f"{name}/gradient" for name in names])
    for name in names:
        for suffix, which in (("histogram", 0), ("gradient", 1)):
            events = train.Histograms(f"{name}/{suffix}")
            assert [event.step for event in events] == [0, 2]
            for event in events:
                values = snapshots[event.step][name][which]
                histogram = event.histogram_value
                assert histogram.num == values.size
                assert (histogram.min, histogram.max) == pytest.approx((values.min(), values.max()))
                assert histogram.sum == pytest.approx(values.sum(), abs=1e-5)


def test_frozen_weights_get_no_gradient_histogram(tmp_path):
    needs_tensorboard()
    x, y = blobs()
    model = classifier()
    model.layers[0].trainable = False
    model.fit(x, y, epochs=1, verbose=0, callbacks=TensorBoard(tmp_path, histogram_freq=1))
    tags = read(tmp_path / "train").Tags()["histograms"]
    assert "dense/kernel/histogram" in tags and "dense/kernel/gradient" not in tags
    assert "dense_1/kernel/gradient" in tags


def test_batch_scalars_every_update_freq_batches(tmp_path):
    needs_tensorboard()
    x, y = blobs()
    model = classifier()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0,  # 6 batches per epoch, 12 in all
              callbacks=[TensorBoard(tmp_path, update_freq=5, write_steps_per_second=True)])
    train = read(tmp_path / "train")
    assert [step for step, _ in scalars(train, "batch_loss")] == [5, 10]
    assert [step for step, _ in scalars(train, "batch_steps_per_second")] == [5, 10]
    assert all(value > 0 for _, value in scalars(train, "epoch_steps_per_second"))
    every = TensorBoard(tmp_path / "every", update_freq="batch")
    classifier().fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[every])
    assert [step for step, _ in scalars(read(tmp_path / "every" / "train"), "batch_loss")] == [1, 2, 3, 4, 5, 6]


def test_evaluate_alone_writes_evaluation_scalars(tmp_path):
    needs_tensorboard()
    x, y = blobs()
    model = classifier()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0, callbacks=TensorBoard(tmp_path))
    validation = read(tmp_path / "validation")
    assert_scalars(validation, "evaluation_loss_vs_iterations", [3], [loss])
    assert_scalars(validation, "evaluation_accuracy_vs_iterations", [3], [accuracy])


def test_arguments_it_cannot_honour(tmp_path):
    pytest.importorskip("tensorboardX")
    with pytest.raises(ValueError, match="profile_batch must be 0"):
        TensorBoard(tmp_path, profile_batch=5)
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(tmp_path, update_freq="sometimes")
    with pytest.raises(ValueError, match="histogram_freq"):
        TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.warns(UserWarning, match="no weight images"):
        TensorBoard(tmp_path, write_images=True)


def test_without_tensorboardx_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install chainrule\[tensorboard\]"):
        TensorBoard("logs")
