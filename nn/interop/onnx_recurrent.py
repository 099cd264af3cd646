"""ONNX converters for the recurrent layers: SimpleRNN, LSTM, GRU, RNN over one of their cells,
and Bidirectional over any of them.

They map to ONNX's RNN/LSTM/GRU operators, whose gate order differs from Keras's (ONNX LSTM:
input, output, forget, cell; Keras: input, forget, cell, output) and whose kernels are
transposed. A sequence read front to back without a mask is one such node over all steps.
A mask (from Embedding(mask_zero=True) or Masking), or go_backwards, runs the same operator
one step at a time inside an ONNX Scan, which reproduces our loop (`nn.layers.rnn.run_steps`)
exactly: at a masked step a sample keeps its states and repeats its previous output (zeros
with zero_output_for_mask, and before its first kept step). Masks may hold gaps anywhere,
not only padding at the end, so ONNX's sequence_lens would not do.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from onnx import TensorProto, helper

from nn.interop.onnx_graph import GraphBuilder, describe, weight

CELLS = {  # cell class -> (ONNX op, number of states, Keras gate index for each ONNX gate position)
    "LSTMCell": ("LSTM", 2, [0, 3, 1, 2]),  # ONNX i, o, f, c  <- Keras i, f, c, o
    "GRUCell": ("GRU", 1, [0, 1, 2]),  # ONNX z, r, h  = Keras z, r, h
    "SimpleRNNCell": ("RNN", 1, [0]),
}


def reorder_gates(array: np.ndarray, order: list[int]) -> np.ndarray:
    """Reorder the gate blocks along the last axis (Keras's order -> ONNX's)."""
    blocks = np.split(array, len(order), axis=-1)
    return np.concatenate([blocks[i] for i in order], axis=-1)


def cell_kind(layer: Any) -> tuple[str, int, list[int]]:
    """(ONNX op, states, gate order) of a recurrent layer's cell, after checking that its
    settings are ones ONNX's operator computes."""
    cell_class = type(getattr(layer, "cell", None)).__name__
    if cell_class not in CELLS:
        raise ValueError(f"{describe(layer)}: a recurrent layer over a {cell_class} cannot be exported to ONNX; "
                         f"only SimpleRNNCell, LSTMCell and GRUCell map to ONNX's recurrent operators.")
    config = layer.cell.get_config()
    if layer.return_state:
        raise ValueError(f"{describe(layer)}: return_state=True cannot be exported to ONNX yet (a Sequential "
                         f"passes one output on); build the model without it.")
    if cell_class == "GRUCell" and not config["reset_after"]:
        raise ValueError(f"{describe(layer)}: only reset_after=True can be exported to ONNX.")
    for option, default in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        if config.get(option, default) != default:
            raise ValueError(f"{describe(layer)}: only {option}={default!r} can be exported to ONNX, not "
                             f"{config[option]!r}.")
    return CELLS[cell_class]


