"""In-place updates, version counters, `.data`, and the small Tensor conveniences around them."""
import numpy as np
import pytest

import autograd as ag


def leaf(values, name=None, dtype=None):
    return ag.Tensor(values, requires_grad=True, name=name, dtype=dtype)


# ---- in-place operators ----------------------------------------------------------------------
@pytest.mark.parametrize("update, expected", [
    (lambda t: t.__iadd__(2.0), [3.0, 4.0]),
    (lambda t: t.__isub__(0.5), [0.5, 1.5]),
    (lambda t: t.__imul__(3), [3.0, 6.0]),
    (lambda t: t.__itruediv__(2.0), [0.5, 1.0]),
    (lambda t: t.add_(1.0, alpha=2), [3.0, 4.0]),
    (lambda t: t.sub_(ag.Tensor([1.0, 1.0]), alpha=0.5), [0.5, 1.5]),
    (lambda t: t.mul_(np.array([2.0, 3.0])), [2.0, 6.0]),
    (lambda t: t.div_(ag.Tensor(4.0)), [0.25, 0.5]),
    (lambda t: t.clamp_(min=1.5), [1.5, 2.0]),
    (lambda t: t.clamp_(max=1.5), [1.0, 1.5]),
    (lambda t: t.zero_(), [0.0, 0.0]),
    (lambda t: t.fill_(7), [7.0, 7.0]),
    (lambda t: t.copy_([5.0, 6.0]), [5.0, 6.0]),
])
def test_in_place_ops_change_the_same_tensor_and_its_memory(update, expected):
    t = ag.Tensor([1.0, 2.0])
    memory = t.data
    assert update(t) is t
    assert t.data is memory and t.dtype == np.float32 and t.version == 1
    np.testing.assert_allclose(memory, expected)


def test_operators_rebind_the_name_to_the_same_object():
    t = ag.Tensor([1.0, 2.0])
    same = t
    t += 1
    t -= 0.5
    t *= 2
    t /= 3
    assert t is same and t.version == 4
    np.testing.assert_allclose(t.data, [1.0, 5.0 / 3.0], rtol=1e-6)


def test_the_value_follows_the_ops_broadcasting_and_dtype_rules():
    m = ag.Tensor(np.zeros((2, 3)))
    m += np.array([1.0, 2.0, 3.0])  # float64 operand, broadcast along rows: stays float32
    assert m.dtype == np.float32
    np.testing.assert_array_equal(m.data, [[1, 2, 3], [1, 2, 3]])
    counts = ag.Tensor([1, 2])
    counts += 3
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts.data, [4, 5])


def test_a_result_of_another_shape_or_dtype_is_refused():
    v = ag.Tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"'\+='.*shape \(2, 3\).*keeps its shape.*x = x \+ y"):
        v += np.ones((2, 3))
    counts = ag.Tensor([1, 2])
    with pytest.raises(TypeError, match=r"'\*='.*dtype float.*keeps its dtype int64"):
        counts *= 0.5
    np.testing.assert_array_equal(v.data, [1.0, 2.0, 3.0])
    assert v.version == 0 and counts.version == 0


