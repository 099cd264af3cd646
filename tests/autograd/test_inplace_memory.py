"""In-place updates from the learner's side: `.data`, gradients that can be reset (each `.grad`
owns its memory), the conveniences that share or copy memory (detach, item, numpy, tolist, clone,
__array__), and training loops as learners write them."""
import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.Tensor(values, requires_grad=True)


# ---- .data ------------------------------------------------------------------------------------
def test_data_reads_the_array_and_minus_equals_updates_it_in_place():
    p = leaf([1.0, 2.0])
    (p * p).sum().backward()
    memory = p.data
    p.data -= 0.5 * p.grad  # a Tensor on the right: numpy defers to Tensor.__rsub__
    assert p.data is memory and type(p.data) is np.ndarray
    np.testing.assert_allclose(p.data, [0.0, 0.0])
    p.data += np.array([1.0, 1.0], dtype=np.float32)  # an array: numpy updates in place
    assert p.data is memory and p.version == 2
    np.testing.assert_allclose(p.data, [1.0, 1.0])


def test_assigning_data_copies_values_in_and_checks_shape_and_dtype():
    t = ag.Tensor([1.0, 2.0], requires_grad=True, name="t")
    source = np.array([5.0, 6.0])  # float64 into float32: a cast within the kind
    memory = t.data
    t.data = source
    source[0] = 0.0
    assert t.data is memory and t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [5.0, 6.0])
    t.data = ag.Tensor([7.0, 8.0])  # a Tensor is unwrapped
    t.data = [9.0, 10.0]
    np.testing.assert_array_equal(t.data, [9.0, 10.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*'t' \(shape \(2,\)\).*keeps the shape"):
        t.data = np.zeros(3)
    with pytest.raises(TypeError, match="dtype complex128.*float32.*astype"):
        t.data = np.zeros(2, dtype=complex)
    with pytest.raises(TypeError, match="dtype float64.*int64"):
        ag.Tensor([1, 2]).data = np.array([0.5, 1.5])


# ---- gradients you can reset -------------------------------------------------------------------
def test_grad_can_be_set_to_none_or_zeroed_in_place():
    x = leaf([1.0, 2.0, 3.0])
    x.sum().backward()  # the gradient of a sum is a broadcast (read-only) view before .grad owns it
    x.grad.zero_()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    (x * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0, 2.0])
    x.grad = None
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])


def test_each_leaf_owns_its_gradient():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()  # add passes the same gradient array to both inputs
    a.grad.mul_(10.0)
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    ga, gb = ag.grad((a + b).sum(), [a, b])
    ga.zero_()
    np.testing.assert_array_equal(gb.data, [1.0, 1.0])


@pytest.mark.parametrize("program", ["views", "retained", "root", "weighted"])
def test_gradients_that_share_memory_are_copied_into_grad(program):
    x, w = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0]])
    if program == "views":  # two reshape views of one incoming gradient
        (x.reshape(2) + w.reshape(2)).sum().backward()
        holders = [w.grad]
    elif program == "retained":  # a retained intermediate gradient, passed on by add
        y = x * 1.0
        y.retain_grad()
        (y + w).sum().backward()
        holders = [y.grad, w.grad]
    elif program == "root":  # the caller's own gradient array
        seed = ag.Tensor([[1.0, 1.0]])
        x.backward(seed)
        holders = [seed]
    else:  # a fresh product (stolen by .grad) next to a pass-through
        (x * ag.Tensor([[2.0, 2.0]]) + w).sum().backward()
        holders = [w.grad]
    before = [h.data.copy() for h in holders]
    x.grad.mul_(10.0)
    for holder, values in zip(holders, before):
        np.testing.assert_array_equal(holder.data, values)


def test_second_order_gradients_are_cloned_into_grad():
    x = leaf([1.0, 2.0])
    (x * x * x).sum().backward(create_graph=True)
    assert x.grad.grad_fn is not None and x.grad.grad_fn.name == "clone"
    first = x.grad
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.data, [6.0, 12.0])


