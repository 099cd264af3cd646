import numpy as np
import pytest

import autograd as ag
import nn
from nn import losses

rng = np.random.default_rng(0)
EPS = 1e-7

REGRESSION_TRUE = rng.normal(size=(4, 3))
REGRESSION_PRED = rng.normal(size=(4, 3))
BINARY_TRUE = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
LOGITS = rng.normal(size=(5, 1)) * 2.0
PROBS = 1.0 / (1.0 + np.exp(-LOGITS))
CLASS_LOGITS = rng.normal(size=(4, 3)) * 2.0
CLASS_PROBS = np.exp(CLASS_LOGITS) / np.exp(CLASS_LOGITS).sum(axis=1, keepdims=True)
LABELS = np.array([2, 0, 1, 2])
ONE_HOT = np.eye(3)[LABELS]


def _numpy_huber(t, p, delta):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2))


def _numpy_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def _numpy_cce(t, p):
    p = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    return np.mean(-np.sum(t * np.log(p), axis=-1))


# (name, loss(y_true, y_pred), y_true, y_pred, numpy value)
CASES = [
    ("mse", losses.mean_squared_error, REGRESSION_TRUE, REGRESSION_PRED,
     np.mean((REGRESSION_PRED - REGRESSION_TRUE) ** 2)),
    ("mae", losses.mean_absolute_error, REGRESSION_TRUE, REGRESSION_PRED,
     np.mean(np.abs(REGRESSION_PRED - REGRESSION_TRUE))),
    ("huber", losses.huber, REGRESSION_TRUE, REGRESSION_PRED,
     _numpy_huber(REGRESSION_TRUE, REGRESSION_PRED, 1.0)),
    ("huber_delta", lambda t, p: losses.huber(t, p, delta=0.5), REGRESSION_TRUE, REGRESSION_PRED,
     _numpy_huber(REGRESSION_TRUE, REGRESSION_PRED, 0.5)),
    ("bce", losses.binary_crossentropy, BINARY_TRUE, PROBS, _numpy_bce(BINARY_TRUE, PROBS)),
    ("bce_logits", lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
     BINARY_TRUE, LOGITS, _numpy_bce(BINARY_TRUE, PROBS)),
    ("cce", losses.categorical_crossentropy, ONE_HOT, CLASS_PROBS, _numpy_cce(ONE_HOT, CLASS_PROBS)),
    ("cce_logits", lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
     ONE_HOT, CLASS_LOGITS, _numpy_cce(ONE_HOT, CLASS_PROBS)),
    ("scce", losses.sparse_categorical_crossentropy, LABELS, CLASS_PROBS,
     _numpy_cce(ONE_HOT, CLASS_PROBS)),
    ("scce_logits", lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True),
     LABELS, CLASS_LOGITS, _numpy_cce(ONE_HOT, CLASS_PROBS)),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("name, loss, y_true, y_pred, expected", CASES, ids=IDS)
def test_value_matches_numpy(name, loss, y_true, y_pred, expected):
    out = loss(y_true, ag.Tensor(y_pred, dtype=np.float64))
    assert out.shape == ()
    assert out.item() == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("name, loss, y_true, y_pred, expected", CASES, ids=IDS)
def test_gradient_matches_central_differences(name, loss, y_true, y_pred, expected):
    assert ag.gradcheck(lambda p: loss(y_true, p), y_pred)


@pytest.mark.parametrize("name, loss, y_true, y_pred, expected", CASES, ids=IDS)
def test_float32_predictions_give_a_float32_loss(name, loss, y_true, y_pred, expected):
    out = loss(y_true, ag.Tensor(y_pred, dtype=np.float32))
    assert out.dtype == np.float32
    assert out.item() == pytest.approx(expected, rel=1e-4)


def test_sparse_from_logits_matches_the_one_hot_composition_in_gradient():
    logits = ag.Tensor(CLASS_LOGITS, requires_grad=True, dtype=np.float64)
    losses.sparse_categorical_crossentropy(LABELS, logits, from_logits=True).backward()
    expected = (CLASS_PROBS - ONE_HOT) / len(LABELS)
    np.testing.assert_allclose(logits.grad.data, expected, atol=1e-12)


