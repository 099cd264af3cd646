"""Elementwise ops beyond the table: sign (no gradient), and the Tensor methods of the new ops."""
import numpy as np
import pytest

import autograd as ag


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sign_gives_minus_one_zero_or_one_in_the_inputs_dtype(dtype):
    x = ag.Tensor([-2.5, 0.0, -0.0, 3.0, np.nan], requires_grad=True, dtype=dtype)
    s = ag.sign(x)
    assert s.dtype == dtype
    np.testing.assert_array_equal(s.data, [-1.0, 0.0, 0.0, 1.0, np.nan])


def test_sign_records_nothing_like_a_comparison():
    x = ag.Tensor([-2.0, 0.5], requires_grad=True)
    s = x.sign()
    assert s.requires_grad is False and s.grad_fn is None and s.is_leaf
    (x * ag.sign(x)).sum().backward()  # |x| written with sign: sign is a constant factor
    np.testing.assert_array_equal(x.grad.data, [-1.0, 1.0])


def test_sign_of_integers_stays_integer():
    s = ag.sign(ag.Tensor(np.array([-3, 0, 7])))
    assert s.dtype == np.int64
    np.testing.assert_array_equal(s.data, [-1, 0, 1])


@pytest.mark.parametrize("name", ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
                                  "log1p", "expm1", "log2", "log10", "erf", "square", "reciprocal",
                                  "sign"])
def test_tensor_methods_are_the_functions(name):
    values = np.array([0.25, 0.5, 0.75])
    x = ag.Tensor(values, requires_grad=True, dtype=np.float64)
    method, function = getattr(x, name)(), getattr(ag, name)(x)
    np.testing.assert_array_equal(method.data, function.data)
    assert method.requires_grad == function.requires_grad


@pytest.mark.parametrize("op", [ag.sin, ag.square, ag.reciprocal, ag.softsign, ag.erf, ag.softplus, ag.sign])
def test_numbers_and_lists_are_lifted(op):
    assert isinstance(op(0.5), ag.Tensor)
    assert op([0.5, 1.5]).shape == (2,)
