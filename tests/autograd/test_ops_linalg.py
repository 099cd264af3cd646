"""Linear algebra beyond the table (tests/helpers/op_table.py): einsum's parsing and errors, the
closed-form gradients of det, inv and solve, and the compositions (tensordot, outer) against their
spelled-out forms."""
import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True, dtype=np.float64)


def well_conditioned(shape, seed=0):
    return 3 * np.eye(shape[-1]) + 0.3 * np.random.default_rng(seed).standard_normal(shape)


# ---- einsum ------------------------------------------------------------------------------------
def test_einsum_matrix_product_has_matmuls_gradients():
    rng = np.random.default_rng(0)
    a_values, b_values = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    a, b, a2, b2 = leaf(a_values), leaf(b_values), leaf(a_values), leaf(b_values)
    upstream = rng.standard_normal((3, 2))
    ag.einsum("ij,jk->ik", a, b).backward(upstream)
    (a2 @ b2).backward(upstream)
    np.testing.assert_allclose(a.grad.data, a2.grad.data, rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, b2.grad.data, rtol=1e-12)


def test_trace_gradient_is_the_identity_and_diagonal_gradient_sits_on_the_diagonal():
    x = leaf(np.arange(9.0).reshape(3, 3))
    (g,) = ag.grad(ag.einsum("ii", x), [x])
    np.testing.assert_array_equal(g.data, np.eye(3))
    (g,) = ag.grad(ag.einsum("ii->i", x), [x], grad_outputs=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g.data, np.diag([1.0, 2.0, 3.0]))


def test_einsum_of_one_tensor_used_twice_adds_both_gradients():
    x = leaf([1.0, -2.0, 3.0])
    (g,) = ag.grad(ag.einsum("i,i->", x, x), [x])
    np.testing.assert_allclose(g.data, 2 * x.data)


def test_an_index_summed_away_in_one_operand_broadcasts_its_gradient():
    x = leaf(np.ones((2, 3)))
    (g,) = ag.grad(ag.einsum("ij->", x), [x])
    np.testing.assert_array_equal(g.data, np.ones((2, 3)))


def test_ellipsis_broadcasts_size_one_batch_dimensions_and_sums_their_gradient():
    rng = np.random.default_rng(1)
    a, b = leaf(rng.standard_normal((1, 2, 3))), leaf(rng.standard_normal((4, 3, 2)))
    out = ag.einsum("...ij,...jk->...ik", a, b)
    np.testing.assert_allclose(out.data, np.einsum("...ij,...jk->...ik", a.data, b.data), rtol=1e-12)
    out.sum().backward()
    assert a.grad.shape == (1, 2, 3) and b.grad.shape == (4, 3, 2)
    expected = (np.ones((4, 2, 2)) @ b.data.swapaxes(-1, -2)).sum(0, keepdims=True)
    np.testing.assert_allclose(a.grad.data, expected)


def test_einsum_keeps_float32_and_lifts_numbers_and_arrays():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    out = ag.einsum(",i->i", 2.0, x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [2.0, 4.0])
    assert ag.einsum("i,i->", np.array([1.0, 1.0]), x).dtype == np.float32


def test_implicit_output_is_the_indices_used_once_in_ascii_order():
    a, b = np.ones((2, 3)), np.ones(4)
    assert ag.einsum("aB,c", a, b).shape == np.einsum("aB,c", a, b).shape == (3, 2, 4)
    assert ag.einsum("ij,ij", a, a).shape == ()


def test_einsum_with_spaces_in_the_subscripts():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(ag.einsum("i j -> j i", a).data, a.T)


