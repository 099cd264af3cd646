"""Constructors: shapes as varargs or a tuple, dtypes, requires_grad, and one seeded generator."""
import numpy as np
import pytest

import autograd as ag
import nn

SHAPED = [ag.zeros, ag.ones, ag.empty, ag.rand, ag.randn]


@pytest.mark.parametrize("make", SHAPED, ids=lambda f: f.__name__)
def test_shape_as_varargs_or_a_tuple(make):
    for args in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = make(*args)
        assert isinstance(t, ag.Tensor) and t.shape == (2, 3)
    assert make().shape == make(()).shape == ()
    assert make(0, 4).shape == (0, 4)
    assert make(np.int64(3)).shape == (3,)


@pytest.mark.parametrize("make", SHAPED, ids=lambda f: f.__name__)
def test_float_default_dtype_explicit_dtype_and_requires_grad(make):
    t = make(2)
    assert t.dtype == ag.get_default_dtype() == np.float32
    assert not t.requires_grad and t.is_leaf
    t = make(2, 2, dtype=np.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    (t * t).sum().backward()
    assert t.grad.shape == (2, 2)


def test_the_default_dtype_follows_set_default_dtype():
    ag.set_default_dtype(np.float64)
    try:
        made = (ag.zeros(2), ag.randn(2), ag.arange(0.5, 2), ag.linspace(0, 1, 3), ag.eye(2), ag.full(2, 1.5))
        for t in made:
            assert t.dtype == np.float64
    finally:
        ag.set_default_dtype(np.float32)


def test_constant_values():
    np.testing.assert_array_equal(ag.zeros(2, 2).data, np.zeros((2, 2)))
    np.testing.assert_array_equal(ag.ones(3).data, np.ones(3))
    np.testing.assert_array_equal(ag.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(ag.eye(2, 3).data, np.eye(2, 3))
    np.testing.assert_array_equal(ag.full((2, 2), 1.5).data, np.full((2, 2), 1.5))
    assert ag.full(3, 7).shape == (3,)


@pytest.mark.parametrize("fill, dtype", [(1.5, np.float32), (7, np.int64), (True, np.bool_)])
def test_full_takes_its_dtype_from_the_fill_value_as_torch(fill, dtype):
    assert ag.full((2,), fill).dtype == dtype
    assert ag.full((2,), fill, dtype=np.float64).dtype == np.float64


def test_arange_keeps_integers_and_gives_floats_the_default_dtype():
    t = ag.arange(5)
    assert t.dtype == np.int64 and t.data.tolist() == [0, 1, 2, 3, 4]
    assert ag.arange(2, 8, 3).data.tolist() == [2, 5]
    assert ag.arange(3, 0, -1).data.tolist() == [3, 2, 1]
    t = ag.arange(0, 1, 0.25)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [0, 0.25, 0.5, 0.75])
    assert ag.arange(3.0).dtype == np.float32
    assert ag.arange(3, dtype=np.float64).dtype == np.float64
    w = ag.arange(3.0, requires_grad=True)
    assert w.requires_grad


def test_arange_indexes_rows_as_in_the_makemore_bigram():
    logits = ag.randn(4, 27, requires_grad=True)
    labels = ag.Tensor([3, 0, 26, 5])
    picked = logits[ag.arange(4), labels]
    np.testing.assert_array_equal(picked.data, logits.data[np.arange(4), labels.data])


def test_linspace_includes_both_ends():
    t = ag.linspace(0, 1, 5)
    assert t.dtype == np.float32
    np.testing.assert_allclose(t.data, [0, 0.25, 0.5, 0.75, 1])
    assert ag.linspace(-1, 1).shape == (50,)


def test_rand_is_in_the_unit_interval_and_randn_looks_standard_normal():
    ag.manual_seed(0)
    uniform, normal = ag.rand(10_000), ag.randn(10_000)
    assert 0 <= uniform.data.min() and uniform.data.max() < 1
    assert abs(normal.data.mean()) < 0.05 and abs(normal.data.std() - 1) < 0.05
    assert ag.rand(1000, dtype=np.float16).data.max() < 1


def test_randint_forms_numpy_and_torch():
    ag.manual_seed(1)
    t = ag.randint(0, 10, (200,))
    assert t.dtype == np.int64 and t.shape == (200,)
    assert 0 <= t.data.min() and t.data.max() < 10 and len(np.unique(t.data)) == 10
    assert ag.randint(5, size=3).shape == (3,) and ag.randint(5, size=3).data.max() < 5
    torch_style = ag.randint(3, (4, 2))  # torch.randint(high, size)
    assert torch_style.shape == (4, 2) and torch_style.data.max() < 3
    assert ag.randint(-3, -1, (50,)).data.min() >= -3
    assert ag.randint(4).shape == ()
    assert ag.randint(0, 2, (2,), dtype=np.float32, requires_grad=True).requires_grad


@pytest.mark.parametrize("make, expected", [
    (ag.zeros_like, 0.0), (ag.ones_like, 1.0), (lambda x, **kw: ag.full_like(x, 2.5, **kw), 2.5)])
def test_like_constructors_keep_shape_and_dtype(make, expected):
    for model in (ag.Tensor(np.ones((2, 3)), dtype=np.float64), ag.ones(2, 3), ag.arange(6).reshape(2, 3)):
        t = make(model)
        assert t.shape == (2, 3) and t.dtype == model.dtype
        np.testing.assert_array_equal(t.data, np.full((2, 3), expected).astype(model.dtype))
    t = make(ag.arange(4), dtype=np.float32, requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad
    assert make([[1.0, 2.0]]).dtype == np.float32  # data becomes a tensor first


@pytest.mark.parametrize("make", [ag.rand_like, ag.randn_like], ids=lambda f: f.__name__)
def test_random_like_keeps_the_float_dtype(make):
    for dtype in (np.float32, np.float64):
        t = make(ag.zeros(3, 2, dtype=dtype), requires_grad=True)
        assert t.shape == (3, 2) and t.dtype == dtype and t.requires_grad
    assert make(ag.arange(3), dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match=f"{make.__name__} draws real numbers.*not int64"):
        make(ag.arange(3))


def test_like_constructors_are_new_leaves():
    x = ag.randn(3, requires_grad=True)
    y = x * 2
    for t in (ag.zeros_like(y), ag.randn_like(y)):
        assert t.is_leaf and not t.requires_grad
    assert not np.shares_memory(ag.zeros_like(x).data, x.data)


# ---- the one generator -------------------------------------------------------------------------
def draws():
    return [ag.rand(3).data, ag.randn(2, 2).data, ag.randint(0, 100, (4,)).data,
            ag.randn_like(ag.zeros(2)).data, ag.rand_like(ag.zeros(2)).data]


def test_manual_seed_repeats_every_random_constructor():
    ag.manual_seed(1234)
    first = draws()
    ag.manual_seed(1234)
    second = draws()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    ag.manual_seed(1235)
    assert not np.array_equal(draws()[1], second[1])


def test_set_random_seed_seeds_the_same_generator():
    nn.utils.set_random_seed(99)
    first = draws()
    ag.manual_seed(99)
    second = draws()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_nn_draws_from_autograd_s_generator():
    assert nn.utils.get_rng() is ag.random.default_generator
    ag.manual_seed(5)
    layer_draw = nn.utils.get_rng().standard_normal(3)
    ag.manual_seed(5)
    np.testing.assert_array_equal(ag.randn(3, dtype=np.float64).data, layer_draw)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None])
