"""`RNN`: a cell run over the time steps of a sequence, the loop every recurrent layer shares.

A cell maps one step's input and the previous states to an output and new states,
``output, states = cell(x_t, states)``; `RNN` runs it for t = 1 .. T and keeps the last output
or all of them. Backpropagation through time is the engine walking this unrolled loop
backwards: no recurrent layer writes a gradient.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

import autograd as ag
from nn import activations, constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument
from nn.layers.base import LAYER_CLASSES, Layer, Shape
from nn.utils import get_rng, to_tensor

# step(x_t, states) -> (output_t, new_states): one time step of a recurrent layer.
Step = Callable[[ag.Tensor, list[ag.Tensor]], tuple[ag.Tensor, list[ag.Tensor]]]
Loop = tuple[ag.Tensor, Optional[ag.Tensor], list[ag.Tensor]]  # last output, all outputs, final states


def check_rate(rate: Any, what: str, owner: str) -> float:
    """A dropout rate in [0, 1), or an error naming the layer and the argument."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
        raise ValueError(f"{owner}: {what} is the fraction of units to drop and must lie in [0, 1), got {rate!r}.")
    return float(rate)


def check_units(units: Any, owner: str) -> int:
    """A positive number of units, or an error naming the layer."""
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
        raise ValueError(f"{owner}: units must be a positive integer (the size of the output and state), "
                         f"got {units!r}.")
    return int(units)


