"""The backward pass: graph shapes, backward's arguments, graph lifetime, higher derivatives,
grad/value_and_grad/gradcheck, gradients adding up, and the on_node hook (grad modes, anomaly
mode and name scopes are in test_grad_mode.py)."""
import weakref

import numpy as np
import pytest

import autograd as ag


def leaf(values, dtype=np.float64):
    return ag.Tensor(values, requires_grad=True, dtype=dtype)


# ---- graph shapes ------------------------------------------------------------------------------
def test_diamond_adds_both_branches():
    a = leaf([1.0, -2.0])
    left, right = a * 2.0, a + 3.0  # d(left * right)/da = 2 (a + 3) + 2 a
    (left * right).sum().backward()
    np.testing.assert_allclose(a.grad.data, 4 * a.data + 6)


@pytest.mark.parametrize("make, derivative", [
    (lambda x: x * x, lambda x: 2 * x), (lambda x: x + x, lambda x: 2 + 0 * x),
    (lambda x: x * x * x, lambda x: 3 * x * x), (lambda x: x / x, lambda x: 0 * x)])
def test_a_tensor_used_twice_gets_both_gradients(make, derivative):
    x = leaf([0.5, 3.0])
    make(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, derivative(x.data), atol=1e-15)


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 + 2 * x.data)


def test_tensors_that_need_no_grad_get_none():
    x, w = leaf([1.0, 2.0]), ag.Tensor([3.0, 4.0], dtype=np.float64)
    hidden = x * w
    (hidden * 2.0).sum().backward()
    assert w.grad is None
    assert hidden.grad is None  # not a leaf, and retain_grad() was not called
    np.testing.assert_allclose(x.grad.data, 2 * w.data)


def test_topological_order_lists_roots_first_and_leaves_last():
    x = leaf(1.0)
    y = x * 2.0
    z = y + x
    order = ag.topological_order([z])
    assert order[0] is z and order[-1] is x
    assert order.index(y) < order.index(x)


# ---- backward's arguments ----------------------------------------------------------------------
def test_backward_on_a_non_scalar_needs_grad():
    y = leaf([1.0, 2.0]) * 2.0
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*grad="):
        y.backward()


@pytest.mark.parametrize("wrap", [lambda g: g, np.array, ag.Tensor])
def test_backward_with_an_explicit_grad(wrap):
    x = leaf([1.0, 2.0, 3.0])
    (x * 2.0).backward(grad=wrap([1.0, 10.0, 100.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0, 200.0])


def test_backward_with_a_grad_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (leaf([1.0, 2.0]) * 2.0).backward(grad=np.ones(3))


def test_backward_on_a_tensor_without_grad_explains_why():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        (ag.Tensor([1.0]) * 2.0).sum().backward()


# ---- graph lifetime ----------------------------------------------------------------------------
def test_second_backward_through_a_freed_graph_mentions_retain_graph():
    x = leaf([1.0, 2.0])
    loss = (x.exp() * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    loss = (x.exp() * x).sum()
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first)


def test_backward_releases_arrays_saved_for_backward():
    logits = leaf(np.random.default_rng(0).standard_normal((4, 3)))
    loss = ag.softmax_cross_entropy(logits, [0, 2, 1, 1])
    saved = weakref.ref(loss.grad_fn.saved[0])  # the log-probabilities
    loss.backward()
    assert saved() is None


def test_retain_graph_keeps_arrays_saved_for_backward():
    logits = leaf(np.random.default_rng(0).standard_normal((4, 3)))
    loss = ag.softmax_cross_entropy(logits, [0, 2, 1, 1])
    saved = weakref.ref(loss.grad_fn.saved[0])
    loss.backward(retain_graph=True)
    assert saved() is not None
    first = logits.grad.data.copy()
    loss.backward()
    np.testing.assert_allclose(logits.grad.data, 2 * first)


def test_a_million_node_chain_backpropagates_without_recursion():
    x = leaf(2.0)
    y = x
    for _ in range(1_000_001):  # negation: the cheapest op, so the test stays quick
        y = -y
    y.backward()
    assert y.item() == -2.0
    assert x.grad.item() == -1.0  # an odd number of sign flips; a lost or doubled node would show


# ---- higher derivatives ------------------------------------------------------------------------
def test_second_and_third_derivatives_of_a_cube():
    x = leaf([-1.5, 0.5, 2.0])
    (first,) = ag.grad((x ** 3).sum(), [x], create_graph=True)
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    (second,) = ag.grad(first.sum(), [x], create_graph=True)
    np.testing.assert_allclose(second.data, 6 * x.data)
    (third,) = ag.grad(second.sum(), [x])
    np.testing.assert_allclose(third.data, [6.0, 6.0, 6.0])


def test_create_graph_with_backward_fills_a_differentiable_grad():
    x = leaf(2.0)
    (x * x * x).backward(create_graph=True)
    assert x.grad.requires_grad
    (second,) = ag.grad(x.grad, [x])
    np.testing.assert_allclose(second.item(), 12.0)


def _mlp_loss(params, x, labels):
    w1, b1, w2, b2 = params
    hidden = ag.tanh(ag.linear(x, w1, b1))
    return ag.softmax_cross_entropy(hidden @ w2 + b2, labels)


def test_hessian_vector_product_of_an_mlp_matches_finite_differences():
    rng = np.random.default_rng(3)
    shapes = [(3, 4), (4,), (4, 2), (2,)]
    values = [rng.standard_normal(s) for s in shapes]
    direction = [rng.standard_normal(s) for s in shapes]
    x, labels = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])

    def gradient(params_values, create_graph=False):
        params = [leaf(v) for v in params_values]
        grads = ag.grad(_mlp_loss(params, x, labels), params, create_graph=create_graph)
        return params, grads

    params, grads = gradient(values, create_graph=True)
    directional = sum((g * ag.Tensor(v, dtype=np.float64)).sum() for g, v in zip(grads, direction))
    hessian_vector = ag.grad(directional, params)

    eps = 1e-5
    _, plus = gradient([v + eps * d for v, d in zip(values, direction)])
    _, minus = gradient([v - eps * d for v, d in zip(values, direction)])
    for hv, p, m in zip(hessian_vector, plus, minus):
        np.testing.assert_allclose(hv.data, (p.data - m.data) / (2 * eps), rtol=1e-5, atol=1e-8)


