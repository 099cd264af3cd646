"""SimpleRNN: the plain recurrent network, h_t = tanh(x_t W + h_(t-1) U + b) (Elman, 1990)."""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
from nn.layers.base import Shape
from nn.layers.rnn import RNN, RNNCell


class SimpleRNNCell(RNNCell):
    """One step of a SimpleRNN: ``h = activation(x @ kernel + bias + h_prev @ recurrent_kernel)``.

    Args:
        units: the size of the output and of the state.
        activation: default "tanh".
        use_bias: add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's defaults
            "glorot_uniform", "orthogonal" and "zeros".
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on the weights.
        kernel_constraint, recurrent_constraint, bias_constraint: projections of the weights after
            each optimizer step (see `nn.constraints`).
        dropout, recurrent_dropout: fractions of the step inputs and of the state to drop in
            training (one mask per sequence).
        seed: a seed for the dropout masks.

    Shape:
        kernel (features, units), recurrent_kernel (units, units), bias (units,).
    """

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.set_weight_arguments(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                                  bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                  kernel_constraint, recurrent_constraint, bias_constraint)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Shape) -> None:
        self.build_gate_weights(input_shape[-1], 1, (self.units,), self.bias_initializer)

    def call(self, inputs: ag.Tensor, states: Any, training: Optional[bool] = None) -> tuple[ag.Tensor, list]:
        previous = states[0] if isinstance(states, (list, tuple)) else states
        inputs = self.dropped(inputs, "dropout", training)
        previous = self.dropped(previous, "recurrent_dropout", training)
        output = self.activation(ag.linear(inputs, self.kernel, self.bias) + previous @ self.recurrent_kernel)
        return output, [output]

    def get_config(self) -> dict:
        return {**super().get_config(), **self.weight_arguments_config()}


class SimpleRNN(RNN):
    """A fully connected recurrent layer: ``h_t = tanh(x_t @ kernel + h_(t-1) @ recurrent_kernel + b)``.

    Takes `SimpleRNNCell`'s arguments (units, activation, use_bias, initializers, regularizers,
    constraints, dropout, recurrent_dropout, seed) and `RNN`'s (return_sequences, return_state, go_backwards,
    stateful, unroll).

    Example:
        >>> layer = SimpleRNN(4)
        >>> layer(np.ones((2, 10, 8), dtype="float32")).shape
        (2, 4)
    """

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, *,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                             dropout=dropout, recurrent_dropout=recurrent_dropout,
                             seed=seed, name="simple_rnn_cell", trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)

    @property
    def units(self) -> int:
        return self.cell.units

    def get_config(self) -> dict:
        return self.config_with_cell_arguments()
