"""LSTM: long short-term memory (Hochreiter & Schmidhuber, 1997), with Keras's gate order.

Four gates from one product, ``z = x W + h U + b`` cut into i, f, c, o blocks:
``c_t = f * c_(t-1) + i * g`` and ``h_t = o * tanh(c_t)``, with i, f, o = sigmoid(...) and
g = tanh(...). The carry c passes from step to step through a product with the forget gate
only, which is why its gradient survives many more steps than a SimpleRNN's.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import activations
from nn.layers.base import Shape
from nn.layers.rnn import RNN, Loop, RNNCell, run_steps


class LSTMCell(RNNCell):
    """One LSTM step; states [h, c].

    Args:
        units: the size of the output h and of the carry c.
        activation: for the candidate and the carry (default "tanh").
        recurrent_activation: for the gates i, f, o (default "sigmoid").
        use_bias: add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's defaults
            "glorot_uniform", "orthogonal" and "zeros".
        unit_forget_bias: start the forget gate's bias at 1 (Jozefowicz et al., 2015), so the
            carry is kept at first; the other biases come from `bias_initializer`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on the weights.
        kernel_constraint, recurrent_constraint, bias_constraint: projections of the weights after
            each optimizer step (see `nn.constraints`).
        dropout, recurrent_dropout: fractions of the step inputs and of h to drop in training
            (one mask per sequence; Keras draws a recurrent mask per gate, here the four gates
            share one).
        seed: a seed for the dropout masks.

    Shape:
        kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,), each
        in the gate order i, f, c, o.
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.set_weight_arguments(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                                  bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                  kernel_constraint, recurrent_constraint, bias_constraint)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Shape) -> None:
        self.build_gate_weights(input_shape[-1], 4, (4 * self.units,), self._initial_bias)

    def _initial_bias(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        """`bias_initializer`'s values, with the forget gate's block at 1 under `unit_forget_bias`."""
        if not self.unit_forget_bias:
            return self.bias_initializer(shape, dtype=dtype)
        units = self.units
        bias = np.concatenate([self.bias_initializer((units,), dtype=dtype), np.ones(units, dtype=dtype),
                               self.bias_initializer((2 * units,), dtype=dtype)])
        return bias

    def uses_fused_step(self) -> bool:
        """Keras's default activations, which the fused `ag.lstm_cell` computes."""
        return self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid

    def stacked_weights(self) -> ag.Tensor:
        """kernel, recurrent kernel and bias as the rows of one matrix, as `ag.lstm_cell` takes them."""
        parts = [self.kernel, self.recurrent_kernel]
        if self.bias is not None:
            parts.append(self.bias.reshape((1, -1)))
        return ag.concatenate(parts, axis=0)

    def call(self, inputs: ag.Tensor, states: Any, training: Optional[bool] = None) -> tuple[ag.Tensor, list]:
        h, c = states
        inputs = self.dropped(inputs, "dropout", training)
        h = self.dropped(h, "recurrent_dropout", training)
        units = self.units
        if self.uses_fused_step():
            state = ag.lstm_cell(inputs, ag.concatenate([h, c], axis=1), self.stacked_weights())
            h = state[:, :units]
            return h, [h, state[:, units:]]
        z = ag.linear(inputs, self.kernel, self.bias) + h @ self.recurrent_kernel
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        i, f, o = self.recurrent_activation(i), self.recurrent_activation(f), self.recurrent_activation(o)
        c = f * c + i * self.activation(g)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), **self.weight_arguments_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class LSTM(RNN):
    """A long short-term memory layer (see the module docstring for the equations).

    Takes `LSTMCell`'s arguments (units, activation, recurrent_activation, use_bias,
    initializers, unit_forget_bias, regularizers, constraints, dropout, recurrent_dropout, seed) and `RNN`'s
    (return_sequences, return_state, go_backwards, stateful, unroll). With return_state the
    layer returns ``output, h, c``.

    With Keras's default activations each time step is one fused op (`ag.lstm_cell`), its
    weights stacked once per sequence rather than once per step; other activations run the
    cell's composition of ops.

    Example:
        >>> layer = LSTM(4, return_sequences=True)
        >>> layer(np.ones((2, 10, 8), dtype="float32")).shape
        (2, 10, 4)
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, *,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                        bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                        dropout=dropout, recurrent_dropout=recurrent_dropout,
                        seed=seed, name="lstm_cell", trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)

    @property
    def units(self) -> int:
        return self.cell.units

    def loop(self, sequences: ag.Tensor, states: list[ag.Tensor], mask: Optional[np.ndarray],
             training: Optional[bool]) -> Loop:
        """With the default activations: one fused op per step (`ag.lstm_cell`), the weights
        stacked once for the whole sequence and h and c carried side by side as one state
        [h | c], cut apart once at the end."""
        cell = self.cell
        if not cell.uses_fused_step():
            return super().loop(sequences, states, mask, training)
        weights = cell.stacked_weights()
        batch, units = sequences.shape[0], self.units
        input_mask = cell.dropout_mask("dropout", (batch, sequences.shape[2]), sequences.dtype, training)
        state_mask = cell.dropout_mask("recurrent_dropout", (batch, units), sequences.dtype, training)
        if state_mask is not None:  # h is dropped, the carry c never is
            state_mask = np.concatenate([state_mask, np.ones_like(state_mask)], axis=1)

        def step(inputs: ag.Tensor, joined: list[ag.Tensor]) -> tuple[ag.Tensor, list[ag.Tensor]]:
            state = joined[0] if state_mask is None else joined[0] * state_mask
            state = ag.lstm_cell(inputs if input_mask is None else inputs * input_mask, state, weights)
            return state, [state]

        last, outputs, (state,) = run_steps(step, sequences, [ag.concatenate(states, axis=1)], mask,
                                            self.go_backwards, self.return_sequences, self.zero_output_for_mask)
        return (last[:, :units], None if outputs is None else outputs[:, :, :units],
                [state[:, :units], state[:, units:]])

    def get_config(self) -> dict:
        return self.config_with_cell_arguments()
