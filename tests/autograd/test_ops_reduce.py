"""Reductions beyond the table: prod with zeros, cumsum, argmax/argmin/any/all (no gradient),
PyTorch's dim/keepdim spellings, and the errors."""
import numpy as np
import pytest

import autograd as ag

MATRIX = np.array([[1.0, 5.0, 5.0, -2.0], [3.0, 3.0, 0.0, 3.0], [-1.0, 4.0, 2.0, 4.0]])


def float64(values, requires_grad=True):
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad, dtype=np.float64)


# ---- prod: the gradient is the product of the other elements, zeros included ------------------
@pytest.mark.parametrize("values, expected", [
    ([2.0, 3.0, 4.0], [12.0, 8.0, 6.0]),
    ([2.0, 0.0, 3.0, 4.0], [0.0, 24.0, 0.0, 0.0]),  # one zero: only it gets a gradient
    ([2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]),  # two zeros: every product of others has one
    ([0.0], [1.0]),
])
def test_prod_gradient_with_zeros(values, expected):
    x = float64(values)
    with np.errstate(divide="raise", invalid="raise"):
        ag.prod(x).backward()
    np.testing.assert_array_equal(x.grad.data, expected)


def test_prod_along_an_axis_with_zeros_in_some_rows():
    x = float64([[2.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 5.0, 0.0]])
    out = x.prod(axis=1)
    np.testing.assert_array_equal(out.data, [0.0, 6.0, 0.0])
    out.backward(np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(x.grad.data, [[0, 6, 0], [60, 30, 20], [0, 0, 0]])


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, 5.0], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 7.0]])
def test_prod_second_derivatives_with_zeros(values):
    """The Hessian of a product: d2/da_i da_j prod(a) is the product of all but a_i and a_j."""
    x = float64(values)
    (g,) = ag.grad(ag.prod(x), [x], create_graph=True)
    hessian = np.stack([ag.grad(g[i], [x], retain_graph=True)[0].data for i in range(len(values))])
    expected = np.array([[0.0 if i == j else np.prod(np.delete(values, [i, j])) for j in range(4)]
                         for i in range(4)])
    np.testing.assert_array_equal(hessian, expected)


def test_prod_keeps_float32():
    x = ag.Tensor([1.5, 0.0, 2.0], requires_grad=True)
    out = ag.prod(x)
    out.backward()
    assert out.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [0.0, 3.0, 0.0])


# ---- cumsum ------------------------------------------------------------------------------------
def test_cumsum_gradient_sums_the_later_upstream_values():
    x = float64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = ag.cumsum(x, axis=1)
    np.testing.assert_array_equal(out.data, [[1, 3, 6], [4, 9, 15]])
    out.backward(np.array([[1.0, 10.0, 100.0], [1.0, 1.0, 1.0]]))
    np.testing.assert_array_equal(x.grad.data, [[111, 110, 100], [3, 2, 1]])


def test_cumsum_without_an_axis_runs_along_the_flattened_tensor():
    x = float64([[1.0, 2.0], [3.0, 4.0]])
    out = x.cumsum()
    np.testing.assert_array_equal(out.data, [1, 3, 6, 10])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[4, 3], [2, 1]])


def test_cumsum_takes_one_axis():
    with pytest.raises(TypeError, match=r"cumsum works along one axis.*\(0, 1\)"):
        ag.cumsum(float64(np.ones((2, 2))), axis=(0, 1))
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of range"):
        ag.cumsum(float64(np.ones((2, 2))), dim=2)


# ---- argmax / argmin: integer indices, no gradient, the first of ties -------------------------
@pytest.mark.parametrize("op, reference", [(ag.argmax, np.argmax), (ag.argmin, np.argmin)])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_and_argmin_match_numpy(op, reference, axis, keepdims):
    x = float64(MATRIX)
    index = op(x, axis=axis, keepdims=keepdims)
    assert index.dtype == np.int64
    assert index.requires_grad is False and index.grad_fn is None
    np.testing.assert_array_equal(index.data, reference(MATRIX, axis=axis, keepdims=keepdims))


