import numpy as np
import pytest

import nn
from nn import metrics

# Ten samples whose scores lie at least 0.05 apart, so no two share a bucket of the default
# 200-threshold grid (width 1/199): the sampled ROC curve is then the exact one.
Y_TRUE = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0], dtype=float)
Y_PRED = np.array([0.1, 0.4, 0.35, 0.8, 0.65, 0.9, 0.2, 0.55, 0.3, 0.05])
WEIGHTS = np.array([1, 2, 1, 0.5, 1, 1, 3, 1, 2, 1], dtype=float)


def in_two_batches(metric, weights=None, y_true=Y_TRUE, y_pred=Y_PRED):
    for part in (slice(0, 6), slice(6, None)):
        metric.update_state(y_true[part], y_pred[part], None if weights is None else weights[part])
    return metric.result()


def mann_whitney_auc(weights=None):
    """The exact ROC AUC: the (weighted) chance a positive outscores a negative, ties half."""
    weights = np.ones_like(Y_PRED) if weights is None else weights
    positive, negative = Y_TRUE == 1, Y_TRUE == 0
    wins = (Y_PRED[positive][:, None] > Y_PRED[negative][None, :]) + \
        0.5 * (Y_PRED[positive][:, None] == Y_PRED[negative][None, :])
    pair_weights = weights[positive][:, None] * weights[negative][None, :]
    return np.sum(wins * pair_weights) / np.sum(pair_weights)


def counts_at(thresholds, weights=None):
    """(TP, FP, FN) per threshold, counted directly: positive where y_pred > t."""
    weights = np.ones_like(Y_PRED) if weights is None else weights
    above = Y_PRED[None, :] > np.asarray(thresholds)[:, None]
    tp = np.sum(above * (Y_TRUE * weights), axis=1)
    fp = np.sum(above * ((1 - Y_TRUE) * weights), axis=1)
    fn = np.sum(~above * (Y_TRUE * weights), axis=1)
    return tp, fp, fn


def default_thresholds(num=200):
    return np.concatenate([[-1e-7], np.arange(1, num - 1) / (num - 1), [1 + 1e-7]])


@pytest.mark.parametrize("weights", [None, WEIGHTS], ids=["unweighted", "weighted"])
def test_roc_auc_equals_the_mann_whitney_statistic(weights):
    assert mann_whitney_auc() == pytest.approx(0.8)  # 20 of the 25 pairs, by hand
    assert in_two_batches(metrics.AUC(), weights) == pytest.approx(mann_whitney_auc(weights), rel=1e-12)
    for method in ("minoring", "majoring"):  # the exact curve has no sloped segment to round
        assert in_two_batches(metrics.AUC(summation_method=method), weights) == \
            pytest.approx(mann_whitney_auc(weights), rel=1e-12)


@pytest.mark.parametrize("weights", [None, WEIGHTS], ids=["unweighted", "weighted"])
def test_pr_auc_interpolation_integrates_precision_with_tp_linear_in_predicted_positives(weights):
    """Davis & Goadrich: between thresholds TP is linear in P = TP + FP; integrate precision
    TP / P over recall numerically and compare with the metric's closed form."""
    tp, fp, fn = counts_at(default_thresholds(), weights)
    predicted, positives = tp + fp, tp[0] + fn[0]
    area = 0.0
    for i in range(len(tp) - 1):
        if predicted[i] == predicted[i + 1]:
            continue
        slope = (tp[i] - tp[i + 1]) / (predicted[i] - predicted[i + 1])
        p = np.linspace(predicted[i + 1], predicted[i], 20001)
        midpoints = (p[1:] + p[:-1]) / 2
        precision = (tp[i + 1] + slope * (midpoints - predicted[i + 1])) / midpoints
        area += np.sum(precision * slope * np.diff(p)) / positives
    assert in_two_batches(metrics.AUC(curve="PR"), weights) == pytest.approx(area, rel=1e-6)


def test_auc_matches_keras():
    # Keras 3.15.1 (KERAS_BACKEND=torch), on Y_TRUE, Y_PRED and WEIGHTS in float32, fed in the
    # same two batches: keras.metrics.AUC(**kwargs) .update_state(...) twice, then .result().
    cases = [({"curve": "PR"}, None, 0.8078746795654297), ({"curve": "PR"}, WEIGHTS, 0.7013770341873169),
             ({"curve": "PR", "summation_method": "majoring"}, None, 0.8261904120445251),
             ({"num_thresholds": 5}, None, 0.8600000739097595),
             ({"num_thresholds": 5, "curve": "PR"}, WEIGHTS, 0.787398099899292),
             ({"thresholds": [0.3, 0.5, 0.7]}, WEIGHTS, 0.6931818127632141)]
    for kwargs, weights, keras_value in cases:
        assert in_two_batches(metrics.AUC(**kwargs), weights) == pytest.approx(keras_value, abs=1e-6)


def test_auc_from_logits_applies_the_sigmoid_first():
    logits = np.log(Y_PRED / (1 - Y_PRED))
    assert in_two_batches(metrics.AUC(from_logits=True), y_pred=logits) == pytest.approx(0.8)


