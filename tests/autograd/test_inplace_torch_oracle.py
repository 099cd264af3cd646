"""PyTorch as an oracle for in-place updates: values, version counts, and which updates raise.

Two documented differences are left out: assigning to ``.data`` bumps our version (torch's
``.data`` has its own counter), and we refuse an in-place op on a tensor inside the graph where
torch records it. Skipped without torch.
"""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

UPDATES = {
    "+=": lambda t, lib: t.__iadd__(1.5),
    "-=": lambda t, lib: t.__isub__(lib.tensor([0.5, 1.0, -2.0], dtype=lib.float64)),
    "*=": lambda t, lib: t.__imul__(2.0),
    "/=": lambda t, lib: t.__itruediv__(4.0),
    "add_": lambda t, lib: t.add_(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), alpha=-0.5),
    "sub_": lambda t, lib: t.sub_(1.0),
    "mul_": lambda t, lib: t.mul_(lib.tensor([1.0, -1.0, 2.0], dtype=lib.float64)),
    "div_": lambda t, lib: t.div_(lib.tensor([2.0, 4.0, 8.0], dtype=lib.float64)),
    "clamp_": lambda t, lib: t.clamp_(min=-0.25, max=0.5),
    "fill_": lambda t, lib: t.fill_(3.0),
    "copy_": lambda t, lib: t.copy_(lib.tensor([7.0, 8.0, 9.0], dtype=lib.float64)),
    "zero_": lambda t, lib: t.zero_(),
}


class AutogradLib:
    float64 = np.float64

    @staticmethod
    def tensor(values, dtype, requires_grad=False):
        return ag.Tensor(values, dtype=dtype, requires_grad=requires_grad)


def test_a_sequence_of_updates_gives_torchs_values_and_version_counts():
    ours = AutogradLib.tensor([1.0, -2.0, 3.0], np.float64)
    theirs = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    for name, update in UPDATES.items():
        assert update(ours, AutogradLib) is ours and update(theirs, torch) is theirs, name
        np.testing.assert_allclose(ours.data, theirs.numpy(), err_msg=name)
        assert ours._version == theirs._version, name


@pytest.mark.parametrize("name", ["+=", "mul_", "zero_", "uniform_"])
def test_a_leaf_that_requires_grad_changes_only_under_no_grad_in_both(name):
    update = UPDATES.get(name, lambda t, lib: t.uniform_())
    ours = AutogradLib.tensor([1.0, 2.0, 3.0], np.float64, requires_grad=True)
    theirs = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        update(ours, AutogradLib)
    with pytest.raises(RuntimeError, match="leaf"):
        update(theirs, torch)
    with ag.no_grad():
        update(ours, AutogradLib)
    with torch.no_grad():
        update(theirs, torch)
    assert ours.requires_grad and theirs.requires_grad and ours._version == theirs._version == 1


@pytest.mark.parametrize("program", [
    "tanh_output", "exp_output", "mul_input", "div_inputs", "sigmoid_output"])
def test_changing_a_saved_tensor_before_backward_raises_in_both(program):
    def run(lib, no_grad, make):
        w = make([0.5, -1.0, 2.0], requires_grad=True)
        x = make([1.0, 2.0, 3.0])
        if program == "tanh_output":
            y = lib.tanh(w)
            changed = y
        elif program == "exp_output":
            y = lib.exp(w)
            changed = y
        elif program == "sigmoid_output":
            y = lib.sigmoid(w)
            changed = y
        elif program == "mul_input":
            y = w * x
            changed = x
        else:
            y = w / x
            changed = x
        with no_grad():
            changed *= 2.0
        y.sum().backward()

    def torch_tensor(values, requires_grad=False):
        return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)

    def our_tensor(values, requires_grad=False):
        return ag.Tensor(values, dtype=np.float64, requires_grad=requires_grad)

    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(torch, torch.no_grad, torch_tensor)
    with pytest.raises(RuntimeError, match="modified in place"):
        run(ag, ag.no_grad, our_tensor)


def test_manual_sgd_follows_torchs_trajectory():
    rng = np.random.default_rng(0)
    x_values, y_values = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    w0 = rng.normal(size=(3, 1))

    ours_w = ag.Tensor(w0, dtype=np.float64, requires_grad=True)
    theirs_w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    ours_x, ours_y = ag.Tensor(x_values, dtype=np.float64), ag.Tensor(y_values, dtype=np.float64)
    theirs_x, theirs_y = torch.tensor(x_values), torch.tensor(y_values)
    for _ in range(5):
        ((ours_x @ ours_w - ours_y) ** 2).mean().backward()
        ((theirs_x @ theirs_w - theirs_y) ** 2).mean().backward()
        with ag.no_grad():
            ours_w -= 0.1 * ours_w.grad
            ours_w.grad.zero_()
        with torch.no_grad():
            theirs_w -= 0.1 * theirs_w.grad
            theirs_w.grad.zero_()
        np.testing.assert_allclose(ours_w.data, theirs_w.detach().numpy(), rtol=1e-12)
    assert ours_w._version == theirs_w._version
