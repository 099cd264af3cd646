"""Shape and rearranging ops beyond the table: numpy vs PyTorch conventions, negative axes,
gradients of copied elements adding up, and error messages."""
import numpy as np
import pytest

import autograd as ag


def leaf(values, dtype=np.float64):
    return ag.Tensor(np.asarray(values, dtype=float), requires_grad=True, dtype=dtype)


# ---- transpose / permute -----------------------------------------------------------------------
@pytest.mark.parametrize("axes", [(-1, 0, -2), (2, -3, 1), (-1, -2, -3)])
def test_transpose_with_negative_axes_sends_the_gradient_back_in_the_inputs_shape(axes):
    values = np.arange(24.0).reshape(2, 3, 4)
    x = leaf(values)
    upstream = np.random.default_rng(0).standard_normal(np.transpose(values, axes).shape)
    ag.transpose(x, axes).backward(upstream)
    assert x.grad.shape == (2, 3, 4)
    np.testing.assert_array_equal(x.grad.data, np.transpose(upstream, np.argsort(np.array(axes) % 3)))


@pytest.mark.parametrize("axes, message", [((0, 0), "not a permutation"), ((0,), "not a permutation"),
                                           ((0, 2), "out of range"), ((0, -3), "out of range")])
def test_transpose_rejects_axes_that_are_not_a_permutation(axes, message):
    with pytest.raises(ValueError, match=f"transpose: .*{message}"):
        ag.transpose(ag.Tensor(np.ones((2, 3))), axes)


def test_permute_takes_dims_as_varargs_or_one_sequence_like_torch():
    x = ag.Tensor(np.arange(6.0).reshape(1, 2, 3))
    for out in (ag.permute(x, 2, 0, 1), ag.permute(x, (2, 0, 1)), x.permute(2, 0, 1), x.permute([2, 0, 1])):
        assert out.shape == (3, 1, 2)
        np.testing.assert_array_equal(out.data, np.transpose(x.data, (2, 0, 1)))


def test_tensor_transpose_keeps_numpy_semantics_and_swapaxes_is_torchs_transpose():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3))
    assert x.transpose(0, 1).shape == (2, 3)  # numpy: axes listed in order, nothing moves
    assert x.transpose().shape == x.permute(1, 0).shape == x.swapaxes(0, 1).shape == (3, 2)


def test_swapaxes_names_an_axis_out_of_range():
    with pytest.raises(ValueError, match=r"swapaxes: axis 2 is out of range .* 2 dimensions"):
        ag.swapaxes(ag.Tensor(np.ones((2, 3))), 0, 2)


# ---- unsqueeze / flatten -----------------------------------------------------------------------
@pytest.mark.parametrize("dim, shape", [(0, (1, 2, 3)), (2, (2, 3, 1)), (-1, (2, 3, 1)), (-3, (1, 2, 3))])
def test_unsqueeze_counts_negative_dims_in_the_result_like_torch(dim, shape):
    x = ag.Tensor(np.ones((2, 3)))
    assert ag.unsqueeze(x, dim).shape == x.unsqueeze(dim).shape == shape


def test_unsqueeze_out_of_range():
    with pytest.raises(ValueError, match=r"unsqueeze: axis 3 is out of range .* \(valid: -3 to 2\)"):
        ag.unsqueeze(ag.Tensor(np.ones((2, 3))), 3)


def test_flatten_merges_a_range_of_axes():
    x = ag.Tensor(np.ones((2, 3, 4, 5)))
    assert x.flatten().shape == (120,)
    assert ag.flatten(x, 1).shape == (2, 60)
    assert x.flatten(1, 2).shape == (2, 12, 5)
    assert x.flatten(-2, -1).shape == (2, 3, 20)
    assert ag.flatten(ag.Tensor(3.0)).shape == (1,)


def test_flatten_start_after_end_is_an_error():
    with pytest.raises(ValueError, match="flatten: start_dim 2 comes after end_dim 1"):
        ag.flatten(ag.Tensor(np.ones((2, 3, 4))), 2, 1)


