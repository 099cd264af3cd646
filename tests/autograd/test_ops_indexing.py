"""Indexing ops beyond the table: torch vs numpy semantics, repeated indices adding up in the
gradient, out-of-place writes, in-place `t[index] = value` rules, one_hot, tril/triu."""
import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.Tensor(np.asarray(values, dtype=float), requires_grad=True, dtype=np.float64)


# ---- gather (torch), take_along_axis (numpy), index_select (torch) -----------------------------
def test_gather_picks_along_dim_like_torch():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(ag.gather(x, 1, [[0, 0], [1, 0]]).data, [[1, 1], [4, 3]])
    np.testing.assert_array_equal(x.gather(0, np.array([[1, 0]])).data, [[3, 2]])


def test_gather_with_an_index_smaller_than_x_reads_the_leading_block():
    x = ag.Tensor(np.arange(12.0).reshape(3, 4))
    # torch: the index is not broadcast; positions beyond its shape are simply not read
    np.testing.assert_array_equal(ag.gather(x, 1, [[3], [0]]).data, [[3], [4]])


@pytest.mark.parametrize("pick", [
    lambda x, index: ag.gather(x, 1, index),
    lambda x, index: ag.take_along_axis(x, index, axis=1),
    lambda x, index: ag.index_select(x, 1, index[0])])
def test_repeated_indices_add_up_in_the_gradient(pick):
    x = leaf([[1.0, 2.0, 3.0]])
    out = pick(x, np.array([[2, 0, 2, 2]]))
    np.testing.assert_array_equal(out.data, [[3, 1, 3, 3]])
    (out * ag.Tensor([[1.0, 10.0, 100.0, 1000.0]], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[10, 0, 1101]])


def test_repeated_indices_add_up_in_second_derivatives():
    x = leaf([1.0, 2.0])
    out = ag.gather(x, 0, [1, 1, 0])
    (g,) = ag.grad((out ** 3).sum(), [x], create_graph=True)  # d/dx: 3 x_1^2 twice, 3 x_0^2 once
    np.testing.assert_allclose(g.data, [3.0, 24.0])
    (h,) = ag.grad(g.sum(), [x])
    np.testing.assert_allclose(h.data, [6.0, 24.0])


def test_take_along_axis_broadcasts_and_counts_negative_indices_from_the_end_like_numpy():
    x = np.arange(12.0).reshape(3, 4)
    indices = np.array([[-1, 0]])  # one row, broadcast over x's three rows
    np.testing.assert_array_equal(ag.take_along_axis(ag.Tensor(x), indices, axis=1).data,
                                  np.take_along_axis(x, indices, axis=1))
    flat = np.array([11, 0, -1])
    np.testing.assert_array_equal(ag.take_along_axis(ag.Tensor(x), flat, axis=None).data,
                                  np.take_along_axis(x, flat, axis=None))


def test_take_along_axis_with_argmax_picks_the_maxima():
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    best = np.argmax(x, axis=1)[:, None]
    np.testing.assert_array_equal(ag.take_along_axis(ag.Tensor(x), best, 1).data, [[5], [7]])


def test_index_select_keeps_the_other_dims_and_accepts_a_tensor_index():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3))
    out = x.index_select(1, ag.Tensor(np.array([2, 0])))
    np.testing.assert_array_equal(out.data, [[2, 0], [5, 3]])
    assert ag.index_select(x, 0, np.array(1)).shape == (1, 3)  # a 0-d index, as in torch


@pytest.mark.parametrize("call, error, message", [
    (lambda x: ag.gather(x, 1, [[3]]), IndexError, "gather: index 3 is out of range for dimension 1 of size 3"),
    (lambda x: ag.gather(x, 1, [[-1]]), IndexError, r"gather: index -1 is out of range .*valid: 0 to 2"),
    (lambda x: ag.gather(x, 1, [0, 1]), ValueError, r"gather: index of shape \(2,\) does not fit x of shape"),
    (lambda x: ag.gather(x, 1, [[0], [0], [0]]), ValueError, "except dim=1"),
    (lambda x: ag.gather(x, 2, [[0]]), ValueError, "gather: axis 2 is out of range"),
    (lambda x: ag.gather(x, 0, [[0.5]]), TypeError, "gather: the index must hold integers"),
    (lambda x: ag.take_along_axis(x, [0], 1), ValueError, "take_along_axis: indices have 1 dimensions but x has 2"),
    (lambda x: ag.take_along_axis(x, [[-4]], 1), IndexError, r"valid: -3 to 2"),
    (lambda x: ag.index_select(x, 0, [[0]]), ValueError, "index_select: index must be 1-D"),
    (lambda x: ag.index_select(x, 0, [2]), IndexError, "index_select: index 2 is out of range"),
    (lambda x: ag.index_select(x, 0, [-1]), IndexError, "index_select: index -1"),
])
def test_index_errors_name_the_op_and_the_fix(call, error, message):
    with pytest.raises(error, match=message):
        call(ag.Tensor(np.ones((2, 3))))


