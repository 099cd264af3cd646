"""`model.summary()`: Keras 3's table of layers, drawn with box characters, and the totals.

Columns "Layer (type)", "Output Shape", "Param #", and "Connected to" for a functional model
whose layers branch, meet or are shared (``name[node][tensor]`` of each input, as Keras writes
it). Widths follow Keras: 88 characters (108 with "Connected to"), or the terminal's width less
4 if narrower, split at the same fractions, and cells wrap at spaces. Parameters are counted once
per weight, so a shared layer counts once; a nested model is one row (``expand_nested=True``
lists its layers under it).
"""
from __future__ import annotations

import shutil
import textwrap
from typing import Any, Callable, Optional, Sequence

from nn import tree

SEQUENTIAL_LINE_LENGTH, GRAPH_LINE_LENGTH = 88, 108
SEQUENTIAL_POSITIONS, GRAPH_POSITIONS = (0.45, 0.80, 1.0), (0.3, 0.56, 0.74, 1.0)


def print_summary(model: Any, line_length: Optional[int] = None, positions: Optional[Sequence[float]] = None,
                  print_fn: Optional[Callable[[str], Any]] = None, expand_nested: bool = False,
                  show_trainable: bool = False) -> None:
    """Print `model`'s summary through `print_fn` (default `print`), as one string."""
    nodes = model._summary_nodes()
    connected = nodes is not None and not _chain_like(nodes)
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    justify = ["left", "left", "right"] + (["left"] if connected else [])
    default_length = GRAPH_LINE_LENGTH if connected else SEQUENTIAL_LINE_LENGTH
    positions = list(positions or (GRAPH_POSITIONS if connected else SEQUENTIAL_POSITIONS))
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    rows = []
    for layer in model._summary_layers():
        rows.extend(_layer_rows(layer, nodes, connected, show_trainable, expand_nested, level=0))
    table = _box_table(header, rows, justify, _column_widths(positions, line_length, len(header)))
    lines = [f'Model: "{model.name}"', *table, _count_line("Total", _weight_totals(model)),
             _count_line("Trainable", _sizes(model.trainable_weights)),
             _count_line("Non-trainable", _sizes(model.non_trainable_weights))]
    optimizer = _optimizer_sizes(model)
    if optimizer is not None:
        lines.append(_count_line("Optimizer", optimizer))
    (print_fn or print)("\n".join(lines))


def _chain_like(nodes: Sequence[Any]) -> bool:
    """Keras's test for leaving out "Connected to": one node at each depth (counted back from
    the outputs), none with several inputs, and no layer called twice."""
    depth = {id(node): 0 for node in nodes}
    for node in reversed(nodes):  # outputs first: each parent lies deeper than its deepest consumer
        for parent in node.parent_nodes:
            if id(parent) in depth:
                depth[id(parent)] = max(depth[id(parent)], depth[id(node)] + 1)
    layers = {id(node.layer) for node in nodes}
    return (len(set(depth.values())) == len(nodes) and all(len(node.input_tensors) <= 1 for node in nodes)
            and len(layers) == len(nodes))


def _layer_rows(layer: Any, nodes: Optional[Sequence[Any]], connected: bool, show_trainable: bool,
                expand_nested: bool, level: int) -> list[list[str]]:
    prefix = "   " * level + "└ " if level else ""
    own_nodes = [node for node in layer._inbound_nodes if nodes is None or node in nodes] if nodes else []
    params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
    row = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape_text(layer, own_nodes), params]
    if connected:
        inputs = [f"{t._keras_history.layer.name}[{t._keras_history.node_index}][{t._keras_history.tensor_index}]"
                  for node in own_nodes for t in node.input_tensors]
        row.append(", ".join(inputs) or "-")
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [row]
    inner = getattr(layer, "layers", None)
    if expand_nested and inner:
        for sublayer in inner:
            rows.extend(_layer_rows(sublayer, None, connected, show_trainable, expand_nested, level + 1))
    return rows


def _output_shape_text(layer: Any, nodes: Sequence[Any]) -> str:
    """The output shape from the layer's last call in the model, else from the shape it was
    built for; "?" for a layer not built yet."""
    if nodes:
        shapes = tree.map_structure(lambda t: t.shape, nodes[-1].outputs)
    elif layer.built and layer._build_shapes is not None:
        shapes = layer.compute_output_shape(layer._build_shapes)
    else:
        return "?"
    flat = tree.flatten_shapes(shapes)
    text = str(tuple(flat[0])) if len(flat) == 1 else str([tuple(shape) for shape in flat])
    return text.replace(",)", ")")


def _column_widths(positions: Sequence[float], line_length: int, count: int) -> list[int]:
    """Each column's text width: the positions' share of the line, then cut, one column at a
    time, by the space the borders and padding take (as the rich library shares it out)."""
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError(f"summary: line_length={line_length} is too narrow to print the table; use at least "
                             f"{4 * count + count + 1}.")
        widths.append(width)
        current += width
    excess = sum(widths) + 3 * count + 1 - line_length
    cuts, remaining, shares = [], excess, count
    for width in widths:
        cut = min(width, round(remaining / shares))
        cuts.append(cut)
        remaining -= cut
        shares -= 1
    return [max(1, width - cut) for width, cut in zip(widths, cuts)]


def _box_table(header: list[str], rows: list[list[str]], justify: list[str], widths: list[int]) -> list[str]:
    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def cells(values: list[str], bar: str) -> list[str]:
        wrapped = [textwrap.wrap(value, width, break_on_hyphens=False) or [""] for value, width in zip(values, widths)]
        lines = []
        for i in range(max(len(w) for w in wrapped)):
            parts = [_aligned(w[i] if i < len(w) else "", width, how) for w, width, how in zip(wrapped, widths, justify)]
            lines.append(bar + bar.join(f" {part} " for part in parts) + bar)
        return lines

    lines = [rule("┏", "━", "┳", "┓"), *cells(header, "┃"), rule("┡", "━", "╇", "┩")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines.extend(cells(row, "│"))
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def _aligned(text: str, width: int, how: str) -> str:
    if how == "right":
        return text.rjust(width)
    return text.center(width) if how == "center" else text.ljust(width)


def _sizes(weights: Sequence[Any]) -> tuple[int, int]:
    """(number of values, bytes) of the weights, each counted once."""
    unique = {id(w): w for w in weights}.values()
    return sum(w.size for w in unique), sum(w.data.nbytes for w in unique)


def _weight_totals(model: Any) -> tuple[int, int]:
    count, size = _sizes(model.weights)
    optimizer = _optimizer_sizes(model)
    return (count, size) if optimizer is None else (count + optimizer[0], size + optimizer[1])


def _optimizer_sizes(model: Any) -> Optional[tuple[int, int]]:
    """The optimizer's state once it has any, counted as Keras counts its variables: the slots
    (e.g. Adam's two moments per weight), the step counter and the learning rate."""
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None or not optimizer.state:
        return None
    arrays = [value for slots in optimizer.state.values() for value in slots.values() if hasattr(value, "nbytes")]
    return sum(a.size for a in arrays) + 2, sum(a.nbytes for a in arrays) + 8


def _count_line(kind: str, sizes: tuple[int, int]) -> str:
    return f" {kind} params: {sizes[0]:,} ({_readable(sizes[1])})"


def _readable(size: float) -> str:
    """Bytes as Keras writes them: "37.54 KB" (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"
