"""Values and gradients of every op: the table (tests/helpers/op_table.py), then the cases a
table cannot say.

The table runs each op over scalar, vector, matrix and broadcast shapes drawn by hypothesis,
checking values against numpy and gradients against float64 central differences (ag.gradcheck).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.numeric import matrix_sum

TABLE_SETTINGS = settings(max_examples=12, deadline=None)


def float64_leaves(arrays):
    return [ag.Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]


# ---- the table ---------------------------------------------------------------------------------
@TABLE_SETTINGS
@given(data=st.data())
def test_value_matches_numpy(op_case, shape_kind, data):
    arrays, params = op_case.draw(data, shape_kind)
    out = op_case.op(*float64_leaves(arrays), **params)
    expected = np.asarray(op_case.reference(*arrays, **params))
    assert isinstance(out, ag.Tensor)
    assert out.shape == expected.shape
    assert out.dtype == np.float64
    assert out.requires_grad
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)


@TABLE_SETTINGS
@given(data=st.data())
def test_gradient_matches_central_differences(op_case, shape_kind, data):
    arrays, params = op_case.draw(data, shape_kind)
    assert ag.gradcheck(lambda *leaves: op_case.op(*leaves, **params), *arrays)


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_float32_in_float32_out(op_case, shape_kind, data):
    """No silent upcast: float32 inputs give float32 values and float32 gradients."""
    arrays, params = op_case.draw(data, shape_kind)
    leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out = op_case.op(*leaves, **params)
    assert out.dtype == np.float32
    expected = op_case.reference(*[leaf.data.astype(np.float64) for leaf in leaves], **params)
    np.testing.assert_allclose(out.data, expected, rtol=1e-4, atol=1e-5)
    out.backward(np.ones(out.shape, dtype=np.float32))
    for leaf in leaves:
        assert leaf.grad is not None and leaf.grad.dtype == np.float32 and leaf.grad.shape == leaf.shape


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_plain_and_recorded_backward_agree(op_case, shape_kind, data):
    """Each backward runs on arrays, or on Tensors under create_graph: both give one answer."""
    arrays, params = op_case.draw(data, shape_kind)
    leaves = float64_leaves(arrays)
    out = op_case.op(*leaves, **params)
    upstream = np.random.default_rng(0).standard_normal(out.shape)
    plain = ag.grad(out, leaves, grad_outputs=upstream, retain_graph=True, allow_unused=True)
    recorded = ag.grad(out, leaves, grad_outputs=ag.Tensor(upstream, dtype=np.float64),
                       create_graph=True, allow_unused=True)
    for plain_grad, recorded_grad in zip(plain, recorded):
        assert (plain_grad is None) == (recorded_grad is None)
        if plain_grad is not None:
            assert plain_grad.dtype == recorded_grad.dtype == np.float64
            np.testing.assert_allclose(plain_grad.data, recorded_grad.data, rtol=1e-12, atol=1e-14)


@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_second_derivatives_match_central_differences(op_case, shape_kind, data):
    """The backward is itself differentiable: the gradient of sum(grad(f) * v) (recorded under
    create_graph) matches central differences of the first gradient."""
    arrays, params = op_case.draw(data, shape_kind)
    first = float64_leaves(arrays)
    out = op_case.op(*first, **params)
    upstream = ag.Tensor(np.random.default_rng(1).standard_normal(out.shape), dtype=np.float64)
    directions = [np.random.default_rng(2 + i).standard_normal(a.shape) for i, a in enumerate(arrays)]

    def weighted_gradient(*leaves):
        grads = ag.grad(op_case.op(*leaves, **params), leaves, grad_outputs=upstream,
                        create_graph=True, allow_unused=True)
        total = (leaves[0] * 0.0).sum()  # recorded even where every second derivative is 0
        for g, v in zip(grads, directions):
            if g is not None:
                total = total + (g * v).sum()
        return total

    assert ag.gradcheck(weighted_gradient, *arrays)


def test_the_table_covers_every_op(op_table, ops_without_gradient):
    """Each name autograd.ops exports has a row named after it (or `name_variant`), unless it
    has no gradient and so is tested on its own."""
    rows = {case.name for case in op_table}
    missing = [name for name in ag.ops.__all__ if name not in ops_without_gradient
               and name not in rows and not any(row.startswith(name + "_") for row in rows)]
    assert not missing, f"ops without a row in the table (tests/helpers/op_table.py): {missing}"
    assert ops_without_gradient <= set(ag.ops.__all__)


@pytest.mark.parametrize("source, target", [("float32", "float64"), ("float64", "float32")])
def test_astype_sends_the_gradient_back_in_the_inputs_dtype(source, target):
    x = ag.Tensor([1.5, -2.0], requires_grad=True, dtype=source)
    y = ag.astype(x, target)
    assert y.dtype == np.dtype(target)
    (y * y).sum().backward()
    assert x.grad.dtype == np.dtype(source)
    np.testing.assert_allclose(x.grad.data, [3.0, -4.0])


# ---- ties: max/min split the gradient ----------------------------------------------------------
@pytest.mark.parametrize("reduce", [ag.max, ag.min])
def test_reduction_ties_share_the_gradient(reduce):
    x = ag.Tensor([2.0, 2.0, 2.0, 2.0], requires_grad=True)
    reduce(x).backward()
    np.testing.assert_allclose(x.grad.data, [0.25, 0.25, 0.25, 0.25])


def test_max_ties_along_an_axis():
    x = ag.Tensor([[1.0, 3.0, 3.0], [5.0, 0.0, 4.0]], requires_grad=True)
    ag.max(x, axis=1).backward(np.array([1.0, 2.0], dtype=np.float32))
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [2, 0, 0]])


def test_min_ties_with_keepdims():
    x = ag.Tensor([[1.0, 0.0], [1.0, 2.0]], requires_grad=True)
    ag.min(x, axis=0, keepdims=True).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0.5, 1], [0.5, 0]])


@pytest.mark.parametrize("op", [ag.maximum, ag.minimum])
def test_elementwise_ties_share_the_gradient(op):
    a = ag.Tensor([1.0, 2.0, 5.0], requires_grad=True)
    b = ag.Tensor([1.0, 3.0, 4.0], requires_grad=True)
    op(a, b).sum().backward()
    picked_a = [1.0, 0.0, 1.0] if op is ag.maximum else [0.0, 1.0, 0.0]
    np.testing.assert_allclose(a.grad.data, [0.5] + picked_a[1:])
    np.testing.assert_allclose(b.grad.data, [0.5] + [1 - p for p in picked_a[1:]])


def test_maximum_with_a_python_scalar_is_relu():
    x = ag.Tensor([-1.0, 0.5, 2.0], requires_grad=True)
    ag.maximum(x, 0.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0, 1, 1])


# ---- indexing ----------------------------------------------------------------------------------
def test_repeated_integer_indices_accumulate():
    x = ag.Tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x[[0, 0, 2, 0]]
    np.testing.assert_allclose(y.data, [10, 10, 30, 10])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 0, 1])


def test_repeated_index_pairs_accumulate_in_2d():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    rows, cols = np.array([1, 1, 0]), np.array([2, 2, 0])
    (x[rows, cols] * ag.Tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[100, 0, 0], [0, 0, 11]])


def test_indexing_with_a_tensor_of_indices():
    x = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[ag.Tensor(np.array([2, 2]))].sum().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0, 2])


def test_indexing_with_ints_slices_none_and_masks():
    data = np.arange(24.0).reshape(2, 3, 4)
    x = ag.Tensor(data, requires_grad=True, dtype=np.float64)
    for index in [1, (0, 2), (slice(None), None, 1), (Ellipsis, slice(1, 3)), data > 10,
                  (slice(None), np.array([1, 0, 1]) > 0), (slice(None, None, -1), [2, 0, 2])]:
        np.testing.assert_array_equal(x[index].data, data[index])
        assert ag.gradcheck(lambda t: t[index], data)


def test_boolean_mask_gradient_lands_on_the_selected_elements():
    x = ag.Tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    x[x.data > 0].sum().backward()
    np.testing.assert_allclose(x.grad.data, [[1, 0], [0, 1]])


# ---- softmax family: stability -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_does_not_overflow_at_1e4(dtype):
    z = ag.Tensor([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]], requires_grad=True, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        probs = ag.softmax(z)
        log_probs = ag.log_softmax(z)
        total = ag.logsumexp(z, axis=1)
    np.testing.assert_allclose(probs.data, [[1, 0, 0], [1 / 3] * 3], atol=1e-7)
    np.testing.assert_allclose(log_probs.data[1], [-np.log(3)] * 3, rtol=1e-6)
    assert log_probs.data[0, 0] == 0 and log_probs.data[0, 2] == -2e4
    np.testing.assert_allclose(total.data, [1e4, 1e4 + np.log(3)], rtol=1e-6)
    for out in (probs, log_probs, total):
        (g,) = ag.grad((out * ag.Tensor(np.ones(out.shape), dtype=dtype)).sum(), [z])
        assert np.all(np.isfinite(g.data))


def test_softmax_cross_entropy_is_stable_at_1e4():
    loss = ag.softmax_cross_entropy(ag.Tensor([[1e4, -1e4], [-1e4, 1e4]], requires_grad=True), [0, 0])
    np.testing.assert_allclose(loss.item(), 1e4, rtol=1e-6)


def test_logsumexp_row_of_minus_infinity_has_finite_gradient():
    z = ag.Tensor([[-np.inf, -np.inf, -np.inf], [0.0, np.log(3.0), -np.inf]], requires_grad=True,
                  dtype=np.float64)
    out = ag.logsumexp(z, axis=1)
    assert out.data[0] == -np.inf
    np.testing.assert_allclose(out.data[1], np.log(4.0))
    out[1].backward()
    assert np.all(np.isfinite(z.grad.data))
    np.testing.assert_allclose(z.grad.data, [[0, 0, 0], [0.25, 0.75, 0]])


def test_logsumexp_keepdims_row_of_minus_infinity():
    z = ag.Tensor([[-np.inf, -np.inf], [1.0, 1.0]], requires_grad=True, dtype=np.float64)
    out = ag.logsumexp(z, axis=-1, keepdims=True)
    assert out.shape == (2, 1)
    (g,) = ag.grad(out[1:].sum(), [z])
    np.testing.assert_allclose(g.data, [[0, 0], [0.5, 0.5]])


# ---- fused ops equal their compositions --------------------------------------------------------
def composed_cross_entropy(z, labels):
    return -ag.log_softmax(z, axis=1)[np.arange(len(labels)), labels].mean()


def test_softmax_cross_entropy_gradient_equals_the_composition():
    rng = np.random.default_rng(0)
    z = ag.Tensor(rng.standard_normal((5, 4)), requires_grad=True, dtype=np.float64)
    labels = np.array([0, 3, 3, 1, 2])
    fused, composed = ag.softmax_cross_entropy(z, labels), composed_cross_entropy(z, labels)
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-12)
    (g_fused,) = ag.grad(fused, [z])
    (g_composed,) = ag.grad(composed, [z])
    np.testing.assert_allclose(g_fused.data, g_composed.data, rtol=1e-10, atol=1e-14)


def test_softmax_cross_entropy_second_derivative_equals_the_composition():
    rng = np.random.default_rng(1)
    z = ag.Tensor(rng.standard_normal((3, 4)), requires_grad=True, dtype=np.float64)
    labels = np.array([1, 0, 3])
    v = ag.Tensor(rng.standard_normal((3, 4)), dtype=np.float64)
    hessian_vector = []
    for loss_fn in (ag.softmax_cross_entropy, composed_cross_entropy):
        (g,) = ag.grad(loss_fn(z, labels), [z], create_graph=True)
        assert g.requires_grad
        (hv,) = ag.grad((g * v).sum(), [z])
        hessian_vector.append(hv.data)
    np.testing.assert_allclose(hessian_vector[0], hessian_vector[1], rtol=1e-10, atol=1e-14)
    assert np.abs(hessian_vector[0]).max() > 1e-3  # the softmax Hessian is not zero


def test_linear_equals_matmul_plus_bias():
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s) for s in [(4, 3), (3, 2), (2,)]]
    fused_leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    composed_leaves = [ag.Tensor(a, requires_grad=True) for a in arrays]
    fused = ag.linear(*fused_leaves)
    x, w, b = composed_leaves
    composed = x @ w + b
    assert fused.dtype == composed.dtype == np.float32
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-6)
    upstream = rng.standard_normal((4, 2)).astype(np.float32)
    fused.backward(upstream)
    composed.backward(upstream)
    for fused_leaf, composed_leaf in zip(fused_leaves, composed_leaves):
        np.testing.assert_allclose(fused_leaf.grad.data, composed_leaf.grad.data, rtol=1e-5, atol=1e-6)


def test_sigmoid_equals_its_formula_in_value_and_gradient():
    x_values = np.array([-30.0, -2.0, -0.1, 0.0, 0.7, 3.0, 30.0])
    x = ag.Tensor(x_values, requires_grad=True, dtype=np.float64)
    x2 = ag.Tensor(x_values, requires_grad=True, dtype=np.float64)
    fused, formula = ag.sigmoid(x), 1.0 / (1.0 + ag.exp(-x2))
    np.testing.assert_allclose(fused.data, formula.data, rtol=1e-12, atol=1e-300)
    fused.sum().backward()
    formula.sum().backward()
    # s (1 - s) cancels in 1 - s for large inputs: equal to ~1e-16 absolute, not relative.
    np.testing.assert_allclose(x.grad.data, x2.grad.data, rtol=1e-9, atol=1e-15)


def test_sigmoid_keeps_tiny_values_in_float32():
    """log(sigmoid(x)) stays finite where 1 / (1 + e^-x) is tiny but representable."""
    x = ag.Tensor([-20.0, -60.0], requires_grad=True)
    log_s = ag.log(ag.sigmoid(x))
    np.testing.assert_allclose(log_s.data, [-20.0, -60.0], rtol=1e-5)
    log_s.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0], rtol=1e-5)


def test_sigmoid_of_large_inputs_is_finite_without_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = ag.sigmoid(ag.Tensor([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out.data, [0.0, 1.0])


# ---- comparisons -------------------------------------------------------------------------------
@pytest.mark.parametrize("compare, reference", [
    (lambda a, b: a < b, np.less), (lambda a, b: a <= b, np.less_equal),
    (lambda a, b: a > b, np.greater), (lambda a, b: a >= b, np.greater_equal),
    (lambda a, b: a == b, np.equal), (lambda a, b: a != b, np.not_equal)])
def test_comparisons_record_nothing(compare, reference):
    a_values, b_values = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    a = ag.Tensor(a_values, requires_grad=True)
    for other, other_values in [(ag.Tensor(b_values, requires_grad=True), b_values), (2.0, 2.0)]:
        for result, expected in [(compare(a, other), reference(a_values, other_values)),
                                 (compare(other, a), reference(other_values, a_values))]:
            assert isinstance(result, ag.Tensor)
            assert result.requires_grad is False and result.grad_fn is None
            assert result.dtype == bool
            np.testing.assert_array_equal(result.data, expected)


# ---- error messages name the op and the shapes -------------------------------------------------
def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        ag.Tensor(np.ones((2, 3))) + ag.Tensor(np.ones(4))


def test_matmul_error_names_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
        ag.Tensor(np.ones((2, 3))) @ ag.Tensor(np.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.float16])
@pytest.mark.parametrize("shape", [(7, 5), (1, 3), (0, 4), (4, 0)])
@pytest.mark.parametrize("axis, keepdims", [(0, False), (1, False), (0, True), (1, True)])
def test_matrix_sum_equals_numpys_sum(dtype, shape, axis, keepdims):
    x = np.random.default_rng(0).uniform(-3, 3, shape).astype(dtype)
    expected = x.sum(axis=axis, keepdims=keepdims)
    got = matrix_sum(x, axis, keepdims)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-3 if dtype == np.float16 else 1e-12)


def test_bias_gradient_of_broadcast_add_and_linear_is_the_column_sum():
    grad = np.random.default_rng(1).standard_normal((6, 4))
    x = ag.Tensor(np.zeros((6, 3)), dtype=np.float64)
    w = ag.Tensor(np.zeros((3, 4)), requires_grad=True, dtype=np.float64)
    b = ag.Tensor(np.zeros(4), requires_grad=True, dtype=np.float64)
    (x @ w + b).backward(grad)
    np.testing.assert_allclose(b.grad.data, grad.sum(axis=0), rtol=1e-12)
    b.zero_grad()
    ag.linear(x, w, b).backward(grad)
    np.testing.assert_allclose(b.grad.data, grad.sum(axis=0), rtol=1e-12)
