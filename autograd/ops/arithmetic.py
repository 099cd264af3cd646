"""+ - * / ** and negation. Each backward is the textbook derivative, un-broadcast to the input."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.function import Function
from autograd.ops._common import broadcast_shapes, lift_pair, namespace, unbroadcast
from autograd.tensor import Tensor


class _Binary(Function):
    """Runs `ufunc`; a broadcasting mismatch becomes an error naming the op and both shapes."""

    ufunc: np.ufunc

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            return self.ufunc(a, b)
        except ValueError:
            broadcast_shapes(self.symbol, a.shape, b.shape)
            raise


class Add(_Binary):
    name = "add"
    symbol = "+"
    derivatives = ("1", "1")
    ufunc = np.add

    def backward(self, grad, out):
        a, b = self.parents
        return (unbroadcast(grad, a.shape) if a.requires_grad else None,
                unbroadcast(grad, b.shape) if b.requires_grad else None)


class Sub(_Binary):
    name = "sub"
    symbol = "-"
    derivatives = ("1", "-1")
    ufunc = np.subtract

    def backward(self, grad, out):
        a, b = self.parents
        return (unbroadcast(grad, a.shape) if a.requires_grad else None,
                unbroadcast(-grad, b.shape) if b.requires_grad else None)


class Mul(_Binary):
    """d(ab)/da = b, d(ab)/db = a."""

    name = "mul"
    symbol = "*"
    derivatives = ("{1}", "{0}")
    ufunc = np.multiply

    def backward(self, grad, out):
        a, b = self.inputs(grad)
        need_a, need_b = self.needs_input_grad
        return (unbroadcast(grad * b, a.shape) if need_a else None,
                unbroadcast(grad * a, b.shape) if need_b else None)


class Div(_Binary):
    """d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b."""

    name = "div"
    symbol = "/"
    derivatives = ("1/{1}", "-{0}/{1}²")
    ufunc = np.divide

    def backward(self, grad, out):
        a, b = self.inputs(grad)
        need_a, need_b = self.needs_input_grad
        return (unbroadcast(grad / b, a.shape) if need_a else None,
                unbroadcast(-grad * out / b, b.shape) if need_b else None)


class Power(_Binary):
    """d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a (taken as 0 where a <= 0)."""

    name = "power"
    symbol = "**"
    derivatives = ("{1}·{0}^({1}-1)", "{0}^{1}·ln {0}")
    ufunc = np.power

    def backward(self, grad, out):
        a, b = self.inputs(grad)
        need_a, need_b = self.needs_input_grad
        grad_a = unbroadcast(grad * b * a ** (b - 1), a.shape) if need_a else None
        grad_b = None
        if need_b:
            xp = namespace(grad)
            safe_log = xp.log(xp.where(self.parents[0].data > 0, a, 1.0))
            grad_b = unbroadcast(grad * out * safe_log, b.shape)
        return grad_a, grad_b


class Neg(Function):
    name = "neg"
    derivatives = ("-1",)

    def forward(self, a):
        return -a

    def backward(self, grad, out):
        return (-grad,)


def add(a: Any, b: Any) -> Tensor:
    """a + b, broadcasting like numpy."""
    return Add.apply(*lift_pair(a, b))


def sub(a: Any, b: Any) -> Tensor:
    """a - b, broadcasting like numpy."""
    return Sub.apply(*lift_pair(a, b))


def mul(a: Any, b: Any) -> Tensor:
    """a * b elementwise, broadcasting like numpy."""
    return Mul.apply(*lift_pair(a, b))


def div(a: Any, b: Any) -> Tensor:
    """a / b elementwise, broadcasting like numpy."""
    return Div.apply(*lift_pair(a, b))


def power(a: Any, b: Any) -> Tensor:
    """a ** b elementwise, broadcasting like numpy."""
    return Power.apply(*lift_pair(a, b))


def neg(a: Tensor) -> Tensor:
    """-a."""
    return Neg.apply(a)
