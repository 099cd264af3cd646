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

from functools import lru_cache

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, namespace
from autograd.tensor import Tensor


@lru_cache(maxsize=64)
def _gate_scale_and_offset(units: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """s and b with activation(z) = s tanh(s z) + b for every gate column at once: sigmoid is
    0.5 tanh(z / 2) + 0.5 (gates i, f, o), tanh is 1 tanh(z) + 0 (the candidate g). Then the
    activation's derivative is s^2 - (y - b)^2: y(1 - y) for sigmoid, 1 - y^2 for tanh."""
    scale = np.full(4 * units, 0.5, dtype=dtype)
    scale[2 * units:3 * units] = 1.0
    offset = np.full(4 * units, 0.5, dtype=dtype)
    offset[2 * units:3 * units] = 0.0
    scale.flags.writeable = offset.flags.writeable = False
    return scale, offset


def _joined_inputs(x, h, with_bias: bool, xp):
    """[x | h | 1]: the step's inputs side by side, and a column of ones for the bias row."""
    if xp is np:
        rows, features = x.shape
        joined = np.empty((rows, features + h.shape[1] + with_bias), dtype=x.dtype)
        joined[:, :features] = x
        joined[:, features:features + h.shape[1]] = h
        if with_bias:
            joined[:, -1] = 1
        return joined
    ones = [lift(np.ones((x.shape[0], 1), dtype=x.dtype))] if with_bias else []
    return xp.concatenate([x, h] + ones, axis=1)


class LSTMCellStep(Function):
    """With state = [h | c]: z = [x | h | 1] W, cut into four gate blocks; i, f, o = sigmoid and
    g = tanh of theirs; c' = f c + i g; h' = o tanh(c'). The output is [h' | c'].

    Backward, with dh', dc' the halves of grad: dc = dc' + dh' o (1 - tanh(c')^2), then
    dz = [dc g, dc c, dc i, dh' tanh(c')] times each gate's activation derivative;
    dW = [x | h | 1]^T dz, dx = dz (W's rows for x)^T, d state = [dz (W's rows for h)^T | dc f].
    """

    name = "lstm_cell"
    derivatives = ("dz·W_xᵀ, dz = grad through the four gates", "[dz·W_hᵀ | f] (f: the forget gate)",
                   "[{0} | h | 1]ᵀ·dz")

    def forward(self, x, state, weights):
        units = state.shape[1] // 2
        joined = _joined_inputs(x, state[:, :units], weights.shape[0] > x.shape[1] + units, np)
        gates = joined @ weights
        scale, offset = _gate_scale_and_offset(units, gates.dtype)
        gates *= scale
        np.tanh(gates, out=gates)
        gates *= scale
        gates += offset
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        out = np.empty(state.shape, dtype=gates.dtype)
        new_c = out[:, units:]
        np.multiply(f, state[:, units:], out=new_c)
        new_c += i * g
        tanh_c = np.tanh(new_c)
        np.multiply(o, tanh_c, out=out[:, :units])
        self.saved = joined, gates, tanh_c
        return out

    def backward(self, grad, out):
        x, state, weights = self.inputs(grad)
        features, units = x.shape[1], state.shape[1] // 2
        scale, offset = _gate_scale_and_offset(units, np.result_type(x.dtype, state.dtype, weights.dtype))
        xp = namespace(grad)
        if isinstance(grad, Tensor):  # recording: gates recomputed as ops, so differentiable again
            joined = _joined_inputs(x, state[:, :units], weights.shape[0] > features + units, xp)
            gates = xp.tanh((joined @ weights) * scale) * scale + offset
            tanh_c = xp.tanh(out[:, units:])
        else:
            joined, gates, tanh_c = self.saved
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        centered = gates - offset
        slopes = scale * scale - centered * centered  # each gate's activation derivative
        grad_h, grad_c = grad[:, :units], grad[:, units:]
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_gates = xp.concatenate([grad_c * g, grad_c * state[:, units:], grad_c * i, grad_h * tanh_c],
                                    axis=1) * slopes
        need_x, need_state, need_weights = self.needs_input_grad
        return (grad_gates @ weights[:features].T if need_x else None,
                xp.concatenate([grad_gates @ weights[features:features + units].T, grad_c * f], axis=1)
                if need_state else None,
                joined.T @ grad_gates if need_weights else None)


def lstm_cell(x: Tensor, state: Tensor, weights: Tensor) -> Tensor:
    """One LSTM step with Keras's gate order i, f, c (the candidate g), o.

    Args:
        x: the step's input, (batch, features).
        state: the previous output h and carry c side by side, [h | c]: (batch, 2 units).
        weights: Keras's kernel (features, 4 units), recurrent kernel (units, 4 units) and,
            optionally, bias (4 units,) stacked as rows: (features + units [+ 1], 4 units), so
            that one product ``[x | h | 1] @ weights`` makes every gate's input. Stack them once
            per sequence: ``concatenate([kernel, recurrent_kernel, bias.reshape((1, -1))])``.

    Returns:
        the new state [h' | c'], with ``c' = f * c + i * g`` and ``h' = o * tanh(c')``, the
        gates i, f, o sigmoids and the candidate g a tanh (Keras's default activations).
    """
    x, state, weights = lift(x), lift(state), lift(weights)
    units = state.shape[-1] // 2 if state.ndim == 2 else -1
    shapes_fit = (x.ndim == state.ndim == weights.ndim == 2 and state.shape[1] == 2 * units
                  and x.shape[0] == state.shape[0] and weights.shape[1] == 4 * units
                  and weights.shape[0] in (x.shape[1] + units, x.shape[1] + units + 1))
    if not shapes_fit:
        raise ValueError(f"lstm_cell: shapes do not fit: x {x.shape}, state {state.shape}, weights {weights.shape}. "
                         "With x (batch, features) and the state [h | c] (batch, 2 units), the weights are the "
                         "kernel (features, 4 units), the recurrent kernel (units, 4 units) and the bias "
                         "(1, 4 units) stacked as rows: (features + units + 1, 4 units), or without a bias "
                         "(features + units, 4 units).")
    return LSTMCellStep.apply(x, state, weights)
