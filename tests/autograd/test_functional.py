"""Function transforms: each against central differences, and against each other
(J v == jvp, vᵀ J == vjp, H v == hvp, forward-over-reverse == reverse-over-reverse)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

EPS = 1e-6


def f64(values):
    """Arrays become float32 leaves, as everywhere; these checks want float64 precision."""
    return ag.Tensor(values, dtype=np.float64)


def vector_field(x):
    """R^n -> R^(n+1), non-linear in every coordinate."""
    return ag.concatenate([ag.tanh(x) * (x * x).sum(), ag.exp(x[:1] * x[-1:])])


def scalar_field(x):
    return (ag.tanh(x) * ag.tanh(x)).sum() * x[0] + ag.log(1.0 + (x * x).sum())


def two_inputs_two_outputs(a, b):
    return ag.tanh(a @ b), (a * a).sum() * ag.sigmoid(b).sum()


def numeric_jacobian(f, x):
    """d f / d x by central differences in float64, shape out.shape + x.shape."""
    x = np.array(x, dtype=np.float64)
    columns = []
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = EPS
        plus = f(ag.Tensor(x + step.reshape(x.shape), dtype=np.float64)).data
        minus = f(ag.Tensor(x - step.reshape(x.shape), dtype=np.float64)).data
        columns.append((plus - minus) / (2 * EPS))
    out_shape = columns[0].shape
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def numeric_gradient(f, x):
    return numeric_jacobian(lambda t: f(t).reshape(()), x)


vectors = st.integers(1, 4).flatmap(
    lambda n: st.tuples(*[hnp.arrays(np.float64, (n,), elements=st.floats(-1.5, 1.5)) for _ in range(2)]))


# ---- against central differences ---------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(xv=vectors)
def test_jacobian_jvp_and_vjp_match_central_differences(xv):
    x, v = xv
    numeric = numeric_jacobian(vector_field, x)
    jacobian = ag.jacobian(vector_field, f64(x))
    assert jacobian.shape == (x.size + 1, x.size)
    np.testing.assert_allclose(jacobian.data, numeric, rtol=1e-6, atol=1e-7)
    out, pushed = ag.jvp(vector_field, f64(x), v)
    np.testing.assert_allclose(out.data, vector_field(f64(x)).data)
    np.testing.assert_allclose(pushed.data, numeric @ v, rtol=1e-6, atol=1e-7)
    w = np.random.default_rng(0).standard_normal(x.size + 1)
    _, pulled = ag.vjp(vector_field, f64(x), w)
    np.testing.assert_allclose(pulled.data, w @ numeric, rtol=1e-6, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(xv=vectors)
def test_hessian_and_hvp_match_central_differences_of_the_gradient(xv):
    x, v = xv
    gradient = lambda t: ag.grad(scalar_field(t), [t], create_graph=True)[0]  # noqa: E731
    numeric = numeric_jacobian(lambda t: ag.grad(scalar_field(t.requires_grad_()), [t])[0], x)
    x = f64(x)
    hessian = ag.hessian(scalar_field, x)
    assert hessian.shape == (x.size, x.size)
    np.testing.assert_allclose(hessian.data, numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hessian.data, hessian.data.T, rtol=1e-10, atol=1e-12)
    value, product = ag.hvp(scalar_field, x, v)
    assert value.shape == ()
    np.testing.assert_allclose(product.data, numeric @ v, rtol=1e-5, atol=1e-6)
    # forward over reverse (jvp of the gradient) equals reverse over reverse (hvp)
    _, forward_over_reverse = ag.jvp(gradient, x, v)
    np.testing.assert_allclose(forward_over_reverse.data, product.data, rtol=1e-10, atol=1e-12)


# ---- against each other ------------------------------------------------------------------------
def test_products_agree_with_the_matrices_for_tuples_of_inputs_and_outputs():
    rng = np.random.default_rng(1)
    a, b = f64(rng.standard_normal((2, 3))), f64(rng.standard_normal((3, 2)))
    va, vb = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    w = (rng.standard_normal((2, 2)), rng.standard_normal(()))
    jac = ag.jacobian(two_inputs_two_outputs, (a, b))
    assert [[block.shape for block in row] for row in jac] == [[(2, 2, 2, 3), (2, 2, 3, 2)], [(2, 3), (3, 2)]]
    (out_matrix, out_scalar), (push_matrix, push_scalar) = ag.jvp(two_inputs_two_outputs, (a, b), (va, vb))
    expected_push = [np.tensordot(jac[k][0].data, va, 2) + np.tensordot(jac[k][1].data, vb, 2)
                     for k in range(2)]
    np.testing.assert_allclose(push_matrix.data, expected_push[0], rtol=1e-10)
    np.testing.assert_allclose(push_scalar.data, expected_push[1], rtol=1e-10)
    _, (pull_a, pull_b) = ag.vjp(two_inputs_two_outputs, (a, b), w)
    for pulled, i, x in [(pull_a, 0, a), (pull_b, 1, b)]:
        expected = np.tensordot(w[0], jac[0][i].data, 2) + w[1] * jac[1][i].data
        np.testing.assert_allclose(pulled.data, expected, rtol=1e-10)
        np.testing.assert_allclose(
            jac[0][i].data, numeric_jacobian(lambda t: two_inputs_two_outputs(
                *[t if k == i else y for k, y in enumerate((a, b))])[0], x.data), rtol=1e-6, atol=1e-8)


def test_hessian_blocks_for_a_tuple_of_inputs():
    rng = np.random.default_rng(2)
    a, b = f64(rng.standard_normal(2)), f64(rng.standard_normal(3))
    va, vb = rng.standard_normal(2), rng.standard_normal(3)
    f = lambda p, q: ag.tanh(ag.outer(p, q)).sum() + (p * p).sum() * (q ** 3).sum()  # noqa: E731
    blocks = ag.hessian(f, (a, b))
    assert [[h.shape for h in row] for row in blocks] == [[(2, 2), (2, 3)], [(3, 2), (3, 3)]]
    full = np.block([[blocks[0][0].data, blocks[0][1].data], [blocks[1][0].data, blocks[1][1].data]])
    np.testing.assert_allclose(full, full.T, rtol=1e-10)
    value, (hv_a, hv_b) = ag.hvp(f, (a, b), (va, vb))
    np.testing.assert_allclose(np.concatenate([hv_a.data, hv_b.data]), full @ np.concatenate([va, vb]),
                               rtol=1e-10)
    np.testing.assert_allclose(value.data, f(a, b).data)


# ---- structure, conversion, graphs -------------------------------------------------------------
def test_numbers_lists_and_integer_arrays_become_float_leaves():
    out, pushed = ag.jvp(lambda x: x * x, 3.0, 1.0)
    assert out.item() == 9.0 and pushed.item() == 6.0 and pushed.dtype == np.float32
    jac = ag.jacobian(lambda x: x * x, np.array([1, 2]))
    assert jac.dtype == np.float32
    np.testing.assert_array_equal(jac.data, np.diag([2.0, 4.0]))
    np.testing.assert_array_equal(ag.vjp(lambda x: x.sum(), [1.0, 2.0])[1].data, [1.0, 1.0])


def test_results_are_detached_and_the_callers_tensor_untouched():
    x = ag.Tensor([0.5, -0.5], requires_grad=True)
    out, pulled = ag.vjp(lambda t: (t * t).sum(), x)
    assert not out.requires_grad and not pulled.requires_grad
    assert not ag.jacobian(ag.tanh, x).requires_grad
    assert not ag.hessian(lambda t: (t ** 3).sum(), x).requires_grad
    assert x.grad is None and x.is_leaf


def test_create_graph_results_can_be_differentiated_again():
    x = ag.Tensor([0.3, -0.8, 1.1], requires_grad=True, dtype=np.float64)
    jac = ag.jacobian(lambda t: t ** 3, x, create_graph=True)  # diag(3 x²)
    assert jac.requires_grad
    (g,) = ag.grad(jac.sum(), [x])
    np.testing.assert_allclose(g.data, 6 * x.data, rtol=1e-12)
    _, pushed = ag.jvp(lambda t: t ** 3, x, np.ones(3), create_graph=True)  # 3 x²
    (g,) = ag.grad(pushed.sum(), [x])
    np.testing.assert_allclose(g.data, 6 * x.data, rtol=1e-12)
    _, hv = ag.hvp(lambda t: (t ** 4).sum(), x, np.ones(3), create_graph=True)  # 12 x²
    (g,) = ag.grad(hv.sum(), [x])
    np.testing.assert_allclose(g.data, 24 * x.data, rtol=1e-12)


def test_unused_inputs_and_constant_outputs_give_zeros():
    a, b = np.array([1.0, 2.0]), np.array([3.0])
    jac = ag.jacobian(lambda p, q: p * 2.0, (a, b))
    np.testing.assert_array_equal(jac[1].data, np.zeros((2, 1)))
    _, pushed = ag.jvp(lambda p: ag.ones(3), a, a)
    np.testing.assert_array_equal(pushed.data, np.zeros(3))
    np.testing.assert_array_equal(ag.hessian(lambda p: p.sum() * 3.0, a).data, np.zeros((2, 2)))
    _, (pulled_a, pulled_b) = ag.vjp(lambda p, q: p.sum(), (a, b))
    np.testing.assert_array_equal(pulled_b.data, [0.0])


def test_identity_and_linear_maps():
    x, v = np.array([1.0, -2.0, 0.5]), np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(ag.jvp(lambda t: t, x, v)[1].data, v, rtol=1e-6)
    np.testing.assert_allclose(ag.jacobian(lambda t: t, x).data, np.eye(3))
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(ag.jacobian(lambda t: ag.Tensor(m) @ t, x).data, m)


def test_empty_output_has_an_empty_jacobian():
    assert ag.jacobian(lambda t: t[:0], np.ones(3)).shape == (0, 3)


# ---- errors ------------------------------------------------------------------------------------
def test_tangent_shapes_must_match_the_primals():
    with pytest.raises(ValueError, match=r"jvp: tangents\[0\] has shape \(2,\) but must have shape \(3,\)"):
        ag.jvp(ag.tanh, np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"jvp: tangents must be a tuple of 2 tensors"):
        ag.jvp(lambda a, b: a * b, (np.ones(2), np.ones(2)), np.ones(2))
    with pytest.raises(ValueError, match=r"vjp: cotangents\[0\] has shape \(3,\) but must have shape \(2,\)"):
        ag.vjp(lambda t: t[:2], np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"hvp: v\[0\] has shape"):
        ag.hvp(lambda t: t.sum(), np.ones(3), np.ones(4))


def test_vjp_of_a_non_scalar_needs_cotangents():
    with pytest.raises(ValueError, match=r"vjp: f returns more than one number, so pass cotangents="):
        ag.vjp(ag.tanh, np.ones(3))


@pytest.mark.parametrize("transform", [ag.hessian, lambda f, x: ag.hvp(f, x, x)])
def test_hessian_needs_a_scalar_function(transform):
    with pytest.raises(TypeError, match="needs f to return a single-number Tensor"):
        transform(ag.tanh, np.ones(3))


def test_f_must_return_tensors():
    with pytest.raises(TypeError, match="jacobian needs f to return a Tensor or a tuple of Tensors, got nd"):
        ag.jacobian(lambda t: np.ones(2), np.ones(2))


def test_integer_tensors_cannot_be_differentiated():
    with pytest.raises(TypeError, match="jvp: the inputs must be float tensors.*int64"):
        ag.jvp(lambda t: t, ag.arange(3), ag.arange(3))