class RNNCell(Layer):
    """The base of the recurrent cells: their zero initial states and their dropout masks.

    As in Keras, a cell draws one dropout mask per sequence, for the step inputs (`dropout`)
    and for the recurrent state (`recurrent_dropout`), and uses it at every step; the layer
    running the cell forgets the masks at the end of the sequence.

    Subclasses set `state_size` (an int, or a list for several states) and `output_size`, and
    write ``call(inputs, states, training=None) -> (output, new_states)``.
    """

    state_size: Any = None
    output_size: Optional[int] = None

    def __init__(self, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: Optional[int] = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dropout = check_rate(dropout, "dropout", f"{type(self).__name__} {self.name!r}")
        self.recurrent_dropout = check_rate(recurrent_dropout, "recurrent_dropout",
                                            f"{type(self).__name__} {self.name!r}")
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self._masks: dict[str, Optional[np.ndarray]] = {}

    def get_initial_state(self, batch_size: int) -> list[ag.Tensor]:
        """Zeros of shape (batch, size) for each state."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [ag.zeros((batch_size, size)) for size in sizes]

    def dropout_mask(self, which: str, shape: tuple, dtype: Any, training: Optional[bool]) -> Optional[np.ndarray]:
        """This sequence's mask for "dropout" (the step inputs) or "recurrent_dropout" (the
        state): 0 with probability rate, else 1 / (1 - rate); None outside training or at rate 0."""
        rate = getattr(self, which)
        if not training or rate == 0.0:
            return None
        mask = self._masks.get(which)
        if mask is None:
            rng = self._rng if self._rng is not None else get_rng()
            dtype = np.dtype(dtype)
            keep = rng.random(shape) >= rate
            mask = self._masks[which] = keep.astype(dtype) / dtype.type(1.0 - rate)
        return mask

    def dropped(self, values: ag.Tensor, which: str, training: Optional[bool]) -> ag.Tensor:
        """`values` times this sequence's `dropout_mask`, or as they are."""
        mask = self.dropout_mask(which, values.shape, values.dtype, training)
        return values if mask is None else values * mask

    def reset_dropout_masks(self) -> None:
        """Forget the masks, so that the next sequence draws its own."""
        self._masks.clear()

    def get_config(self) -> dict:
        return {**super().get_config(), "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}

    def weight_arguments_config(self) -> dict:
        """The arguments SimpleRNNCell, LSTMCell and GRUCell share, as their configs spell them."""
        return {"units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}

    def set_weight_arguments(self, units: int, activation: Any, use_bias: bool, kernel_initializer: Any,
                             recurrent_initializer: Any, bias_initializer: Any, kernel_regularizer: Any,
                             recurrent_regularizer: Any, bias_regularizer: Any, kernel_constraint: Any,
                             recurrent_constraint: Any, bias_constraint: Any) -> None:
        """Check and keep the arguments SimpleRNNCell, LSTMCell and GRUCell share (the ones
        `weight_arguments_config` writes back)."""
        owner = f"{type(self).__name__} {self.name!r}"
        self.units = check_units(units, owner)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraint_argument(kernel_constraint, "kernel_constraint", owner)
        self.recurrent_constraint = constraint_argument(recurrent_constraint, "recurrent_constraint", owner)
        self.bias_constraint = constraint_argument(bias_constraint, "bias_constraint", owner)

    def build_gate_weights(self, features: int, gates: int, bias_shape: tuple[int, ...],
                           bias_initializer: Any) -> None:
        """kernel (features, gates * units), recurrent_kernel (units, gates * units) and, with
        use_bias, bias of `bias_shape`: the weights of a cell with `gates` gates side by side."""
        width = gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(features, width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=bias_shape, initializer=bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)


def run_steps(step: Step, sequences: ag.Tensor, states: list[ag.Tensor], mask: Optional[np.ndarray] = None,
              go_backwards: bool = False, return_sequences: bool = False,
              zero_output_for_mask: bool = False) -> Loop:
    """Run `step` over the time axis (axis 1) of `sequences`: (last output, all outputs, states).

    A masked step (mask[b, t] False) leaves sample b's states as they were and repeats its
    previous output (zeros with `zero_output_for_mask`, and before the first kept step).
    `go_backwards` reads the steps from last to first, and the outputs stay in that order.
    """
    order = range(sequences.shape[1] - 1, -1, -1) if go_backwards else range(sequences.shape[1])
    if sequences.requires_grad and ag.is_grad_enabled():
        step_inputs = [sequences[:, t] for t in order]
    else:  # data that wants no gradient: views of its steps, nothing to record
        step_inputs = [ag.from_numpy(sequences.data[:, t]) for t in order]
    outputs, output = [], None
    for t, inputs in zip(order, step_inputs):
        new_output, new_states = step(inputs, states)
        if mask is None or mask[:, t].all():
            output, states = new_output, list(new_states)
        else:
            keep = mask[:, t, None]
            fallback = 0.0 if zero_output_for_mask or output is None else output
            output = ag.where(keep, new_output, fallback)
            states = [ag.where(keep, new, old) for new, old in zip(new_states, states)]
        if return_sequences:
            outputs.append(output)
    return output, ag.stack(outputs, axis=1) if return_sequences else None, states


class RNN(Layer):
    """Runs a cell over every time step: ``nn.layers.RNN(nn.layers.LSTMCell(32))``.

    Args:
        cell: a cell layer (SimpleRNNCell, LSTMCell, GRUCell or your own `RNNCell`).
        return_sequences: output every step's output, (batch, steps, units), instead of the
            last one, (batch, units).
        return_state: also return the final states: ``output, *states = layer(x)``.
        go_backwards: read the sequence from its last step to its first (the outputs of
            ``return_sequences`` come in that reversed order, as in Keras).
        stateful: only False: carrying states from one batch to the next is not supported.
        unroll: accepted for Keras compatibility; the loop is always a Python loop.
        zero_output_for_mask: masked steps output zeros instead of repeating the last output.

    Call arguments: ``layer(sequences, initial_state=None, mask=None, training=None)``; the
    mask (batch, steps) comes from the inputs (e.g. ``Embedding(mask_zero=True)``) unless given.

    Shape:
        input (batch, steps, features); output (batch, units), or (batch, steps, units) with
        `return_sequences`. The weights are the cell's.
    """

    supports_masking = True

    def __init__(self, cell: Layer, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(cell, Layer) or getattr(cell, "state_size", None) is None:
            raise ValueError(f"{type(self).__name__} layer {self.name!r} needs a cell: a layer with a "
                             f"state_size and a call(inputs, states), such as LSTMCell(32); got {cell!r}.")
        if stateful:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: stateful=True (states carried from "
                             f"one batch to the next) is not supported; keep stateful=False and pass "
                             f"initial_state= to continue a sequence.")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)

    @property
    def state_size(self) -> list[int]:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    # ---- weights: the cell's ---------------------------------------------------------------------
    def build(self, input_shape: Shape) -> None:
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} layer {self.name!r} needs inputs of shape (batch, steps, "
                             f"features) with a known number of features, got {input_shape}; a sequence of "
                             f"integers goes through an Embedding first.")
        self.cell.build_for((input_shape[0], input_shape[-1]))
        for weight in self.cell.weights:  # Keras's variable paths: "lstm/lstm_cell/kernel"
            weight.name = f"{self.name}/{weight.name}"

    @property
    def trainable_weights(self) -> list[ag.Tensor]:
        return self.cell.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[ag.Tensor]:
        return self.cell.non_trainable_weights + ([] if self.trainable else self.cell.trainable_weights)

    @property
    def weights(self) -> list[ag.Tensor]:
        return self.cell.weights

    @property
    def losses(self) -> list[ag.Tensor]:
        return self.cell.losses

    # ---- running ---------------------------------------------------------------------------------
    def loop(self, sequences: ag.Tensor, states: list[ag.Tensor], mask: Optional[np.ndarray],
             training: Optional[bool]) -> Loop:
        """The cell over every step: (last output, all outputs or None, final states). The LSTM
        layer runs a fused step here instead."""
        def step(inputs: ag.Tensor, states: list[ag.Tensor]) -> tuple[ag.Tensor, list[ag.Tensor]]:
            return self.cell(inputs, states, training=training)

        return run_steps(step, sequences, states, mask, self.go_backwards, self.return_sequences,
                         self.zero_output_for_mask)

    def call(self, sequences: ag.Tensor, initial_state: Any = None, mask: Optional[np.ndarray] = None,
             training: Optional[bool] = None) -> Any:
        if sequences.ndim != 3:
            raise ValueError(f"{type(self).__name__} layer {self.name!r} needs inputs of shape (batch, steps, "
                             f"features), got shape {sequences.shape}.")
        states = self._initial_states(sequences.shape[0], initial_state)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != sequences.shape[:2]:
                raise ValueError(f"{type(self).__name__} layer {self.name!r}: the mask has shape {mask.shape} "
                                 f"but the inputs have {sequences.shape[:2]} (batch, steps); give one boolean "
                                 f"per sample and step.")
        try:
            last, outputs, states = self.loop(sequences, states, mask, training)
        finally:
            if isinstance(self.cell, RNNCell):
                self.cell.reset_dropout_masks()
        output = outputs if self.return_sequences else last
        return (output, *states) if self.return_state else output

    def _initial_states(self, batch_size: int, initial_state: Any) -> list[ag.Tensor]:
        if initial_state is None:
            make = getattr(self.cell, "get_initial_state", None)
            if make is not None:
                return list(make(batch_size))
            return [ag.zeros((batch_size, size)) for size in self.state_size]
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        given = [to_tensor(state) for state in given]
        expected = [(batch_size, size) for size in self.state_size]
        if [tuple(state.shape) for state in given] != expected:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: initial_state has shapes "
                             f"{[tuple(s.shape) for s in given]} but this layer's states are {expected} "
                             f"(batch, units) each; pass one array per state, in the order return_state gives them.")
        return given

    def compute_output_shape(self, input_shape: Shape) -> Any:
        units = getattr(self.cell, "output_size", None) or self.state_size[0]
        output = (input_shape[0], input_shape[1], units) if self.return_sequences else (input_shape[0], units)
        if self.return_state:
            return [output] + [(input_shape[0], size) for size in self.state_size]
        return output

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        """The input's mask when the output keeps the time axis; the states are never masked."""
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * len(self.state_size) if self.return_state else output_mask

    # ---- config ----------------------------------------------------------------------------------
    def loop_config(self) -> dict:
        """The arguments of the loop, shared by every recurrent layer's config."""
        return {"return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}

    def get_config(self) -> dict:
        cell = {"class_name": type(self.cell).__name__, "config": self.cell.get_config()}
        return {**super().get_config(), **self.loop_config(), "cell": cell}

    def config_with_cell_arguments(self) -> dict:
        """The config of SimpleRNN, LSTM and GRU: the cell's arguments spelled out in it, as
        their constructors take them (``LSTM(units=32, ...)`` rather than a cell)."""
        cell = {key: value for key, value in self.cell.get_config().items()
                if key not in ("name", "trainable", "input_shape")}
        return {**super().get_config(), **self.loop_config(), **cell}

    @classmethod
    def from_config(cls, config: dict) -> "RNN":
        config = dict(config)
        if "cell" not in config:  # SimpleRNN, LSTM, GRU: see config_with_cell_arguments
            return cls(**config)
        cell = config.pop("cell")
        if cell["class_name"] not in LAYER_CLASSES:
            raise ValueError(f"unknown cell class {cell['class_name']!r}; a custom cell must be defined "
                             f"(imported) before loading a model that uses it.")
        return cls(LAYER_CLASSES[cell["class_name"]].from_config(cell["config"]), **config)

