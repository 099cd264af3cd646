import numpy as np
import pytest

import nn
from nn import metrics


@pytest.mark.parametrize("name, cls", [
    ("auc", metrics.AUC), ("AUC", metrics.AUC), ("precision", metrics.Precision),
    ("Recall", metrics.Recall), ("mse", metrics.MeanSquaredError), ("MAE", metrics.MeanAbsoluteError),
    ("root_mean_squared_error", metrics.RootMeanSquaredError), ("bce", metrics.BinaryCrossentropy),
    ("f1_score", metrics.F1Score), ("binary_accuracy", metrics.BinaryAccuracy),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy), ("accuracy", metrics.Accuracy),
])
def test_get_builds_the_class_keras_names(name, cls):
    assert type(metrics.get(name)) is cls


def test_get_instantiates_classes_and_passes_objects_and_functions_through():
    assert type(metrics.get(metrics.Recall)) is metrics.Recall
    auc = metrics.AUC()
    assert metrics.get(auc) is auc
    custom = lambda t, p: 0.0  # noqa: E731
    assert metrics.get(custom) is custom
    assert metrics.get(None) is None
    with pytest.raises(TypeError, match="dict is not a metric class"):
        metrics.get(dict)
    with pytest.raises(TypeError, match="a metric must be a name"):
        metrics.get(3)


def test_unknown_metric_lists_the_valid_names():
    with pytest.raises(ValueError, match="'acuracy'.*'accuracy'.*'auc'.*'mse'"):
        metrics.get("acuracy")


def test_resolve_names_metrics_as_compile_does():
    y_true, y_pred = np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]])
    for name in ("auc", "AUC", "mse", "binary_accuracy"):
        assert metrics.resolve(name, y_true, y_pred).name == name
    resolved = metrics.resolve(metrics.mean_absolute_error, y_true, y_pred)
    assert type(resolved) is metrics.MeanAbsoluteError and resolved.name == "mean_absolute_error"


def test_a_custom_function_is_averaged_per_batch_as_keras_does():
    def batch_error(y_true, y_pred):  # one number per batch: Keras counts each batch once
        return float(np.mean(np.abs(y_true - y_pred)))

    metric = metrics.resolve(batch_error, None, None)
    assert metric.name == "batch_error"
    metric.update_state(np.zeros(3), np.ones(3))       # 1.0
    metric.update_state(np.zeros(1), np.full(1, 4.0))  # 4.0
    assert metric.result() == pytest.approx(2.5)


@pytest.mark.parametrize("metric", [
    "accuracy", "auc", metrics.AUC(curve="PR", name="pr"), metrics.Precision(thresholds=[0.2, 0.7]),
    metrics.F1Score(average="macro"), metrics.mean_squared_error, metrics.accuracy,
])
def test_serialize_round_trips(metric):
    restored = metrics.deserialize(metrics.serialize(metric))
    if isinstance(metric, metrics.Metric):
        assert type(restored) is type(metric) and restored.get_config() == metric.get_config()
    else:
        assert metrics.resolve(restored, np.ones(2), np.ones(2)).name == \
            metrics.resolve(metric, np.ones(2), np.ones(2)).name


def test_a_metric_of_your_own_is_saved_by_name_and_found_through_custom_objects():
    def hit_rate(y_true, y_pred):
        return np.mean(np.round(y_pred) == y_true)

    config = metrics.serialize(hit_rate)
    assert config == {"class_name": "function", "config": "hit_rate", "registered_name": None}
    with pytest.raises(ValueError, match="unknown function 'hit_rate'.*register_serializable"):
        metrics.get(config)
    with nn.saving.custom_object_scope({"hit_rate": hit_rate}):
        assert metrics.get(config) is hit_rate


def test_none_serializes_to_none():
    assert metrics.serialize(None) is None


def test_compiled_metrics_number_repeated_names_like_keras():
    # Keras 3.15.1: compile(metrics=[AUC(), AUC()]) logs "auc" and "auc_1";
    # [BinaryAccuracy(), BinaryAccuracy(threshold=0.7)] logs "binary_accuracy" and "binary_accuracy_1".
    assert metrics.CompiledMetrics([metrics.AUC(), metrics.AUC()]).names == ["auc", "auc_1"]
    repeated = [metrics.BinaryAccuracy(), metrics.BinaryAccuracy(threshold=0.7), "binary_accuracy"]
    assert metrics.CompiledMetrics(repeated).names == ["binary_accuracy", "binary_accuracy_1",
                                                       "binary_accuracy_2"]
    assert metrics.CompiledMetrics(["auc", "AUC", metrics.Precision, "mse"]).names == \
        ["auc", "AUC", "precision", "mse"]


def test_compiled_metrics_check_names_at_compile():
    with pytest.raises(ValueError, match="unknown metric 'aucc'"):
        metrics.CompiledMetrics(["aucc"])