def test_multi_label_auc_averages_one_auc_per_column():
    y_true = np.stack([Y_TRUE, 1 - Y_TRUE], axis=1)
    y_pred = np.stack([Y_PRED, Y_PRED], axis=1)  # the second column's AUC is 1 - 0.8
    assert metrics.AUC(multi_label=True)(y_true, y_pred) == pytest.approx(0.5)
    weighted = metrics.AUC(multi_label=True, label_weights=[3.0, 1.0])(y_true, y_pred)
    assert weighted == pytest.approx((3 * 0.8 + 1 * 0.2) / 4)
    # without multi_label the columns are pooled into one curve
    pooled = np.concatenate([Y_PRED, Y_PRED]), np.concatenate([Y_TRUE, 1 - Y_TRUE])
    assert metrics.AUC()(y_true, y_pred) == pytest.approx(metrics.AUC()(pooled[1], pooled[0]))


def test_auc_over_batches_is_not_a_mean_of_batch_aucs_and_resets():
    metric = metrics.AUC()
    metric.update_state(Y_TRUE[:6], Y_PRED[:6])
    first = metric.result()
    metric.update_state(Y_TRUE[6:], Y_PRED[6:])
    assert metric.result() == pytest.approx(0.8)
    assert (first + metrics.AUC()(Y_TRUE[6:], Y_PRED[6:])) / 2 != pytest.approx(0.8)
    metric.reset_state()
    assert metric.result() == 0.0
    assert metric(Y_TRUE, Y_PRED) == pytest.approx(0.8)


@pytest.mark.parametrize("weights", [None, WEIGHTS], ids=["unweighted", "weighted"])
def test_precision_and_recall_from_counts(weights):
    tp, fp, fn = counts_at([0.5], weights)
    assert in_two_batches(metrics.Precision(), weights) == pytest.approx(tp[0] / (tp[0] + fp[0]))
    assert in_two_batches(metrics.Recall(), weights) == pytest.approx(tp[0] / (tp[0] + fn[0]))
    if weights is None:  # by hand: 0.55, 0.65, 0.8, 0.9 are above 0.5, and all but 0.65 are positives
        assert in_two_batches(metrics.Precision()) == pytest.approx(3 / 4)
        assert in_two_batches(metrics.Recall()) == pytest.approx(3 / 5)


def test_several_thresholds_give_one_value_each():
    tp, fp, fn = counts_at([0.3, 0.5, 0.7])
    precision = in_two_batches(metrics.Precision(thresholds=[0.3, 0.5, 0.7]))
    recall = in_two_batches(metrics.Recall(thresholds=[0.3, 0.5, 0.7]))
    assert isinstance(precision, np.ndarray) and precision.shape == (3,)
    np.testing.assert_allclose(precision, tp / (tp + fp))
    np.testing.assert_allclose(recall, tp / (tp + fn))
    assert isinstance(metrics.Precision(thresholds=[0.3])(Y_TRUE, Y_PRED), float)


# Multi-label targets and scores: 4 samples, 3 labels.
MULTI_TRUE = np.array([[0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 1, 1]], dtype=float)
MULTI_PRED = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5], [0.05, 0.9, 0.05]])


def test_top_k_counts_only_the_k_highest_scores():
    # top 1 per row: labels 1, 0, 2, 1 -> right, right, wrong, right
    assert metrics.Precision(top_k=1)(MULTI_TRUE, MULTI_PRED) == pytest.approx(3 / 4)
    assert metrics.Recall(top_k=1)(MULTI_TRUE, MULTI_PRED) == pytest.approx(3 / 6)
    # top 2 adds labels 2, 2 (0.3 beats 0.2), 1, 0 (the first of the tied 0.05s) -> 5 of 8 right
    assert metrics.Precision(top_k=2)(MULTI_TRUE, MULTI_PRED) == pytest.approx(5 / 8)


def test_class_id_looks_at_one_column():
    column = 1
    above = MULTI_PRED[:, column] > 0.5
    truth = MULTI_TRUE[:, column] == 1
    assert metrics.Precision(class_id=column)(MULTI_TRUE, MULTI_PRED) == \
        pytest.approx(np.sum(above & truth) / np.sum(above))
    assert metrics.Recall(class_id=column)(MULTI_TRUE, MULTI_PRED) == \
        pytest.approx(np.sum(above & truth) / np.sum(truth))
    with pytest.raises(ValueError, match="class_id=3 needs y_pred of shape"):
        metrics.Precision(class_id=3)(MULTI_TRUE, MULTI_PRED)


def test_no_predicted_positives_gives_zero_not_nan():
    assert metrics.Precision()(np.array([1.0, 0.0]), np.array([0.1, 0.2])) == 0.0


def test_invalid_arguments_are_explained():
    with pytest.raises(ValueError, match=r"thresholds must be a number or a list of numbers in \[0, 1\]"):
        metrics.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match="top_k must be a positive integer"):
        metrics.Recall(top_k=0)
    with pytest.raises(ValueError, match="curve must be 'ROC' or 'PR'"):
        metrics.AUC(curve="PRC")
    with pytest.raises(ValueError, match="summation_method must be"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="num_thresholds must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="num_labels is needed only with multi_label=True"):
        metrics.AUC(num_labels=3)


def test_default_names_are_numbered_like_keras_and_configs_round_trip():
    nn.layers.reset_name_counters()
    assert [metrics.AUC().name, metrics.AUC().name, metrics.Precision().name] == ["auc", "auc_1", "precision"]
    for metric in (metrics.AUC(num_thresholds=50, curve="PR", name="pr_auc", thresholds=[0.2, 0.4]),
                   metrics.Precision(thresholds=[0.3, 0.6], name="p"), metrics.Recall(top_k=2, class_id=1)):
        restored = type(metric).from_config(metric.get_config())
        assert restored.get_config() == metric.get_config()
        assert np.allclose(restored(MULTI_TRUE, MULTI_PRED), metric(MULTI_TRUE, MULTI_PRED))
