"""What the layer-family tests share, as fixtures (the importlib import mode lets test files import
nothing from their folder):

- `gradients_match_numerical`: a float64 gradcheck of a layer: d sum(layer(x) * v) / d x and
  / d each trainable weight from the engine, against central differences.
- `matches_keras`: a parity check against real Keras 3 (torch backend): the same weights (ours
  set from Keras's `get_weights()`), the same input and upstream gradient; forward values,
  input gradients and weight gradients must agree. Skipped where keras is not installed.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Optional

import numpy as np
import pytest

import autograd as ag
import nn

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(autouse=True)
def fresh_names_and_seed():
    nn.layers.reset_name_counters()
    nn.utils.set_random_seed(0)


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d loss / d array by central differences, perturbing `array` in place."""
    result = np.zeros(array.shape)
    flat, out = array.reshape(-1), result.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = loss()
        flat[i] = original - eps
        minus = loss()
        flat[i] = original
        out[i] = (plus - minus) / (2 * eps)
    return result


@pytest.fixture
def gradients_match_numerical() -> Callable[..., None]:
    def check(make_layer: Callable[[], Any], x: np.ndarray, training: bool = False, atol: float = 1e-6,
              rtol: float = 1e-5) -> None:
        previous = ag.get_default_dtype()
        ag.set_default_dtype("float64")
        try:
            layer = make_layer()
            inputs = ag.Tensor(np.array(x, dtype=np.float64), requires_grad=True, dtype=np.float64)
            out = layer(inputs, training=training)
            upstream = np.random.default_rng(7).standard_normal(out.shape)
            (out * upstream).sum().backward()

            def loss() -> float:
                with ag.no_grad():
                    return float((layer(inputs, training=training).data * upstream).sum())

            pairs = [("input", inputs)] + [(w.name, w) for w in layer.trainable_weights]
            for name, tensor in pairs:
                np.testing.assert_allclose(tensor.grad.data, numerical_gradient(loss, tensor.data),
                                           atol=atol, rtol=rtol, err_msg=f"gradient of {name}")
        finally:
            ag.set_default_dtype(previous)
    return check


@pytest.fixture
def matches_keras() -> Callable[..., None]:
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    if keras.backend.backend() != "torch":
        pytest.skip("the parity tests run Keras on its torch backend (set KERAS_BACKEND=torch)")

    def check(ours: Any, theirs: Any, x: np.ndarray, training: bool = False, atol: float = 2e-5,
              rtol: float = 1e-4, weights: Optional[list[np.ndarray]] = None) -> None:
        x = np.asarray(x, dtype=np.float32)
        theirs(x)  # builds it
        ours(x)
        if weights is not None:
            theirs.set_weights(weights)
        ours.set_weights(theirs.get_weights())
        assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]

        their_x = torch.tensor(x, requires_grad=True)
        their_out = theirs(their_x, training=training)
        upstream = np.random.default_rng(1).standard_normal(tuple(their_out.shape)).astype(np.float32)
        (their_out * torch.from_numpy(upstream)).sum().backward()
        our_x = ag.Tensor(x, requires_grad=True)
        our_out = ours(our_x, training=training)
        (our_out * upstream).sum().backward()

        scale = max(1.0, float(np.abs(their_out.detach().numpy()).max()))
        np.testing.assert_allclose(our_out.data, their_out.detach().numpy(), rtol=rtol, atol=atol * scale,
                                   err_msg="forward values")
        np.testing.assert_allclose(our_x.grad.data, their_x.grad.numpy(), rtol=rtol, atol=atol * scale,
                                   err_msg="input gradient")
        assert len(ours.trainable_weights) == len(theirs.trainable_weights)
        for mine, their in zip(ours.trainable_weights, theirs.trainable_weights):
            expected = their.value.grad.numpy()
            np.testing.assert_allclose(mine.grad.data, expected, rtol=rtol,
                                       atol=atol * max(1.0, float(np.abs(expected).max())),
                                       err_msg=f"gradient of {mine.name}")
    return check