def test_copy_and_fill_broadcast_cast_and_check():
    t = ag.Tensor(np.zeros((2, 2)))
    t.copy_(ag.Tensor([1.0, 2.0], dtype=np.float64))
    np.testing.assert_array_equal(t.data, [[1, 2], [1, 2]])
    assert t.dtype == np.float32
    with pytest.raises(ValueError, match=r"copy_.*\(3,\) cannot be broadcast.*\(2, 2\)"):
        t.copy_([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="copy_.*float64.*int64"):
        ag.Tensor([1, 2]).copy_(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="fill_ takes one number.*copy_"):
        t.fill_([1.0, 2.0])
    assert t.fill_(ag.Tensor(3.0)).data[0, 0] == 3.0
    with pytest.raises(ValueError, match="clamp_ needs min or max"):
        t.clamp_()


def test_random_fills_draw_in_range_and_keep_the_dtype():
    t = ag.Tensor(np.zeros(20_000))
    assert t.uniform_(-2.0, 3.0) is t and t.dtype == np.float32
    assert t.data.min() >= -2.0 and t.data.max() < 3.0 and abs(t.data.mean() - 0.5) < 0.05
    t.normal_(mean=1.0, std=2.0)
    assert abs(t.data.mean() - 1.0) < 0.1 and abs(t.data.std() - 2.0) < 0.1
    assert t.version == 2
    half = ag.Tensor(np.zeros(4), dtype=np.float16).normal_()
    assert half.dtype == np.float16
    with pytest.raises(TypeError, match="uniform_ fills float tensors.*int64"):
        ag.Tensor([1, 2]).uniform_()


# ---- when in-place changes are allowed -------------------------------------------------------
@pytest.mark.parametrize("update", [
    lambda w: w.__isub__(1.0), lambda w: w.zero_(), lambda w: w.uniform_(), lambda w: w.copy_(0.0)])
def test_a_leaf_that_requires_grad_changes_only_under_no_grad(update):
    w = leaf([1.0, 2.0], name="w")
    with pytest.raises(RuntimeError, match=r"'w'.*leaf that requires grad.*in-place.*no_grad.*\.data"):
        update(w)
    assert w.version == 0
    with ag.no_grad():
        assert update(w) is w
    assert w.requires_grad and w.is_leaf and w.version == 1


def test_a_tensor_computed_in_the_graph_changes_only_under_no_grad():
    x = leaf([1.0, 2.0])
    y = x * 2.0
    with pytest.raises(RuntimeError, match=r"computed by mul.*records no in-place.*y = y \+ 1"):
        y += 1
    with ag.no_grad():
        y += 1
    np.testing.assert_array_equal(y.data, [3.0, 5.0])


def test_an_operand_that_requires_grad_is_refused_while_recording():
    x = ag.Tensor([1.0, 2.0])
    w = leaf([1.0, 1.0])
    with pytest.raises(RuntimeError, match=r"operand requires grad.*x = x \+ other"):
        x += w
    with ag.no_grad():
        x += w
    np.testing.assert_array_equal(x.data, [2.0, 3.0])


def test_a_scalar_computed_by_an_op_changes_in_place():
    loss = (ag.Tensor([1.0, 2.0]) * 2.0).sum()  # numpy hands back a scalar, not a 0-d array
    same = loss
    loss += 1.0
    loss.data -= 2.0
    assert loss is same and loss.item() == 5.0 and loss.version == 2 and loss.dtype == np.float32


def test_read_only_memory_cannot_change_in_place():
    array = np.ones(3, dtype=np.float32)
    array.flags.writeable = False
    with pytest.raises(ValueError, match=r"read-only.*clone\(\)"):
        ag.from_numpy(array).zero_()


# ---- version counters and the check before backward ------------------------------------------
def test_every_in_place_change_bumps_the_version():
    t = ag.Tensor([1.0, 2.0])
    assert t.version == t._version == 0
    t += 1
    t.zero_()
    t.data = np.array([3.0, 4.0])
    t.data -= np.float32(1.0)
    t.data -= ag.Tensor([1.0, 1.0])
    assert t.version == 5
    with pytest.raises(AttributeError):
        t.version = 0


def test_changing_an_input_after_its_use_stops_backward_naming_the_op_and_the_tensor():
    w = leaf([0.5, -0.5, 1.0], name="w")
    loss = ag.tanh(w).sum()
    with ag.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError) as error:
        loss.backward()
    message = str(error.value)
    assert "modified in place" in message and "tanh" in message and "'w'" in message
    assert "version 1" in message and "after backward()" in message
    assert w.grad is None


def test_changing_an_output_that_backward_reads_is_caught_too():
    x = leaf([0.5, -0.5])
    y = ag.tanh(x)
    with ag.no_grad():
        y.zero_()
    with pytest.raises(RuntimeError, match="modified in place after it was used by tanh: its output"):
        y.sum().backward()


def test_an_input_without_grad_counts_too():
    w = leaf([1.0, 2.0])
    x = ag.Tensor([3.0, 4.0], name="x")
    loss = (w * x).sum()
    x += 1  # allowed: x does not require grad; but mul's gradient for w reads x
    with pytest.raises(RuntimeError, match="modified in place after it was used by mul.*'x'"):
        loss.backward()


def assign_data(w):
    w.data = np.zeros(2, dtype=np.float32)


def subtract_from_data(w):
    w.data -= 1.0


@pytest.mark.parametrize("write", [assign_data, subtract_from_data])
def test_writes_through_data_are_caught(write):
    w = leaf([1.0, 2.0], name="w")
    loss = (w * w).sum()
    write(w)
    with pytest.raises(RuntimeError, match="modified in place.*mul.*'w'"):
        loss.backward()


def test_changes_before_the_forward_pass_or_to_unrelated_tensors_are_fine():
    w = leaf([1.0, 2.0])
    with ag.no_grad():
        w *= 2.0
    other = ag.Tensor([0.0])
    loss = (w * w).sum()
    other += 1  # the clock moves on: backward looks at every node's tensors, and finds them intact
    loss.backward()
    np.testing.assert_allclose(w.grad.data, [4.0, 8.0])


def test_a_retained_graph_refuses_a_second_backward_after_an_update():
    w = leaf([1.0, 2.0], name="w")
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    with ag.no_grad():
        w -= 0.1 * w.grad
    with pytest.raises(RuntimeError, match="modified in place.*'w'"):
        loss.backward()


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


def test_an_indexed_write_under_no_grad_is_a_change_backward_notices():
    w = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    with ag.no_grad():
        w[0] = 10.0
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