def test_argmax_and_argmin_pick_the_first_of_ties():
    x = float64(MATRIX)
    np.testing.assert_array_equal(ag.argmax(x, axis=1).data, [1, 0, 1])
    np.testing.assert_array_equal(x.argmin(dim=1).data, [3, 2, 0])
    assert ag.argmax(float64([2.0, 7.0, 7.0, 7.0])).item() == 1


def test_argmax_result_indexes_the_tensor():
    x = float64(MATRIX)
    rows = x[np.arange(3), x.argmax(dim=1).data]
    np.testing.assert_array_equal(rows.data, MATRIX.max(axis=1))


def test_argmax_errors():
    x = float64(MATRIX)
    with pytest.raises(TypeError, match=r"argmax works along one axis.*\(0, 1\)"):
        ag.argmax(x, axis=(0, 1))
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of range"):
        ag.argmin(x, axis=2)
    with pytest.raises(ValueError, match=r"argmax of a tensor of shape \(0, 3\).*no elements"):
        ag.argmax(float64(np.ones((0, 3))), axis=0)
    assert ag.argmax(float64(np.ones((0, 3))), axis=1).shape == (0,)


# ---- any / all ---------------------------------------------------------------------------------
@pytest.mark.parametrize("op, reference", [(ag.any, np.any), (ag.all, np.all)])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_any_and_all_match_numpy(op, reference, axis, keepdims):
    values = np.array([[0.0, 2.0, 0.0], [1.0, 3.0, 0.0]])
    result = op(float64(values), axis=axis, keepdims=keepdims)
    assert result.dtype == bool
    assert result.requires_grad is False and result.grad_fn is None
    np.testing.assert_array_equal(result.data, reference(values, axis=axis, keepdims=keepdims))


def test_any_and_all_as_methods_and_on_comparisons():
    x = float64([1.0, -2.0, 3.0])
    assert (x > 0).any().item() is True and (x > 0).all().item() is False
    np.testing.assert_array_equal(float64([[1.0, 0.0]]).all(dim=0, keepdim=True).data, [[True, False]])
    with pytest.raises(ValueError, match=r"use \.any\(\) or \.all\(\)"):
        bool(x > 0)


# ---- PyTorch's dim / keepdim -------------------------------------------------------------------
REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std", "logsumexp", "norm", "argmax",
              "argmin", "any", "all"]


@pytest.mark.parametrize("name", REDUCTIONS)
def test_dim_and_keepdim_are_axis_and_keepdims(name):
    x = float64(MATRIX)
    function = getattr(ag, name)
    numpy_names = function(x, axis=1, keepdims=True).data
    ord_first = (None,) if name == "norm" else ()  # norm's second argument is ord, as numpy's
    for result in (function(x, dim=1, keepdim=True), getattr(x, name)(dim=1, keepdim=True),
                   function(x, *ord_first, 1, keepdim=True), getattr(x, name)(*ord_first, 1, True)):
        np.testing.assert_array_equal(result.data, numpy_names)
    np.testing.assert_array_equal(function(x, dim=-1).data, function(x, axis=-1).data)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_both_spellings_at_once_is_an_error(name):
    x = float64(MATRIX)
    with pytest.raises(TypeError, match=rf"{name}: got both axis=0 and dim=1.*pass only one"):
        getattr(ag, name)(x, axis=0, dim=1)
    with pytest.raises(TypeError, match=rf"{name}: got both keepdims=False and keepdim=True.*pass only one"):
        getattr(x, name)(keepdims=False, keepdim=True)


def test_cumsum_takes_dim_but_not_both():
    x = float64(MATRIX)
    np.testing.assert_array_equal(x.cumsum(dim=0).data, np.cumsum(MATRIX, axis=0))
    with pytest.raises(TypeError, match="cumsum: got both axis=0 and dim=0"):
        ag.cumsum(x, axis=0, dim=0)


def test_max_ties_share_the_gradient_with_torch_names():
    x = float64([[1.0, 3.0, 3.0], [5.0, 0.0, 4.0]])
    x.max(dim=1, keepdim=True).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 0.5, 0.5], [1, 0, 0]])
