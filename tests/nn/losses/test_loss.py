"""Loss objects: Keras's reductions and sample weights, names, configs, classes given to compile."""
import numpy as np
import pytest

import autograd as ag
from nn import losses

rng = np.random.default_rng(0)
Y_TRUE = rng.normal(size=(5, 3))
Y_PRED = rng.normal(size=(5, 3))
PER_SAMPLE_MSE = np.mean((Y_PRED - Y_TRUE) ** 2, axis=-1)
WEIGHTS = np.array([1.0, 0.0, 2.0, 0.5, 1.5])
LABELS = np.array([2, 0, 1, 2, 1])
LOGITS = rng.normal(size=(5, 3))
LOG_PROBS = LOGITS - np.log(np.exp(LOGITS).sum(axis=1, keepdims=True))


def pred(array=Y_PRED):
    return ag.Tensor(array, dtype=np.float64)


@pytest.mark.parametrize("reduction, weights, expected", [
    ("sum_over_batch_size", None, PER_SAMPLE_MSE.mean()),
    ("mean", None, PER_SAMPLE_MSE.mean()),
    ("sum", None, PER_SAMPLE_MSE.sum()),
    ("none", None, PER_SAMPLE_MSE),
    (None, None, PER_SAMPLE_MSE),
    ("sum_over_batch_size", WEIGHTS, np.sum(WEIGHTS * PER_SAMPLE_MSE) / 5),  # divided by the count
    ("mean_with_sample_weight", WEIGHTS, np.sum(WEIGHTS * PER_SAMPLE_MSE) / WEIGHTS.sum()),
    ("sum", WEIGHTS, np.sum(WEIGHTS * PER_SAMPLE_MSE)),
    ("none", WEIGHTS, WEIGHTS * PER_SAMPLE_MSE),
])
def test_reductions_follow_keras_formulas(reduction, weights, expected):
    out = losses.MeanSquaredError(reduction=reduction)(Y_TRUE, pred(), sample_weight=weights)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_column_outputs_take_one_weight_per_sample():
    y_true, y_pred = Y_TRUE[:, :1], Y_PRED[:, :1]
    expected = np.sum(WEIGHTS * (y_pred - y_true).ravel() ** 2) / 5
    for weights in (WEIGHTS, WEIGHTS[:, None]):
        out = losses.MeanSquaredError()(y_true, pred(y_pred), sample_weight=weights)
        assert out.item() == pytest.approx(expected, rel=1e-12)


def test_one_dimensional_outputs_are_one_sample_as_in_keras():
    # Keras reduces the last axis first: MeanSquaredError(reduction="sum") of (n,) vectors is
    # their mean squared error (Keras 3.15.1 gives 4.6667 for [1, 2, 3] against zeros).
    out = losses.MeanSquaredError(reduction="sum")(np.array([1.0, 2.0, 3.0]), pred(np.zeros(3)))
    assert out.item() == pytest.approx(14 / 3)


