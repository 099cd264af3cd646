"""numpy functions on Tensors are recorded (NEP 13/18); the ones autograd lacks refuse clearly."""
import numpy as np
import pytest

import autograd as ag
from autograd import numpy_dispatch


def leaf(values):
    return ag.Tensor(values, requires_grad=True, dtype="float64")


@pytest.mark.parametrize("ufunc, derivative", [
    (np.sin, np.cos), (np.exp, np.exp), (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    (np.sqrt, lambda a: 0.5 / np.sqrt(a)), (np.log, lambda a: 1 / a), (np.square, lambda a: 2 * a),
    (np.log1p, lambda a: 1 / (1 + a)), (np.absolute, np.sign), (np.negative, lambda a: -np.ones_like(a)),
])
def test_unary_ufuncs_are_recorded(ufunc, derivative):
    values = np.array([0.3, 1.2, 2.5])
    x = leaf(values)
    y = ufunc(x)
    assert isinstance(y, ag.Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, ufunc(values))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, derivative(values), rtol=1e-12)


def test_binary_ufuncs_and_arrays_on_either_side_are_recorded():
    x = leaf([1.0, 2.0])
    a = np.array([3.0, 4.0])
    for y in (np.multiply(x, a), a * x, np.add(a, x) * x, np.maximum(x, 1.5), np.matmul(a, x)):
        assert isinstance(y, ag.Tensor) and y.requires_grad
    (a * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, a)


def test_numpy_reductions_and_joins_are_recorded():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    total = np.sum(x) + np.mean(x, axis=0).sum() + np.max(x) + np.concatenate([x, x]).sum()
    total = total + np.stack([x, x], axis=0).sum() + np.where(np.array([[True, False]] * 2), x, 0.0).sum()
    total = total + np.reshape(x, (4,)).sum() + np.transpose(x)[0, 1] + np.clip(x, 1.5, 3.5).sum()
    assert isinstance(total, ag.Tensor)
    total.backward()
    expected = (np.ones((2, 2)) + 0.5 + np.array([[0, 0], [0, 1]]) + 2 + 2 + np.array([[1, 0], [1, 0]])
                + 1 + np.array([[0, 0], [1, 0]]) + np.array([[0, 1], [1, 0]]))
    np.testing.assert_allclose(x.grad.data, expected)


def test_np_sum_no_longer_fails_on_out():
    assert np.sum(leaf([1.0, 2.0])).item() == 3.0


def test_value_functions_read_the_values():
    x = leaf([1.0, 2.0])
    assert np.shape(x) == (2,) and np.ndim(x) == 1 and np.size(x) == 2
    assert np.allclose(x, [1.0, 2.0]) and np.array_equal(x, np.array([1.0, 2.0]))
    comparison = np.less(x, 1.5)
    assert isinstance(comparison, ag.Tensor) and not comparison.requires_grad
    assert comparison.data.tolist() == [True, False]


@pytest.mark.parametrize("call, named", [
    (lambda x: np.arctan2(x, x), "np.arctan2 has no autograd op"),
    (lambda x: np.median(x), "np.median is not supported on Tensors"),
    (lambda x: np.add.reduceat(x, [0]), "np.add.reduceat is not recorded"),
    (lambda x: np.fft.fft(x), "np.fft.fft is not supported on Tensors"),
])
def test_unsupported_numpy_functions_refuse_and_say_what_to_do(call, named):
    with pytest.raises(TypeError, match=named) as error:
        call(leaf([1.0, 2.0]))
    assert "detach().numpy()" in str(error.value)


def test_ufunc_methods_name_the_autograd_function():
    with pytest.raises(TypeError, match="use autograd.sum"):
        np.add.reduce(leaf([1.0, 2.0]))


def test_writing_into_an_array_with_out_runs_numpy_on_the_values():
    target = np.zeros(2)
    result = np.add(leaf([1.0, 2.0]), 1.0, out=target)
    assert result is target and target.tolist() == [2.0, 3.0]
    with pytest.raises(TypeError, match="in-place operators"):
        x = leaf([1.0, 2.0])
        np.add(x, 1.0, out=(x,))


def test_every_function_the_tables_name_exists_in_autograd():
    names = {*numpy_dispatch.UFUNCS.values(), *numpy_dispatch.FUNCTIONS.values(),
             *numpy_dispatch.UFUNC_METHODS.values()}
    assert [name for name in sorted(names) if not hasattr(ag, name)] == []
