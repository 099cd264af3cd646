"""clone: a copy with its own memory, recorded, so the copy's gradient flows back to the source."""
from __future__ import annotations

from autograd.function import Function
from autograd.ops._common import lift
from autograd.tensor import Tensor


class Clone(Function):
    """out = a, in new memory; d out / d a = 1 (the gradient passes through unchanged)."""

    name = "clone"
    derivatives = ("1",)

    def forward(self, a):
        return a.copy()

    def backward(self, grad, out):
        return (grad,)


def clone(a: Tensor) -> Tensor:
    """A copy of `a` with its own memory: changing one in place leaves the other alone.
    Recorded, so gradients reach `a` (``a.detach()`` shares memory and records nothing)."""
    return Clone.apply(lift(a))
