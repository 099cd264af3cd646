"""PyTorch as an oracle where its rule equals Keras's: same trajectories on the quadratic.

The forms differ only by where epsilon goes (and SGD's velocity sign), so the comparisons use
epsilon = 0 and Nadam's momentum_decay = 1 (Keras's 0.96**t schedule). Skipped without torch.
"""
import numpy as np
import pytest

import autograd as ag
import optim

torch = pytest.importorskip("torch")

A = np.array([1.0, 3.0, 0.5, 2.0])
W0 = np.array([1.0, -2.0, 0.5, 3.0])
STEPS = 5


def run_ours(make_optimizer, **kwargs):
    """`make_optimizer` is a class (called as ``cls([w], **kwargs)``) or a function of the params."""
    w = ag.Tensor(W0.copy(), requires_grad=True, dtype=np.float64)
    opt = make_optimizer([w], **kwargs)
    trajectory = []
    for _ in range(STEPS):
        w.grad = ag.Tensor(A * w.data, dtype=np.float64)
        opt.step()
        trajectory.append(w.data.copy())
    return np.array(trajectory)


def run_torch(make_optimizer):
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([w])
    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        (0.5 * (torch.tensor(A) * w * w).sum()).backward()
        opt.step()
        trajectory.append(w.detach().numpy().copy())
    return np.array(trajectory)


CASES = [
    (optim.SGD, {"learning_rate": 0.1}, lambda p: torch.optim.SGD(p, lr=0.1)),
    (optim.SGD, {"learning_rate": 0.1, "momentum": 0.9},
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    (optim.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    (optim.Adam, {"learning_rate": 0.1, "epsilon": 0.0},
     lambda p: torch.optim.Adam(p, lr=0.1, eps=0.0)),
    (optim.Adam, {"learning_rate": 0.3, "epsilon": 0.0, "amsgrad": True},
     lambda p: torch.optim.Adam(p, lr=0.3, eps=0.0, amsgrad=True)),
    (optim.AdamW, {"learning_rate": 0.1, "epsilon": 0.0, "weight_decay": 0.3},
     lambda p: torch.optim.AdamW(p, lr=0.1, eps=0.0, weight_decay=0.3)),
    (optim.Adamax, {"learning_rate": 0.1, "epsilon": 0.0},
     lambda p: torch.optim.Adamax(p, lr=0.1, eps=0.0)),
    (optim.Nadam, {"learning_rate": 0.1, "epsilon": 0.0},
     lambda p: torch.optim.NAdam(p, lr=0.1, eps=0.0, momentum_decay=1.0)),
    (optim.RMSprop, {"learning_rate": 0.05, "epsilon": 0.0, "momentum": 0.9, "centered": True},
     lambda p: torch.optim.RMSprop(p, lr=0.05, alpha=0.9, eps=0.0, momentum=0.9, centered=True)),
    (optim.Adagrad, {"learning_rate": 0.5, "epsilon": 0.0},
     lambda p: torch.optim.Adagrad(p, lr=0.5, initial_accumulator_value=0.1, eps=0.0)),
]


@pytest.mark.parametrize("optimizer_cls, kwargs, make_torch", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_matches_pytorch(optimizer_cls, kwargs, make_torch):
    # PyTorch keeps NAdam's momentum product as a float32 scalar tensor: agreement to ~1e-9 there.
    rtol = 1e-7 if optimizer_cls is optim.Nadam else 1e-10
    np.testing.assert_allclose(run_ours(optimizer_cls, **kwargs), run_torch(make_torch),
                               rtol=rtol, atol=1e-12)


# A PyTorch line ported by text substitution (``torch.optim.`` -> ``optim.``): positional lr and
# momentum, and PyTorch's spellings lr / betas / eps, mean what they mean in PyTorch.
PORTED = [
    (lambda p: optim.SGD(p, 0.1, 0.9), lambda p: torch.optim.SGD(p, 0.1, 0.9)),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=0.2), lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.2)),
    (lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=0.0),
     lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=0.0)),
    (lambda p: optim.AdamW(p, lr=0.1, betas=(0.8, 0.99), eps=0.0, weight_decay=0.3),
     lambda p: torch.optim.AdamW(p, lr=0.1, betas=(0.8, 0.99), eps=0.0, weight_decay=0.3)),
    (lambda p: optim.Adamax(p, lr=0.1, betas=(0.8, 0.99), eps=0.0),
     lambda p: torch.optim.Adamax(p, lr=0.1, betas=(0.8, 0.99), eps=0.0)),
    (lambda p: optim.Adagrad(p, lr=0.5, initial_accumulator_value=0.1, eps=0.0),
     lambda p: torch.optim.Adagrad(p, lr=0.5, initial_accumulator_value=0.1, eps=0.0)),
]


@pytest.mark.parametrize("make_ours, make_torch", PORTED, ids=[f"ported-{i}" for i in range(len(PORTED))])
def test_a_pytorch_constructor_line_ports_unchanged(make_ours, make_torch):
    np.testing.assert_allclose(run_ours(make_ours), run_torch(make_torch), rtol=1e-10, atol=1e-12)
