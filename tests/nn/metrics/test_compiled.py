"""Compiled metrics in fit / evaluate: History keys as Keras names them, epoch values computed
over every sample (not averaged over batches), compile by name, object or class, saving."""
import numpy as np
import pytest

import nn
import optim
from nn import metrics
from nn.layers import Dense, Input


def binary_data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x[:, 0] + 0.8 * rng.normal(size=n) > 0).astype(np.float32)
    return x, y


FROZEN = 1e-12  # updates below float32's resolution: the weights stay put


def binary_model(metric_list, learning_rate=0.05):
    model = nn.Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optim.SGD(learning_rate=learning_rate), loss="binary_crossentropy",
                  metrics=metric_list)
    return model


def test_history_names_metrics_as_keras_does():
    # Keras 3.15.1 (KERAS_BACKEND=torch) logs exactly these keys, sorted, for the same compile
    # call in a fresh session: the PR AUC object is named "auc" and then numbered past the
    # string "auc"; the Precision class is built with its default name.
    x, y = binary_data()
    model = binary_model(["accuracy", "auc", "AUC", metrics.AUC(curve="PR"), metrics.Precision,
                          "recall", "mse", metrics.BinaryAccuracy(threshold=0.7)])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.2)
    names = ["accuracy", "auc", "AUC", "auc_1", "precision", "recall", "mse", "binary_accuracy"]
    assert model.metrics_names == names
    assert list(history.history) == ["loss", *names, "val_loss", *("val_" + n for n in names)]


def test_a_name_taken_twice_over_is_numbered_again_rather_than_overwritten():
    # Keras would log both of the last two under "auc_1", losing one; here none is lost.
    names = metrics.CompiledMetrics(["auc", metrics.AUC(), metrics.AUC()]).names
    assert names == ["auc", "auc_1", "auc_1_1"]


def test_epoch_values_are_computed_over_all_samples():
    x, y = binary_data()
    x_val, y_val = binary_data(40, seed=1)
    # FROZEN: the training pass sees exactly predict(x)'s outputs
    model = binary_model([metrics.AUC(), metrics.Precision(), "accuracy", metrics.RootMeanSquaredError()],
                         learning_rate=FROZEN)
    history = model.fit(x, y, epochs=1, batch_size=7, verbose=0, validation_data=(x_val, y_val))
    p, p_val = model.predict(x), model.predict(x_val)
    for prefix, target, prediction in (("", y, p), ("val_", y_val, p_val)):
        assert history.history[prefix + "auc"][0] == pytest.approx(metrics.AUC()(target, prediction))
        assert history.history[prefix + "precision"][0] == pytest.approx(metrics.Precision()(target, prediction))
        assert history.history[prefix + "root_mean_squared_error"][0] == \
            pytest.approx(np.sqrt(np.mean((prediction.ravel() - target) ** 2)), rel=1e-5)
    batch_aucs = [metrics.AUC()(y_val[i:i + 7], p_val[i:i + 7]) for i in range(0, 40, 7)]
    assert history.history["val_auc"][0] != pytest.approx(np.mean(batch_aucs))  # not a mean of batches
    results = model.evaluate(x_val, y_val, batch_size=5, verbose=0, return_dict=True)
    assert results["auc"] == pytest.approx(history.history["val_auc"][0])


def test_compile_by_class_for_metrics_and_losses():
    x, y = binary_data()
    model = nn.Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=nn.losses.BinaryCrossentropy, metrics=[metrics.AUC, metrics.Recall])
    assert isinstance(model.loss, nn.losses.BinaryCrossentropy)
    history = model.fit(x, y, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "auc", "recall"]
    loss = model.evaluate(x, y, verbose=0)[0]
    assert loss == pytest.approx(nn.losses.binary_crossentropy(y, model.predict(x)).item(), rel=1e-5)


def test_single_batch_steps_report_that_batch_alone():
    x, y = binary_data()
    model = binary_model([metrics.AUC()], learning_rate=FROZEN)
    model.train_on_batch(x[:30], y[:30])
    second = model.test_on_batch(x[30:60], y[30:60], return_dict=True)
    assert second["auc"] == pytest.approx(metrics.AUC()(y[30:60], model.predict(x[30:60])))


def test_vector_valued_metrics_are_logged_as_arrays():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4)).astype(np.float32)
    y = np.eye(3)[rng.integers(0, 3, 60)].astype(np.float32)
    model = nn.Sequential([Input(shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[metrics.F1Score(), metrics.Precision(thresholds=[0.3, 0.6])])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert history.history["f1_score"][0].shape == (3,)
    assert history.history["precision"][0].shape == (2,)


def test_the_progress_line_shows_a_vector_valued_metric_as_its_mean(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype(np.float32)
    y = np.eye(3)[rng.integers(0, 3, 30)].astype(np.float32)
    model = nn.Sequential([Input(shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[metrics.F1Score()])
    history = model.fit(x, y, epochs=1, verbose=2)
    shown = f"f1_score: {float(np.mean(history.history['f1_score'][0])):.4f}"
    assert shown in capsys.readouterr().out


def test_a_custom_metric_function_keeps_its_name():
    def mean_prediction(y_true, y_pred):
        return y_pred.ravel()

    x, y = binary_data()
    model = binary_model(["accuracy", mean_prediction], learning_rate=FROZEN)
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert history.history["mean_prediction"][0] == pytest.approx(float(np.mean(model.predict(x))), rel=1e-5)


def test_saved_models_restore_their_metrics(tmp_path):
    x, y = binary_data()
    model = binary_model(["accuracy", metrics.AUC(curve="PR", name="pr_auc"), metrics.Precision(thresholds=0.7)])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert loaded.metrics_names == ["accuracy", "pr_auc", "precision"]
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
