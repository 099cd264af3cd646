"""log1p expm1 log2 log10 erf softplus: accuracy where the obvious compositions fail, and equal
to those compositions (value, gradient, second derivative) where those are fine."""
import math

import numpy as np
import pytest

import autograd as ag


def float64(values, requires_grad=True):
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad, dtype=np.float64)


def test_log1p_and_expm1_keep_tiny_arguments():
    tiny = float64([1e-20, -3e-17])
    np.testing.assert_array_equal(ag.log1p(tiny).data, [1e-20, -3e-17])
    np.testing.assert_array_equal(ag.expm1(tiny).data, [1e-20, -3e-17])


def test_expm1_gradient_keeps_full_precision_far_below_zero():
    x = float64([-40.0])
    ag.expm1(x).backward(np.ones(1))
    np.testing.assert_allclose(x.grad.data, [math.exp(-40.0)], rtol=1e-14)


def test_log2_and_log10_are_exact_on_powers_of_their_base():
    np.testing.assert_array_equal(ag.log2(float64([8.0, 1024.0, 0.5])).data, [3.0, 10.0, -1.0])
    np.testing.assert_array_equal(ag.log10(float64([1000.0, 1e-5])).data, [3.0, -5.0])


def test_erf_at_known_points():
    x = float64([0.0, 0.5, -1.0, 2.0, 6.0, -np.inf, np.inf])
    expected = [0.0, 0.5204998778130465, -0.8427007929497149, 0.9953222650189527, 1.0, -1.0, 1.0]
    np.testing.assert_allclose(ag.erf(x).data, expected, rtol=1e-15)
    assert np.isnan(ag.erf(float64([np.nan])).data[0])


def test_erf_gradient_is_the_gaussian_density_shape():
    x = float64([-1.5, 0.0, 0.3, 4.0])
    ag.erf(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 / np.sqrt(np.pi) * np.exp(-x.data ** 2), rtol=1e-15)


def test_exact_gelu_from_erf():
    x = float64([-1.0, 0.0, 1.0])
    gelu = x * (1 + ag.erf(x / math.sqrt(2))) / 2
    np.testing.assert_allclose(gelu.data, [-0.15865525393145707, 0.0, 0.8413447460685429], rtol=1e-14)


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float16, np.float16),
                                             (np.int64, np.float64)])
def test_erf_dtypes(dtype, expected):
    assert ag.erf(ag.Tensor(np.array([0, 1]), dtype=dtype)).dtype == expected
    assert ag.erf(ag.Tensor(np.array(0.5), dtype=dtype)).shape == ()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_neither_overflows_nor_rounds_its_tail_away(dtype):
    x = ag.Tensor([-1000.0, -40.0, 0.0, 40.0, 1000.0], requires_grad=True, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = ag.softplus(x)
        out.sum().backward()
    np.testing.assert_allclose(out.data, [0.0, math.exp(-40.0), math.log(2.0), 40.0, 1000.0], rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, [0.0, math.exp(-40.0), 0.5, 1.0, 1.0], rtol=1e-6)
    assert out.dtype == x.grad.dtype == dtype


COMPOSITIONS = {
    "log1p": (ag.log1p, lambda a: ag.log(1.0 + a)),
    "expm1": (ag.expm1, lambda a: ag.exp(a) - 1.0),
    "log2": (ag.log2, lambda a: ag.log(a) / math.log(2.0)),
    "log10": (ag.log10, lambda a: ag.log(a) / math.log(10.0)),
    "softplus": (ag.softplus, lambda a: ag.log(1.0 + ag.exp(a))),
    "sinh": (ag.sinh, lambda a: (ag.exp(a) - ag.exp(-a)) / 2.0),
    "cosh": (ag.cosh, lambda a: (ag.exp(a) + ag.exp(-a)) / 2.0),
    "tan": (ag.tan, lambda a: ag.sin(a) / ag.cos(a)),
}


@pytest.mark.parametrize("name", COMPOSITIONS)
def test_primitive_equals_its_composition_to_second_order(name):
    """Where the composition is accurate (moderate positive values), the primitive agrees with it
    in value, gradient and Hessian-vector product."""
    primitive, composition = COMPOSITIONS[name]
    values = np.array([0.3, 0.9, 1.4])
    results = []
    for op in (primitive, composition):
        x = float64(values)
        out = op(x)
        (g,) = ag.grad((out * float64([1.0, -2.0, 0.5], False)).sum(), [x], create_graph=True)
        (hv,) = ag.grad((g * float64([0.7, 0.1, -1.2], False)).sum(), [x])
        results.append((out.data, g.data, hv.data))
    for ours, composed in zip(*results):
        np.testing.assert_allclose(ours, composed, rtol=1e-12, atol=1e-15)
