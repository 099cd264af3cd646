"""What each node of a graph picture says and looks like: kinds, styles, value text, labels.

Labels are Graphviz HTML-like labels, so every piece of user text goes through `html.escape`.
"""
from __future__ import annotations

import html
import re
from typing import Optional, Sequence

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor

# The kinds of tensor node, in the order the legend lists them.
TENSOR_KINDS = ("input", "constant", "parameter", "intermediate", "output")

KIND_DESCRIPTIONS = {
    "input": "input (data, no grad)",
    "constant": "constant (a number)",
    "parameter": "parameter (leaf with grad)",
    "intermediate": "intermediate result",
    "output": "output",
    "op": "op",
}

NODE_STYLES = {
    "input": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe"},
    "constant": {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#f3f4f6"},
    "parameter": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dcfce7", "penwidth": "2"},
    "intermediate": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff"},
    "output": {"shape": "box", "style": "rounded,filled", "fillcolor": "#fef3c7", "peripheries": "2"},
    "op": {"shape": "circle", "style": "filled", "fillcolor": "#e5e7eb", "fontsize": "12",
           "width": "0.4", "fixedsize": "false"},
}

# How a stepper frame marks nodes: the one being processed, and ones not computed yet.
HIGHLIGHT_STYLE = {"color": "#ea580c", "penwidth": "3", "fillcolor": "#fed7aa"}
PENDING_STYLE = {"color": "#9ca3af", "fontcolor": "#9ca3af", "style": "rounded,dashed"}
GRAD_COLOR = "#b91c1c"

# Ops that captions write between their operands, e.g. 'n = x1 * w1'.
INFIX_SYMBOLS = ("+", "-", "*", "/", "**", "@")


def tensor_kind(t: Tensor, root_ids: set[int]) -> str:
    """One of TENSOR_KINDS: roots are outputs; leaves split by requires_grad, names and size."""
    if id(t) in root_ids:
        return "output"
    if t.grad_fn is not None:
        return "intermediate"
    if t.requires_grad:
        return "parameter"
    if t.name is None and t.size == 1:
        return "constant"
    return "input"


def format_number(x: float, digits: int = 4) -> str:
    """`digits` significant digits, without numpy's trailing dots; -0 reads 0."""
    return f"{float(x) + 0.0:.{digits}g}"


def format_array(data: np.ndarray, max_elements: int) -> str:
    """One line: the values when there are at most `max_elements`, otherwise 'mean ± std in
    [min, max]' (a 4x1 array reads `[[1.], [1.], [1.], [1.]]`, never a column of lines)."""
    data = np.asarray(data)
    if data.size <= max_elements:
        if data.ndim == 0:
            return format_number(data)
        # Each number on its own (no padding to a common width), rows joined onto one line.
        text = np.array2string(data, separator=", ", max_line_width=10_000,
                               formatter={"float_kind": format_number})
        return " ".join(text.split())
    if data.dtype.kind not in "fciub":
        return f"{data.size} elements"
    values = data.astype(np.float64)
    return (f"{format_number(values.mean(), 3)} ± {format_number(values.std(), 3)} in "
            f"[{format_number(values.min(), 3)}, {format_number(values.max(), 3)}]")


def _text(s: str) -> str:
    # array2string may break lines; Graphviz HTML labels need <br/> for that.
    return html.escape(s).replace("\n", "<br/>")


def shape_text(t: Tensor) -> str:
    shape = "scalar" if t.ndim == 0 else "×".join(str(n) for n in t.shape)
    return f"{shape} {t.dtype}"


def tensor_label(t: Tensor, show_value: bool, grad: Optional[np.ndarray], max_elements: int,
                 note: str = "", nickname: str = "") -> str:
    """A tensor node's HTML label: name (else `nickname`, in italics), shape and dtype, value,
    gradient, then `note`."""
    rows = []
    if t.name:
        rows.append(f"<b>{_text(t.name)}</b>")
    elif nickname:
        rows.append(f"<i>{_text(nickname)}</i>")
    rows.append(f'<font point-size="10">{_text(shape_text(t))}</font>')
    if show_value:
        rows.append("data " + _text(format_array(t.data, max_elements)))
    if grad is not None:
        rows.append(f'<font color="{GRAD_COLOR}">grad {_text(format_array(grad, max_elements))}</font>')
    if note:
        rows.append(f'<font point-size="10" color="#ea580c">{_text(note)}</font>')
    return "<" + "<br/>".join(rows) + ">"


def op_text(fn: Function) -> str:
    """How pictures name an op: its operator where code writes one ('+', '@'), else its name."""
    return fn.symbol or fn.name


def op_label(fn: Function) -> str:
    """An op node's label, e.g. '+', '@', 'relu'."""
    return "<" + _text(op_text(fn)) + ">"


def operand(name: str) -> str:
    """`name` ready to sit next to an operator: parenthesised unless it is a plain name or
    number, so '∂n/∂(x1*w1 + x2*w2)' cannot be misread as '∂n/∂x1 * w1 + ...'."""
    return name if re.fullmatch(r"[\w.]+", name) else f"({name})"


def expression_text(fn: Function, out_name: str, input_names: Sequence[str]) -> str:
    """How the op computed its output, e.g. 'n = x1 * w1' or 'y = tanh(n)'."""
    if fn.symbol in INFIX_SYMBOLS and len(input_names) == 2:
        return f"{out_name} = {operand(input_names[0])} {fn.symbol} {operand(input_names[1])}"
    return f"{out_name} = {op_text(fn)}({', '.join(input_names)})"


def local_derivative_text(fn: Function, out_name: str, input_names: Sequence[str], index: int) -> str:
    """'∂out/∂input = rule' for input `index` of `fn`, e.g. '∂n/∂x1 = w1' for n = x1 * w1.

    The rule is the op's own `derivatives` entry, written beside its backward; names that
    contain operators are parenthesised.
    """
    rules = fn.derivatives
    operands = [operand(name) for name in input_names]
    if not rules:  # a Function written outside autograd.ops may not state its rule
        rule = f"see {type(fn).__name__}.backward"
    else:
        template = rules[min(index, len(rules) - 1)]
        for k, name in enumerate(input_names):  # 'tanh({0})' needs no second pair of brackets
            template = template.replace(f"({{{k}}})", "(" + name.replace("{", "{{").replace("}", "}}") + ")")
        rule = template.format(*operands, out=operand(out_name))
    return f"∂{operand(out_name)}/∂{operands[index]} = {rule}"
