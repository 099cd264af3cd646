"""Trigonometric and hyperbolic functions: sin cos tan arcsin arccos arctan sinh cosh.

Each is numpy's ufunc forward; each backward is the textbook derivative, written with ops that
arrays and Tensors share so that it can be differentiated again.
"""
from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, namespace
from autograd.tensor import Tensor


class Sin(Function):
    """d sin(a) = cos(a)."""

    name = "sin"
    derivatives = ("cos({0})",)

    def forward(self, a):
        return np.sin(a)

    def backward(self, grad, out):
        return (grad * namespace(grad).cos(self.inputs(grad)[0]),)


class Cos(Function):
    """d cos(a) = -sin(a)."""

    name = "cos"
    derivatives = ("-sin({0})",)

    def forward(self, a):
        return np.cos(a)

    def backward(self, grad, out):
        return (-(grad * namespace(grad).sin(self.inputs(grad)[0])),)


class Tan(Function):
    """d tan(a) = 1 + tan(a)^2 = 1 / cos(a)^2."""

    name = "tan"
    derivatives = ("1 + tan²({0}) = 1 + {out}²",)

    def forward(self, a):
        return np.tan(a)

    def backward(self, grad, out):
        return (grad + grad * out * out,)


class Arcsin(Function):
    """d arcsin(a) = 1 / sqrt(1 - a^2), for -1 < a < 1."""

    name = "arcsin"
    derivatives = ("1/sqrt(1 - {0}²)",)

    def forward(self, a):
        return np.arcsin(a)

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        return (grad / namespace(grad).sqrt(1 - a * a),)


class Arccos(Function):
    """d arccos(a) = -1 / sqrt(1 - a^2), for -1 < a < 1."""

    name = "arccos"
    derivatives = ("-1/sqrt(1 - {0}²)",)

    def forward(self, a):
        return np.arccos(a)

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        return (-grad / namespace(grad).sqrt(1 - a * a),)


class Arctan(Function):
    """d arctan(a) = 1 / (1 + a^2)."""

    name = "arctan"
    derivatives = ("1/(1 + {0}²)",)

    def forward(self, a):
        return np.arctan(a)

    def backward(self, grad, out):
        a = self.inputs(grad)[0]
        return (grad / (1 + a * a),)


class Sinh(Function):
    """d sinh(a) = cosh(a). A primitive: (e^a - e^-a) / 2 loses every digit near 0."""

    name = "sinh"
    derivatives = ("cosh({0})",)

    def forward(self, a):
        return np.sinh(a)

    def backward(self, grad, out):
        return (grad * namespace(grad).cosh(self.inputs(grad)[0]),)


class Cosh(Function):
    """d cosh(a) = sinh(a)."""

    name = "cosh"
    derivatives = ("sinh({0})",)

    def forward(self, a):
        return np.cosh(a)

    def backward(self, grad, out):
        return (grad * namespace(grad).sinh(self.inputs(grad)[0]),)


def sin(a: Tensor) -> Tensor:
    """Sine, `a` in radians."""
    return Sin.apply(lift(a))


def cos(a: Tensor) -> Tensor:
    """Cosine, `a` in radians."""
    return Cos.apply(lift(a))


def tan(a: Tensor) -> Tensor:
    """Tangent, `a` in radians."""
    return Tan.apply(lift(a))


def arcsin(a: Tensor) -> Tensor:
    """Inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1], and the gradient is infinite at +-1."""
    return Arcsin.apply(lift(a))


def arccos(a: Tensor) -> Tensor:
    """Inverse cosine, in [0, pi]; NaN outside [-1, 1], and the gradient is infinite at +-1."""
    return Arccos.apply(lift(a))


def arctan(a: Tensor) -> Tensor:
    """Inverse tangent, in (-pi/2, pi/2)."""
    return Arctan.apply(lift(a))


def sinh(a: Tensor) -> Tensor:
    """Hyperbolic sine (e^a - e^-a) / 2."""
    return Sinh.apply(lift(a))


def cosh(a: Tensor) -> Tensor:
    """Hyperbolic cosine (e^a + e^-a) / 2."""
    return Cosh.apply(lift(a))
