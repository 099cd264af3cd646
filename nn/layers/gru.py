"""GRU: the gated recurrent unit (Cho et al., 2014), with Keras's gate order z, r, h.

An update gate z and a reset gate r (sigmoid), a candidate hh = tanh(x W_h + r * (h U_h)),
and ``h_t = z * h_(t-1) + (1 - z) * hh``. Keras's default ``reset_after=True`` applies the
reset gate after the recurrent product and keeps two biases, one for the input product and
one for the recurrent one (the cuDNN convention); ``reset_after=False`` applies it before
(``(r * h) U_h``) with a single bias.
"""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
from nn import activations
from nn.layers.base import Shape
from nn.layers.rnn import RNN, RNNCell


class GRUCell(RNNCell):
    """One GRU step; one state, h.

    Args:
        units: the size of the output and state.
        activation: for the candidate (default "tanh").
        recurrent_activation: for the gates z, r (default "sigmoid").
        use_bias: add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's defaults
            "glorot_uniform", "orthogonal" and "zeros".
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on the weights.
        kernel_constraint, recurrent_constraint, bias_constraint: projections of the weights after
            each optimizer step (see `nn.constraints`).
        dropout, recurrent_dropout: fractions of the step inputs and of h to drop in training
            (one mask per sequence, shared by the three gates).
        reset_after: apply the reset gate after the recurrent product (True, Keras's default)
            or before it.
        seed: a seed for the dropout masks.

    Shape:
        kernel (features, 3 units), recurrent_kernel (units, 3 units), each in the gate order
        z, r, h; bias (2, 3 units) with reset_after (row 0 for the input product, row 1 for the
        recurrent one), else (3 units,).
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.set_weight_arguments(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                                  bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                  kernel_constraint, recurrent_constraint, bias_constraint)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Shape) -> None:
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self.build_gate_weights(input_shape[-1], 3, bias_shape, self.bias_initializer)

    def call(self, inputs: ag.Tensor, states: Any, training: Optional[bool] = None) -> tuple[ag.Tensor, list]:
        previous = states[0] if isinstance(states, (list, tuple)) else states
        inputs = self.dropped(inputs, "dropout", training)
        dropped = self.dropped(previous, "recurrent_dropout", training)
        units = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        from_input = ag.linear(inputs, self.kernel, input_bias)
        x_z, x_r, x_h = (from_input[:, k * units:(k + 1) * units] for k in range(3))
        if self.reset_after:  # r scales the recurrent product h U_h (and its bias)
            from_state = ag.linear(dropped, self.recurrent_kernel, recurrent_bias)
            z = self.recurrent_activation(x_z + from_state[:, :units])
            r = self.recurrent_activation(x_r + from_state[:, units:2 * units])
            candidate = self.activation(x_h + r * from_state[:, 2 * units:])
        else:  # r scales h before its product with U_h
            from_state = dropped @ self.recurrent_kernel[:, :2 * units]
            z = self.recurrent_activation(x_z + from_state[:, :units])
            r = self.recurrent_activation(x_r + from_state[:, units:])
            candidate = self.activation(x_h + (r * dropped) @ self.recurrent_kernel[:, 2 * units:])
        output = z * previous + (1 - z) * candidate
        return output, [output]

    def get_config(self) -> dict:
        return {**super().get_config(), **self.weight_arguments_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class GRU(RNN):
    """A gated recurrent unit layer (see the module docstring for the equations).

    Takes `GRUCell`'s arguments (units, activation, recurrent_activation, use_bias,
    initializers, regularizers, constraints, dropout, recurrent_dropout, reset_after, seed) and `RNN`'s
    (return_sequences, return_state, go_backwards, stateful, unroll).

    Example:
        >>> layer = GRU(4)
        >>> layer(np.ones((2, 10, 8), dtype="float32")).shape
        (2, 4)
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: Optional[int] = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, reset_after: bool = True, *,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, seed=seed,
                       name="gru_cell", trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)

    @property
    def units(self) -> int:
        return self.cell.units

    def get_config(self) -> dict:
        return self.config_with_cell_arguments()
