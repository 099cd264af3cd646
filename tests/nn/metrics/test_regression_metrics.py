import numpy as np
import pytest

from nn import metrics

Y_TRUE = np.array([1.0, 2.0, 3.0])
Y_PRED = np.array([[1.5], [2.0], [1.0]])  # errors 0.5, 0, -2


def test_functions_give_the_batch_mean():
    assert metrics.mae(Y_TRUE, Y_PRED) == pytest.approx(2.5 / 3)
    assert metrics.mse(Y_TRUE, Y_PRED) == pytest.approx(4.25 / 3)


def test_classes_average_over_every_sample_of_every_batch():
    mse, mae = metrics.MeanSquaredError(), metrics.MeanAbsoluteError()
    for metric in (mse, mae):
        metric.update_state(Y_TRUE[:2], Y_PRED[:2])
        metric.update_state(Y_TRUE[2:], Y_PRED[2:])
    assert mse.result() == pytest.approx(4.25 / 3) and mae.result() == pytest.approx(2.5 / 3)


def test_root_mean_squared_error_is_the_root_of_the_whole_mean():
    metric = metrics.RootMeanSquaredError()
    metric.update_state(Y_TRUE[:2], Y_PRED[:2])  # squared errors 0.25, 0
    metric.update_state(Y_TRUE[2:], Y_PRED[2:])  # 4
    assert metric.result() == pytest.approx(np.sqrt(4.25 / 3))
    assert metric.result() != pytest.approx((np.sqrt(0.25 / 2) + 2.0) / 2)  # not a mean of roots


def test_several_outputs_are_averaged_per_sample_then_weighted():
    y_true, y_pred = np.zeros((2, 2)), np.array([[1.0, 3.0], [2.0, 2.0]])  # per sample 5, 4
    weights = np.array([3.0, 1.0])
    metric = metrics.MeanSquaredError()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    assert metric.result() == pytest.approx((3 * 5 + 1 * 4) / 4)


def test_names_and_config():
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"
    metric = metrics.MeanAbsoluteError(name="mae")
    assert metric.get_config() == {"name": "mae"}
    assert metrics.MeanAbsoluteError.from_config(metric.get_config()).name == "mae"
