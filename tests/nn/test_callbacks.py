"""Each callback doing its job inside fit."""
import csv

import numpy as np
import pytest

import nn
import optim
from nn.callbacks import (Callback, CSVLogger, EarlyStopping, LambdaCallback, LearningRateScheduler,
                          ModelCheckpoint, ReduceLROnPlateau, TerminateOnNaN)
from nn.layers import Dense, Input


def data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, x @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)


def regressor(learning_rate=0.05):
    model = nn.Sequential([Input(shape=(3,)), Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate=learning_rate), loss="mse")
    return model


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None): self.calls.append("train_begin")
    def on_epoch_begin(self, epoch, logs=None): self.calls.append(f"epoch_begin {epoch}")
    def on_train_batch_end(self, batch, logs=None): self.calls.append(f"batch_end {batch}")
    def on_test_begin(self, logs=None): self.calls.append("test_begin")
    def on_epoch_end(self, epoch, logs=None): self.calls.append(f"epoch_end {epoch} {sorted(logs)}")
    def on_train_end(self, logs=None): self.calls.append("train_end")


def test_hooks_run_in_keras_order_with_the_model_attached():
    x, y = data(20)
    recorder = Recorder()
    model = regressor()
    model.fit(x, y, epochs=1, batch_size=10, verbose=0, validation_split=0.5, callbacks=[recorder])
    assert recorder.model is model and recorder.params["epochs"] == 1
    assert recorder.calls == ["train_begin", "epoch_begin 0", "batch_end 0", "test_begin",
                              "epoch_end 0 ['loss', 'val_loss']", "train_end"]


def test_early_stopping_stops_and_restores_the_best_weights():
    x, y = data()
    losses = iter([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1])
    fake_val = LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(val_loss=next(losses)))
    snapshots = []
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    model = regressor()
    history = model.fit(x, y, epochs=8, verbose=0, callbacks=[fake_val, keep, stopper])
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    for restored, best in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(restored, best)


def test_early_stopping_min_delta_mode_and_start_epoch():
    x, y = data()
    stopper = EarlyStopping(monitor="loss", min_delta=10.0, patience=1, start_from_epoch=2)
    history = regressor().fit(x, y, epochs=10, verbose=0, callbacks=[stopper])
    assert history.epoch == [0, 1, 2, 3]
    assert EarlyStopping(monitor="val_accuracy").better is np.greater
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="up")


def test_early_stopping_warns_about_a_missing_monitor():
    x, y = data()
    with pytest.warns(UserWarning, match="val_loss.*not among"):
        regressor().fit(x, y, epochs=1, verbose=0, callbacks=[EarlyStopping()])


def test_model_checkpoint_formats_names_and_keeps_only_the_best(tmp_path):
    x, y = data()
    every = ModelCheckpoint(str(tmp_path / "every-{epoch:02d}-{loss:.3f}.npz"), save_weights_only=True)
    best = ModelCheckpoint(tmp_path / "best.npz", monitor="val_loss", save_best_only=True)
    model = regressor()
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[every, best])
    names = sorted(p.name for p in tmp_path.glob("every-*.npz"))
    assert names[0].startswith("every-01-") and len(names) == 3
    best_epoch = int(np.argmin(history.history["val_loss"]))
    assert best.best == history.history["val_loss"][best_epoch]
    assert nn.load_model(tmp_path / "best.npz").count_params() == model.count_params()


def test_learning_rate_scheduler_sets_and_logs_the_rate():
    x, y = data()
    model = regressor(0.1)
    history = model.fit(x, y, epochs=3, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert model.optimizer.learning_rate == pytest.approx(0.1 / 3)


def test_reduce_lr_on_plateau_cuts_the_rate_after_patience_and_respects_min_lr():
    x, y = data()
    flat = LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(val_loss=1.0))
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.02)
    model = regressor(0.1)
    history = model.fit(x, y, epochs=7, verbose=0, callbacks=[flat, reducer])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point