@pytest.mark.parametrize("loss, y_true, logits", [
    (losses.BinaryCrossentropy(from_logits=True), np.array([[1.0], [0.0], [0.0], [1.0]]),
     np.array([[1e4], [1e4], [-1e4], [-1e4]])),
    (losses.CategoricalCrossentropy(from_logits=True), np.eye(2),
     np.array([[1e4, -1e4], [1e4, -1e4]])),
    (losses.SparseCategoricalCrossentropy(from_logits=True), np.array([0, 1]),
     np.array([[1e4, -1e4], [1e4, -1e4]])),
], ids=["bce", "cce", "scce"])
def test_huge_logits_give_finite_loss_and_gradients(loss, y_true, logits):
    z = ag.Tensor(logits, requires_grad=True)
    out = loss(y_true, z)
    out.backward()
    assert np.isfinite(out.item()) and out.item() > 1e3  # the wrong samples cost about 1e4
    assert np.all(np.isfinite(z.grad.data))


@pytest.mark.parametrize("loss", [losses.binary_crossentropy, losses.categorical_crossentropy])
def test_probabilities_of_exactly_zero_and_one_are_clipped(loss):
    p = ag.Tensor([[0.0, 1.0], [1.0, 0.0]], requires_grad=True)
    out = loss(np.array([[1.0, 0.0], [1.0, 0.0]]), p)
    out.backward()
    assert np.isfinite(out.item()) and np.all(np.isfinite(p.grad.data))


@pytest.mark.parametrize("true_shape, pred_shape", [((5,), (5, 1)), ((5, 1), (5,)), ((1, 5), (5, 1))])
def test_shapes_differing_by_size_one_axes_are_reshaped_not_broadcast(true_shape, pred_shape):
    y_true = np.arange(5.0).reshape(true_shape)
    y_pred = ag.Tensor(np.arange(5.0).reshape(pred_shape) + 1.0)
    assert losses.mse(y_true, y_pred).item() == pytest.approx(1.0)


def test_mismatched_shapes_are_an_error_naming_both():
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        losses.mse(np.zeros((4, 2)), ag.Tensor(np.zeros((4, 3))))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        losses.mse(np.zeros((2, 3)), ag.Tensor(np.zeros((3, 2))))


def test_categorical_with_integer_labels_points_to_the_sparse_loss():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(LABELS, ag.Tensor(CLASS_PROBS))


def test_sparse_labels_accept_column_vectors_and_whole_floats():
    expected = losses.sparse_categorical_crossentropy(LABELS, ag.Tensor(CLASS_PROBS)).item()
    for labels in (LABELS.reshape(-1, 1), LABELS.astype(np.float32), ag.Tensor(LABELS)):
        assert losses.sparse_categorical_crossentropy(labels, ag.Tensor(CLASS_PROBS)).item() == expected


def test_sparse_labels_out_of_range_name_the_range():
    with pytest.raises(ValueError, match=r"\[0, 2\].*from 0 to 3"):
        losses.sparse_categorical_crossentropy(np.array([0, 1, 3, 2]), ag.Tensor(CLASS_PROBS))
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        losses.sparse_categorical_crossentropy(np.array([0, -1, 1, 2]), ag.Tensor(CLASS_PROBS))


def test_non_integral_sparse_labels_are_an_error():
    with pytest.raises(ValueError, match=r"non-integral.*0\.5"):
        losses.sparse_categorical_crossentropy(np.array([0, 0.5, 1, 2]), ag.Tensor(CLASS_PROBS))


def test_one_hot_targets_in_the_sparse_loss_are_an_error():
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        losses.sparse_categorical_crossentropy(ONE_HOT, ag.Tensor(CLASS_PROBS))


def test_y_true_never_receives_a_gradient():
    y_true = ag.Tensor(REGRESSION_TRUE, requires_grad=True)
    y_pred = ag.Tensor(REGRESSION_PRED, requires_grad=True)
    losses.mse(y_true, y_pred).backward()
    assert y_true.grad is None and y_pred.grad is not None


def test_label_smoothing_moves_mass_evenly():
    smoothed = losses.categorical_crossentropy(ONE_HOT, ag.Tensor(CLASS_PROBS, dtype=np.float64),
                                               label_smoothing=0.3)
    targets = ONE_HOT * 0.7 + 0.1
    assert smoothed.item() == pytest.approx(_numpy_cce(targets, CLASS_PROBS))
    bce = losses.binary_crossentropy(BINARY_TRUE, ag.Tensor(PROBS, dtype=np.float64),
                                     label_smoothing=0.2)
    assert bce.item() == pytest.approx(_numpy_bce(BINARY_TRUE * 0.8 + 0.1, PROBS))


@pytest.mark.parametrize("instance, function, kwargs", [
    (losses.MeanSquaredError(), losses.mean_squared_error, {}),
    (losses.MeanAbsoluteError(), losses.mean_absolute_error, {}),
    (losses.Huber(delta=0.5), losses.huber, {"delta": 0.5}),
    (losses.BinaryCrossentropy(from_logits=True), losses.binary_crossentropy, {"from_logits": True}),
])
def test_classes_call_their_function(instance, function, kwargs):
    y_pred = ag.Tensor(REGRESSION_PRED[:, :1])
    y_true = (REGRESSION_TRUE[:, :1] > 0).astype(float)
    assert instance(y_true, y_pred).item() == function(y_true, y_pred, **kwargs).item()


