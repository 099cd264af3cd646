"""Activation functions, Keras's names and defaults, built only from autograd ops.

Each takes and returns an `ag.Tensor`; gradients come from the engine. Strings resolve with
`get("relu")`, and `serialize(fn)` gives back the name, so a model's config is plain JSON.
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Union

import autograd as ag
from nn.utils import lookup, type_name

Activation = Callable[[ag.Tensor], ag.Tensor]

# Abramowitz & Stegun 7.1.26: erfc(z) ~ t (a1 + t (a2 + ... + t a5)) e^(-z^2), t = 1 / (1 + p z),
# for z >= 0, absolute error below 1.5e-7 (the engine has no erf primitive).
_ERFC_P = 0.3275911
_ERFC_COEFFICIENTS = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def linear(x: ag.Tensor) -> ag.Tensor:
    """x, unchanged (the identity)."""
    return x


def relu(x: ag.Tensor, negative_slope: float = 0.0, max_value: Optional[float] = None,
         threshold: float = 0.0) -> ag.Tensor:
    """max(x, 0) with Keras's defaults; in general

        x clipped to [0, max_value]               for x > threshold,
        negative_slope * (x - threshold)          otherwise.
    """
    if max_value is None and threshold == 0:
        return ag.relu(x) if negative_slope == 0 else ag.leaky_relu(x, negative_slope)
    above = ag.relu(x) if threshold == 0 else ag.where(x > threshold, x, 0.0)
    if max_value is not None:
        above = ag.clip(above, 0.0, max_value)
    return above if negative_slope == 0 else above - negative_slope * ag.relu(threshold - x)


def relu6(x: ag.Tensor) -> ag.Tensor:
    """min(max(x, 0), 6)."""
    return ag.clip(x, 0.0, 6.0)


def leaky_relu(x: ag.Tensor, negative_slope: float = 0.2) -> ag.Tensor:
    """x for x > 0, negative_slope * x otherwise (Keras's default slope is 0.2)."""
    return ag.leaky_relu(x, negative_slope)


def elu(x: ag.Tensor, alpha: float = 1.0) -> ag.Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise.

    The exponential sees min(x, 0), so large positive x cannot overflow into a NaN gradient.
    """
    negative_part = alpha * (ag.exp(ag.clip(x, None, 0.0)) - 1.0)
    return ag.where(x > 0, x, negative_part)


def selu(x: ag.Tensor) -> ag.Tensor:
    """scale * elu(x, alpha) with Klambauer et al.'s self-normalising constants."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def sigmoid(x: ag.Tensor) -> ag.Tensor:
    """1 / (1 + e^-x)."""
    return ag.sigmoid(x)


def hard_sigmoid(x: ag.Tensor) -> ag.Tensor:
    """relu6(x + 3) / 6: a piecewise-linear sigmoid."""
    return relu6(x + 3.0) / 6.0


def tanh(x: ag.Tensor) -> ag.Tensor:
    """(e^x - e^-x) / (e^x + e^-x)."""
    return ag.tanh(x)


def softmax(x: ag.Tensor, axis: int = -1) -> ag.Tensor:
    """e^x / sum(e^x) along `axis`."""
    return ag.softmax(x, axis)


def log_softmax(x: ag.Tensor, axis: int = -1) -> ag.Tensor:
    """x - logsumexp(x) along `axis`."""
    return ag.log_softmax(x, axis)


def softplus(x: ag.Tensor) -> ag.Tensor:
    """log(1 + e^x), computed as relu(x) + log(1 + e^-|x|) so it never overflows."""
    return ag.relu(x) + ag.log(1.0 + ag.exp(-ag.abs(x)))


def softsign(x: ag.Tensor) -> ag.Tensor:
    """x / (|x| + 1)."""
    return x / (ag.abs(x) + 1.0)


def silu(x: ag.Tensor) -> ag.Tensor:
    """x * sigmoid(x), also called swish."""
    return x * ag.sigmoid(x)


def hard_silu(x: ag.Tensor) -> ag.Tensor:
    """x * hard_sigmoid(x), also called hard_swish."""
    return x * hard_sigmoid(x)


def mish(x: ag.Tensor) -> ag.Tensor:
    """x * tanh(softplus(x))."""
    return x * ag.tanh(softplus(x))


def exponential(x: ag.Tensor) -> ag.Tensor:
    """e^x."""
    return ag.exp(x)


def _standard_normal_cdf(x: ag.Tensor) -> ag.Tensor:
    """Phi(x) = erfc(-x / sqrt 2) / 2, with erfc from Abramowitz & Stegun 7.1.26 (error < 1.5e-7).

    The polynomial holds for z >= 0, so it is evaluated at z = |x| / sqrt 2 and reflected:
    Phi(x) = 1 - erfc(z) / 2 for x >= 0, erfc(z) / 2 for x < 0.
    """
    z = ag.abs(x) * (1.0 / math.sqrt(2.0))
    t = 1.0 / (1.0 + _ERFC_P * z)
    polynomial = _ERFC_COEFFICIENTS[-1]
    for coefficient in reversed(_ERFC_COEFFICIENTS[:-1]):
        polynomial = coefficient + t * polynomial
    half_erfc = 0.5 * t * polynomial * ag.exp(-(z * z))
    return ag.where(x >= 0, 1.0 - half_erfc, half_erfc)


def gelu(x: ag.Tensor, approximate: bool = False) -> ag.Tensor:
    """x * Phi(x), Phi the standard normal CDF (Keras's default, approximate=False).

    approximate=True uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The exact form
    evaluates erf by a rational approximation accurate to 1.5e-7.
    """
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1.0 + ag.tanh(inner))
    return x * _standard_normal_cdf(x)


# Keras's names, with its aliases. Each function appears under its own __name__ first.
_REGISTRY: dict[str, Activation] = {
    fn.__name__: fn for fn in (
        linear, relu, relu6, leaky_relu, elu, selu, sigmoid, hard_sigmoid, tanh, softmax,
        log_softmax, softplus, softsign, silu, hard_silu, mish, exponential, gelu)
}
_REGISTRY["swish"] = silu
_REGISTRY["hard_swish"] = hard_silu


def get(identifier: Union[str, Activation, None]) -> Activation:
    """The activation for a name ("relu", case-insensitive), a callable (as is), or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return lookup(_REGISTRY, identifier, "activation")
    if callable(identifier):
        return identifier
    raise TypeError(f"an activation must be a name such as 'relu', a callable or None, "
                    f"got {type_name(identifier)}.")


def serialize(activation: Optional[Activation]) -> str:
    """The registered name of `activation` (e.g. "relu"), so `get(serialize(f)) is f`."""
    activation = get(activation)
    for name, fn in _REGISTRY.items():
        if fn is activation:
            return name
    raise ValueError(
        f"cannot serialize the custom activation {getattr(activation, '__name__', activation)!r}: "
        f"only built-in activations have names that a saved config can restore "
        f"({', '.join(sorted(_REGISTRY))}).")
