import numpy as np
import pytest

from nn import metrics

# One-hot targets and scores for 5 samples, 3 classes.
Y_TRUE = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]], dtype=float)
Y_PRED = np.array([[0.2, 0.7, 0.1], [0.4, 0.5, 0.1], [0.3, 0.3, 0.4], [0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])
EPSILON = 1e-7


def counts(predicted, weights=None):
    """Per-class true positives, false positives and false negatives."""
    weights = np.ones((len(Y_TRUE), 1)) if weights is None else weights[:, None]
    return (np.sum(weights * predicted * Y_TRUE, axis=0), np.sum(weights * predicted * (1 - Y_TRUE), axis=0),
            np.sum(weights * (1 - predicted) * Y_TRUE, axis=0))


def f_beta(tp, fp, fn, beta=1.0):
    precision, recall = tp / (tp + fp + EPSILON), tp / (tp + fn + EPSILON)
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall + EPSILON)


ARGMAX = np.eye(3)[Y_PRED.argmax(axis=1)]  # predicts classes 1, 1, 2, 1, 0


def test_per_class_scores_from_the_row_maximum():
    scores = metrics.F1Score()(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(scores, f_beta(*counts(ARGMAX)), rtol=1e-12)
    # by hand: class 0 has TP 1, FN 1 (F1 2/3); class 1 TP 2, FP 1 (0.8); class 2 TP 1 (1.0)
    np.testing.assert_allclose(scores, [2 / 3, 0.8, 1.0], atol=1e-6)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_averages(average):
    per_class = f_beta(*counts(ARGMAX))
    support = Y_TRUE.sum(axis=0)
    expected = {"micro": f_beta(*(c.sum() for c in counts(ARGMAX))),
                "macro": per_class.mean(),
                "weighted": np.sum(per_class * support / (support.sum() + EPSILON))}[average]
    metric = metrics.F1Score(average=average)
    metric.update_state(Y_TRUE[:2], Y_PRED[:2])
    metric.update_state(Y_TRUE[2:], Y_PRED[2:])
    assert metric.result() == pytest.approx(expected, rel=1e-9)


def test_threshold_beta_and_sample_weights():
    weights = np.array([1.0, 2.0, 1.0, 1.0, 0.5])
    thresholded = (Y_PRED > 0.35).astype(float)
    metric = metrics.FBetaScore(beta=2.0, threshold=0.35)
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=weights)
    np.testing.assert_allclose(metric.result(), f_beta(*counts(thresholded, weights), beta=2.0), rtol=1e-12)


def test_invalid_arguments_and_shapes_are_explained():
    with pytest.raises(ValueError, match="average must be None, 'micro', 'macro' or 'weighted'"):
        metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match=r"threshold must lie in \(0, 1\]"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match=r"\(samples, classes\).*\(5,\).*to_categorical"):
        metrics.F1Score()(Y_TRUE.argmax(axis=1), Y_PRED)


def test_reset_and_config():
    metric = metrics.F1Score(average="macro", threshold=0.5, name="f1")
    metric(Y_TRUE, Y_PRED)
    metric.reset_state()
    metric.update_state(Y_TRUE[:1], Y_PRED[:1])  # one right prediction of class 1 only
    assert metric.result() == pytest.approx(f_beta(np.array([0, 1, 0.]), np.zeros(3), np.zeros(3)).mean())
    assert metric.get_config() == {"name": "f1", "average": "macro", "threshold": 0.5}
    assert metrics.F1Score.from_config(metric.get_config()).get_config() == metric.get_config()