@pytest.mark.parametrize("subscripts, shapes, message", [
    ("ij,jk->ik", [(2, 3)], r"name 2 operand\(s\) but 1 were given"),
    ("ij,jk->ik", [(2, 3), (4, 5)], r"index 'j' has size 3 in operand 0 but size 4 in operand 1"),
    ("ij->iij", [(2, 3)], r"repeats index 'i'"),
    ("ij->k", [(2, 3)], r"'k' appears in no operand"),
    ("ij->i", [(2, 3, 4)], r"operand 0 has shape \(2, 3, 4\).*names 2"),
    ("i2->i", [(2, 3)], r"not a valid term"),
    ("...i->i", [(2, 3)], r"no '...'.*add '...' to the output"),
    ("i->...", [(2,)], r"the output has '...' but no operand has"),
    ("...i,...i->...", [(2, 3), (4, 3)], r"cannot be broadcast"),
])
def test_einsum_errors_name_the_problem(subscripts, shapes, message):
    with pytest.raises(ValueError, match=message) as caught:
        ag.einsum(subscripts, *[np.ones(s) for s in shapes])
    assert caught.value.args[0].startswith(f"einsum({subscripts!r})")


def test_einsum_second_derivative_of_a_quadratic_form():
    """d²/dx² of xᵀ A x is A + Aᵀ."""
    a = np.array([[1.0, 2.0], [0.5, -1.0]])
    x = leaf([0.3, -0.7])
    (g,) = ag.grad(ag.einsum("i,ij,j->", x, a, x), [x], create_graph=True)
    rows = [ag.grad(g[k], [x], retain_graph=True)[0].data for k in range(2)]
    np.testing.assert_allclose(np.stack(rows), a + a.T, rtol=1e-12)


# ---- tensordot and outer -----------------------------------------------------------------------
def test_tensordot_axes_forms_match_numpy():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4, 5))
    np.testing.assert_allclose(ag.tensordot(leaf(a), leaf(b)).data, np.tensordot(a, b), rtol=1e-12)
    np.testing.assert_allclose(ag.tensordot(leaf(a), leaf(b), 0).data, np.tensordot(a, b, 0), rtol=1e-12)
    c = rng.standard_normal((4, 2))
    np.testing.assert_allclose(ag.tensordot(leaf(a), leaf(c), ([0, 2], [1, 0])).data,
                               np.tensordot(a, c, ([0, 2], [1, 0])), rtol=1e-12)
    np.testing.assert_allclose(ag.tensordot(leaf(a), leaf(c), (2, 0)).data, np.tensordot(a, c, (2, 0)),
                               rtol=1e-12)


@pytest.mark.parametrize("axes, message", [
    (4, r"axes=4 must be between 0 and"),
    (([0, 1], [0]), r"pairs 2 axes of a with 1 of b"),
    (([5], [0]), r"out of range"),
    ("ab", r"an int or a pair of axis lists"),
])
def test_tensordot_errors(axes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        ag.tensordot(np.ones((2, 3)), np.ones((3, 2)), axes)


def test_tensordot_with_mismatched_paired_axes_names_sizes():
    with pytest.raises(ValueError, match="has size 3 in operand 0 but size 2 in operand 1"):
        ag.tensordot(np.ones((2, 3)), np.ones((2, 2)), 1)


def test_outer_flattens_like_numpy_and_is_a_tensor_method():
    a, b = leaf([[1.0, 2.0]]), leaf([3.0, 4.0, 5.0])
    out = a.outer(b)
    np.testing.assert_array_equal(out.data, np.outer(a.data, b.data))
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [[12.0, 12.0]])
    np.testing.assert_array_equal(b.grad.data, [3.0, 3.0, 3.0])


# ---- inv, det, solve ---------------------------------------------------------------------------
def test_det_gradient_of_a_2x2_is_its_cofactor_matrix():
    a = leaf([[2.0, 1.0], [0.5, 3.0]])
    d = a.det()
    assert d.item() == pytest.approx(5.5)
    d.backward()
    np.testing.assert_allclose(a.grad.data, [[3.0, -0.5], [-1.0, 2.0]], rtol=1e-12)


def test_det_gradient_is_det_times_inverse_transpose_batched():
    values = well_conditioned((2, 3, 3))
    a = leaf(values)
    (g,) = ag.grad(ag.det(a), [a], grad_outputs=np.array([1.0, -2.0]))
    expected = np.array([1.0, -2.0])[:, None, None] * np.linalg.det(values)[:, None, None] * \
        np.linalg.inv(values).swapaxes(-1, -2)
    np.testing.assert_allclose(g.data, expected, rtol=1e-10)