def recurrent_arrays(layer: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ONNX's W, R and B of one recurrent layer, each with a leading direction axis of 1."""
    _, states, order = cell_kind(layer)
    units = layer.cell.units
    kernel = reorder_gates(weight(layer, "kernel"), order).T[None]  # (1, gates * units, features)
    recurrent_kernel = reorder_gates(weight(layer, "recurrent_kernel"), order).T[None]
    bias = weight(layer, "bias") if layer.cell.use_bias else np.zeros(len(order) * units, np.float32)
    input_bias, recurrent_bias = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    both = np.concatenate([reorder_gates(input_bias, order), reorder_gates(recurrent_bias, order)])[None]
    return kernel, recurrent_kernel, both


def operator_attributes(layer: Any, direction: str) -> dict:
    op = cell_kind(layer)[0]
    attributes: dict = {"hidden_size": layer.cell.units, "direction": direction}
    if op == "GRU":
        attributes["linear_before_reset"] = 1
    if op == "RNN":
        attributes["activations"] = ["Tanh"] * (2 if direction == "bidirectional" else 1)
    return attributes


def weights_of(graph: GraphBuilder, layers: list) -> list[str]:
    """The constants W, R, B of one or two directions (stacked along the direction axis)."""
    arrays = [recurrent_arrays(layer) for layer in layers]
    return [graph.constant(hint, np.concatenate(parts)) for hint, parts in zip(("W", "R", "B"), zip(*arrays))]


# ---- whole sequences, no mask: one operator node ---------------------------------------------------------
def operator_over_sequence(graph: GraphBuilder, layers: list, x: str) -> tuple[str, str]:
    """One ONNX LSTM/GRU/RNN node over batch-major `x`, forward (one layer) or bidirectional
    (two): its outputs Y (time, directions, batch, units) and Y_h (directions, batch, units)."""
    direction = "bidirectional" if len(layers) == 2 else "forward"
    time_major = graph.node("Transpose", [x], "time_major", perm=[1, 0, 2])
    sequence, last = graph.nodes_with_outputs(cell_kind(layers[0])[0], [time_major, *weights_of(graph, layers)],
                                              ["sequence", "last"], **operator_attributes(layers[0], direction))
    return sequence, last


def direction_of(graph: GraphBuilder, sequence: str, last: str, index: int) -> tuple[str, str]:
    """Direction `index` of an operator's outputs, batch-major: (batch, time, units), (batch, units)."""
    position = graph.constant("direction", index, np.int64)
    steps = graph.node("Gather", [sequence, position], "direction_sequence", axis=1)
    return (graph.node("Transpose", [steps], "batch_major", perm=[1, 0, 2]),
            graph.node("Gather", [last, position], "direction_last", axis=0))


# ---- step by step: a Scan ----------------------------------------------------------------------------
def scanned(graph: GraphBuilder, layer: Any, x: str, mask: Optional[str], flip_outputs: bool) -> tuple[str, str]:
    """`layer` over batch-major `x` one step at a time, in a Scan whose state is the cell's
    states and the last output: (outputs (batch, time, units), last output (batch, units)).
    Steps are read from last to first under go_backwards; the outputs come in reading order,
    or reversed with `flip_outputs` (the backward half of a Bidirectional)."""
    op, state_count, _ = cell_kind(layer)
    units = layer.cell.units
    weights = weights_of(graph, [layer])
    body = graph.body()
    states = [body.fresh("state") for _ in range(state_count)]
    previous, step = body.fresh("previous_output"), body.fresh("step")
    step_mask = body.fresh("step_mask") if mask is not None else None
    unsqueezed = [body.node("Unsqueeze", [name, body.axes([0])], "one_step") for name in [step, *states]]
    results = body.nodes_with_outputs(op, [unsqueezed[0], *weights, "", *unsqueezed[1:]],
                                      ["", *["new_state"] * state_count], **operator_attributes(layer, "forward"))
    new_states = [body.node("Squeeze", [name, body.axes([0])], "new_state") for name in results[1:]]
    output = new_states[0]  # every cell here outputs its (first) state h
    if step_mask is not None:
        keep = body.node("Unsqueeze", [step_mask, body.axes([1])], "keep")
        new_states = [body.node("Where", [keep, new, old], "kept_state") for new, old in zip(new_states, states)]
        fallback = body.constant("zero", 0.0) if layer.zero_output_for_mask else previous
        output = body.node("Where", [keep, output, fallback], "kept_output")
    carried = body.node("Identity", [output], "carried_output")  # each body output a value of its own
    emitted = body.node("Identity", [output], "emitted_output")
    values = [helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in [*states, previous, step]]
    if step_mask is not None:
        values.append(helper.make_tensor_value_info(step_mask, TensorProto.BOOL, None))
    body_outputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, None)
                    for name in [*new_states, carried, emitted]]
    body_graph = helper.make_graph(body.nodes, graph.fresh("step_body"), values, body_outputs)
    zeros = graph.zeros_like_rows(x, units)
    scan_inputs = [x] if mask is None else [x, mask]
    reverse = int(layer.go_backwards)
    outputs = graph.nodes_with_outputs(
        "Scan", [*[zeros] * (state_count + 1), *scan_inputs], [*["final_state"] * state_count, "last", "outputs"],
        body=body_graph, num_scan_inputs=len(scan_inputs), scan_input_axes=[1] * len(scan_inputs),
        scan_input_directions=[reverse] * len(scan_inputs), scan_output_axes=[1],
        scan_output_directions=[int(flip_outputs)])
    return outputs[-1], outputs[-2]


# ---- the converters ----------------------------------------------------------------------------------
def recurrent(graph: GraphBuilder, layer: Any, x: str) -> str:
    """SimpleRNN, LSTM, GRU, or RNN over one of their cells."""
    mask = graph.mask_of(x)
    if mask is None and not layer.go_backwards:
        sequence, last = direction_of(graph, *operator_over_sequence(graph, [layer], x), 0)
    else:
        sequence, last = scanned(graph, layer, x, mask, flip_outputs=False)
    y = sequence if layer.return_sequences else last
    graph.masks[y] = mask if layer.return_sequences else None
    return y


def bidirectional(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Both directions in one ONNX node (direction="bidirectional") when nothing is masked,
    else one Scan each; the backward outputs flipped back to time order, then merged."""
    forward, backward = layer.forward_layer, layer.backward_layer
    if layer.merge_mode is None:
        raise ValueError(f"{describe(layer)}: merge_mode=None gives two outputs, which a Sequential cannot pass "
                         f"on, so it cannot be exported to ONNX; use 'concat', 'sum', 'ave' or 'mul'.")
    mask = graph.mask_of(x)
    if mask is None and not forward.go_backwards and type(forward.cell) is type(backward.cell):
        both = operator_over_sequence(graph, [forward, backward], x)
        directions = [direction_of(graph, *both, 0), direction_of(graph, *both, 1)]
    else:
        directions = [scanned(graph, forward, x, mask, flip_outputs=False),
                      scanned(graph, backward, x, mask, flip_outputs=True)]
    index = 0 if layer.return_sequences else 1
    first, second = directions[0][index], directions[1][index]
    if layer.merge_mode == "concat":
        y = graph.node("Concat", [first, second], "concat", axis=-1)
    elif layer.merge_mode == "sum":
        y = graph.node("Add", [first, second], "sum")
    elif layer.merge_mode == "ave":
        y = graph.node("Mul", [graph.node("Add", [first, second], "sum"), graph.constant("half", 0.5)], "ave")
    else:
        y = graph.node("Mul", [first, second], "mul")
    graph.masks[y] = mask if layer.return_sequences else None
    return y
