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


def test_metrics_accept_tensors_and_return_floats():
    value = metrics.accuracy(ag.Tensor(LABELS), ag.Tensor(PROBS, requires_grad=True))
    assert type(value) is float and value == pytest.approx(0.75)


@pytest.mark.parametrize("y_true, y_pred, expected", [
    (BINARY_TRUE, BINARY_PRED, metrics.BinaryAccuracy),
    (BINARY_TRUE, BINARY_PRED.ravel(), metrics.BinaryAccuracy),
    (LABELS, PROBS, metrics.SparseCategoricalAccuracy),
    (LABELS.reshape(-1, 1), PROBS, metrics.SparseCategoricalAccuracy),
    (ONE_HOT, PROBS, metrics.CategoricalAccuracy),
])
def test_accuracy_is_resolved_by_shapes(y_true, y_pred, expected):
    assert metrics.resolve_accuracy(y_true, y_pred) is expected
    for name in ("accuracy", "acc", "Accuracy"):
        resolved = metrics.resolve(name, y_true, y_pred)
        assert type(resolved) is expected and resolved.name == name
    assert metrics.accuracy(y_true, y_pred) == expected()(y_true, y_pred)


def test_accuracy_class_counts_exact_matches():
    assert metrics.Accuracy()([1, 2, 3, 4], [1, 2, 0, 4]) == pytest.approx(0.75)


def test_top_k_accuracy_counts_a_hit_when_fewer_than_k_classes_score_higher():
    # Classes scoring strictly above the true one: 0, 0, 1 (0.4 > 0.3; the tied 0.3 is not above), 0.
    higher = [0, 0, 1, 0]
    for k in (1, 2, 3):
        expected = np.mean([h < k for h in higher])
        assert metrics.top_k_categorical_accuracy(ONE_HOT, PROBS, k=k) == pytest.approx(expected)
        assert metrics.sparse_top_k_categorical_accuracy(LABELS, PROBS, k=k) == pytest.approx(expected)
        assert metrics.TopKCategoricalAccuracy(k=k)(ONE_HOT, PROBS) == pytest.approx(expected)
        assert metrics.SparseTopKCategoricalAccuracy(k=k)(LABELS, PROBS) == pytest.approx(expected)
    assert metrics.top_k_categorical_accuracy(ONE_HOT, PROBS, k=1) == metrics.categorical_accuracy(ONE_HOT, PROBS)


def test_k_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="k must be a positive integer, got 0"):
        metrics.TopKCategoricalAccuracy(k=0)(ONE_HOT, PROBS)


def test_state_accumulates_over_batches_until_reset():
    metric = metrics.BinaryAccuracy()
    metric.update_state(BINARY_TRUE[:2], BINARY_PRED[:2])  # 2 of 2 right
    metric.update_state(BINARY_TRUE[2:], BINARY_PRED[2:])  # 1 of 3 right
    assert metric.result() == pytest.approx(3 / 5)  # over samples, not the mean (1 + 1/3) / 2
    metric.reset_state()
    assert metric.result() == 0.0
    metric.update_state(BINARY_TRUE[2:], BINARY_PRED[2:])
    assert metric.result() == pytest.approx(1 / 3)


def test_sample_weights_weight_each_sample():
    weights = np.array([1.0, 2.0, 0.0, 1.0, 4.0])
    right = (BINARY_TRUE == (BINARY_PRED.ravel() > 0.5)).astype(float)
    metric = metrics.BinaryAccuracy()
    metric.update_state(BINARY_TRUE, BINARY_PRED, sample_weight=weights)
    assert metric.result() == pytest.approx(np.sum(right * weights) / np.sum(weights))


def test_calling_a_metric_updates_it_and_returns_the_result():
    metric = metrics.SparseCategoricalAccuracy()
    assert metric(LABELS[:2], PROBS[:2]) == pytest.approx(1.0)
    assert metric(LABELS[2:], PROBS[2:]) == pytest.approx(0.75)  # both batches together


def test_config_round_trip():
    metric = metrics.BinaryAccuracy(name="acc_at_07", threshold=0.7)
    assert metric.get_config() == {"name": "acc_at_07", "threshold": 0.7}
    restored = metrics.BinaryAccuracy.from_config(metric.get_config())
    assert restored.get_config() == metric.get_config()
    assert restored(BINARY_TRUE, BINARY_PRED) == pytest.approx(metrics.binary_accuracy(BINARY_TRUE, BINARY_PRED, 0.7))


def test_ambiguous_shapes_are_an_error():
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        metrics.categorical_accuracy(np.zeros((4, 2)), PROBS)


def test_out_of_range_labels_are_an_error():
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        metrics.sparse_categorical_accuracy(np.array([0, 1, 2, 3]), PROBS)
