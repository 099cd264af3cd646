import numpy as np
import pytest

from nn import metrics

rng = np.random.default_rng(0)
BINARY_TRUE = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
LOGITS = rng.normal(size=(5, 1)) * 2.0
PROBS = 1.0 / (1.0 + np.exp(-LOGITS))
CLASS_LOGITS = rng.normal(size=(4, 3))
CLASS_PROBS = np.exp(CLASS_LOGITS) / np.exp(CLASS_LOGITS).sum(axis=1, keepdims=True)
LABELS = np.array([2, 0, 1, 2])


def per_sample_bce(y, p):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).ravel()


def test_binary_crossentropy_over_batches_equals_the_formula():
    metric = metrics.BinaryCrossentropy()
    metric.update_state(BINARY_TRUE[:3], PROBS[:3])
    metric.update_state(BINARY_TRUE[3:], PROBS[3:])
    assert metric.result() == pytest.approx(np.mean(per_sample_bce(BINARY_TRUE, PROBS)), rel=1e-9)


def test_from_logits_and_sample_weights():
    weights = np.array([1.0, 0.0, 2.0, 1.0, 0.5])
    metric = metrics.BinaryCrossentropy(from_logits=True)
    metric.update_state(BINARY_TRUE, LOGITS, sample_weight=weights)
    expected = np.sum(weights * per_sample_bce(BINARY_TRUE, PROBS)) / np.sum(weights)
    assert metric.result() == pytest.approx(expected, rel=1e-9)


def test_categorical_metrics_agree_with_their_losses():
    one_hot = np.eye(3)[LABELS]
    expected = -np.mean(np.log(CLASS_PROBS[np.arange(4), LABELS]))
    assert metrics.CategoricalCrossentropy()(one_hot, CLASS_PROBS) == pytest.approx(expected, rel=1e-9)
    assert metrics.SparseCategoricalCrossentropy()(LABELS, CLASS_PROBS) == pytest.approx(expected, rel=1e-9)
    assert metrics.SparseCategoricalCrossentropy(from_logits=True)(LABELS, CLASS_LOGITS) == \
        pytest.approx(expected, rel=1e-9)
    smoothed = metrics.CategoricalCrossentropy(label_smoothing=0.3)(one_hot, CLASS_PROBS)
    targets = one_hot * 0.7 + 0.3 / 3
    assert smoothed == pytest.approx(-np.mean(np.sum(targets * np.log(CLASS_PROBS), axis=1)), rel=1e-9)


def test_logits_given_as_probabilities_are_refused_like_the_loss():
    with pytest.raises(ValueError, match="binary_crossentropy: y_pred holds negative values.*from_logits=True"):
        metrics.BinaryCrossentropy()(BINARY_TRUE, np.array([[-1.0], [2.0], [0.5], [0.1], [3.0]]))


def test_config_round_trip():
    metric = metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    config = metric.get_config()
    assert config == {"name": "binary_crossentropy", "from_logits": True, "label_smoothing": 0.1}
    assert metrics.BinaryCrossentropy.from_config(config).get_config() == config