def test_get_resolves_functions_aliases_and_class_names():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("MSE") is losses.mean_squared_error
    assert losses.get("bce") is losses.binary_crossentropy
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get("sparsecategoricalcrossentropy"), losses.SparseCategoricalCrossentropy)
    assert losses.get(None) is None
    instance = losses.Huber()
    assert losses.get(instance) is instance


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(ValueError, match="'msee'.*'huber'.*'mse'"):
        losses.get("msee")


def test_serialize_round_trips():
    assert losses.serialize(losses.mse) == "mean_squared_error"
    assert losses.get(losses.serialize(losses.mae)) is losses.mean_absolute_error
    original = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    config = losses.serialize(original)
    assert config == {"class_name": "CategoricalCrossentropy",
                      "config": {"name": "categorical_crossentropy", "reduction": "sum_over_batch_size",
                                 "from_logits": True, "label_smoothing": 0.1}}
    restored = losses.get(config)
    assert isinstance(restored, losses.CategoricalCrossentropy)
    assert restored.get_config() == original.get_config()



def test_a_loss_of_your_own_is_saved_by_name_and_found_through_custom_objects():
    def squared_gap(y_true, y_pred):
        return ag.mean((y_pred - y_true) ** 2)

    config = losses.serialize(squared_gap)
    assert config == {"class_name": "function", "config": "squared_gap", "registered_name": None}
    with pytest.raises(ValueError, match="unknown function 'squared_gap'.*register_serializable.*custom_objects"):
        losses.get(config)
    with nn.saving.custom_object_scope({"squared_gap": squared_gap}):
        assert losses.get(config) is squared_gap


def test_none_serializes_to_none():
    assert losses.serialize(None) is None


def test_labels_out_of_range_from_logits_are_caught_once_by_the_fused_op():
    logits = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: labels must lie in \[0, 2\].*one unit per class"):
        losses.sparse_categorical_crossentropy(np.array([0, 3]), logits, from_logits=True)
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: labels must lie in \[0, 2\]"):
        losses.sparse_categorical_crossentropy(np.array([0, -1]), np.full((2, 3), 1 / 3))


@pytest.mark.parametrize("y_pred, problem", [
    (np.array([[2.0], [-1.5], [0.3], [0.1], [0.9]]), r"negative values \(as low as -1.5\)"),
    (np.array([[2.0], [0.5], [0.3], [0.1], [0.9]]), r"values above 1 \(as high as 2\)"),
], ids=["negative", "above_one"])
def test_binary_crossentropy_refuses_logits_as_probabilities(y_pred, problem):
    # Clipped to [eps, 1 - eps] such values would give a loss with zero gradient there.
    message = (rf"binary_crossentropy: y_pred holds {problem}, so it is not probabilities but logits\. "
               r"Give the last layer activation='sigmoid', or pass from_logits=True to the loss "
               r"\(e\.g\. nn\.losses\.BinaryCrossentropy\(from_logits=True\)\)")
    with pytest.raises(ValueError, match=message):
        losses.binary_crossentropy(BINARY_TRUE, ag.Tensor(y_pred))
    with pytest.raises(ValueError, match=message):
        losses.BinaryCrossentropy(reduction="none")(BINARY_TRUE, ag.Tensor(y_pred))
    assert np.isfinite(losses.binary_crossentropy(BINARY_TRUE, ag.Tensor(y_pred), from_logits=True).item())


def test_fit_refuses_a_sigmoid_free_output_with_binary_crossentropy():
    model = nn.Sequential([nn.Input(shape=(2,)), nn.layers.Dense(1, bias_initializer=nn.initializers.Constant(-1.0))])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ValueError, match="binary_crossentropy: y_pred holds negative values.*activation='sigmoid'"):
        model.fit(np.zeros((4, 2), dtype=np.float32), np.array([0.0, 1.0, 1.0, 0.0]), verbose=0)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "bce", "cce", "scce"])
def test_per_sample_forms_average_to_the_functions(name):
    case = next(c for c in CASES if c[0] == name)
    function, y_true, y_pred = case[1], case[2], case[3]
    per_sample = losses.functions.PER_SAMPLE[function](y_true, ag.Tensor(y_pred, dtype=np.float64))
    assert per_sample.shape == (len(y_pred),)
    assert per_sample.data.mean() == pytest.approx(case[4], rel=1e-12)
