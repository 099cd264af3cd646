"""Loops learners copy from micrograd, PyTorch tutorials and makemore run here as written."""
import numpy as np

import autograd as ag


def test_micrograd_update_loop():
    """micrograd's `p.data -= lr * p.grad` on a neuron fitting y = 2x - 1."""
    xs = np.linspace(-1, 1, 16)
    ys = 2 * xs - 1
    w = ag.Tensor(0.0, requires_grad=True)
    b = ag.Tensor(0.0, requires_grad=True)
    params = [w, b]
    losses = []
    for _ in range(60):
        loss = ((w * ag.Tensor(xs) + b - ag.Tensor(ys)) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= 0.2 * p.grad
        losses.append(loss.item())
    assert isinstance(w.data, np.ndarray) and w.requires_grad
    assert losses[-1] < 1e-3 < losses[0]
    np.testing.assert_allclose([w.item(), b.item()], [2.0, -1.0], atol=0.05)


def test_pytorch_tutorial_manual_sgd_loop():
    """The "Learning PyTorch with Examples" loop: update under no_grad, then zero the grads."""
    rng = np.random.default_rng(0)
    x = ag.linspace(-np.pi, np.pi, 2000)
    y = ag.sin(x)
    a, b, c, d = (ag.Tensor(rng.normal(), requires_grad=True) for _ in range(4))
    learning_rate = 1e-6
    losses = []
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with ag.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad.zero_()
            d.grad.zero_()
    assert a.requires_grad and a.is_leaf
    assert losses[-1] < 50 < losses[0]  # the cubic comes to fit sin on [-pi, pi]


def test_makemore_bigram_model():
    """makemore part 1: a 27x27 weight matrix trained on bigrams by W.data += -50 * W.grad."""
    rng = np.random.default_rng(0)
    xs = ag.Tensor(rng.integers(0, 27, 300))
    ys = ag.Tensor((xs.data * 7 + 3) % 27)  # a deterministic "next character"
    num = xs.size
    ag.manual_seed(2147483647)
    W = ag.randn(27, 27, requires_grad=True)
    losses = []
    for _ in range(40):
        xenc = ag.one_hot(xs, num_classes=27)
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[ag.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 2