def test_manual_seed_rejects_what_is_not_a_seed(bad):
    with pytest.raises(ValueError, match="manual_seed needs a non-negative integer seed"):
        ag.manual_seed(bad)


# ---- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: ag.arange(5, requires_grad=True),
    lambda: ag.randint(0, 3, (2,), requires_grad=True),
    lambda: ag.zeros(2, dtype=np.int32, requires_grad=True),
    lambda: ag.full((2,), 7, requires_grad=True),
    lambda: ag.zeros_like(ag.arange(3), requires_grad=True),
])
def test_requires_grad_on_an_integer_dtype_is_refused(call):
    with pytest.raises(TypeError, match=r"requires_grad=True\) would make a tensor of dtype int.*only "
                                        r"float tensors have gradients"):
        call()


@pytest.mark.parametrize("make", [ag.rand, ag.randn], ids=lambda f: f.__name__)
def test_random_floats_refuse_an_integer_dtype(make):
    with pytest.raises(TypeError, match=f"{make.__name__} draws real numbers.*use randint"):
        make(3, dtype=np.int64)


@pytest.mark.parametrize("bad", [(-1,), (2.5,), ((2, -3),), ("3",), (True,)])
def test_bad_shapes_are_refused(bad):
    with pytest.raises(ValueError, match=r"zeros: a shape is made of non-negative integers, as in zeros"):
        ag.zeros(*bad)


def test_empty_ranges_and_zero_steps_are_refused():
    with pytest.raises(ValueError, match=r"randint: the range \[5, 5\) is empty"):
        ag.randint(5, 5, (2,))
    with pytest.raises(ValueError, match="arange: step must not be 0"):
        ag.arange(0, 3, 0)
    with pytest.raises(ValueError, match="linspace: num is how many values"):
        ag.linspace(0, 1, -2)
