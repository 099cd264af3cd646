"""The local derivative of each op, as text a learner can read next to the numbers.

`{0}`, `{1}`, `{2}` stand for the op's inputs and `{out}` for its output, by their names. Array ops state their rule in words, since one number cannot show a Jacobian.
"""
from __future__ import annotations

from typing import Sequence

from autograd.function import Function

LOCAL_DERIVATIVES: dict[str, tuple[str, ...]] = {
    "+": ("1", "1"),
    "-": ("1", "-1"),
    "*": ("{1}", "{0}"),
    "/": ("1/{1}", "-{0}/{1}²"),
    "**": ("{1}·{0}^({1}-1)", "{0}^{1}·ln {0}"),
    "neg": ("-1",),
    "exp": ("exp({0}) = {out}",),
    "log": ("1/{0}",),
    "sqrt": ("1/(2·sqrt({0}))",),
    "abs": ("sign({0})",),
    "tanh": ("1 - tanh²({0}) = 1 - {out}²",),
    "sigmoid": ("σ({0})·(1 - σ({0})) = {out}·(1 - {out})",),
    "relu": ("1 where {0} > 0, else 0",),
    "leaky_relu": ("1 where {0} > 0, else the negative slope",),
    "maximum": ("1 where {0} is the larger (ties share)", "1 where {1} is the larger (ties share)"),
    "minimum": ("1 where {0} is the smaller (ties share)", "1 where {1} is the smaller (ties share)"),
    "clip": ("1 inside the bounds, 0 outside",),
    "where": ("1 where the condition picked {0}", "1 where the condition picked {1}"),
    "@": ("grad @ {1}ᵀ", "{0}ᵀ @ grad"),
    "linear": ("grad @ {1}ᵀ", "{0}ᵀ @ grad", "grad summed over the batch"),
    "sum": ("1 for every summed element",),
    "mean": ("1/n for each of the n averaged elements",),
    "max": ("1 at the maximum (ties share), 0 elsewhere",),
    "min": ("1 at the minimum (ties share), 0 elsewhere",),
    "var": ("2·({0} - mean)/n",),
    "logsumexp": ("softmax({0})",),
    "softmax": ("out·(grad - sum(grad·out)) (softmax Jacobian)",),
    "log_softmax": ("grad - softmax({0})·sum(grad)",),
    "softmax_xent": ("(softmax({0}) - one_hot(labels)) / batch",),
    "reshape": ("grad reshaped back to the input's shape",),
    "transpose": ("grad transposed back",),
    "broadcast": ("grad summed over the broadcast axes",),
    "[]": ("grad placed back at the indexed positions, 0 elsewhere",),
    "concat": ("the matching slice of grad", "the matching slice of grad"),
    "stack": ("the matching slice of grad", "the matching slice of grad"),
    "astype": ("grad cast back to the input's dtype",),
}

INFIX_SYMBOLS = ("+", "-", "*", "/", "**", "@")


def expression_text(fn: Function, out_name: str, input_names: Sequence[str]) -> str:
    """How the op computed its output, e.g. 'n = x1 * w1' or 'y = tanh(n)'."""
    if fn.symbol in INFIX_SYMBOLS and len(input_names) == 2:
        return f"{out_name} = {input_names[0]} {fn.symbol} {input_names[1]}"
    return f"{out_name} = {fn.symbol}({', '.join(input_names)})"


def local_derivative_text(fn: Function, out_name: str, input_names: Sequence[str], index: int) -> str:
    """'∂out/∂input = rule' for input `index` of `fn`, e.g. '∂n/∂x1 = w1' for n = x1 * w1."""
    rules = LOCAL_DERIVATIVES.get(fn.symbol)
    if rules is None:
        rule = f"see {type(fn).__name__}.backward"
    else:
        rule = rules[min(index, len(rules) - 1)].format(*input_names, out=out_name)
    return f"∂{out_name}/∂{input_names[index]} = {rule}"
