"""Small graphs worth looking at, shared by the docs script, the tests and anyone curious."""
from __future__ import annotations

import numpy as np

import autograd as ag


def neuron() -> tuple[ag.Tensor, dict[str, ag.Tensor]]:
    """y = tanh(x1*w1 + x2*w2 + b), the micrograd neuron; returns y and its named leaves.

    Every leaf requires grad and every tensor is named, so a picture shows values and grads
    on every scalar (call ``retain_grad()`` on the intermediates to keep theirs).
    """
    leaves = {name: ag.Tensor(value, requires_grad=True, name=name, dtype="float64")
              for name, value in [("x1", 2.0), ("w1", -3.0), ("x2", 0.0), ("w2", 1.0),
                                  ("b", 6.8813735870195432)]}
    x1w1 = leaves["x1"] * leaves["w1"]
    x1w1.name = "x1*w1"
    x2w2 = leaves["x2"] * leaves["w2"]
    x2w2.name = "x2*w2"
    weighted = x1w1 + x2w2
    weighted.name = "x1*w1 + x2*w2"
    n = weighted + leaves["b"]
    n.name = "n"
    y = n.tanh()
    y.name = "y"
    return y, leaves


def mlp_loss(batch: int = 8, features: int = 4, hidden: int = 5, classes: int = 3,
             seed: int = 0) -> tuple[ag.Tensor, dict[str, ag.Tensor]]:
    """Softmax cross-entropy of a two-layer MLP on random float64 data, with Keras-style names and
    scopes (sequential/dense_1, parameters dense_1/kernel, ...); returns the loss and the
    parameters by name."""
    rng = np.random.default_rng(seed)
    x = ag.Tensor(rng.normal(size=(batch, features)), name="x", dtype="float64")
    labels = rng.integers(0, classes, size=batch)
    params = {}
    h = x
    for layer, (n_in, n_out) in enumerate([(features, hidden), (hidden, classes)], start=1):
        scope = f"dense_{layer}"
        kernel = ag.Tensor(rng.normal(scale=n_in ** -0.5, size=(n_in, n_out)), requires_grad=True,
                           name=f"{scope}/kernel", dtype="float64")
        bias = ag.Tensor(np.zeros(n_out), requires_grad=True, name=f"{scope}/bias", dtype="float64")
        params[kernel.name], params[bias.name] = kernel, bias
        with ag.name_scope("sequential"), ag.name_scope(scope):
            h = ag.linear(h, kernel, bias)
            if layer == 1:
                h = h.relu()
    loss = ag.softmax_cross_entropy(h, labels)
    loss.name = "loss"
    return loss, params
