"""What the layer tests share, as fixtures (the importlib import mode lets test files import
nothing from their folder):

- `gradcheck_layer`, `gradients_match_numerical`: float64 gradchecks through a layer's inputs
  and weights against central differences (the sequence and the other layer families wrote one
  each; both check the same thing).
- `same_as_keras`, `matches_keras`: parity with real Keras 3 (torch backend): the same weights
  (ours set from Keras's `get_weights()`), the same input and upstream gradient; forward values,
  input gradients and weight gradients must agree. Skipped where keras is not installed.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Optional, Sequence

import numpy as np
import pytest

import autograd as ag
import nn

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras


@pytest.fixture
def float64():
    """Layers built inside the test make float64 weights (what gradcheck needs)."""
    ag.set_default_dtype("float64")
    yield
    ag.set_default_dtype("float32")


@pytest.fixture
def gradcheck_layer(float64) -> Callable[..., bool]:
    """gradcheck(call, weights, *inputs): ag.gradcheck of ``call(*inputs)`` through the inputs and
    the weights named by (owner, attribute) pairs; the layer must be built (float64) already.
    Several outputs (return_state) are checked together, joined along the last axis."""
    def check(call: Callable[..., Any], weights: Sequence[tuple[Any, str]], *inputs: np.ndarray) -> bool:
        values = [getattr(owner, name) for owner, name in weights]

        def through(*leaves: ag.Tensor) -> ag.Tensor:
            for (owner, name), leaf in zip(weights, leaves[len(inputs):]):
                setattr(owner, name, leaf)
            out = call(*leaves[:len(inputs)])
            parts = list(out) if isinstance(out, (list, tuple)) else [out]
            return ag.concatenate([part.reshape((part.shape[0], -1)) for part in parts], axis=1)

        try:
            return ag.gradcheck(through, *inputs, *values)
        finally:
            for (owner, name), value in zip(weights, values):
                setattr(owner, name, value)
    return check


def _chain(layers: Sequence[Any], args: Sequence[Any], kwargs: dict) -> Any:
    """Apply the layers in turn (the first to `args`); `kwargs` go to the last."""
    out = layers[0](*args, **(kwargs if len(layers) == 1 else {}))
    for position, layer in enumerate(layers[1:], start=2):
        out = layer(out, **(kwargs if position == len(layers) else {}))
    return out


def _flat(outputs: Any) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.fixture
def same_as_keras() -> Callable[..., list[np.ndarray]]:
    """check(ours, theirs, args, **call_kwargs): our layer (or chain of layers) and Keras's, given
    Keras's weights, agree on every output and on the gradients of sum(output * r) (fixed random
    r) with respect to the float inputs and every trainable weight. Returns our outputs.

    `args` are the positional inputs: arrays, or lists of arrays (Attention's [query, value]).
    Tolerances: `rtol`/`atol` for values, `grad_rtol`/`grad_atol` for gradients (float32)."""
    pytest.importorskip("keras")
    torch = pytest.importorskip("torch")

    def check(ours: Any, theirs: Any, args: Sequence[Any], rtol: float = 1e-5, atol: float = 1e-5,
              grad_rtol: float = 1e-4, grad_atol: float = 1e-5, **call_kwargs: Any) -> list[np.ndarray]:
        ours, theirs = _flat(ours), _flat(theirs)
        leaves: dict[str, list] = {"ours": [], "theirs": []}

        def convert(value: Any, side: str) -> Any:
            if isinstance(value, list):
                return [convert(v, side) for v in value]
            array = np.asarray(value)
            if array.dtype.kind != "f":
                return array
            leaf = (ag.Tensor(array, requires_grad=True) if side == "ours"
                    else torch.tensor(array, requires_grad=True))
            leaves[side].append(leaf)
            return leaf

        their_outputs = _flat(_chain(theirs, [convert(a, "theirs") for a in args], call_kwargs))
        _chain(ours, [convert(a, "ours") for a in args], call_kwargs)  # builds our layers
        for mine, keras_layer in zip(ours, theirs):
            mine.set_weights(keras_layer.get_weights())
        leaves["ours"].clear()
        our_outputs = _flat(_chain(ours, [convert(a, "ours") for a in args], call_kwargs))

        assert len(our_outputs) == len(their_outputs)
        rng = np.random.default_rng(0)
        upstreams = [rng.standard_normal(tuple(o.shape)).astype(np.float32) for o in their_outputs]
        for mine, reference in zip(our_outputs, their_outputs):
            np.testing.assert_allclose(mine.data, reference.detach().numpy(), rtol=rtol, atol=atol)

        sum(ag.sum(o * r) for o, r in zip(our_outputs, upstreams)).backward()
        sum((o * torch.from_numpy(r)).sum() for o, r in zip(their_outputs, upstreams)).backward()
        pairs = list(zip(leaves["ours"], leaves["theirs"]))
        for mine, keras_layer in zip(ours, theirs):
            assert len(mine.trainable_weights) == len(keras_layer.trainable_weights)
            pairs += [(w, v.value) for w, v in zip(mine.trainable_weights, keras_layer.trainable_weights)]
        for mine, reference in pairs:
            expected = np.zeros(reference.shape) if reference.grad is None else reference.grad.numpy()
            got = np.zeros(mine.shape) if mine.grad is None else mine.grad.data
            np.testing.assert_allclose(got, expected, rtol=grad_rtol, atol=grad_atol)
        return [o.data for o in our_outputs]
    return check


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
