"""PyTorch as an oracle for linear algebra and the function transforms: einsum, tensordot,
outer, inv, det and solve in value, gradient and Hessian-vector product, and jacobian, hessian,
jvp, vjp and hvp against torch.func / torch.autograd.functional (float64). Skipped without torch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

torch = pytest.importorskip("torch")
# torch.func's first use scripts a helper with torch.jit, which torch itself now deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


def matrices(data, shape):
    return data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1)))


def well_conditioned(data, shape):
    return matrices(data, shape) * 0.4 + 3 * np.eye(shape[-1])


# each program: (lib name -> callable), run on (module, *tensors) where module is ag or torch
PROGRAMS = {
    "einsum_chain": (lambda lib, a, b, c: lib.einsum("ij,jk,kl->il", a, b, c).tanh().sum(),
                     lambda d: [matrices(d, (2, 3)), matrices(d, (3, 4)), matrices(d, (4, 2))]),
    "einsum_diagonal_and_ellipsis": (
        lambda lib, a, b: (lib.einsum("...ii->...i", a) * lib.einsum("bij->b", b)[:, None]).tanh().sum(),
        lambda d: [matrices(d, (2, 3, 3)), matrices(d, (2, 2, 3))]),
    "tensordot_outer": (lambda lib, a, b, c: (lib.tensordot(a, b, ([0, 2], [1, 0])).tanh()
                                              * lib.outer(c, c)).sum(),
                        lambda d: [matrices(d, (2, 3, 4)), matrices(d, (4, 2, 3)), matrices(d, (3,))]),
    "inv_det_solve": (lambda lib, a, b: (lib.det(a) * lib.inv(a).sum() + lib.solve(a, b).tanh().sum()),
                      lambda d: [well_conditioned(d, (3, 3)), matrices(d, (3, 2))]),
    "batched_det_solve": (lambda lib, a, b: (lib.det(a).sum() + (lib.solve(a, b) ** 2).sum()),
                          lambda d: [well_conditioned(d, (2, 3, 3)), matrices(d, (2, 3, 2))]),
}


class TorchLib:
    einsum, tensordot, outer = torch.einsum, torch.tensordot, torch.outer
    det, inv, solve = torch.linalg.det, torch.linalg.inv, torch.linalg.solve


@pytest.mark.parametrize("name", PROGRAMS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_linear_algebra_matches_torch_to_second_order(name, data):
    program, draw = PROGRAMS[name]
    arrays = draw(data)
    directions = [np.random.default_rng(i).standard_normal(a.shape) for i, a in enumerate(arrays)]
    leaves = [ag.Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    torch_leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss, torch_loss = program(ag, *leaves), program(TorchLib, *torch_leaves)
    np.testing.assert_allclose(loss.item(), torch_loss.item(), rtol=1e-10, atol=1e-12)  # sums may cancel to ~0
    grads = ag.grad(loss, leaves, create_graph=True)
    torch_grads = torch.autograd.grad(torch_loss, torch_leaves, create_graph=True)
    for ours, theirs in zip(grads, torch_grads):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-8, atol=1e-10)
    hv = ag.grad(sum((g * d).sum() for g, d in zip(grads, directions)), leaves)
    torch_directional = sum((g * torch.as_tensor(d)).sum() for g, d in zip(torch_grads, directions))
    torch_hv = torch.autograd.grad(torch_directional, torch_leaves)
    for ours, theirs in zip(hv, torch_hv):
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-7, atol=1e-9)


# ---- function transforms -----------------------------------------------------------------------
def field(lib, x, y):
    return (lib.tanh(x) * (y * y).sum(), (x ** 3).sum() * y)


def scalar_field(lib, x, y):
    return lib.tanh(x * y.sum()).sum() + (x ** 4).sum() * y[0]


@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_transforms_match_torch_func(data):
    x, y = matrices(data, (3,)), matrices(data, (2,))
    vx, vy = matrices(data, (3,)), matrices(data, (2,))
    w = (matrices(data, (3,)), matrices(data, (2,)))
    ours_leaves = (ag.Tensor(x, dtype=np.float64), ag.Tensor(y, dtype=np.float64))
    theirs_leaves = (torch.tensor(x), torch.tensor(y))
    tangents, torch_tangents = (vx, vy), (torch.tensor(vx), torch.tensor(vy))

    def close(ours, theirs):
        if isinstance(ours, tuple):
            for o, t in zip(ours, theirs):
                close(o, t)
        else:
            np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-8, atol=1e-10)

    close(ag.jacobian(lambda a, b: field(ag, a, b), ours_leaves),
          torch.autograd.functional.jacobian(lambda a, b: field(torch, a, b), theirs_leaves))
    close(ag.hessian(lambda a, b: scalar_field(ag, a, b), ours_leaves),
          torch.autograd.functional.hessian(lambda a, b: scalar_field(torch, a, b), theirs_leaves))
    close(ag.jvp(lambda a, b: field(ag, a, b), ours_leaves, tangents),
          torch.func.jvp(lambda a, b: field(torch, a, b), theirs_leaves, torch_tangents))
    close(ag.vjp(lambda a, b: field(ag, a, b), ours_leaves, w),
          torch.autograd.functional.vjp(lambda a, b: field(torch, a, b), theirs_leaves,
                                        tuple(torch.tensor(c) for c in w)))
    close(ag.hvp(lambda a, b: scalar_field(ag, a, b), ours_leaves, tangents),
          torch.autograd.functional.hvp(lambda a, b: scalar_field(torch, a, b), theirs_leaves,
                                        torch_tangents))