def test_inv_gradient_is_minus_inverse_transpose_sandwich():
    values, upstream = well_conditioned((3, 3)), np.random.default_rng(3).standard_normal((3, 3))
    a = leaf(values)
    a.inverse().backward(upstream)
    inverse_t = np.linalg.inv(values).T
    np.testing.assert_allclose(a.grad.data, -inverse_t @ upstream @ inverse_t, rtol=1e-10)


@pytest.mark.parametrize("b_shape", [(3,), (3, 2), (4, 3, 2)])
def test_solve_equals_inverse_times_b_in_value_and_gradients(b_shape):
    rng = np.random.default_rng(4)
    a_values, b_values = well_conditioned((3, 3)), rng.standard_normal(b_shape)
    a, b, a2, b2 = leaf(a_values), leaf(b_values), leaf(a_values), leaf(b_values)
    x, x_composed = ag.solve(a, b), ag.inv(a2) @ b2
    np.testing.assert_allclose(x.data, x_composed.data, rtol=1e-10)
    upstream = rng.standard_normal(x.shape)
    x.backward(upstream)
    x_composed.backward(upstream)
    np.testing.assert_allclose(a.grad.data, a2.grad.data, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.data, b2.grad.data, rtol=1e-9, atol=1e-12)


def test_solve_skips_the_gradient_nobody_wants():
    a = ag.Tensor(well_conditioned((2, 2)), dtype=np.float64)
    b = leaf([1.0, 2.0])
    ag.solve(a, b).sum().backward()
    assert a.grad is None
    np.testing.assert_allclose(b.grad.data, np.linalg.solve(a.data.T, np.ones(2)), rtol=1e-12)


def test_second_derivative_of_log_det_is_minus_the_inverse_pairing():
    """d/dA <A^-T, V> = -A^-T V^T A^-T, the second derivative of log det A."""
    values = well_conditioned((3, 3), seed=5)
    direction = np.random.default_rng(6).standard_normal((3, 3))
    a = leaf(values)
    (g,) = ag.grad(ag.log(ag.det(a)), [a], create_graph=True)
    np.testing.assert_allclose(g.data, np.linalg.inv(values).T, rtol=1e-10)
    (second,) = ag.grad((g * direction).sum(), [a])
    inverse_t = np.linalg.inv(values).T
    np.testing.assert_allclose(second.data, -inverse_t @ direction.T @ inverse_t, rtol=1e-9)


@pytest.mark.parametrize("op", [ag.inv, ag.det])
def test_non_square_matrices_are_refused(op):
    with pytest.raises(ValueError, match=rf"{op.__name__} needs square matrices.*\(2, 3\)"):
        op(np.ones((2, 3)))


def test_singular_matrix_has_no_inverse():
    with pytest.raises(ValueError, match="inv: a matrix of shape \\(2, 2\\) is singular"):
        ag.inv(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(ValueError, match="solve: a matrix of shape \\(2, 2\\) is singular"):
        ag.solve(np.zeros((2, 2)), np.ones(2))
    assert ag.det(np.array([[1.0, 2.0], [2.0, 4.0]])).item() == 0


@pytest.mark.parametrize("a_shape, b_shape, message", [
    ((3, 3), (2,), r"needs b of shape \(3,\) or \(..., 3, k\), got \(2,\)"),
    ((3, 3), (), r"got \(\)"),
    ((2, 3, 3), (4, 3, 1), r"batch dimensions of a \(2,\) and b \(4,\) cannot be broadcast"),
])
def test_solve_shape_errors(a_shape, b_shape, message):
    with pytest.raises(ValueError, match=message):
        ag.solve(np.broadcast_to(np.eye(3), a_shape), np.ones(b_shape))


def test_float32_linear_algebra_stays_float32():
    a = ag.Tensor(well_conditioned((3, 3)), requires_grad=True)
    for out in (ag.inv(a), ag.det(a), ag.solve(a, ag.ones(3)), ag.einsum("ij->j", a), ag.tensordot(a, a)):
        assert out.dtype == np.float32
        (g,) = ag.grad(out.sum(), [a])
        assert g.dtype == np.float32
