"""norm, var and std beyond the table: the gradient at zero, ddof, and the errors."""
import numpy as np
import pytest

import autograd as ag

MATRIX = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.5]])


def float64(values, requires_grad=True):
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad, dtype=np.float64)


# ---- the gradient of the Euclidean norm at zero is 0 ------------------------------------------
@pytest.mark.parametrize("call", [lambda x: ag.norm(x), lambda x: x.norm(dim=1).sum(),
                                  lambda x: ag.norm(x, 2, axis=1, keepdims=True).sum(),
                                  lambda x: ag.norm(x, "fro"), lambda x: ag.std(x, axis=1).sum()])
def test_norm_gradient_at_zero_is_zero_not_nan(call):
    x = float64(np.zeros((2, 3)))
    with np.errstate(divide="raise", invalid="raise"):
        out = call(x)
        out.backward()
    assert out.item() == 0.0
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))


def test_norm_of_a_zero_row_next_to_a_nonzero_one():
    x = float64([[0.0, 0.0], [3.0, -4.0]])
    out = ag.norm(x, axis=1)
    np.testing.assert_array_equal(out.data, [0.0, 5.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0.0, 0.0], [0.6, -0.8]], rtol=1e-15)


def test_norm_second_derivative_at_zero_is_finite():
    x = float64([[0.0, 0.0], [3.0, -4.0]])
    (g,) = ag.grad(ag.norm(x, axis=1).sum(), [x], create_graph=True)
    (hv,) = ag.grad((g * float64(np.ones((2, 2)), False)).sum(), [x])
    # Row 2: the Hessian of |x| is (I - u u^T) / |x| with u = x / |x|; row 1: taken as 0.
    u = np.array([0.6, -0.8])
    np.testing.assert_allclose(hv.data, [[0.0, 0.0], (np.ones(2) - u * u.sum()) / 5.0], rtol=1e-14)


@pytest.mark.parametrize("constant", [2.0, 0.1, -1.72396687])  # the mean of three 0.1s is not 0.1
def test_std_and_var_of_a_constant_are_zero_with_gradient_zero(constant):
    x = float64([[constant] * 3, [1.0, 2.0, 3.0]])
    for out in (x.std(dim=1), x.var(dim=1)):
        assert out.data[0] == 0.0
        (g,) = ag.grad(out.sum(), [x], create_graph=True)
        np.testing.assert_array_equal(g.data[0], [0.0, 0.0, 0.0])
        (hv,) = ag.grad((g * float64(np.ones((2, 3)), False)).sum(), [x])
        assert np.isfinite(hv.data).all()


# ---- numpy's ord, axis and keepdims ------------------------------------------------------------
@pytest.mark.parametrize("ord", [None, 1, 2, np.inf])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_vector_norms_match_numpy(ord, axis, keepdims):
    out = ag.norm(float64(MATRIX), ord, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.data, np.linalg.norm(MATRIX, ord, axis=axis, keepdims=keepdims), rtol=1e-15)


@pytest.mark.parametrize("ord", [None, "fro", 1, np.inf])
@pytest.mark.parametrize("axis", [None, (0, 1), (1, 0)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norms_match_numpy(ord, axis, keepdims):
    out = ag.norm(float64(MATRIX), ord, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.data, np.linalg.norm(MATRIX, ord, axis=axis, keepdims=keepdims), rtol=1e-15)


def test_norm_without_ord_reduces_any_axes():
    stack = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(ag.norm(float64(stack)).data, np.linalg.norm(stack.ravel()), rtol=1e-15)
    np.testing.assert_allclose(ag.norm(float64(stack), axis=(0, 2)).data,
                               np.sqrt((stack ** 2).sum(axis=(0, 2))), rtol=1e-15)


@pytest.mark.parametrize("call, message", [
    (lambda x: ag.norm(x, 2), r"ord=2 is not a matrix norm.*singular values.*'fro'"),
    (lambda x: ag.norm(x, "nuc"), r"ord='nuc' is not a matrix norm"),
    (lambda x: ag.norm(x, "fro", axis=1), r"ord='fro' is not a vector norm.*inf \(largest \|a\|\)"),
    (lambda x: ag.norm(x, 3, axis=0), r"ord=3 is not a vector norm"),
    (lambda x: ag.norm(x.reshape((1, 2, 3)), 1), r"ord=1 names a vector or a matrix norm.*\(1, 2, 3\).*axis="),
    (lambda x: ag.norm(x, 1, axis=(0, 0)), r"two different axes.*\(0, 0\)"),
])
def test_norm_errors_say_what_to_use(call, message):
    with pytest.raises(ValueError, match=message):
        call(float64(MATRIX))


def test_norm_axis_out_of_range():
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of range"):
        ag.norm(float64(MATRIX), axis=2)


# ---- var and std: ddof -------------------------------------------------------------------------
@pytest.mark.parametrize("op, reference", [(ag.var, np.var), (ag.std, np.std)])
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_var_and_std_with_ddof_match_numpy(op, reference, ddof, axis):
    out = op(float64(MATRIX), axis=axis, ddof=ddof)
    np.testing.assert_allclose(out.data, reference(MATRIX, axis=axis, ddof=ddof), rtol=1e-14)


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_one_gradient_matches_central_differences(name):
    assert ag.gradcheck(lambda x: getattr(x, name)(dim=0, ddof=1), MATRIX)


def test_std_and_var_default_to_the_population_formula():
    x = float64([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == 1.25 and ag.var(x, ddof=1).item() == pytest.approx(5 / 3, rel=1e-15)
    assert x.std().item() == pytest.approx(np.sqrt(1.25), rel=1e-15)


@pytest.mark.parametrize("op", [ag.var, ag.std])
def test_ddof_that_leaves_no_degrees_of_freedom_is_an_error(op):
    with pytest.raises(ValueError, match=r"ddof=2 with 2 element\(s\) per result.*lower ddof"):
        op(float64(MATRIX), axis=0, ddof=2)
