"""Keras's neural-network ops: activations, one-hot encoding and moments, on autograd Tensors.

The activations are `nn.activations`' (one home for each formula); only the arguments follow
``keras.ops`` (``gelu`` defaults to the tanh approximation here, as ``keras.ops.gelu`` does).
"""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

import autograd as ag
from nn import activations
from nn.ops.core import convert_to_tensor


def relu(x: Any) -> ag.Tensor:
    """max(x, 0)."""
    return activations.relu(convert_to_tensor(x))


def relu6(x: Any) -> ag.Tensor:
    """min(max(x, 0), 6)."""
    return activations.relu6(convert_to_tensor(x))


def sigmoid(x: Any) -> ag.Tensor:
    """1 / (1 + exp(-x))."""
    return activations.sigmoid(convert_to_tensor(x))


def softplus(x: Any) -> ag.Tensor:
    """log(1 + exp(x))."""
    return activations.softplus(convert_to_tensor(x))


def softsign(x: Any) -> ag.Tensor:
    """x / (1 + |x|)."""
    return activations.softsign(convert_to_tensor(x))


def silu(x: Any) -> ag.Tensor:
    """x * sigmoid(x)."""
    return activations.silu(convert_to_tensor(x))


def swish(x: Any) -> ag.Tensor:
    """x * sigmoid(x) (silu's other name)."""
    return activations.silu(convert_to_tensor(x))


def gelu(x: Any, approximate: bool = True) -> ag.Tensor:
    """x * Phi(x), with Phi the standard normal CDF; `approximate` uses the tanh formula."""
    return activations.gelu(convert_to_tensor(x), approximate=approximate)


def elu(x: Any, alpha: float = 1.0) -> ag.Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return activations.elu(convert_to_tensor(x), alpha=alpha)


def selu(x: Any) -> ag.Tensor:
    """scale * elu(x, alpha) with the self-normalizing constants."""
    return activations.selu(convert_to_tensor(x))


def hard_sigmoid(x: Any) -> ag.Tensor:
    """clip(x / 6 + 1 / 2, 0, 1)."""
    return activations.hard_sigmoid(convert_to_tensor(x))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> ag.Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return activations.leaky_relu(convert_to_tensor(x), negative_slope=negative_slope)


def softmax(x: Any, axis: int = -1) -> ag.Tensor:
    """exp(x) / sum(exp(x)) along `axis`."""
    return activations.softmax(convert_to_tensor(x), axis=axis)


def log_softmax(x: Any, axis: int = -1) -> ag.Tensor:
    """x - logsumexp(x) along `axis`."""
    return activations.log_softmax(convert_to_tensor(x), axis=axis)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> ag.Tensor:
    """Integer labels `x` as rows of zeros with a 1 at each label, the class axis at `axis`."""
    if sparse:
        raise ValueError("ops.one_hot: chainrule has dense tensors only; pass sparse=False.")
    labels = np.asarray(x.data if isinstance(x, ag.Tensor) else x)
    encoded = ag.one_hot(labels, num_classes)
    if axis not in (-1, labels.ndim):
        encoded = ag.Tensor(np.moveaxis(encoded.data, -1, axis))
    return ag.astype(encoded, dtype or ag.get_default_dtype())


def moments(x: Any, axes: Union[int, Sequence[int]], keepdims: bool = False, synchronized: bool = False
            ) -> tuple[ag.Tensor, ag.Tensor]:
    """The mean and the variance of `x` over `axes` (synchronized has no meaning on one device)."""
    x = convert_to_tensor(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    return ag.mean(x, axis=axes, keepdims=keepdims), ag.var(x, axis=axes, keepdims=keepdims)


__all__ = ["relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "gelu", "elu", "selu",
           "hard_sigmoid", "leaky_relu", "softmax", "log_softmax", "one_hot", "moments"]
