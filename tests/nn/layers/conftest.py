"""What the layer tests share, as fixtures (the importlib import mode lets test files import
nothing from their folder):

- `gradcheck_layer`: a float64 gradcheck (ag.gradcheck, central differences) through a layer's
  inputs and the weights it is given.
- `same_as_keras`: parity with real Keras 3 (torch backend): the same weights (ours set from
  Keras's `get_weights()`), the same input and upstream gradient; forward values, input gradients
  and weight gradients must agree. Skipped where keras is not installed.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

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
    Both sides are called once to build, Keras's weights are copied into ours, then both are called
    again from those same weights (so layers whose calls move state, like BatchNormalization in
    training, start the compared call equal). Tolerances: `rtol`/`atol` for values,
    `grad_rtol`/`grad_atol` for gradients (float32)."""
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    if keras.backend.backend() != "torch":
        pytest.skip("the parity tests run Keras on its torch backend (set KERAS_BACKEND=torch)")

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

        _chain(theirs, [convert(a, "theirs") for a in args], call_kwargs)  # builds Keras's layers
        _chain(ours, [convert(a, "ours") for a in args], call_kwargs)  # builds ours
        for mine, keras_layer in zip(ours, theirs):
            mine.set_weights(keras_layer.get_weights())
        leaves["ours"].clear()
        leaves["theirs"].clear()
        their_outputs = _flat(_chain(theirs, [convert(a, "theirs") for a in args], call_kwargs))
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