# ---- repeat (numpy) and tile (PyTorch's repeat) --------------------------------------------------
def test_repeat_is_numpys_each_element_in_place_and_tile_is_torchs_repeat():
    x = ag.Tensor([1.0, 2.0])
    np.testing.assert_array_equal(ag.repeat(x, 2).data, [1, 1, 2, 2])
    np.testing.assert_array_equal(x.repeat(2).data, [1, 1, 2, 2])
    np.testing.assert_array_equal(ag.tile(x, 2).data, [1, 2, 1, 2])
    np.testing.assert_array_equal(x.tile(2, 1).data, [[1, 2], [1, 2]])  # varargs, as torch's repeat
    np.testing.assert_array_equal(x.tile((2, 1)).data, [[1, 2], [1, 2]])


def test_repeat_gradient_sums_the_copies_of_each_element():
    x = leaf([1.0, 2.0, 3.0])
    out = ag.repeat(x, [3, 0, 2])
    np.testing.assert_array_equal(out.data, [1, 1, 1, 3, 3])
    (out * ag.Tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6, 0, 9])


def test_repeat_along_an_axis_and_flattened():
    x = ag.Tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(ag.repeat(x, 2, axis=-1).data, [[1, 1, 2, 2], [3, 3, 4, 4]])
    np.testing.assert_array_equal(ag.repeat(x, [1, 2], axis=0).data, [[1, 2], [3, 4], [3, 4]])
    np.testing.assert_array_equal(ag.repeat(x, 2).data, [1, 1, 2, 2, 3, 3, 4, 4])


@pytest.mark.parametrize("repeats, message", [(-1, "a count of 0 or more"), ([1, 2, 3], "3 counts for axis 0 of length 2"),
                                              (1.5, "a count of 0 or more")])
def test_repeat_errors(repeats, message):
    with pytest.raises(ValueError, match=f"repeat: .*{message}"):
        ag.repeat(ag.Tensor([1.0, 2.0]), repeats, axis=0)


def test_tile_gradient_sums_the_copies_and_zero_reps_give_an_empty_tensor():
    x = leaf([[1.0, 2.0]])
    out = ag.tile(x, (3, 2))
    assert out.shape == (3, 4)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[6, 6]])
    empty = ag.tile(leaf([1.0, 2.0]), 0)
    assert empty.shape == (0,)
    with pytest.raises(ValueError, match="tile: reps .* negative"):
        ag.tile(x, (-1, 1))


# ---- split (numpy) and chunk (PyTorch) ---------------------------------------------------------
def test_split_takes_numpys_count_of_equal_pieces_or_cut_indices():
    x = ag.Tensor(np.arange(6.0))
    assert [p.data.tolist() for p in ag.split(x, 3)] == [[0, 1], [2, 3], [4, 5]]
    assert [p.data.tolist() for p in x.split([1, 4])] == [[0], [1, 2, 3], [4, 5]]
    assert isinstance(ag.split(x, 2), list)


def test_split_into_unequal_pieces_points_to_chunk():
    with pytest.raises(ValueError, match="split: axis 0 of length 5 does not divide into 2 .* chunk"):
        ag.split(ag.Tensor(np.arange(5.0)), 2)


def test_split_pieces_each_send_their_own_gradient():
    x = leaf(np.arange(6.0).reshape(2, 3))
    first, second = ag.split(x, [1], axis=1)
    (first.sum() * 2.0 + second.sum() * 3.0).backward()
    np.testing.assert_array_equal(x.grad.data, [[2, 3, 3], [2, 3, 3]])


@pytest.mark.parametrize("length, chunks, sizes", [(6, 3, [2, 2, 2]), (5, 4, [2, 2, 1]), (6, 4, [2, 2, 2]),
                                                   (2, 5, [1, 1]), (0, 3, [0, 0, 0])])
def test_chunk_follows_torch_and_may_give_fewer_pieces(length, chunks, sizes):
    pieces = ag.chunk(ag.Tensor(np.zeros((2, length))), chunks, dim=-1)
    assert isinstance(pieces, tuple)
    assert [p.shape[1] for p in pieces] == sizes