# ---- conveniences: detach, item, numpy, tolist, clone, __array__ -------------------------------
def test_detach_shares_memory():
    x = leaf([1.0, 2.0])
    d = x.detach()
    d += 1.0  # allowed: d records nothing
    np.testing.assert_array_equal(x.data, [2.0, 3.0])


def test_item_tolist_and_numpy():
    t = ag.Tensor([[1.0, 2.0]])
    assert t.tolist() == [[1.0, 2.0]] and t[0, 1].item() == 2.0
    view = t.numpy()
    view[0, 0] = 5.0
    assert t.data[0, 0] == 5.0
    with pytest.raises(RuntimeError, match=r"requires grad.*detach\(\)\.numpy\(\)"):
        leaf([1.0]).numpy()
    assert isinstance(leaf([1.0]).detach().numpy(), np.ndarray)


def test_clone_has_its_own_memory_and_passes_the_gradient_back():
    x = leaf([1.0, 2.0])
    c = x.clone()
    assert c.grad_fn.name == "clone" and not np.shares_memory(c.data, x.data)
    (c * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
    with ag.no_grad():
        c += 1.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


def test_np_array_copies_and_np_asarray_shares():
    t = ag.Tensor([1.0, 2.0])
    a = np.array(t)
    a[0] = 99.0
    assert t.data[0] == 1.0
    assert np.shares_memory(np.asarray(t), t.data)
    assert np.array(t, dtype=np.float64).dtype == np.float64
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        assert np.shares_memory(np.array(t, copy=False), t.data)
        with pytest.raises(ValueError):
            np.asarray(t, dtype=np.float64, copy=False)


# ---- training loops as learners write them ---------------------------------------------------
def test_micrograd_loop_trains_a_neuron_with_data_updates():
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, (8, 3))
    ys = np.tanh(xs @ np.array([0.5, -1.0, 2.0]) - 0.2)
    params = [ag.Tensor(v, requires_grad=True) for v in rng.uniform(-1, 1, 4)]
    losses = []
    for _ in range(30):
        loss = ag.Tensor(0.0)
        for x, y in zip(xs, ys):
            z = params[3]
            for w, xi in zip(params[:3], x):
                z = z + w * float(xi)
            loss = loss + (ag.tanh(z) - float(y)) ** 2
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= 0.05 * p.grad
        losses.append(loss.item())
    assert all(type(p.data) is np.ndarray for p in params)
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("reset", ["zero_", "none"])
def test_pytorch_tutorial_manual_sgd_loop(reset):
    rng = np.random.default_rng(1)
    x = ag.Tensor(rng.normal(size=(32, 3)))
    y = x @ ag.Tensor([[1.0], [-2.0], [0.5]]) + 0.3
    w = ag.Tensor(np.zeros((3, 1)), requires_grad=True)
    b = ag.Tensor(np.zeros(1), requires_grad=True)
    learning_rate = 0.1
    first = None
    for _ in range(100):
        loss = ((x @ w + b - y) ** 2).mean()
        first = loss.item() if first is None else first
        loss.backward()
        with ag.no_grad():
            w -= learning_rate * w.grad
            b -= learning_rate * b.grad
            if reset == "zero_":
                w.grad.zero_()
                b.grad.zero_()
            else:
                w.grad = None
                b.grad = None
    assert w.requires_grad and w.is_leaf and loss.item() < 1e-3 * first
    np.testing.assert_allclose(w.data.ravel(), [1.0, -2.0, 0.5], atol=2e-2)


def test_makemore_bigram_loop_with_data_plus_equals():
    rng = np.random.default_rng(2)
    xs = rng.integers(0, 27, 200)
    ys = (xs + 1) % 27  # each character is followed by the next one
    W = ag.Tensor(rng.normal(size=(27, 27)), requires_grad=True)
    losses = []
    for _ in range(20):
        logits = W[xs]
        counts = logits.exp()
        probs = counts / counts.sum(axis=1, keepdims=True)
        loss = -probs[np.arange(len(xs)), ys].log().mean()
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