@pytest.mark.parametrize("loss, per_sample", [
    (losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none"), -LOG_PROBS[np.arange(5), LABELS]),
    (losses.CategoricalCrossentropy(from_logits=True, reduction="none"), -LOG_PROBS[np.arange(5), LABELS]),
    (losses.BinaryCrossentropy(from_logits=True, reduction="none"),
     np.mean(np.logaddexp(0, LOGITS) - LOGITS * np.eye(3)[LABELS], axis=-1)),
], ids=["scce", "cce", "bce"])
def test_cross_entropies_per_sample(loss, per_sample):
    targets = LABELS if isinstance(loss, losses.SparseCategoricalCrossentropy) else np.eye(3)[LABELS]
    np.testing.assert_allclose(loss(targets, pred(LOGITS)).data, per_sample, rtol=1e-10)


def test_weighted_losses_are_differentiable_and_unweighted_ones_keep_the_fused_path():
    weighted = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert ag.gradcheck(lambda z: weighted(LABELS, z, sample_weight=WEIGHTS), LOGITS)
    assert ag.gradcheck(lambda p: losses.Huber(reduction="sum")(Y_TRUE, p, sample_weight=WEIGHTS), Y_PRED)
    out = weighted(LABELS, ag.Tensor(LOGITS, dtype=np.float64, requires_grad=True))
    assert out.grad_fn.name == "softmax_cross_entropy"
    assert out.item() == pytest.approx(-LOG_PROBS[np.arange(5), LABELS].mean(), rel=1e-12)


def test_all_weights_zero_give_zero_not_nan():
    out = losses.MeanSquaredError(reduction="mean_with_sample_weight")(Y_TRUE, pred(), sample_weight=np.zeros(5))
    assert out.item() == 0.0


def test_bad_reduction_and_weights_are_explained():
    with pytest.raises(ValueError, match="MeanSquaredError: unknown reduction 'avg'.*'sum_over_batch_size'"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(ValueError, match=r"sample_weight has shape \(4,\).*one weight per sample \(shape \(5,\)\)"):
        losses.MeanSquaredError()(Y_TRUE, pred(), sample_weight=np.ones(4))


@pytest.mark.parametrize("loss", [
    losses.MeanSquaredError(reduction="sum", name="squared"), losses.MeanAbsoluteError(reduction=None),
    losses.Huber(delta=0.3, name="h"), losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.CategoricalCrossentropy(label_smoothing=0.2, reduction="mean_with_sample_weight"),
    losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum"),
])
def test_config_round_trips(loss):
    config = loss.get_config()
    assert {"name", "reduction"} <= set(config)
    assert type(loss).from_config(config).get_config() == config
    restored = losses.get(losses.serialize(loss))
    assert type(restored) is type(loss) and restored.get_config() == config


def test_keras_default_names_and_reduction():
    assert losses.Huber().get_config() == {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 1.0}
    assert losses.MeanSquaredError().name == "mean_squared_error"


def test_get_instantiates_a_class_as_keras_does():
    assert isinstance(losses.get(losses.MeanSquaredError), losses.MeanSquaredError)

    class Scaled(losses.Loss):
        def __init__(self, scale):
            super().__init__()
            self.scale = scale

    with pytest.raises(TypeError, match=r"Scaled cannot be built without arguments.*Scaled\(...\)"):
        losses.get(Scaled)


def test_custom_loss_subclass_and_function_wrapper():
    class MeanCubedError(losses.Loss):
        def call(self, y_true, y_pred):
            return ag.mean(ag.abs(y_pred - y_true) ** 3, axis=-1)

    cubed = MeanCubedError(reduction="sum")
    assert cubed.name == "mean_cubed_error"
    expected = np.sum(np.mean(np.abs(Y_PRED - Y_TRUE) ** 3, axis=-1))
    assert cubed(Y_TRUE, pred()).item() == pytest.approx(expected, rel=1e-12)

    def quartic(y_true, y_pred):
        return ag.mean((y_pred - y_true) ** 4, axis=-1)

    wrapped = losses.LossFunctionWrapper(quartic)
    assert wrapped.name == "quartic"
    value = wrapped(Y_TRUE, pred(), sample_weight=WEIGHTS).item()
    assert value == pytest.approx(np.sum(WEIGHTS * np.mean((Y_PRED - Y_TRUE) ** 4, axis=-1)) / 5, rel=1e-12)
    with pytest.raises(NotImplementedError, match="must define call"):
        losses.Loss()(Y_TRUE, pred())


@pytest.mark.parametrize("loss", [
    losses.mean_squared_error, losses.Huber(delta=0.5, reduction="sum"),
    losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
], ids=["function", "huber_object", "cce_object"])
def test_per_sample_losses_are_each_samples_loss_alone(loss):
    y_true = np.eye(3)[LABELS] if isinstance(loss, losses.CategoricalCrossentropy) else Y_TRUE
    values = losses.per_sample_losses(loss, y_true, pred(LOGITS))
    assert values.shape == (5,)
    mean_loss = loss if not isinstance(loss, losses.Loss) else type(loss).from_config(
        {**loss.get_config(), "reduction": "sum_over_batch_size"})
    for i in range(5):
        assert values.data[i] == pytest.approx(mean_loss(y_true[i:i + 1], pred(LOGITS[i:i + 1])).item(), rel=1e-12)


def test_per_sample_losses_of_sequences_average_their_positions_and_custom_callables_have_none():
    logits, labels = rng.normal(size=(2, 4, 3)), rng.integers(0, 3, size=(2, 4))
    values = losses.per_sample_losses(losses.SparseCategoricalCrossentropy(from_logits=True), labels, pred(logits))
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(values.data, -np.take_along_axis(log_p, labels[..., None], -1)[..., 0].mean(1),
                               rtol=1e-12)
    assert losses.per_sample_losses(lambda t, p: ag.mean(p), Y_TRUE, pred()) is None
