"""Tensor: dtype rules, attributes and small conveniences."""
import numpy as np
import pytest

import autograd as ag


@pytest.fixture
def float64_default():
    """Make float64 the default for one test, and always put the old default back."""
    previous = ag.get_default_dtype()
    ag.set_default_dtype(np.float64)
    yield
    ag.set_default_dtype(previous)


# ---- dtypes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], [[1.0], [2.5]], np.array([1.0, 2.0]), np.float64(3.0)])
def test_float_data_becomes_float32(data):
    assert ag.Tensor(data).dtype == np.float32


def test_float32_and_float16_arrays_keep_their_dtype():
    assert ag.Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert ag.Tensor(np.ones(2, dtype=np.float16)).dtype == np.float16


@pytest.mark.parametrize("dtype", [np.float64, "float64", np.float16, np.int32])
def test_dtype_argument_is_respected(dtype):
    assert ag.Tensor([1.0, 2.0], dtype=dtype).dtype == np.dtype(dtype)


@pytest.mark.parametrize("make", [
    lambda x: x * 2.5, lambda x: 2.5 * x, lambda x: x + 1, lambda x: 1 - x, lambda x: x / 3.0,
    lambda x: 3.0 / x, lambda x: x ** 2, lambda x: 2.0 ** x, lambda x: x * np.float64(2.0),
    lambda x: np.ones(3) * x, lambda x: x + np.ones(3), lambda x: ag.maximum(x, 0.5),
    lambda x: ag.where(x.data > 1, x, 0.0), lambda x: ag.clip(x, 0.0, 1.5),
    lambda x: np.ones((2, 3)) @ x, lambda x: x @ np.ones(3),
    lambda x: ag.linear(np.ones((2, 3)), x.reshape((3, 1)), np.ones(1))])
def test_float32_stays_float32_with_python_scalars_and_float64_arrays(make):
    x = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = make(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_float64_stays_float64_with_python_scalars():
    x = ag.Tensor([1.0, 2.0], dtype=np.float64)
    assert (x * 0.1 + 1).dtype == np.float64


def test_float64_arrays_next_to_float64_tensors_keep_full_precision():
    third = np.full((2, 2), 1 / 3)
    identity = ag.Tensor(np.eye(2), dtype=np.float64)
    for out, expected in [(third @ identity, third), (identity @ third, third),
                          (ag.linear(third, identity), third), (third * identity, np.eye(2) / 3)]:
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out.data, expected)


def test_set_default_dtype_changes_new_tensors(float64_default):
    assert ag.get_default_dtype() == np.float64
    assert ag.Tensor(1.0).dtype == np.float64
    assert ag.Tensor([1.0, 2.0], dtype=np.float32).dtype == np.float32


def test_default_dtype_is_float32_again_after_the_fixture():
    assert ag.get_default_dtype() == np.float32
    assert ag.Tensor(1.0).dtype == np.float32


def test_set_default_dtype_rejects_non_float_dtypes():
    with pytest.raises(TypeError, match="float"):
        ag.set_default_dtype(np.int64)
    assert ag.get_default_dtype() == np.float32


def test_integer_data_stays_integer():
    t = ag.Tensor([1, 2, 3])
    assert t.dtype.kind == "i" and t.requires_grad is False


@pytest.mark.parametrize("data", [[1, 2, 3], np.arange(3), np.array([True, False])])
def test_requires_grad_on_integer_data_raises_a_clear_type_error(data):
    with pytest.raises(TypeError, match=r"float.*requires_grad=True|only float"):
        ag.Tensor(data, requires_grad=True)


def test_integer_data_can_be_made_float_to_require_grad():
    assert ag.Tensor([1, 2], dtype="float32", requires_grad=True).requires_grad


# ---- attributes --------------------------------------------------------------------------------
def test_attributes():
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = ag.Tensor(data, requires_grad=True, name="weights")
    assert isinstance(t.data, np.ndarray)
    np.testing.assert_array_equal(t.data, data)
    assert t.grad is None
    assert t.requires_grad is True
    assert t.name == "weights"
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.dtype == np.float32
    assert t.is_leaf and t.grad_fn is None
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.data, data.T)
    assert t.T.requires_grad


def test_defaults_of_a_new_tensor():
    t = ag.Tensor([1.0])
    assert t.requires_grad is False and t.name is None and t.grad is None


def test_tensor_of_a_tensor_copies_nothing_but_the_values():
    source = ag.Tensor([1.0, 2.0], requires_grad=True)
    t = ag.Tensor(source)
    assert t.requires_grad is False and t.grad_fn is None
    np.testing.assert_array_equal(t.data, source.data)


def test_op_results_know_their_op():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    assert not y.is_leaf and y.grad_fn.symbol == "*"
    assert y.grad_fn.parents[0] is x


def test_item():
    assert ag.Tensor(2.5).item() == 2.5
    assert isinstance(ag.Tensor([[3]]).item(), int)
    with pytest.raises(ValueError, match=r"one element.*\(2,\)"):
        ag.Tensor([1.0, 2.0]).item()


def test_numpy_returns_the_array():
    t = ag.Tensor([1.0, 2.0])
    assert isinstance(t.numpy(), np.ndarray)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    assert np.asarray(t).dtype == np.float32


