"""Matrix products (matmul, 1-D, 2-D, batched, and the fused dense-layer product x @ W + b) and
small dense linear algebra for teaching: inv, det, solve, batched over leading axes."""
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


# ---- inverse, determinant, linear systems ------------------------------------------------------
def _square_matrices(op: str, a: np.ndarray) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{op} needs square matrices (shape (n, n), or (..., n, n) for a batch), "
                         f"got shape {a.shape}.")


def _singular(op: str, a: np.ndarray) -> ValueError:
    return ValueError(f"{op}: a matrix of shape {a.shape[-2:]} is singular (its determinant is 0), so "
                      "it has no inverse and the system has no unique solution. Check for repeated "
                      "or all-zero rows; adding a small multiple of the identity makes it invertible.")


def _transpose(m: Any) -> Any:
    """The transpose of the last two axes, on an array or a Tensor."""
    return m.swapaxes(-1, -2)


def _inverse(a: Any) -> Any:
    """inv(a) on a Tensor (recorded), np.linalg.inv on an array."""
    return inv(a) if isinstance(a, Tensor) else Inv().forward(a)


def _solved(a: Any, b: Any) -> Any:
    """solve(a, b) on Tensors (recorded), np.linalg.solve on arrays."""
    return solve(a, b) if isinstance(a, Tensor) else Solve().forward(a, b)


class Inv(Function):
    """B = A^-1; from dB = -B dA B, dA = -B^T grad B^T."""

    name = "inv"
    derivatives = ("-{out}ᵀ @ grad @ {out}ᵀ",)

    def forward(self, a):
        _square_matrices("inv", a)
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular("inv", a) from None

    def backward(self, grad, out):
        inverse_t = _transpose(out)
        return (-(inverse_t @ grad @ inverse_t),)


class Det(Function):
    """d = det(A); by Jacobi's formula d det / dA = det(A) A^-T."""

    name = "det"
    derivatives = ("{out} · inv({0})ᵀ",)

    def forward(self, a):
        _square_matrices("det", a)
        return np.linalg.det(a)

    def backward(self, grad, out):
        (a,) = self.inputs(grad)
        scale = (grad * out).reshape(out.shape + (1, 1))
        return (scale * _transpose(_inverse(a)),)


class Solve(Function):
    """x = A^-1 b for a vector b (n,) or a matrix b (..., n, k), as numpy.linalg.solve.
    From dx = A^-1 (db - dA x): grad_b = A^-T grad, grad_A = -grad_b x^T."""

    name = "solve"
    derivatives = ("-solve({0}ᵀ, grad) @ {out}ᵀ", "solve({0}ᵀ, grad)")

    def forward(self, a, b):
        _square_matrices("solve", a)
        rows = b.shape[0] if b.ndim == 1 else (b.shape[-2] if b.ndim >= 2 else None)
        if rows != a.shape[-1]:
            raise ValueError(f"solve: a of shape {a.shape} needs b of shape ({a.shape[-1]},) or "
                             f"(..., {a.shape[-1]}, k), got {b.shape}.")
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise _singular("solve", a) from None
        except ValueError:
            raise ValueError(f"solve: the batch dimensions of a {a.shape[:-2]} and b {b.shape[:-2]} "
                             "cannot be broadcast together.") from None

    def backward(self, grad, out):
        a, b = self.inputs(grad)
        need_a, need_b = self.needs_input_grad
        if b.ndim == 1:  # a vector b is solved as one column
            grad, out = grad.reshape(grad.shape + (1,)), out.reshape(out.shape + (1,))
        grad_b = _solved(_transpose(a), grad)
        grad_a = unbroadcast(-(grad_b @ _transpose(out)), a.shape) if need_a else None
        if not need_b:
            return grad_a, None
        return grad_a, unbroadcast(grad_b, b.shape if b.ndim > 1 else b.shape + (1,)).reshape(b.shape)


def inv(a: Any) -> Tensor:
    """The inverse of a square matrix (or of each matrix in a batch (..., n, n))."""
    return Inv.apply(lift(a))


def det(a: Any) -> Tensor:
    """The determinant of a square matrix (or of each matrix in a batch (..., n, n))."""
    return Det.apply(lift(a))


def solve(a: Any, b: Any) -> Tensor:
    """x with a @ x = b, for a square a (..., n, n) and b (n,) or (..., n, k), as numpy.linalg.solve;
    more accurate and cheaper than inv(a) @ b."""
    return Solve.apply(*lift_pair(a, b))