# ---- grad, value_and_grad, gradcheck -----------------------------------------------------------
def test_grad_leaves_dot_grad_alone():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad((x * x).sum(), [x])
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    assert x.grad is None


def test_grad_of_a_single_input_and_unused_inputs():
    x, unused = leaf(3.0), leaf(1.0)
    assert ag.grad(x * x, x)[0].item() == 6.0
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad(x * x, [x, unused])
    g_x, g_unused = ag.grad(x * x, [x, unused], allow_unused=True)
    assert g_x.item() == 6.0 and g_unused is None


def test_grad_with_grad_outputs():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad(x * 3.0, [x], grad_outputs=np.array([1.0, -1.0]))
    np.testing.assert_allclose(g.data, [3.0, -3.0])


def test_value_and_grad_with_an_int_argnums():
    def loss(w, x):
        return (w * x).sum()

    value, g = ag.value_and_grad(loss)(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    assert value.item() == 11.0
    np.testing.assert_allclose(g.data, [3.0, 4.0])
    value, g = ag.value_and_grad(loss, argnums=1)(ag.Tensor([1.0, 2.0]), ag.Tensor([3.0, 4.0]))
    np.testing.assert_allclose(g.data, [1.0, 2.0])


def test_value_and_grad_with_a_tuple_argnums():
    w = ag.Tensor([1.0, 2.0])
    value, (g_w, g_x) = ag.value_and_grad(lambda w, x: (w * x * x).sum(), argnums=(0, 1))(w, [3.0, 4.0])
    assert value.item() == 41.0
    np.testing.assert_allclose(g_w.data, [9.0, 16.0])
    np.testing.assert_allclose(g_x.data, [6.0, 16.0])
    assert w.grad is None and w.requires_grad is False  # the caller's tensor is left as it was


class SquareWithAWrongGradient(ag.Function):
    """a^2 whose backward is right except at element 2, where it is off by one."""

    name = "wrong_square"

    def forward(self, a):
        return a * a

    def backward(self, grad, out):
        (a,) = self.inputs(grad)
        return (grad * a * 2.0 + np.array([0.0, 0.0, 1.0, 0.0]),)


def test_gradcheck_catches_a_wrong_function_and_names_the_worst_element():
    values = np.array([0.5, -1.0, 2.0, 3.0])
    with pytest.raises(ag.GradcheckError, match=r"input #0.*index \(2,\)"):
        ag.gradcheck(SquareWithAWrongGradient.apply, values)
    assert issubclass(ag.GradcheckError, AssertionError)


def test_gradcheck_passes_a_correct_function():
    assert ag.gradcheck(lambda a, b: (a * b).exp(), np.array([0.5, -1.0]), np.array([[1.0], [2.0]]))


# ---- gradients adding up -----------------------------------------------------------------------
def test_gradients_of_a_tensor_used_many_times_add_up():
    # Add hands the same gradient array to both inputs; sums for x are then made in place.
    x = leaf([1.0, 2.0])
    y = x + x
    (y + x + x * 3.0 + y).backward(np.ones(2))
    np.testing.assert_allclose(x.grad.data, [8.0, 8.0])


def test_adding_in_place_never_changes_a_gradient_another_tensor_shares():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    s = a + b  # a and b receive one shared gradient array
    (s + a + a).backward(np.ones(2))
    np.testing.assert_allclose(a.grad.data, [3.0, 3.0])
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_scalar_gradients_used_many_times_add_up():
    x = leaf(2.0)
    (x * x * x + x + x).backward()
    np.testing.assert_allclose(x.grad.item(), 3 * 4.0 + 2)


# ---- the on_node hook: tools watch the engine's own walk ---------------------------------------
def test_on_node_sees_every_tensor_once_in_the_walks_order_and_writes_nothing():
    from autograd.engine import run_backward
    x = ag.Tensor([1.0, 2.0], requires_grad=True, dtype="float64")
    h = x * x
    loss = (h + x).sum()
    seen = []
    run_backward([loss], [None], retain_graph=True, create_graph=False, inputs=(),
                 on_node=lambda t, g, sent: seen.append((t, g, sent)))
    assert [t for t, _, _ in seen] == ag.topological_order([loss])
    by_tensor = {t: (g, sent) for t, g, sent in seen}
    np.testing.assert_allclose(by_tensor[h][0], [1.0, 1.0])
    np.testing.assert_allclose(by_tensor[x][0], 2 * x.data + 1)  # both uses, summed
    assert by_tensor[x][1] == ()  # a leaf sends nothing on
    assert len(by_tensor[loss][1]) == 1 and x.grad is None and h.grad is None
    loss.backward()  # the hooked walk kept the graph
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 1)
