"""One step of an LSTM as one op: the recurrent layers' hot loop, fused.

Written as a composition, an LSTM step is some twenty small ops (two products, a bias, four
gate slices, five activations, the carry and output updates); at a batch of 64 their Python
overhead and their passes over memory outweigh the arithmetic, and a layer runs them once per
time step. The fused step computes the same function in one node, with one matrix product
forward and two backward. Its backward is the chain rule through the gates of this one step:
backpropagation through time is still the engine walking the steps.
tests/autograd/test_ops_recurrent.py proves value and gradients equal the composition's.
"""
from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, namespace
from autograd.tensor import Tensor


def _sigmoid_in_place(a: np.ndarray) -> None:
    """a <- 1 / (1 + e^-a), as 0.5 tanh(a / 2) + 0.5: one transcendental, never overflows."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5


def _with_ones(x, h, xp):
    """[x | h | 1]: the step's inputs side by side, and a column of ones for the bias row."""
    if xp is np:
        rows, features = x.shape
        joined = np.empty((rows, features + h.shape[1] + 1), dtype=x.dtype)
        joined[:, :features], joined[:, features:-1], joined[:, -1] = x, h, 1
        return joined
    return xp.concatenate([x, h, lift(np.ones((x.shape[0], 1), dtype=x.dtype))], axis=1)


class LSTMCellStep(Function):
    """z = [x | h | 1] W, cut into four gate blocks; i, f, o = sigmoid and g = tanh of theirs;
    c' = f c + i g; h' = o tanh(c'). The output is [h' | c'], (batch, 2 units).

    Backward, with dh', dc' the two halves of grad: dc = dc' + dh' o (1 - tanh(c')^2), then
    dz_i = dc g i(1-i), dz_f = dc c f(1-f), dz_g = dc i (1-g^2), dz_o = dh' tanh(c') o(1-o);
    dW = [x | h | 1]^T dz, [dx | dh] = dz (the rows of W for x and h)^T, dc_prev = dc f.
    """

    name = "lstm_cell"
    derivatives = ("dz·W_xᵀ, dz = grad through the four gates", "dz·W_hᵀ", "f (the forget gate)",
                   "[{0} | {1} | 1]ᵀ·dz")

    def forward(self, x, h, c, weights):
        units = c.shape[1]
        joined = _with_ones(x, h, np) if weights.shape[0] > x.shape[1] + units else np.concatenate([x, h], axis=1)
        gates = joined @ weights
        _sigmoid_in_place(gates[:, :2 * units])
        np.tanh(gates[:, 2 * units:3 * units], out=gates[:, 2 * units:3 * units])
        _sigmoid_in_place(gates[:, 3 * units:])
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        out = np.empty((c.shape[0], 2 * units), dtype=gates.dtype)
        new_c = out[:, units:]
        np.multiply(f, c, out=new_c)
        new_c += i * g
        tanh_c = np.tanh(new_c)
        np.multiply(o, tanh_c, out=out[:, :units])
        self.saved = joined, gates, tanh_c
        return out

    def backward(self, grad, out):
        x, h, c, weights = self.inputs(grad)
        features, units = x.shape[1], c.shape[1]
        xp = namespace(grad)
        if isinstance(grad, Tensor):  # recording: gates recomputed as ops, so differentiable again
            joined = _with_ones(x, h, xp) if weights.shape[0] > features + units else xp.concatenate([x, h], axis=1)
            gates = joined @ weights
            i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
            i, f, g, o = xp.sigmoid(i), xp.sigmoid(f), xp.tanh(g), xp.sigmoid(o)
            tanh_c = xp.tanh(out[:, units:])
        else:
            joined, gates, tanh_c = self.saved
            i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        grad_h, grad_c = grad[:, :units], grad[:, units:]
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_gates = xp.concatenate([grad_c * g * i * (1 - i), grad_c * c * f * (1 - f),
                                     grad_c * i * (1 - g * g), grad_h * tanh_c * o * (1 - o)], axis=1)
        need_x, need_h, need_c, need_weights = self.needs_input_grad
        return (grad_gates @ weights[:features].T if need_x else None,
                grad_gates @ weights[features:features + units].T if need_h else None,
                grad_c * f if need_c else None,
                joined.T @ grad_gates if need_weights else None)


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, weights: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step with Keras's gate order i, f, c (the candidate g), o; returns (h', c').

    Args:
        x: the step's input, (batch, features).
        h, c: the previous output and carry, (batch, units) each.
        weights: Keras's kernel (features, 4 units), recurrent kernel (units, 4 units) and,
            optionally, bias (4 units,) stacked as rows: (features + units [+ 1], 4 units), so
            that one product ``[x | h | 1] @ weights`` makes every gate's input. Stack them once
            per sequence, e.g. ``concatenate([kernel, recurrent_kernel, bias.reshape((1, -1))])``.

    The activations are Keras's defaults: sigmoid for the gates, tanh for the candidate and the
    carry; ``c' = f * c + i * g``, ``h' = o * tanh(c')``, computed as one op.
    """
    x, h, c, weights = lift(x), lift(h), lift(c), lift(weights)
    units = c.shape[-1] if c.ndim == 2 else -1
    shapes_fit = (x.ndim == h.ndim == c.ndim == weights.ndim == 2 and h.shape == c.shape
                  and x.shape[0] == c.shape[0] and weights.shape[1] == 4 * units
                  and weights.shape[0] in (x.shape[1] + units, x.shape[1] + units + 1))
    if not shapes_fit:
        raise ValueError(f"lstm_cell: shapes do not fit: x {x.shape}, h {h.shape}, c {c.shape}, weights "
                         f"{weights.shape}. With x (batch, features) and h, c (batch, units), the weights "
                         "are the kernel (features, 4 units), the recurrent kernel (units, 4 units) and the "
                         "bias (1, 4 units) stacked as rows: (features + units + 1, 4 units), or without "
                         "a bias (features + units, 4 units).")
    both = LSTMCellStep.apply(x, h, c, weights)
    return both[:, :units], both[:, units:]