def test_terminate_on_nan_stops_within_the_epoch(capsys):
    x, y = data()
    model = regressor(learning_rate=1e6)  # diverges to inf, then NaN
    steps = []
    counter = LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(batch))
    history = model.fit(x, y, epochs=50, batch_size=4, verbose=0, callbacks=[counter, TerminateOnNaN()])
    assert len(history.epoch) == 1 and len(steps) < 16
    assert "invalid loss" in capsys.readouterr().out


def test_csv_logger_writes_a_row_per_epoch_and_appends(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    regressor().fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[CSVLogger(path)])
    regressor().fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[CSVLogger(path, append=True)])
    rows = list(csv.DictReader(path.open()))
    assert [row["epoch"] for row in rows] == ["0", "1", "0"] and set(rows[0]) == {"epoch", "loss", "val_loss"}
    overwriting = CSVLogger(path, separator=";")
    overwriting.on_train_begin()
    overwriting.on_train_end()
    assert path.read_text() == ""


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(ValueError, match="on_epoch_ending.*on_epoch_end"):
        LambdaCallback(on_epoch_ending=print)


def test_callbacks_must_be_callback_objects():
    x, y = data()
    with pytest.raises(TypeError, match="Callback objects"):
        regressor().fit(x, y, verbose=0, callbacks=[print])


def test_a_single_callback_needs_no_list():
    x, y = data(20)
    recorder = Recorder()
    regressor().fit(x, y, epochs=2, batch_size=10, verbose=0, callbacks=recorder)
    assert recorder.calls[0] == "train_begin" and recorder.calls[-1] == "train_end"
    evaluated = Recorder()
    regressor().evaluate(x, y, verbose=0, callbacks=evaluated)
    assert evaluated.calls == ["test_begin"]
    with pytest.raises(TypeError, match="a Callback or a list"):
        regressor().fit(x, y, verbose=0, callbacks="csv")


def test_model_checkpoint_creates_folders_and_fills_keras_format_fields(tmp_path):
    x, y = data()
    pattern = tmp_path / "runs" / "a" / "m_{epoch:02d}-{val_loss:.2f}-{loss:.3f}.npz"
    model = regressor()
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25,
                        callbacks=ModelCheckpoint(pattern))
    expected = [f"m_{epoch + 1:02d}-{val:.2f}-{loss:.3f}.npz" for epoch, (val, loss)
                in enumerate(zip(history.history["val_loss"], history.history["loss"]))]
    assert sorted(p.name for p in (tmp_path / "runs" / "a").iterdir()) == expected
    reloaded = nn.load_model(tmp_path / "runs" / "a" / expected[-1])
    np.testing.assert_array_equal(reloaded.predict(x), model.predict(x))
    plain = ModelCheckpoint(str(tmp_path / "plain" / "m_{epoch}.npz"), save_weights_only=True)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[plain])
    assert (tmp_path / "plain" / "m_1.npz").is_file()


def test_model_checkpoint_names_a_field_missing_from_the_logs(tmp_path):
    x, y = data()
    with pytest.raises(KeyError, match=r"'val_loss'.*not among the logged values \['loss'\]"):
        regressor().fit(x, y, verbose=0, callbacks=[ModelCheckpoint(tmp_path / "m_{val_loss:.2f}.npz")])


def test_learning_rate_scheduler_takes_a_function_of_the_epoch_alone():
    x, y = data()
    model = regressor(0.1)
    history = model.fit(x, y, epochs=3, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch: 0.2 * 0.5 ** epoch)])
    assert history.history["learning_rate"] == pytest.approx([0.2, 0.1, 0.05])

    def with_default(epoch, lr=None):  # two positional arguments possible: it gets the rate
        return lr / 2

    model = regressor(0.1)
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(with_default)])
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.025])
    with pytest.raises(TypeError, match=r"neither \(epoch, lr\) nor \(epoch\)"):
        LearningRateScheduler(lambda: 0.1)
    with pytest.raises(TypeError, match="must be a function"):
        LearningRateScheduler(0.1)