def test_detach_shares_data_and_records_nothing():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3.0).detach()
    assert y.requires_grad is False and y.grad_fn is None
    np.testing.assert_array_equal(y.data, [3.0, 6.0])
    z = (y * x).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 6.0])  # y acted as a constant


def test_zero_grad_forgets_the_gradient():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad is not None
    x.zero_grad()
    assert x.grad is None
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


def test_repr():
    assert repr(ag.Tensor([1.0, 2.0])) == "Tensor([1., 2.], dtype=float32)"
    assert "requires_grad=True" in repr(ag.Tensor([1.0], requires_grad=True))
    assert "name='w'" in repr(ag.Tensor([1.0], name="w"))
    y = ag.Tensor([1.0], requires_grad=True) * 2.0
    assert "grad_fn=" in repr(y)


def test_python_number_conversions_and_iteration():
    assert float(ag.Tensor(2.0)) == 2.0 and int(ag.Tensor(3)) == 3
    assert bool(ag.Tensor(1.0)) and not bool(ag.Tensor(0.0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ag.Tensor([1.0, 2.0]))
    rows = list(ag.Tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert len(rows) == 2 and rows[1].shape == (2,)
    with pytest.raises(TypeError, match="0-d"):
        len(ag.Tensor(1.0))


def test_requires_grad_cannot_be_switched_off_on_an_op_result():
    y = ag.Tensor([1.0], requires_grad=True) * 2.0
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)


def test_retain_grad_keeps_an_intermediate_gradient():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, [6.0, 12.0])
    np.testing.assert_allclose(x.grad.data, [18.0, 36.0])


# ---- data that is not numbers is refused, never turned into NaN -----------------------------------
@pytest.mark.parametrize("data, fragment", [
    (None, "it holds None (NoneType) as the whole value"),
    ([1.0, None, 3.0], "it holds None (NoneType) at index (1,)"),
    ([[1.0, 2.0], [3.0, None]], "at index (1, 1)"),
    (["a", "b"], "holds <U1 values such as 'a'; convert text to numbers first"),
    ({"a": 1}, "it holds {'a': 1} (dict)"),
])
def test_data_that_is_not_numbers_is_refused_with_what_it_holds(data, fragment):
    with pytest.raises(TypeError, match="tensor data must be numbers") as caught:
        ag.Tensor(data)
    assert fragment in str(caught.value)
    with pytest.raises(TypeError, match="tensor data must be numbers"):
        ag.Tensor(data, dtype="float32")  # numpy would make None a NaN here


def test_none_or_text_next_to_a_tensor_is_refused_not_made_nan():
    for other in (None, "a", [1.0, None]):
        with pytest.raises(TypeError, match="tensor data must be numbers"):
            ag.Tensor([1.0, 2.0]) + other


def test_rows_of_different_lengths_and_unknown_dtypes_are_explained():
    with pytest.raises(ValueError, match="rows of different lengths.*pad the shorter rows"):
        ag.Tensor([[1.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match="unknown dtype 'flot32'; use a numpy dtype such as 'float32'"):
        ag.Tensor([1.0], dtype="flot32")


def test_objects_that_are_numbers_still_convert():
    assert ag.Tensor(np.array([1, 2.5, 10**30], dtype=object)).dtype == np.float32
    assert ag.Tensor([np.float64(1.5), 2]).data.tolist() == [1.5, 2.0]


# ---- mixed dtypes: float beats int, and keeps its width (PyTorch, Keras) -------------------------
@pytest.mark.parametrize("float_dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("int_dtype", ["int8", "int32", "int64", "uint8", "bool"])
def test_a_float_tensor_with_an_integer_tensor_keeps_the_float_dtype(float_dtype, int_dtype):
    x, n = ag.Tensor([1.0, 2.0], dtype=float_dtype), ag.Tensor([1, 1], dtype=int_dtype)
    for result in (x * n, n * x, x + n, n - x, x / n, ag.maximum(n, x), ag.where([True, False], n, x)):
        assert result.dtype == np.dtype(float_dtype)


def test_an_integer_tensor_with_a_python_float_becomes_the_default_float():
    assert (ag.Tensor([1, 2]) * 0.5).dtype == np.float32
    assert (ag.Tensor([1, 2]) + ag.Tensor([3, 4])).dtype == np.int64  # integers stay integers
    assert (ag.Tensor([1.0]) + ag.Tensor([1.0], dtype="float64")).dtype == np.float64  # wider float wins


def test_gradients_through_a_mixed_product_have_the_float_dtype():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    (x * ag.Tensor([3, 4])).sum().backward()
    assert x.grad.dtype == np.float32 and np.array_equal(x.grad.data, [3.0, 4.0])


def test_a_matmul_of_integer_inputs_and_float32_weights_is_float32():
    weights = ag.Tensor(np.ones((3, 2)), requires_grad=True)
    assert ag.matmul(ag.Tensor(np.ones((4, 3), dtype=int)), weights).dtype == np.float32
    assert ag.linear(ag.Tensor(np.ones((4, 3), dtype=int)), weights).dtype == np.float32