def test_chunk_needs_a_positive_count():
    with pytest.raises(ValueError, match="chunk: chunks must be a positive int"):
        ag.Tensor(np.ones(3)).chunk(0)


# ---- flip / roll -------------------------------------------------------------------------------
def test_flip_and_roll_methods_and_their_gradients():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    weights = ag.Tensor(np.arange(6.0).reshape(2, 3), dtype=np.float64)
    (x.flip(1) * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.flip(weights.data, 1))
    x.zero_grad()
    (x.roll(1, 1) * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.roll(weights.data, -1, 1))


def test_flip_names_a_repeated_axis():
    with pytest.raises(ValueError, match="flip: axis .* names an axis twice"):
        ag.flip(ag.Tensor(np.ones((2, 2))), (0, -2))


def test_roll_several_axes_at_once_and_its_errors():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(ag.roll(ag.Tensor(x), (1, -1), (0, 1)).data, np.roll(x, (1, -1), (0, 1)))
    np.testing.assert_array_equal(ag.roll(ag.Tensor(x), 2, (0, 1)).data, np.roll(x, 2, (0, 1)))
    with pytest.raises(ValueError, match="roll: with axis=None the shift must be one int"):
        ag.roll(ag.Tensor(x), (1, 2))
    with pytest.raises(ValueError, match="roll: 2 shifts for 3 axes"):
        ag.roll(ag.Tensor(np.ones((2, 2, 2))), (1, 2), (0, 1, 2))


# ---- pad ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("pad_width", [1, (1, 2), [(1, 2)], ((0, 1), (2, 0)), np.array([[1, 1], [0, 2]])])
def test_pad_accepts_numpys_pad_width_forms(pad_width):
    x = np.arange(6.0).reshape(2, 3)
    out = ag.pad(ag.Tensor(x), pad_width, constant_values=-1.0)
    np.testing.assert_array_equal(out.data, np.pad(x, pad_width, constant_values=-1.0))


def test_pad_keeps_float32():
    assert ag.pad(ag.Tensor([1.0, 2.0]), 1, constant_values=0.5).dtype == np.float32


def test_reflect_pad_gradient_adds_up_the_mirrored_copies():
    x = leaf([1.0, 2.0, 3.0])
    out = ag.pad(x, 2, mode="reflect")
    np.testing.assert_array_equal(out.data, [3, 2, 1, 2, 3, 2, 1])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2, 3, 2])


@pytest.mark.parametrize("mode", ["reflect", "symmetric", "edge", "wrap"])
def test_copying_pad_modes_match_numpy_even_beyond_the_input_length(mode):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(ag.pad(ag.Tensor(x), ((3, 1), (4, 5)), mode=mode).data,
                                  np.pad(x, ((3, 1), (4, 5)), mode=mode))


@pytest.mark.parametrize("call, error, message", [
    (lambda x: ag.pad(x, -1), ValueError, "negative width"),
    (lambda x: ag.pad(x, (1, 2, 3)), ValueError, "does not fit a tensor with 2 dimensions"),
    (lambda x: ag.pad(x, 1.5), TypeError, "must hold integers"),
    (lambda x: ag.pad(x, 1, mode="mirror"), ValueError, "unknown mode 'mirror'"),
    (lambda x: ag.pad(x, 1, mode="reflect", constant_values=1.0), ValueError, "only used by mode='constant'"),
    (lambda x: ag.pad(x[:, :0], 1, mode="edge"), ValueError, "axis 1 is empty"),
    (lambda x: ag.pad(x[0, 0], 1), ValueError, "0-d tensor"),
])
def test_pad_errors(call, error, message):
    with pytest.raises(error, match=f"pad: .*{message}"):
        call(ag.Tensor(np.ones((2, 3))))


def test_tensor_has_the_torch_methods_of_this_family():
    for name in ["unsqueeze", "permute", "flip", "roll", "repeat", "tile", "split", "chunk", "gather",
                 "index_select", "tril", "triu", "flatten"]:
        assert callable(getattr(ag.Tensor, name)), name
