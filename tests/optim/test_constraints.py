"""Optimizer.set_constraints: w <- constraint(w) after each update, under no_grad, for the
parameters that were updated; the gradients and the update rule are untouched."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim


def leaf(values) -> ag.Tensor:
    return ag.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True, name="w")


def clip_to_half(w: ag.Tensor) -> ag.Tensor:
    return ag.clip(w, -0.5, 0.5)


def test_a_pytorch_style_loop_passes_its_constraints_explicitly():
    w, b = leaf([0.2, -0.4, 0.1]), leaf([0.0])
    opt = optim.SGD([w, b], lr=1.0)
    opt.set_constraints({w: clip_to_half})
    target = np.array([3.0, -3.0, 0.25])
    for _ in range(3):
        opt.zero_grad()
        loss = ag.sum((w - target) ** 2) + ag.sum((b - 5.0) ** 2)
        loss.backward()
        gradient = w.grad.data.copy()
        before = w.data.copy()
        opt.step()
        np.testing.assert_allclose(w.data, np.clip(before - gradient, -0.5, 0.5))
        np.testing.assert_array_equal(w.grad.data, gradient)  # the gradient is left as backward made it
    assert b.data[0] > 0.5  # b has no constraint
    assert w.grad_fn is None and w.requires_grad  # still a leaf: the projection recorded nothing


def test_the_constraint_runs_without_recording_a_graph():
    seen = []

    def spy(w):
        seen.append(ag.is_grad_enabled())
        return w * 1.0

    w = leaf([1.0, 2.0])
    opt = optim.Adam([w], lr=0.1)
    opt.set_constraints({w: spy})
    ag.sum(w * w).backward()
    opt.step()
    assert seen == [False]


def test_a_parameter_without_a_gradient_is_not_constrained():
    w, v = leaf([2.0]), leaf([2.0])
    opt = optim.SGD([w, v], lr=0.1)
    opt.set_constraints({w: clip_to_half, v: clip_to_half})
    ag.sum(w * w).backward()
    opt.step()
    assert w.data[0] == 0.5 and v.data[0] == 2.0  # v had no gradient, so Keras leaves it too


def test_new_constraints_replace_the_old_ones():
    w = leaf([2.0])
    opt = optim.SGD([w], lr=0.1)
    opt.set_constraints({w: clip_to_half})
    opt.set_constraints({})
    ag.sum(w * w).backward()
    opt.step()
    assert w.data[0] == pytest.approx(1.6)


def test_a_constraint_may_return_an_array_and_keeps_the_dtype():
    w = ag.Tensor(np.array([-1.0, 1.0], dtype=np.float32), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    opt.set_constraints({w: lambda t: np.maximum(t.data, 0.0).astype(np.float64)})
    ag.sum(w).backward()
    opt.step()
    assert w.dtype == np.float32 and w.data.tolist() == [0.0, pytest.approx(0.9)]


@pytest.mark.parametrize("constraints, message", [
    ([clip_to_half], "takes a dict {parameter: constraint}"),
    ({"w": clip_to_half}, "the keys are the parameters"),
    ({None: clip_to_half}, "the keys are the parameters"),
])
def test_the_mapping_is_checked(constraints, message):
    with pytest.raises(TypeError, match=message):
        optim.SGD([leaf([1.0])], lr=0.1).set_constraints(constraints)


def test_a_non_callable_constraint_names_the_parameter():
    w = leaf([1.0])
    with pytest.raises(TypeError, match=r"constraint for the parameter 'w' \(shape \(1,\)\) must be callable"):
        optim.SGD([w], lr=0.1).set_constraints({w: 0.5})


def test_a_constraint_that_changes_the_shape_is_refused():
    w = leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    opt.set_constraints({w: lambda t: ag.sum(t)})
    ag.sum(w * w).backward()
    with pytest.raises(ValueError, match=r"turned the parameter 'w' \(shape \(2,\)\) into values of shape \(\)"):
        opt.step()
