import numpy as np
import pytest

import autograd as ag
from nn import regularizers

W = np.array([[0.5, -1.5, 2.0], [-0.25, 0.75, -3.0]])


@pytest.mark.parametrize("regularizer, value, gradient", [
    (regularizers.L1(0.1), 0.1 * np.abs(W).sum(), 0.1 * np.sign(W)),
    (regularizers.L2(0.2), 0.2 * (W**2).sum(), 0.4 * W),
    (regularizers.L1L2(l1=0.1, l2=0.2), 0.1 * np.abs(W).sum() + 0.2 * (W**2).sum(),
     0.1 * np.sign(W) + 0.4 * W),
], ids=["l1", "l2", "l1l2"])
def test_value_and_gradient_follow_keras_formulas(regularizer, value, gradient):
    w = ag.Tensor(W, requires_grad=True, dtype=np.float64)
    penalty = regularizer(w)
    assert penalty.shape == () and penalty.item() == pytest.approx(value)
    penalty.backward()
    np.testing.assert_allclose(w.grad.data, gradient)
    assert ag.gradcheck(regularizer, W)


def test_defaults_follow_keras():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}


def test_zero_penalty_is_a_scalar_zero_of_the_weight_dtype():
    penalty = regularizers.L1L2()(ag.Tensor(W, requires_grad=True))
    assert penalty.item() == 0.0 and penalty.dtype == np.float32


def test_float32_weights_give_a_float32_penalty():
    assert regularizers.L2()(ag.Tensor(W, requires_grad=True)).dtype == np.float32


def test_negative_factor_is_an_error():
    with pytest.raises(ValueError, match="l2 must be a non-negative"):
        regularizers.L2(-0.1)


def test_get_resolves_names_case_and_callables():
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(regularizers.get("L1"), regularizers.L1)
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    assert regularizers.get(None) is None
    custom = lambda w: ag.sum(w)  # noqa: E731
    assert regularizers.get(custom) is custom


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match="'l3'.*'l1'.*'l2'"):
        regularizers.get("l3")


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.3), regularizers.L2(0.02),
                                         regularizers.L1L2(0.1, 0.2)])
def test_serialize_round_trips(regularizer):
    config = regularizers.serialize(regularizer)
    restored = regularizers.get(config)
    assert type(restored) is type(regularizer)
    assert restored.get_config() == regularizer.get_config()


def test_serialize_format():
    assert regularizers.serialize(regularizers.L2(0.01)) == {"class_name": "L2", "config": {"l2": 0.01}}
    with pytest.raises(ValueError, match="custom regularizer"):
        regularizers.serialize(lambda w: w)


def test_none_serializes_to_none():
    assert regularizers.serialize(None) is None


def test_keras_lowercase_names_are_the_classes():
    assert regularizers.l2(0.01).get_config() == regularizers.L2(0.01).get_config()
    assert isinstance(regularizers.l1(0.1), regularizers.L1)
    assert regularizers.l1_l2(l1=0.1, l2=0.2).get_config() == {"l1": 0.1, "l2": 0.2}
