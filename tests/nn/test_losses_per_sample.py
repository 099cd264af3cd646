"""`losses.per_sample_losses`: each sample's loss, whose mean is the loss and whose weighted mean
is Keras's sample-weighted "sum_over_batch_size" reduction."""
import numpy as np
import pytest

import autograd as ag
from nn import losses

rng = np.random.default_rng(0)
REGRESSION_TRUE, REGRESSION_PRED = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
BINARY_TRUE = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
LOGITS = rng.normal(size=(5, 1)) * 2.0
CLASS_LOGITS = rng.normal(size=(4, 3)) * 2.0
CLASS_PROBS = np.exp(CLASS_LOGITS) / np.exp(CLASS_LOGITS).sum(axis=1, keepdims=True)
LABELS = np.array([2, 0, 1, 2])

CASES = [
    (losses.mean_squared_error, REGRESSION_TRUE, REGRESSION_PRED),
    (losses.MeanAbsoluteError(), REGRESSION_TRUE, REGRESSION_PRED),
    (losses.Huber(delta=0.5), REGRESSION_TRUE, REGRESSION_PRED),
    (losses.binary_crossentropy, BINARY_TRUE, 1.0 / (1.0 + np.exp(-LOGITS))),
    (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2), BINARY_TRUE, LOGITS),
    (losses.categorical_crossentropy, np.eye(3)[LABELS], CLASS_PROBS),
    (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), np.eye(3)[LABELS], CLASS_LOGITS),
    (losses.sparse_categorical_crossentropy, LABELS, CLASS_PROBS),
    (losses.SparseCategoricalCrossentropy(from_logits=True), LABELS, CLASS_LOGITS),
]
IDS = ["mse", "mae", "huber", "bce", "bce_logits", "cce", "cce_logits", "scce", "scce_logits"]


@pytest.mark.parametrize("loss, y_true, y_pred", CASES, ids=IDS)
def test_each_value_is_the_loss_of_that_sample_alone_and_their_mean_the_loss(loss, y_true, y_pred):
    values = losses.per_sample_losses(loss, y_true, ag.Tensor(y_pred, dtype=np.float64))
    assert values.shape == (len(y_pred),)
    for i in range(len(y_pred)):
        alone = loss(y_true[i:i + 1], ag.Tensor(y_pred[i:i + 1], dtype=np.float64))
        assert values.data[i] == pytest.approx(alone.item(), rel=1e-10)
    whole = loss(y_true, ag.Tensor(y_pred, dtype=np.float64))
    assert values.data.mean() == pytest.approx(whole.item(), rel=1e-10)


@pytest.mark.parametrize("loss, y_true, y_pred", CASES, ids=IDS)
def test_weighted_mean_has_central_difference_gradients(loss, y_true, y_pred):
    weights = ag.Tensor(np.linspace(0.0, 2.0, len(y_pred)))
    assert ag.gradcheck(lambda p: ag.mean(losses.per_sample_losses(loss, y_true, p) * weights), y_pred)


def test_sequences_average_over_their_positions():
    logits = rng.normal(size=(2, 5, 3))
    labels = rng.integers(0, 3, size=(2, 5))
    values = losses.per_sample_losses(losses.SparseCategoricalCrossentropy(from_logits=True), labels,
                                      ag.Tensor(logits, dtype=np.float64))
    assert values.shape == (2,)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(values.data, -picked.mean(axis=1), rtol=1e-10)


def test_other_callables_have_no_known_per_sample_form():
    assert losses.per_sample_losses(lambda t, p: ag.mean(p), REGRESSION_TRUE, REGRESSION_PRED) is None
