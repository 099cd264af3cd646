"""Changing a tensor in place: the operators, when a change is allowed, and the version counters
that stop backward when a value it needs has changed (.data, memory and learners' loops are in
test_inplace_memory.py)."""
import numpy as np
import pytest

import autograd as ag


def leaf(values, name=None):
    return ag.Tensor(values, requires_grad=True, name=name)


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


def test_an_indexed_write_under_no_grad_is_a_change_backward_notices():
    w = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    with ag.no_grad():
        w[0] = 10.0
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
