"""PyTorch as an oracle: compositions of ops agree with torch in value, gradient and Hessian.

Each program is written once against a tiny `lib` namespace and run twice: on autograd Tensors
and on torch tensors (float64 both). Inputs are drawn by hypothesis. Skipped without torch.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

torch = pytest.importorskip("torch")
functional = pytest.importorskip("torch.nn.functional")


class AutogradLib:
    exp, log, sqrt, abs, tanh, sigmoid, relu = ag.exp, ag.log, ag.sqrt, ag.abs, ag.tanh, ag.sigmoid, ag.relu
    maximum, minimum, where, linear = ag.maximum, ag.minimum, ag.where, ag.linear
    softmax, log_softmax, logsumexp = ag.softmax, ag.log_softmax, ag.logsumexp
    sum, mean, max, var = ag.sum, ag.mean, ag.max, ag.var
    concatenate, stack, cross_entropy = ag.concatenate, ag.stack, ag.softmax_cross_entropy
    sin, cos, tan, arcsin, arccos, arctan = ag.sin, ag.cos, ag.tan, ag.arcsin, ag.arccos, ag.arctan
    sinh, cosh, log1p, expm1, log2, log10 = ag.sinh, ag.cosh, ag.log1p, ag.expm1, ag.log2, ag.log10
    erf, softplus, square, reciprocal = ag.erf, ag.softplus, ag.square, ag.reciprocal
    prod, cumsum, std, norm = ag.prod, ag.cumsum, ag.std, ag.norm

    @staticmethod
    def clip(x, low, high):
        return ag.clip(x, low, high)

    @staticmethod
    def leaky_relu(x, slope):
        return ag.leaky_relu(x, negative_slope=slope)

    @staticmethod
    def constant(array):
        return array


class TorchLib:
    exp, log, sqrt, abs, tanh, sigmoid, relu = (torch.exp, torch.log, torch.sqrt, torch.abs, torch.tanh,
                                                torch.sigmoid, torch.relu)
    where = torch.where
    sin, cos, tan, sinh, cosh = torch.sin, torch.cos, torch.tan, torch.sinh, torch.cosh
    arcsin, arccos, arctan = torch.arcsin, torch.arccos, torch.arctan
    log1p, expm1, log2, log10 = torch.log1p, torch.expm1, torch.log2, torch.log10
    erf, softplus, square, reciprocal = torch.erf, functional.softplus, torch.square, torch.reciprocal

    @staticmethod
    def prod(x, axis):
        return torch.prod(x, dim=axis)

    @staticmethod
    def cumsum(x, axis):
        return torch.cumsum(x, dim=axis)

    @staticmethod
    def std(x, axis=None, ddof=0):
        return torch.std(x, dim=axis, correction=ddof)

    @staticmethod
    def norm(x, ord=None, axis=None):
        return torch.linalg.norm(x, ord, dim=axis)

    @staticmethod
    def maximum(a, b):
        return torch.maximum(a, torch.as_tensor(b, dtype=a.dtype))

    @staticmethod
    def minimum(a, b):
        return torch.minimum(a, torch.as_tensor(b, dtype=a.dtype))

    @staticmethod
    def linear(x, weight, bias):
        return x @ weight + bias  # our weight is (in, out); torch's functional.linear wants (out, in)

    @staticmethod
    def softmax(x, axis=-1):
        return torch.softmax(x, dim=axis)

    @staticmethod
    def log_softmax(x, axis=-1):
        return torch.log_softmax(x, dim=axis)

    @staticmethod
    def logsumexp(x, axis):
        return torch.logsumexp(x, dim=axis)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        return x.mean() if axis is None else x.mean(dim=axis, keepdim=keepdims)

    @staticmethod
    def max(x, axis=None, keepdims=False):
        return torch.amax(x, dim=() if axis is None else axis, keepdim=keepdims)

    @staticmethod
    def var(x, axis=None, keepdims=False):
        return torch.var(x, dim=axis, correction=0, keepdim=keepdims)

    @staticmethod
    def concatenate(tensors, axis=0):
        return torch.cat(list(tensors), dim=axis)

    @staticmethod
    def stack(tensors, axis=0):
        return torch.stack(list(tensors), dim=axis)

    @staticmethod
    def cross_entropy(logits, labels):
        return functional.cross_entropy(logits, torch.as_tensor(labels))

    @staticmethod
    def clip(x, low, high):
        return torch.clamp(x, low, high)

    @staticmethod
    def leaky_relu(x, slope):
        return functional.leaky_relu(x, slope)

    @staticmethod
    def constant(array):
        return torch.as_tensor(array)


# ---- programs: each takes (lib, *inputs) and returns a scalar loss ------------------------------
def mlp(lib, x, w1, b1, w2, b2):
    hidden = lib.tanh(lib.linear(x, w1, b1))
    return lib.cross_entropy(hidden @ w2 + b2, np.array([0, 2, 1, 2]))


def attention(lib, q, k, v):
    weights = lib.softmax(q @ k.T / np.sqrt(3.0), axis=-1)
    return lib.sum((weights @ v) ** 2)


def elementwise_soup(lib, a, b):
    smooth = lib.sigmoid(a) * lib.exp(-b ** 2) + lib.log(1.0 + a * a)
    return lib.sum(smooth - lib.sqrt(b * b + 1.0) / (1.0 + lib.abs(a)) + 2.0 ** a - 3.0 / (2.0 + b * b))


def reductions(lib, x):
    spread = lib.logsumexp(x, axis=1) - lib.max(x, axis=1)
    return lib.mean(spread) + lib.sum(lib.var(x, axis=0)) + lib.max(lib.mean(x, axis=0, keepdims=True))


def selections(lib, a, b):
    picked = lib.where(a > 0, lib.maximum(a, b), lib.clip(b, -1.0, 1.0))
    return lib.sum(picked * lib.minimum(a, 0.5) + lib.leaky_relu(a - b, 0.1) + lib.relu(b))


def reshaping(lib, x, y):
    rows = x[lib.constant(np.array([0, 2, 2, 1]))]  # a repeated row: its gradient adds up
    joined = lib.concatenate([rows, y.T], axis=0)
    stacked = lib.stack([joined, joined * 2.0], axis=1)
    return lib.sum(lib.tanh(stacked.reshape(-1, 2)) * stacked.reshape(-1, 2)[:, :1]) + lib.sum(x[1:, ::2])


def classifier_head(lib, z, w):
    log_probs = lib.log_softmax(z @ w, axis=1)
    return -lib.mean(log_probs[lib.constant(np.arange(3)), lib.constant(np.array([1, 0, 1]))])


def trigonometry(lib, a, b):
    squashed = lib.tanh(b) * 0.9  # inside (-1, 1), where arcsin and arccos are smooth
    angles = lib.arctan(a) + lib.arcsin(squashed) - lib.arccos(squashed)
    waves = lib.sin(angles) * lib.cos(a * b) + lib.tan(0.5 * lib.tanh(a))
    return lib.sum(waves + lib.sinh(b) * lib.cosh(0.5 * a))


def special_functions(lib, a, b):
    positive = lib.softplus(a) + 0.1
    logs = lib.log1p(b * b) * lib.expm1(-positive) + lib.log2(positive) - lib.log10(1.0 + b * b)
    return lib.sum(logs + lib.erf(a * b) + lib.square(a) * lib.reciprocal(2.0 + b * b))


def statistics(lib, x, y):
    spread = lib.sum(lib.std(x, axis=0)) + lib.sum(lib.std(y, axis=1, ddof=1))
    sizes = lib.sum(lib.norm(x, None, 1)) + lib.sum(lib.norm(y, 1, 0)) + lib.norm(x, "fro")
    running = lib.sum(lib.cumsum(x, 1) * lib.cumsum(y.T, 0))
    return spread + sizes + running + lib.sum(lib.prod(x, 1)) * lib.sum(lib.prod(y, 0))


PROGRAMS = {
    "mlp": (mlp, [(4, 3), (3, 5), (5,), (5, 3), (3,)]),
    "attention": (attention, [(4, 3), (5, 3), (5, 2)]),
    "elementwise_soup": (elementwise_soup, [(2, 3), (3,)]),
    "reductions": (reductions, [(3, 4)]),
    "selections": (selections, [(2, 3), (2, 1)]),
    "reshaping": (reshaping, [(3, 2), (2, 3)]),
    "classifier_head": (classifier_head, [(3, 4), (4, 2)]),
    "trigonometry": (trigonometry, [(2, 3), (3,)]),
    "special_functions": (special_functions, [(2, 3), (3,)]),
    "statistics": (statistics, [(3, 4), (4, 3)]),
}


def run_autograd(program, arrays, create_graph=False):
    leaves = [ag.Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    loss = program(AutogradLib, *leaves)
    return leaves, loss, ag.grad(loss, leaves, create_graph=create_graph)


def run_torch(program, arrays, create_graph=False):
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    loss = program(TorchLib, *leaves)
    return leaves, loss, torch.autograd.grad(loss, leaves, create_graph=create_graph)


def draw_inputs(data, shapes):
    """Distinct values on a 0.1 grid away from 0: no kinks at 0, no ties for max, and no
    constant rows, whose std has an ill-conditioned gradient (it flaked at 1e-3-wide spreads)."""
    elements = st.integers(-20, 20).filter(bool).map(lambda k: k / 10)
    return [data.draw(hnp.arrays(np.float64, shape, elements=elements, unique=True)) for shape in shapes]


@pytest.mark.parametrize("name", PROGRAMS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_value_and_gradient_match_torch(name, data):
    program, shapes = PROGRAMS[name]
    arrays = draw_inputs(data, shapes)
    _, loss, grads = run_autograd(program, arrays)
    _, torch_loss, torch_grads = run_torch(program, arrays)
    np.testing.assert_allclose(loss.item(), torch_loss.item(), rtol=1e-10, atol=1e-12)
    for ours, theirs in zip(grads, torch_grads):
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["mlp", "attention", "elementwise_soup", "classifier_head", "trigonometry",
                                  "special_functions", "statistics"])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_hessian_vector_product_matches_torch(name, data):
    program, shapes = PROGRAMS[name]
    arrays, direction = draw_inputs(data, shapes), draw_inputs(data, shapes)
    leaves, _, grads = run_autograd(program, arrays, create_graph=True)
    directional = sum((g * ag.Tensor(d, dtype=np.float64)).sum() for g, d in zip(grads, direction))
    ours = ag.grad(directional, leaves)
    torch_leaves, _, torch_grads = run_torch(program, arrays, create_graph=True)
    torch_directional = sum((g * torch.as_tensor(d)).sum() for g, d in zip(torch_grads, direction))
    theirs = torch.autograd.grad(torch_directional, torch_leaves)
    for hv, torch_hv in zip(ours, theirs):
        np.testing.assert_allclose(hv.data, torch_hv.numpy(), rtol=1e-7, atol=1e-9)


def test_max_splits_ties_like_torch_amax():
    values = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    x = ag.Tensor(values, requires_grad=True, dtype=np.float64)
    ag.max(x, axis=1).sum().backward()
    t = torch.tensor(values, requires_grad=True)
    torch.amax(t, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, 4.0], [0.0, 1.5, 0.0, 2.0], [0.0, 0.0, 0.0, 1.0]])
def test_prod_with_zeros_matches_torch_to_second_order(values):
    x = ag.Tensor(values, requires_grad=True, dtype=np.float64)
    (g,) = ag.grad(ag.prod(x), [x], create_graph=True)
    (hv,) = ag.grad((g * ag.Tensor([1.0, -2.0, 0.5, 3.0], dtype=np.float64)).sum(), [x])
    t = torch.tensor(values, requires_grad=True, dtype=torch.float64)
    (torch_g,) = torch.autograd.grad(torch.prod(t), [t], create_graph=True)
    (torch_hv,) = torch.autograd.grad((torch_g * torch.tensor([1.0, -2.0, 0.5, 3.0])).sum(), [t])
    np.testing.assert_array_equal(g.data, torch_g.detach().numpy())
    np.testing.assert_array_equal(hv.data, torch_hv.numpy())


def test_norm_gradient_at_zero_matches_torch():
    values = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    x = ag.Tensor(values, requires_grad=True, dtype=np.float64)
    ag.norm(x, axis=1).sum().backward()
    t = torch.tensor(values, requires_grad=True)
    torch.linalg.norm(t, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-15)


def test_argmax_argmin_and_sign_match_torch_on_ties():
    values = np.array([[1.0, 3.0, 3.0, -1.0], [0.0, -2.0, 0.0, -2.0]])
    t = torch.tensor(values)
    for axis in (0, 1):
        np.testing.assert_array_equal(ag.argmax(values, dim=axis).data, torch.argmax(t, dim=axis).numpy())
        np.testing.assert_array_equal(ag.argmin(values, dim=axis).data, torch.argmin(t, dim=axis).numpy())
    np.testing.assert_array_equal(ag.sign(values).data, torch.sign(t).numpy())
