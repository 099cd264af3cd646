import numpy as np
import pytest

import autograd as ag
from nn import metrics

PROBS = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]])
LABELS = np.array([1, 0, 0, 1])  # three of four right
ONE_HOT = np.eye(3)[LABELS]
BINARY_PRED = np.array([[0.9], [0.2], [0.6], [0.4], [0.5]])
BINARY_TRUE = np.array([1.0, 0.0, 0.0, 0.0, 1.0])  # 0.5 is not above the threshold: 3 of 5


def test_binary_accuracy_thresholds_strictly_above():
    assert metrics.binary_accuracy(BINARY_TRUE, BINARY_PRED) == pytest.approx(0.6)
    assert metrics.binary_accuracy(BINARY_TRUE, BINARY_PRED, threshold=0.45) == pytest.approx(0.8)


def test_categorical_and_sparse_accuracy():
    assert metrics.categorical_accuracy(ONE_HOT, PROBS) == pytest.approx(0.75)
    assert metrics.sparse_categorical_accuracy(LABELS, PROBS) == pytest.approx(0.75)
    assert metrics.sparse_categorical_accuracy(LABELS.reshape(-1, 1), PROBS) == pytest.approx(0.75)
    assert metrics.sparse_categorical_accuracy(LABELS.astype(float), PROBS) == pytest.approx(0.75)


def test_regression_metrics():
    y_true, y_pred = np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [1.0]])
    assert metrics.mae(y_true, y_pred) == pytest.approx(2.5 / 3)
    assert metrics.mse(y_true, y_pred) == pytest.approx(4.25 / 3)


def test_metrics_accept_tensors_and_return_floats():
    value = metrics.accuracy(ag.Tensor(LABELS), ag.Tensor(PROBS, requires_grad=True))
    assert type(value) is float and value == pytest.approx(0.75)


@pytest.mark.parametrize("y_true, y_pred, expected", [
    (BINARY_TRUE, BINARY_PRED, metrics.binary_accuracy),
    (BINARY_TRUE, BINARY_PRED.ravel(), metrics.binary_accuracy),
    (LABELS, PROBS, metrics.sparse_categorical_accuracy),
    (LABELS.reshape(-1, 1), PROBS, metrics.sparse_categorical_accuracy),
    (ONE_HOT, PROBS, metrics.categorical_accuracy),
])
def test_accuracy_is_resolved_by_shapes(y_true, y_pred, expected):
    assert metrics.resolve("accuracy", y_true, y_pred) is expected
    assert metrics.resolve("acc", y_true, y_pred) is expected
    assert metrics.accuracy(y_true, y_pred) == expected(y_true, y_pred)


def test_resolve_leaves_other_metrics_alone():
    assert metrics.resolve("mae", BINARY_TRUE, BINARY_PRED)(BINARY_TRUE, BINARY_PRED) == \
        metrics.mean_absolute_error(BINARY_TRUE, BINARY_PRED)


@pytest.mark.parametrize("name", ["accuracy", "acc", "mae", "mean_squared_error", "binary_accuracy"])
def test_get_keeps_the_given_name_as_history_key(name):
    metric = metrics.get(name)
    assert metric.__name__ == name
    assert metrics.serialize(metric) == name


def test_get_passes_callables_and_none_through():
    custom = lambda t, p: 0.0  # noqa: E731
    assert metrics.get(custom) is custom
    assert metrics.get(None) is None


def test_unknown_metric_lists_the_valid_names():
    with pytest.raises(ValueError, match="'acuracy'.*'accuracy'.*'mse'"):
        metrics.get("acuracy")


def test_custom_metric_cannot_be_serialized():
    with pytest.raises(ValueError, match="custom metric"):
        metrics.serialize(lambda t, p: 0.0)


def test_ambiguous_shapes_are_an_error():
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        metrics.categorical_accuracy(np.zeros((4, 2)), PROBS)


def test_out_of_range_labels_are_an_error():
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        metrics.sparse_categorical_accuracy(np.array([0, 1, 2, 3]), PROBS)


def test_none_serializes_to_none():
    assert metrics.serialize(None) is None
