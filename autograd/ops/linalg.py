"""Matrix products: matmul (1-D, 2-D, batched) and the fused dense-layer product x @ W + b."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd.function import Function
from autograd.numeric import matrix_sum
from autograd.ops._common import lift, lift_pair, unbroadcast
from autograd.tensor import Tensor


def _matmul_error(a_shape: tuple, b_shape: tuple) -> ValueError:
    inner_a = a_shape[-1] if a_shape else None
    inner_b = b_shape[-2] if len(b_shape) >= 2 else (b_shape[0] if b_shape else None)
    return ValueError(
        f"matmul: shapes {a_shape} and {b_shape} do not fit: the last dimension of the left "
        f"operand ({inner_a}) must equal the {'second-to-last' if len(b_shape) >= 2 else 'only'} "
        f"dimension of the right operand ({inner_b}). Did you mean to transpose one of them (.T)?")


class MatMul(Function):
    """C = A B; dA = dC B^T, dB = A^T dC (1-D operands are treated as a row / a column)."""

    name = "matmul"
    symbol = "@"
    derivatives = ("grad @ {1}ᵀ", "{0}ᵀ @ grad")

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul needs tensors with at least one dimension, got shapes {a.shape} "
                             f"and {b.shape}; use * to multiply by a scalar.")
        try:
            return np.matmul(a, b)
        except ValueError:
            raise _matmul_error(a.shape, b.shape) from None

    def backward(self, grad, out):
        a, b = self.inputs(grad)
        need_a, need_b = self.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:
            return (grad @ b.T if need_a else None, a.T @ grad if need_b else None)
        a2 = a if a.ndim > 1 else a.reshape((1, a.shape[0]))
        b2 = b if b.ndim > 1 else b.reshape((b.shape[0], 1))
        grad2 = grad.reshape(_unsqueezed(grad.shape, a.ndim, b.ndim))
        grad_a = unbroadcast(grad2 @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape) if need_a else None
        grad_b = unbroadcast(a2.swapaxes(-1, -2) @ grad2, b2.shape).reshape(b.shape) if need_b else None
        return grad_a, grad_b


def _unsqueezed(shape: tuple, a_ndim: int, b_ndim: int) -> tuple:
    """The output shape with the axes numpy dropped for 1-D operands put back."""
    if a_ndim == 1:
        shape = shape[:-1] + (1,) + shape[-1:] if b_ndim > 1 else shape + (1,)
    if b_ndim == 1:
        shape = shape + (1,)
    return shape


class Linear(Function):
    """y = x W + b in one step (a dense layer); dx = dy W^T, dW = x^T dy, db = sum of dy over rows."""

    name = "linear"
    derivatives = ("grad @ {1}ᵀ", "{0}ᵀ @ grad", "grad summed over the batch")

    def forward(self, x, weight, bias=None):
        if x.ndim != 2 or x.shape[1] != weight.shape[0]:
            raise ValueError(f"linear: input of shape {x.shape} does not fit a weight of shape "
                             f"{weight.shape}; expected input shape (batch, {weight.shape[0]}).")
        out = x @ weight
        if bias is not None:
            out += bias
        return out

    def backward(self, grad, out):
        x, weight = self.inputs(grad)[:2]
        needs = self.needs_input_grad
        grads = (grad @ weight.T if needs[0] else None, x.T @ grad if needs[1] else None)
        if len(self.parents) == 3:
            grads += (matrix_sum(grad, 0) if needs[2] else None,)
        return grads


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with numpy's rules for 1-D and batched operands."""
    return MatMul.apply(*lift_pair(a, b))


def linear(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """x @ weight + bias for a batch of rows x (batch, in) and weight (in, out)."""
    x, weight = lift_pair(x, weight)
    return Linear.apply(x, weight) if bias is None else Linear.apply(x, weight, lift(bias, weight))