# ---- index_put / scatter: recorded, out of place -----------------------------------------------
def test_index_put_is_out_of_place_and_sends_gradients_to_x_and_to_values():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    values = leaf([10.0, 20.0])
    out = ag.index_put(x, np.array([3, 1]), values)
    np.testing.assert_array_equal(out.data, [1, 20, 3, 10])
    np.testing.assert_array_equal(x.data, [1, 2, 3, 4])
    (out * ag.Tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1, 0, 3, 0])  # overwritten positions get none
    np.testing.assert_array_equal(values.grad.data, [4, 2])


def test_index_put_broadcasts_values_and_their_gradient_sums_the_copies():
    x = leaf(np.zeros((2, 3)))
    value = leaf(5.0)
    out = ag.index_put(x, (slice(None), 1), value)
    np.testing.assert_array_equal(out.data, [[0, 5, 0], [0, 5, 0]])
    out.sum().backward()
    assert value.grad.item() == 2.0


def test_index_put_accumulate_adds_repeated_positions_up():
    x = leaf([1.0, 1.0, 1.0])
    values = leaf([1.0, 2.0, 3.0])
    out = ag.index_put(x, [0, 0, 2], values, accumulate=True)
    np.testing.assert_array_equal(out.data, [4, 1, 4])
    (out * ag.Tensor([1.0, 10.0, 100.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1, 10, 100])
    np.testing.assert_array_equal(values.grad.data, [1, 1, 100])


def test_index_put_refuses_to_write_one_position_twice():
    with pytest.raises(ValueError, match=r"index_put: the index writes position \(1,\) more than once.*accumulate=True"):
        ag.index_put(ag.Tensor(np.zeros(3)), [1, 2, 1], ag.Tensor([1.0, 2.0, 3.0]))


def test_index_put_names_values_that_do_not_fit():
    with pytest.raises(ValueError, match=r"index_put: values of shape \(3,\) cannot be written into x\[index\], which has shape \(2,\)"):
        ag.index_put(ag.Tensor(np.zeros(4)), [0, 1], ag.Tensor([1.0, 2.0, 3.0]))


def test_scatter_writes_along_dim_like_torch_and_undoes_gather():
    x = leaf(np.zeros((2, 3)))
    src = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    index = np.array([[2, 0], [1, 2]])
    out = ag.scatter(x, 1, index, src)
    # out[i][index[i][j]] = src[i][j], and src beyond index's shape is not used
    np.testing.assert_array_equal(out.data, [[2, 0, 1], [0, 4, 5]])
    np.testing.assert_array_equal(ag.gather(out, 1, index).data, src.data[:, :2])
    (out * ag.Tensor(np.arange(6.0).reshape(2, 3), dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [3, 0, 0]])
    np.testing.assert_array_equal(src.grad.data, [[2, 0, 0], [4, 5, 0]])


def test_scatter_a_number_and_scatter_with_reduce_add():
    x = ag.Tensor(np.zeros((2, 2)))
    np.testing.assert_array_equal(ag.scatter(x, 0, [[1, 0]], 7.0).data, [[0, 7], [7, 0]])
    added = ag.scatter(x, 1, [[0, 0], [1, 1]], ag.Tensor([[1.0, 2.0], [3.0, 4.0]]), reduce="add")
    np.testing.assert_array_equal(added.data, [[3, 0], [0, 7]])


def test_scatter_errors():
    x = ag.Tensor(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="scatter: reduce must be None or 'add'"):
        ag.scatter(x, 0, [[0]], 1.0, reduce="multiply")
    with pytest.raises(ValueError, match="index_put: the index writes position .* more than once"):
        ag.scatter(x, 1, [[0, 0]], 1.0)
    with pytest.raises(ValueError, match="scatter: index of shape .* does not fit src of shape"):
        ag.scatter(x, 1, [[0, 1]], ag.Tensor([[1.0]]))


# ---- t[index] = value: in place, not recorded --------------------------------------------------
def test_setitem_under_no_grad_writes_in_place_and_keeps_the_leaf():
    w = ag.Tensor(np.zeros((2, 3)), requires_grad=True)
    with ag.no_grad():
        w[0] = 1.0
        w[1, [0, 2]] = ag.Tensor([5.0, 6.0])
    np.testing.assert_array_equal(w.data, [[1, 1, 1], [5, 0, 6]])
    assert w.requires_grad and w.is_leaf
    (w * 2.0).sum().backward()
    np.testing.assert_array_equal(w.grad.data, np.full((2, 3), 2.0))


def test_setitem_on_a_tensor_that_requires_grad_is_refused_outside_no_grad():
    w = ag.Tensor(np.zeros(3), requires_grad=True, name="w")
    with pytest.raises(RuntimeError, match=r"modify tensor 'w' in place.*no_grad\(\).*index_put"):
        w[0] = 1.0
    np.testing.assert_array_equal(w.data, [0, 0, 0])
    hidden = w * 2.0
    with pytest.raises(RuntimeError, match=r"a tensor of shape \(3,\) in place"):
        hidden[1] = 0.0


def test_setitem_on_a_plain_tensor_works_with_grad_on_but_refuses_a_value_that_requires_grad():
    t = ag.Tensor(np.zeros(3))
    t[ag.Tensor(np.array([0, 2]))] = 4.0
    np.testing.assert_array_equal(t.data, [4, 0, 4])
    with pytest.raises(RuntimeError, match=r"gradient would be lost.*index_put"):
        t[1] = ag.Tensor(1.0, requires_grad=True)


def test_setitem_on_a_read_only_view_says_so():
    view = ag.broadcast_to(ag.Tensor([1.0, 2.0]), (3, 2))
    with pytest.raises(ValueError, match="read-only"):
        view[0, 0] = 5.0


# ---- one_hot: no gradient ----------------------------------------------------------------------
def test_one_hot_gives_float_rows_of_the_default_dtype_and_no_graph():
    out = ag.one_hot(ag.Tensor(np.array([2, 0, 1])), 4)
    np.testing.assert_array_equal(out.data, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert out.dtype == ag.get_default_dtype() == np.float32
    assert not out.requires_grad and out.grad_fn is None


def test_one_hot_infers_the_class_count_and_keeps_the_index_shape():
    assert ag.one_hot([[1], [3]]).shape == (2, 1, 4)
    assert ag.one_hot(np.array([0, 1]), -1).shape == (2, 2)
    assert ag.one_hot(np.array(1), 3).shape == (3,)


def test_one_hot_follows_the_default_dtype():
    previous = ag.get_default_dtype()
    ag.set_default_dtype(np.float64)
    try:
        assert ag.one_hot([0, 1], 2).dtype == np.float64
    finally:
        ag.set_default_dtype(previous)


@pytest.mark.parametrize("indices, classes, error, message", [
    ([0.0, 1.0], 2, TypeError, "one_hot: the index must hold integers"),
    ([0, 3], 3, IndexError, "one_hot: index 3 is out of range"),
    ([-1], 3, IndexError, "one_hot: index -1 is out of range"),
    (np.array([], dtype=np.int64), None, ValueError, "cannot infer num_classes"),
])
def test_one_hot_errors(indices, classes, error, message):
    with pytest.raises(error, match=message):
        ag.one_hot(indices, classes)


# ---- tril / triu -------------------------------------------------------------------------------
def test_tril_triu_offsets_and_batches_match_numpy():
    x = np.arange(24.0).reshape(2, 3, 4)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(ag.tril(ag.Tensor(x), k).data, np.tril(x, k))
        np.testing.assert_array_equal(ag.Tensor(x).triu(diagonal=k).data, np.triu(x, k))


def test_tril_zeroes_infinities_instead_of_making_nan():
    scores = ag.Tensor(np.triu(np.full((3, 3), -np.inf), 1) + 1.0)
    np.testing.assert_array_equal(ag.tril(scores).data, np.tril(np.ones((3, 3))))


def test_tril_keeps_the_dtype_of_integer_tensors():
    assert ag.tril(ag.Tensor(np.ones((2, 2), dtype=np.int64))).dtype == np.int64


def test_tril_needs_a_matrix():
    with pytest.raises(ValueError, match=r"tril needs a matrix .* shape \(3,\)"):
        ag.tril(ag.Tensor([1.0, 2.0, 3.0]))
