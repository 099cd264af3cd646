"""Bidirectional: one recurrent layer reads the sequence forwards, a copy reads it backwards."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn.layers.base import LAYER_CLASSES, Layer, Shape
from nn.layers.rnn import RNN

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


def _copy_of(layer: RNN, name: str, go_backwards: bool) -> RNN:
    """A fresh layer with `layer`'s config (no weights), renamed and reading in the given direction."""
    config = {**layer.get_config(), "name": name, "go_backwards": go_backwards}
    config.pop("input_shape", None)
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Runs `layer` over the sequence and a copy of it over the reversed sequence, then merges.

    At each step t the forward layer has read steps 1..t and the backward one steps t..T, so
    the merged output sees the whole sequence around t.

    Args:
        layer: a recurrent layer (LSTM, GRU, SimpleRNN or RNN); it is copied, not used itself.
        merge_mode: "concat" (default), "sum", "ave", "mul", or None for the list
            [forward output, backward output].
        backward_layer: the layer for the backward direction (default: a copy of `layer` with
            go_backwards flipped).

    With return_sequences the backward outputs are flipped back to the input's time order
    before merging, and masked steps output zeros. With return_state the layer returns
    ``output, *forward_states, *backward_states``.

    Shape:
        output (batch, 2 units) for "concat", (batch, units) for the others (with the steps
        axis under return_sequences). The weights are the forward layer's, then the backward's.
    """

    supports_masking = True

    def __init__(self, layer: RNN, merge_mode: Optional[str] = "concat", backward_layer: Optional[RNN] = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(layer, RNN):
            raise ValueError(f"Bidirectional layer {self.name!r} wraps a recurrent layer such as LSTM(32), "
                             f"got {layer!r}.")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional layer {self.name!r}: merge_mode must be one of {MERGE_MODES}, "
                             f"got {merge_mode!r}.")
        base_name = layer.name.removeprefix("forward_")  # a reloaded config names the forward copy
        self.forward_layer = _copy_of(layer, f"forward_{base_name}", layer.go_backwards)
        self.backward_layer = (backward_layer if backward_layer is not None
                               else _copy_of(layer, f"backward_{base_name}", not layer.go_backwards))
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(f"Bidirectional layer {self.name!r}: the backward layer must read in the other "
                             f"direction (go_backwards={not self.forward_layer.go_backwards}).")
        for attribute in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attribute) != getattr(self.backward_layer, attribute):
                raise ValueError(f"Bidirectional layer {self.name!r}: the forward and backward layers must "
                                 f"have the same {attribute}.")
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        for direction in (self.forward_layer, self.backward_layer):
            direction.zero_output_for_mask = self.return_sequences  # as Keras: masked steps merge zeros

    # ---- weights: the two layers' ----------------------------------------------------------------
    def build(self, input_shape: Shape) -> None:
        for direction in (self.forward_layer, self.backward_layer):
            direction.build_for(input_shape)
            for weight in direction.weights:
                weight.name = f"{self.name}/{weight.name}"

    @property
    def trainable_weights(self) -> list[ag.Tensor]:
        if not self.trainable:
            return []
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self) -> list[ag.Tensor]:
        frozen = self.forward_layer.non_trainable_weights + self.backward_layer.non_trainable_weights
        if self.trainable:
            return frozen
        return frozen + self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def weights(self) -> list[ag.Tensor]:
        return self.forward_layer.weights + self.backward_layer.weights

    @property
    def losses(self) -> list[ag.Tensor]:
        return self.forward_layer.losses + self.backward_layer.losses

    # ---- running ---------------------------------------------------------------------------------
    def call(self, sequences: ag.Tensor, initial_state: Any = None, mask: Optional[np.ndarray] = None,
             training: Optional[bool] = None) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        forward = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        backward = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states: list[ag.Tensor] = []
        if self.return_state:
            states = list(forward[1:]) + list(backward[1:])
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = ag.flip(backward, axis=1)
        output = self._merge(forward, backward)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def _merge(self, forward: ag.Tensor, backward: ag.Tensor) -> Any:
        if self.merge_mode == "concat":
            return ag.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "ave":
            return (forward + backward) * 0.5
        if self.merge_mode == "mul":
            return forward * backward
        return [forward, backward]

    def compute_output_shape(self, input_shape: Shape) -> Any:
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], shape[1:]
        if self.merge_mode == "concat":
            shape = (*shape[:-1], 2 * shape[-1])
        output = [shape, shape] if self.merge_mode is None else [shape]
        if self.return_state:
            return output + states + states
        return output if self.merge_mode is None else shape

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * (2 * len(self.forward_layer.state_size))
        return masks if self.merge_mode is None else output_mask

    # ---- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        def entry(layer: Layer) -> dict:
            return {"class_name": type(layer).__name__, "config": layer.get_config()}

        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": entry(self.forward_layer),
                "backward_layer": entry(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict) -> "Bidirectional":
        config = dict(config)
        layers = {}
        for key in ("layer", "backward_layer"):
            entry = config.pop(key, None)
            if entry is not None:
                layers[key] = LAYER_CLASSES[entry["class_name"]].from_config(entry["config"])
        return cls(**layers, **config)
